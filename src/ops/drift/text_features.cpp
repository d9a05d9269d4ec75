#include "ops/drift/text_features.h"

#include <algorithm>
#include <cctype>

#include "core/utf8.h"

namespace sy::ops::drift {

namespace {

constexpr uint32_t kFnvOffset = 2166136261u;
constexpr uint32_t kFnvPrime = 16777619u;

uint32_t fnv_add(uint32_t h, char32_t cp) {
  for (int shift = 0; shift < 32; shift += 8) {
    h ^= static_cast<uint32_t>((cp >> shift) & 0xFF);
    h *= kFnvPrime;
  }
  return h;
}

bool is_kana(char32_t cp) { return cp >= 0x3040 && cp <= 0x30FF; }
bool is_hangul(char32_t cp) { return (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0x1100 && cp <= 0x11FF); }
bool is_cyrillic(char32_t cp) { return cp >= 0x0400 && cp <= 0x04FF; }
bool is_latin_letter(char32_t cp) {
  if (cp < 0x80) return std::isalnum(static_cast<int>(cp)) != 0;
  return (cp >= 0x00C0 && cp <= 0x024F && cp != 0x00D7 && cp != 0x00F7);
}
// Letters of scripts we do not name (Greek, Arabic, Hebrew, Thai, Devanagari, ...): the broad
// blocks only, enough to say "other" rather than "none".
bool is_other_letter(char32_t cp) {
  return (cp >= 0x0370 && cp <= 0x03FF) || (cp >= 0x0590 && cp <= 0x08FF) || (cp >= 0x0900 && cp <= 0x0DFF) ||
         (cp >= 0x0E00 && cp <= 0x0EFF);
}

Script script_of(char32_t cp) {
  if (is_latin_letter(cp)) return Script::latin;
  if (core::is_han(cp)) return Script::han;
  if (is_kana(cp)) return Script::kana;
  if (is_hangul(cp)) return Script::hangul;
  if (is_cyrillic(cp)) return Script::cyrillic;
  if (is_other_letter(cp)) return Script::other;
  return Script::none;
}

bool written_without_spaces(Script s) { return s == Script::han || s == Script::kana || s == Script::hangul; }

char32_t lower(char32_t cp) {
  if (cp < 0x80) return static_cast<char32_t>(std::tolower(static_cast<int>(cp)));
  if ((cp >= 0x00C0 && cp <= 0x00DE && cp != 0x00D7) || (cp >= 0x0410 && cp <= 0x042F)) return cp + 0x20;
  return cp;
}

struct TermSink {
  TextFeatures& out;
  void add(uint32_t hash) {
    if (out.terms_n >= kMaxTerms) return;
    auto id = static_cast<uint16_t>(hash % kTermBuckets);
    auto end = out.terms.begin() + out.terms_n;
    if (std::find(out.terms.begin(), end, id) != end) return;
    out.terms[out.terms_n++] = id;
  }
};

}  // namespace

const char* to_string(Script s) {
  switch (s) {
    case Script::none: return "none";
    case Script::latin: return "latin";
    case Script::han: return "han";
    case Script::kana: return "kana";
    case Script::hangul: return "hangul";
    case Script::cyrillic: return "cyrillic";
    case Script::other: return "other";
  }
  return "none";
}

TextFeatures text_features(std::string_view text) {
  TextFeatures out;
  TermSink sink{out};
  text = text.substr(0, std::min(text.size(), kTextWindow));
  std::array<int, kScripts> letters{};
  uint32_t word = kFnvOffset;
  int word_len = 0;
  char32_t prev_cjk = 0;   // the previous character when it was CJK, for bigrams
  bool prev_alone = false; // that character has made no bigram yet
  auto end_word = [&] {
    if (word_len > 0) sink.add(word);
    word = kFnvOffset;
    word_len = 0;
  };
  auto end_cjk_run = [&] {
    if (prev_cjk != 0 && prev_alone) sink.add(fnv_add(kFnvOffset, prev_cjk));  // a lone character
    prev_cjk = 0;
    prev_alone = false;
  };
  for (size_t i = 0; i < text.size();) {
    char32_t cp = core::next_code_point(text, i);
    Script s = script_of(cp);
    letters[static_cast<size_t>(s)] += 1;
    if (written_without_spaces(s)) {
      end_word();
      if (prev_cjk != 0) {
        sink.add(fnv_add(fnv_add(kFnvOffset, prev_cjk), cp));
        prev_alone = false;
      } else {
        prev_alone = true;
      }
      prev_cjk = cp;
    } else if (s != Script::none) {
      end_cjk_run();
      word = fnv_add(word, lower(cp));
      ++word_len;
    } else {
      end_cjk_run();
      end_word();
    }
  }
  end_cjk_run();
  end_word();
  letters[static_cast<size_t>(Script::none)] = 0;  // punctuation and spaces never win
  auto most = std::max_element(letters.begin(), letters.end());
  if (*most > 0) out.script = static_cast<Script>(most - letters.begin());
  return out;
}

bool looks_like_refusal(std::string_view answer_start) {
  auto head = answer_start.substr(0, std::min(answer_start.size(), kRefusalWindow));
  // ASCII-lowered copy on the stack (the window is small), the Chinese phrases match as bytes.
  std::array<char, kRefusalWindow> lowered{};
  for (size_t i = 0; i < head.size(); ++i) lowered[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(head[i])));
  std::string_view text(lowered.data(), head.size());
  static constexpr std::string_view kPhrases[] = {
      "i'm sorry",   "i am sorry", "sorry, i",  "i can't",   "i cannot",  "i can not", "i’m sorry", "i can’t",
      "i'm unable",  "i am unable", "i'm not able", "i am not able", "as an ai", "i won't", "i will not",
      "抱歉",        "對不起",      "对不起",     "無法",      "无法",      "不能回答",  "不便回答"};
  static_assert(std::all_of(std::begin(kPhrases), std::end(kPhrases), [](std::string_view p) {
    auto c = static_cast<unsigned char>(p.front());
    return c == 'i' || c == 's' || c == 'a' || c >= 0x80;
  }));
  // One pass, trying the phrases only where one can start ('i', 's', 'a' or a UTF-8 lead byte):
  // the same answer as a find per phrase, for a few compares instead of 22 scans of the window.
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c != 'i' && c != 's' && c != 'a' && c < 0x80) continue;
    auto rest = text.substr(i);
    if (std::any_of(std::begin(kPhrases), std::end(kPhrases), [&](std::string_view p) { return rest.starts_with(p); })) {
      return true;
    }
  }
  return false;
}

}  // namespace sy::ops::drift
