#include "ops/audit_log.h"

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>

#include "core/metrics_text.h"
#include "ops/utc_time.h"

namespace sy::ops {
namespace {

// Length of the valid UTF-8 character at s[i], or 0 if the bytes there are not one (overlong,
// surrogate, past U+10FFFF, cut short). NUL counts as invalid: PostgreSQL text cannot hold it.
size_t utf8_char_length(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c >= 0x01 && c < 0x80) return 1;
  size_t n = c >= 0xC2 && c < 0xE0 ? 2 : c >= 0xE0 && c < 0xF0 ? 3 : c >= 0xF0 && c < 0xF5 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  unsigned char c1 = byte(i + 1);
  if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0) || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90)) {
    return 0;
  }
  return n;
}

// Client-supplied text (a request id header, a model name) can hold any bytes. One bad byte must
// not fail a whole batch (PostgreSQL refuses invalid UTF-8 in text columns) nor make a record
// unreadable to the verifier, so each invalid byte becomes U+FFFD, in the body and the indexed
// columns alike.
std::string valid_text(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    size_t n = utf8_char_length(s, i);
    if (n > 0 && out.empty()) {  // nothing replaced so far: keep scanning without copying
      i += n;
      continue;
    }
    if (out.empty()) out.assign(s.substr(0, i));
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out.empty() ? std::string(s) : out;
}

// n in exactly `width` decimal digits, zero-padded (n < 10^width).
void append_digits(std::string& out, uint64_t n, int width) {
  char buf[20];
  for (int i = width - 1; i >= 0; --i, n /= 10) buf[i] = static_cast<char>('0' + n % 10);
  out.append(buf, static_cast<size_t>(width));
}

void append_unsigned(std::string& out, uint64_t n) {
  char buf[24];
  auto end = std::to_chars(buf, buf + sizeof buf, n).ptr;
  out.append(buf, end);
}

// The body is the hashed content of the chain, so its bytes must not depend on anything but the
// record: fields in one fixed order, numbers printed one way (fixed decimals, no locale, no
// exponent), strings escaped by one serializer. It is built by hand for that reason; a JSON tree
// would also do, but its float format ("1.25E1") is hostile to the auditors who read it.
class BodyWriter {
 public:
  BodyWriter() { out_.reserve(768); out_ += '{'; }

  void string(std::string_view key, std::string_view value) {
    name(key);
    append_quoted(value);
  }
  void integer(std::string_view key, int64_t value) {
    name(key);
    char buf[24];
    out_.append(buf, std::to_chars(buf, buf + sizeof buf, value).ptr);
  }
  // A time as ops/utc_time writes it: digits and punctuation, nothing to escape.
  void time(std::string_view key, int64_t ts_ms) {
    name(key);
    out_ += '"';
    append_utc_time(out_, ts_ms);
    out_ += '"';
  }
  void boolean(std::string_view key, bool value) {
    name(key);
    out_ += value ? "true" : "false";
  }
  // Non-finite numbers are not JSON; they can only come from a bug upstream, and null says so.
  void decimal(std::string_view key, double value, int digits) {
    name(key);
    if (!std::isfinite(value)) {
      out_ += "null";
      return;
    }
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, digits);
    out_.append(buf, ec == std::errc() ? end : buf);
    if (ec != std::errc()) out_ += "null";
  }
  // An exact decimal from an integer count of millionths: "-1.000250" for -1000250.
  void millionths(std::string_view key, int64_t value) {
    name(key);
    uint64_t magnitude = value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
    if (value < 0) out_ += '-';
    append_unsigned(out_, magnitude / 1'000'000);
    out_ += '.';
    append_digits(out_, magnitude % 1'000'000, 6);
  }
  void null(std::string_view key) {
    name(key);
    out_ += "null";
  }
  void strings(std::string_view key, const std::vector<std::string>& values) {
    name(key);
    out_ += '[';
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out_ += ',';
      append_quoted(values[i]);
    }
    out_ += ']';
  }
  std::string finish() && {
    out_ += '}';
    return std::move(out_);
  }

 private:
  // As Boost.JSON's serializer writes a string (the bytes of records written before stay the
  // bytes a verifier reads), in one pass and without a temporary: invalid UTF-8 becomes U+FFFD,
  // quotes and backslashes are escaped, control characters as \b \f \n \r \t or \u00XX.
  void append_quoted(std::string_view value) {
    out_ += '"';
    size_t run = 0;  // start of the bytes not yet copied
    auto flush = [&](size_t upto) { out_.append(value.substr(run, upto - run)); };
    for (size_t i = 0; i < value.size();) {
      auto c = static_cast<unsigned char>(value[i]);
      if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
        ++i;
        continue;
      }
      if (c >= 0x80) {
        size_t n = utf8_char_length(value, i);
        if (n > 0) {
          i += n;
          continue;
        }
        flush(i);
        out_ += "\xEF\xBF\xBD";
        run = ++i;
        continue;
      }
      flush(i);
      run = ++i;
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\b': out_ += "\\b"; break;
        case '\f': out_ += "\\f"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        case 0:  // NUL is invalid for the store (see utf8_char_length): like any invalid byte
          out_ += "\xEF\xBF\xBD";
          break;
        default: {
          static constexpr char kHex[] = "0123456789abcdef";
          out_ += "\\u00";
          out_ += kHex[c >> 4];
          out_ += kHex[c & 15];
        }
      }
    }
    flush(value.size());
    out_ += '"';
  }
  void name(std::string_view key) {
    if (out_.size() > 1) out_ += ',';
    out_ += '"';
    out_ += key;  // our own field names: nothing to escape
    out_ += "\":";
  }
  std::string out_;
};

