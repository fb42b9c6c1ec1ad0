#pragma once
// Expiring links to recorded audio (voicemail, call recordings) that can be followed from an
// e-mail without logging in: the URL carries its expiry and an HMAC-SHA256 over
// "kind:id:expires" keyed with a secret that never leaves the server. Whoever has the link can
// listen until it expires; changing any part of it breaks the signature.
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace dzvin::notify {

// `kind` names the media type in the URL path ("voicemail", "recording"): lower-case letters,
// digits, '-' and '_' (so "kind:id:expires" has one reading). Returns 64 lower-case hex digits.
std::string sign_media_link(std::string_view secret, std::string_view kind, std::int64_t id,
                            std::int64_t expires_unix);

// "<base_url without trailing '/'>/media/<kind>/<id>.wav?expires=<expires_unix>&sig=<hex>".
std::string media_link_url(std::string_view base_url, std::string_view kind, std::int64_t id,
                           std::int64_t expires_unix, std::string_view secret);

enum class LinkCheck { ok, expired, bad_signature };

// The signature is checked first, in constant time (CRYPTO_memcmp), so an expired link says
// "expired" only when it is genuine. Valid while now_unix < expires_unix. `sig_hex` comes
// from the URL: any text is safe (hex in either case, anything else is a bad signature).
LinkCheck check_media_link(std::string_view secret, std::string_view kind, std::int64_t id,
                           std::int64_t expires_unix, std::string_view sig_hex,
                           std::int64_t now_unix);

// The link secret: 32 random bytes kept as 64 hex digits in `path`. Read when the file exists
// (anything else in it is an error: replacing it would silently break every link sent);
// otherwise created with RAND_bytes, written with mode 0600 to "<path>.tmp", fsynced and
// renamed, so a crash never leaves a truncated secret. Returns the 32 raw bytes.
// Errors: NotifyErrc::secret_file, naming the path and the reason.
Result<std::string> load_or_create_secret(const std::string& path);

}  // namespace dzvin::notify
