// Han names (names.h): a family name and one or two given-name characters, scored from role words
// before them (客戶, 病患), titles after them (先生, 醫師) and the characters around them (a particle
// after, punctuation before); nicknames (小楊, 阿傑), given name + kinship title (美惠姐) and names
// written with a middle dot (阿依古丽·买买提). Famous names, places and ordinary words that start or
// end with a family-name character (王國, 翻成) count against.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "core/utf8.h"
#include "privacy/boundaries.h"
#include "privacy/names_detail.h"

namespace sy::privacy::names_detail {
namespace {

// Han words after a name that make it a place or an institution: 林口長庚醫院, 馬偕紀念醫院.
constexpr std::string_view kHanNotAPersonAfter[] = {
    "醫院", "医院", "診所", "诊所", "大學", "大学", "學院", "学院", "銀行", "银行", "公司", "集團", "集团", "科技",
    "企業", "企业", "基金會", "基金会", "國小", "国小", "國中", "国中", "中學", "中学", "高中", "路", "街", "站",
    "市", "縣", "县", "區", "区", "鄉", "乡", "鎮", "镇", "村", "里", "紀念", "纪念", "獎", "奖", "定律", "定理",
    "症候群", "综合征", "綜合症", "病", "氏",
};

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
    U"罹患住申領领上下前近目一兩两三每同得向為为不剛刚正再又即及以等們们提曾所拿收參参休、，：；。！？「」『』“”（）"
    // Kin and home: 邹凯父亲, 段鹏家里, 韩磊老婆; and 寫 (给赵磊写一份).
    U"父母爸媽妈家老太女兒儿寫写開开發发週周連连";
constexpr std::u32string_view kHanBeforeName =
    U"給给讓让叫找問问訴诉醒知和與与跟對对向由把被是為为的請请幫帮將将替位及、，：；。！？「」『』“”（）"
    // The ends of job titles and of units: 網格員凌志強, 隊長老蔣, 倉儲課林建宏.
    U"員员長长師师課课組组科處处部室"
    // A bed number before a patient: 十五床江阿嬤.
    U"床";

// Nicknames: 小/老 + a family name (小楊, 老王), 阿 + a given-name character (阿傑); not these words.
constexpr std::string_view kNotNicknames[] = {"小時", "小时", "小於", "小于", "小康", "小米", "小黃", "小黄", "小白",
                                              "小區", "小区", "老師", "老师", "老公", "阿公", "阿婆", "阿嬤", "阿伯",
                                              "阿拉", "阿爾", "阿尔", "阿根", "阿富", "阿里", "阿斯", "阿司", "阿姨",
                                              "大家", "大樓", "大楼", "大陸", "大陆", "大於", "大于", "大方", "大量",
                                              "大概", "大約", "大约", "大會", "大会", "大學", "大学", "大門", "大门",
                                              "大安", "大同", "大林", "大廳", "大厅", "大夫", "大師", "大师", "大江"};

// Whether a fact begins at pos or one character after it: a name runs straight into what is said
// of it (陳靜懷孕, 皇甫文傑腸胃炎, where the fact word found is 胃炎).
bool starts_fact(size_t pos, std::span<const size_t> fact_starts) {
  return std::any_of(fact_starts.begin(), fact_starts.end(), [&](size_t f) { return f >= pos && f <= pos + 3; });
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
};

// The characters a nickname starts with: 小楊, 老王, 阿傑, 大劉.
bool nickname_prefix(char32_t c) { return c == U'小' || c == U'老' || c == U'阿' || c == U'大'; }

constexpr std::string_view kHanClinicianTitles[] = {"醫師", "醫生", "医生", "医师", "護理師", "护理师", "護士", "护士",
                                                    "藥師", "药师", "治療師", "治疗师", "營養師", "营养师", "大夫"};
constexpr std::string_view kHanPeopleTeamWords[] = {"人資", "人资", "人事", "人力資源", "人力资源", "薪酬", "薪資", "薪资",
                                                    "會計", "会计", "財務", "财务", "出納", "出纳"};

// The roles around a Han name at [at, end): a clinician's title after it, a people-team word and a
// role noun in the ten characters before it (人資主管是白秀玲).
uint8_t han_roles(std::string_view text, size_t at, size_t end) {
  static const WordSet clinicians = word_set(kHanClinicianTitles);
  static const WordSet people_team = word_set(kHanPeopleTeamWords);
  static constexpr std::string_view kRoleNouns[] = {"主管", "總監", "总监", "專員", "专员", "經理", "经理", "負責人", "负责人",
                                                    "窗口", "承辦", "承办", "主任", "同仁"};
  uint8_t roles = clinicians.longest_at(text, end) > 0 ? kClinician : kNoRole;
  // A people-team role names the person who holds it (人資主管是白秀玲, 薪資專員王小明); an HR note
  // about someone (人資備註：賴宥蓁...) does not: the role noun must come between.
  // The role noun must follow the people-team word closely (人資部主管): in 人事通知：仓库主管曹永强 the
  // 主管 is the warehouse's, and the notice is about him.
  std::string_view before = text.substr(0, at).substr(at > 30 ? at - 30 : 0);
  for (size_t p = 0; p < before.size(); ++p) {
    if (size_t len = people_team.longest_at(before, p)) {
      std::string_view after = before.substr(p + len);
      if (std::any_of(std::begin(kRoleNouns), std::end(kRoleNouns), [&](std::string_view n) {
            size_t found = after.find(n);
            return found != std::string_view::npos && found <= 6;  // at most two characters between: 人資部主管
          })) {
        roles |= kPeopleTeam;
      }
      break;
    }
  }
  return roles;
}

const WordSet& han_not_a_person_after() {
  static const WordSet set = word_set(kHanNotAPersonAfter);
  return set;
}

// The best reading of a name starting with the family name at [at, at + surname).
HanCandidate score_han_name(std::string_view text, size_t at, size_t surname, const Lexicon& lex,
                            std::span<const size_t> fact_starts) {
  // Up to two given-name characters after the family name.
  size_t ends[3] = {at + surname, 0, 0};
  bool given[3] = {true, false, false};
  for (int k = 1; k <= 2 && given[k - 1]; ++k) {
    char32_t g = 0;
    size_t len = 0;
    // A name ends where what is said of it begins: 邱銳 of 邱銳喜得千金, not 邱銳喜.
    if (std::find(fact_starts.begin(), fact_starts.end(), ends[k - 1]) != fact_starts.end()) break;
    if (!han_at(text, ends[k - 1], &g, &len)) break;
    ends[k] = ends[k - 1] + len;
    // 陳阿水, 林阿土 (the old Taiwanese 阿 names), 林小红, 王小明: 阿 and 小 start a given name.
    given[k] = lex.zh_given(g) || (k == 1 && (g == U'阿' || g == U'小'));
  }
  // ... only with a given-name character after them: 陳阿姨, 王小姐 are no names.
  if (given[1] && !given[2] && (text.substr(ends[0]).starts_with("阿") || text.substr(ends[0]).starts_with("小"))) given[1] = false;
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

// 小楊, 老王, 阿傑, 大劉 at `at` (which holds a nickname_prefix): the nickname's end and score, or {0, 0}.
HanCandidate score_nickname(std::string_view text, size_t at, const Lexicon& lex, std::span<const size_t> fact_starts) {
  bool ah = text.substr(at, 3) == "阿";
  char32_t c = 0;
  size_t len = 0;
  if (!han_at(text, at + 3, &c, &len)) return {0, 0};
  size_t end = at + 3 + len;
  bool fits = ah ? lex.zh_given(c) || lex.zh_surname_at(text, at + 3) == len : lex.zh_surname_at(text, at + 3) == len;
  if (!fits || std::find(std::begin(kNotNicknames), std::end(kNotNicknames), text.substr(at, end - at)) != std::end(kNotNicknames)) {
    return {0, 0};
  }
  int score = 2 + (han_boundary_before(text, at) || han_cue_before(text, at, lex) ? 1 : 0) +
              (han_boundary_after(text, end, fact_starts) ? 1 : 0);
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

// A given name alone, the way colleagues write each other: 同事怡萱, 會計部的怡如上週生了, 美惠姐.
// Two given-name characters, and more evidence than a family name needs, because two such
// characters also make many ordinary words: a role word before them, a kinship title after them
// (姐, 哥), or both a word boundary before them and a particle, verb or fact right after them.
HanCandidate score_given_name(std::string_view text, size_t at, const Lexicon& lex, std::span<const size_t> fact_starts) {
  char32_t first = 0, second = 0;
  size_t len1 = 0, len2 = 0;
  if (!han_at(text, at, &first, &len1) || !han_at(text, at + len1, &second, &len2)) return {0, 0};
  if ((!lex.zh_given(first) && first != U'小') || !lex.zh_given(second)) return {0, 0};
  const size_t end = at + len1 + len2;
  // The cheap evidence first (this runs at most characters of a stretch): where it stands.
  size_t p = at;
  char32_t before = at > 0 ? core::previous_code_point(text, p) : 0;
  // 喜: 恭喜婉婷. The start of the text or of a clause (佳怡說她..., ，雨萱這週確診, "hi 雅芳...") counts too,
  // since the everyday words that begin clauses there (大家, 生育) are kept out below.
  bool name_place = at == 0 || std::u32string_view(U"的：:「“『喜，,、\n \t").find(before) != std::u32string_view::npos;
  bool kin = false;
  // 美惠姐, and a relative named by the one they belong to: 志明爸爸, 子軒媽媽.
  for (std::string_view k : {"姐", "哥", "姊", "嫂", "姨", "嬸", "婶", "叔", "伯", "爸", "媽", "妈", "爺爺", "爷爷", "奶奶", "阿嬤", "阿嬷",
                             "老婆", "老公"}) {
    kin = kin || text.substr(end).starts_with(k);
  }
  bool after = han_boundary_after(text, end, fact_starts);
  bool nickname = first == U'小' && han_boundary_before(text, at) && after;  // 小芬, 小美
  if (!name_place && !kin && !nickname && !han_cue_before(text, at, lex)) return {0, 0};
  if (kin && han_boundary_before(text, at)) return {end, kHanEnough, true};
  if (first == U'小') {  // 小芬 where names stand, or after a role word: 部屬小潔
    if (nickname) return {end, kHanEnough};
    return after && han_cue_before(text, at, lex) ? HanCandidate{end, kHanEnough, true} : HanCandidate{0, 0};
  }
  // Two such characters also make many ordinary words (大家, 健康, 王國).
  if (lex.zh_word_at(text, at) > 0 || lex.zh_common_word(text.substr(at, end - at))) return {0, 0};
  if (!name_place) return {end, kHanEnough, true};  // a role word before it: 同事怡萱
  // Otherwise only where names are written (see name_place) and with a particle, verb or fact after.
  return after ? HanCandidate{end, kHanEnough} : HanCandidate{0, 0};
}

}  // namespace

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
    // Most characters start no name: the family-name bitmap and the given-name bitmap settle them.
    if (!lex.zh_name_may_start(c) && !lex.zh_given(c) && !nickname_prefix(c)) continue;
    size_t surname = lex.zh_surname_at(text, at);
    HanCandidate best = nickname_prefix(c) ? score_nickname(text, at, lex, fact_starts) : HanCandidate{0, 0};
    if (surname == 0 && best.score == 0) {
      if (lex.zh_given(c) || c == U'小') best = score_given_name(text, at, lex, fact_starts);
      if (best.score == 0) continue;
    }
    size_t famous = lex.zh_famous_at(text, at);
    bool dotted = text.substr(at + famous).starts_with("·") || text.substr(at + famous).starts_with("・");
    if (famous > 3 && !dotted) {  // 諸葛亮, 鄧小平: two characters or more, not the first half of 穆罕默德・哈山
      out.famous = true;
      i = at + famous;
      continue;
    }
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

}  // namespace sy::privacy::names_detail
