#pragma once
// The secrets of keys kept in the store. A secret is "sk-sy-" and 32 random bytes (OpenSSL's
// RAND_bytes) in base64url: 256 bits nobody can guess. The store keeps SHA-256(salt || secret)
// with 16 random bytes of salt per key, and the secret's first 14 characters as its prefix.
//
// Why a plain salted SHA-256 and not a slow password hash (bcrypt, scrypt, Argon2): a slow hash
// exists to make guessing a low-entropy password expensive; a 256-bit random secret cannot be
// guessed at any speed, so slowness would buy nothing and would cost every request its
// milliseconds. The salt keeps two stores (or a leaked table) from sharing precomputed work and
// makes equal hashes impossible to spot. The prefix (48 random bits of the 256) only finds the row.
#include <array>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace sy::ops {

inline constexpr std::string_view kKeySecretStart = "sk-sy-";
inline constexpr size_t kKeyPrefixChars = 14;  // "sk-sy-" and 8 characters of the random part

using KeyHash = std::array<unsigned char, 32>;

struct KeySecret {
  std::string secret;    // shown once, never stored
  std::string prefix;
  std::string salt_hex;
  std::string hash_hex;
};

// A new random secret with its salt and hash. 500 if the random generator fails.
core::Result<KeySecret> make_key_secret();
// The prefix a presented key would be listed under; "" when it cannot be a store key's secret.
std::string_view key_prefix(std::string_view presented);
KeyHash salted_hash(std::span<const unsigned char> salt, std::string_view secret);
// SHA-256 of `first` followed by `second`: every presented key is hashed once per request.
KeyHash sha256(std::string_view first, std::string_view second = {});
// Constant time: how long it takes says nothing about where two hashes differ.
bool same_hash(const KeyHash& a, const KeyHash& b);

std::string to_hex(std::span<const unsigned char> bytes);
// Empty when `hex` is not an even number of hex digits.
std::vector<unsigned char> from_hex(std::string_view hex);

}  // namespace sy::ops
