#include "ops/utc_time.h"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <regex>

namespace sy::ops {

namespace chr = std::chrono;

core::Result<int64_t> parse_utc_time(const std::string& text) {
  int64_t ms = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
  if (ec == std::errc() && end == text.data() + text.size()) return ms;

  static const std::regex iso(
      R"((\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|\+00:?00)?)?)");
  std::smatch m;
  if (!std::regex_match(text, m, iso)) {
    return core::Error::invalid_request("'" + text + "' is neither ISO-8601 UTC (2026-11-22T08:00:00Z) nor Unix ms");
  }
  // A time without a zone would be read as local time by someone and as UTC by us: refuse it.
  if (m[4].matched && !m[8].matched) {
    return core::Error::invalid_request("'" + text + "' has no zone: times are UTC, write them with Z");
  }
  auto num = [&](int i) { return m[i].matched ? std::stoi(m[i].str()) : 0; };
  chr::year_month_day ymd{chr::year(num(1)), chr::month(static_cast<unsigned>(num(2))),
                          chr::day(static_cast<unsigned>(num(3)))};
  if (!ymd.ok() || num(4) > 23 || num(5) > 59 || num(6) > 59) {
    return core::Error::invalid_request("'" + text + "' is not a valid date and time");
  }
  std::string fraction = (m[7].str() + "000").substr(0, 3);
  auto t = chr::sys_days(ymd) + chr::hours(num(4)) + chr::minutes(num(5)) + chr::seconds(num(6)) +
           chr::milliseconds(std::stoi(fraction));
  return static_cast<int64_t>(chr::duration_cast<chr::milliseconds>(t.time_since_epoch()).count());
}

namespace {

// n in exactly `width` decimal digits, zero-padded (n < 10^width).
void append_digits(std::string& out, uint64_t n, int width) {
  char buf[20];
  for (int i = width - 1; i >= 0; --i, n /= 10) buf[i] = static_cast<char>('0' + n % 10);
  out.append(buf, static_cast<size_t>(width));
}

}  // namespace

// Digits put by hand for years 0..9999: snprintf was a third of the audit writer's time to build a
// record, and the access log writes a time per request.
void append_utc_time(std::string& out, int64_t ts_ms) {
  chr::sys_time<chr::milliseconds> t{chr::milliseconds(ts_ms)};
  auto day = chr::floor<chr::days>(t);
  chr::year_month_day ymd{day};
  chr::hh_mm_ss hms{t - day};
  int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", year, static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                  static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                  static_cast<int>(hms.subseconds().count()));
    out += buf;
    return;
  }
  append_digits(out, static_cast<uint64_t>(year), 4);
  out += '-';
  append_digits(out, static_cast<unsigned>(ymd.month()), 2);
  out += '-';
  append_digits(out, static_cast<unsigned>(ymd.day()), 2);
  out += 'T';
  append_digits(out, static_cast<uint64_t>(hms.hours().count()), 2);
  out += ':';
  append_digits(out, static_cast<uint64_t>(hms.minutes().count()), 2);
  out += ':';
  append_digits(out, static_cast<uint64_t>(hms.seconds().count()), 2);
  out += '.';
  append_digits(out, static_cast<uint64_t>(hms.subseconds().count()), 3);
  out += 'Z';
}

int64_t now_ms() { return chr::duration_cast<chr::milliseconds>(chr::system_clock::now().time_since_epoch()).count(); }

std::optional<int64_t> parse_span_ms(std::string_view text) {
  if (text.size() < 2 || text.size() > 8) return std::nullopt;
  int64_t n = 0;
  auto digits = text.substr(0, text.size() - 1);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size() || n <= 0) return std::nullopt;
  switch (text.back()) {
    case 's': return n * 1'000;
    case 'm': return n * 60'000;
    case 'h': return n * 3'600'000;
    case 'd': return n * 86'400'000;
    case 'w': return n * 7 * 86'400'000;
    default: return std::nullopt;
  }
}

}  // namespace sy::ops
