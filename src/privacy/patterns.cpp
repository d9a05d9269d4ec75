// Every expression the scanner runs. Byte-oriented (no HS_FLAG_UTF8): the few non-ASCII literals
// (密碼, the full-width colon) are written as their UTF-8 bytes, and text that is not valid UTF-8
// is still scanned safely, which UTF-8 mode would not promise.
#include "privacy/patterns.h"

#include <hs/hs.h>

#include <array>

#include "privacy/extractors.h"
#include "privacy/shape_checks.h"

namespace sy::privacy {
namespace {

constexpr std::array kDirect = {
    DirectPattern{R"(@[A-Za-z0-9])", 0, Kind::email, extract::email},
    DirectPattern{R"([0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3})", 0, Kind::ipv4, extract::ipv4},
    DirectPattern{R"([0-9A-Fa-f]:[0-9A-Fa-f]{0,4}:)", 0, Kind::ipv6, extract::ipv6},
    DirectPattern{R"((?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16})", 0, Kind::aws_access_key,
                  extract::aws_access_key},
    DirectPattern{R"(sk-[A-Za-z0-9])", 0, Kind::api_key, extract::openai_style_key},  // OpenAI, Anthropic, DeepSeek
    DirectPattern{R"([sr]k_(?:live|test)_[A-Za-z0-9])", 0, Kind::api_key, extract::stripe_key},
    DirectPattern{R"(AIza[0-9A-Za-z_\-]{35})", 0, Kind::api_key, extract::google_api_key},
    DirectPattern{R"(xox[abposr]-[0-9A-Za-z])", 0, Kind::api_key, extract::slack_token},
    DirectPattern{R"(hf_[A-Za-z0-9]{30})", 0, Kind::api_key, extract::huggingface_token},
    DirectPattern{R"(gh[pousr]_[A-Za-z0-9]{36})", 0, Kind::github_token, extract::github_classic_token},
    DirectPattern{R"(github_pat_[A-Za-z0-9_]{22})", 0, Kind::github_token, extract::github_fine_grained_token},
    DirectPattern{R"(eyJ[A-Za-z0-9_\-]{10})", 0, Kind::jwt, extract::jwt},
    DirectPattern{R"(-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY)", 0, Kind::private_key, extract::private_key},
    // An SSN written as nine bare digits is only told from any other number by its label.
    DirectPattern{R"((?:ssn|social security (?:number|no\.?))[^0-9\n]{0,12}[0-9]{9})", HS_FLAG_CASELESS, Kind::us_ssn,
                  extract::ssn_after_label},
    // password=..., "passwd": "...", \"secret\":..., PGPASSWORD=... (the key may end a longer name).
    DirectPattern{R"((?:password|passwd|passphrase|pwd|secret)\\?["']?[ \t]{0,3}[:=])", HS_FLAG_CASELESS,
                  Kind::password, extract::password_value},
    // 密碼：... 密码=... 口令是...: ASCII or full-width colon, '=', or 是/為/为 ("is").
    DirectPattern{"(?:\xe5\xaf\x86\xe7\xa2\xbc|\xe5\xaf\x86\xe7\xa0\x81|\xe5\x8f\xa3\xe4\xbb\xa4)[ \\t]{0,3}"
                  "(?:[:=]|\xef\xbc\x9a|\xe6\x98\xaf|\xe7\x82\xba|\xe4\xb8\xba)",
                  0, Kind::password, extract::password_value},

    // Numbers told apart by their label (extract_labelled.cpp); English labels start a word.
    DirectPattern{R"(\bpassport)", HS_FLAG_CASELESS, Kind::passport, extract::passport_number},
    DirectPattern{"護照|护照", 0, Kind::passport, extract::passport_number},
    DirectPattern{R"(\b[A-Z]{1,2}[0-9]{6,8}\b)", 0, Kind::passport, extract::passport_shaped_near_label},
    DirectPattern{R"(\b(?:account|acct|a/c|cuenta|konto|compte|conto|rekening))", HS_FLAG_CASELESS, Kind::account_number,
                  extract::account_number},
    DirectPattern{"帳號|帐号|账号|帳戶|帐户|账户|戶頭|户头|存摺|存折", 0, Kind::account_number, extract::account_number},
    DirectPattern{R"(\b(?:mrn|medical record|med\.? rec|chart (?:number|no|#)|hospital (?:number|no|#)|hosp\. ?(?:no|number|#)|inpatient (?:no|number|#))|病歷|病历|住院號|住院号|病案號|病案号|門診號|门诊号)",
                  HS_FLAG_CASELESS, Kind::medical_record, extract::medical_record_number},
    DirectPattern{R"(\b(?:case|docket|claim|court file|case file|court ref|referral) (?:number|no|#|id|ref|reference))", HS_FLAG_CASELESS, Kind::case_number,
                  extract::case_number},
    DirectPattern{R"(\bcase [0-9A-Za-z])", HS_FLAG_CASELESS, Kind::case_number, extract::bare_case_number},
    DirectPattern{R"(\b(?:court|tribunal|appeal|docket|case) ref(?:erence)?\b)", HS_FLAG_CASELESS, Kind::case_number,
                  extract::claim_reference},  // "Family court ref FD23P00871", "Court of Appeal ref CA-2023-001562"
    DirectPattern{R"(\bclaim\b)", HS_FLAG_CASELESS, Kind::case_number, extract::claim_reference},
    DirectPattern{"案號|案号|案件編號|案件编号|個案編號|个案编号|案件號碼|案件号码|案件號|案件号|理賠號|理赔号|理賠編號|理赔编号|理賠案號|理赔案号", 0,
                  Kind::case_number, extract::case_number},
    DirectPattern{"(?:（|\\()[0-9]{4}(?:）|\\))(?:[\\x80-\\xff]{3}){1,2}[0-9]{2,6}(?:[\\x80-\\xff]{3}){1,4}[0-9]{1,7}(?:號|号)", 0,
                  Kind::case_number, extract::mainland_case_number},
    DirectPattern{"[0-9]{2,3}年度(?:[\\x80-\\xff]{3}){1,6}字第[0-9]{1,7}(?:號|号)", 0, Kind::case_number,
                  extract::court_case_number},

    // Birth dates (extract_birth_date.cpp): a date after its label, or before 出生 / 日生.
    DirectPattern{R"(\b(?:dob|d\.o\.b|date of birth|birth ?date|born|birthday|bday|b-day|b'day))", HS_FLAG_CASELESS, Kind::date_of_birth,
                  extract::birth_date_after_label},
    DirectPattern{"出生日期|出生年月日|生日|出生|生於|生于", 0, Kind::date_of_birth, extract::birth_date_after_label},
    DirectPattern{"出生|日生|號生|号生|[0-9]生", 0, Kind::date_of_birth, extract::birth_date_before},  // ...2014/08/21生
    DirectPattern{R"(\((?:dob|d\.o\.b\.?)\))", HS_FLAG_CASELESS, Kind::date_of_birth, extract::birth_date_before_dob},

    // Han addresses (extract_address.cpp): a house number, 號 or 号. Latin ones are anchored on the
    // lexicon's street types (scanner.cpp).
    DirectPattern{"(?:[0-9]|\\xef\\xbc[\\x90-\\x99]){1,5} ?(?:號|号)", 0, Kind::address, extract::han_address},
    DirectPattern{R"(\bNo\. ?[0-9]{1,5}(?:-[0-9]{1,4})?,)", 0, Kind::address, extract::taiwan_latin_address},
    // Latin addresses by their postcode, whatever the street is called ("88 Kingsway, London WC2B
    // 6ST", "1185 Avenue of the Americas, New York, NY 10036"): a UK postcode, or a US state and ZIP.
    DirectPattern{R"(\b[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}\b)", 0, Kind::address, extract::address_before_postcode},
    DirectPattern{R"(\b[A-Z]{2} [0-9]{5}(?:-[0-9]{4})?\b)", 0, Kind::address, extract::address_before_postcode},
};

// An amount of money as pay is written: with a currency ("$2,180", "NT$45,000", "₸9.6m"), with a
// scale ("68k", "74.5k"), or with thousands separators ("3,640"). A macro, for literal concatenation.
#define SY_PAY_AMOUNT                                                                                       \
  R"((?:(?:\$|€|£|¥|₹|₸|₩|₱|₦|₫|NT\$|HK\$|US\$|S\$|A\$|C\$|R\$|RM ?|Rs\.? ?|(?:USD|EUR|GBP|CHF|INR|KRW|JPY|)"   \
  R"(CNY|RMB|TWD|NTD|SGD|AUD|CAD|HKD|MXN|BRL|ZAR|NGN|KES|PHP|VND|IDR|THB|MYR|AED|SAR|PLN|SEK|NOK|DKK) ?))"            \
  R"([0-9][0-9,]*(?:\.[0-9]+)?(?: ?(?:k|m|mn|million|grand))?|[0-9]+(?:\.[0-9]+)?(?:k|m)|[0-9]{1,3}(?:,[0-9]{3})+))"
// Words between a pay word and its amount: "base goes from 68k", "pay to 27.50/hr", "salary of".
#define SY_PAY_FILLER                                                                                       \
  R"((?:is|was|of|at|to|from|goes|went|going|go|up|down|by|him|her|them|only|just|about|around|roughly|)" \
  R"(currently|now|will|be|set|an|a|extra|another|back|out|increase|increased|cut|rise|raise))"

// Medical words by their endings: procedures (-ectomy, -otomy, -oscopy, -plasty), inflammations
// (-itis) and drug stems (the WHO INN stems: -mab, -tinib, -pril, -sartan, -olol, -statin, -dipine,
// ...), which no list of words keeps up with; and Han X炎 (肺炎, 闌尾炎), but not 炎熱 (hot).
constexpr std::array kFactPatterns = {
    DirectPattern{R"(\b[a-z]{3,}(?:ectomy|otomy|ostomy|oscopy|plasty|itis)\b)", HS_FLAG_CASELESS, Kind::health,
                  extract::whole_word},
    DirectPattern{R"(\b[a-z]{3,}(?:mab|tinib|pril|sartan|olol|statin|cillin|mycin|floxacin|cycline|prazole|dipine|)"
                  R"(oxetine|triptan|thyroxine|azepam|parin|formin|gliptin|semide|thiazide|dronate|vudine|navir)\b)",
                  HS_FLAG_CASELESS, Kind::health, extract::whole_word},
    DirectPattern{R"(\bcef[a-z]{4,}\b)", HS_FLAG_CASELESS, Kind::health, extract::whole_word},
    DirectPattern{"炎", 0, Kind::health, extract::han_inflammation},
    // Pay said as an amount. An amount alone is no fact ("$40 for the pizzas", "she will pay $200 for
    // the hotel"): these frames are. Earning verbs and passive pay right before it, pay nouns a few
    // words before it (verbs like "pay" and "raise", which also mean paying a bill or raising funds,
    // only with a word between), an amount per period, and a raise in percent.
    DirectPattern{R"(\b(?:(?:got|gets|get|was|is|be|being|been) paid|makes|making|earns|earning|earned|salary|wages?|)"
                  R"(base|comp|bonus|offer|package):?(?: )" SY_PAY_FILLER R"(){0,3} )" SY_PAY_AMOUNT R"(\b)",
                  HS_FLAG_CASELESS, Kind::salary, extract::phrase_before},
    DirectPattern{R"(\b(?:salary|wages|commission|bonus|payout|paycheck|paycheque|severance|take-home)(?: [a-z']+){0,4} )"
                  SY_PAY_AMOUNT R"(\b)", HS_FLAG_CASELESS, Kind::salary, extract::phrase_before},  // "commission for June was 4,310"
    DirectPattern{R"(\b(?:pay|raise|bump|bumped|rate)(?: )" SY_PAY_FILLER R"(){1,3} )" SY_PAY_AMOUNT R"(\b)",
                  HS_FLAG_CASELESS, Kind::salary, extract::phrase_before},
    DirectPattern{SY_PAY_AMOUNT R"( (?:base|salary|a year|annually|monthly|per annum|gross|net)\b)", HS_FLAG_CASELESS,
                  Kind::salary, extract::phrase_before},  // "KRW 72M base", "R$11.500 monthly"
    // The period written out whole ("a year", not "a" then "year"): a literal as short as "a " would
    // wake this expression at nearly every word of prose (bench/privacy_scan.sh).
    DirectPattern{SY_PAY_AMOUNT R"((?: ?/ ?(?:hr|hour|yr|year|mo|month)| per (?:hour|hr|year|yr|annum|month)| an hour| a (?:year|month))\b)",
                  HS_FLAG_CASELESS, Kind::salary, extract::phrase_before},
    DirectPattern{R"(\b[0-9]+\.[0-9]{2} ?/ ?(?:hr|h|hour)\b)", HS_FLAG_CASELESS, Kind::salary, extract::phrase_before},
    DirectPattern{R"([0-9](?: ?%| percent) (?:raise|bump|(?:pay|salary|merit|wage) (?:rise|raise|increase|cut))\b)",
                  HS_FLAG_CASELESS, Kind::salary, extract::phrase_before},
    DirectPattern{R"(\b(?:your|his|her|their|my|a|the|'s) raise\b[^.\n]{0,30}[0-9] ?%)", HS_FLAG_CASELESS, Kind::salary,
                  extract::phrase_before},
    // A blood pressure reading, and a referral to a clinical specialty ("referred to nephrology").
    DirectPattern{R"(\b(?:BP|blood pressure):? ?[0-9]{2,3}/[0-9]{2,3}\b)", HS_FLAG_CASELESS, Kind::health, extract::phrase_before},
    DirectPattern{R"(\breferr(?:ed|al) to (?:a |the )?[a-z]+(?:ology|iatry|iatrics|ics)\b)", HS_FLAG_CASELESS, Kind::health,
                  extract::phrase_before},
    // A death said as 走了 (gone) after a relative, a few characters apart: 爸爸上个月走了, 家裡老人走了.
    DirectPattern{"(?:爸爸|媽媽|妈妈|父親|父亲|母親|母亲|老人|奶奶|爺爺|爷爷|外婆|外公|阿嬤|阿嬷|阿公|老公|老婆)(?:[\\x80-\\xff]{3}){0,4}走了", 0,
                  Kind::family, extract::phrase_before},
};
#undef SY_PAY_AMOUNT
#undef SY_PAY_FILLER

// Where stage 2 must look: each shape below contains one of these. Every phone, card, IBAN and ID
// shape has 9 digits with at most single spaces or dashes between them, except the formats that
// the others catch; dates (2024-03-15: 8 digits), times, amounts and short order numbers
// stay quiet, which matters because every trigger costs a stage-2 window.
constexpr std::array kTriggers = {
    TriggerPattern{R"([0-9](?:[ \-]?[0-9]){8})", 0},
    TriggerPattern{R"([0-9]{3}\.[0-9]{3}\.[0-9]{4})", 0},  // 415.555.2671
    TriggerPattern{R"(\+[1-9])", 0},                       // +1 (415) 555-2671
    TriggerPattern{R"(\([0-9]{2,3}\))", 0},                // (415) 555-2671, (02)2345-6789
    TriggerPattern{R"([A-Da-d][0-9]{8})", 0},              // old resident certificates: AC01234567
};

constexpr std::array kShapes = {
    // Phones. E.164, compact or grouped: +886912345678, +886 912 345 678, +1 (415) 555-2671.
    ShapePattern{R"(\+[1-9][0-9]{7,14})", 0, Kind::phone, check::e164_phone},
    ShapePattern{R"(\+[1-9][0-9]{0,3}(?:[ \-]\(?[0-9]{1,4}\)?){1,6})", 0, Kind::phone, check::e164_phone},
    // Taiwan mobile 0912345678, 0912-345-678, 0912 345 678.
    ShapePattern{R"(09[0-9]{2}(?:[0-9]{6}|-[0-9]{3}-?[0-9]{3}| [0-9]{3} ?[0-9]{3}))", 0, Kind::phone,
                 check::national_phone},
    // Taiwan landline (02)2345-6789, (037) 123-4567, 02-2345-6789, with the real area codes
    // (02-08, 037, 049, 082, 089): "0[2-9][0-9]?" would cost stage 2 a quarter of its time.
    ShapePattern{R"(\(0(?:[2-8]|37|49|8[29])\) ?[0-9]{3,4}[\- ]?[0-9]{4})", 0, Kind::phone, check::national_phone},
    ShapePattern{R"(0(?:[2-8]|37|49|8[29])-[0-9]{3,4}-[0-9]{4})", 0, Kind::phone, check::national_phone},
    // China mobile 13812345678, 138-1234-5678, 138 1234 5678.
    ShapePattern{R"(1[3-9][0-9](?:[0-9]{8}|-[0-9]{4}-[0-9]{4}| [0-9]{4} [0-9]{4}))", 0, Kind::phone,
                 check::national_phone},
    // US (415) 555-2671, 415-555-2671, 415.555.2671: area code and exchange never start with 0 or 1.
    ShapePattern{R"(\([2-9][0-9]{2}\) ?[2-9][0-9]{2}-[0-9]{4})", 0, Kind::phone, check::national_phone},
    ShapePattern{R"([2-9][0-9]{2}-[2-9][0-9]{2}-[0-9]{4})", 0, Kind::phone, check::national_phone},
    ShapePattern{R"([2-9][0-9]{2}\.[2-9][0-9]{2}\.[0-9]{4})", 0, Kind::phone, check::national_phone},

    // Payment cards: 13-19 digits, plain or in groups of four (Amex and Diners 4-6-5 / 4-6-4). The
    // plain and Amex shapes are matched at their shortest and completed in C++ (cheaper).
    ShapePattern{R"([2-6][0-9]{12})", 0, Kind::credit_card, check::credit_card_run},
    ShapePattern{R"([2-6][0-9]{3}(?:[ \-][0-9]{4}){2}[ \-](?:[0-9]{1,4}|[0-9]{4}[ \-][0-9]{1,3}))", 0,
                 Kind::credit_card, check::credit_card},
    ShapePattern{R"(3[0-9]{3}[ \-][0-9]{6}[ \-][0-9]{4})", 0, Kind::credit_card, check::credit_card_amex},

    // IBAN, compact or in groups of four: DE89370400440532013000, GB82 WEST 1234 5698 7654 32.
    ShapePattern{R"([A-Z]{2}[0-9]{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?))", 0, Kind::iban,
                 check::iban},

    ShapePattern{R"([A-Za-z][12][0-9]{8})", 0, Kind::tw_national_id, check::tw_national_id},
    ShapePattern{R"([A-Za-z][89A-Da-d][0-9]{8})", 0, Kind::tw_resident_certificate, check::tw_resident_certificate},
    ShapePattern{R"([1-8][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx])", 0,
                 Kind::cn_resident_id, check::cn_resident_id},
    // SSN 123-45-6789 or 123 45 6789 (one separator throughout); bare digits need a label (direct).
    ShapePattern{R"([0-8][0-9]{2}[ \-][0-9]{2}[ \-][0-9]{4})", 0, Kind::us_ssn, check::us_ssn},
};

}  // namespace

std::span<const DirectPattern> direct_patterns() { return kDirect; }
std::span<const DirectPattern> fact_patterns() { return kFactPatterns; }
std::span<const TriggerPattern> trigger_patterns() { return kTriggers; }
std::span<const ShapePattern> shape_patterns() { return kShapes; }

}  // namespace sy::privacy
