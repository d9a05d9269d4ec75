// Audit write throughput, side by side in one run: switchyard's writer (ops/AuditLog: one thread,
// group commit, every record queued during a commit goes into the next transaction) against the
// naive way, one transaction (and, durable, one fsync) per record. Both seal the same records into
// the same hash chain through the same store (src/store), on SQLite (a file in a temporary
// directory) and on PostgreSQL 15 (a real server this program starts, fsync on).
//
// Patterns (as the gateway uses the writer):
//   acked   durable: P producers, each waits for its record's commit before sending the next, as
//           the gateway acknowledges a request only once its record is on disk. The naive peer:
//           each producer commits its own record in its own transaction.
//   fire    P producers queue without waiting (a bounded number each outstanding), as the gateway
//           does when the audit is not durable (and, for comparison, durable too); the writer is
//           the limit. The naive peer: the same writer committing one record per transaction.
//           Throughput counts what was committed by the end of the run.
//
//   audit_write_bench [--duration 3] [--producers 1,8,64] [--fire-producers 8] [--backends sqlite,postgres]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "ops/audit_log.h"
#include "store/store.h"
#include "support/postgres_server.h"

namespace {

using Clock = std::chrono::steady_clock;
using sy::ops::AuditLog;
using sy::ops::AuditOptions;
using sy::ops::RequestRecord;

// Fire pattern: records outstanding at most, all producers together. Enough to keep a group-commit
// writer's batches full (and well under its max_pending, past which it refuses); the per-record
// writer takes one at a time, so a few keep it busy (and draining its queue at the end does not
// take minutes).
constexpr int kInFlightGroup = 32768;
constexpr int kInFlightPerRecord = 64;

struct Args {
  double duration_s = 3;
  std::vector<int> producers = {1, 8, 64};
  int fire_producers = 8;
  std::vector<std::string> backends = {"sqlite", "postgres"};
};

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, ',');) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

std::optional<Args> parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view k = argv[i];
    if (k == "--duration") {
      a.duration_s = std::atof(argv[i + 1]);
    } else if (k == "--producers") {
      a.producers.clear();
      for (const auto& p : split(argv[i + 1])) a.producers.push_back(std::atoi(p.c_str()));
    } else if (k == "--fire-producers") {
      a.fire_producers = std::atoi(argv[i + 1]);
    } else if (k == "--backends") {
      a.backends = split(argv[i + 1]);
    } else {
      return std::nullopt;
    }
  }
  if ((argc - 1) % 2 != 0 || a.duration_s <= 0) return std::nullopt;
  return a;
}

// A typical routed chat request's record (about 600 bytes sealed).
RequestRecord make_record(int producer, uint64_t n) {
  RequestRecord r;
  r.ts_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
  r.request_id = "req-" + std::to_string(producer) + "-" + std::to_string(n);
  r.key_name = "team-key-" + std::to_string(producer % 16);
  r.team = "retail-banking";
  r.method = "POST";
  r.path = "/v1/chat/completions";
  r.model = "auto";
  r.rule = "sensitive-local";
  r.reasons = {"privacy: iban found", "route: local only"};
  r.privacy = "local_only";
  r.kinds = {"iban", "email"};
  r.target = "faq-local";
  r.version = "2026-11-faq";
  r.role = "production";
  r.status = 200;
  r.attempts = 1;
  r.stream = n % 2 == 0;
  r.prompt_tokens = 412;
  r.completion_tokens = 96;
  r.cost_usd = 0.000514;
  r.latency_ms = 183.25;
  r.ttft_ms = 21.5;
  return r;
}

struct Cell {
  double records_per_s = 0;
  uint64_t records = 0;
  uint64_t errors = 0;
  uint64_t batches = 0;
  double p50_ms = -1, p99_ms = -1;  // acked: append to completion
};

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

