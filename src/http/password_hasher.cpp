#include "http/password_hasher.hpp"

#include <argon2.h>
#include <openssl/rand.h>

#include <array>
#include <cstdint>

namespace dzvin::http {

namespace {

// OWASP Password Storage Cheat Sheet: argon2id with m=19 MiB, t=2, p=1.
constexpr std::uint32_t kTimeCost = 2;
constexpr std::uint32_t kMemoryKiB = 19 * 1024;
constexpr std::uint32_t kParallelism = 1;
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;

}  // namespace

Result<void> validate_password(std::string_view password, std::string_view field) {
  if (password.size() < kMinPasswordBytes || password.size() > kMaxPasswordBytes)
    return make_error(400, std::string(field) + ": must be " + std::to_string(kMinPasswordBytes) +
                               ".." + std::to_string(kMaxPasswordBytes) + " bytes long");
  return {};
}

Result<std::string> hash_password(std::string_view password) {
  if (auto valid = validate_password(password); !valid) return valid.error();
  std::array<unsigned char, kSaltBytes> salt{};
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1)
    return make_error(500, "no random numbers available (RAND_bytes failed)");
  std::string encoded(
      argon2_encodedlen(kTimeCost, kMemoryKiB, kParallelism, kSaltBytes, kHashBytes, Argon2_id),
      '\0');
  const int rc =
      argon2id_hash_encoded(kTimeCost, kMemoryKiB, kParallelism, password.data(), password.size(),
                            salt.data(), salt.size(), kHashBytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK)
    return make_error(500, std::string("argon2id failed: ") + argon2_error_message(rc));
  encoded.resize(encoded.find('\0'));  // argon2_encodedlen counts the terminating NUL
  return encoded;
}

bool verify_password(std::string_view password, std::string_view phc) {
  if (!phc.starts_with("$argon2id$") || password.size() > kMaxPasswordBytes) return false;
  const std::string terminated(phc);  // libargon2 wants a C string
  return argon2id_verify(terminated.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace dzvin::http
