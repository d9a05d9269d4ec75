#pragma once
// What the line model sees of a text: hashed, binary features of a few kinds, each weak alone.
//   - Latin words, lower-cased, digits as 0 ("dx", "hba0c", "mr.") and pairs of them ("put on",
//     "final written");
//   - the shape of each word or number (Capitalised, UPPER, lower, a number's digit count) and runs
//     of two and three shapes: "C C l" is a name before a verb, "D5" a number the size of a salary;
//   - Han (and kana) characters one, two and three at a time, digits as 0 ("確診", "月薪0", "0床").
// Every feature is hashed into kBuckets; a feature counts once per window, however often it occurs,
// so a long window does not outvote a short one by length alone.
#include <cstdint>
#include <string_view>
#include <vector>

namespace sy::line_model {

inline constexpr uint32_t kBucketBits = 18;
inline constexpr uint32_t kBuckets = 1u << kBucketBits;

// The window's distinct feature buckets (sorted), the bias bucket among them. `out` is reused.
void window_features(std::string_view window, std::vector<uint32_t>& out);
// The sum of `weights` (kBuckets of them) over the window's distinct features: what scoring needs,
// without building the sorted list (the sum's order differs from the list's, so the last bits of a
// float may too).
float window_logit(std::string_view window, const float* weights);

// The text cut into windows of at most kMaxWindow bytes, at a sentence or line end where there is
// one: the model was trained on prompts of one to a few sentences, and a sum of weights over a
// whole document would grow with its length rather than with what it says.
inline constexpr size_t kMaxWindow = 512;
std::vector<std::string_view> windows(std::string_view text);

}  // namespace sy::line_model
