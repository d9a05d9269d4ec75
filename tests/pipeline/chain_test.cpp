// The chain's contract, with stages that only say what happened to them.
#include "pipeline/chain.h"

#include <gtest/gtest.h>

#include "support/run_sync.h"

namespace sy::pipeline {
namespace {

using Log = std::vector<std::string>;

class Recording final : public Stage {
 public:
  Recording(std::string name, Log& log, std::optional<core::Error> fail = {}, bool reply = false, bool admission = true)
      : name_(std::move(name)), log_(log), fail_(std::move(fail)), reply_(reply), admission_(admission) {}
  std::string_view name() const override { return name_; }
  bool admission() const override { return admission_; }
  FilterPtr start(RequestState&) const override { return own_filter<F>(*this); }

 private:
  struct F final : Filter {
    explicit F(const Recording& r) : r(r) {}
    unsigned hooks() const override { return kRequest | kCommit | kEnd; }
    http::awaitable<core::Result<Verdict>> on_request(RequestState&) override {
      r.log_.push_back(r.name_ + ".request");
      if (r.fail_) co_return *r.fail_;
      co_return r.reply_ ? Verdict::replied : Verdict::next;
    }
    http::awaitable<core::Status> on_commit(RequestState&) override {
      r.log_.push_back(r.name_ + ".commit");
      co_return core::Ok{};
    }
    void on_end(RequestState&) override { r.log_.push_back(r.name_ + ".end"); }
    const Recording& r;
  };
  std::string name_;
  Log& log_;
  std::optional<core::Error> fail_;
  bool reply_;
  bool admission_;
};

class Client final : public Responder {
 public:
  explicit Client(Log& log) : log_(log) {}
  http::awaitable<bool> on_chunk(core::ChatChunk) override { co_return true; }
  http::awaitable<void> finish(const core::Status& outcome) override {
    log_.push_back(outcome ? "finish:ok" : "finish:" + std::to_string(outcome.error().status));
    co_return;
  }
  bool started() const override { return false; }

 private:
  Log& log_;
};

TEST(Chain, AReplyIsCommittedThenFinishedThenEveryStageEnds) {
  Log log;
  Chain chain({std::make_shared<Recording>("a", log), std::make_shared<Recording>("b", log, std::nullopt, true),
               std::make_shared<Recording>("c", log)});
  RequestState s;
  Client client(log);
  sy::testing::run_sync(chain.run(s, client));
  EXPECT_EQ(log, (Log{"a.request", "b.request", "a.commit", "b.commit", "c.commit", "finish:ok", "a.end", "b.end", "c.end"}));
  EXPECT_EQ(s.record.status, 200);
}

TEST(Chain, AnErrorStopsTheRequestAndIsWhatTheClientGets) {
  Log log;
  Chain chain({std::make_shared<Recording>("a", log), std::make_shared<Recording>("b", log, core::Error::authentication("no"))});
  RequestState s;
  Client client(log);
  sy::testing::run_sync(chain.run(s, client));
  EXPECT_EQ(log, (Log{"a.request", "b.request", "finish:401", "a.end", "b.end"}));
}

TEST(Chain, NobodyAnsweringIsAnError) {
  Log log;
  Chain chain({std::make_shared<Recording>("a", log)});
  RequestState s;
  Client client(log);
  sy::testing::run_sync(chain.run(s, client));
  EXPECT_EQ(log, (Log{"a.request", "finish:500", "a.end"}));
}

TEST(Chain, ADryRunRunsOnlyTheAdmissionStages) {
  Log log;
  Chain chain({std::make_shared<Recording>("auth", log), std::make_shared<Recording>("call", log, std::nullopt, true, false)});
  RequestState s;
  auto admitted = sy::testing::run_sync(chain.dry_run(s));
  EXPECT_TRUE(admitted.ok());
  EXPECT_TRUE(s.dry_run);
  EXPECT_EQ(log, (Log{"auth.request", "auth.end"}));
}

}  // namespace
}  // namespace sy::pipeline