int64_t cost_micro_usd(double cost_usd) { return std::isfinite(cost_usd) ? std::llround(cost_usd * 1e6) : 0; }

}  // namespace

std::string audit_body(const RequestRecord& r) {
  BodyWriter w;
  w.integer("ts", r.ts_ms);
  w.time("time", r.ts_ms);
  w.string("request_id", r.request_id);
  w.string("key", r.key_name);
  w.string("team", r.team);
  w.string("method", r.method);
  w.string("path", r.path);
  w.string("model", r.model);
  w.string("rule", r.rule);
  w.strings("reasons", r.reasons);
  w.string("privacy", r.privacy);
  w.strings("kinds", r.kinds);
  w.string("target", r.target);
  w.string("version", r.version);
  w.string("role", r.role);
  w.integer("status", r.status);
  w.string("error_type", r.error_type);
  w.integer("attempts", r.attempts);
  w.boolean("stream", r.stream);
  w.integer("prompt_tokens", r.prompt_tokens);
  w.integer("completion_tokens", r.completion_tokens);
  // Written from the same micro-dollars as the indexed column, so the two always agree (printing
  // the double itself could round the other way at a half micro-dollar).
  w.millionths("cost_usd", cost_micro_usd(r.cost_usd));
  w.decimal("latency_ms", r.latency_ms, 3);
  if (r.ttft_ms < 0) w.null("ttft_ms");
  else w.decimal("ttft_ms", r.ttft_ms, 3);
  // Added with the pipeline's cache and output guard; written only when they acted, so records of
  // requests they did not touch read as before.
  if (!r.client_request_id.empty()) w.string("client_request_id", r.client_request_id);
  if (!r.cache.empty()) w.string("cache", r.cache);
  if (r.cost_saved_usd > 0) w.millionths("cost_saved_usd", cost_micro_usd(r.cost_saved_usd));
  if (!r.guard.empty()) w.strings("guard", r.guard);
  if (!r.passages.empty()) w.strings("passages", r.passages);
  if (r.prompt_text) w.string("prompt_text", *r.prompt_text);
  if (r.answer_text) w.string("answer_text", *r.answer_text);
  return std::move(w).finish();
}

store::AuditEntry audit_entry(const RequestRecord& r) {
  store::AuditEntry e;
  e.ts_ms = r.ts_ms;
  e.request_id = valid_text(r.request_id);
  e.key_name = valid_text(r.key_name);
  e.team = valid_text(r.team);
  e.model = valid_text(r.model);
  e.target = valid_text(r.target);
  e.version = valid_text(r.version);
  e.status = r.status;
  e.prompt_tokens = r.prompt_tokens;
  e.completion_tokens = r.completion_tokens;
  e.cost_micro_usd = cost_micro_usd(r.cost_usd);
  e.body = audit_body(r);
  return e;
}

core::Result<std::unique_ptr<AuditLog>> AuditLog::open(const std::string& store_url, const AuditOptions& options) {
  auto store = store::Store::open(store_url, store::DbOptions{.durable = options.durable});
  if (!store) return store.error();
  return std::make_unique<AuditLog>(std::move(*store), options);
}

AuditLog::AuditLog(std::unique_ptr<store::Store> store, const AuditOptions& options)
    : store_(std::move(store)), options_(options) {
  options_.max_batch = std::max<size_t>(options_.max_batch, 1);
  thread_ = std::thread([this] { run(); });
}

AuditLog::~AuditLog() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void AuditLog::append(RequestRecord record, Done done) {
  Pending pending{std::move(record), std::move(done)};  // serialized by the writer, not on the caller's thread
  std::unique_lock lk(mu_);
  if (queue_.size() >= options_.max_pending) {
    lk.unlock();
    if (pending.done) {
      pending.done(core::Error::unavailable("audit trail: " + std::to_string(options_.max_pending) +
                                            " records are waiting for the store; refusing more"));
    }
    return;
  }
  // The writer sleeps only on an empty queue or, in a non-durable window, until a batch is full:
  // only those two moments need a wake-up, not every record.
  bool wake = queue_.empty() || queue_.size() + 1 == options_.max_batch;
  if (queue_.empty()) oldest_ = std::chrono::steady_clock::now();
  queue_.push_back(std::move(pending));
  ++enqueued_;
  lk.unlock();
  if (wake) wake_.notify_one();
}

