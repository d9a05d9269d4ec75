#pragma once
// `switchyard pii scan [--jsonl] [--dictionary FILE]... [FILE|-]`: the scanner on the command line,
// for checking data sets and policies. One JSON line out per line in:
//   {"id"?: ..., "sensitive": bool, "model_score"?: 0..1, "findings": [{"kind": "...", "start": N, "end": N}]}
// The line model (line_model/model.h) judges a line the rules found nothing in, as the server does
// by default; --no-model leaves it out, --threshold sets where its score makes a line sensitive.
// Offsets are code points; matched values are never printed. With --jsonl each input line is a
// JSON object with "text" and an optional "id" (copied as it is). A line that cannot be scanned
// (with --jsonl: not an object with a string "text") gets a fail-closed answer: sensitive and
// "failed": true. Exit 0; 2 when the input cannot be read or a line was malformed; 1 when the
// scanner cannot be built (bad dictionary file).
#include <iosfwd>
#include <string>
#include <vector>

#include "privacy/scanner.h"

namespace CLI {
class App;
}

namespace sy::privacy {

struct PiiScanOptions {
  bool jsonl = false;
  std::vector<std::string> dictionaries;
  std::string input = "-";
  bool no_model = false;                         // rules only
  std::string model_file;                        // a trained line model; empty = the embedded one
  double threshold = kDefaultLineModelThreshold;  // the line model's
};

// Adds `scan` under `pii`; returns it so main can ask whether it was the one parsed.
CLI::App* add_pii_scan_command(CLI::App& pii, PiiScanOptions& opts);

int run_pii_scan(const PiiScanOptions& opts);

// The command without files: scans `in` line by line onto `out`; returns the exit code.
int scan_lines(const Scanner& scanner, std::istream& in, std::ostream& out, bool jsonl);

}  // namespace sy::privacy
