// The engine on a tiny random model: what a serving engine owes its callers, whatever the weights.
#include "engine/engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include "engine/json_grammar.h"
#include "engine_fixture.h"

namespace sy::engine {
namespace {

using namespace std::chrono_literals;
using testing::Collected;
using testing::Collector;
using testing::greedy;
using testing::load_tiny;

const char* kPrompt = "The quarterly report says";

TEST(Engine, GreedyIsTheSameAloneAndBesideThreeOtherStreams) {
  auto engine = load_tiny(4);
  ASSERT_TRUE(engine);
  auto alone = testing::generate(*engine, greedy(*engine, kPrompt, 40));
  ASSERT_FALSE(alone.text.empty());

  Collector mine, a, b, c;
  // Different prompts and lengths, so the batch holds prompt chunks and decode tokens together.
  ASSERT_TRUE(engine->submit(greedy(*engine, "Expenses are filed in the portal by the fifth", 60), a.sink()));
  ASSERT_TRUE(engine->submit(greedy(*engine, kPrompt, 40), mine.sink()));
  ASSERT_TRUE(engine->submit(greedy(*engine, "VPN", 30), b.sink()));
  ASSERT_TRUE(engine->submit(greedy(*engine, "請問特休有幾天", 50), c.sink()));
  auto together = mine.wait();
  a.wait(), b.wait(), c.wait();
  EXPECT_EQ(together.text, alone.text);
  EXPECT_EQ(together.last.completion_tokens, alone.last.completion_tokens);
}

TEST(Engine, SeededSamplingIsDeterministic) {
  auto engine = load_tiny(2);
  ASSERT_TRUE(engine);
  auto sampled = [&](uint32_t seed) {
    auto r = greedy(*engine, kPrompt, 30);
    r.sampling.temperature = 1.0f;
    r.sampling.top_p = 0.95f;
    r.sampling.seed = seed;
    return testing::generate(*engine, std::move(r)).text;
  };
  auto first = sampled(1234);
  EXPECT_EQ(sampled(1234), first);
  EXPECT_EQ(sampled(1234), first);
  // Another seed takes another path somewhere in 30 tokens of a near-uniform model.
  EXPECT_NE(sampled(99), first);
}

TEST(Engine, CancellationFreesTheSlotAtOnce) {
  auto engine = load_tiny(1);
  ASSERT_TRUE(engine);
  Collector endless;
  auto id = engine->submit(greedy(*engine, kPrompt, -1), endless.sink());
  ASSERT_TRUE(id);
  while (engine->counters().generated_tokens.load() < 3) std::this_thread::sleep_for(1ms);
  engine->cancel(*id);
  auto cancelled = endless.wait();
  EXPECT_EQ(cancelled.last.finish_reason, "cancelled");
  EXPECT_LT(cancelled.last.completion_tokens, 200);
  // The one slot serves the next request.
  auto next = testing::generate(*engine, greedy(*engine, "next", 5));
  EXPECT_EQ(next.last.finish_reason, "length");
  EXPECT_EQ(next.last.completion_tokens, 5);
}

TEST(Engine, AFullQueueAnswersAtOnce) {
  auto engine = load_tiny(1, /*queue=*/1);
  ASSERT_TRUE(engine);
  Collector running, waiting;
  auto first = engine->submit(greedy(*engine, kPrompt, -1), running.sink());
  ASSERT_TRUE(first);
  while (engine->counters().busy_slots.load() < 1) std::this_thread::sleep_for(1ms);
  auto second = engine->submit(greedy(*engine, kPrompt, 5), waiting.sink());
  ASSERT_TRUE(second);
  auto t0 = std::chrono::steady_clock::now();
  Collector refused;
  auto third = engine->submit(greedy(*engine, kPrompt, 5), refused.sink());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 50ms);
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().status, 429);
  EXPECT_EQ(third.error().code, "local_queue_full");
  ASSERT_TRUE(third.error().retry_after_s);
  EXPECT_EQ(engine->counters().rejected_full.load(), 1u);
  engine->cancel(*first);
  EXPECT_EQ(waiting.wait().last.completion_tokens, 5);
}

TEST(Engine, StopSequenceSplitAcrossTokens) {
  auto engine = load_tiny(1);
  ASSERT_TRUE(engine);
  auto full = testing::generate(*engine, greedy(*engine, kPrompt, 40));
  // A stop string made of the end of one piece and the start of the next.
  size_t boundary = 0, at = 0;
  for (size_t i = 0; i + 1 < full.pieces.size(); ++i) {
    at += full.pieces[i].size();
    if (i >= 2 && full.pieces[i].size() >= 2 && full.pieces[i + 1].size() >= 2) {
      boundary = at;
      break;
    }
  }
  ASSERT_GT(boundary, 0u) << "no two adjacent multi-byte pieces in: " << full.text;
  std::string stop = full.text.substr(boundary - 2, 4);
  auto r = greedy(*engine, kPrompt, 40);
  r.stop = {stop};
  auto stopped = testing::generate(*engine, std::move(r));
  EXPECT_EQ(stopped.text, full.text.substr(0, full.text.find(stop)));
  EXPECT_EQ(stopped.last.finish_reason, "stop");
  EXPECT_EQ(stopped.text.find(stop), std::string::npos);
}

