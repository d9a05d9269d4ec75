#include "line_model/train.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <random>

#include <boost/json.hpp>

#include "line_model/features.h"

namespace sy::line_model {

LineModel train(const std::vector<Example>& examples, const TrainOptions& options) {
  // Each example's features are computed once: a pass is then only additions.
  std::vector<std::vector<uint32_t>> features(examples.size());
  std::vector<uint32_t> scratch;
  for (size_t i = 0; i < examples.size(); ++i) {
    // A training line longer than a window is learnt from its windows as one example.
    for (std::string_view w : windows(examples[i].text)) {
      window_features(w, scratch);
      features[i].insert(features[i].end(), scratch.begin(), scratch.end());
    }
    std::sort(features[i].begin(), features[i].end());
    features[i].erase(std::unique(features[i].begin(), features[i].end()), features[i].end());
  }
  std::vector<float> w(kBuckets, 0.0f), g2(kBuckets, 0.0f);
  std::vector<size_t> order(examples.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937 rng(options.seed);
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    // Fisher-Yates by hand: std::shuffle's sequence differs between standard libraries.
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
    for (size_t i : order) {
      float z = 0;
      for (uint32_t f : features[i]) z += w[f];
      float gradient = sigmoid(z) - (examples[i].sensitive ? 1.0f : 0.0f);
      for (uint32_t f : features[i]) {
        float g = gradient + options.l2 * w[f];
        g2[f] += g * g;
        w[f] -= options.learning_rate * g / std::sqrt(g2[f] + 1e-8f);
      }
    }
  }
  return LineModel(std::move(w));
}

core::Result<std::vector<Example>> read_labelled_lines(const std::string& path) {
  std::ifstream in(path);
  if (!in) return core::Error::invalid_request(path + ": cannot be read");
  std::vector<Example> out;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    boost::system::error_code ec;
    auto value = boost::json::parse(line, ec);
    const auto* obj = ec ? nullptr : value.if_object();
    const auto* id = obj ? obj->if_contains("id") : nullptr;
    const auto* text = obj ? obj->if_contains("text") : nullptr;
    const auto* sensitive = obj ? obj->if_contains("sensitive") : nullptr;
    if (!id || !id->is_string() || !text || !text->is_string() || !sensitive || !sensitive->is_bool()) {
      return core::Error::invalid_request(path + ":" + std::to_string(n) + ": not an object with id, text and sensitive");
    }
    std::string_view name = id->as_string();
    out.push_back({std::string(text->as_string()), sensitive->as_bool(), std::string(name.substr(0, name.find('-')))});
  }
  return out;
}

core::Result<std::vector<Example>> read_prose(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::Error::invalid_request(path + ": cannot be read");
  std::vector<Example> out;
  std::string paragraph, line;
  auto flush = [&] {
    if (paragraph.size() >= 40) out.push_back({paragraph, false, "prose"});
    paragraph.clear();
  };
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      flush();
      continue;
    }
    if (!paragraph.empty()) paragraph += '\n';
    paragraph += line;
  }
  flush();
  return out;
}

core::Result<std::vector<Example>> read_manifest(const std::string& path) {
  std::ifstream in(path);
  if (!in) return core::Error::invalid_request(path + ": cannot be read");
  std::vector<Example> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto space = line.find(' ');
    std::string kind = line.substr(0, space), file = space == std::string::npos ? "" : line.substr(space + 1);
    auto read = kind == "labelled" ? read_labelled_lines(file)
                : kind == "prose"  ? read_prose(file)
                                   : core::Result<std::vector<Example>>(core::Error::invalid_request(path + ": '" + line + "' is not 'labelled PATH' or 'prose PATH'"));
    if (!read) return read.error();
    out.insert(out.end(), read->begin(), read->end());
  }
  return out;
}

}  // namespace sy::line_model
