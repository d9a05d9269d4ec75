#pragma once
// A smaller tokenizer cut from a real one. The tiny demo model spends most of its compute on the
// output projection, whose size is the vocabulary's, so `model init` keeps the first ids of the
// SentencePiece vocabulary (the most frequent merges, the control tokens and the 256 byte tokens)
// plus every piece that is one character long: English still tokenizes into familiar pieces,
// Chinese into single characters, and anything else falls back to bytes, so every text round-trips.
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

struct gguf_context;

namespace sy::engine {

// The ids to keep, ascending: [0, keep_first), then every later id whose piece is a single UTF-8
// code point (the lone "▁" included: SentencePiece emits it before a character that has no
// "▁x" piece, and without it the word boundary would be lost) or whose type is not a normal token.
std::vector<uint32_t> select_vocab(const std::vector<std::string>& pieces, const std::vector<int32_t>& types,
                                   uint32_t keep_first);

// Copies the tokenizer of the GGUF `vocab_file` into `meta` (every tokenizer.* key), reduced to
// select_vocab's ids and renumbered; scores and token types travel with their pieces and the
// special-token ids are remapped. Returns the new vocabulary size.
core::Result<uint32_t> copy_trimmed_vocab(const std::string& vocab_file, uint32_t keep_first, gguf_context* meta);

}  // namespace sy::engine
