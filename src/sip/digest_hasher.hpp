#pragma once
// Hashing for HTTP/SIP digest authentication (RFC 2617, RFC 7616): MD5 and SHA-256 with
// lowercase hex output, and HMAC-SHA256 for nonce integrity. One object reuses its OpenSSL
// contexts across calls (the registrar hashes twice per REGISTER), so it is not thread-safe:
// one per thread. OpenSSL types stay out of this header.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "sip/digest_credentials.hpp"

struct evp_md_st;
struct evp_md_ctx_st;

namespace dzvin::sip {

// Enough for SHA-256 in hex.
inline constexpr std::size_t kMaxDigestHexBytes = 64;
using DigestHex = std::array<char, kMaxDigestHexBytes>;

// Hex length of an algorithm's output: 32 (MD5) or 64 (SHA-256).
constexpr std::size_t digest_hex_size(DigestAlgorithm algorithm) {
  return algorithm == DigestAlgorithm::md5 ? 32 : 64;
}

class DigestHasher {
 public:
  DigestHasher();
  ~DigestHasher();
  DigestHasher(const DigestHasher&) = delete;
  DigestHasher& operator=(const DigestHasher&) = delete;

  void begin(DigestAlgorithm algorithm);
  void update(std::string_view bytes);
  // Writes the lowercase hex digest into out and returns a view of it.
  std::string_view finish_hex(DigestHex& out);

  // H(a ":" b ":" c ...) in hex, the shape of every digest formula.
  std::string_view hash_joined(DigestAlgorithm algorithm, std::span<const std::string_view> parts,
                               DigestHex& out);

 private:
  evp_md_st* md5_ = nullptr;
  evp_md_st* sha256_ = nullptr;
  evp_md_ctx_st* ctx_ = nullptr;
};

// HMAC-SHA256 (RFC 2104) with a fixed key: the keyed inner/outer states are computed once, so
// each MAC costs two context copies and four compression rounds.
class HmacSha256 {
 public:
  explicit HmacSha256(std::string_view key);
  ~HmacSha256();
  HmacSha256(const HmacSha256&) = delete;
  HmacSha256& operator=(const HmacSha256&) = delete;

  std::array<std::uint8_t, 32> mac(std::span<const std::uint8_t> message) const;

 private:
  evp_md_st* sha256_ = nullptr;
  evp_md_ctx_st* inner_ = nullptr;  // state after K ^ ipad
  evp_md_ctx_st* outer_ = nullptr;  // state after K ^ opad
  evp_md_ctx_st* work_ = nullptr;
};

// Lowercase hex HA1 = H(username ":" realm ":" password) (RFC 2617 §3.2.2.2, RFC 7616
// §3.4.2). The only place a password is hashed; the result is what the store keeps.
std::string compute_ha1(std::string_view username, std::string_view realm,
                        std::string_view password, DigestAlgorithm algorithm);

// Cryptographically random bytes (OpenSSL RAND_bytes); aborts if the generator fails, which
// only happens when the system has no entropy source (a start-up failure).
void random_bytes(std::span<std::uint8_t> out);
// `bytes` (at most 32) random bytes as lowercase hex: tags, Call-IDs, opaque values.
std::string random_hex(std::size_t bytes);

// Compares in time independent of where the inputs differ (CRYPTO_memcmp); false when the
// lengths differ.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace dzvin::sip
