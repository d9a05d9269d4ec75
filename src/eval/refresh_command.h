#pragma once
// `switchyard refresh --file refresh.yaml --config switchyard.yaml --url URL`: the automated
// refresh loop of a local model, one step after the other, each audited and each skipped when a
// run after a crash finds it done (the progress file, refresh.state.json, says how far it got):
//   1. train   the production version's weights on the new data (engine/train), a GGUF named by
//              the data's hash, with its training record beside it;
//   2. register the next version (vN) with the file's sha256, the data hash and the record, under
//              the alias `candidate` (so it is deployed, and reachable as MODEL@vN, but gets no traffic);
//   3. eval    the candidate and production on the gate's dataset through the server; the candidate
//              must pass the gate (config `gates:` or the file's eval limits), else it is rolled back;
//   4. canary  with automatic analysis (eval/canary_watch), which promotes or rolls back;
//   5. retire  the version that lost: the old production after its last request, or the candidate.
// Exit 0 promoted, 4 rolled back (at the gate or by the canary), 1 failed, 2 usage.
#include <string>

namespace CLI {
class App;
}

namespace sy::eval {

struct RefreshOptions {
  std::string file;
  std::string config_file;
  std::string url;
  std::string key;        // an inference key for the evaluation (default $SWITCHYARD_KEY)
  std::string admin_key;  // for the canary's drift state (default $SWITCHYARD_ADMIN_KEY)
  std::string author;
};

CLI::App* add_refresh_command(CLI::App& app, RefreshOptions& options);
int run_refresh_command(RefreshOptions& options);

}  // namespace sy::eval
