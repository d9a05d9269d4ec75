// Latin-script names (names.h): runs of capitalized words scored from the lexicon's given and family
// names, titles and role words before them, the shape of a full name, and what follows (a
// possessive, a pronoun); eponyms, organizations, famous people and sentence openers count against.
#include <algorithm>
#include <string>
#include <vector>

#include "core/utf8.h"
#include "privacy/boundaries.h"
#include "privacy/names_detail.h"

namespace sy::privacy::names_detail {
namespace {

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
    "city",      "state",       "river",     "lake",       "mountain",   "island",       "valley",
};

// What this file's own word lists say of a word (bits, see local_words()).
enum LocalWord : uint8_t { kNotName = 1, kEponymOrOrg = 2, kPronoun = 4, kParticle = 8, kPeopleTeamWord = 16 };

struct Token {
  size_t start, end;
  std::string_view word;  // without a possessive "'s"
  bool capitalized;       // "Joanna", "JOANNA", "McKenzie", "O'Brien"
  bool sentence_start;
  bool possessive;        // "Oyelaran's"
  uint8_t lex = 0;        // Lexicon::LatinWord bits, looked up for capitalized words only
  mutable uint8_t local_bits = kUnknown;  // LocalWord bits, looked up when first asked (local())

  static constexpr uint8_t kUnknown = 0xFF;
  uint8_t local() const;
};

// Latin letters: ASCII, and the accented ones of Latin-1 and Latin Extended-A (two-byte UTF-8 with
// lead byte C3-C5: é, ñ, ü, ł, ő), so that "Ciarán" and "Wiśniewski" are one word each.
bool accented_lead(char c) {
  auto u = static_cast<unsigned char>(c);
  return u >= 0xC3 && u <= 0xC5;
}
bool letter_at(std::string_view text, size_t i) {
  if (i >= text.size()) return false;
  auto u = static_cast<unsigned char>(text[i]);
  if (u < 0x80) return is_alpha(text[i]);
  if (accented_lead(text[i])) return at_is(text, i + 1, core::is_continuation);
  return core::is_continuation(text[i]) && i > 0 && accented_lead(text[i - 1]);
}
// Latin Extended-A (U+0100-U+017F) pairs each capital with its small letter: the capital is the
// even code point, except in U+0139-U+0148 and U+0179-U+017E, where it is the odd one; U+0138 (ĸ),
// U+0149 (ŉ) and U+017F (ſ) have no capital.
bool extended_a_capital(unsigned cp) {
  if (cp == 0x138 || cp == 0x149 || cp == 0x17F) return false;
  bool odd_capitals = (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E);
  return (cp % 2 == 1) == odd_capitals;
}
// À-Þ (but not ×), or a capital of Latin Extended-A (Ł, Ś, Ž): an accented capital.
bool capital_at(std::string_view text, size_t i) {
  if (is_upper(text[i])) return true;
  auto lead = static_cast<unsigned char>(text[i]);
  if (!accented_lead(text[i]) || i + 1 >= text.size() || !core::is_continuation(text[i + 1])) return false;
  auto next = static_cast<unsigned char>(text[i + 1]);
  if (lead == 0xC3) return next >= 0x80 && next <= 0x9E && next != 0x97;
  return extended_a_capital(((lead & 0x1Fu) << 6) | (next & 0x3Fu));
}

bool word_byte(std::string_view text, size_t i) {
  if (letter_at(text, i)) return true;
  // An apostrophe or hyphen inside a word: O'Brien, Chih-Ming.
  return (text[i] == '\'' || text[i] == '-') && i > 0 && letter_at(text, i - 1) && letter_at(text, i + 1);
}

const WordMap& local_words();

// The word with accented Latin letters (Latin-1 and Latin Extended-A) written without their accents,
// in `out`: the lists spell "Lucia" and "Jose" as often as "Lucía" and "José". Empty when the
// word has none or does not fit.
std::string_view without_accents(std::string_view word, char (&out)[64]) {
  // Base letters of U+00C0..U+017F, two bytes each (lead C3, C4 or C5); '?' for the few with none.
  static constexpr std::string_view kLatin1 = "AAAAAAACEEEEIIII?NOOOOO?OUUUUY??aaaaaaaceeeeiiii?nooooo?ouuuuy?y";
  static constexpr std::string_view kExtendedA =
      "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIi??JjKkkLlLlLlLlLlNnNnNnnNnOoOoOo??RrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZz?";
  size_t n = 0;
  bool folded = false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (n == sizeof out) return {};
    auto u = static_cast<unsigned char>(word[i]);
    if (u < 0x80) {
      out[n++] = word[i];
      continue;
    }
    if (i + 1 >= word.size() || u < 0xC3 || u > 0xC5) return {};
    auto v = static_cast<unsigned char>(word[++i]);
    size_t index = (u - 0xC3) * 64 + (v - 0x80);  // code point - U+00C0
    char base = index < kLatin1.size() ? kLatin1[index] : index - kLatin1.size() < kExtendedA.size() ? kExtendedA[index - kLatin1.size()] : '?';
    if (base == '?') return {};
    out[n++] = base;
    folded = true;
  }
  return folded ? std::string_view(out, n) : std::string_view{};
}

