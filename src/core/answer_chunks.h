#pragma once
// A whole answer and a stream of chunks are two shapes of one thing. as_chunks turns a whole
// answer into the chunks a stream of it would carry (so one path can carry both, and a cached
// whole answer can be streamed); AnswerCollector gathers chunks back into the whole answer
// (a non-streaming client's body, a cache entry). as_chunks then collect gives the answer back
// with every field the core types hold.
#include <map>
#include <vector>

#include "core/chat.h"

namespace sy::core {

// One chunk per choice (role, all its text, its tool calls, finish reason), then a usage chunk
// when the answer has usage. The answer's own fields ride on the first chunk.
std::vector<ChatChunk> as_chunks(ChatResponse answer);

class AnswerCollector {
 public:
  void add(ChatChunk chunk);
  // The answer gathered so far; the collector is empty afterwards.
  ChatResponse take();
  // Nothing said yet: no text and no tool call in any choice.
  bool empty() const;
  void clear() { *this = AnswerCollector(); }

 private:
  struct Partial {
    Choice choice;
    std::string text;
    bool has_text = false;
    std::map<int, ToolCall> tool_calls;  // by the stream's tool call index
  };
  ChatResponse head_;  // id, model, created, extensions, usage
  bool has_head_ = false;
  std::map<int, Partial> choices_;
};

}  // namespace sy::core
