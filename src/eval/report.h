#pragma once
// What an evaluation found, three ways: a terminal table, JSON, and one self-contained HTML page
// (inline SVG charts, no script, nothing fetched) to attach to a change request.
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "eval/runner.h"
#include "ops/eval_results.h"

namespace sy::eval {

struct Report {
  std::string model;            // as asked (NAME@VERSION, route)
  std::string version;          // the version that answered (most items), "" if unknown
  ops::EvalRun summary;
  std::vector<ItemResult> items;
  bool recorded = false;        // stored with the version in the registry
};

// The summary of `items` (score, pass rate, latency and TTFT percentiles, tokens, cost).
ops::EvalRun summarize(const std::vector<ItemResult>& items);
// The version most items were answered by.
std::string answering_version(const std::vector<ItemResult>& items);

std::string format_table(const Report& report);
boost::json::object to_json(const Report& report);
std::string format_html(const Report& report);

}  // namespace sy::eval
