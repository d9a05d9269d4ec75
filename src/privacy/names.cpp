#include "privacy/names.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>

#include "core/utf8.h"
#include "privacy/boundaries.h"
#include "privacy/lexicon.h"

namespace sy::privacy {
namespace {

// A name needs this much evidence (see the scores below): a Latin one, a Han one.
constexpr int kEnough = 2;
constexpr int kHanEnough = 3;

// Words after a capitalized name that make it an eponym or an organization, not a person:
// "Parkinson's disease", "Smith chart", "Mayo Clinic", "Wells Fargo Bank".
constexpr std::string_view kNotAPersonAfter[] = {
    "disease",   "syndrome",    "palsy",     "lymphoma",   "sarcoma",    "chart",        "test",      "law",
    "laws",      "effect",      "principle", "theorem",    "equation",   "scale",        "sign",      "reflex",
    "procedure", "maneuver",    "manoeuvre", "index",      "constant",   "distribution", "method",    "algorithm",
    "prize",     "award",       "medal",     "fellowship", "scholarship", "curve",       "paradox",   "conjecture",
    "lemma",     "transform",   "series",    "diagram",    "cycle",      "machine",      "number",    "hospital",
    "clinic",    "medical",     "health",    "healthcare", "bank",       "university",   "college",   "school",
    "academy",   "inc",         "ltd",       "llc",        "corp",       "corporation",  "company",   "co",
    "group",     "foundation",  "center",    "centre",     "institute",  "hall",         "building",  "park",
    "pharma",    "pharmaceuticals", "labs",  "insurance",  "fund",       "trust",        "capital",   "partners",
    "associates", "memorial",   "museum",    "library",    "stadium",    "airport",      "station",   "bridge",
    "street",    "avenue",      "road",      "boulevard",  "lane",       "drive",        "square",    "county",
    "city",      "state",       "river",     "lake",       "mountain",   "island",       "valley",    "award",
};

// Han words after a name that make it a place or an institution: 林口長庚醫院, 馬偕紀念醫院.
constexpr std::string_view kHanNotAPersonAfter[] = {
    "醫院", "医院", "診所", "诊所", "大學", "大学", "學院", "学院", "銀行", "银行", "公司", "集團", "集团", "科技",
    "企業", "企业", "基金會", "基金会", "國小", "国小", "國中", "国中", "中學", "中学", "高中", "路", "街", "站",
    "市", "縣", "县", "區", "区", "鄉", "乡", "鎮", "镇", "村", "里", "紀念", "纪念", "獎", "奖", "定律", "定理",
    "症候群", "综合征", "綜合症", "病", "氏",
};

// Between a role word and the name it introduces: "客戶：黃志明", "patient - Joanna".
bool name_separator(char c) { return c == ' ' || c == ':' || c == ','; }

// ---- Latin script ----

struct Token {
  size_t start, end;
  std::string_view word;  // without a possessive "'s"
  bool capitalized;  // "Joanna", "JOANNA", "McKenzie", "O'Brien"
  bool sentence_start;
  bool possessive;   // "Oyelaran's"
};

// Latin letters: ASCII, and the accented ones of Latin-1 and Latin Extended-A (two-byte UTF-8 with
// lead byte C3-C5: é, ñ, ü, ł, ő), so that "Ciarán" and "Wiśniewski" are one word each.
bool accented_lead(char c) {
  auto u = static_cast<unsigned char>(c);
  return u >= 0xC3 && u <= 0xC5;
}
bool letter_at(std::string_view text, size_t i) {
  if (i >= text.size()) return false;
  if (is_alpha(text[i])) return true;
  if (accented_lead(text[i])) return at_is(text, i + 1, [](char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; });
  return (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80 && i > 0 && accented_lead(text[i - 1]);
}
// À-Þ (but not ×): an accented capital.
bool capital_at(std::string_view text, size_t i) {
  if (is_upper(text[i])) return true;
  if (static_cast<unsigned char>(text[i]) != 0xC3 || i + 1 >= text.size()) return false;
  auto next = static_cast<unsigned char>(text[i + 1]);
  return next >= 0x80 && next <= 0x9E && next != 0x97;
}

bool word_byte(std::string_view text, size_t i) {
  if (letter_at(text, i)) return true;
  // An apostrophe or hyphen inside a word: O'Brien, Chih-Ming.
  return (text[i] == '\'' || text[i] == '-') && i > 0 && letter_at(text, i - 1) && letter_at(text, i + 1);
}

void latin_tokens(std::string_view text, size_t lo, size_t hi, std::vector<Token>& tokens) {
  tokens.clear();
  size_t i = lo;
  // Do not start inside a word.
  while (i < hi && i > 0 && letter_at(text, i - 1)) ++i;
  while (i < hi) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0xE0) {  // a three- or four-byte character (Han, symbols): never a Latin letter
      i += byte >= 0xF0 ? 4 : 3;
      continue;
    }
    if (!letter_at(text, i)) {
      ++i;
      continue;
    }
    size_t start = i;
    while (i < text.size() && word_byte(text, i)) ++i;
    if (i > hi) break;  // runs past the stretch: cut off
    Token t{start, i, text.substr(start, i - start), capital_at(text, start), false, false};
    if (t.word.size() > 2 && t.word.ends_with("'s")) {
      t.word.remove_suffix(2);
      t.possessive = true;
    } else if (text.substr(i).starts_with("\xe2\x80\x99s") && !at_is(text, i + 4, is_alpha)) {  // ’s
      t.possessive = true;
    }
    size_t p = start;
    while (p > 0 && text[p - 1] == ' ') --p;
    t.sentence_start = p == 0 || std::string_view(".!?\n\"(").find(text[p - 1]) != std::string_view::npos;
    tokens.push_back(t);
  }
}

// Whether tokens a and b are one name apart: a single space, or an initial and its period ("J. Whitaker").
bool joined(std::string_view text, const Token& a, const Token& b) {
  std::string_view gap = text.substr(a.end, b.start - a.end);
  return gap == " " || (gap == ". " && a.end - a.start == 1);
}

// Whether the words before token i introduce a person: "Dr.", "Dear", "patient", "account holder".
bool latin_cue_before(std::string_view text, const std::vector<Token>& tokens, size_t i, const Lexicon& lex) {
  // A Han role word before a Latin name: 病人 Wong Ka-lok, 個案：Lisin Kacaw.
  size_t p = tokens[i].start;
  while (p > 0 && name_separator(text[p - 1])) --p;
  if (p >= 3 && text.substr(p - 3, 3) == "：") p -= 3;
  if (p > 0 && static_cast<unsigned char>(text[p - 1]) >= 0x80 && lex.zh_cue_before(text, p) > 0) return true;
  if (i == 0) return false;
  const Token& prev = tokens[i - 1];
  std::string_view gap = text.substr(prev.end, tokens[i].start - prev.end);
  if (gap.size() > 3 || gap.empty() || !std::all_of(gap.begin(), gap.end(), [](char c) { return c == '.' || name_separator(c); })) {
    return false;
  }
  if (lex.person_cue(prev.word)) return true;
  // Two-word cues ("account holder") as written, with their one space.
  return i >= 2 && joined(text, tokens[i - 2], prev) && lex.person_cue(text.substr(tokens[i - 2].start, prev.end - tokens[i - 2].start));
}

// Capitalized words that do not make a name: sentence openers ("Remind", "Please"), function words,
// days and months, and the words of organization and document names ("Health", "Team").
constexpr std::string_view kNotNameWords[] = {
    "please", "remind", "tell", "ask", "write", "draft", "send", "can", "could", "would", "should", "will", "the",
    "this", "that", "these", "those", "our", "my", "your", "his", "her", "their", "we", "i", "you", "he", "she",
    "they", "it", "its", "hi", "hello", "hey", "thanks", "thank", "summarise", "summarize", "translate", "rewrite",
    "make", "help", "update", "check", "explain", "let", "give", "prepare", "create", "add", "note", "notify",
    "inform", "confirm", "approve", "schedule", "book", "call", "email", "forward", "reply", "respond", "fix",
    "find", "list", "show", "is", "are", "was", "were", "does", "did", "do", "has", "have", "had", "why", "what",
    "when", "where", "who", "how", "which", "if", "in", "on", "at", "for", "from", "to", "with", "by", "about",
    "after", "before", "since", "and", "but", "or", "so", "also", "today", "yesterday", "tomorrow", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "july",
    "september", "october", "november", "december", "new", "north", "south", "east", "west", "united", "national",
    "general", "royal", "saint", "blue", "red", "green", "great", "health", "medical", "human", "resources",
    "customer", "service", "services", "department", "ministry", "office", "team", "project", "board",
    "committee", "council", "court", "federal", "state", "city", "county", "university", "hospital", "bank",
    "insurance", "fund", "trust", "group", "company", "english", "chinese", "french", "german", "spanish",
    "japanese", "korean", "hindi", "polish", "subject", "re", "fw", "fwd", "urgent", "action", "agenda",
    "meeting", "minutes", "summary", "report", "policy", "annual", "monthly", "weekly", "internal", "external",
    "public", "private", "confidential", "all", "any", "each", "every", "some", "one", "two", "first", "last",
    "next", "yes", "no", "not", "ok", "okay", "happy", "best", "kind", "regards", "sincerely", "cheers", "day",
    "week", "month", "year", "manager", "director", "head", "lead", "senior", "junior", "chief", "officer",
    "patient", "employee", "staff", "client", "member", "mr", "mrs", "ms", "dr", "god", "allah", "christmas",
    "describe", "compare", "outline", "define", "discuss", "analyze", "analyse", "calculate", "generate", "convert",
    "format", "classify", "extract", "review", "plan", "suggest", "identify", "provide", "design", "build", "turn",
    "easter", "ramadan", "diwali", "eid", "lunar", "chapter", "section", "article", "form", "name", "dob", "date",
};

// Lower-case particles inside a name: "Vincent van Gogh", "Ana de la Cruz", "Omar bin Said".
constexpr std::string_view kNameParticles[] = {"van", "von", "de", "da", "del", "der", "di", "du", "la", "le",
                                               "bin", "ibn", "al", "el", "dos", "das", "ter", "ten", "y"};
constexpr std::string_view kPronouns[] = {"he", "she", "his", "her", "him", "hers", "himself", "herself"};

// The lists above as sets, any case.
template <size_t N>
WordSet word_set(const std::string_view (&words)[N]) {
  WordSet set;
  for (std::string_view w : words) set.insert(w);
  return set;
}
const WordSet& not_name_words() {
  static const WordSet set = word_set(kNotNameWords);
  return set;
}
const WordSet& not_a_person_after() {
  static const WordSet set = word_set(kNotAPersonAfter);
  return set;
}
const WordSet& pronouns() {
  static const WordSet set = word_set(kPronouns);
  return set;
}
const WordSet& name_particles() {
  static const WordSet set = word_set(kNameParticles);
  return set;
}

bool not_name_word(std::string_view word) { return not_name_words().contains(word); }

// An acronym is not a name: "HTN", "ALS", "HR".
bool acronym(std::string_view word) {
  return word.size() <= 4 && std::all_of(word.begin(), word.end(), [](char c) { return is_upper(c); });
}

struct Candidate {
  Span span;
  int score;
  bool cue;  // with a title or role word: "Mr.", "patient"
  uint8_t roles;
};

// "our payroll contact is now Ludmila Horvat", "HR partner Dana Cole": a people-team word among the
// few words right before the name, with nothing but spaces and "is"/"now" between. (No Latin
// clinician role: "Dr." is as often the patient, "Dr. Boateng is on leave after a cancer
// diagnosis", as the one who speaks about a disease.)
constexpr std::string_view kPeopleTeamWords[] = {"payroll", "hr", "recruiter", "recruiting", "accountant", "compensation"};
const WordSet& people_team_words() {
  static const WordSet set = word_set(kPeopleTeamWords);
  return set;
}

uint8_t latin_roles_before(std::string_view text, const std::vector<Token>& tokens, size_t i) {
  for (size_t k = i; k > 0 && k + 4 > i; --k) {
    const Token& t = tokens[k - 1];
    if (text.substr(t.end, tokens[k].start - t.end) != " ") return kNoRole;  // punctuation between: another clause
    if (people_team_words().contains(t.word)) return kPeopleTeam;
  }
  return kNoRole;
}

// A he/she/his/her among the dozen words after token i: the text goes on about a person.
bool pronoun_follows(const std::vector<Token>& tokens, size_t i) {
  for (size_t k = i; k < tokens.size() && k < i + 12; ++k) {
    if (pronouns().contains(tokens[k].word)) return true;
  }
  return false;
}

void latin_people(std::string_view text, size_t lo, size_t hi, const Lexicon& lex, PeopleNearby& out) {
  // Reused: this runs for every stretch around a fact, and most stretches hold a few dozen words.
  thread_local std::vector<Token> tokens;
  thread_local std::vector<Candidate> candidates;
  latin_tokens(text, lo, hi, tokens);
  candidates.clear();
  size_t i = 0;
  while (i < tokens.size()) {
    const Token& t0 = tokens[i];
    // The run of name-like words from here: capitalized ones (with particles between them), or a
    // lower-case pair the lexicon knows as given name + family name ("joanna whitaker").
    size_t j = i + 1;
    if (!t0.capitalized) {
      if (j < tokens.size() && joined(text, t0, tokens[j]) && lex.first_name(t0.word) && !lex.ambiguous_first_name(t0.word) &&
          lex.surname(tokens[j].word) && !lex.ambiguous_surname(tokens[j].word)) {
        candidates.push_back({{t0.start, tokens[j].end}, kEnough, false, kNoRole});  // lower case: no title
        i = j + 1;
      } else {
        ++i;
      }
      continue;
    }
    while (j < tokens.size() && j - i < 5 && joined(text, tokens[j - 1], tokens[j])) {
      if (tokens[j].capitalized) {
        ++j;
      } else if (!tokens[j].capitalized && name_particles().contains(tokens[j].word) && j + 1 < tokens.size() && tokens[j + 1].capitalized &&
                 joined(text, tokens[j], tokens[j + 1])) {
        j += 2;
      } else {
        break;
      }
    }
    const size_t next = j;
    bool cue = latin_cue_before(text, tokens, i, lex);
    uint8_t roles = latin_roles_before(text, tokens, i);
    size_t first = i;
    // A title inside the run ("Dear Joanna", "Dr Whitaker") is the cue, not part of the name; so
    // are the words that open a sentence ("Remind Joanna Whitaker").
    while (first < j && (lex.person_cue(tokens[first].word) || not_name_word(tokens[first].word))) {
      cue = cue || lex.person_cue(tokens[first].word);
      ++first;
    }
    if (first == j) {
      i = next;
      continue;
    }
    // As written, with its spaces: "Albert Einstein", "Vincent van Gogh".
    std::string_view full = text.substr(tokens[first].start, tokens[j - 1].start + tokens[j - 1].word.size() - tokens[first].start);
    std::string_view head = tokens[first].word;
    std::string_view last = tokens[j - 1].word;
    bool famous = lex.famous(full) || lex.famous(last) ||
                  (j - first >= 2 && lex.famous(text.substr(tokens[first].start, tokens[first + 1].end - tokens[first].start)));
    if (famous) {
      out.famous = true;
      i = next;
      continue;
    }
    // An eponym or an organization: the word after the run, or "the" before it.
    bool not_a_person = j < tokens.size() && tokens[j].start - tokens[j - 1].end <= 2 &&
                        not_a_person_after().contains(tokens[j].word);
    if (!cue && first > 0 && (tokens[first - 1].word == "the" || tokens[first - 1].word == "The") &&
        tokens[first].start - tokens[first - 1].end == 1) {
      not_a_person = true;
    }
    if (not_a_person) {
      i = next;
      continue;
    }
    const size_t n = j - first;
    // One letter or an acronym alone is no name: "Patient A", "customer FAQ".
    if (n == 1 && (head.size() == 1 || acronym(head))) {
      i = next;
      continue;
    }
    int score = cue ? 2 : 0;
    if (lex.first_name(head)) {
      bool weak = lex.ambiguous_first_name(head);
      score += weak ? 1 : 2;
      if (n == 1 && weak && tokens[first].sentence_start) score -= 1;
    } else if (n >= 2 && lex.surname(head) && lex.first_name(tokens[first + 1].word)) {
      score += 2;  // family name first: "Huang Zhiming", "Nguyen Thi Lan"
    }
    for (size_t k = first + 1; k < j; ++k) {
      if (lex.surname(tokens[k].word) && !lex.ambiguous_surname(tokens[k].word)) {
        score += 1;
        break;
      }
    }
    if (n == 1 && cue && lex.surname(head) && !lex.first_name(head)) score += 1;  // "Mr. Whitaker"
    // Two or more capitalized words mid-text that are no common word or acronym: a full name the
    // lexicon does not know ("Marcus Oyelaran").
    bool name_shaped = n >= 2 && std::none_of(tokens.begin() + static_cast<std::ptrdiff_t>(first),
                                              tokens.begin() + static_cast<std::ptrdiff_t>(j),
                                              [](const Token& t) { return not_name_word(t.word) || acronym(t.word); });
    if (name_shaped) score += 1;
    // The text goes on about them: "Oyelaran's salary", "... that his insulin".
    if (tokens[j - 1].possessive || pronoun_follows(tokens, j)) score += 1;
    candidates.push_back({{tokens[first].start, tokens[j - 1].end}, score, cue, roles});
    i = next;
  }
  // Next to a famous person, the other names are most likely of their family or their story (Marie
  // Curie ... Pierre): only one with a title or role word ("patient", "Mr.") counts.
  for (const Candidate& c : candidates) {
    if (c.score >= kEnough && (!out.famous || c.cue)) out.people.push_back({c.span, c.roles});
  }
}

// ---- Han script ----

bool han_at(std::string_view text, size_t pos, char32_t* cp = nullptr, size_t* len = nullptr) {
  if (pos >= text.size()) return false;
  size_t i = pos;
  char32_t c = core::next_code_point(text, i);
  if (cp) *cp = c;
  if (len) *len = i - pos;
  return core::is_han(c);
}

// The role word before a Han name, across a separator: "客戶黃志明", "收件人：林美玲".
bool han_cue_before(std::string_view text, size_t pos, const Lexicon& lex) {
  size_t p = pos;
  for (int k = 0; k < 2 && p > 0; ++k) {
    if (name_separator(text[p - 1])) {
      --p;
    } else if (p >= 3 && (text.substr(p - 3, 3) == "：" || text.substr(p - 3, 3) == "，")) {
      p -= 3;
    }
  }
  return lex.zh_cue_before(text, p) > 0 || (p != pos && lex.zh_cue_before(text, pos) > 0);
}

// Characters that commonly come right after a name (particles, verbs, time words) and right before
// one (verbs of addressing, prepositions, punctuation). A family-name character inside an ordinary
// word ("凌晨維護", "社區宣傳") has neither.
constexpr std::u32string_view kHanAfterName =
    U"的之在是已因於于說说今昨這这那要將将被與与和跟對对請请也都本自最從从去來来把還还有沒没會会可需應应確确"
    U"罹患住申領领上下前近目一兩两三每同得向為为不剛刚正再又即及以等們们提曾所拿收參参休、，：；。！？「」『』“”（）";
constexpr std::u32string_view kHanBeforeName =
    U"給给讓让叫找問问訴诉醒知和與与跟對对向由把被是為为的請请幫帮將将替位及、，：；。！？「」『』“”（）";

// Nicknames: 小/老 + a family name (小楊, 老王), 阿 + a given-name character (阿傑); not these words.
constexpr std::string_view kNotNicknames[] = {"小時", "小时", "小於", "小于", "小康", "小米", "小黃", "小黄", "小白",
                                              "小區", "小区", "老師", "老师", "老公", "阿公", "阿婆", "阿嬤", "阿伯",
                                              "阿拉", "阿爾", "阿尔", "阿根", "阿富", "阿里", "阿斯", "阿司", "阿姨"};

// Whether a fact begins at pos or one character after it: a name runs straight into what is said
// of it (陳靜懷孕, 皇甫文傑腸胃炎, where the fact word found is 胃炎).
bool starts_fact(size_t pos, std::span<const size_t> fact_starts) {
  return std::any_of(fact_starts.begin(), fact_starts.end(), [&](size_t f) { return f >= pos && f <= pos + 3; });
}

const CharSet& char_set(std::u32string_view chars) {
  auto* set = new CharSet();  // one per list, for the life of the process
  for (char32_t c : chars) set->insert(c);
  return *set;
}

bool han_boundary_before(std::string_view text, size_t pos) {
  static const CharSet& before_name = char_set(kHanBeforeName);
  if (pos == 0) return true;
  size_t p = pos;
  char32_t c = core::previous_code_point(text, p);
  return !core::is_han(c) || before_name.contains(c);
}

bool han_boundary_after(std::string_view text, size_t pos, std::span<const size_t> fact_starts) {
  static const CharSet& after_name = char_set(kHanAfterName);
  if (pos >= text.size() || starts_fact(pos, fact_starts)) return true;
  size_t p = pos;
  char32_t c = core::next_code_point(text, p);
  return !core::is_han(c) || after_name.contains(c);
}

struct HanCandidate {
  size_t end;
  int score;
  bool cued = false;  // a role word before or a title after
  uint8_t roles = kNoRole;
};

constexpr std::string_view kHanClinicianTitles[] = {"醫師", "醫生", "医生", "医师", "護理師", "护理师", "護士", "护士",
                                                    "藥師", "药师", "治療師", "治疗师", "營養師", "营养师", "大夫"};
constexpr std::string_view kHanPeopleTeamWords[] = {"人資", "人资", "人事", "人力資源", "人力资源", "薪酬", "薪資", "薪资",
                                                    "會計", "会计", "財務", "财务", "出納", "出纳"};

// The roles around a Han name at [at, end): a clinician's title after it, a people-team word in the
// eight characters before it (人資主管是白秀玲).
uint8_t han_roles(std::string_view text, size_t at, size_t end) {
  static const WordSet clinicians = word_set(kHanClinicianTitles);
  static const WordSet people_team = word_set(kHanPeopleTeamWords);
  uint8_t roles = clinicians.longest_at(text, end) > 0 ? kClinician : kNoRole;
  size_t p = at;
  for (int chars = 0; chars < 8 && p > 0; ++chars) {
    core::previous_code_point(text, p);
    if (people_team.longest_at(text, p) > 0) {
      roles |= kPeopleTeam;
      break;
    }
  }
  return roles;
}

// The best reading of a name starting with the family name at [at, at + surname).
const WordSet& han_not_a_person_after() {
  static const WordSet set = word_set(kHanNotAPersonAfter);
  return set;
}

HanCandidate score_han_name(std::string_view text, size_t at, size_t surname, const Lexicon& lex,
                            std::span<const size_t> fact_starts) {
  // Up to two given-name characters after the family name.
  size_t ends[3] = {at + surname, 0, 0};
  bool given[3] = {true, false, false};
  for (int k = 1; k <= 2 && given[k - 1]; ++k) {
    char32_t g = 0;
    size_t len = 0;
    if (!han_at(text, ends[k - 1], &g, &len)) break;
    ends[k] = ends[k - 1] + len;
    given[k] = lex.zh_given(g);
  }
  bool title0 = lex.zh_title_at(text, ends[0]) > 0;
  if (!given[1] && !title0) return {0, 0};  // the common case in running text: nothing to weigh
  const bool cue = han_cue_before(text, at, lex);
  const bool before = han_boundary_before(text, at);
  // An ordinary word from the family name on (王國, 陳述, 凌晨): not a two-character name, and a
  // weaker start of a three-character one.
  const bool word = ends[1] != 0 && lex.zh_word_at(text, at) == ends[1] - at;
  HanCandidate best{0, 0};
  for (int k = 2; k >= 0; --k) {
    if (ends[k] == 0 || !given[k] || han_not_a_person_after().longest_at(text, ends[k]) > 0) continue;
    if (k < 2 && ends[k + 1] != 0 && text.substr(ends[k + 1]).starts_with("氏")) continue;  // 何杰金氏: an eponym
    bool title = k == 0 ? title0 : lex.zh_title_at(text, ends[k]) > 0;
    // A family name alone is a name only with a title, and at the start of a word: 陳先生, not the
    // 段 of 二段總行.
    if (k == 0 && (!title || !(before || cue))) continue;
    if (k == 1 && word && !cue && !title) continue;
    int score = k + (cue ? 3 : 0) + (title ? 3 : 0) + (before ? 1 : 0) +
                (han_boundary_after(text, ends[k], fact_starts) ? 1 : 0) - (k == 2 && word ? 1 : 0);
    if (score > best.score) best = {ends[k], score, cue || title};
  }
  return best;
}

// 小楊, 老王, 阿傑 at `at` (which holds 小, 老 or 阿): the nickname's end and score, or {0, 0}.
HanCandidate score_nickname(std::string_view text, size_t at, const Lexicon& lex, std::span<const size_t> fact_starts) {
  std::string_view prefix = text.substr(at, 3);
  bool ah = prefix == "阿";
  if (!ah && prefix != "小" && prefix != "老") return {0, 0};
  char32_t c = 0;
  size_t len = 0;
  if (!han_at(text, at + 3, &c, &len)) return {0, 0};
  size_t end = at + 3 + len;
  bool fits = ah ? lex.zh_given(c) || lex.zh_surname_at(text, at + 3) == len : lex.zh_surname_at(text, at + 3) == len;
  if (!fits || std::find(std::begin(kNotNicknames), std::end(kNotNicknames), text.substr(at, end - at)) != std::end(kNotNicknames)) {
    return {0, 0};
  }
  int score = 2 + (han_boundary_before(text, at) ? 1 : 0) + (han_boundary_after(text, end, fact_starts) ? 1 : 0);
  return {end, score};
}

// A name written with a middle dot, the way Chinese writes Uyghur, Tibetan and foreign names
// (阿依古丽·买买提, 穆罕默德・哈山): the dot at `dot`, Han characters on both sides. Its span, or
// nullopt.
std::optional<Span> dotted_name(std::string_view text, size_t dot, size_t dot_end, const Lexicon& lex,
                                std::span<const size_t> fact_starts) {
  static const CharSet& before_name = char_set(kHanBeforeName);
  static const CharSet& after_name = char_set(kHanAfterName);
  size_t start = dot;
  for (int chars = 0; chars < 6 && start > 0 && lex.zh_cue_before(text, start) == 0; ++chars) {
    size_t p = start;
    char32_t c = core::previous_code_point(text, p);
    if (!core::is_han(c) || before_name.contains(c)) break;
    start = p;
  }
  size_t end = dot_end;
  for (int chars = 0; chars < 6 && end < text.size() && !starts_fact(end, fact_starts); ++chars) {
    size_t p = end;
    char32_t c = core::next_code_point(text, p);
    if (!core::is_han(c) || after_name.contains(c)) break;
    end = p;
  }
  if (start == dot || end == dot_end) return std::nullopt;
  return Span{start, end};
}

// A given name and a kinship title, the way colleagues write each other: 美惠姐, 志明哥. The given
// name's two characters at `at`; the title must follow them and the name must start a word.
HanCandidate score_given_name_with_kin(std::string_view text, size_t at, const Lexicon& lex) {
  char32_t first = 0, second = 0;
  size_t len1 = 0, len2 = 0;
  if (!han_at(text, at, &first, &len1) || !han_at(text, at + len1, &second, &len2)) return {0, 0};
  if (!lex.zh_given(first) || !lex.zh_given(second) || !han_boundary_before(text, at)) return {0, 0};
  size_t end = at + len1 + len2;
  for (std::string_view kin : {"姐", "哥", "姊", "嫂"}) {
    if (text.substr(end).starts_with(kin)) return {end, kHanEnough, true};
  }
  return {0, 0};
}

void han_people(std::string_view text, size_t lo, size_t hi, const Lexicon& lex, std::span<const size_t> fact_starts,
                PeopleNearby& out) {
  std::vector<Person> found;
  std::vector<bool> cued;
  size_t i = lo;
  while (i < hi) {
    size_t at = i;
    char32_t c = core::next_code_point(text, i);
    if (c == U'\u00B7' || c == U'\u30FB') {
      auto name = dotted_name(text, at, i, lex, fact_starts);
      if (name && lex.famous(text.substr(name->start, name->end - name->start))) {  // 列夫·托爾斯泰
        out.famous = true;
      } else if (name) {
        if (!found.empty() && found.back().span.end > name->start) {  // a name just found was its first half
          found.pop_back();
          cued.pop_back();
        }
        found.push_back({*name, han_roles(text, name->start, name->end)});
        cued.push_back(true);
        i = name->end;
      }
      continue;
    }
    if (!core::is_han(c)) continue;
    size_t famous = lex.zh_famous_at(text, at);
    bool dotted = text.substr(at + famous).starts_with("·") || text.substr(at + famous).starts_with("・");
    if (famous > 3 && !dotted) {  // 諸葛亮, 鄧小平: two characters or more, not the first half of 穆罕默德・哈山
      out.famous = true;
      i = at + famous;
      continue;
    }
    size_t surname = lex.zh_surname_at(text, at);
    HanCandidate best = c == U'小' || c == U'老' || c == U'阿' ? score_nickname(text, at, lex, fact_starts) : HanCandidate{0, 0};
    if (surname == 0 && best.score == 0) best = score_given_name_with_kin(text, at, lex);
    if (surname == 0 && best.score == 0) continue;
    if (size_t place = lex.zh_place_at(text, at)) {  // 高雄, 林口, 新竹: a place that starts like a name
      i = at + place;
      continue;
    }
    if (surname > 0 && !lex.zh_ends_word(text, at, surname)) {
      HanCandidate name = score_han_name(text, at, surname, lex, fact_starts);
      if (name.score > best.score) best = name;
    }
    if (best.score >= kHanEnough) {
      found.push_back({{at, best.end}, han_roles(text, at, best.end)});
      cued.push_back(best.cued);
      i = best.end;
    }
  }
  // Next to a famous person, only a name with a title or role word counts (張愛玲 ... 胡蘭成).
  for (size_t k = 0; k < found.size(); ++k) {
    if (!out.famous || cued[k]) out.people.push_back(found[k]);
  }
}

}  // namespace

bool professional_topic(uint8_t roles, Kind fact) {
  if (fact == Kind::health) return (roles & kClinician) != 0;
  if (fact == Kind::salary || fact == Kind::performance) return (roles & kPeopleTeam) != 0;
  return false;
}

PeopleNearby people_in(std::string_view text, size_t lo, size_t hi, std::span<const size_t> fact_starts) {
  hi = std::min(hi, text.size());
  while (lo < hi && (static_cast<unsigned char>(text[lo]) & 0xC0) == 0x80) ++lo;
  while (hi > lo && hi < text.size() && (static_cast<unsigned char>(text[hi]) & 0xC0) == 0x80) --hi;
  PeopleNearby out;
  const Lexicon& lex = Lexicon::get();
  latin_people(text, lo, hi, lex, out);
  han_people(text, lo, hi, lex, fact_starts, out);
  std::sort(out.people.begin(), out.people.end(), [](const Person& a, const Person& b) { return a.span.start < b.span.start; });
  return out;
}

}  // namespace sy::privacy
