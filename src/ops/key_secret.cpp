#include "ops/key_secret.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

namespace sy::ops {

namespace {

std::string base64url(std::span<const unsigned char> bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t bits = 0;
  int pending = 0;
  for (unsigned char b : bytes) {
    bits = (bits << 8) | b;
    pending += 8;
    while (pending >= 6) {
      pending -= 6;
      out.push_back(kAlphabet[(bits >> pending) & 0x3f]);
    }
  }
  if (pending > 0) out.push_back(kAlphabet[(bits << (6 - pending)) & 0x3f]);
  return out;  // no padding: the length is fixed anyway
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string to_hex(std::span<const unsigned char> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

std::vector<unsigned char> from_hex(std::string_view hex) {
  std::vector<unsigned char> out;
  if (hex.size() % 2) return out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = hex_value(hex[i]);
    int lo = hex_value(hex[i + 1]);
    if (hi < 0 || lo < 0) return {};
    out.push_back(static_cast<unsigned char>(hi * 16 + lo));
  }
  return out;
}

KeyHash salted_hash(std::span<const unsigned char> salt, std::string_view secret) {
  std::string input(reinterpret_cast<const char*>(salt.data()), salt.size());
  input.append(secret);
  KeyHash h{};
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), h.data());
  OPENSSL_cleanse(input.data(), input.size());
  return h;
}

bool same_hash(const KeyHash& a, const KeyHash& b) { return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0; }

std::string_view key_prefix(std::string_view presented) {
  if (presented.size() <= kKeyPrefixChars || !presented.starts_with(kKeySecretStart)) return {};
  return presented.substr(0, kKeyPrefixChars);
}

core::Result<KeySecret> make_key_secret() {
  std::array<unsigned char, 32> random{};
  std::array<unsigned char, 16> salt{};
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1 ||
      RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) {
    return core::Error::internal("the random number generator failed; no key was made");
  }
  KeySecret k;
  k.secret = std::string(kKeySecretStart) + base64url(random);
  k.prefix = std::string(key_prefix(k.secret));
  k.salt_hex = to_hex(salt);
  auto hash = salted_hash(salt, k.secret);
  k.hash_hex = to_hex(hash);
  OPENSSL_cleanse(random.data(), random.size());
  return k;
}

}  // namespace sy::ops
