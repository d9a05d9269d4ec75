#pragma once
// Extractors for the direct patterns (see patterns.h): each gets the end of its anchor's match and
// parses the value around it by hand, so that the anchors can stay short and fast while the rules
// (boundaries, structure, placeholders) stay readable C++.
#include <optional>
#include <string_view>

#include "privacy/patterns.h"

namespace sy::privacy::extract {

// extract_network.cpp
std::optional<Span> email(std::string_view text, size_t match_end);  // anchor "@x"
std::optional<Span> ipv4(std::string_view text, size_t match_end);   // anchor: a dotted quad
std::optional<Span> ipv6(std::string_view text, size_t match_end);   // anchor "h:hh:"

// extract_secrets.cpp
std::optional<Span> aws_access_key(std::string_view text, size_t match_end);             // the whole 20-char key
std::optional<Span> openai_style_key(std::string_view text, size_t match_end);           // anchor "sk-x"
std::optional<Span> stripe_key(std::string_view text, size_t match_end);                 // anchor "sk_live_x"
std::optional<Span> google_api_key(std::string_view text, size_t match_end);             // the whole 39-char key
std::optional<Span> slack_token(std::string_view text, size_t match_end);                // anchor "xoxb-x"
std::optional<Span> huggingface_token(std::string_view text, size_t match_end);          // anchor "hf_" + 30
std::optional<Span> github_classic_token(std::string_view text, size_t match_end);       // the whole 40-char token
std::optional<Span> github_fine_grained_token(std::string_view text, size_t match_end);  // anchor "github_pat_" + 22
std::optional<Span> jwt(std::string_view text, size_t match_end);                        // anchor "eyJ" + 10
std::optional<Span> private_key(std::string_view text, size_t match_end);  // anchor "-----BEGIN ... PRIVATE KEY"

// extract_ssn.cpp
std::optional<Span> ssn_after_label(std::string_view text, size_t match_end);  // "SSN: 233115454"

// extract_password.cpp
std::optional<Span> password_value(std::string_view text, size_t match_end);  // anchor "password=" and friends

// extract_labelled.cpp: the value after its label ("passport number L19530021", 帳號 123-45-678901-2)
std::optional<Span> passport_number(std::string_view text, size_t match_end);        // anchor "passport", 護照
std::optional<Span> passport_shaped_near_label(std::string_view text, size_t match_end);  // anchor: G38417265
std::optional<Span> account_number(std::string_view text, size_t match_end);         // anchor "account", 帳號
std::optional<Span> medical_record_number(std::string_view text, size_t match_end);  // anchor "MRN", 病歷號
std::optional<Span> case_number(std::string_view text, size_t match_end);            // anchor "case no", 案號
std::optional<Span> bare_case_number(std::string_view text, size_t match_end);       // "case 2023-CW-01877"
std::optional<Span> claim_reference(std::string_view text, size_t match_end);        // "claim, reference CLM-2024-0061873"
std::optional<Span> court_case_number(std::string_view text, size_t match_end);      // 112年度訴字第123號, whole
std::optional<Span> mainland_case_number(std::string_view text, size_t match_end);   // （2024）沪0115民初4567号, whole

// extract_birth_date.cpp
std::optional<Span> birth_date_after_label(std::string_view text, size_t match_end);  // anchor "DOB", 出生日期
std::optional<Span> birth_date_before(std::string_view text, size_t match_end);       // anchor 出生, 日生
std::optional<Span> birth_date_before_dob(std::string_view text, size_t match_end);   // anchor "(DOB)" after the date

// extract_address.cpp
std::optional<Span> han_address(std::string_view text, size_t match_end);    // anchor: a number and 號/号
std::optional<Span> latin_address(std::string_view text, size_t match_end);  // anchor: " Street", " Ave", ...
std::optional<Span> taiwan_latin_address(std::string_view text, size_t match_end);  // anchor "No. 18,"
std::optional<Span> address_before_postcode(std::string_view text, size_t match_end);  // anchor: "WC2B 6ST", "NY 10036"

// extract_medical_words.cpp: the fact patterns (patterns.h)
std::optional<Span> whole_word(std::string_view text, size_t match_end);        // the Latin word ending here
std::optional<Span> han_inflammation(std::string_view text, size_t match_end);  // anchor 炎: 肺炎, not 炎熱
std::optional<Span> phrase_before(std::string_view text, size_t match_end);  // "paid $2,180", 爸爸走了: the stretch before

// Shared by the secret extractors: whether a key body is a stand-in such as "YOUR_API_KEY",
// "xxxxxxxx" or "sk-...-here" rather than a credential.
bool looks_like_placeholder(std::string_view value);

}  // namespace sy::privacy::extract
