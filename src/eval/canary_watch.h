#pragma once
// `switchyard models canary MODEL VERSION --percent P --auto`: starts the canary (through its eval
// gate, like any canary), then compares it with production every --interval (ops/canary_analysis:
// errors, refusals, p95 latency and TTFT, feedback, and the canary's drift state when --url names
// a server) and, once the evidence is in, promotes it or rolls it back by itself. Each decision is
// an audit record with its reasons. Run again after a crash, it resumes the canary it finds
// (the comparison counts from when the canary began). Exit 0 promoted, 4 rolled back.
// `switchyard models canary status MODEL` prints the running comparison and what --auto would do.
#include "ops/models_command.h"

namespace sy::eval {

int run_canary_watch(ops::ModelsCommand& cmd);

}  // namespace sy::eval
