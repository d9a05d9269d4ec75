#include "eval/runner.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <thread>

namespace sy::eval {

namespace json = boost::json;

namespace {

http::awaitable<CheckScore> score_embedding(const Server& server, const RunOptions& options, const Check& check,
                                            const std::string& answer, const std::string& expected) {
  if (options.embedding_model.empty()) co_return CheckScore{0, "no --embedding-model for an embedding check"};
  std::vector<std::string> inputs{answer, expected};
  auto vectors = co_await embed(server, options.embedding_model, inputs);
  if (!vectors) co_return CheckScore{0, "embedding failed: " + vectors.error().message};
  double score = std::max(0.0, cosine((*vectors)[0], (*vectors)[1]));
  co_return CheckScore{score, score >= pass_mark(check) ? "" : "cosine below the pass mark"};
}

http::awaitable<CheckScore> score_judge(const Server& server, const RunOptions& options, const Item& item, const Check& check,
                                        const std::string& answer) {
  if (options.judge_model.empty()) co_return CheckScore{0, "no --judge for a judge check"};
  json::object body{{"model", options.judge_model},
                    {"temperature", 0},
                    {"max_tokens", 16},
                    {"messages", json::array{json::object{{"role", "user"}, {"content", judge_prompt(item, check, answer)}}}}};
  auto reply = co_await complete_chat(server, std::move(body));
  if (!reply) co_return CheckScore{0, "judge refused or failed: " + reply.error().message};
  auto score = judge_score(*reply);
  if (!score) co_return CheckScore{0, "judge gave no rating: " + reply->substr(0, 80)};
  co_return CheckScore{*score, *score >= pass_mark(check) ? "" : "judge: " + reply->substr(0, 80)};
}

http::awaitable<ItemResult> run_item(const Server& server, const RunOptions& options, const Item& item) {
  ItemResult r;
  r.id = item.id;
  json::object body{{"model", options.model}, {"messages", item.messages}};
  r.outcome = co_await stream_chat(server, std::move(body));
  if (!r.outcome.ok()) {
    for (const auto& c : item.checks) r.checks.emplace_back(c, CheckScore{0, "no answer"});
    co_return r;
  }
  const std::string expected = item.expected.value_or("");
  double total = 0;
  r.passed = true;
  for (const auto& c : item.checks) {
    CheckScore s;
    if (c.kind == CheckKind::embedding) {
      s = co_await score_embedding(server, options, c, r.outcome.answer, expected);
    } else if (c.kind == CheckKind::judge) {
      s = co_await score_judge(server, options, item, c, r.outcome.answer);
    } else {
      s = score_text_check(c, r.outcome.answer, expected);
    }
    total += s.score;
    if (s.score < pass_mark(c)) r.passed = false;
    r.checks.emplace_back(c, std::move(s));
  }
  r.score = item.checks.empty() ? 0 : total / static_cast<double>(item.checks.size());
  co_return r;
}

}  // namespace

std::string judge_prompt(const Item& item, const Check& check, const std::string& answer) {
  std::string p =
      "You grade an assistant's answer. Reply with one digit from 1 (wrong or useless) to 5 (correct and complete), "
      "nothing else.\n\nQuestion:\n" + item.question() + "\n";
  if (item.expected) p += "\nReference answer:\n" + *item.expected + "\n";
  if (!check.criteria.empty()) p += "\nA good answer:\n" + check.criteria + "\n";
  p += "\nAnswer to grade:\n" + answer + "\n\nRating:";
  return p;
}

std::vector<ItemResult> run_items(const Server& server, const std::vector<Item>& items, const RunOptions& options) {
  std::vector<ItemResult> results(items.size());
  boost::asio::io_context ioc;
  size_t next = 0, done = 0;
  auto worker = [&]() -> http::awaitable<void> {
    while (next < items.size()) {
      size_t i = next++;
      results[i] = co_await run_item(server, options, items[i]);
      ++done;
      if (options.progress) options.progress(done, items.size());
    }
  };
  int workers = std::max(1, std::min<int>(options.concurrency, static_cast<int>(items.size())));
  for (int w = 0; w < workers; ++w) boost::asio::co_spawn(ioc, worker(), boost::asio::detached);
  // Run on a thread of its own that ends before `ioc` does: the HTTP client keeps per-thread
  // state (pooled connections, a deadline timer) bound to the context, released at thread exit.
  std::thread runner([&ioc] { ioc.run(); });
  runner.join();
  return results;
}

}  // namespace sy::eval
