#include "ops/audit_command.h"

#include <CLI/CLI.hpp>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>

#include "ops/audit_verify.h"
#include "ops/utc_time.h"

namespace sy::ops {
namespace {

namespace chr = std::chrono;

// A sqlite URL naming a file that does not exist would open a fresh, empty store, and verifying
// that says "ok: 0 records": a typo must not read as a clean audit.
core::Status check_sqlite_file(const std::string& url) {
  constexpr std::string_view kScheme = "sqlite:";
  if (url.rfind(kScheme, 0) != 0) return core::Ok{};
  std::string path = url.substr(kScheme.size());
  if (path == ":memory:" || std::filesystem::exists(path)) return core::Ok{};
  return core::Error::not_found("no store at '" + path + "'");
}

core::Result<std::unique_ptr<store::Store>> open_store(const AuditCommandOptions& opts) {
  auto url = opts.store.url();
  if (!url) return url.error();
  if (auto exists = check_sqlite_file(*url); !exists) return exists.error();
  return store::Store::open(*url);
}

int fail(const char* command, const std::string& message) {
  std::fprintf(stderr, "switchyard audit %s: %s\n", command, message.c_str());
  return 2;
}

// The stored content with the chain fields appended. The content's own bytes are kept as they are
// (not re-serialized), since they are what the hash covers.
core::Result<std::string> export_line(const store::AuditRow& row) {
  if (row.content.size() < 2 || row.content.front() != '{' || row.content.back() != '}') {
    return core::Error::internal("record " + std::to_string(row.seq) +
                                 ": stored content is not a JSON object (run audit verify)");
  }
  std::string line;
  line.reserve(row.content.size() + 160);
  line.append(row.content, 0, row.content.size() - 1);
  line += ",\"prev_hash\":\"";
  line += row.prev_hash;
  line += "\",\"hash\":\"";
  line += row.hash;
  line += "\"}\n";
  return line;
}

}  // namespace

core::Result<int64_t> export_audit(store::Store& store, int64_t since_ms, int64_t until_ms, std::ostream& out) {
  int64_t written = 0;
  std::optional<core::Error> failed;
  auto scanned = store.scan_audit_time(since_ms, until_ms, [&](const store::AuditRow& row) {
    auto line = export_line(row);
    if (!line) {
      failed = line.error();
      return false;
    }
    out << *line;
    ++written;
    return out.good();
  });
  if (!scanned) return scanned.error();
  if (failed) return *failed;
  if (!out.good()) return core::Error::internal("cannot write the export");
  return written;
}

AuditCommands add_audit_command(CLI::App& app, AuditCommandOptions& opts) {
  auto* audit = app.add_subcommand("audit", "Verify and export the audit trail");
  audit->require_subcommand(1);
  AuditCommands commands;
  commands.verify = audit->add_subcommand("verify", "Check the hash chain; name the first changed, removed or "
                                                    "reordered record");
  opts.store.add_to(*commands.verify);
  commands.exporter = audit->add_subcommand("export", "Write records as JSON lines, with their chain hashes");
  opts.store.add_to(*commands.exporter);
  commands.exporter->add_option("--since", opts.since, "From this time on (ISO-8601 UTC or Unix ms)");
  commands.exporter->add_option("--until", opts.until, "Before this time (ISO-8601 UTC or Unix ms); default now");
  commands.exporter->add_option("--out", opts.out, "Output file, or - for standard output")->capture_default_str();
  return commands;
}

int run_audit_verify(const AuditCommandOptions& opts) {
  auto store = open_store(opts);
  if (!store) return fail("verify", store.error().message);
  auto report = verify_audit(**store);
  if (!report) return fail("verify", report.error().message);
  if (const auto& p = report->first_problem) {
    std::string who = p->request_id.empty() ? "" : " (request " + p->request_id + ")";
    std::printf("audit verify: record %lld%s was %s: %s\n", static_cast<long long>(p->seq), who.c_str(),
                p->kind.c_str(), p->detail.c_str());
    return 1;
  }
  std::printf("ok: %lld records, chain head %s\n", static_cast<long long>(report->records), report->head_hash.c_str());
  return 0;
}

int run_audit_export(const AuditCommandOptions& opts) {
  int64_t since = 0;
  int64_t until = now_ms() + 1;
  if (!opts.since.empty()) {
    auto t = parse_utc_time(opts.since);
    if (!t) return fail("export", "--since: " + t.error().message);
    since = *t;
  }
  if (!opts.until.empty()) {
    auto t = parse_utc_time(opts.until);
    if (!t) return fail("export", "--until: " + t.error().message);
    until = *t;
  }
  auto store = open_store(opts);
  if (!store) return fail("export", store.error().message);
  std::ofstream file;
  if (opts.out != "-") {
    file.open(opts.out, std::ios::binary | std::ios::trunc);
    if (!file) return fail("export", "cannot write '" + opts.out + "'");
  }
  std::ostream& out = opts.out == "-" ? std::cout : file;
  auto written = export_audit(**store, since, until, out);
  out.flush();
  if (!written) return fail("export", written.error().message);
  if (!out.good()) return fail("export", "cannot write '" + opts.out + "'");
  std::fprintf(stderr, "switchyard audit export: %lld records\n", static_cast<long long>(*written));
  return 0;
}

}  // namespace sy::ops