Clock::time_point deadline_after(double seconds) {
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

void add_latencies(Cell& cell, std::vector<double>& ms) {
  if (ms.empty()) return;
  std::sort(ms.begin(), ms.end());
  cell.p50_ms = ms[ms.size() / 2];
  cell.p99_ms = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
}

// Runs `producer(index, deadline, latencies)` on P threads; returns the merged latencies.
template <class Producer>
std::vector<double> run_producers(int producers, Clock::time_point deadline, Producer producer) {
  std::vector<std::vector<double>> latencies(producers);
  std::vector<std::thread> threads;
  for (int p = 0; p < producers; ++p) threads.emplace_back([&, p] { producer(p, deadline, latencies[p]); });
  for (auto& t : threads) t.join();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  return all;
}

// Acked through the writer: append, wait for the completion, next.
Cell group_acked(AuditLog& log, int producers, double duration_s) {
  std::atomic<uint64_t> errors{0};
  auto start = Clock::now();
  auto deadline = deadline_after(duration_s);
  auto latencies = run_producers(producers, deadline, [&](int p, Clock::time_point end, std::vector<double>& lat) {
    std::mutex mu;
    std::condition_variable cv;
    for (uint64_t n = 0; Clock::now() < end; ++n) {
      bool done = false;
      auto sent = Clock::now();
      log.append(make_record(p, n), [&](sy::core::Status s) {
        if (!s) ++errors;
        std::lock_guard lk(mu);
        done = true;
        cv.notify_one();  // under the lock: the waiter's cv must outlive this call
      });
      std::unique_lock lk(mu);
      cv.wait(lk, [&] { return done; });
      lat.push_back(std::chrono::duration<double, std::milli>(Clock::now() - sent).count());
    }
  });
  Cell cell;
  double elapsed = seconds_since(start);
  auto stats = log.stats();
  cell.records = stats.records;
  cell.batches = stats.batches;
  cell.errors = errors;
  cell.records_per_s = static_cast<double>(cell.records) / elapsed;
  add_latencies(cell, latencies);
  return cell;
}

// Fire and forget through the writer: queue until the deadline, at most `in_flight_total`
// outstanding in all. Counts what was committed by the deadline, then lets the writer drain.
Cell fire(AuditLog& log, int producers, double duration_s, int in_flight_total) {
  const int in_flight = std::max(1, in_flight_total / producers);
  std::atomic<uint64_t> errors{0};
  auto start = Clock::now();
  auto deadline = deadline_after(duration_s);
  run_producers(producers, deadline, [&](int p, Clock::time_point end, std::vector<double>&) {
    auto outstanding = std::make_shared<std::atomic<int>>(0);
    for (uint64_t n = 0; Clock::now() < end; ++n) {
      // Sleep, not spin: the writer needs the cores more than a producer with nothing to do.
      while (outstanding->load() >= in_flight && Clock::now() < end) {
        std::this_thread::sleep_for(std::chrono::microseconds(50));
      }
      ++*outstanding;
      log.append(make_record(p, n), [outstanding, &errors](sy::core::Status s) {
        if (!s) ++errors;
        --*outstanding;
      });
    }
  });
  Cell cell;
  double elapsed = seconds_since(start);
  auto stats = log.stats();
  cell.records = stats.records;
  cell.batches = stats.batches;
  cell.records_per_s = static_cast<double>(cell.records) / elapsed;
  log.flush();
  cell.errors = errors;
  return cell;
}

// The naive acked peer: every producer seals its own record in its own transaction.
Cell naive_acked(sy::store::Store& store, int producers, double duration_s) {
  std::atomic<uint64_t> records{0}, errors{0};
  auto start = Clock::now();
  auto deadline = deadline_after(duration_s);
  auto latencies = run_producers(producers, deadline, [&](int p, Clock::time_point end, std::vector<double>& lat) {
    for (uint64_t n = 0; Clock::now() < end; ++n) {
      auto sent = Clock::now();
      std::vector<sy::store::AuditEntry> one{sy::ops::audit_entry(make_record(p, n))};
      if (store.append_audit(one)) ++records;
      else ++errors;
      lat.push_back(std::chrono::duration<double, std::milli>(Clock::now() - sent).count());
    }
  });
  Cell cell;
  cell.records = records;
  cell.batches = records;
  cell.errors = errors;
  cell.records_per_s = static_cast<double>(cell.records) / seconds_since(start);
  add_latencies(cell, latencies);
  return cell;
}

// A fresh, empty store per cell, so every cell starts a new chain on an empty table.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string fresh_url() = 0;
  virtual void release(const std::string& url) = 0;
};

