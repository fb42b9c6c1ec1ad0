#pragma once
// Shared by the registrar, location service, dispatcher and outbound registration tests: an
// in-memory account directory, a recording BindingStore, a client that answers digest
// challenges, and a transport that captures what is sent.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "sip/account_directory.hpp"
#include "sip/binding.hpp"
#include "sip/digest_authenticator.hpp"
#include "sip/digest_hasher.hpp"
#include "sip/header_values.hpp"
#include "sip/transport.hpp"

namespace dzvin::sip::testing {

class FakeAccounts final : public AccountDirectory {
 public:
  explicit FakeAccounts(std::string default_realm = "pbx.test")
      : default_realm_(std::move(default_realm)) {}
  void add(std::string username, std::string realm, std::string_view password,
           std::int64_t tenant = 1) {
    SipAccount a;
    a.tenant_id = tenant;
    a.user_id = static_cast<std::int64_t>(accounts_.size() + 1);
    a.ha1_md5 = compute_ha1(username, realm, password, DigestAlgorithm::md5);
    a.ha1_sha256 = compute_ha1(username, realm, password, DigestAlgorithm::sha256);
    a.username = std::move(username);
    a.realm = std::move(realm);
    accounts_.push_back(std::move(a));
  }
  const SipAccount* find(std::string_view realm, std::string_view username) const override {
    for (const auto& a : accounts_) {
      if (a.realm == realm && a.username == username) return &a;
    }
    return nullptr;
  }
  std::string_view realm_for_host(std::string_view host) const override {
    for (const auto& a : accounts_) {
      if (iequals(a.realm, host)) return a.realm;
    }
    return default_realm_;
  }

 private:
  std::vector<SipAccount> accounts_;
  std::string default_realm_;
};

// Keeps every message sent and where it went; `fail` makes sends fail (a transport error).
class CapturingTransport final : public TransportSender {
 public:
  bool send(const Peer& to, std::string_view bytes) override {
    if (fail) return false;
    sent.emplace_back(bytes);
    destinations.push_back(to);
    return true;
  }
  std::vector<std::string> sent;
  std::vector<Peer> destinations;
  bool fail = false;
};

class RecordingStore final : public BindingStore {
 public:
  struct Op {
    bool remove;
    std::string aor;
    std::string contact;
    std::uint32_t cseq;
  };
  void save(const Binding& b) override { ops.push_back({false, b.aor, b.contact, b.cseq}); }
  void remove(const std::string& aor, const std::string& contact) override {
    ops.push_back({true, aor, contact, 0});
  }
  std::vector<Binding> load_all() override { return {}; }
  std::vector<Op> ops;
};

// The value of a quoted auth-param in a challenge ("nonce" -> the nonce), empty if absent.
inline std::string challenge_param(std::string_view challenge, std::string_view name) {
  const std::string key = std::string(name) + "=\"";
  const auto pos = challenge.find(key);
  if (pos == std::string_view::npos) return {};
  const auto start = pos + key.size();
  return std::string(challenge.substr(start, challenge.find('"', start) - start));
}

// The Authorization header value a client sends in answer to a challenge.
inline std::string authorization(std::string_view username, std::string_view realm,
                                 std::string_view password, std::string_view nonce,
                                 std::string_view uri, DigestAlgorithm algorithm,
                                 std::string_view nc = "00000001",
                                 std::string_view method = "REGISTER", bool qop = true) {
  DigestHasher hasher;
  const std::string ha1 = compute_ha1(username, realm, password, algorithm);
  DigestHex out{};
  const std::string cnonce = "0a4f113b";
  const std::string_view response = compute_digest_response(
      hasher, DigestResponseInput{algorithm, ha1, nonce, qop, nc, cnonce, method, uri}, out);
  std::string v = "Digest username=\"" + std::string(username) + "\", realm=\"" +
                  std::string(realm) + "\", nonce=\"" + std::string(nonce) + "\", uri=\"" +
                  std::string(uri) + "\", response=\"" + std::string(response) +
                  "\", algorithm=" + std::string(to_string(algorithm));
  if (qop) v += ", qop=auth, nc=" + std::string(nc) + ", cnonce=\"" + cnonce + "\"";
  return v;
}

}  // namespace dzvin::sip::testing