// The words of text[lo, hi); capitalized ones are looked up in the lexicon here, once.
void latin_tokens(std::string_view text, size_t lo, size_t hi, const Lexicon& lex, std::vector<Token>& tokens) {
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
    // A lookup costs a cache miss or two and prose is mostly lower-case words, which only this
    // file's short lists are asked about, and only around a name: capitalized words only here.
    if (t.capitalized) {
      t.lex = lex.latin_word(t.word);
      char buffer[64];
      if (std::string_view plain = without_accents(t.word, buffer); !plain.empty()) t.lex |= lex.latin_word(plain);
    }
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
  // Tokens in lower case were not looked up (latin_tokens): "patient", "colleague" are, here.
  uint8_t prev_lex = prev.capitalized ? prev.lex : lex.latin_word(prev.word);
  if ((prev_lex & Lexicon::kPersonCue) != 0) return true;
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
    // Departments, which are told and asked things like people: "Tell Marketing the budget ...".
    "marketing", "sales", "engineering", "legal", "finance", "accounting", "accounts", "procurement", "operations",
    "security", "support", "facilities", "payroll", "compliance", "ops", "product", "design", "research", "admin",
    "purchasing", "logistics", "recruiting", "recruitment", "treasury", "audit", "risk", "hr", "reception",
};

// Lower-case particles inside a name: "Vincent van Gogh", "Ana de la Cruz", "Omar bin Said".
constexpr std::string_view kNameParticles[] = {"van", "von", "de", "da", "del", "der", "di", "du", "la", "le",
                                               "bin", "ibn", "al", "el", "dos", "das", "ter", "ten", "y"};
constexpr std::string_view kPronouns[] = {"he", "she", "his", "her", "him", "hers", "himself", "herself"};

template <size_t N>
void add_all(WordMap& map, const std::string_view (&words)[N], uint8_t flag) {
  for (std::string_view w : words) map.add(w, flag);
}

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

const WordMap& local_words() {
  static const WordMap map = [] {
    WordMap m;
    add_all(m, kNotNameWords, kNotName);
    add_all(m, kNotAPersonAfter, kEponymOrOrg);
    add_all(m, kPronouns, kPronoun);
    add_all(m, kNameParticles, kParticle);
    add_all(m, kPeopleTeamWords, kPeopleTeamWord);
    return m;
  }();
  return map;
}

uint8_t Token::local() const {
  if (local_bits == kUnknown) local_bits = local_words().get(word);
  return local_bits;
}

bool not_name_word(const Token& t) { return (t.local() & kNotName) != 0; }

