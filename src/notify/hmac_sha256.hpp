#pragma once
// HMAC-SHA256 (RFC 2104) through OpenSSL: the signed media links and the webhook signatures.
#include <array>
#include <string>
#include <string_view>

namespace dzvin::notify {

using Sha256Mac = std::array<unsigned char, 32>;

// Aborts only when OpenSSL itself fails (out of memory): nothing a caller could handle.
Sha256Mac hmac_sha256(std::string_view key, std::string_view data);
// The same as 64 lower-case hex digits.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

}  // namespace dzvin::notify
