#pragma once
// What the registrar needs to know about SIP accounts. Implemented above sip/ (the store loads
// accounts into memory at start-up); read on the signalling thread, so lookups must not block.
#include <cstdint>
#include <string>
#include <string_view>

namespace dzvin::sip {

struct SipAccount {
  std::int64_t tenant_id = 0;
  std::int64_t user_id = 0;
  std::string username;    // the digest username and AoR user part
  std::string realm;       // the tenant's SIP domain, also the digest realm
  std::string ha1_md5;     // hex MD5(username:realm:password), RFC 2617 §3.2.2.2
  std::string ha1_sha256;  // hex SHA-256(username:realm:password), RFC 7616 §3.4.2
};

class AccountDirectory {
 public:
  virtual ~AccountDirectory() = default;
  // The account, or nullptr. `realm` is the tenant's SIP domain.
  virtual const SipAccount* find(std::string_view realm, std::string_view username) const = 0;
  // The realm a request for `host` (the To/Request-URI host) belongs to: the tenant whose
  // domain it is, else the default tenant's (requests to our IP address).
  virtual std::string_view realm_for_host(std::string_view host) const = 0;
};

}  // namespace dzvin::sip
