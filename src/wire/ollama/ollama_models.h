#pragma once
// What Ollama's model endpoints answer: GET /api/tags (the models a client may ask for), POST
// /api/show (one of them) and GET /api/version. The facts come from the api layer (the config,
// the registry, the loaded GGUF); what is not known stays empty or 0, as Ollama's clients expect
// every field to be there.
#include <cstdint>
#include <string>
#include <vector>

namespace sy::wire::ollama {

struct ModelEntry {
  std::string name;                 // what clients send as `model`
  std::string modified_at;          // RFC 3339
  int64_t size = 0;                 // bytes of the model file (local models)
  std::string digest;               // sha256 of the file, when known
  std::string format;               // "gguf" for local models
  std::string family;               // the architecture (local) or the provider (remote, routes)
  std::string parameter_size;       // "8.0B", "135.3M"
  std::string quantization_level;   // as llama.cpp names the file type: "Q4_K - Medium", "F32"
  std::vector<std::string> capabilities;  // completion, tools, embedding
  std::string chat_template;        // /api/show's `template`
  int64_t parameters = 0;           // /api/show's model_info
  int64_t context_length = 0;
};

// "8.0B", "135.3M", "4.2K" as Ollama writes a parameter count; "" for 0.
std::string parameter_size(uint64_t parameters);

std::string format_tags(const std::vector<ModelEntry>& models);
std::string format_show(const ModelEntry& model);
std::string format_version(const std::string& version);

}  // namespace sy::wire::ollama
