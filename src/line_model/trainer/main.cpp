// line_model_train --out FILE [--report] [--manifest FILE] [LABELLED.jsonl...]
// Trains the privacy line model (line_model/train.h) on labelled lines (and the ordinary prose a
// manifest names) and writes its weights: the build runs it on its manifest (tests/data/privacy's
// development sets, the pattern negatives, ordinary_prose.txt: a snapshot of this repository's
// documentation and source) and embeds
// the result in the binary.
// --report also prints, for each set, how a model trained on every other set scores it (recall and
// precision of the model alone at a few thresholds): how well it does on text it never saw.
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "line_model/train.h"

namespace {

void report(const std::vector<sy::line_model::Example>& all) {
  std::map<std::string, int> groups;
  for (const auto& e : all) ++groups[e.group];
  const float thresholds[] = {0.5f, 0.7f, 0.8f, 0.9f};
  for (const auto& [group, count] : groups) {
    std::vector<sy::line_model::Example> rest;
    for (const auto& e : all) {
      if (e.group != group) rest.push_back(e);
    }
    auto model = sy::line_model::train(rest);
    int tp[4] = {}, fp[4] = {}, positives = 0;
    for (const auto& e : all) {
      if (e.group != group) continue;
      positives += e.sensitive;
      float s = model.score(e.text);
      for (int t = 0; t < 4; ++t) {
        if (s >= thresholds[t]) (e.sensitive ? tp : fp)[t]++;
      }
    }
    std::printf("%-10s %4d lines %4d sensitive", group.c_str(), count, positives);
    for (int t = 0; t < 4; ++t) {
      std::printf("  @%.1f R %.3f P %.3f", thresholds[t], positives ? double(tp[t]) / positives : 1.0,
                  tp[t] + fp[t] ? double(tp[t]) / (tp[t] + fp[t]) : 1.0);
    }
    std::printf("\n");
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string out;
  bool want_report = false;
  std::vector<sy::line_model::Example> examples;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--out" && i + 1 < argc) {
      out = argv[++i];
    } else if (arg == "--report") {
      want_report = true;
    } else {
      bool manifest = arg == "--manifest" && i + 1 < argc;
      auto lines = manifest ? sy::line_model::read_manifest(argv[++i]) : sy::line_model::read_labelled_lines(arg);
      if (!lines) {
        std::fprintf(stderr, "line_model_train: %s\n", lines.error().message.c_str());
        return 2;
      }
      examples.insert(examples.end(), lines->begin(), lines->end());
    }
  }
  if (examples.empty() || (out.empty() && !want_report)) {
    std::fprintf(stderr, "usage: line_model_train --out FILE [--report] [--manifest FILE] [LABELLED.jsonl...]\n");
    return 2;
  }
  if (want_report) report(examples);
  if (out.empty()) return 0;
  std::string bytes = sy::line_model::train(examples).to_bytes();
  std::ofstream file(out + ".tmp", std::ios::binary);
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  file.close();
  if (!file || std::rename((out + ".tmp").c_str(), out.c_str()) != 0) {
    std::fprintf(stderr, "line_model_train: cannot write %s\n", out.c_str());
    return 1;
  }
  std::printf("line model: %zu lines -> %s\n", examples.size(), out.c_str());
  return 0;
}
