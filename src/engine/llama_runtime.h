#pragma once
// llama.cpp's process-wide state: the backend is initialised once, and its log goes through spdlog
// at debug level (its per-tensor chatter is noise at info), warnings and errors as such.
namespace sy::engine {

void ensure_llama_runtime();

}  // namespace sy::engine
