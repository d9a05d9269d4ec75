#pragma once
// A line model: logistic regression over hashed text features (features.h) saying how likely a
// text is to hold personal data about a private person, as the labelled sets in tests/data/privacy
// taught it. It is no detector of values (it gives a score, no offsets): the privacy scanner's rules
// find what has a shape or a name and a fact they know; this model catches what the rules' word
// lists lack ("月薪18500", "Big Mike's gout") because such lines read like the ones it was shown.
//
// Plain data: kBuckets float weights, built by train() or read from bytes (to_bytes' format:
// "SYLM", a version, the bucket bits, then the little-endian float weights). score() is thread-safe.
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace sy::line_model {

class LineModel {
 public:
  static core::Result<LineModel> from_bytes(std::span<const std::byte> bytes);
  explicit LineModel(std::vector<float> weights);
  std::string to_bytes() const;

  // The probability that the text is sensitive: the highest over its windows. Stops early once a
  // window reaches `enough` (the caller's threshold): the rest cannot lower a maximum. `best`, if
  // given, is set to the window that scored it (a view into `text`).
  float score(std::string_view text, float enough = 2.0f, std::string_view* best = nullptr) const;

  const std::vector<float>& weights() const { return weights_; }

 private:
  std::vector<float> weights_;
};

float sigmoid(float z);

}  // namespace sy::line_model
