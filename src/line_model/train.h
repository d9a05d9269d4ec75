#pragma once
// Training a LineModel: logistic loss, AdaGrad, a little L2, a fixed number of passes over the
// examples in an order fixed by a seed, so the same examples always give the same weights (the
// build trains the model the binary embeds; a test trains it again and gets the same scores).
#include <string>
#include <vector>

#include "core/result.h"
#include "line_model/model.h"

namespace sy::line_model {

struct Example {
  std::string text;
  bool sensitive = false;
  std::string group;  // the set it comes from ("ctxdev4"): held out together in cross-validation
};

struct TrainOptions {
  int epochs = 8;
  float learning_rate = 0.2f;
  float l2 = 1e-6f;
  unsigned seed = 1;
};

LineModel train(const std::vector<Example>& examples, const TrainOptions& options = {});

// Labelled lines as tests/data/privacy keeps them: one JSON object per line with "id", "text" and
// "sensitive". The group is the id up to its first '-'. Errors name the file and line.
core::Result<std::vector<Example>> read_labelled_lines(const std::string& path);

// Ordinary text that holds no personal data (documentation, source code): each paragraph (text
// between blank lines, at least 40 bytes) is a negative example of group "prose". The labelled sets
// are prompts about people, and their negatives are look-alikes of those; without this a table of
// config keys or a license notice reads to the model like a form about someone.
core::Result<std::vector<Example>> read_prose(const std::string& path);

// What the build trains on, one "labelled PATH" or "prose PATH" per line (CMake writes it; the
// dataset test reads the same one): the examples in the manifest's order.
core::Result<std::vector<Example>> read_manifest(const std::string& path);

}  // namespace sy::line_model
