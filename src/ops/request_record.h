#pragma once
// The facts of one request, as the stages of the pipeline learn them: who asked for what, what the
// privacy scan found, where it was routed and why, which version answered, what it cost and how it
// ended. Names, kinds and numbers only: never a key, never a sensitive value; text only when the
// audit asks for it, and then redacted. Two serializers read it: the audit record (audit_log) and
// the access log line (access_log).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sy::ops {

struct RequestRecord {
  int64_t ts_ms = 0;               // when the request arrived (Unix ms)
  std::string request_id;          // ours, unique
  std::string client_request_id;   // the client's x-request-id, if it sent one
  std::string key_name;            // the caller's key name, never the key
  std::string team;
  std::string method;
  std::string path;
  std::string model;               // what the client asked for (a model or a route)
  bool stream = false;
  std::string privacy;             // any | local_only | redact
  std::vector<std::string> kinds;  // privacy kinds found (never the values)
  // Who called the request sensitive when no rule did: "line_model", or the second opinion's
  // answer ("yes", "no", "timed out", "failed: ..."); "" = the rules decided.
  std::string privacy_judge;
  std::string rule;                // the routing rule that chose the target
  std::vector<std::string> reasons;
  std::string target;              // the model that answered ("" = none)
  std::string version;             // its registry version
  std::string role;                // production | canary | shadow | pinned
  int attempts = 0;                // calls made (> 1 = retry or fallback)
  std::string cache;               // hit | miss | bypass; "" = not consulted
  double cost_saved_usd = 0;       // a cache hit: what the answer cost when it was made
  std::vector<std::string> guard;  // output guard interventions ("redact:email", "block:credit_card", ...)
  std::vector<std::string> passages;  // grounding: the passages given to the model ("id:score")
  int status = 0;
  std::string error_type;
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  double cost_usd = 0;
  double latency_ms = 0;
  double ttft_ms = -1;             // < 0 = not applicable
  std::optional<std::string> prompt_text;  // audit.include_text only; already redacted
  std::optional<std::string> answer_text;
};

}  // namespace sy::ops
