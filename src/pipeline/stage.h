#pragma once
// One step of the request path. A Stage is shared by every request: its config, validated once,
// and a factory that makes the small per-request Filter. The chain (pipeline/chain) calls each
// filter's hooks in the chain's order; each hook's obligation:
//
//   on_request  The request on its way in. `next` hands it on. `replied` means the answer went
//               into the answer path (a call was made, a cache entry replayed): the chain commits
//               it. An error ends the request with that error, in the client's format.
//   on_answer   Before any request hook: a stage that must see the answer (a cache recording it,
//               a guard scanning it) returns a sink that forwards to `next`; others return `next`.
//               The answer path runs from the last stage to the first, then to the client.
//   on_commit   A complete answer, before its last byte goes out. An error withholds the answer
//               (the client gets the error instead): a durable audit record that could not be kept.
//   on_end      However the request ended, once, in chain order: settle what is still open.
#include <concepts>
#include <memory>
#include <string_view>

#include "core/result.h"
#include "http/offload.h"
#include "pipeline/request_state.h"
#include "providers/provider.h"

namespace sy::pipeline {

enum class Verdict {
  next,     // go on to the next stage
  replied,  // the answer is in the answer path; the chain commits it
};

// The hooks a filter has: the chain calls no other (each call of a hook is a coroutine frame).
enum Hooks : unsigned { kRequest = 1, kAnswer = 2, kCommit = 4, kEnd = 8 };

class Filter {
 public:
  virtual ~Filter() = default;
  virtual unsigned hooks() const = 0;
  virtual http::awaitable<core::Result<Verdict>> on_request(RequestState&) { co_return Verdict::next; }
  virtual providers::ChunkSink& on_answer(RequestState&, providers::ChunkSink& next) { return next; }
  virtual http::awaitable<core::Status> on_commit(RequestState&) { co_return core::Ok{}; }
  virtual void on_end(RequestState&) {}
};

// A filter with per-request state is made per request and freed with it; one without any (it only
// reads its stage's config) may be shared by every request, and is not freed.
struct FilterRelease {
  bool owned = true;
  void operator()(Filter* f) const {
    if (owned) delete f;
  }
};
using FilterPtr = std::unique_ptr<Filter, FilterRelease>;

template <class F, class... Args>
FilterPtr own_filter(Args&&... args) {
  return FilterPtr(new F(std::forward<Args>(args)...), FilterRelease{true});
}
inline FilterPtr shared_filter(Filter& f) { return FilterPtr(&f, FilterRelease{false}); }

// The request hook of most admission stages: call the stage's `check(state)` (which reads its
// config and writes the state), go on when it passes. No per-request state: one for every request.
// A stage that also has `bool heavy(const RequestState&) const` has its check run on the offload
// pool for the requests it names (megabytes of body, thousands of messages), so the I/O thread
// goes on serving its other connections, a health check among them, meanwhile.
template <class S>
concept NamesHeavyRequests = requires(const S& stage, const RequestState& s) {
  { stage.heavy(s) } -> std::same_as<bool>;
};

template <class S>
class CheckFilter final : public Filter {
 public:
  explicit CheckFilter(const S& stage) : stage_(stage) {}
  unsigned hooks() const override { return kRequest; }
  http::awaitable<core::Result<Verdict>> on_request(RequestState& s) override {
    core::Status checked = core::Ok{};
    if constexpr (NamesHeavyRequests<S>) {
      if (stage_.heavy(s)) checked = co_await http::offload([this, &s] { return stage_.check(s); });
      else checked = stage_.check(s);
    } else {
      checked = stage_.check(s);
    }
    if (!checked) co_return checked.error();
    co_return Verdict::next;
  }

 private:
  const S& stage_;
};

class Stage {
 public:
  virtual ~Stage() = default;
  virtual std::string_view name() const = 0;
  // Whether it decides before any model is called: such stages also run in a dry run
  // (/v1/route/explain, count_tokens), where they must hold nothing and call nothing.
  virtual bool admission() const { return false; }
  // The per-request part; null when the stage has nothing to do for this request.
  virtual FilterPtr start(RequestState& state) const = 0;
};

}  // namespace sy::pipeline
