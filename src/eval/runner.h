#pragma once
// Runs a dataset against a server: each item's chat request streamed (latency, time to first
// token, tokens), then its checks scored, the embedding and judge checks through the same
// server's models. Items run `concurrency` at a time on one thread (asynchronous I/O).
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "eval/dataset.h"
#include "eval/scorers.h"
#include "eval/server_client.h"

namespace sy::eval {

struct RunOptions {
  std::string model;            // NAME, NAME@VERSION, NAME@alias, or a route's name
  int concurrency = 4;
  std::string embedding_model;  // for "embedding" checks (a local model: the server refuses a cloud one for sensitive text)
  std::string judge_model;      // for "judge" checks; the router's privacy class applies to it like any request
  std::function<void(size_t done, size_t total)> progress;
};

struct ItemResult {
  std::string id;
  double score = 0;        // the mean of its checks' scores; 0 when the request failed
  bool passed = false;     // every check at or above its pass mark
  std::vector<std::pair<Check, CheckScore>> checks;
  ChatOutcome outcome;
  double cost_usd = -1;    // from the audit record, when the store is at hand (eval/eval_command)
};

std::vector<ItemResult> run_items(const Server& server, const std::vector<Item>& items, const RunOptions& options);

// The prompt a judge model is given: the question, the reference answer and criteria, the answer.
std::string judge_prompt(const Item& item, const Check& check, const std::string& answer);

}  // namespace sy::eval
