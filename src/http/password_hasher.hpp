#pragma once
// Web login passwords: argon2id (RFC 9106) stored as a PHC string
// ("$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>"), with the OWASP parameters t=2, m=19 MiB,
// p=1 and a random 16-byte salt. SIP passwords are not hashed here: digest authentication
// needs their HA1 (store/user_repository.hpp).
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace dzvin::http {

inline constexpr std::size_t kMinPasswordBytes = 8;
inline constexpr std::size_t kMaxPasswordBytes = 256;

// 8..256 bytes; otherwise an Error with code 400 whose message starts with `field` and ": "
// (api_error.hpp turns it into a 400 naming the field).
Result<void> validate_password(std::string_view password, std::string_view field = "password");

// A new PHC string for `password` (validated as above). A hashing failure (out of memory) is a
// 500 Error.
Result<std::string> hash_password(std::string_view password);

// Whether `password` matches `phc` (an argon2id PHC string; anything else never matches). The
// comparison inside libargon2 takes the same time wherever the hashes differ.
bool verify_password(std::string_view password, std::string_view phc);

}  // namespace dzvin::http
