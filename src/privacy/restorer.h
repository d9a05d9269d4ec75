#pragma once
// Puts the original values back into a model's answer to a redacted request, as the answer
// streams: push() returns the text that is safe to emit now, holding back a tail that may be the
// start of a placeholder split across chunks ("[EMA" + "IL_1]"); flush() returns the rest at the
// end of the stream.
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sy::privacy {

class Restorer {
 public:
  // (placeholder, original) pairs, as Redactor::mapping() gives them.
  explicit Restorer(const std::vector<std::pair<std::string, std::string>>& mapping);

  std::string push(std::string_view chunk);
  std::string flush();

 private:
  bool could_become_placeholder(std::string_view tail) const;

  std::unordered_map<std::string, std::string> originals_;  // placeholder -> original
  size_t longest_ = 0;                                      // longest placeholder, in bytes
  std::string pending_;                                     // held back from the last push
};

}  // namespace sy::privacy
