#include "ops/utc_time.h"

#include <charconv>
#include <chrono>
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

}  // namespace sy::ops
