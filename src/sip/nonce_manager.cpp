#include "sip/nonce_manager.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <utility>

namespace dzvin::sip {

namespace {

constexpr std::size_t kPayloadBytes = 20;
constexpr std::size_t kMacBytes = 16;
constexpr std::size_t kRawBytes = kPayloadBytes + kMacBytes;  // 36 -> 48 base64 characters
constexpr std::size_t kEncodedBytes = kRawBytes / 3 * 4;
// base64url (RFC 4648 §5): safe inside a quoted-string and a URI.
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int decode_char(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

void put_u64(std::uint8_t* p, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) {
    p[i] = static_cast<std::uint8_t>(v & 0xff);
    v >>= 8;
  }
}
void put_u32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) {
    p[i] = static_cast<std::uint8_t>(v & 0xff);
    v >>= 8;
  }
}
std::uint64_t get_u64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v = (v << 8) | p[i];
  return v;
}
std::uint32_t get_u32(const std::uint8_t* p) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v = (v << 8) | p[i];
  return v;
}

std::string make_secret(const std::string& configured) {
  if (!configured.empty()) return configured;
  std::array<std::uint8_t, 32> key{};
  random_bytes(key);
  return std::string(reinterpret_cast<const char*>(key.data()), key.size());
}

std::uint64_t unix_seconds(WallTime t) {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  return s < 0 ? 0 : static_cast<std::uint64_t>(s);
}

}  // namespace

NonceManager::NonceManager(const Clock& clock, NonceConfig config)
    : clock_(clock), config_(std::move(config)), mac_(make_secret(config_.secret)) {
  std::array<std::uint8_t, 4> id{};
  random_bytes(id);
  instance_ = get_u32(id.data());
  slots_.resize(std::bit_ceil(std::max<std::size_t>(config_.replay_slots, 16)));
  slot_mask_ = slots_.size() - 1;
  config_.secret.clear();  // keep no second copy of the key around
}

void NonceManager::issue(std::string& out) {
  std::array<std::uint8_t, kRawBytes> raw{};
  put_u64(raw.data(), unix_seconds(clock_.wall_now()));
  put_u64(raw.data() + 8, next_serial_++);
  put_u32(raw.data() + 16, instance_);
  const auto mac = mac_.mac(std::span<const std::uint8_t>(raw.data(), kPayloadBytes));
  std::copy(mac.begin(), mac.begin() + kMacBytes, raw.begin() + kPayloadBytes);
  for (std::size_t i = 0; i < kRawBytes; i += 3) {
    const std::uint32_t v =
        (std::uint32_t{raw[i]} << 16) | (std::uint32_t{raw[i + 1]} << 8) | raw[i + 2];
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
}

NonceManager::Decoded NonceManager::decode(std::string_view nonce) const {
  Decoded d;
  if (nonce.size() != kEncodedBytes) return d;
  std::array<std::uint8_t, kRawBytes> raw{};
  for (std::size_t i = 0, o = 0; i < kEncodedBytes; i += 4, o += 3) {
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const int c = decode_char(nonce[i + k]);
      if (c < 0) return d;
      v = (v << 6) | static_cast<std::uint32_t>(c);
    }
    raw[o] = static_cast<std::uint8_t>(v >> 16);
    raw[o + 1] = static_cast<std::uint8_t>(v >> 8);
    raw[o + 2] = static_cast<std::uint8_t>(v);
  }
  const auto mac = mac_.mac(std::span<const std::uint8_t>(raw.data(), kPayloadBytes));
  const std::string_view expected(reinterpret_cast<const char*>(mac.data()), kMacBytes);
  const std::string_view got(reinterpret_cast<const char*>(raw.data() + kPayloadBytes), kMacBytes);
  if (!constant_time_equal(expected, got)) return d;

  d.issued_at = get_u64(raw.data());
  d.serial = get_u64(raw.data() + 8);
  const std::uint64_t now = unix_seconds(clock_.wall_now());
  const auto lifetime = static_cast<std::uint64_t>(config_.lifetime.count());
  if (get_u32(raw.data() + 16) != instance_) {
    // Authentic but from another run sharing the configured secret: its nonce-counts are
    // unknown here, so it must not be accepted; the client retries with a fresh nonce.
    d.state = NonceCheck::stale;
  } else if (d.issued_at > now + 1 || now - d.issued_at > lifetime) {
    d.state = NonceCheck::stale;
  } else {
    d.state = NonceCheck::valid;
  }
  return d;
}

NonceCheck NonceManager::check(std::string_view nonce) const {
  return decode(nonce).state;
}

NonceCheck NonceManager::use(std::string_view nonce, std::uint32_t nc) {
  const Decoded d = decode(nonce);
  if (d.state != NonceCheck::valid) return d.state;
  Slot& slot = slots_[d.serial & slot_mask_];
  // Slot serials only grow, so a nonce was used before iff the slot holds its serial, and a
  // slot holding a newer serial means this nonce's history is gone.
  if (slot.serial > d.serial) return NonceCheck::stale;
  if (slot.serial == d.serial) {
    if (nc == 0 || slot.used_without_qop || nc <= slot.last_nc) return NonceCheck::replay;
    slot.last_nc = nc;
    return NonceCheck::valid;
  }
  slot = Slot{d.serial, nc, nc == 0};
  return NonceCheck::valid;
}

}  // namespace dzvin::sip
