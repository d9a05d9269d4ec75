#include "privacy/embedded_line_model.h"

#include <optional>

namespace sy::privacy {

const line_model::LineModel* embedded_line_model() {
  static const std::optional<line_model::LineModel> model = []() -> std::optional<line_model::LineModel> {
    auto read = line_model::LineModel::from_bytes(embedded_line_model_bytes());
    if (!read) return std::nullopt;
    return std::move(*read);
  }();
  return model ? &*model : nullptr;
}

}  // namespace sy::privacy
