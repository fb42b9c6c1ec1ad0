#include "notify/media_link.hpp"

#include "notify/hmac_sha256.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <cassert>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/log.hpp"
#include "notify/notify_error.hpp"

namespace dzvin::notify {

namespace {

constexpr std::size_t kSecretBytes = 32;
constexpr std::size_t kMacBytes = 32;  // SHA-256
constexpr char kHex[] = "0123456789abcdef";

using Mac = std::array<unsigned char, kMacBytes>;

bool is_kind(std::string_view kind) {
  if (kind.empty()) return false;
  for (char c : kind) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

Mac compute_mac(std::string_view secret, std::string_view kind, std::int64_t id,
                std::int64_t expires_unix) {
  const std::string data =
      std::string(kind) + ":" + std::to_string(id) + ":" + std::to_string(expires_unix);
  return hmac_sha256(secret, data);
}

std::string to_hex(const unsigned char* bytes, std::size_t n) {
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 0x0f];
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Exactly 2 * out.size() hex digits into out.
bool from_hex(std::string_view hex, unsigned char* out, std::size_t n) {
  if (hex.size() != 2 * n) return false;
  for (std::size_t i = 0; i < n; ++i) {
    const int hi = hex_value(hex[2 * i]);
    const int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  return true;
}

Error secret_error(const std::string& path, std::string_view what) {
  return make_error(code(NotifyErrc::secret_file),
                    "link secret " + path + ": " + std::string(what));
}

Error secret_errno(const std::string& path, std::string_view what) {
  return secret_error(path, std::string(what) + ": " + std::strerror(errno));
}

Result<std::string> read_secret(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return secret_errno(path, "cannot open");
  std::ostringstream text;
  text << in.rdbuf();
  std::string hex = text.str();
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r' || hex.back() == ' ')) {
    hex.pop_back();
  }
  std::string secret(kSecretBytes, '\0');
  if (!from_hex(hex, reinterpret_cast<unsigned char*>(secret.data()), kSecretBytes)) {
    return secret_error(path,
                        "expected 64 hex digits; remove the file to make a new secret "
                        "(links already sent stop working)");
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    log(LogLevel::warn, "notify.secret_readable_by_others", {{"path", path}});
  }
  return secret;
}

Result<void> write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(0, std::strerror(errno));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

Result<std::string> create_secret(const std::string& path) {
  std::array<unsigned char, kSecretBytes> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return secret_error(path, "no random numbers available (RAND_bytes failed)");
  }
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return secret_errno(tmp, "cannot create");
  // A leftover temporary file keeps its old mode through O_TRUNC.
  bool ok = ::fchmod(fd, 0600) == 0;
  Result<void> written = ok ? write_all(fd, to_hex(bytes.data(), bytes.size()) + "\n")
                            : make_error(0, std::strerror(errno));
  if (written && ::fsync(fd) != 0) written = make_error(0, std::strerror(errno));
  ::close(fd);
  if (!written) {
    ::unlink(tmp.c_str());
    return secret_error(tmp, "cannot write: " + written.error().message);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const Error e = secret_errno(path, "cannot rename " + tmp);
    ::unlink(tmp.c_str());
    return e;
  }
  // The rename itself is durable only once the directory is.
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  log(LogLevel::info, "notify.secret_created", {{"path", path}});
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

}  // namespace

std::string sign_media_link(std::string_view secret, std::string_view kind, std::int64_t id,
                            std::int64_t expires_unix) {
  assert(is_kind(kind));
  const Mac mac = compute_mac(secret, kind, id, expires_unix);
  return to_hex(mac.data(), mac.size());
}

std::string media_link_url(std::string_view base_url, std::string_view kind, std::int64_t id,
                           std::int64_t expires_unix, std::string_view secret) {
  while (!base_url.empty() && base_url.back() == '/')
    base_url.remove_suffix(1);
  return std::string(base_url) + "/media/" + std::string(kind) + "/" + std::to_string(id) +
         ".wav?expires=" + std::to_string(expires_unix) +
         "&sig=" + sign_media_link(secret, kind, id, expires_unix);
}

LinkCheck check_media_link(std::string_view secret, std::string_view kind, std::int64_t id,
                           std::int64_t expires_unix, std::string_view sig_hex,
                           std::int64_t now_unix) {
  if (!is_kind(kind)) return LinkCheck::bad_signature;
  Mac given{};
  if (!from_hex(sig_hex, given.data(), given.size())) return LinkCheck::bad_signature;
  const Mac expected = compute_mac(secret, kind, id, expires_unix);
  if (CRYPTO_memcmp(given.data(), expected.data(), expected.size()) != 0) {
    return LinkCheck::bad_signature;
  }
  return now_unix < expires_unix ? LinkCheck::ok : LinkCheck::expired;
}

Result<std::string> load_or_create_secret(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return read_secret(path);
  if (errno != ENOENT) return secret_errno(path, "cannot stat");
  return create_secret(path);
}

}  // namespace dzvin::notify
