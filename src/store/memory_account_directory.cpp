#include "store/memory_account_directory.hpp"

#include <array>

namespace dzvin::store {

Result<std::unique_ptr<MemoryAccountDirectory>> MemoryAccountDirectory::load(
    TenantRepository& tenants, UserRepository& users) {
  auto tenant_list = tenants.list();
  if (!tenant_list) return tenant_list.error();
  auto user_list = users.list_all();
  if (!user_list) return user_list.error();
  auto dir = std::make_unique<MemoryAccountDirectory>();
  for (const Tenant& t : *tenant_list)
    dir->add_tenant(t);
  for (const User& u : *user_list)
    dir->add_user(u);
  return dir;
}

void MemoryAccountDirectory::add_tenant(const Tenant& tenant) {
  auto [it, inserted] = realms_.try_emplace(tenant.sip_domain);
  it->second.tenant_id = tenant.id;
  it->second.name = tenant.sip_domain;
  by_tenant_[tenant.id] = &it->second;  // unordered_map nodes do not move
  if (default_realm_.empty()) default_realm_ = tenant.sip_domain;
  (void)inserted;
}

bool MemoryAccountDirectory::add_user(const User& user) {
  auto t = by_tenant_.find(user.tenant_id);
  if (t == by_tenant_.end()) return false;
  Realm& realm = *t->second;
  sip::SipAccount account;
  account.tenant_id = user.tenant_id;
  account.user_id = user.id;
  account.username = user.username;
  account.realm = realm.name;
  account.ha1_md5 = user.ha1_md5;
  account.ha1_sha256 = user.ha1_sha256;
  auto [it, inserted] = realm.users.insert_or_assign(user.username, std::move(account));
  if (inserted) ++accounts_;
  (void)it;
  return true;
}

const sip::SipAccount* MemoryAccountDirectory::find(std::string_view realm,
                                                    std::string_view username) const {
  auto r = realms_.find(realm);
  if (r == realms_.end()) return nullptr;
  auto u = r->second.users.find(username);
  return u == r->second.users.end() ? nullptr : &u->second;
}

std::string_view MemoryAccountDirectory::realm_for_host(std::string_view host) const {
  // Domains are stored lower-case; lower the host into a stack buffer (hostnames are at most
  // 253 characters; anything longer cannot match).
  std::array<char, 256> lower{};
  if (host.size() <= lower.size()) {
    for (std::size_t i = 0; i < host.size(); ++i) {
      const char c = host[i];
      lower[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    auto it = realms_.find(std::string_view(lower.data(), host.size()));
    if (it != realms_.end()) return it->first;
  }
  return default_realm_;
}

}  // namespace dzvin::store
