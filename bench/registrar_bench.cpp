// Registrar throughput: one iteration is what a phone costs the registrar per registration,
// two REGISTER transactions on the signalling thread:
//   REGISTER (no credentials) -> parse, validate, 401 with SHA-256 and MD5 challenges
//   REGISTER (Authorization)  -> parse, validate, digest verification, nonce checks,
//                                location update (refresh), 200 with Contact and Date
// It also includes the client's side (building both requests as text and computing the
// digest response), so the server-side figure is a little better than reported. 1,000
// accounts are registered round-robin, each refreshing its own binding.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "base/clock.hpp"
#include "base/timer_queue.hpp"
#include "sip/account_directory.hpp"
#include "sip/digest_authenticator.hpp"
#include "sip/digest_hasher.hpp"
#include "sip/location_service.hpp"
#include "sip/registrar.hpp"
#include "sip/sip_message.hpp"

namespace {

using namespace dzvin;
using namespace dzvin::sip;

constexpr std::string_view kRealm = "bench.test";
constexpr int kUsers = 1000;

class BenchAccounts final : public AccountDirectory {
 public:
  BenchAccounts() {
    for (int i = 0; i < kUsers; ++i) {
      SipAccount a;
      a.tenant_id = 1;
      a.user_id = i + 1;
      a.username = "u" + std::to_string(10000 + i);
      a.realm = std::string(kRealm);
      a.ha1_md5 = compute_ha1(a.username, kRealm, "pw-" + a.username, DigestAlgorithm::md5);
      a.ha1_sha256 = compute_ha1(a.username, kRealm, "pw-" + a.username, DigestAlgorithm::sha256);
      accounts_.push_back(std::move(a));
    }
  }
  const SipAccount* find(std::string_view realm, std::string_view username) const override {
    if (realm != kRealm || username.size() != 6) return nullptr;
    const int i = std::stoi(std::string(username.substr(1))) - 10000;
    return i >= 0 && i < kUsers ? &accounts_[static_cast<std::size_t>(i)] : nullptr;
  }
  std::string_view realm_for_host(std::string_view) const override { return kRealm; }
  const SipAccount& at(int i) const { return accounts_[static_cast<std::size_t>(i)]; }