void AuditLog::flush() {
  std::unique_lock lk(mu_);
  uint64_t target = enqueued_;
  if (finished_ >= target) return;
  flush_target_ = std::max(flush_target_, target);  // cuts a non-durable window short
  wake_.notify_one();
  committed_.wait(lk, [&] { return finished_ >= target; });
}

AuditStats AuditLog::stats() const {
  AuditStats s;
  s.records = records_.load();
  s.batches = batches_.load();
  s.failures = failures_.load();
  std::lock_guard lk(mu_);
  s.pending = queue_.size();
  return s;
}

bool AuditLog::next_batch(std::vector<store::AuditEntry>& entries, std::vector<Done>& dones) {
  if (taken_.empty()) {
    std::unique_lock lk(mu_);
    wake_.wait(lk, [&] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return false;
    // Durable: no deliberate delay; group commit comes from the records that pile up while the
    // previous transaction syncs. Non-durable: nothing waits on the disk, so gather a window's
    // worth into one transaction instead of committing a handful at a time.
    if (!options_.durable) {
      wake_.wait_until(lk, oldest_ + options_.window, [&] {
        return stop_ || queue_.size() >= options_.max_batch || flush_target_ > finished_;
      });
    }
    // Take the whole queue in O(1): request threads append under this lock, and the writer runs
    // below them in priority, so it must never hold the lock for long (priority inversion).
    taken_.swap(queue_);
  }
  size_t n = std::min(taken_.size(), options_.max_batch);
  entries.clear();
  dones.clear();
  for (size_t i = 0; i < n; ++i) {
    entries.push_back(audit_entry(taken_.front().record));
    dones.push_back(std::move(taken_.front().done));
    taken_.pop_front();
  }
  return true;
}

bool AuditLog::commit(const std::vector<store::AuditEntry>& entries, std::vector<Done>& dones) {
  auto head = store_->append_audit(entries);
  core::Status status = core::Ok{};
  if (head) {
    records_ += entries.size();
    ++batches_;
  } else {
    failures_ += entries.size();
    status = core::Error::unavailable("audit trail: the record was not written: " + head.error().message);
  }
  for (auto& done : dones) {
    if (done) done(status);
  }
  // Released now, before flush() can return: a completion may hold objects of its caller's
  // event loop (a timer), which must not outlive that loop at shutdown.
  dones.clear();
  {
    std::lock_guard lk(mu_);
    finished_ += entries.size();
  }
  committed_.notify_all();
  return head.ok();
}

void AuditLog::run() {
  using namespace std::chrono_literals;
  // Below the I/O threads: a big batch's inserts must not hold up requests on a busy core (they
  // showed as a 3 ms p99 with the writer at the same priority). Non-durable: nobody waits for
  // the writer, so it runs when the core is otherwise idle (SCHED_IDLE) -- until it falls
  // behind (more than one batch waiting), when it competes as a normal thread again so the
  // backlog stays bounded. Durable: requests wait for it, so it stays a normal thread, niced.
  if (options_.durable) ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10);
  bool idle_class = false;
  auto set_idle_class = [&](bool idle) {
    if (options_.durable || idle == idle_class) return;
    sched_param param{};
    ::sched_setscheduler(0, idle ? SCHED_IDLE : SCHED_OTHER, &param);  // 0 = the calling thread
    idle_class = idle;
  };
  set_idle_class(true);
  constexpr auto kMaxBackoff = 1000ms;
  std::vector<store::AuditEntry> entries;
  std::vector<Done> dones;
  auto backoff = 0ms;
  while (next_batch(entries, dones)) {
    set_idle_class(taken_.empty());
    if (commit(entries, dones)) {
      backoff = 0ms;
      continue;
    }
    // A failed batch is not retried (its callers already have the error); the next one starts
    // fresh. A store that is down would otherwise be hammered in a tight loop, so wait a little,
    // longer each time, unless we are draining for shutdown.
    backoff = std::min(kMaxBackoff, backoff == 0ms ? 10ms : backoff * 2);
    std::unique_lock lk(mu_);
    wake_.wait_for(lk, backoff, [&] { return stop_; });
  }
}

void AuditLog::render_metrics(std::string& out) const {
  auto s = stats();
  auto line = [&out](const char* name, const char* type, const char* help, uint64_t value) {
    core::metric_header(out, name, type, help);
    core::metric_sample(out, name, "", value);
  };
  line("switchyard_audit_records_total", "counter", "Audit records committed to the store.", s.records);
  line("switchyard_audit_commits_total", "counter", "Audit transactions committed (group commit: many records each).", s.batches);
  line("switchyard_audit_failures_total", "counter", "Audit records whose commit failed.", s.failures);
  line("switchyard_audit_pending", "gauge", "Audit records waiting for their commit.", s.pending);
}

}  // namespace sy::ops
