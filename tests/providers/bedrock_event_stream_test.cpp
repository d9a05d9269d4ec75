// The AWS event-stream framing: CRCs, header types, messages split across reads, corruption.
#include <gtest/gtest.h>

#include "providers/bedrock/event_stream.h"

namespace sy::providers::event_stream {
namespace {

std::vector<Message> decode_all(const std::string& bytes, size_t piece, core::Status* status = nullptr) {
  Decoder d;
  std::vector<Message> out;
  core::Status s = core::Ok{};
  for (size_t i = 0; i < bytes.size() && s; i += piece) {
    s = d.feed(std::string_view(bytes).substr(i, piece), [&](Message& m) {
      out.push_back(m);
      return true;
    });
  }
  if (status) *status = s;
  return out;
}

TEST(EventStream, Crc32MatchesTheStandardCheckValue) {
  EXPECT_EQ(crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(crc32(""), 0u);
  EXPECT_EQ(crc32("6789", crc32("12345")), 0xCBF43926u);  // continues across pieces
}

TEST(EventStream, EmptyMessageIsByteExact) {
  // aws-c-event-stream's encoded/positive/empty_message vector.
  const std::string expected("\x00\x00\x00\x10\x00\x00\x00\x00\x05\xc2\x48\xeb\x7d\x98\xc8\xff", 16);
  EXPECT_EQ(encode(Message{}), expected);
  auto got = decode_all(expected, expected.size());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].headers.empty());
  EXPECT_TRUE(got[0].payload.empty());
}

TEST(EventStream, EveryHeaderTypeRoundTrips) {
  Message m;
  m.headers = {{"t", HeaderType::bool_true, "", 1},      {"f", HeaderType::bool_false, "", 0},
               {"b", HeaderType::byte, "", -5},          {"s", HeaderType::int16, "", -300},
               {"i", HeaderType::int32, "", 70000},      {"l", HeaderType::int64, "", -5000000000LL},
               {"y", HeaderType::bytes, "\x01\x02", 0},  {":event-type", HeaderType::string, "messageStart", 0},
               {"ts", HeaderType::timestamp, "", 1700000000000LL},
               {"u", HeaderType::uuid, std::string(16, '\x7f'), 0}};
  m.payload = R"({"role":"assistant"})";
  auto got = decode_all(encode(m), 1 << 20);
  ASSERT_EQ(got.size(), 1u);
  ASSERT_EQ(got[0].headers.size(), m.headers.size());
  for (size_t i = 0; i < m.headers.size(); ++i) {
    EXPECT_EQ(got[0].headers[i].name, m.headers[i].name);
    EXPECT_EQ(got[0].headers[i].type, m.headers[i].type);
    EXPECT_EQ(got[0].headers[i].number, m.headers[i].number) << m.headers[i].name;
    EXPECT_EQ(got[0].headers[i].bytes, m.headers[i].bytes) << m.headers[i].name;
  }
  EXPECT_EQ(got[0].header(":event-type"), "messageStart");
  EXPECT_EQ(got[0].header("missing"), "");
  EXPECT_EQ(got[0].payload, m.payload);
}

TEST(EventStream, MessagesSplitAnywhereAcrossReadsComeOutWhole) {
  std::string bytes;
  for (int i = 0; i < 3; ++i) {
    bytes += encode({{":message-type", "event"}, {":event-type", "contentBlockDelta"}},
                    R"({"contentBlockIndex":0,"delta":{"text":"piece )" + std::to_string(i) + R"("}})");
  }
  for (size_t piece : {size_t(1), size_t(3), size_t(11), size_t(12), size_t(13), bytes.size()}) {
    core::Status s = core::Ok{};
    auto got = decode_all(bytes, piece, &s);
    ASSERT_TRUE(s) << "piece " << piece;
    ASSERT_EQ(got.size(), 3u) << "piece " << piece;
    EXPECT_NE(got[2].payload.find("piece 2"), std::string::npos);
  }
  // A message cut short is pending, not delivered.
  Decoder d;
  int seen = 0;
  ASSERT_TRUE(d.feed(std::string_view(bytes).substr(0, 20), [&](Message&) { return ++seen, true; }));
  EXPECT_EQ(seen, 0);
  EXPECT_TRUE(d.has_partial());
}

TEST(EventStream, CorruptMessageCrcIsRejected) {
  auto bytes = encode({{":event-type", "messageStop"}}, R"({"stopReason":"end_turn"})");
  bytes[bytes.size() - 8] ^= 0x01;  // a payload byte
  core::Status s = core::Ok{};
  auto got = decode_all(bytes, 5, &s);
  EXPECT_TRUE(got.empty());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().status, 502);
  EXPECT_NE(s.error().message.find("message CRC"), std::string::npos);
}

TEST(EventStream, CorruptPreludeCrcIsRejectedBeforeWaitingForTheBody) {
  auto bytes = encode({{":event-type", "messageStop"}}, "{}");
  bytes[3] = '\x7f';  // total length now huge; the prelude CRC no longer matches
  Decoder d;
  auto s = d.feed(std::string_view(bytes).substr(0, 12), [](Message&) { return true; });
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("prelude CRC"), std::string::npos);
  // Once broken, the stream stays broken.
  EXPECT_FALSE(d.feed(encode(Message{}), [](Message&) { return true; }));
}

TEST(EventStream, ImpossibleLengthsAreRejected) {
  // Total 16 with headers length 1 (valid prelude CRC): the headers cannot fit.
  std::string bytes("\x00\x00\x00\x10\x00\x00\x00\x01", 8);
  uint32_t crc = crc32(bytes);
  for (int i = 3; i >= 0; --i) bytes += static_cast<char>((crc >> (8 * i)) & 0xFF);
  bytes += std::string(4, '\0');
  core::Status s = core::Ok{};
  decode_all(bytes, bytes.size(), &s);
  EXPECT_FALSE(s);
}

TEST(EventStream, StopsWhenTheCallbackSaysSo) {
  std::string bytes = encode(Message{}) + encode(Message{});
  Decoder d;
  int seen = 0;
  EXPECT_TRUE(d.feed(bytes, [&](Message&) { return ++seen, false; }));
  EXPECT_EQ(seen, 1);
  EXPECT_TRUE(d.stopped());
}

}  // namespace
}  // namespace sy::providers::event_stream
