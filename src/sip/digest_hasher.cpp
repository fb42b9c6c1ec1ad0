#include "sip/digest_hasher.hpp"

#include <algorithm>
#include <array>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace dzvin::sip {

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

EVP_MD* fetch_or_throw(const char* name) {
  EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  if (md == nullptr) throw std::runtime_error(std::string("OpenSSL has no digest ") + name);
  return md;
}

EVP_MD_CTX* new_ctx_or_throw() {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) throw std::bad_alloc();
  return ctx;
}

// An OpenSSL digest call fails only when out of memory or misconfigured: a programming or
// start-up error, not a property of the input.
void check(int rc) {
  if (rc != 1) {
    std::fputs("dzvin: OpenSSL digest operation failed\n", stderr);
    std::abort();
  }
}

}  // namespace

DigestHasher::DigestHasher()
    : md5_(fetch_or_throw("MD5")), sha256_(fetch_or_throw("SHA256")), ctx_(new_ctx_or_throw()) {}

DigestHasher::~DigestHasher() {
  EVP_MD_CTX_free(ctx_);
  EVP_MD_free(sha256_);
  EVP_MD_free(md5_);
}

void DigestHasher::begin(DigestAlgorithm algorithm) {
  // EVP_DigestInit_ex2 with a pre-fetched EVP_MD reuses the context without a provider
  // lookup per call.
  check(EVP_DigestInit_ex2(ctx_, algorithm == DigestAlgorithm::md5 ? md5_ : sha256_, nullptr));
}

void DigestHasher::update(std::string_view bytes) {
  check(EVP_DigestUpdate(ctx_, bytes.data(), bytes.size()));
}

std::string_view DigestHasher::finish_hex(DigestHex& out) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  check(EVP_DigestFinal_ex(ctx_, digest, &size));
  for (unsigned int i = 0; i < size; ++i) {
    out[2 * i] = kHexDigits[digest[i] >> 4];
    out[2 * i + 1] = kHexDigits[digest[i] & 0x0f];
  }
  return {out.data(), std::size_t{size} * 2};
}

std::string_view DigestHasher::hash_joined(DigestAlgorithm algorithm,
                                           std::span<const std::string_view> parts,
                                           DigestHex& out) {
  begin(algorithm);
  bool first = true;
  for (std::string_view part : parts) {
    if (!first) update(":");
    first = false;
    update(part);
  }
  return finish_hex(out);
}

HmacSha256::HmacSha256(std::string_view key)
    : sha256_(fetch_or_throw("SHA256")),
      inner_(new_ctx_or_throw()),
      outer_(new_ctx_or_throw()),
      work_(new_ctx_or_throw()) {
  // RFC 2104 §2: keys longer than the block are hashed first; then padded to 64 bytes.
  constexpr std::size_t kBlock = 64;
  std::array<unsigned char, kBlock> k{};
  if (key.size() > kBlock) {
    unsigned int size = 0;
    check(EVP_Digest(key.data(), key.size(), k.data(), &size, sha256_, nullptr));
  } else {
    for (std::size_t i = 0; i < key.size(); ++i)
      k[i] = static_cast<unsigned char>(key[i]);
  }
  std::array<unsigned char, kBlock> pad{};
  for (std::size_t i = 0; i < kBlock; ++i)
    pad[i] = k[i] ^ 0x36;
  check(EVP_DigestInit_ex2(inner_, sha256_, nullptr));
  check(EVP_DigestUpdate(inner_, pad.data(), pad.size()));
  for (std::size_t i = 0; i < kBlock; ++i)
    pad[i] = k[i] ^ 0x5c;
  check(EVP_DigestInit_ex2(outer_, sha256_, nullptr));
  check(EVP_DigestUpdate(outer_, pad.data(), pad.size()));
  OPENSSL_cleanse(k.data(), k.size());
  OPENSSL_cleanse(pad.data(), pad.size());
}

HmacSha256::~HmacSha256() {
  EVP_MD_CTX_free(work_);
  EVP_MD_CTX_free(outer_);
  EVP_MD_CTX_free(inner_);
  EVP_MD_free(sha256_);
}

std::array<std::uint8_t, 32> HmacSha256::mac(std::span<const std::uint8_t> message) const {
  std::array<std::uint8_t, 32> inner_digest{};
  std::array<std::uint8_t, 32> result{};
  unsigned int size = 0;
  check(EVP_MD_CTX_copy_ex(work_, inner_));
  check(EVP_DigestUpdate(work_, message.data(), message.size()));
  check(EVP_DigestFinal_ex(work_, inner_digest.data(), &size));
  check(EVP_MD_CTX_copy_ex(work_, outer_));
  check(EVP_DigestUpdate(work_, inner_digest.data(), inner_digest.size()));
  check(EVP_DigestFinal_ex(work_, result.data(), &size));
  return result;
}

std::string compute_ha1(std::string_view username, std::string_view realm,
                        std::string_view password, DigestAlgorithm algorithm) {
  DigestHasher hasher;
  DigestHex hex{};
  const std::string_view parts[] = {username, realm, password};
  return std::string(hasher.hash_joined(algorithm, parts, hex));
}

void random_bytes(std::span<std::uint8_t> out) {
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    std::fputs("dzvin: no random numbers available (RAND_bytes failed)\n", stderr);
    std::abort();
  }
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string random_hex(std::size_t bytes) {
  std::array<std::uint8_t, 32> raw{};
  bytes = std::min(bytes, raw.size());
  random_bytes(std::span<std::uint8_t>(raw.data(), bytes));
  std::string hex;
  hex.reserve(bytes * 2);
  for (std::size_t i = 0; i < bytes; ++i) {
    hex.push_back(kHexDigits[raw[i] >> 4]);
    hex.push_back(kHexDigits[raw[i] & 0x0f]);
  }
  return hex;
}

}  // namespace dzvin::sip
