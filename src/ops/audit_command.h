#pragma once
// `switchyard audit verify|export`: the audit trail for auditors, from the command line.
//
//   switchyard audit verify --config FILE
//     Checks the whole chain (ops/audit_verify). Prints "ok: N records, chain head HASH" and exits
//     0, or names the first record that was changed, removed or reordered and exits 1.
//   switchyard audit export --config FILE [--since T] [--until T] [--out FILE|-]
//     One JSON line per record with since <= ts < until, in seq order: the stored content (the
//     exact bytes the chain hashes) with ,"prev_hash":"…","hash":"…" appended before its closing
//     brace. Taking those two fields off the end of a line gives the content back, so an auditor
//     can recompute every hash of the slice: sha256(prev_hash + "\n" + content).
//     T is ISO-8601 UTC (2026-11-22, 2026-11-22T08:00:00Z, ...T08:00:00.250Z) or Unix milliseconds;
//     since defaults to the beginning, until to now.
//
// `--store URL` may stand in for `--config` (scripts, tests). Exit 2 on usage, config or store
// errors.
#include <cstdint>
#include <iosfwd>
#include <string>

#include "core/result.h"
#include "ops/store_option.h"
#include "store/store.h"

namespace CLI {
class App;
}

namespace sy::ops {

struct AuditCommandOptions {
  StoreOption store;
  std::string since;
  std::string until;
  std::string out = "-";
};

struct AuditCommands {
  CLI::App* verify = nullptr;
  CLI::App* exporter = nullptr;
};

// Adds `audit` with `verify` and `export` to the app; main asks which one was parsed.
AuditCommands add_audit_command(CLI::App& app, AuditCommandOptions& opts);

int run_audit_verify(const AuditCommandOptions& opts);
int run_audit_export(const AuditCommandOptions& opts);

// Writes the export lines for since_ms <= ts < until_ms; returns the number of records written.
core::Result<int64_t> export_audit(store::Store& store, int64_t since_ms, int64_t until_ms, std::ostream& out);

}  // namespace sy::ops
