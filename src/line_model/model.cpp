#include "line_model/model.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "line_model/features.h"

namespace sy::line_model {
namespace {
constexpr char kMagic[4] = {'S', 'Y', 'L', 'M'};
constexpr uint32_t kVersion = 1;
constexpr size_t kHeader = 12;  // magic, version, bucket bits
static_assert(std::endian::native == std::endian::little, "the weights are stored little-endian, as they are in memory");
}  // namespace

float sigmoid(float z) { return 1.0f / (1.0f + std::exp(-std::clamp(z, -30.0f, 30.0f))); }

LineModel::LineModel(std::vector<float> weights) : weights_(std::move(weights)) { weights_.resize(kBuckets, 0.0f); }

core::Result<LineModel> LineModel::from_bytes(std::span<const std::byte> bytes) {
  uint32_t version = 0, bits = 0;
  if (bytes.size() < kHeader || std::memcmp(bytes.data(), kMagic, 4) != 0) {
    return core::Error::internal("line model: not a line model (no SYLM header)");
  }
  std::memcpy(&version, bytes.data() + 4, 4);
  std::memcpy(&bits, bytes.data() + 8, 4);
  if (version != kVersion || bits != kBucketBits) {
    return core::Error::internal("line model: version " + std::to_string(version) + " with " + std::to_string(bits) +
                                 " bucket bits; this build reads version 1 with " + std::to_string(kBucketBits));
  }
  if (bytes.size() != kHeader + kBuckets * sizeof(float)) return core::Error::internal("line model: truncated weights");
  std::vector<float> weights(kBuckets);
  std::memcpy(weights.data(), bytes.data() + kHeader, kBuckets * sizeof(float));
  return LineModel(std::move(weights));
}

std::string LineModel::to_bytes() const {
  std::string out(kHeader + kBuckets * sizeof(float), '\0');
  uint32_t version = kVersion, bits = kBucketBits;
  std::memcpy(out.data(), kMagic, 4);
  std::memcpy(out.data() + 4, &version, 4);
  std::memcpy(out.data() + 8, &bits, 4);
  std::memcpy(out.data() + kHeader, weights_.data(), kBuckets * sizeof(float));
  return out;
}

float LineModel::score(std::string_view text, float enough, std::string_view* best) const {
  float top = -1;
  for (std::string_view w : windows(text)) {
    float s = sigmoid(window_logit(w, weights_.data()));
    if (s > top) {
      top = s;
      if (best) *best = w;
    }
    if (top >= enough) break;
  }
  return top;
}

}  // namespace sy::line_model
