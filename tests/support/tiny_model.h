#pragma once
// A tiny llama-architecture model with random weights (2 layers, embd 64, ctx 1024), written once
// per test process into a temporary directory that is removed at exit. What engine, provider and
// routing tests run on when the weights do not matter.
#include <string>

namespace sy::testing {

const std::string& tiny_model_path();

}  // namespace sy::testing