class SqliteBackend : public Backend {
 public:
  SqliteBackend() : dir_(std::filesystem::temp_directory_path() / ("audit-write-bench-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(dir_);
  }
  ~SqliteBackend() override { std::filesystem::remove_all(dir_); }
  std::string fresh_url() override { return "sqlite:" + (dir_ / ("cell-" + std::to_string(n_++) + ".db")).string(); }
  void release(const std::string& url) override {
    std::string path = url.substr(7);
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }

 private:
  std::filesystem::path dir_;
  int n_ = 0;
};

class PostgresBackend : public Backend {
 public:
  explicit PostgresBackend(sy::testing::PostgresServer& pg) : pg_(pg) {}
  std::string fresh_url() override {
    std::string error;
    std::string url = pg_.create_database("cell_" + std::to_string(n_++), &error);
    if (url.empty()) std::fprintf(stderr, "%s\n", error.c_str());
    return url;
  }
  // Dropped (from the server's first database) so that one cell's data does not slow the next.
  void release(const std::string& url) override {
    auto admin = sy::store::Store::open(pg_.url());
    std::string name = url.substr(url.rfind('/') + 1);
    if (admin) (void)(*admin)->db().exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

 private:
  sy::testing::PostgresServer& pg_;
  int n_ = 0;
};

struct Row {
  std::string store, commit, pattern;
  int producers = 0;
  Cell ours, naive;
};

// One cell of each side, each on a fresh store.
std::optional<Row> measure(Backend& backend, const std::string& store_name, bool durable, bool fire, int producers,
                           double duration_s) {
  Row row{store_name, durable ? "durable" : "non-durable", fire ? "fire" : "acked", producers, {}, {}};
  AuditOptions opts;
  opts.durable = durable;
  {
    std::string url = backend.fresh_url();
    auto log = AuditLog::open(url, opts);
    if (!log) {
      std::fprintf(stderr, "%s: %s\n", store_name.c_str(), log.error().message.c_str());
      return std::nullopt;
    }
    row.ours = fire ? ::fire(**log, producers, duration_s, kInFlightGroup) : group_acked(**log, producers, duration_s);
    log->reset();
    backend.release(url);
  }
  {
    std::string url = backend.fresh_url();
    if (fire) {
      AuditOptions one = opts;
      one.max_batch = 1;
      auto log = AuditLog::open(url, one);
      if (!log) return std::nullopt;
      row.naive = ::fire(**log, producers, duration_s, kInFlightPerRecord);
    } else {
      auto store = sy::store::Store::open(url, sy::store::DbOptions{.durable = durable});
      if (!store) return std::nullopt;
      row.naive = naive_acked(**store, producers, duration_s);
    }
    backend.release(url);
  }
  return row;
}

std::string latency(const Cell& c) {
  if (c.p50_ms < 0) return "-";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.2f / %.2f", c.p50_ms, c.p99_ms);
  return buf;
}

void print_row(const Row& r) {
  double batch = r.ours.batches ? static_cast<double>(r.ours.records) / static_cast<double>(r.ours.batches) : 0;
  double ratio = r.naive.records_per_s > 0 ? r.ours.records_per_s / r.naive.records_per_s : 0;
  std::printf("| %-10s | %-11s | %-5s | %4d | %10.0f | %8.1f | %15s | %10.0f | %15s | %7.1fx |%s\n", r.store.c_str(),
              r.commit.c_str(), r.pattern.c_str(), r.producers, r.ours.records_per_s, batch, latency(r.ours).c_str(),
              r.naive.records_per_s, latency(r.naive).c_str(), ratio,
              r.ours.errors + r.naive.errors ? (" errors: " + std::to_string(r.ours.errors + r.naive.errors)).c_str()
                                             : "");
  std::fflush(stdout);
}

void run_backend(Backend& backend, const std::string& name, const Args& args) {
  for (int p : args.producers) {
    if (auto row = measure(backend, name, true, false, p, args.duration_s)) print_row(*row);
  }
  if (auto row = measure(backend, name, true, true, args.fire_producers, args.duration_s)) print_row(*row);
  for (int p : args.producers) {
    if (auto row = measure(backend, name, false, true, p, args.duration_s)) print_row(*row);
  }
}

}  // namespace

int main(int argc, char** argv) {
  auto args = parse_args(argc, argv);
  if (!args) {
    std::fprintf(stderr,
                 "usage: %s [--duration SECONDS] [--producers 1,8,64] [--fire-producers 8] "
                 "[--backends sqlite,postgres]\n",
                 argv[0]);
    return 2;
  }
  bool want_pg = std::find(args->backends.begin(), args->backends.end(), "postgres") != args->backends.end();
  bool want_sqlite = std::find(args->backends.begin(), args->backends.end(), "sqlite") != args->backends.end();

  // Started first, from the main thread (the server is told to stop when its starter exits).
  std::optional<sy::testing::PostgresServer> pg;
  if (want_pg) {
    pg.emplace();
    if (!pg->ok()) std::fprintf(stderr, "postgres: not measured: %s\n", pg->error().c_str());
  }

  std::printf("audit writes, %.1f s per cell; records/s by the wall clock; ack latency p50 / p99 in ms\n",
              args->duration_s);
  std::printf("group commit = switchyard's AuditLog; per record = one transaction per record\n\n");
  std::printf("| %-10s | %-11s | %-5s | %4s | %10s | %8s | %15s | %10s | %15s | %8s |\n", "store", "commit", "mode",
              "P", "group rec/s", "rec/txn", "group ack ms", "per-rec/s", "per-rec ack ms", "ratio");
  std::printf("|------------|-------------|-------|------|-------------|----------|-----------------|------------|"
              "-----------------|----------|\n");
  if (want_sqlite) {
    SqliteBackend sqlite;
    run_backend(sqlite, "sqlite", *args);
  }
  if (pg && pg->ok()) {
    PostgresBackend postgres(*pg);
    run_backend(postgres, "postgres", *args);
  }
  return 0;
}