uint8_t latin_roles_before(std::string_view text, const std::vector<Token>& tokens, size_t i) {
  for (size_t k = i; k > 0 && k + 4 > i; --k) {
    const Token& t = tokens[k - 1];
    if (text.substr(t.end, tokens[k].start - t.end) != " ") return kNoRole;  // punctuation between: another clause
    // "update payroll for Liam O'Sullivan": the person is who the work is for, not who does it.
    if (t.word == "for" || t.word == "to" || t.word == "of" || t.word == "about" || t.word == "re") return kNoRole;
    if ((t.local() & kPeopleTeamWord) != 0) return kPeopleTeam;
  }
  return kNoRole;
}

// A he/she/his/her among the dozen words after token i: the text goes on about a person.
bool pronoun_follows(const std::vector<Token>& tokens, size_t i) {
  for (size_t k = i; k < tokens.size() && k < i + 12; ++k) {
    if ((tokens[k].local() & kPronoun) != 0) return true;
  }
  return false;
}

// Verbs and auxiliaries that follow a person as the subject of a clause: "Liesel has", "Oyelaran
// was", "Okoro missed".
constexpr std::string_view kPersonVerbs[] = {"has", "had", "is", "was", "got", "gets", "will", "needs", "needed", "missed",
                                            "told", "said", "says", "asked", "wants", "wanted", "took", "called", "just",
                                            "didn't", "doesn't", "isn't", "wasn't", "hasn't", "can't", "won't", "won’t",
                                            "didn’t", "doesn’t", "isn’t", "wasn’t", "hasn’t", "can’t"};

// Prepositions before a place: "salaries in Texas are", "flights from Lagos were".
constexpr std::string_view kPlacePrepositions[] = {"in", "at", "from", "to", "near", "of", "across", "around", "outside",
                                                   "inside", "into", "within", "via", "throughout", "through"};

bool after_place_preposition(const std::vector<Token>& tokens, size_t i) {
  return i > 0 && std::find(std::begin(kPlacePrepositions), std::end(kPlacePrepositions), tokens[i - 1].word) !=
                      std::end(kPlacePrepositions);
}

// Whether token j (right after a name) is one of kPersonVerbs, one space after it.
bool person_verb_at(std::string_view text, const std::vector<Token>& tokens, size_t j) {
  if (j == 0 || j >= tokens.size() || text.substr(tokens[j - 1].end, tokens[j].start - tokens[j - 1].end) != " ") return false;
  std::string_view w = text.substr(tokens[j].start, tokens[j].end - tokens[j].start);
  if (text.substr(tokens[j].end).starts_with("’t")) w = text.substr(tokens[j].start, tokens[j].end - tokens[j].start + 4);
  return std::find(std::begin(kPersonVerbs), std::end(kPersonVerbs), w) != std::end(kPersonVerbs);
}

// How job titles end ("Consultant Cardiologist", "Senior Analyst", "Charge Nurse"), and which of them
// are clinical; the letters after a clinician's name (GP, MD, RN) are clinical but end no title run.
enum TitleBits : uint8_t { kJobTitle = 1, kClinicalTitle = 2 };
struct TitleEnding {
  std::string_view text;
  uint8_t bits;
};
constexpr TitleEnding kTitleEndings[] = {
    {"ologist", kJobTitle | kClinicalTitle},   {"iatrist", kJobTitle | kClinicalTitle},   {"urgeon", kJobTitle | kClinicalTitle},
    {"Nurse", kJobTitle | kClinicalTitle},     {"Pharmacist", kJobTitle | kClinicalTitle}, {"Midwife", kJobTitle | kClinicalTitle},
    {"Paramedic", kJobTitle | kClinicalTitle}, {"Therapist", kJobTitle | kClinicalTitle},  {"Physician", kClinicalTitle},
    {"GP", kClinicalTitle},                    {"MD", kClinicalTitle},                     {"RN", kClinicalTitle},
    {"ician", kJobTitle},                      {"Consultant", kJobTitle},                  {"Analyst", kJobTitle},
    {"Engineer", kJobTitle},                   {"Manager", kJobTitle},                     {"Director", kJobTitle},
    {"Officer", kJobTitle},                    {"Specialist", kJobTitle},                  {"Registrar", kJobTitle},
};

