// The labelled privacy data sets in tests/data/privacy/ (lines {"id", "text", "sensitive",
// "kinds"}), run through the scanner with tests/data/privacy/dictionary.txt. Prints precision and
// recall of the sensitive decision and per kind, for each set, and holds each set to its floor:
//   patterns    en, zh, secrets, negatives: values with a shape (cards, IDs, keys). Recall 1.00 and
//               precision 0.95: a missed value is the one mistake that sends data to a cloud, and
//               shapes leave no excuse.
//   ctxdev      people with personal facts, addresses, labelled numbers, birth dates, in English,
//   ctxdev2     zh-TW and zh-CN: the sets the context detectors were tuned on. The goal,
//               recall 0.97 and precision 0.95.
//   ctxdev3     the first blind set (it scored recall 0.815 when it was blind), tuned on since.
//   ctxdev4     the second blind set (recall 0.896, precision 0.988 when it was blind), tuned on since.
//   ctxdev5     the third blind set (recall 0.857, precision 0.989 when it was blind), tuned on since.
//   ctxdev6     the fourth blind set (recall 0.917, precision 1.000 when it was blind), tuned on since.
//   ctxdev7     the fifth blind set (recall 0.923, precision 0.994 when it was blind), tuned on since.
//   ctxdev8     the sixth blind set (recall 0.837, precision 0.988 when it was blind), tuned on since.
//   ctxdev9     the seventh blind set (recall 0.883, precision 0.994 when it was blind), tuned on since.
//   ctxdev10    the eighth blind set (recall 0.906, precision 0.970 when it was blind), tuned on since.
//   ctxdev11    the ninth blind set (recall 0.900, precision 0.994 when it was blind; 0.989 / 0.989
//               with the line model that had not seen it), trained on since.
//   ctxblind10  the tenth to twelfth blind sets, scored once at 7d9d898 (rules alone: recall 0.922,
//   ctxblind11  0.939, 0.911; with the line model: 0.972, 0.994, 0.972, precision 0.983 to 0.994)
//   ctxblind12  and never tuned or trained on: the held-out estimate of how far the privacy decision
//               generalizes.
//   ctxblind13  two more, scored once at 4788500 with the same model (rules alone 0.917, 0.928;
//   ctxblind14  with the line model 0.978 / 0.972 and 0.983 / 0.947: 10 false alarms in ctxblind14).
// The tuned-on sets hold at what they measure now, less a margin: a change that loses what they
// taught fails here. Two tests: the rules alone (privacy.model.enabled: false) and the rules with
// the line model, each set judged by a model that never saw it (tests/data/privacy/README.md).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "line_model/train.h"
#include "privacy/embedded_line_model.h"
#include "privacy/scanner.h"

