#include "ops/key_secret.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <memory>

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

struct FreeMdCtx {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

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

KeyHash sha256(std::string_view first, std::string_view second) {
  // The algorithm fetched once and a context per thread, reused: OpenSSL 3's one-shot SHA256()
  // looks the algorithm up and allocates a context on every call, which costs more than hashing
  // a key. Final wipes the context's copy of the input.
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local const std::unique_ptr<EVP_MD_CTX, FreeMdCtx> ctx(EVP_MD_CTX_new());
  KeyHash h{};
  unsigned int len = 0;
  if (md && ctx && EVP_DigestInit_ex2(ctx.get(), md, nullptr) && EVP_DigestUpdate(ctx.get(), first.data(), first.size()) &&
      EVP_DigestUpdate(ctx.get(), second.data(), second.size()) && EVP_DigestFinal_ex(ctx.get(), h.data(), &len) &&
      len == h.size()) {
    return h;
  }
  // Short of memory only: the one-shot path, never a made-up hash.
  std::string input(first);
  input.append(second);
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), h.data());
  OPENSSL_cleanse(input.data(), input.size());
  return h;
}

KeyHash salted_hash(std::span<const unsigned char> salt, std::string_view secret) {
  return sha256(std::string_view(reinterpret_cast<const char*>(salt.data()), salt.size()), secret);
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
