#include "http/body_budget.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

namespace sy::http {
namespace {

// Acquires `bytes`, notes when it got them, holds them until `hold` is cleared.
awaitable<void> take(BodyBudget& budget, uint64_t bytes, std::vector<std::string>& log, std::string name,
                     std::optional<BodyBudget::Permit>& held) {
  auto permit = co_await budget.acquire(bytes);
  log.push_back(name);
  held.emplace(std::move(permit));
}

TEST(BodyBudget, SmallBodiesNeverWait) {
  BodyBudget budget(100, 10);
  boost::asio::io_context ioc;
  std::vector<std::string> log;
  std::vector<std::optional<BodyBudget::Permit>> held(3);
  for (int i = 0; i < 3; ++i) boost::asio::co_spawn(ioc, take(budget, 10, log, "s" + std::to_string(i), held[i]), boost::asio::detached);
  ioc.poll();
  EXPECT_EQ(log.size(), 3u);
  EXPECT_EQ(budget.in_use(), 0u);
}

TEST(BodyBudget, LargeBodiesWaitForTheirShareFirstComeFirstServed) {
  BodyBudget budget(100, 10);
  boost::asio::io_context ioc;
  std::vector<std::string> log;
  std::optional<BodyBudget::Permit> a, b, c, d;
  boost::asio::co_spawn(ioc, take(budget, 60, log, "a", a), boost::asio::detached);
  boost::asio::co_spawn(ioc, take(budget, 60, log, "b", b), boost::asio::detached);
  boost::asio::co_spawn(ioc, take(budget, 30, log, "c", c), boost::asio::detached);  // fits, but b came first
  boost::asio::co_spawn(ioc, take(budget, 1000, log, "d", d), boost::asio::detached);  // larger than all: takes all
  ioc.poll();  // (a waiter's timer never expires: run() would wait for it forever)
  EXPECT_EQ(log, std::vector<std::string>{"a"});
  EXPECT_EQ(budget.in_use(), 60u);
  a.reset();  // b and c fit now, in their order
  ioc.restart();
  ioc.poll();
  EXPECT_EQ(log, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(budget.in_use(), 90u);
  b.reset();
  c.reset();
  ioc.restart();
  ioc.poll();
  EXPECT_EQ(log, (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(budget.in_use(), 100u);
  d.reset();
  EXPECT_EQ(budget.in_use(), 0u);
  ioc.restart();
  ioc.poll();
}

}  // namespace
}  // namespace sy::http
