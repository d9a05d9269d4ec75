#include "api/request_id.h"

#include <chrono>
#include <set>
#include <thread>

#include <gtest/gtest.h>

namespace sy::api {
namespace {

bool is_lower_hex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

TEST(RequestId, IsReqAndThirtyTwoHexDigits) {
  auto id = new_request_id();
  ASSERT_EQ(id.size(), 36u);
  EXPECT_EQ(id.substr(0, 4), "req_");
  EXPECT_TRUE(is_lower_hex(id.substr(4))) << id;
}

TEST(RequestId, StartsWithTheMillisecondsItWasMadeAt) {
  auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
  auto id = new_request_id();
  auto after = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch()).count();
  auto ms = static_cast<int64_t>(std::stoull(id.substr(4, 12), nullptr, 16));
  EXPECT_GE(ms, before);
  EXPECT_LE(ms, after);
}

TEST(RequestId, LaterIdsSortAfterEarlierOnes) {
  auto first = new_request_id();
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  auto second = new_request_id();
  EXPECT_LT(first, second);
}

TEST(RequestId, ManyIdsInTheSameMillisecondStayUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 100'000; ++i) seen.insert(new_request_id());
  EXPECT_EQ(seen.size(), 100'000u);
}

}  // namespace
}  // namespace sy::api
