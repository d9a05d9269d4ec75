#pragma once
// What drift detection keeps of a prompt or an answer: derived features only, never the text.
//
// The domain features are hashed terms, CJK-aware: Latin (and Cyrillic) text is split into
// lower-cased words; Han, kana and Hangul, written without spaces, into overlapping character
// bigrams (a lone character alone), the FAQ matcher's choice too. Evidently's text-drift method
// takes words split by spaces, which leaves a Chinese sentence one giant "word". Each term is
// hashed into one of kTermBuckets buckets; a prompt keeps its first kMaxTerms distinct ones.
//
// Constant work per request: only the first kTextWindow bytes are read, and nothing allocates.
#include <array>
#include <cstdint>
#include <string_view>

namespace sy::ops::drift {

inline constexpr size_t kTextWindow = 1024;
inline constexpr size_t kMaxTerms = 32;
inline constexpr uint32_t kTermBuckets = 4096;

// The script most of a text's letters are written in.
enum class Script : uint8_t { none, latin, han, kana, hangul, cyrillic, other };
inline constexpr size_t kScripts = 7;
const char* to_string(Script s);

struct TextFeatures {
  Script script = Script::none;
  uint8_t terms_n = 0;
  std::array<uint16_t, kMaxTerms> terms{};  // bucket ids, distinct
};

TextFeatures text_features(std::string_view text);

// Whether the start of an answer reads as a refusal ("I'm sorry, but I can't…", "抱歉，我無法…").
// Only the first kRefusalWindow bytes are looked at.
inline constexpr size_t kRefusalWindow = 64;
bool looks_like_refusal(std::string_view answer_start);

}  // namespace sy::ops::drift
