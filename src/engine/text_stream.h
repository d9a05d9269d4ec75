#pragma once
// Turns token pieces into text a client may see. Two things make that more than concatenation:
// a piece can end inside a UTF-8 character (byte-fallback tokens split CJK characters into three
// pieces), and a stop sequence can span pieces ("\n\nUs" + "er:"). So text is held back while it
// is an incomplete character or could still grow into a stop sequence, and released once it
// cannot.
#include <string>
#include <string_view>
#include <vector>

namespace sy::engine {

class TextStream {
 public:
  explicit TextStream(std::vector<std::string> stops = {}, bool strip_leading_space = true);

  struct Step {
    std::string text;      // safe to send now
    bool stopped = false;  // a stop sequence was found; `text` ends just before it
  };
  Step push(std::string_view piece);
  // At the end of generation: whatever was held back (an unfinished character as U+FFFD).
  std::string flush();

 private:
  void take_utf8(std::string& out, bool at_end);
  size_t stop_prefix_overlap(std::string_view s) const;

  std::vector<std::string> stops_;
  bool strip_leading_space_;
  bool started_ = false;
  Step release(bool at_end);

  std::string held_;  // raw bytes of a character not yet complete
  std::string text_;  // valid UTF-8 held back: it could still grow into a stop sequence
};

}  // namespace sy::engine