 private:
  std::vector<SipAccount> accounts_;
};

class NullStore final : public BindingStore {
 public:
  void save(const Binding&) override {}
  void remove(const std::string&, const std::string&) override {}
  std::vector<Binding> load_all() override { return {}; }
};

void append_register(std::string& m, const std::string& user, std::uint32_t cseq,
                     std::string_view authorization) {
  m += "REGISTER sip:bench.test SIP/2.0\r\n"
       "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK";
  m += std::to_string(cseq);
  m += user;
  m += ";rport\r\nMax-Forwards: 70\r\nFrom: <sip:";
  m += user;
  m += "@bench.test>;tag=8f3a2c\r\nTo: <sip:";
  m += user;
  m += "@bench.test>\r\nCall-ID: 5f1e2d3c-";
  m += user;
  m += "@192.0.2.10\r\nCSeq: ";
  m += std::to_string(cseq);
  m += " REGISTER\r\nContact: <sip:";
  m += user;
  m += "@192.0.2.10:5060;transport=udp>;expires=3600\r\n";
  if (!authorization.empty()) {
    m += "Authorization: ";
    m += authorization;
    m += "\r\n";
  }
  m += "Expires: 3600\r\nUser-Agent: Yealink SIP-T46S 66.86.0.15\r\nAllow: INVITE, ACK, CANCEL, "
       "BYE, OPTIONS\r\n"
       "Content-Length: 0\r\n\r\n";
}

void BM_RegisterWithDigest(benchmark::State& state) {
  const auto algorithm = state.range(0) == 0 ? DigestAlgorithm::md5 : DigestAlgorithm::sha256;
  SystemClock clock;
  TimerQueue timers;
  BenchAccounts accounts;
  NullStore store;
  LocationService locations(timers, clock, store);
  DigestAuthenticator authenticator(accounts, clock);
  Registrar registrar(accounts, authenticator, locations, clock);
  const Peer peer{TransportKind::udp, *IpEndpoint::parse("192.0.2.10:5060", 5060), {}, 0};
  std::vector<std::uint32_t> cseq(kUsers, 0);
  DigestHasher client_hasher;
  std::string nonce;
  std::string auth;
  int user = 0;
  std::int64_t ok = 0;

  for (auto _ : state) {
    const SipAccount& account = accounts.at(user);
    std::string first;
    first.reserve(640);
    append_register(first, account.username, ++cseq[static_cast<std::size_t>(user)], {});
    auto challenge_request = parse_message(std::move(first));
    if (!challenge_request || !validate_request(*challenge_request))
      state.SkipWithError("bad request");
    const RegisterReply& challenge = registrar.handle_register(*challenge_request, peer);
    if (challenge.status != 401) state.SkipWithError("expected 401");
    const std::string_view www =
        challenge.headers.value(algorithm == DigestAlgorithm::sha256 ? 0 : 1);
    const auto start = www.find("nonce=\"") + 7;
    nonce.assign(www.substr(start, www.find('"', start) - start));

    DigestHex response{};
    const std::string_view ha1 =
        algorithm == DigestAlgorithm::md5 ? account.ha1_md5 : account.ha1_sha256;
    compute_digest_response(client_hasher,
                            DigestResponseInput{algorithm, ha1, nonce, true, "00000001", "0a4f113b",
                                                "REGISTER", "sip:bench.test"},
                            response);
    auth.clear();
    auth += "Digest username=\"";
    auth += account.username;
    auth += "\", realm=\"bench.test\", nonce=\"";
    auth += nonce;
    auth += "\", uri=\"sip:bench.test\", response=\"";
    auth.append(response.data(), digest_hex_size(algorithm));
    auth += "\", algorithm=";
    auth += to_string(algorithm);
    auth += ", cnonce=\"0a4f113b\", qop=auth, nc=00000001";

    std::string second;
    second.reserve(1024);
    append_register(second, account.username, ++cseq[static_cast<std::size_t>(user)], auth);
    auto register_request = parse_message(std::move(second));
    if (!register_request || !validate_request(*register_request))
      state.SkipWithError("bad request");
    const RegisterReply& reply = registrar.handle_register(*register_request, peer);
    ok += reply.status == 200;
    benchmark::DoNotOptimize(reply.headers.size());
    user = (user + 1) % kUsers;
  }
  if (ok != static_cast<std::int64_t>(state.iterations()))
    state.SkipWithError("not every REGISTER succeeded");
  state.counters["registrations/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["REGISTER tx/s"] = benchmark::Counter(
      2.0 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["bindings"] = static_cast<double>(locations.binding_count());
}
BENCHMARK(BM_RegisterWithDigest)->Arg(0)->Arg(1)->ArgName("sha256");

// The server's digest work alone: verify a correct response against a fresh nonce.
void BM_DigestVerify(benchmark::State& state) {
  SystemClock clock;
  BenchAccounts accounts;
  DigestAuthenticator authenticator(accounts, clock);
  DigestHasher client;
  std::string nonce;
  std::uint32_t nc = 0;
  const SipAccount& account = accounts.at(7);
  nonce.clear();
  authenticator.nonces().issue(nonce);
  for (auto _ : state) {
    char nc_text[9];
    std::snprintf(nc_text, sizeof nc_text, "%08x", ++nc);
    DigestHex response{};
    const std::string_view r = compute_digest_response(
        client,
        DigestResponseInput{DigestAlgorithm::md5, account.ha1_md5, nonce, true, nc_text, "c",
                            "REGISTER", "sip:bench.test"},
        response);
    DigestCredentials creds;
    creds.username = account.username;
    creds.realm = kRealm;
    creds.nonce = nonce;
    creds.uri = "sip:bench.test";
    creds.response = r;
    creds.cnonce = "c";
    creds.nc_text = nc_text;
    creds.nc = nc;
    creds.qop = DigestQop::auth;
    const AuthResult result = authenticator.verify(creds, "REGISTER", kRealm);
    if (result.outcome != AuthOutcome::authenticated) state.SkipWithError("verify failed");
  }
}
BENCHMARK(BM_DigestVerify);

}  // namespace