namespace sy::privacy {
namespace {

namespace fs = std::filesystem;

struct Row {
  std::string set;  // patterns, ctxdev, ctxdev2, ...
  std::string id;
  std::string text;
  bool sensitive = false;
  std::set<std::string> kinds;
};

struct Counts {
  int tp = 0, fp = 0, fn = 0, tn = 0;
  double precision() const { return tp + fp == 0 ? 1.0 : static_cast<double>(tp) / (tp + fp); }
  double recall() const { return tp + fn == 0 ? 1.0 : static_cast<double>(tp) / (tp + fn); }
};

const fs::path kDataDir = fs::path(SWITCHYARD_SOURCE_DIR) / "tests" / "data" / "privacy";

std::vector<Row> load_rows() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(kDataDir)) {
    if (entry.path().extension() == ".jsonl") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<Row> rows;
  for (const auto& file : files) {
    std::ifstream in(file);
    std::string line;
    size_t line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      boost::system::error_code ec;
      auto doc = boost::json::parse(line, ec);
      EXPECT_FALSE(ec) << file << ":" << line_no << ": " << ec.message();
      if (ec || !doc.is_object()) continue;
      const auto& obj = doc.as_object();
      Row row;
      std::string stem = file.stem().string();
      row.set = stem.starts_with("ctx") ? stem.substr(0, stem.find('_')) : "patterns";
      row.id = boost::json::value_to<std::string>(obj.at("id"));
      row.text = boost::json::value_to<std::string>(obj.at("text"));
      row.sensitive = obj.at("sensitive").as_bool();
      if (const auto* kinds = obj.if_contains("kinds")) {
        for (const auto& k : kinds->as_array()) row.kinds.insert(boost::json::value_to<std::string>(k));
      }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

struct SetScore {
  Counts decision;
  std::map<std::string, Counts> per_kind;
  std::vector<std::string> missed, false_alarms;
};

// Kinds found by context (people, addresses, labelled numbers, birth dates): the pattern set's
// labels predate them, so there they count only towards the decision.
bool context_kind(const std::string& kind) {
  auto k = kind_from_string(kind);
  return k && *k >= Kind::person;
}

void print(const std::string& name, const SetScore& s) {
  std::printf("%s: %d texts (%d sensitive)\n", name.c_str(), s.decision.tp + s.decision.fn + s.decision.fp + s.decision.tn,
              s.decision.tp + s.decision.fn);
  std::printf("  %-26s %9s %9s %5s %5s %5s\n", "", "precision", "recall", "tp", "fp", "fn");
  std::printf("  %-26s %9.3f %9.3f %5d %5d %5d\n", "sensitive (decision)", s.decision.precision(), s.decision.recall(),
              s.decision.tp, s.decision.fp, s.decision.fn);
  for (const auto& [kind, c] : s.per_kind) {
    std::printf("  %-26s %9.3f %9.3f %5d %5d %5d\n", kind.c_str(), c.precision(), c.recall(), c.tp, c.fp, c.fn);
  }
  for (const auto& id : s.missed) std::printf("  missed: %s\n", id.c_str());
  for (const auto& id : s.false_alarms) std::printf("  false alarm: %s\n", id.c_str());
}

// Adds one row's outcome to its set's score.
void count(const Row& row, const ScanResult& result, SetScore& s) {
  EXPECT_FALSE(result.failed) << row.id;
  std::set<std::string> got;
  for (const Finding& f : result.findings) got.insert(to_string(f.kind));
  if (result.sensitive && row.sensitive) ++s.decision.tp;
  if (result.sensitive && !row.sensitive) ++s.decision.fp, s.false_alarms.push_back(row.id);
  if (!result.sensitive && row.sensitive) ++s.decision.fn, s.missed.push_back(row.id);
  if (!result.sensitive && !row.sensitive) ++s.decision.tn;
  bool all_kinds = row.set != "patterns";
  for (const auto& k : got) {
    if (all_kinds || !context_kind(k)) ++(row.kinds.count(k) != 0 ? s.per_kind[k].tp : s.per_kind[k].fp);
  }
  for (const auto& k : row.kinds) {
    if (got.count(k) == 0) ++s.per_kind[k].fn;
  }
}

ScannerOptions dataset_options() {
  ScannerOptions options;
  if (fs::exists(kDataDir / "dictionary.txt")) options.dictionary_files = {(kDataDir / "dictionary.txt").string()};
  return options;
}

struct Floor {
  double recall, precision;
};

void hold_to_floors(const std::map<std::string, SetScore>& sets, const std::map<std::string, Floor>& floors) {
  for (const auto& [name, s] : sets) {
    print(name, s);
    auto floor = floors.find(name);
    ASSERT_NE(floor, floors.end()) << "a data set without a floor: " << name;
    EXPECT_GE(s.decision.recall(), floor->second.recall) << name << ": sensitive texts not flagged: " << s.missed.size();
    EXPECT_GE(s.decision.precision(), floor->second.precision) << name << ": false alarms: " << s.false_alarms.size();
  }
  for (const auto& [name, floor] : floors) EXPECT_TRUE(sets.contains(name)) << "missing data set " << name;
}

// The rules alone (privacy.model.enabled: false).
TEST(PrivacyDataset, EachSetMeetsItsRecallAndPrecision) {
  ASSERT_TRUE(fs::is_directory(kDataDir)) << kDataDir;
  std::vector<Row> rows = load_rows();
  ASSERT_FALSE(rows.empty()) << "no *.jsonl in " << kDataDir;
  auto scanner = Scanner::create(dataset_options());
  ASSERT_TRUE(scanner) << scanner.error().message;

  std::map<std::string, SetScore> sets;
  for (const Row& row : rows) count(row, (*scanner)->scan(row.text), sets[row.set]);
  hold_to_floors(sets, {
      {"patterns", {1.0, 0.95}}, {"ctxdev", {0.97, 0.95}},  {"ctxdev2", {0.96, 0.95}}, {"ctxdev3", {0.93, 0.95}},
      {"ctxdev4", {0.94, 0.95}}, {"ctxdev5", {0.93, 0.95}}, {"ctxdev6", {0.97, 0.95}}, {"ctxdev7", {0.96, 0.95}},
      {"ctxdev8", {0.95, 0.95}}, {"ctxdev9", {0.96, 0.95}}, {"ctxdev10", {0.95, 0.95}}, {"ctxdev11", {0.88, 0.95}},
      {"ctxblind10", {0.90, 0.95}}, {"ctxblind11", {0.92, 0.95}}, {"ctxblind12", {0.89, 0.95}},
      {"ctxblind13", {0.89, 0.95}}, {"ctxblind14", {0.90, 0.95}},
  });
}

// What the build trains the line model on: the manifest CMake wrote (the development sets, the
// pattern negatives, the frozen snapshot of ordinary prose), never a blind set.
std::vector<line_model::Example> build_corpus() {
  auto corpus = line_model::read_manifest(SWITCHYARD_LINE_MODEL_MANIFEST);
  EXPECT_TRUE(corpus) << corpus.error().message;
  if (!corpus) return {};
  for (const auto& e : *corpus) EXPECT_FALSE(e.group.starts_with("ctxblind")) << "a blind set is trained on";
  return std::move(*corpus);
}

// The binary's model is what the build corpus teaches: training is deterministic, so training again
// here gives the embedded weights bit for bit (a stale or foreign model file would not).
TEST(PrivacyDataset, TheEmbeddedLineModelIsTheOneTheCorpusTrains) {
  std::string trained = line_model::train(build_corpus()).to_bytes();
  auto embedded = embedded_line_model_bytes();
  ASSERT_EQ(trained.size(), embedded.size());
  EXPECT_EQ(0, std::memcmp(trained.data(), embedded.data(), trained.size()));
  EXPECT_NE(embedded_line_model(), nullptr);
}

// The rules and the line model together, as requests are judged by default, on text the model
// never saw: each development set is scored by a model trained on the rest of the build corpus
// (leave one set out); the blind sets and the pattern positives are in no training corpus (they are
// judged by the embedded model), and the pattern negatives by a model trained without them. (The
// rules were tuned on the ctxdev sets, so those sets flatter the rules' part; the blind sets flatter
// neither.)
TEST(PrivacyDataset, RulesWithTheLineModelOnSetsItNeverSaw) {
  std::vector<Row> rows = load_rows();
  std::vector<line_model::Example> corpus = build_corpus();
  ASSERT_FALSE(corpus.empty());
  std::map<std::string, SetScore> sets;
  std::set<std::string> names;
  for (const Row& row : rows) names.insert(row.set);
  for (const std::string& name : names) {
    std::string held_out = name == "patterns" ? "neg" : name;  // negatives.jsonl's ids start "neg-"
    std::vector<line_model::Example> rest;
    for (const auto& e : corpus) {
      if (e.group != held_out) rest.push_back(e);
    }
    line_model::LineModel model = line_model::train(rest);
    ScannerOptions options = dataset_options();
    options.line_model = &model;
    auto scanner = Scanner::create(options);
    ASSERT_TRUE(scanner) << scanner.error().message;
    for (const Row& row : rows) {
      if (row.set == name) count(row, (*scanner)->scan(row.text), sets[name]);
    }
  }
  std::printf("--- rules + line model (threshold %.2f), each set unseen by its model ---\n", kDefaultLineModelThreshold);
  // What each set measured when this test was written, less 0.02: a change to the training data
  // (a new development set) moves the model by a line or two a set, as the examples' order does.
  hold_to_floors(sets, {
      {"patterns", {1.0, 0.95}},  {"ctxdev", {0.98, 0.95}},  {"ctxdev2", {0.96, 0.95}}, {"ctxdev3", {0.97, 0.95}},
      {"ctxdev4", {0.97, 0.95}},  {"ctxdev5", {0.96, 0.95}}, {"ctxdev6", {0.98, 0.95}}, {"ctxdev7", {0.98, 0.95}},
      {"ctxdev8", {0.96, 0.93}},  {"ctxdev9", {0.98, 0.95}}, {"ctxdev10", {0.97, 0.95}}, {"ctxdev11", {0.95, 0.95}},
      {"ctxblind10", {0.95, 0.95}}, {"ctxblind11", {0.97, 0.95}}, {"ctxblind12", {0.95, 0.95}},
      {"ctxblind13", {0.95, 0.95}}, {"ctxblind14", {0.96, 0.92}},
  });
}

}  // namespace
}  // namespace sy::privacy