bool title_word(std::string_view w, uint8_t bit) {
  return std::any_of(std::begin(kTitleEndings), std::end(kTitleEndings),
                     [&](const TitleEnding& e) { return (e.bits & bit) != 0 && w.ends_with(e.text); });
}

bool job_title(std::string_view w) { return title_word(w, kJobTitle); }

// A clinical title in the next few words after a name, across a comma, a dash or a bar:
// "Dr. Anand Krishnamurthy | Consultant Cardiologist", "Maria Lopez, RN".
bool clinician_title_after(std::string_view text, const std::vector<Token>& tokens, size_t j) {
  for (size_t k = j; k < tokens.size() && k < j + 4; ++k) {
    std::string_view gap = text.substr(tokens[k - 1].end, tokens[k].start - tokens[k - 1].end);
    if (gap.find_first_not_of(" ,|-") != std::string_view::npos) return false;
    if (title_word(tokens[k].word, kClinicalTitle)) return true;
  }
  return false;
}

bool honorific_suffix(std::string_view w) {
  for (std::string_view s : {"-san", "-sama", "-kun", "-chan", "-sensei", "-ssi", "-nim"}) {
    if (w.size() > s.size() + 1 && w.ends_with(s)) return true;
  }
  return false;
}

// "mr" or "mrs" written in lower case right before token i ("mr haddad"). Not "ms" (ms teams, ms
// word), "dr" (dr appointment) or "miss" (miss deadlines): in lower case those are other words.
bool lower_case_title_before(std::string_view text, const std::vector<Token>& tokens, size_t i) {
  if (i == 0) return false;
  const Token& t = tokens[i - 1];
  std::string_view gap = text.substr(t.end, tokens[i].start - t.end);
  if (gap != " " && gap != ". ") return false;
  return t.word == "mr" || t.word == "mrs";
}

bool han_title_after(std::string_view text, size_t pos) {
  std::string_view rest = text.substr(pos);
  if (rest.starts_with(" ")) rest.remove_prefix(1);
  for (std::string_view title : {"先生", "小姐", "女士", "太太"}) {
    if (rest.starts_with(title)) return true;
  }
  return false;
}

// Verbs whose object is a person: "put Oyelaran on nights", "congratulate Amadi", "cc Ifeoma".
constexpr std::string_view kPersonObjectVerbs[] = {"put", "tell", "ask", "remind", "congratulate", "thank", "cc",
                                                  "invite", "warn", "promote", "fire", "hire", "pay", "excuse", "move",
                                                  "schedule", "cover", "notify", "inform", "email", "call", "text"};

bool person_verb_before(std::string_view text, const std::vector<Token>& tokens, size_t i) {
  if (i == 0 || text.substr(tokens[i - 1].end, tokens[i].start - tokens[i - 1].end) != " ") return false;
  char lower[16];
  std::string_view w = tokens[i - 1].word;
  if (w.size() >= sizeof lower) return false;
  for (size_t k = 0; k < w.size(); ++k) lower[k] = static_cast<char>(w[k] | (is_upper(w[k]) ? 0x20 : 0));
  std::string_view verb(lower, w.size());
  return std::find(std::begin(kPersonObjectVerbs), std::end(kPersonObjectVerbs), verb) != std::end(kPersonObjectVerbs);
}

}  // namespace

