#pragma once
// The registrar of RFC 3261 §10.3: authenticates REGISTER requests with digest (§22), checks
// that the authenticated user registers its own address-of-record, validates the Contacts and
// their expiry, and updates the LocationService. It does not send anything: it returns the
// status, reason and extra headers, which the caller (SipService) hands to the transaction
// layer. The reply lives in the Registrar and is reused, so the hot path does not allocate.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/clock.hpp"
#include "sip/account_directory.hpp"
#include "sip/digest_authenticator.hpp"
#include "sip/location_service.hpp"
#include "sip/response_headers.hpp"
#include "sip/sip_message.hpp"
#include "sip/transport.hpp"

namespace dzvin::sip {

struct RegistrarConfig {
  std::uint32_t min_expires = 60;        // shorter non-zero requests get 423 (§10.3 step 7)
  std::uint32_t max_expires = 3600;      // longer requests are cut to this
  std::uint32_t default_expires = 3600;  // neither expires param nor Expires header
};

struct RegisterReply {
  int status = 0;
  std::string_view reason;              // static text
  ResponseHeaders headers;              // WWW-Authenticate, Min-Expires, Contact..., Date
  const SipAccount* account = nullptr;  // the authenticated account, when there was one
};

class Registrar {
 public:
  static constexpr std::size_t kMaxContactsPerRequest = 16;

  Registrar(const AccountDirectory& accounts, DigestAuthenticator& authenticator,
            LocationService& locations, const Clock& clock, RegistrarConfig config = {});

  // Handles one REGISTER that passed validate_request. The reply stays valid until the next
  // call.
  const RegisterReply& handle_register(const SipMessage& request, const Peer& from);

 private:
  const RegisterReply& finish(int status, std::string_view reason);
  void add_date();
  void add_current_contacts(std::string_view aor);

  const AccountDirectory& accounts_;
  DigestAuthenticator& authenticator_;
  LocationService& locations_;
  const Clock& clock_;
  RegistrarConfig config_;
  RegisterReply reply_;
  std::string aor_;
  std::array<ContactUpdate, kMaxContactsPerRequest> contacts_{};
  std::int64_t date_second_ = -1;
  std::array<char, 32> date_text_{};
  std::size_t date_size_ = 0;
};

}  // namespace dzvin::sip
