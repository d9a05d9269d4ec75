#include "http/sse.h"

#include <gtest/gtest.h>

#include <vector>

namespace sy::http {
namespace {

std::vector<SseEvent> feed_in_pieces(std::string_view text, size_t piece) {
  SseReader reader;
  std::vector<SseEvent> events;
  for (size_t i = 0; i < text.size(); i += piece) {
    reader.feed(text.substr(i, piece), [&](SseEvent& e) {
      events.push_back(e);
      return true;
    });
  }
  return events;
}

TEST(SseReader, SplitsAnywhereGivesTheSameEvents) {
  std::string text = ": comment\r\nevent: delta\r\ndata: {\"a\":1}\r\n\r\ndata: line1\ndata: line2\n\ndata: [DONE]\r\r";
  for (size_t piece : {1u, 2u, 3u, 7u, 1000u}) {
    auto events = feed_in_pieces(text, piece);
    ASSERT_EQ(events.size(), 3u) << "piece size " << piece;
    EXPECT_EQ(events[0].event, "delta");
    EXPECT_EQ(events[0].data, "{\"a\":1}");
    EXPECT_EQ(events[1].data, "line1\nline2");
    EXPECT_EQ(events[1].event, "");
    EXPECT_EQ(events[2].data, "[DONE]");
  }
}

TEST(SseReader, UnfinishedEventIsPendingNotDispatched) {
  SseReader reader;
  int n = 0;
  reader.feed("data: partial", [&](SseEvent&) { return ++n, true; });
  EXPECT_EQ(n, 0);
  EXPECT_TRUE(reader.has_partial());
}

TEST(SseReader, RejectsAnEventPastTheLimit) {
  SseReader reader(16);
  bool ok = reader.feed("data: 0123456789abcdefghij\n\n", [](SseEvent&) { return true; });
  EXPECT_FALSE(ok);
  EXPECT_TRUE(reader.too_large());
}

TEST(SseWriter, MultilinePayloadBecomesSeveralDataLines) {
  EXPECT_EQ(sse_event("a\nb", "ping"), "event: ping\ndata: a\ndata: b\n\n");
  EXPECT_EQ(sse_event("{}"), "data: {}\n\n");
}

}  // namespace
}  // namespace sy::http
