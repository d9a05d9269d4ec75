#pragma once
// One request as it moves through the pipeline: what its endpoint parsed, what each stage learned
// and decided, and the record of it all (ops::RequestRecord), which the access log and the audit
// trail serialize. Every stage reads and writes this one object; nothing is copied between records.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/chat.h"
#include "core/principal.h"
#include "http/response_writer.h"
#include "ops/budgets.h"
#include "ops/request_record.h"
#include "pipeline/target.h"
#include "privacy/finding.h"
#include "router/decision.h"

namespace sy::pipeline {

class BodyParser;

struct RequestState {
  // Set by the endpoint.
  http::Request* http = nullptr;          // its body is freed once parsed (the parse stage's)
  const BodyParser* parser = nullptr;      // its ingress's reading of the body (pipeline/parse)
  http::ResponseWriter* client = nullptr;  // whether the client is still there; its hook cancels upstream work
  bool dry_run = false;                    // explain, count_tokens: decide, call nothing, hold nothing
  bool model_call = false;                 // a model was asked for: counted in its metrics, answered with the route headers
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  // auth
  core::Principal principal;
  // parse
  core::ChatRequest chat;                  // chat endpoints: the parsed request
  std::vector<std::string> inputs;         // /v1/embeddings: the texts
  std::string pinned;                      // model@VERSION: the version or alias asked for
  // privacy scan
  std::string text;                          // the request's text as scanned (core::request_text)
  std::vector<privacy::Finding> findings;    // byte offsets into `text`
  std::pair<size_t, size_t> model_window;    // where in `text` the line model scored highest
  router::PrivacyFacts privacy;
  // quota
  ops::Reservation reservation;
  // route
  std::optional<router::RouteDecision> decision;
  std::vector<Target> targets;               // the decision's candidates, each resolved to its version
  // The answer path: the stages' filters (the output guard, the cache's recorder), then the
  // client's responder. Set by the chain before any stage runs.
  providers::ChunkSink* answer = nullptr;
  // execute
  const Target* answered_by = nullptr;       // the target whose answer the client gets
  std::optional<std::chrono::steady_clock::time_point> first_token;
  std::optional<core::Usage> usage;
  std::string answer_text;                   // kept only when the audit asks for text
  // Set by a filter on the answer path that ended the answer itself (the output guard blocking
  // it): the error the client gets instead, not a failure of the target.
  std::optional<core::Error> stopped;
  // The output guard found a local target's answer off its JSON schema and asks for one more try
  // (execute makes it once).
  bool json_repair_wanted = false;
  bool json_repaired = false;
  // The facts, for the access log and the audit trail.
  ops::RequestRecord record;
  bool delivered = false;                    // the answer's last byte reached the client's socket
  bool settled = false;                      // account: metrics, cost and budget done
  bool audited = false;                      // audit: the record handed to the writer

  bool client_gone() const { return client && client->client_gone(); }
  double elapsed_ms() const {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  }
};

}  // namespace sy::pipeline