TEST(Engine, ReusesThePromptPrefixKeptInASlot) {
  auto engine = load_tiny(1);
  ASSERT_TRUE(engine);
  std::string system = "You answer questions about the company handbook in one sentence. ";
  auto first = testing::generate(*engine, greedy(*engine, system + "How many days of leave?", 8));
  EXPECT_EQ(first.last.cached_tokens, 0);
  auto second_req = greedy(*engine, system + "Where is the VPN guide?", 8);
  auto common = (*engine->tokenize(system, true)).size() - 1;  // the last system token may merge
  auto second = testing::generate(*engine, std::move(second_req));
  EXPECT_GE(second.last.cached_tokens, static_cast<int64_t>(common));
  // Reuse does not change the answer: the same request on a fresh engine says the same.
  auto fresh = load_tiny(1);
  auto again = testing::generate(*fresh, greedy(*fresh, system + "Where is the VPN guide?", 8));
  EXPECT_EQ(again.text, second.text);
}

TEST(Engine, RefusesAPromptLongerThanTheContext) {
  auto engine = load_tiny(1);
  ASSERT_TRUE(engine);
  std::string long_text;
  for (int i = 0; i < 400; ++i) long_text += "word ";
  Collector c;
  auto id = engine->submit(greedy(*engine, long_text, 5), c.sink());
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().status, 400);
  EXPECT_EQ(id.error().code, "context_length_exceeded");
}

TEST(Engine, GenerationStopsWhenTheContextIsFull) {
  auto engine = load_tiny(1);
  ASSERT_TRUE(engine);
  auto r = testing::generate(*engine, greedy(*engine, kPrompt, -1));
  EXPECT_EQ(r.last.finish_reason, "length");
  // Every cell is used; the last token is sampled from the last cell's logits and needs none.
  EXPECT_EQ(r.last.prompt_tokens + r.last.completion_tokens, engine->context_per_slot() + 1);
}

TEST(Engine, JsonSchemaGrammarConstrainsTheOutput) {
  auto engine = load_tiny(1);
  ASSERT_TRUE(engine);
  auto schema = boost::json::parse(R"({"type":"object","properties":{"answer":{"enum":["yes","no"]}},"required":["answer"]})");
  auto grammar = json_schema_grammar(schema);
  ASSERT_TRUE(grammar) << grammar.error().message;
  for (uint32_t seed : {1u, 2u, 3u}) {
    auto r = greedy(*engine, kPrompt, 60);
    r.sampling.temperature = 1.0f;
    r.sampling.seed = seed;
    r.sampling.grammar = *grammar;
    auto out = testing::generate(*engine, std::move(r));
    EXPECT_EQ(out.last.finish_reason, "stop") << out.text;
    boost::system::error_code ec;
    auto v = boost::json::parse(out.text, ec);
    ASSERT_FALSE(ec) << out.text;
    auto answer = v.as_object().at("answer").as_string();
    EXPECT_TRUE(answer == "yes" || answer == "no") << out.text;
  }
}

TEST(Engine, LogitBiasBansAToken) {
  auto engine = load_tiny(1);
  ASSERT_TRUE(engine);
  auto plain = greedy(*engine, kPrompt, 1);
  auto first = testing::generate(*engine, plain);
  auto banned = *engine->tokenize(first.text, false);
  ASSERT_FALSE(banned.empty());
  auto r = greedy(*engine, kPrompt, 1);
  r.sampling.logit_bias = {{banned[0], -INFINITY}};
  auto out = testing::generate(*engine, std::move(r));
  EXPECT_NE(out.text, first.text);
}

TEST(Engine, EmbeddingsAreNormalizedAndBatchIndependent) {
  auto engine = load_tiny(1);
  ASSERT_TRUE(engine);
  auto run = [&](std::vector<std::string> texts) {
    std::vector<std::vector<Token>> inputs;
    for (auto& t : texts) inputs.push_back(*engine->tokenize(t, true));
    std::mutex mu;
    std::condition_variable cv;
    std::optional<core::Result<std::vector<std::vector<float>>>> got;
    auto s = engine->submit_embeddings({inputs, [&](auto r) {
                                          std::lock_guard lock(mu);
                                          got = std::move(r);
                                          cv.notify_all();
                                        }});
    EXPECT_TRUE(s);
    std::unique_lock lock(mu);
    cv.wait_for(lock, 30s, [&] { return got.has_value(); });
    return std::move(**got);
  };
  auto batch = run({"annual leave", "VPN 連線", "expense claims"});
  ASSERT_EQ(batch.size(), 3u);
  ASSERT_EQ(batch[0].size(), 64u);
  double norm = 0;
  for (float f : batch[1]) norm += f * f;
  EXPECT_NEAR(norm, 1.0, 1e-4);
  auto single = run({"VPN 連線"});
  for (size_t i = 0; i < single[0].size(); ++i) EXPECT_NEAR(single[0][i], batch[1][i], 1e-4);
  EXPECT_NE(batch[0], batch[2]);
}

TEST(Engine, DrainFinishesRunningWorkAndRefusesNew) {
  auto engine = load_tiny(1);
  ASSERT_TRUE(engine);
  Collector running;
  ASSERT_TRUE(engine->submit(greedy(*engine, kPrompt, 20), running.sink()));
  engine->drain();
  Collector late;
  auto refused = engine->submit(greedy(*engine, kPrompt, 5), late.sink());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, 503);
  EXPECT_EQ(running.wait().last.completion_tokens, 20);
}

TEST(Engine, AMissingOrCorruptFileIsAnErrorNotACrash) {
  EngineOptions o;
  o.name = "broken";
  o.path = "/nonexistent/model.gguf";
  auto missing = Engine::load(o);
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message, ::testing::HasSubstr("does not exist"));
  auto corrupt = std::filesystem::temp_directory_path() / "switchyard-corrupt.gguf";
  { std::ofstream(corrupt) << "GGUF this is not a model"; }
  o.path = corrupt.string();
  auto bad = Engine::load(o);
  std::filesystem::remove(corrupt);
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, ::testing::HasSubstr("could not be loaded"));
}

}  // namespace
}  // namespace sy::engine
