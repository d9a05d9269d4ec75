#pragma once
// What the Store's files share: error wording, the clock, and a write transaction that rolls
// back unless committed. Not part of the store's interface.
#include <chrono>
#include <cstdint>
#include <string>

#include "core/result.h"
#include "store/db.h"

namespace sy::store::detail {

inline int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// A backend failure, prefixed with the Store operation it broke ("store add_version: sqlite
// step: ..."). The status (503, or 500 for a statement the code got wrong) is kept.
inline core::Error failed(const char* op, core::Error e) {
  e.message = std::string("store ") + op + ": " + e.message;
  return e;
}

inline core::Error conflict(std::string message) {
  return core::Error{409, "conflict", std::move(message), {}, "conflict", {}, 0};
}

// begin_write() now, rollback() at scope exit unless commit() succeeded.
class WriteTx {
 public:
  explicit WriteTx(Db& db) : db_(db) {}
  WriteTx(const WriteTx&) = delete;
  WriteTx& operator=(const WriteTx&) = delete;
  ~WriteTx() {
    if (open_) db_.rollback();
  }

  core::Status begin() {
    auto s = db_.begin_write();
    open_ = s.ok();
    return s;
  }
  core::Status commit() {
    auto s = db_.commit();
    if (s) open_ = false;  // on failure the destructor rolls back
    return s;
  }

 private:
  Db& db_;
  bool open_ = false;
};

}  // namespace sy::store::detail
