#pragma once
// The line model the build trained (CMakeLists.txt: line_model_train on tests/data/privacy's
// development sets) and embedded in the binary.
#include <cstddef>
#include <span>

#include "line_model/model.h"

namespace sy::privacy {

std::span<const std::byte> embedded_line_model_bytes();
// Read once, on first use; null if the embedded bytes are not a model this build reads (a build
// error, reported by the scanner's creation: requests are then treated as sensitive).
const line_model::LineModel* embedded_line_model();

}  // namespace sy::privacy
