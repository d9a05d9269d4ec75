#include "ops/audit_verify.h"

#include <boost/json.hpp>
#include <cmath>

namespace sy::ops {
namespace {

namespace json = boost::json;

std::string range_text(int64_t first, int64_t last) {
  if (first == last) return "record " + std::to_string(first) + " is";
  return "records " + std::to_string(first) + ".." + std::to_string(last) + " are";
}

std::optional<int64_t> integer_field(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  boost::system::error_code ec;
  auto n = v->to_number<int64_t>(ec);
  if (ec) return std::nullopt;
  return n;
}

std::string text_field(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

// What an indexed column says that its record's content does not; "" when they agree. Usage and
// budgets read the columns, so a column edited behind the content's back is tampering too.
std::string column_mismatch(const store::AuditEntry& col, const json::object& content) {
  const std::pair<const char*, const std::string*> texts[] = {
      {"request_id", &col.request_id}, {"key", &col.key_name}, {"team", &col.team},
      {"model", &col.model},           {"target", &col.target}, {"version", &col.version}};
  for (const auto& [field, value] : texts) {
    if (auto said = text_field(content, field); said != *value) {
      return std::string("its indexed column ") + field + " is '" + *value + "' but its content says '" + said + "'";
    }
  }
  std::optional<int64_t> cost;
  if (const json::value* v = content.if_contains("cost_usd"); v != nullptr && v->is_number()) {
    cost = std::llround(v->to_number<double>() * 1e6);
  }
  const std::tuple<const char*, const char*, int64_t, std::optional<int64_t>> numbers[] = {
      {"ts_ms", "ts", col.ts_ms, integer_field(content, "ts")},
      {"status", "status", col.status, integer_field(content, "status")},
      {"prompt_tokens", "prompt_tokens", col.prompt_tokens, integer_field(content, "prompt_tokens")},
      {"completion_tokens", "completion_tokens", col.completion_tokens, integer_field(content, "completion_tokens")},
      {"cost_micro_usd", "cost_usd", col.cost_micro_usd, cost}};
  for (const auto& [column, field, value, said] : numbers) {
    if (said != value) {
      return std::string("its indexed column ") + column + " is " + std::to_string(value) + " but its content " +
             (said ? "says " + std::to_string(*said) : std::string("has no number for ") + field);
    }
  }
  return {};
}

// One pass over the rows in seq order. Each check runs only once the ones before it passed, in an
// order that names each kind of tampering for what it is: a gap is a removal even though the next
// row's link breaks too; a moved row is reordered even though its link breaks; a row edited in
// place is changed at its own seq; a row rewritten with a fresh hash shows only in the next link.
class ChainWalk {
 public:
  bool visit(const store::AuditRow& row) {
    problem_ = check(row);
    if (problem_) return false;
    ++records_;
    last_seq_ = row.seq;
    last_hash_ = row.hash;
    last_request_id_ = row.entry.request_id;
    return true;
  }

  // After the scan: the chain must reach the head read before it (rows cannot vanish from the
  // end unnoticed) and must not run past the head read after it (nothing is stored that the head
  // does not cover).
  void finish(const store::AuditHead& before, const store::AuditHead& after) {
    if (problem_) return;
    if (last_seq_ < before.seq) {
      std::string detail = range_text(last_seq_ + 1, before.seq) + " missing from the end of the chain (the head " +
                           "says " + std::to_string(before.seq) + " were written)";
      problem_ = AuditProblem{last_seq_ + 1, "", "removed", std::move(detail)};
    } else if (last_seq_ > after.seq) {
      problem_ = AuditProblem{after.seq + 1, "", "changed",
                              range_text(after.seq + 1, last_seq_) + " past the chain head (record " +
                                  std::to_string(after.seq) + "): the head was moved back, or rows were added "
                                  "outside the writer"};
    } else {
      const store::AuditHead* at = last_seq_ == before.seq ? &before : last_seq_ == after.seq ? &after : nullptr;
      if (at != nullptr && at->seq > 0 && at->hash != last_hash_) {
        problem_ = AuditProblem{last_seq_, last_request_id_, "changed",
                                "its hash is " + last_hash_ + " but the chain head says " + at->hash +
                                    ": it was replaced or rewritten with a new hash"};
      }
    }
  }

  VerifyReport report() && { return VerifyReport{records_, last_hash_, std::move(problem_)}; }

 private:
  std::optional<AuditProblem> check(const store::AuditRow& row) const {
    const int64_t expected = last_seq_ + 1;
    if (row.seq != expected) {
      std::string detail = range_text(expected, row.seq - 1) + " missing: the chain goes from " +
                           (last_seq_ == 0 ? std::string("its start") : "record " + std::to_string(last_seq_)) +
                           " to record " + std::to_string(row.seq);
      return AuditProblem{expected, "", "removed", std::move(detail)};
    }
    boost::system::error_code ec;
    json::value parsed = json::parse(row.content, ec);
    const json::object* content = ec ? nullptr : parsed.if_object();
    if (content == nullptr) {
      return AuditProblem{row.seq, row.entry.request_id, "changed", "its content is not a JSON object"};
    }
    std::string request_id = text_field(*content, "request_id");
    auto sealed_seq = integer_field(*content, "seq");
    if (!sealed_seq) return AuditProblem{row.seq, request_id, "changed", "its content has no seq"};
    if (*sealed_seq != row.seq) {
      return AuditProblem{row.seq, request_id, "reordered",
                          "the row at seq " + std::to_string(row.seq) + " holds the content sealed as record " +
                              std::to_string(*sealed_seq)};
    }
    if (row.hash != store::chain_hash(row.prev_hash, row.content)) {
      return AuditProblem{row.seq, request_id, "changed", "its content does not match its hash " + row.hash};
    }
    if (auto mismatch = column_mismatch(row.entry, *content); !mismatch.empty()) {
      return AuditProblem{row.seq, request_id, "changed", std::move(mismatch)};
    }
    if (row.prev_hash != last_hash_) {
      // The row itself is intact, so what it was chained to is not what is stored before it.
      if (last_seq_ == 0) {
        return AuditProblem{row.seq, request_id, "changed",
                            "it is chained to " + row.prev_hash + ", not to the start of the chain: it was rewritten"};
      }
      return AuditProblem{last_seq_, last_request_id_, "changed",
                          "record " + std::to_string(row.seq) + " was chained to hash " + row.prev_hash +
                              " but record " + std::to_string(last_seq_) + " now hashes to " + last_hash_ +
                              ": it was replaced or rewritten with a new hash"};
    }
    return std::nullopt;
  }

  int64_t records_ = 0;
  int64_t last_seq_ = 0;
  std::string last_hash_ = store::genesis_hash();
  std::string last_request_id_;
  std::optional<AuditProblem> problem_;
};

}  // namespace

core::Result<VerifyReport> verify_audit(store::Store& store) {
  auto before = store.audit_head();
  if (!before) return before.error();
  ChainWalk walk;
  auto scanned = store.scan_audit(1, [&](const store::AuditRow& row) { return walk.visit(row); });
  if (!scanned) return scanned.error();
  auto after = store.audit_head();
  if (!after) return after.error();
  walk.finish(*before, *after);
  return std::move(walk).report();
}

}  // namespace sy::ops
