#pragma once
// What switchyard keeps: the model registry (versions, aliases and their history), the audit
// chain, and the usage that budgets and /admin/usage read. One implementation over store::Db;
// open() applies the versioned schema migrations (tracked in schema_migrations) before anything
// else. A Store is one connection guarded by a mutex: safe from any thread, one call at a time.
// Open a second Store for a writer that must not wait behind others (the audit writer does).
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/db.h"

namespace sy::store {

struct ModelVersion {
  std::string model;           // the name clients send
  std::string version;         // "v1", "2025-08-faq", ...
  std::string path;            // local models: the GGUF file
  std::string upstream_model;  // remote models: the provider's model name
  std::string sha256;          // of the file, for local models
  std::string parameters;      // JSON object text (sampling defaults, context, ...); "" = none
  std::string quantization;    // "F32", "Q4_K_M", ...
  std::string notes;
  std::string eval;            // JSON object text of evaluation results; "" = none
  std::string author;
  int64_t created_ms = 0;      // Unix ms; set by add_version when 0
  std::string state = "active";  // active | retired
  int64_t retired_ms = 0;
  std::string state_author;    // who last changed the state; "" = never changed
};

// An alias names a version of a model: production, canary, staging, shadow, or any name.
// `percent` is the share of traffic for canary and shadow (0..100); 100 for the others.
struct Alias {
  std::string model;
  std::string alias;
  std::string version;
  double percent = 100;
  std::string author;
  int64_t updated_ms = 0;
};

// One entry of an alias's history: set_alias (version set) or remove_alias (version nullopt).
struct AliasChange {
  int64_t id = 0;         // increasing across all aliases
  std::string model;
  std::string alias;
  std::optional<std::string> version;
  double percent = 0;
  std::string author;
  int64_t ts_ms = 0;
};

struct RegistryState {
  std::vector<ModelVersion> versions;  // by model, then creation
  std::vector<Alias> aliases;
  int64_t generation = 0;              // bumped by every registry change

  const ModelVersion* find_version(const std::string& model, const std::string& version) const {
    for (const auto& v : versions) {
      if (v.model == model && v.version == version) return &v;
    }
    return nullptr;
  }
  const Alias* find_alias(const std::string& model, const std::string& alias) const {
    for (const auto& a : aliases) {
      if (a.model == model && a.alias == alias) return &a;
    }
    return nullptr;
  }
};

// One audit record before it is sealed into the chain. `body` is the record as a canonical JSON
// object (ops/audit builds it); the indexed columns repeat some of its fields for queries.
struct AuditEntry {
  int64_t ts_ms = 0;
  std::string request_id;
  std::string key_name;
  std::string team;
  std::string model;      // the model (or route) the client asked for
  std::string target;     // the model that answered; "" = none
  std::string version;    // its version; "" = none
  int status = 0;
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t cost_micro_usd = 0;
  std::string body;       // canonical JSON object text, without "seq"
};

// A sealed record as stored. content = {"seq":N, ...body's fields}; hash = chain_hash(prev_hash, content).
struct AuditRow {
  int64_t seq = 0;
  AuditEntry entry;       // the indexed columns (entry.body is empty here)
  std::string content;
  std::string prev_hash;  // hex; 64 zeros before the first record
  std::string hash;       // hex
};

struct AuditHead {
  int64_t seq = 0;        // 0 = empty chain
  std::string hash;       // hex of the last record; 64 zeros when empty
};

// SHA-256 (hex) of prev_hash_hex + "\n" + content: what links each record to the one before.
std::string chain_hash(const std::string& prev_hash_hex, const std::string& content);
std::string genesis_hash();  // 64 zeros

// A client's rating of one of its answers: score -1..1 (a 1..5 rating is mapped onto it).
struct Feedback {
  std::string request_id;
  std::string key_name;
  std::string model;
  std::string target;
  std::string version;
  double score = 0;
  std::string comment;    // already redacted
  int64_t ts_ms = 0;
};

// An API key kept in the store (`switchyard keys ...`). The secret itself is never stored: only
// SHA-256(salt || secret) with a random salt per key, and its first characters (`prefix`, not
// secret: too short to guess the rest from) to find the row and to list keys by.
struct StoredKey {
  std::string name;
  std::string prefix;          // "sk-sy-" and the secret's next 8 characters
  std::string salt;            // hex, 16 random bytes
  std::string hash;            // hex SHA-256 of the salt's bytes followed by the secret
  std::string role = "user";   // user | viewer | auditor | operator | admin
  std::string team;
  std::vector<std::string> models{"*"};
  int64_t requests_per_minute = 0;  // 0 = no limit
  int64_t tokens_per_minute = 0;
  double usd_per_month = 0;
  int64_t expires_ms = 0;      // 0 = never
  int64_t created_ms = 0;
  std::string created_by;
  int64_t updated_ms = 0;      // the last create, rotate or revoke
  int64_t revoked_ms = 0;      // 0 = active
  std::string revoked_by;
  bool revoked() const { return revoked_ms != 0; }
};

struct UsageRow {
  std::string group;      // the value of the grouping column (key, team, model, version or day)
  int64_t requests = 0;
  int64_t errors = 0;     // status >= 400
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t cost_micro_usd = 0;
};

enum class UsageGroup { key, team, model, target, version, day };

class Store {
 public:
  static core::Result<std::unique_ptr<Store>> open(const std::string& url, const DbOptions& options = {});
  // Wraps a connection as it is; open() also migrates it.
  explicit Store(std::unique_ptr<Db> db);
  // Applies the migrations this build knows that the database lacks (each once, under the write
  // lock, so replicas starting together do not race). A database migrated by a newer build is
  // accepted: migrations only add.
  core::Status migrate();
  std::string_view dialect() const { return db_->dialect(); }
  int schema_version();

