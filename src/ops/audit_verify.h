#pragma once
// Checks the audit chain the way an auditor would: every stored row, in seq order, against the
// hash chain and against itself, and the chain's end against the head. It names the first record
// where the stored trail stops being what was written:
//   changed    a record's content no longer matches its hash, or its indexed columns (what usage
//              and budgets read) no longer match its content, or it was rewritten with a fresh
//              hash (the next record is still chained to the old one)
//   removed    records are missing: a gap in seq, a chain that starts after record 1, or rows
//              gone from the end of the chain (the head says more were written)
//   reordered  a row sits at another seq than the one sealed into its content
// The gateway may append while the check runs: rows past the head read at the start are checked
// too, and the end of the chain is compared with the head read again after the scan.
#include <cstdint>
#include <optional>
#include <string>

#include "core/result.h"
#include "store/store.h"

namespace sy::ops {

struct AuditProblem {
  int64_t seq = 0;
  std::string request_id;  // "" when unknown (the record is gone or unreadable)
  std::string kind;        // changed | removed | reordered
  std::string detail;
};

struct VerifyReport {
  int64_t records = 0;                       // rows checked
  std::string head_hash;                     // hash of the last record checked (64 zeros: none)
  std::optional<AuditProblem> first_problem; // none = the chain is intact
};

// Errors are the store's (it could not be read); a tampered chain is a report with a problem.
core::Result<VerifyReport> verify_audit(store::Store& store);

}  // namespace sy::ops
