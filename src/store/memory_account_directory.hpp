#pragma once
// The sip::AccountDirectory the registrar reads: every tenant's SIP accounts loaded into
// memory at start-up (10,000 users take a few MB), so lookups on the signalling thread never
// touch the disk. Rebuild and swap it (on the signalling thread) after users change.
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/result.hpp"
#include "sip/account_directory.hpp"
#include "store/tenant_repository.hpp"
#include "store/user_repository.hpp"

namespace dzvin::store {

class MemoryAccountDirectory final : public sip::AccountDirectory {
 public:
  // Loads all tenants and users.
  static Result<std::unique_ptr<MemoryAccountDirectory>> load(TenantRepository& tenants,
                                                              UserRepository& users);

  // Adds a tenant (the first one added is the default realm) and its users.
  void add_tenant(const Tenant& tenant);
  // Adds a user of a tenant added before; false when the tenant is unknown.
  bool add_user(const User& user);

  const sip::SipAccount* find(std::string_view realm, std::string_view username) const override;
  // Exact, case-insensitive match of a tenant's sip_domain, else the default (first) tenant's.
  std::string_view realm_for_host(std::string_view host) const override;

  std::size_t tenant_count() const { return realms_.size(); }
  std::size_t account_count() const { return accounts_; }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  template <class V>
  using Map = std::unordered_map<std::string, V, Hash, std::equal_to<>>;
  struct Realm {
    std::int64_t tenant_id = 0;
    std::string name;
    Map<sip::SipAccount> users;
  };

  Map<Realm> realms_;  // by lower-case sip_domain
  std::unordered_map<std::int64_t, Realm*> by_tenant_;
  std::string default_realm_;
  std::size_t accounts_ = 0;
};

}  // namespace dzvin::store
