#pragma once
// The location service of RFC 3261 §10: the current bindings (contacts) of every
// address-of-record, in memory, on the signalling thread. Changes are applied per REGISTER as
// one unit (§10.3 step 7: all or nothing), written through to a BindingStore (which queues
// them for a writer thread) and announced to a subscriber. Expiry runs on the loop's
// TimerQueue: one timer per AoR, at its earliest expiry.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/clock.hpp"
#include "base/timer_queue.hpp"
#include "sip/binding.hpp"
#include "sip/transport.hpp"

namespace dzvin::sip {

struct LocationConfig {
  std::size_t max_contacts_per_aor = 10;
};

// One Contact of a REGISTER, already validated by the registrar.
struct ContactUpdate {
  std::string_view uri;       // the Contact URI, without <>
  std::uint32_t expires = 0;  // seconds, 0 removes
  std::uint16_t q_milli = 1000;
};

// The binding changes one REGISTER asks for.
struct RegisterUpdate {
  std::int64_t tenant_id = 0;
  std::string_view aor;  // canonical "user@realm"
  std::string_view call_id;
  std::uint32_t cseq = 0;
  const Peer* source = nullptr;
  std::string_view user_agent;
  bool remove_all = false;  // "Contact: *" with Expires: 0 (§10.3 step 6)
  std::span<const ContactUpdate> contacts;
};

enum class UpdateError : std::uint8_t {
  none,
  out_of_order,       // same Call-ID, CSeq not higher (§10.3 step 7): 500
  too_many_contacts,  // would exceed max_contacts_per_aor
};

// A binding in memory: the persisted Binding plus its deadline on the loop's clock.
struct LocationEntry {
  Binding binding;
  SteadyTime expires;
};

struct RegistrationChange {
  enum class Kind : std::uint8_t { registered, unregistered, expired };
  Kind kind = Kind::registered;
  std::int64_t tenant_id = 0;
  std::string_view aor;
  std::string_view contact;
  std::size_t contacts_now = 0;  // bindings the AoR has after the change
};

class LocationService {
 public:
  using ChangeCallback = std::function<void(const RegistrationChange&)>;

  LocationService(TimerQueue& timers, const Clock& clock, BindingStore& store,
                  LocationConfig config = {});
  ~LocationService();
  LocationService(const LocationService&) = delete;
  LocationService& operator=(const LocationService&) = delete;

  // Loads bindings persisted by a previous run (BindingStore::load_all()); expired ones and
  // ones beyond the per-AoR bound are dropped. Does not write back to the store.
  void restore(std::vector<Binding> bindings);

  // Applies the changes of one REGISTER, or none of them.
  UpdateError apply(const RegisterUpdate& update);

  // The AoR's current bindings (empty when none). Valid until the next change.
  std::span<const LocationEntry> find(std::string_view aor) const;
  // Every AoR with its bindings (the app's registrations listing).
  void for_each(
      const std::function<void(std::string_view aor, std::span<const LocationEntry>)>& fn) const;

  std::size_t aor_count() const { return aors_.size(); }
  std::size_t binding_count() const { return binding_count_; }

  // Subscribes to binding additions, removals and expiries (one subscriber: the app fans out).
  void on_change(ChangeCallback callback) { on_change_ = std::move(callback); }

  // Approximate heap + inline bytes the service holds per binding (reported by tests).
  std::size_t memory_bytes() const;

 private:
  struct AorRecord {
    std::vector<LocationEntry> entries;
    TimerId timer = 0;
    SteadyTime timer_at{};
  };
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  using Map = std::unordered_map<std::string, AorRecord, Hash, std::equal_to<>>;

  void expire(const std::string* aor_key);
  void arm_timer(const std::string& aor_key, AorRecord& record);
  void notify(RegistrationChange::Kind kind, const Binding& binding, std::size_t contacts_now);
  static std::ptrdiff_t find_contact(const AorRecord& record, std::string_view uri);

  TimerQueue& timers_;
  const Clock& clock_;
  BindingStore& store_;
  LocationConfig config_;
  Map aors_;
  std::size_t binding_count_ = 0;
  ChangeCallback on_change_;
};

}  // namespace dzvin::sip
