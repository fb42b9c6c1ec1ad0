#pragma once
// Server nonces for digest authentication that the server can verify without remembering
// them (RFC 7616 §3.3 suggests time-stamp + private key). A nonce is the base64url text of
//   issued-at (8 bytes, unix seconds) | serial (8) | instance (4) | HMAC-SHA256(secret, first
//   20)[:16]
// The serial also indexes a fixed-size table of nonce-counts, which is how replays are
// refused (RFC 7616 §3.4: nc must increase; RFC 2617 §3.2.2: a nonce used without qop is
// accepted once) in constant memory and time.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.hpp"
#include "sip/digest_hasher.hpp"

namespace dzvin::sip {

struct NonceConfig {
  // After this a correct response gets 401 with stale=true (RFC 7616 §3.3).
  std::chrono::seconds lifetime{300};
  // HMAC key. Empty: 32 random bytes per process start (nonces of a previous run are then
  // answered with stale=true, so phones re-authenticate without prompting).
  std::string secret;
  // Size of the nonce-count table (rounded up to a power of two), 16 bytes a slot. A nonce
  // whose slot was taken over by a newer one counts as stale. At 20,000 challenges/s the
  // default remembers the last ~13 s of nonces; at ordinary rates, far longer than lifetime.
  std::size_t replay_slots = 1u << 18;
};

enum class NonceCheck : std::uint8_t {
  valid,    // ours, unexpired, nonce-count accepted and recorded
  stale,    // ours (or a previous run's) but expired or forgotten: re-challenge with stale=true
  replay,   // nonce-count not greater than the last seen, or a no-qop nonce used again
  invalid,  // not a nonce we issued (bad encoding or MAC)
};

class NonceManager {
 public:
  NonceManager(const Clock& clock, NonceConfig config = {});

  // Appends a fresh nonce (48 characters) to out.
  void issue(std::string& out);
  // Checks authenticity and age only (no state change).
  NonceCheck check(std::string_view nonce) const;
  // Full check for a request whose response was correct: authenticity, age, then the
  // nonce-count (nc == 0 means "no qop": the nonce may be used once). Records the count.
  NonceCheck use(std::string_view nonce, std::uint32_t nc);

 private:
  struct Decoded {
    std::uint64_t issued_at = 0;
    std::uint64_t serial = 0;
    NonceCheck state = NonceCheck::invalid;
  };
  Decoded decode(std::string_view nonce) const;

  struct Slot {
    std::uint64_t serial = 0;  // 0: never used
    std::uint32_t last_nc = 0;
    bool used_without_qop = false;
  };

  const Clock& clock_;
  NonceConfig config_;
  HmacSha256 mac_;
  std::uint32_t instance_ = 0;
  std::uint64_t next_serial_ = 1;
  std::vector<Slot> slots_;
  std::size_t slot_mask_ = 0;
};

}  // namespace dzvin::sip
