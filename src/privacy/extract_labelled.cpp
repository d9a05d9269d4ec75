// Numbers that only their label tells apart: a passport, bank account, medical record or case
// number is a run of digits like an order or a ticket number, so the anchor is the label
// ("passport", 帳號, "MRN") and the extractor reads the value after it: past the label's tail
// ("number", "no.", 號碼) and a separator (":", "is", 是), a run of letters and digits with at least
// a few digits. A label with no such value after it ("your account manager", 帳號被鎖) is not a
// finding.
#include <algorithm>

#include "core/utf8.h"
#include "privacy/boundaries.h"
#include "privacy/extractors.h"

namespace sy::privacy::extract {
namespace {

// What may stand between a label and its value, longest first where one starts another.
constexpr std::string_view kLabelTails[] = {
    "number", "Number", "NUMBER", "num", "no", "No", "NO", "nr", "id", "ID", "reference", "Reference", "ref", "Ref",
    "is",     "was",    "of",     "ending", "#", ":", "=", "-", "(", ")", ",", ".", "號碼", "号码", "編號", "编号", "號",
    "号",     "是",     "為",     "为",     "：", "（", "）", "，",
    // Words a writer puts between a label and its value: "passport no. reads either X4482071",
    // "medical record number MR 55120-08".
    "reads", "read", "either", "shows", "says", "as", "MRN", "MR",
};

// Skips the label's tail and separators after `pos`, at most 32 bytes; returns where the value
// may start. "ending" is kept as a tail so that "account ending 4821" reads "4821" (too short).
size_t skip_label_tail(std::string_view text, size_t pos) { return skip_words(text, pos, 32, kLabelTails); }

struct ValueRules {
  size_t min_digits;
  size_t max_letters;  // letters allowed in the value (passport "L19530021", MRN "A-004821")
  bool digit_first;
};

// The value at `pos`: letters and digits, with single '-', '/', '.' or ' ' between digit groups.
std::optional<Span> read_value(std::string_view text, size_t pos, const ValueRules& rules) {
  if (pos >= text.size() || !is_alnum(text[pos]) || before_is(text, pos, is_alnum)) return std::nullopt;
  if (rules.digit_first && !is_digit(text[pos])) return std::nullopt;
  size_t end = pos, digits = 0, letters = 0;
  while (end < text.size() && end - pos < 40) {
    char c = text[end];
    if (is_digit(c)) {
      ++digits;
    } else if (is_alpha(c)) {
      ++letters;
    } else if ((c == '-' || c == '/' || c == '.' || c == ' ' || c == ':') && at_is(text, end + 1, is_alnum) &&
               before_is(text, end, is_alnum)) {
      // A space only between digits ("123 456 789", not "123 and"), or after a short capital
      // prefix at the start ("RVH 556120": a hospital's letters before the number).
      auto capital_prefix = [&] {
        return digits == 0 && letters <= 4 && is_digit(text[end + 1]) &&
               std::all_of(text.begin() + static_cast<std::ptrdiff_t>(pos), text.begin() + static_cast<std::ptrdiff_t>(end), is_upper);
      };
      if (c == ' ' && !(is_digit(text[end - 1]) && is_digit(text[end + 1])) && !capital_prefix()) break;
    } else {
      break;
    }
    ++end;
  }
  if (digits < rules.min_digits || letters > rules.max_letters) return std::nullopt;
  if (at_is(text, end, is_alnum)) return std::nullopt;  // cut off at 40: not a value we understand
  return Span{pos, end};
}

std::optional<Span> after_label(std::string_view text, size_t match_end, const ValueRules& rules) {
  return read_value(text, skip_label_tail(text, match_end), rules);
}

// A few lower-case words and a colon between a label and its value: "account for the refund:
// 031-4407-22819". Only words of letters and single spaces, at most 24 bytes, so a sentence that
// goes on about something else never reaches a number.
std::optional<Span> after_colon(std::string_view text, size_t pos, const ValueRules& rules) {
  size_t p = pos;
  while (p < text.size() && p - pos < 24 && (is_lower(text[p]) || text[p] == ' ')) ++p;
  if (p == pos || !at_is(text, p, [](char c) { return c == ':'; })) return std::nullopt;
  return read_value(text, skip_label_tail(text, p), rules);
}

}  // namespace

std::optional<Span> passport_number(std::string_view text, size_t match_end) {
  if (!label_stands_alone(text, match_end)) return std::nullopt;
  return after_label(text, match_end, {.min_digits = 5, .max_letters = 4, .digit_first = false});  // NW8K47PL2
}

// A value with a passport's usual shape (one or two capitals and six to eight digits: G38417265,
// X4482071) further from its label, within 60 bytes after it or 40 before it on the same line:
// "passport number before check-in, it's G38417265", "reads either X4482071 or X4482017", "Is
// GK482913 a valid Canadian passport number?". Anchored on the shape, so every such value near a
// label is found, not only the first.
std::optional<Span> passport_shaped_near_label(std::string_view text, size_t match_end) {
  size_t start = match_end;
  while (start > 0 && is_alnum(text[start - 1])) --start;
  if (before_is(text, start, is_alnum) || at_is(text, match_end, is_alnum)) return std::nullopt;
  auto on_one_line = [&](size_t lo, size_t hi) { return text.substr(lo, hi - lo).find('\n') == std::string_view::npos; };
  size_t lo = start > 60 ? start - 60 : 0;
  std::string_view before = text.substr(lo, start - lo);
  std::string_view after = text.substr(match_end, 40);
  for (std::string_view label : {"passport", "Passport", "PASSPORT", "護照", "护照"}) {
    if (size_t at = before.rfind(label); at != std::string_view::npos && on_one_line(lo + at, start)) return Span{start, match_end};
    if (size_t at = after.find(label); at != std::string_view::npos && on_one_line(match_end, match_end + at)) {
      return Span{start, match_end};
    }
  }
  return std::nullopt;
}

// The bank's name between an account label and its number: 帳號：台新 2081-0100-3365, 账号：建设银行
// 4420-1157-3308. Up to eight Han characters, then the label's separators; where the value may start
// after them, or npos.
size_t after_bank_name(std::string_view text, size_t pos) {
  size_t p = pos;
  int han = 0;
  while (han < 8 && p < text.size()) {
    size_t next = p;
    if (!core::is_han(core::next_code_point(text, next))) break;
    p = next;
    ++han;
  }
  if (han == 0) return std::string_view::npos;
  return skip_label_tail(text, p);
}

// A bookkeeping account, not a bank's: "Account 4471-0098-2231 in our chart of accounts".
bool ledger_account(std::string_view text, size_t label_end) {
  size_t lo = label_end > 60 ? label_end - 60 : 0;
  std::string_view around = text.substr(lo, 140);
  for (std::string_view ledger : {"chart of accounts", "ledger", "GL account", "G/L", "cost cent"}) {
    if (around.find(ledger) != std::string_view::npos) return true;
  }
  return false;
}

std::optional<Span> account_number(std::string_view text, size_t match_end) {
  if (!label_stands_alone(text, match_end) || ledger_account(text, match_end)) return std::nullopt;
  constexpr ValueRules rules{.min_digits = 6, .max_letters = 0, .digit_first = true};
  size_t start = skip_label_tail(text, match_end);
  if (auto span = read_value(text, start, rules)) return span;
  if (auto span = after_colon(text, start, rules)) return span;  // "account for the refund: 031-4407-22819"
  size_t after_bank = after_bank_name(text, start);
  if (after_bank == std::string_view::npos) return std::nullopt;
  // A space must part the name from the number ("帳號被鎖123456" has none and is no value).
  if (!before_is(text, after_bank, is_sp)) return std::nullopt;
  return read_value(text, after_bank, rules);
}

std::optional<Span> medical_record_number(std::string_view text, size_t match_end) {
  // A label that ends in a letter must end there: "MRNA", "medical records" ("chart #HN-5582" is fine).
  if (is_alpha(text[match_end - 1]) && at_is(text, match_end, is_alpha)) return std::nullopt;
  return after_label(text, match_end, {.min_digits = 4, .max_letters = 4, .digit_first = false});
}

// A help-desk ticket is not a case about a person: "support case #00412877", "Salesforce case
// no. 12". `word_start`: where "case" (or "claim", "docket") begins.
bool support_ticket(std::string_view text, size_t word_start) {
  char buffer[16];
  std::string_view w = word_before(text, word_start, buffer);
  for (std::string_view ticket : {"support", "ticket", "service", "helpdesk", "salesforce", "zendesk", "jira", "it", "test", "use"}) {
    if (w == ticket) return true;
  }
  return false;
}

// The word before a bare "case" that makes it a case about someone: "court case 2023-...",
// "social services case ...", "insurance case ...".
bool case_about_someone(std::string_view text, size_t word_start) {
  char buffer[16];
  std::string_view w = word_before(text, word_start, buffer);
  for (std::string_view domain : {"court", "legal", "services", "social", "insurance", "immigration", "custody", "welfare",
                                  "criminal", "civil", "patient", "probate", "family", "tribunal", "asylum", "compensation",
                                  "claims", "protection", "benefits", "housing", "disability", "adjourn", "dismiss",
                                  "appeal", "hearing", "trial", "prosecution", "defence", "defense"}) {
    if (w == domain) return true;
  }
  return false;
}

std::optional<Span> han_case_reference(std::string_view text, size_t match_end);  // below

// A help desk named in Chinese before a case label: 客服案件編號, 工單案號, 技术支持的 case #70231.
// `pos`: where the label ends (a Han label, which may start a few characters before its case word:
// 案件編號) or where its Latin word begins.
bool han_support_ticket(std::string_view text, size_t pos) {
  std::string_view before = text.substr(0, pos).substr(pos > 27 ? pos - 27 : 0);
  for (std::string_view desk : {"客服", "工單", "工单", "報修", "报修", "客訴", "客诉", "技術支援", "技术支持"}) {
    if (before.find(desk) != std::string_view::npos) return true;
  }
  return false;
}

// A help-desk system named just after a case number: "Case #2024-11873 in Zendesk".
bool ticket_system_after(std::string_view text, size_t pos) {
  std::string_view after = text.substr(pos, 40);
  for (std::string_view system : {"Zendesk", "zendesk", "Jira", "JIRA", "Salesforce", "ServiceNow", "Freshdesk", "HubSpot", "helpdesk"}) {
    if (after.find(system) != std::string_view::npos) return true;
  }
  return false;
}

std::optional<Span> case_number(std::string_view text, size_t match_end) {
  // Back over the label's last word ("number", "#") and its space to the start of "case".
  size_t p = match_end;
  while (p > 0 && text[p - 1] != ' ') --p;
  if (p > 0) --p;
  while (p > 0 && is_alpha(text[p - 1])) --p;
  const bool han_label = static_cast<unsigned char>(text[match_end - 1]) >= 0x80;
  if (support_ticket(text, p) || han_support_ticket(text, han_label ? match_end : p)) return std::nullopt;
  // After a Han label (案號) the reference may mix digits and Han (112勞資調字第0731號): read it whole.
  if (han_label) return han_case_reference(text, match_end);
  auto span = after_label(text, match_end, {.min_digits = 3, .max_letters = 6, .digit_first = false});
  if (span && ticket_system_after(text, span->end)) return std::nullopt;
  return span;
}

// A court docket by its shape, whatever the word before "case": a year, the court's letters and a
// serial ("case 2024-CR-001873", "case 23-cv-04417"). No help-desk ticket is written that way.
bool docket_shaped(std::string_view v) {
  size_t year = 0;
  while (year < v.size() && is_digit(v[year])) ++year;
  if ((year != 2 && year != 4) || year >= v.size() || v[year] != '-') return false;
  size_t letters = year + 1;
  while (letters < v.size() && is_alpha(v[letters])) ++letters;
  size_t n = letters - year - 1;
  if (n < 1 || n > 4 || letters >= v.size() || v[letters] != '-') return false;
  size_t digits = 0;
  while (letters + 1 + digits < v.size() && is_digit(v[letters + 1 + digits])) ++digits;
  return digits >= 3;
}

// "case 2023-CW-01877" with no "number" between: a docket by its shape, or else only after a word that makes it a case about
// someone ("social services case", "court case") and only a value that looks like a reference
// (four digits or more and a dash or slash), so that "in case 2 fails" stays prose.
std::optional<Span> bare_case_number(std::string_view text, size_t match_end) {
  size_t value = match_end - 1;  // the anchor is "case " and the value's first character
  auto span = read_value(text, value, {.min_digits = 4, .max_letters = 6, .digit_first = false});
  if (!span) return std::nullopt;
  if (!case_about_someone(text, value - 5)) {
    bool docket = !support_ticket(text, value - 5) && docket_shaped(text.substr(span->start, span->end - span->start));
    return docket ? span : std::nullopt;
  }
  std::string_view v = text.substr(span->start, span->end - span->start);
  if (v.find_first_of("-/") == std::string_view::npos) return std::nullopt;
  return span;
}

// An insurance claim's reference: "claim CLM-88-41027", "your claim, reference CLM-2024-0061873".
// Only a value shaped like a reference (four digits or more with letters or a dash), so that "claim
// 2 days" stays prose.
std::optional<Span> claim_reference(std::string_view text, size_t match_end) {
  auto span = after_label(text, match_end, {.min_digits = 4, .max_letters = 6, .digit_first = false});
  if (!span) return std::nullopt;
  std::string_view v = text.substr(span->start, span->end - span->start);
  bool reference = v.find('-') != std::string_view::npos || std::any_of(v.begin(), v.end(), is_alpha);
  return reference ? span : std::nullopt;
}

// After a Han case label (案號, 案号) the reference itself may hold Han characters: 京朝劳人仲字[2024]
// 第3127号, 穗府行复〔2024〕128号. Everything up to a space or a sentence mark, with three digits or more.
std::optional<Span> han_case_reference(std::string_view text, size_t match_end) {
  size_t start = skip_label_tail(text, match_end);
  if (at_is(text, start, [](char c) { return c == '['; }) && at_is(text, start + 1, is_upper)) {
    return std::nullopt;  // a placeholder already: [CASE_NUMBER_1]
  }
  // Up to a space, a sentence mark or a closing bracket that opens nothing inside the value.
  size_t end = start, last = start;
  int digits = 0;
  bool han = false;
  for (size_t i = start; i < text.size() && i - start < 48;) {
    std::string_view rest = text.substr(i);
    if (text[i] == ' ' || text[i] == '\n' || text[i] == ',' || text[i] == ')' || rest.starts_with("，") ||
        rest.starts_with("。") || rest.starts_with("；") || rest.starts_with("、") || rest.starts_with("）")) {
      break;
    }
    size_t next = i;
    char32_t c = core::next_code_point(text, next);
    // Han before the first digit is the issuer's prefix (北社112-0457); Han after it (（2023）京0105民初,
    // a form, not a reference) means the reference must end with 號.
    han = han || (core::is_han(c) && digits > 0);
    if (is_digit(text[i])) {
      ++digits;
      if (!han) last = next;
    } else if (c == U'號' || c == U'号') {
      last = next;  // a reference ends with its number or with 號
    }
    end = i = next;
  }
  (void)end;
  if (digits < 3 || last == start) return std::nullopt;
  return Span{start, last};
}

// A mainland court case: （2024）沪0115民初4567号, (2022)粤0305民初2210号. The anchor is the whole
// reference; it starts at the bracket before the year.
std::optional<Span> mainland_case_number(std::string_view text, size_t match_end) {
  // The last bracket that opens inside the match (one after it, "…号（", is not ours).
  std::string_view match = text.substr(0, match_end);
  size_t open = match.rfind("（");
  size_t ascii = match.rfind('(');
  if (ascii != std::string_view::npos && (open == std::string_view::npos || ascii > open)) open = ascii;
  if (open == std::string_view::npos || match_end - open > 64) return std::nullopt;
  return Span{open, match_end};
}

// A Taiwan court case: 112年度訴字第123號. The anchor is the whole reference; its start is found
// by walking back from 號 over the digits, 字第, the court's category and 年度.
std::optional<Span> court_case_number(std::string_view text, size_t match_end) {
  size_t year = text.substr(0, match_end).rfind("年度");
  if (year == std::string_view::npos) return std::nullopt;
  size_t start = year;
  while (start > 0 && is_digit(text[start - 1]) && year - start < 3) --start;
  if (start == year || before_is(text, start, is_digit)) return std::nullopt;
  return Span{start, match_end};
}

}  // namespace sy::privacy::extract
