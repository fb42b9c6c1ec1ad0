#pragma once
// A registration binding (RFC 3261 §10.3): one Contact of one address-of-record.
#include <cstdint>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "sip/transport.hpp"

namespace dzvin::sip {

struct Binding {
  std::int64_t tenant_id = 0;
  std::string aor;          // "user@realm"
  std::string contact;      // the Contact URI as registered
  std::string call_id;
  std::uint32_t cseq = 0;
  WallTime expires_at;      // wall time, so it survives a restart
  std::uint16_t q_milli = 1000;  // q-value * 1000
  Peer source;              // where the REGISTER came from (NAT: reach the phone here)
  std::string user_agent;
};

// Persistence of bindings. Calls come from the signalling thread: implementations queue the
// change and return at once (a writer thread batches them into transactions).
class BindingStore {
 public:
  virtual ~BindingStore() = default;
  virtual void save(const Binding& binding) = 0;
  virtual void remove(const std::string& aor, const std::string& contact) = 0;
  // Unexpired bindings, read once at start-up.
  virtual std::vector<Binding> load_all() = 0;
};

}  // namespace dzvin::sip