void latin_people(std::string_view text, size_t lo, size_t hi, const Lexicon& lex, PeopleNearby& out) {
  // Reused: this runs for every stretch around a fact, and most stretches hold a few dozen words.
  thread_local std::vector<Token> tokens;
  thread_local std::vector<Candidate> candidates;
  // Without a Latin letter there is nothing to read (Han text: the common case in a Chinese prompt).
  std::string_view stretch = text.substr(lo, hi - lo);
  if (std::none_of(stretch.begin(), stretch.end(), [](char c) { return is_alpha(c) || accented_lead(c); })) {
    return;
  }
  latin_tokens(text, lo, hi, lex, tokens);
  candidates.clear();
  size_t i = 0;
  while (i < tokens.size()) {
    const Token& t0 = tokens[i];
    // The run of name-like words from here: capitalized ones, with particles between them.
    size_t j = i + 1;
    if (!t0.capitalized && lower_case_title_before(text, tokens, i)) {
      // Dictated or typed in a hurry: "mr haddad seemed more confused", "mrs okafor's notes".
      if (t0.word.size() >= 3 && !not_name_word(t0) && (t0.local() & (kPronoun | kParticle)) == 0) {
        candidates.push_back({{t0.start, t0.end}, kEnough, true, kNoRole});
        i = i + 1;
        continue;
      }
    }
    if (!t0.capitalized) {
      // Sloppy text writes names in lower case ("rohan told me his severance", "kenji matsuda"): a
      // given name the lexicon knows that is no English word, and something more (a family name
      // after it, a pronoun after it, a role word before it).
      if (t0.word.size() >= 3 && t0.word.size() <= 12) {
        uint8_t f = lex.latin_word(t0.word);
        if ((f & (Lexicon::kFirstName | Lexicon::kAmbiguousFirstName)) == Lexicon::kFirstName) {
          size_t end = i + 1;
          int score = 1;
          if (end < tokens.size() && joined(text, t0, tokens[end]) && !tokens[end].capitalized &&
              (lex.latin_word(tokens[end].word) & (Lexicon::kSurname | Lexicon::kAmbiguousSurname)) == Lexicon::kSurname) {
            ++end;
            ++score;
          }
          if (pronoun_follows(tokens, end) || person_verb_at(text, tokens, end)) ++score;  // "jamal is in hospital"
          if (latin_cue_before(text, tokens, i, lex)) score += 2;
          if (score >= kEnough) {
            candidates.push_back({{t0.start, tokens[end - 1].end}, score, false, kNoRole});
            i = end;
            continue;
          }
        }
      }
      ++i;
      continue;
    }
    // A possessive ends a name: "Stephen Hawking's ALS diagnosis" is Hawking's, not "Hawking's ALS".
    while (j < tokens.size() && j - i < 5 && !tokens[j - 1].possessive && joined(text, tokens[j - 1], tokens[j])) {
      if (tokens[j].capitalized) {
        ++j;
      } else if (j + 1 < tokens.size() && tokens[j + 1].capitalized && (tokens[j].local() & kParticle) != 0 &&
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
    while (first < j && ((tokens[first].lex & Lexicon::kPersonCue) != 0 || not_name_word(tokens[first]))) {
      cue = cue || (tokens[first].lex & Lexicon::kPersonCue) != 0;
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
                        (tokens[j].local() & kEponymOrOrg) != 0;
    if (!cue && first > 0 && (tokens[first - 1].word == "the" || tokens[first - 1].word == "The") &&
        tokens[first].start - tokens[first - 1].end == 1) {
      not_a_person = true;
    }
    if (not_a_person) {
      i = next;
      continue;
    }
    // A job title is no name ("Consultant Cardiologist"); after a name it tells their role: a
    // clinician speaks of health for a living ("Dr. Anand Krishnamurthy | Consultant Cardiologist").
    if (job_title(tokens[j - 1].word)) {
      i = next;
      continue;
    }
    if (clinician_title_after(text, tokens, j)) roles |= kClinician;
    const size_t n = j - first;
    // One letter or an acronym alone is no name: "Patient A", "customer FAQ".
    if (n == 1 && (head.size() == 1 || acronym(head))) {
      i = next;
      continue;
    }
    const uint8_t h = tokens[first].lex;
    int score = cue ? 2 : 0;
    if ((h & Lexicon::kFirstName) != 0) {
      bool weak = (h & Lexicon::kAmbiguousFirstName) != 0;
      score += weak ? 1 : 2;
      if (n == 1 && weak && tokens[first].sentence_start) score -= 1;
    } else if (n >= 2 && (h & Lexicon::kSurname) != 0 && (tokens[first + 1].lex & Lexicon::kFirstName) != 0) {
      score += 2;  // family name first: "Huang Zhiming", "Nguyen Thi Lan"
    }
    for (size_t k = first + 1; k < j; ++k) {
      if ((tokens[k].lex & (Lexicon::kSurname | Lexicon::kAmbiguousSurname)) == Lexicon::kSurname) {
        score += 1;
        break;
      }
    }
    if (n == 1 && cue && (h & Lexicon::kSurname) != 0 && (h & Lexicon::kFirstName) == 0) score += 1;  // "Mr. Whitaker"
    // Two or more capitalized words mid-text that are no common word or acronym: a full name the
    // lexicon does not know ("Marcus Oyelaran").
    bool name_shaped = n >= 2 && std::none_of(tokens.begin() + static_cast<std::ptrdiff_t>(first),
                                              tokens.begin() + static_cast<std::ptrdiff_t>(j),
                                              [](const Token& t) { return not_name_word(t) || acronym(t.word); });
    if (name_shaped) score += 1;
    // An initial before a family name: "J. Kowalczyk", "A. Mensah".
    if (n == 2 && tokens[first].word.size() == 1 && text.substr(tokens[first].end).starts_with(". ")) score += 1;
    // A Han form of address after a Latin name: "Yapit Tali 先生", "Anna Kowalski小姐"; a Japanese or
    // Korean one inside it: "Takahashi-san", "Min-jun-ssi".
    if (han_title_after(text, tokens[j - 1].end) || honorific_suffix(tokens[j - 1].word)) score += 2;
    // The text goes on about them: "Oyelaran's salary", "... that his insulin".
    // ... or to them: "Eliot Brannigan, you had a concussion".
    std::string_view after_run = text.substr(tokens[j - 1].end);
    bool spoken_to = after_run.starts_with(", you ") || after_run.starts_with(", your ");
    if (tokens[j - 1].possessive || pronoun_follows(tokens, j) || spoken_to) score += 1;
    // One capitalized word no list knows (or only as a family name: "Okafor has"), mid-sentence,
    // doing what people do: "Sick note says Liesel has mononucleosis". A name the lexicon lacks: a
    // place or a brand rarely "has" or "missed", and a place mostly follows a preposition ("salaries
    // in Texas are"). Two such words ("Yerlan Abenov has diabetes") have their shape for them already.
    const bool unknown_or_surname = (h & ~Lexicon::kSurname) == 0;
    if (person_verb_at(text, tokens, j)) {
      if (n == 1 && unknown_or_surname && !tokens[first].sentence_start && !after_place_preposition(tokens, first)) score += 2;
      else if (name_shaped && n == 2) score += 1;
    }
    // ... or the object of what one does to a person: "put Oyelaran on travel", "congratulate Amadi".
    if (n == 1 && unknown_or_surname && person_verb_before(text, tokens, first)) score += 1;
    candidates.push_back({{tokens[first].start, tokens[j - 1].end}, score, cue, roles});
    i = next;
  }
  // Next to a famous person, the other names are most likely of their family or their story (Marie
  // Curie ... Pierre): only one with a title or role word ("patient", "Mr.") counts.
  for (const Candidate& c : candidates) {
    if (c.score >= kEnough && (!out.famous || c.cue)) out.people.push_back({c.span, c.roles});
  }
}

}  // namespace sy::privacy::names_detail
