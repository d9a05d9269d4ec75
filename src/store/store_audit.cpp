// Store: the audit chain. Each record's hash covers the previous record's hash and its own
// content, so changing, dropping or reordering any stored row breaks every link after it.
#include <openssl/evp.h>

#include <array>
#include <memory>
#include <string>

#include "store/store.h"
#include "store/store_internal.h"

namespace sy::store {

using detail::failed;

namespace {

constexpr const char* row_columns =
    "seq, ts_ms, request_id, key_name, team, model, target, version, status, prompt_tokens, completion_tokens, "
    "cost_micro_usd, content, prev_hash, hash";
constexpr size_t columns_per_row = 15;
// Rows per INSERT statement at most: one round trip for many rows matters for PostgreSQL. Batches
// are cut into powers of two (64, 32, ..., 1) so that only seven statement texts exist (and stay
// prepared in SQLite's cache).
constexpr size_t max_rows_per_insert = 64;
constexpr size_t scan_page = 512;

const std::string& insert_sql(size_t rows) {
  static const auto texts = [] {
    std::array<std::string, 7> out;
    for (size_t k = 0; k < out.size(); ++k) {
      size_t n = size_t{1} << k;
      std::string sql = std::string("INSERT INTO audit (") + row_columns + ") VALUES ";
      for (size_t r = 0; r < n; ++r) {
        sql += r ? ", (" : "(";
        for (size_t c = 0; c < columns_per_row; ++c) {
          sql += (c ? ", $" : "$") + std::to_string(r * columns_per_row + c + 1);
        }
        sql += ")";
      }
      out[k] = std::move(sql);
    }
    return out;
  }();
  size_t k = 0;
  while ((size_t{1} << (k + 1)) <= rows) ++k;
  return texts[k];
}

// {"seq":N, + the body's fields }. The body is a JSON object text; "{}" (or "") gives {"seq":N}.
// Built in one allocation: the writer seals every record of every batch.
core::Result<std::string> seal(int64_t seq, const std::string& body) {
  if (!body.empty() && (body.front() != '{' || body.back() != '}'))
    return core::Error::invalid_request("audit record body must be a JSON object");
  std::string out;
  out.reserve(body.size() + 32);
  out += "{\"seq\":";
  out += std::to_string(seq);
  bool no_fields = body.empty() || body.find_first_not_of(" \t\r\n", 1) == body.size() - 1;
  if (no_fields) {
    out += '}';
  } else {
    out += ',';
    out.append(body, 1);
  }
  return out;
}

AuditRow to_audit_row(const Row& r) {
  AuditRow a;
  a.seq = r.integer(0);
  a.entry.ts_ms = r.integer(1);
  a.entry.request_id = r.text(2);
  a.entry.key_name = r.text(3);
  a.entry.team = r.text(4);
  a.entry.model = r.text(5);
  a.entry.target = r.text(6);
  a.entry.version = r.text(7);
  a.entry.status = static_cast<int>(r.integer(8));
  a.entry.prompt_tokens = r.integer(9);
  a.entry.completion_tokens = r.integer(10);
  a.entry.cost_micro_usd = r.integer(11);
  a.content = r.text(12);
  a.prev_hash = r.text(13);
  a.hash = r.text(14);
  return a;
}

struct FreeMdCtx {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

}  // namespace

std::string genesis_hash() { return std::string(64, '0'); }

std::string chain_hash(const std::string& prev_hash_hex, const std::string& content) {
  std::unique_ptr<EVP_MD_CTX, FreeMdCtx> ctx(EVP_MD_CTX_new());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  // Cannot fail for SHA-256 short of memory exhaustion; an empty hash would then break the chain
  // visibly rather than silently.
  // Fetched once: OpenSSL 3 would otherwise look the algorithm up on every init.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (!ctx || !sha256 || !EVP_DigestInit_ex(ctx.get(), sha256, nullptr) ||
      !EVP_DigestUpdate(ctx.get(), prev_hash_hex.data(), prev_hash_hex.size()) ||
      !EVP_DigestUpdate(ctx.get(), "\n", 1) || !EVP_DigestUpdate(ctx.get(), content.data(), content.size()) ||
      !EVP_DigestFinal_ex(ctx.get(), digest, &len))
    return {};
  static constexpr char hex[] = "0123456789abcdef";
  std::string out(len * 2, '0');
  for (unsigned int i = 0; i < len; ++i) {
    out[2 * i] = hex[digest[i] >> 4];
    out[2 * i + 1] = hex[digest[i] & 0xf];
  }
  return out;
}

core::Result<AuditHead> Store::audit_head() {
  std::lock_guard lock(mu_);
  auto rows = db_->query("SELECT seq, hash FROM audit_head WHERE id = 1");
  if (!rows) return failed("audit_head", rows.error());
  if (rows->empty()) return failed("audit_head", core::Error::unavailable("the audit_head row is missing"));
  return AuditHead{rows->front().integer(0), rows->front().text(1)};
}

core::Result<AuditHead> Store::append_audit(const std::vector<AuditEntry>& entries) {
  if (entries.empty()) return audit_head();
  std::lock_guard lock(mu_);
  Db& db = *db_;
  detail::WriteTx tx(db);
  if (auto s = tx.begin(); !s) return failed("append_audit", s.error());
  // Read under the write lock: no other connection or process can move the head until we commit.
  auto head_rows = db.query("SELECT seq, hash FROM audit_head WHERE id = 1");
  if (!head_rows) return failed("append_audit", head_rows.error());
  if (head_rows->empty()) return failed("append_audit", core::Error::unavailable("the audit_head row is missing"));
  AuditHead head{head_rows->front().integer(0), head_rows->front().text(1)};

  std::vector<Value> params;
  for (size_t done = 0; done < entries.size();) {
    size_t rows = max_rows_per_insert;
    while (rows > entries.size() - done) rows /= 2;
    params.clear();
    params.reserve(rows * columns_per_row);
    for (size_t i = done; i < done + rows; ++i) {
      const AuditEntry& e = entries[i];
      int64_t seq = head.seq + 1;
      auto content = seal(seq, e.body);
      if (!content) return content.error();
      std::string hash = chain_hash(head.hash, *content);
      // One by one, not as an initializer list, whose elements would be copied, content included.
      params.emplace_back(seq);
      params.emplace_back(e.ts_ms);
      for (const std::string* text : {&e.request_id, &e.key_name, &e.team, &e.model, &e.target, &e.version})
        params.emplace_back(*text);
      for (int64_t n : {int64_t{e.status}, e.prompt_tokens, e.completion_tokens, e.cost_micro_usd})
        params.emplace_back(n);
      params.emplace_back(std::move(*content));
      params.emplace_back(std::move(head.hash));
      params.emplace_back(hash);
      head = AuditHead{seq, std::move(hash)};
    }
    if (auto s = db.exec(insert_sql(rows), params); !s) return failed("append_audit", s.error());
    done += rows;
  }
  const Value move_head[] = {head.seq, head.hash};
  if (auto s = db.exec("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1", move_head); !s)
    return failed("append_audit", s.error());
  if (auto s = tx.commit(); !s) return failed("append_audit", s.error());
  return head;
}

namespace {

// Pages through `sql` (whose last parameter is the first seq to read, and which orders by seq
// with LIMIT scan_page), holding the Store's lock only while a page is read.
core::Status scan_pages(std::mutex& mu, Db& db, const char* op, const std::string& sql, std::vector<Value> params,
                        const std::function<bool(const AuditRow&)>& visit) {
  for (;;) {
    std::vector<Row> rows;
    {
      std::lock_guard lock(mu);
      auto page = db.query(sql, params);
      if (!page) return failed(op, page.error());
      rows = std::move(*page);
    }
    for (const auto& r : rows) {
      if (!visit(to_audit_row(r))) return core::Ok{};
    }
    if (rows.size() < scan_page) return core::Ok{};
    params.back() = rows.back().integer(0) + 1;
  }
}

}  // namespace

core::Status Store::scan_audit(int64_t from_seq, const std::function<bool(const AuditRow&)>& visit) {
  std::string sql = std::string("SELECT ") + row_columns + " FROM audit WHERE seq >= $1 ORDER BY seq LIMIT " +
                    std::to_string(scan_page);
  return scan_pages(mu_, *db_, "scan_audit", sql, {from_seq}, visit);
}

core::Status Store::scan_audit_time(int64_t since_ms, int64_t until_ms,
                                    const std::function<bool(const AuditRow&)>& visit) {
  std::string sql = std::string("SELECT ") + row_columns +
                    " FROM audit WHERE ts_ms >= $1 AND ts_ms < $2 AND seq >= $3 ORDER BY seq LIMIT " +
                    std::to_string(scan_page);
  return scan_pages(mu_, *db_, "scan_audit_time", sql, {since_ms, until_ms, int64_t{0}}, visit);
}

}  // namespace sy::store
