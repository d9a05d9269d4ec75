#include "engine/llama_runtime.h"

#include <mutex>
#include <string>

#include <llama.h>
#include <spdlog/spdlog.h>

namespace sy::engine {

namespace {

void route_log(ggml_log_level level, const char* text, void*) {
  // llama.cpp writes a line in pieces (CONT continues the previous one); keep whole lines.
  thread_local std::string line;
  thread_local ggml_log_level line_level = GGML_LOG_LEVEL_DEBUG;
  if (level != GGML_LOG_LEVEL_CONT) line_level = level;
  line += text;
  if (line.empty() || line.back() != '\n') return;
  line.pop_back();
  switch (line_level) {
    case GGML_LOG_LEVEL_ERROR: spdlog::error("llama.cpp: {}", line); break;
    case GGML_LOG_LEVEL_WARN: spdlog::warn("llama.cpp: {}", line); break;
    default: spdlog::debug("llama.cpp: {}", line); break;
  }
  line.clear();
}

}  // namespace

void ensure_llama_runtime() {
  static std::once_flag once;
  std::call_once(once, [] {
    llama_log_set(route_log, nullptr);
    llama_backend_init();
  });
}

}  // namespace sy::engine
