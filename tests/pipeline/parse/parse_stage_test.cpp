// The parse stage reads a body of megabytes on the offload pool, not on the I/O thread, and frees
// the body's bytes once they are read; a small body is read where the request runs.
#include "pipeline/parse/parse_stage.h"

#include <gtest/gtest.h>

#include <thread>

#include "pipeline/privacy_scan/privacy_scan_stage.h"
#include "support/run_sync.h"

namespace sy::pipeline {
namespace {

// Both stages whose checks can take long say which requests are heavy, so their filter offloads.
static_assert(NamesHeavyRequests<ParseStage>);
static_assert(NamesHeavyRequests<PrivacyScanStage>);

class RecordingParser final : public BodyParser {
 public:
  core::Status parse(std::string_view body, RequestState& state) const override {
    thread = std::this_thread::get_id();
    bytes = body.size();
    state.chat.model = "m@v2";
    return core::Ok{};
  }
  mutable std::thread::id thread;
  mutable size_t bytes = 0;
};

struct Parsed {
  std::thread::id parsed_on;
  std::thread::id ran_on;
  size_t bytes_read = 0;
  size_t body_left = 0;
  std::string model, pinned;
};

Parsed parse_body_of(size_t size) {
  ParseStage stage;
  RecordingParser parser;
  http::Request request;
  request.body() = std::string(size, 'x');
  RequestState s;
  s.http = &request;
  s.parser = &parser;
  auto filter = stage.start(s);
  Parsed out;
  sy::testing::run_sync([&]() -> http::awaitable<void> {
    out.ran_on = std::this_thread::get_id();
    auto verdict = co_await filter->on_request(s);
    EXPECT_TRUE(verdict);
  }());
  out.parsed_on = parser.thread;
  out.bytes_read = parser.bytes;
  out.body_left = request.body().size();
  out.model = s.chat.model;
  out.pinned = s.pinned;
  return out;
}

TEST(ParseStage, AMegabytesBodyIsReadOnTheOffloadPoolAndFreedAfter) {
  auto p = parse_body_of(http::kOffloadBodyBytes + 1);
  EXPECT_NE(p.parsed_on, p.ran_on);
  EXPECT_EQ(p.bytes_read, http::kOffloadBodyBytes + 1);
  EXPECT_EQ(p.body_left, 0u);
  EXPECT_EQ(p.model, "m");
  EXPECT_EQ(p.pinned, "v2");
}

TEST(ParseStage, ASmallBodyIsReadWhereTheRequestRunsAndKept) {
  auto p = parse_body_of(1000);
  EXPECT_EQ(p.parsed_on, p.ran_on);
  EXPECT_EQ(p.body_left, 1000u);
  EXPECT_EQ(p.model, "m");
}

}  // namespace
}  // namespace sy::pipeline
