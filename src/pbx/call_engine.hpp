#pragma once
// CallEngine: the B2BUA. Every call is a caller leg (the UAS side of the caller's INVITE) and
// any number of callee legs (UAC INVITEs Dzvin sends); the engine relays provisional and
// final responses between them, forks to every registered contact of the called user at
// once, cancels the losers when one answers, and ends both sides on BYE. It runs on the
// signalling loop, as the transaction user for INVITE, ACK, BYE, CANCEL, INFO and UPDATE
// (sip::SipService hands them over), and emits CallEvents.
//
// Every call runs a routing scheme (scheme_executor.hpp) on the signalling loop: the scheme
// attached to the dialled number, or, when a user is dialled directly, "ring all of the
// user's phones". The engine is the scheme's CallControl: ring() forks INVITEs to the phones
// of the targets, hangup() gives the caller its final answer. INVITEs are digest-
// authenticated (401, as for REGISTER). With a media engine the audio is anchored: the caller
// and the callees each see Dzvin's address in the SDP (offer/answer per leg, G.711 µ-law or
// A-law on each side, transcoded between them) and the RTP of both legs goes through the
// relay.
//
// Trunks (trunk.hpp): an INVITE whose source address belongs to a trunk is not challenged; it
// may only reach the company's numbers (DIDs) that have a scheme. Ring targets that are
// external numbers or SIP URIs are called through a trunk, answering the provider's digest
// challenge with the trunk's credentials; a user who dials an external number is forwarded
// through the default trunk. Those legs are anchored like any other.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "base/clock.hpp"
#include "base/result.hpp"
#include "base/timer_queue.hpp"
#include "pbx/call_event.hpp"
#include "pbx/call_routes.hpp"
#include "pbx/directory.hpp"
#include "pbx/phone_number.hpp"
#include "pbx/recording_policy.hpp"
#include "pbx/voicemail_box.hpp"
#include "sip/account_directory.hpp"
#include "sip/digest_authenticator.hpp"
#include "sip/location_service.hpp"
#include "sip/transaction_layer.hpp"
#include "sip/transport.hpp"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace dzvin::media {
class MediaEngine;
struct MediaEvent;
}  // namespace dzvin::media

namespace dzvin::pbx {

class TrunkTable;
class PromptClips;

struct CallEngineConfig {
  // How long the called user's phones ring before the caller gets 480.
  std::chrono::milliseconds ring_timeout{30'000};
  // RFC 3261 §13.3.1.4: our 2xx to the caller is resent from T1, doubling up to T2, until
  // the ACK comes; without an ACK after 64*T1 the call is ended with BYE.
  std::chrono::milliseconds t1{500};
  std::chrono::milliseconds t2{4000};
  // Host for our Contact when the socket a leg uses is bound to a wildcard address.
  std::string advertised_host = "127.0.0.1";
  std::uint16_t advertised_port = 5060;
  // How dialled and presented numbers are read (E.164 normalisation).
  NumberingPlan numbering;
  // How long a user's call to an external number may ring at the far end.
  std::chrono::milliseconds outbound_ring_timeout{120'000};
  // Where voicemails ("voicemail/BOX/...") and recordings ("recordings/YYYY/MM/DD/...") are
  // written; events name files relative to it. Empty: no voicemail, no recording.
  std::string data_dir;
};

// Click-to-call: Dzvin rings the user's phones first (the number shown as the caller) and,
// once the user answers, dials `number` as if the user had dialled it from that phone.
struct Origination {
  std::int64_t tenant_id = 0;
  std::string realm;    // the company's SIP domain
  std::string user;     // whose phones ring first; the call's caller
  std::string number;   // what is dialled then: an external number, an extension, a DID
  std::string display;  // shown on the user's phone with the number ("Olena Koval"), may be ""
  std::chrono::seconds ring_user_for{30};
};

struct CallEngineStats {
  std::uint64_t calls_started = 0;
  std::uint64_t calls_answered = 0;
  std::uint64_t calls_ended = 0;
  std::uint64_t challenged = 0;   // INVITEs answered with 401
  std::uint64_t refused = 0;      // 4xx/5xx/6xx to callers other than 401
  std::uint64_t from_trunks = 0;  // calls that came in through a trunk
  std::uint64_t trunk_legs = 0;   // legs sent out through a trunk (or to a SIP URI)
  std::uint64_t trunk_auth = 0;   // INVITEs resent with credentials after 401/407
  std::uint64_t voicemails = 0;   // messages kept
  std::uint64_t recordings = 0;   // calls whose recording started
  std::size_t active_calls = 0;
};

class CallEngine final : public sip::TransactionUser {
 public:
  struct Deps {
    boost::asio::io_context& io;  // the signalling loop: scheme coroutines run on it
    sip::TransactionLayer& transactions;
    sip::TransportSender& transport;
    TimerQueue& timers;
    const Clock& clock;
    sip::LocationService& locations;
    const sip::AccountDirectory& accounts;
    sip::DigestAuthenticator& authenticator;
    const Directory& directory;  // users and groups that schemes ring
    const CallRoutes& routes;    // schemes attached to numbers
    CallEventSink* events = nullptr;
    // Anchors every call's audio in Dzvin (SDP rewritten towards both sides, RTP relayed);
    // nullptr: the SDP passes through and media flows between the phones.
    media::MediaEngine* media = nullptr;
    // Connections to providers; nullptr or empty: no external calls, every INVITE is
    // authenticated.
    const TrunkTable* trunks = nullptr;
    // Prompts for play steps (needs `media`); nullptr: play steps are skipped.
    const PromptClips* prompts = nullptr;
    // Voicemail boxes' settings (greeting, lengths); nullptr: every box has the defaults.
    const VoicemailBoxes* voicemail = nullptr;
    // Which answered calls are recorded; nullptr: none.
    const RecordingPolicy* recording = nullptr;
  };
  CallEngine(Deps deps, CallEngineConfig config = {});
  ~CallEngine() override;
  CallEngine(const CallEngine&) = delete;
  CallEngine& operator=(const CallEngine&) = delete;

  void on_request(sip::TransactionId tx, const sip::SipMessage& request,
                  const sip::Peer& from) override;
  void on_response(sip::TransactionId tx, const sip::SipMessage& response) override;
  void on_client_failure(sip::TransactionId tx, sip::ClientOutcome outcome) override;
  // An event of the media engine, on the signalling thread (the app posts it here from the
  // media thread): a prompt finished playing, a key, a recording's silence or its file done.
  void on_media_event(const media::MediaEvent& event);
  // Starts recording the answered call `call_uid` now (on-demand recording: the web app).
  // Errors: 404 no such answered call, 409 already recorded, 503 no media or data directory.
  Result<void> record_call(std::string_view call_uid);
  // Starts a click-to-call; returns the call's uid (the call record's key) at once, the
  // rest is reported through events. Errors: 404 no such user, 409 the user has no phone
  // registered, 422 the number cannot be dialled, 503 no media relay or no trunk for it.
  Result<std::string> originate(const Origination& request);

  const CallEngineStats& stats() const;
  // Approximate bytes held per active call (reported by tests and benchmarks).
  std::size_t memory_bytes() const;

 private:
  friend class CallSession;  // the scheme's CallControl for one call (call_engine.cpp)
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dzvin::pbx
