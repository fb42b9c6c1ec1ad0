#include "notify/hmac_sha256.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>
#include <cstdlib>

namespace dzvin::notify {

Sha256Mac hmac_sha256(std::string_view key, std::string_view data) {
  Sha256Mac mac{};
  unsigned int size = 0;
  // OpenSSL may refuse a null key pointer even with length 0.
  const void* key_bytes = key.empty() ? static_cast<const void*>("") : key.data();
  if (HMAC(EVP_sha256(), key_bytes, static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(),
           &size) == nullptr ||
      size != mac.size()) {
    std::fputs("dzvin: OpenSSL HMAC-SHA256 failed\n", stderr);
    std::abort();
  }
  return mac;
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  static constexpr char kHex[] = "0123456789abcdef";
  const Sha256Mac mac = hmac_sha256(key, data);
  std::string hex;
  hex.reserve(mac.size() * 2);
  for (const unsigned char b : mac) {
    hex += kHex[b >> 4];
    hex += kHex[b & 0xF];
  }
  return hex;
}

}  // namespace dzvin::notify
