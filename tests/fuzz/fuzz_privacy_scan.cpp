// The privacy scanner on request text (network input), with the line model as the server runs it:
// findings lie inside the text with start < end, their code-point offsets too; the model's score is
// a probability and its window lies inside the text, on character boundaries; and redacting then
// restoring (the restorer fed in two pieces split where the first byte says) gives the text back,
// unless the text itself already contains something shaped like a placeholder.
#include <memory>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "line_model/features.h"
#include "privacy/embedded_line_model.h"
#include "privacy/offsets.h"
#include "privacy/redactor.h"
#include "privacy/restorer.h"
#include "privacy/scanner.h"

namespace sy::fuzz {

namespace {

const privacy::Scanner& scanner() {
  static auto s = [] {
    privacy::ScannerOptions o;
    o.budget = std::chrono::seconds(5);
    o.line_model = privacy::embedded_line_model();
    if (o.line_model == nullptr) fail(__FILE__, __LINE__, "line model", "the embedded model cannot be read");
    auto created = privacy::Scanner::create(o);
    if (!created) fail(__FILE__, __LINE__, "scanner", created.error().message);
    return *created;
  }();
  return *s;
}

size_t code_points(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace

void check(const uint8_t* data, size_t size) {
  if (size == 0) return;
  size_t split_at = data[0] % size;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto result = scanner().scan(text);
  FUZZ_CHECK(!result.failed || result.sensitive, "a failed scan must count as sensitive");
  FUZZ_CHECK(result.findings.empty() || result.sensitive, "findings without sensitive=true");
  // Code-point offsets exist only for valid UTF-8 (what every JSON request body holds).
  const bool utf8 = valid_utf8(text);
  auto continuation = [&](size_t i) { return i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80; };
  if (result.model_score >= 0) {
    FUZZ_CHECK(result.model_score <= 1.0f, "a model score past 1: " + std::to_string(result.model_score));
    FUZZ_CHECK(result.findings.empty(), "the model was asked although the rules found something");
    FUZZ_CHECK(result.model_window_start < result.model_window_end && result.model_window_end <= text.size(),
               std::to_string(result.model_window_start) + ".." + std::to_string(result.model_window_end));
    FUZZ_CHECK(result.model_window_end - result.model_window_start <= line_model::kMaxWindow, "a window past its size");
    if (utf8) FUZZ_CHECK(!continuation(result.model_window_start) && !continuation(result.model_window_end), "a window cuts a character");
  }
  for (const auto& f : result.findings) {
    FUZZ_CHECK(f.start < f.end && f.end <= text.size(), std::to_string(f.start) + ".." + std::to_string(f.end));
    if (!utf8) continue;
    FUZZ_CHECK(!continuation(f.start) && !continuation(f.end), "a finding cuts a character: " + std::to_string(f.start) + ".." + std::to_string(f.end));
    auto [cs, ce] = privacy::char_offsets(text, f);
    FUZZ_CHECK(cs < ce && ce <= code_points(text), std::to_string(cs) + ".." + std::to_string(ce));
  }
  privacy::Redactor redactor;
  std::string redacted = redactor.redact(text, result.findings);
  if (text.find('[') != std::string_view::npos) return;  // the text could hold a placeholder of its own
  privacy::Restorer restorer(redactor.mapping());
  split_at = std::min(split_at, redacted.size());
  std::string restored = restorer.push(std::string_view(redacted).substr(0, split_at));
  restored += restorer.push(std::string_view(redacted).substr(split_at));
  restored += restorer.flush();
  FUZZ_CHECK(restored == text, "restore(redact(text)) != text");
}

}  // namespace sy::fuzz
