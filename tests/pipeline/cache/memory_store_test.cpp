#include "pipeline/cache/memory_store.h"

#include <gtest/gtest.h>

namespace sy::pipeline {
namespace {

using namespace std::chrono_literals;

std::shared_ptr<const CachedAnswer> answer_of(size_t text_bytes) {
  auto a = std::make_shared<CachedAnswer>();
  core::Choice c;
  core::ContentPart p;
  p.text = std::string(text_bytes, 'a');
  c.message.parts.push_back(p);
  a->answer.choices.push_back(c);
  a->target = "t";
  return a;
}

TEST(MemoryStore, EntriesExpireAfterTheirTtl) {
  MemoryStore store(1 << 20);
  auto now = MemoryStore::Clock::now();
  store.insert("k", answer_of(10), now + 10s);
  EXPECT_NE(store.lookup("k", now + 9s), nullptr);
  EXPECT_EQ(store.lookup("k", now + 10s), nullptr);
  EXPECT_EQ(store.entries(), 0u);
}

TEST(MemoryStore, TheLeastRecentlyUsedGoFirstToStayUnderTheBound) {
  auto one = MemoryStore::size_of(*answer_of(1000)) + 1;
  MemoryStore store(3 * one);
  auto now = MemoryStore::Clock::now();
  for (const char* k : {"a", "b", "c"}) store.insert(k, answer_of(1000), now + 1h);
  EXPECT_NE(store.lookup("a", now), nullptr);  // a is now the most recently used
  store.insert("d", answer_of(1000), now + 1h);
  EXPECT_EQ(store.lookup("b", now), nullptr);
  EXPECT_NE(store.lookup("a", now), nullptr);
  EXPECT_NE(store.lookup("c", now), nullptr);
  EXPECT_NE(store.lookup("d", now), nullptr);
  EXPECT_LE(store.bytes(), 3 * one);
  // One answer larger than the whole cache is not kept, and evicts nothing.
  store.insert("huge", answer_of(10 * one), now + 1h);
  EXPECT_EQ(store.lookup("huge", now), nullptr);
  EXPECT_EQ(store.entries(), 3u);
}

}  // namespace
}  // namespace sy::pipeline