  // --- registry ---
  core::Result<int64_t> generation();
  core::Result<RegistryState> load_registry();
  // Errors: the version exists already (409), bad input (400).
  core::Status add_version(ModelVersion v);
  // Points an alias at a version (which must exist and be active), recording the change in the
  // alias history. percent is kept for canary/shadow.
  core::Status set_alias(const std::string& model, const std::string& alias, const std::string& version,
                         double percent, const std::string& author);
  core::Status remove_alias(const std::string& model, const std::string& alias, const std::string& author);
  // The version `alias` pointed to before its current one (for rollback); nullopt if none.
  // Rollbacks walk back: the history is read as a stack of versions where pointing the alias
  // back at the version under the top pops the top (that is what a rollback does), so
  // v1 → v2 → v3, rollback (v2), rollback (v1), and then nothing; v1 → v2, rollback (v1) leaves
  // nothing to roll back to rather than bouncing to v2. Re-setting the current version (a percent
  // change) and removals do not move the stack.
  core::Result<std::optional<std::string>> previous_alias_version(const std::string& model, const std::string& alias);
  // active | retired. Retiring a version an alias points to is refused (409): move the alias first.
  core::Status set_version_state(const std::string& model, const std::string& version, const std::string& state,
                                 const std::string& author);
  // Replaces the version's evaluation results (JSON object text; ops/eval_results reads and
  // writes it). Bumps the generation, so a server's registry view shows the new results.
  core::Status set_version_eval(const std::string& model, const std::string& version, const std::string& eval_json);
  // Every change of the alias, oldest first.
  core::Result<std::vector<AliasChange>> alias_history(const std::string& model, const std::string& alias);

  // --- audit ---
  core::Result<AuditHead> audit_head();
  // Seals and appends in one write transaction: reads the head, gives each entry the next seq,
  // links it, inserts, moves the head. All or nothing.
  core::Result<AuditHead> append_audit(const std::vector<AuditEntry>& entries);
  // Every stored row in seq order from `from_seq`; `visit` returning false stops. Rows are read
  // a page at a time and `visit` runs without the Store's lock held, so it may call the Store.
  core::Status scan_audit(int64_t from_seq, const std::function<bool(const AuditRow&)>& visit);
  // Rows with since_ms <= ts_ms < until_ms, in seq order.
  core::Status scan_audit_time(int64_t since_ms, int64_t until_ms, const std::function<bool(const AuditRow&)>& visit);
  // The indexed columns of `request_id`'s record (body empty); none when it is not stored (yet).
  core::Result<std::optional<AuditEntry>> find_audit(const std::string& request_id);

  // --- feedback ---
  // One per request: a second rating of the same request replaces the first.
  core::Status put_feedback(const Feedback& f);
  core::Result<std::optional<Feedback>> feedback(const std::string& request_id);
  // How a version's answers were rated: the count and mean score of its feedback since `since_ms`.
  struct FeedbackStats {
    int64_t count = 0;
    double mean = 0;
  };
  core::Result<FeedbackStats> feedback_stats(const std::string& target, const std::string& version, int64_t since_ms = 0);

  // --- API keys ---
  // Every change bumps the keys' generation (meta.keys_generation), so a server that polls it
  // sees a change with one cheap read and reloads the keys only then.
  core::Result<int64_t> keys_generation();
  core::Result<std::vector<StoredKey>> list_keys();  // by name, revoked ones included
  // Errors: a key of that name exists, even revoked (409); bad input (400).
  core::Status create_key(const StoredKey& key);
  // A new secret for an active key (the old one stops working). 404 unknown, 409 revoked.
  core::Status rotate_key(const std::string& name, const std::string& prefix, const std::string& salt,
                          const std::string& hash, int64_t now_ms);
  // 404 unknown, 409 revoked already.
  core::Status revoke_key(const std::string& name, const std::string& author, int64_t now_ms);

  // --- usage (from the audit rows) ---
  core::Result<std::vector<UsageRow>> usage(UsageGroup by, int64_t since_ms, int64_t until_ms,
                                            const std::string& key_name = {}, const std::string& team = {});
  // Cost spent since `since_ms` per key name and per team (for budgets after a restart).
  core::Result<std::vector<std::pair<std::string, int64_t>>> spend_by_key(int64_t since_ms);
  core::Result<std::vector<std::pair<std::string, int64_t>>> spend_by_team(int64_t since_ms);

  Db& db() { return *db_; }  // for tests that tamper with rows

 private:
  std::mutex mu_;
  std::unique_ptr<Db> db_;
};

}  // namespace sy::store
