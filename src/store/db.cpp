#include "store/db.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "store/postgres_db.h"
#include "store/sqlite_db.h"

namespace sy::store {

namespace {

// Shortest text that reads back as the same double (what both backends are given for REAL params).
std::string format_double(double d) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return ec == std::errc() ? std::string(buf, end) : std::string("0");
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

}  // namespace

int64_t Row::integer(size_t i) const {
  const Value& v = columns.at(i);
  if (auto p = std::get_if<int64_t>(&v)) return *p;
  if (auto p = std::get_if<double>(&v)) return static_cast<int64_t>(*p);
  if (auto p = std::get_if<std::string>(&v)) {
    int64_t out = 0;
    std::from_chars(p->data(), p->data() + p->size(), out);  // leaves 0 for text that is no number
    return out;
  }
  return 0;
}

double Row::real(size_t i) const {
  const Value& v = columns.at(i);
  if (auto p = std::get_if<double>(&v)) return *p;
  if (auto p = std::get_if<int64_t>(&v)) return static_cast<double>(*p);
  if (auto p = std::get_if<std::string>(&v)) return std::strtod(p->c_str(), nullptr);
  return 0;
}

std::string Row::text(size_t i) const {
  const Value& v = columns.at(i);
  if (auto p = std::get_if<std::string>(&v)) return *p;
  if (auto p = std::get_if<int64_t>(&v)) return std::to_string(*p);
  if (auto p = std::get_if<double>(&v)) return format_double(*p);
  return {};
}

std::string value_text(const Value& v) {
  if (auto p = std::get_if<std::string>(&v)) return *p;
  if (auto p = std::get_if<int64_t>(&v)) return std::to_string(*p);
  if (auto p = std::get_if<double>(&v)) return format_double(*p);
  return {};
}

core::Status Db::exec(std::string_view sql, std::span<const Value> params) {
  auto rows = query(sql, params);
  if (!rows) return rows.error();
  return core::Ok{};
}

namespace {

// Where the passwords are in a URL: scheme://user:PASSWORD@host... and ...?password=PASSWORD&...
// As (offset, length) pairs, in order.
std::vector<std::pair<size_t, size_t>> password_spans(std::string_view url) {
  std::vector<std::pair<size_t, size_t>> spans;
  if (size_t scheme_end = url.find("://"); scheme_end != std::string_view::npos) {
    size_t auth_begin = scheme_end + 3;
    size_t auth_end = std::min(url.find_first_of("/?#", auth_begin), url.size());
    size_t at = url.substr(0, auth_end).rfind('@');  // the last '@': a raw '@' in a password is common
    if (at != std::string_view::npos && at >= auth_begin) {
      size_t colon = url.find(':', auth_begin);
      if (colon < at) spans.emplace_back(colon + 1, at - colon - 1);
    }
  }
  size_t query = url.find('?');
  for (size_t pos = query; pos != std::string_view::npos; pos = url.find('&', pos + 1)) {
    if (url.substr(pos + 1, 9) != "password=") continue;
    size_t value = pos + 10;
    size_t end = std::min(url.find_first_of("&#", value), url.size());
    spans.emplace_back(value, end - value);
  }
  return spans;
}

}  // namespace

std::string redact_url(std::string_view url) {
  std::string out;
  size_t done = 0;
  for (auto [offset, length] : password_spans(url)) {
    out.append(url.substr(done, offset - done)).append("***");
    done = offset + length;
  }
  out.append(url.substr(done));
  return out;
}

std::vector<std::string> url_passwords(std::string_view url) {
  std::vector<std::string> out;
  for (auto [offset, length] : password_spans(url))
    if (length > 0) out.emplace_back(url.substr(offset, length));
  return out;
}

core::Result<std::unique_ptr<Db>> open_db(const std::string& url, const DbOptions& options) {
  if (starts_with(url, "sqlite:")) {
    auto db = SqliteDb::open(url.substr(7), options);
    if (!db) return db.error();
    return std::unique_ptr<Db>(std::move(*db));
  }
  if (starts_with(url, "postgres://") || starts_with(url, "postgresql://")) {
    auto db = PostgresDb::open(url, options);
    if (!db) return db.error();
    return std::unique_ptr<Db>(std::move(*db));
  }
  // Only the scheme is echoed: the rest may hold a password.
  size_t colon = url.find(':');
  std::string got = "no scheme";
  if (colon != std::string::npos && colon <= 20) got.assign("'").append(url, 0, colon + 1).append("...'");
  return core::Error::invalid_request("store URL must start with sqlite:, postgres:// or postgresql:// (got " + got +
                                      ")");
}

}  // namespace sy::store
