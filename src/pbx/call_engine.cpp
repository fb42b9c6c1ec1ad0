#include "pbx/call_engine.hpp"

#include <utility>  // before Asio's awaitable.hpp (Boost 1.74 with GCC 12)

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/log.hpp"
#include "media/media_engine.hpp"
#include "media/tone.hpp"
#include "pbx/call_control.hpp"
#include "pbx/prompt_clips.hpp"
#include "pbx/scheme_executor.hpp"
#include "pbx/trunk_table.hpp"
#include "sdp/offer_answer.hpp"
#include "sdp/session_description.hpp"
#include "sip/dialog.hpp"
#include "sip/digest_client.hpp"
#include "sip/digest_hasher.hpp"
#include "sip/dtmf_info.hpp"
#include "sip/header_values.hpp"
#include "sip/message_writer.hpp"
#include "sip/name_addr.hpp"
#include "sip/outgoing_request.hpp"
#include "sip/request_dispatcher.hpp"
#include "sip/response_headers.hpp"
#include "sip/uri.hpp"

namespace dzvin::pbx {

using sip::Method;
using sip::Peer;
using sip::SipMessage;
using sip::TransactionId;

namespace {

// Tags (RFC 3261 §19.3 wants >= 32 random bits) and Call-IDs.
std::string random_token(std::size_t bytes = 8) {
  return sip::random_hex(bytes);
}

std::string dialog_key(std::string_view call_id, std::string_view local_tag,
                       std::string_view remote_tag) {
  std::string key;
  key.reserve(call_id.size() + local_tag.size() + remote_tag.size() + 2);
  key.append(call_id).push_back('\n');
  key.append(local_tag).push_back('\n');
  key.append(remote_tag);
  return key;
}

std::optional<SipMessage> reparse(const std::string& raw) {
  auto m = sip::parse_message(raw);
  if (!m) return std::nullopt;
  return std::move(m).value();
}

// What a callee's final status means for the scheme and the caller (RFC 3261 §21).
std::string_view attempt_result(int status) {
  if (status == 486 || status == 600) return "busy";
  if (status == 487) return "cancelled";
  if (status == 408 || status == 480) return "no answer";
  if (status == 404 || status == 410 || status == 604) return "unavailable";
  return "failed";
}

// The media engine's view of one negotiated leg.
std::optional<media::LegParams> leg_params(const sdp::NegotiatedAudio& audio) {
  auto rtp = IpAddress::parse(audio.remote_rtp.address);
  if (!rtp) return std::nullopt;
  media::LegParams p;
  p.remote_rtp = IpEndpoint{*rtp, audio.remote_rtp.port};
  if (auto rtcp = IpAddress::parse(audio.remote_rtcp.address); rtcp && audio.remote_rtcp.port) {
    p.remote_rtcp = IpEndpoint{*rtcp, audio.remote_rtcp.port};
  }
  p.codec = audio.codec == sdp::AudioCodec::pcmu ? media::Codec::pcmu : media::Codec::pcma;
  p.payload_type = audio.payload_type;
  p.telephone_event_pt = audio.telephone_event_pt;
  p.send_to_peer = sdp::sends(audio.direction);
  p.receive_from_peer = sdp::receives(audio.direction);
  return p;
}

// A display name as a quoted-string (RFC 3261 §25.1): control characters dropped, at most 64
// bytes, quotes and backslashes escaped.
std::string quoted_display(std::string_view text) {
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    text = text.substr(1, text.size() - 2);
  }
  std::string plain;
  for (char c : text.substr(0, 64)) {
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) plain.push_back(c);
  }
  std::string out;
  sip::append_quoted(out, plain);
  return out;
}

RingResult ring_result(int status) {
  if (status == 486 || status == 600) return RingResult::busy;
  if (status == 408 || status == 480 || status == 487) return RingResult::no_answer;
  if (status == 404 || status == 410 || status == 604 || status == 603)
    return RingResult::unavailable;
  return RingResult::failed;
}

}  // namespace

class CallSession;

// ---- state --------------------------------------------------------------------------------

enum class CalleeState : std::uint8_t { calling, early, answered, failed, cancelled };

struct CalleeLeg {
  std::string target;                 // AoR rung, or the external number / URI
  std::size_t target_index = 0;       // which target of its ring() it belongs to
  std::uint32_t ring_generation = 0;  // which ring() started it
  std::string invite_raw;             // our INVITE (for CANCEL, ACK and the dialog)
  // What the INVITE is made of, to send it again with credentials after a 401/407.
  std::string request_uri;
  std::string from;  // name-addr without tag
  std::string to;
  std::string call_id;
  std::string from_tag;
  std::uint32_t cseq = 1;
  const Trunk* trunk = nullptr;  // the trunk it leaves through (credentials), if any
  std::uint8_t auth_attempts = 0;
  Peer peer;
  TransactionId invite_tx = 0;
  CalleeState state = CalleeState::calling;
  bool cancel_sent = false;
  int final_status = 0;
  std::optional<sip::Dialog> dialog;  // once answered
  std::string ack_raw;                // the ACK we sent for its 2xx (resent on retransmissions)
};

enum class CallState : std::uint8_t { ringing, answered, ended };

struct Call {
  std::uint64_t id = 0;
  std::string uid;  // random, for the call record
  std::uint32_t next_event_seq = 0;
  std::int64_t tenant_id = 0;
  CallState state = CallState::ringing;
  std::string caller;  // username of the caller; for calls from a trunk, the caller's number
  std::string caller_display;         // the display name of the caller's From, as written
  const Trunk* from_trunk = nullptr;  // the trunk the call came in through
  std::string called;                 // what was dialled (Request-URI user)
  std::string realm;                  // the company's SIP domain
  // Click-to-call: the caller leg is Dzvin's INVITE to the user's phone (a callee leg until
  // the user answers; then its dialog becomes the caller's dialog), offered `originator_offer`
  // (the relay's A side).
  bool originated = false;
  sdp::SessionDescription originator_offer;
  std::size_t originator_leg = static_cast<std::size_t>(-1);
  std::chrono::milliseconds ring_originator_for{0};
  // Click-to-call before the user answered: the legs ringing are the user's own phones.
  bool rings_originator() const { return originated && !caller_confirmed; }
  // Caller leg (UAS, or for click-to-call the user's phone as above).
  std::string caller_invite_raw;
  Peer caller_peer;
  TransactionId caller_tx = 0;
  std::string caller_tag;  // our To tag towards the caller
  bool ringing_sent = false;
  std::optional<sip::Dialog> caller_dialog;  // once answered
  std::string ok_raw;                        // our 2xx, resent until the ACK
  TimerId ok_timer = 0;
  std::chrono::milliseconds ok_interval{0};
  SteadyTime ok_deadline{};
  bool acked = false;
  // Callee legs (UAC), one per contact rung.
  std::vector<CalleeLeg> callees;
  std::size_t answered_leg = 0;
  WallTime started_at;
  // The ring() in progress (CallControl), if any.
  CallSession* session = nullptr;  // the scheme's CallControl while the scheme runs
  std::uint32_t ring_generation = 0;
  bool ring_active = false;
  std::vector<RingTarget> ring_targets;
  std::vector<TargetRingResult> ring_results;  // per target
  std::vector<int> ring_open_legs;             // per target: legs still ringing
  TimerId ring_timer = 0;
  RingResult last_ring = RingResult::unavailable;  // until something was rung
  bool early_media = false;  // anchored: a callee's early SDP is connected to the relay
  // Dzvin answered the caller itself (a prompt) before any person did: the 2xx went out, the
  // caller's dialog exists, and a person answering later is bridged in without a new answer.
  bool caller_confirmed = false;
  std::uint64_t playing = 0;  // the prompt being played to the caller (its play id), 0: none
  std::string digits;         // keys the caller pressed since Dzvin answered (at most 32 kept)
  bool asking = false;        // a menu waits for a key (during its prompt, then key_timer)
  std::chrono::milliseconds key_timeout{0};
  TimerId key_timer = 0;
  // Voicemail: the box and the media recording of the message while it is being left.
  std::string voicemail_box;
  std::uint64_t voicemail_recording = 0;
  TimerId voicemail_timer = 0;
  // Call recording: the scheme's mode, the recording in progress, *1 for on-demand.
  std::optional<RecordingMode> scheme_record;
  bool record_on_demand = false;
  std::uint64_t recording = 0;
  std::array<char, 2> last_key{};  // per relay side, for "*1"
  // Anchored media (with a media engine): the relay, what the caller offered, what we
  // offered the callees, and the o= line each side sees from us.
  std::optional<media::RelayHandle> relay;
  sdp::SessionDescription caller_offer;
  sdp::SessionDescription callee_offer;
  sdp::SessionVersion caller_side_version;
  sdp::SessionVersion callee_side_version;
};

enum class ClientPurpose : std::uint8_t { invite, bye, cancel, reinvite };

struct ClientTxRef {
  std::uint64_t call = 0;
  std::size_t leg = 0;
  ClientPurpose purpose = ClientPurpose::invite;
  TransactionId relay_to = 0;  // reinvite: the server transaction waiting for the answer
};

// Which side of a call a dialog belongs to. leg == kCallerLeg is the caller.
struct DialogRef {
  std::uint64_t call = 0;
  std::size_t leg = 0;
};
constexpr std::size_t kCallerLeg = static_cast<std::size_t>(-1);

class CallEngine::Impl {
 public:
  Impl(Deps deps, CallEngineConfig config) : d_(deps), cfg_(std::move(config)) {}
  ~Impl() {
    for (auto& [id, call] : calls_)
      cancel_timers(*call);
  }

  void on_request(TransactionId tx, const SipMessage& request, const Peer& from);
  void on_response(TransactionId tx, const SipMessage& response);
  void on_client_failure(TransactionId tx, sip::ClientOutcome outcome);
  const CallEngineStats& stats() const { return stats_; }
  std::size_t memory_bytes() const;

  // CallControl, for the scheme of call `id` (CallSession forwards here).
  TargetState target_state(std::uint64_t id, const RingTarget& target);
  void start_ring(std::uint64_t id, std::vector<RingTarget> targets,
                  std::chrono::milliseconds timeout);
  void hangup(std::uint64_t id, int status, const std::string& reason);
  void start_play(std::uint64_t id, const std::string& prompt);
  void start_ask(std::uint64_t id, const std::string& prompt, std::chrono::milliseconds timeout);
  void wait_for_key(Call& call);
  void answer_ask(Call& call, CallControl::KeyInput input);
  void on_media_event(const media::MediaEvent& event);
  WallTime wall_now() const { return d_.clock.wall_now(); }
  void on_caller_key(Call& call, char digit, std::string_view how);
  // Plays `clip` (named `what` in logs) like start_play.
  void start_play_clip(std::uint64_t id, std::shared_ptr<const media::AudioClip> clip,
                       const std::string& what);
  // Voicemail (CallSession::voicemail drives it: greeting, beep, then this).
  std::string caller_of(std::uint64_t call_id) {
    const Call* call = find_call(call_id);
    return call != nullptr ? call->caller : std::string();
  }
  VoicemailBox voicemail_box(const std::string& name) const {
    return d_.voicemail != nullptr ? d_.voicemail->find(name) : VoicemailBoxes{}.find(name);
  }
  bool can_take_voicemail(std::uint64_t id);
  void voicemail_unavailable(std::uint64_t id, const std::string& box);
  void start_voicemail(std::uint64_t id, const VoicemailBox& box);
  std::shared_ptr<const media::AudioClip> beep() const { return beep_; }
  // Recording.
  std::optional<std::string> announcement(std::uint64_t id);
  Result<void> record_call(std::string_view call_uid);
  Result<std::string> originate(const Origination& request);

 private:
  // Runs the call's scheme; in a click-to-call, once the user's phone has answered.
  boost::asio::awaitable<void> run_call(std::uint64_t id, RoutingScheme scheme);
  // Click-to-call: rings the user's phones; true once one answered (the call goes on), false
  // when none did (the call is ended).
  boost::asio::awaitable<bool> ring_originator(std::uint64_t id, CallSession& session);
  // What dialling `dialled` means for a user: the scheme of a number of ours, ringing a user,
  // or out through a trunk. Returns the number as the call keeps it, and the scheme.
  Result<std::pair<std::string, RoutingScheme>> scheme_for_dialled(std::string dialled) const;
  // Click-to-call: the user's phone answered leg `index`; it becomes the caller leg.
  void promote_originator(Call& call, std::size_t index, const SipMessage& response);
  void finish_ring(Call& call, std::optional<RingResult> result,
                   std::optional<std::size_t> answered = std::nullopt);
  // Caller side.
  void on_invite(TransactionId tx, const SipMessage& invite, const Peer& from);
  void start_call(TransactionId tx, const SipMessage& invite, const Peer& from,
                  std::unique_ptr<Call> call, RoutingScheme scheme);
  void on_reinvite(TransactionId tx, const SipMessage& invite, const DialogRef& ref);
  void on_ack(const SipMessage& ack);
  void on_bye(TransactionId tx, const SipMessage& bye);
  void on_cancel(TransactionId tx, const SipMessage& cancel);
  void refuse(TransactionId tx, const SipMessage& request, int status, std::string_view reason,
              std::span<const sip::ExtraHeader> extra = {});
  // Callee side.
  // `invite` is the caller's INVITE; nullptr for click-to-call (Dzvin's own offer is sent).
  void ring_contacts(Call& call, const sip::SipMessage* invite,
                     std::span<const sip::LocationEntry> contacts, std::size_t target_index);
  // An external number or URI, through a trunk (or straight to a URI's IP address).
  bool ring_external(Call& call, const sip::SipMessage* invite, const RingTarget& target,
                     std::size_t target_index);
  // Sends (or resends, with credentials) the INVITE of leg `index` as a new transaction.
  bool send_leg_invite(Call& call, std::size_t index, const sip::SipMessage* caller_invite,
                       const sip::ExtraHeader* authorization);
  bool authenticate_leg(Call& call, std::size_t index, const SipMessage& challenge);
  // The scheme an INVITE from trunk `trunk` reaches (a DID's), with the DID; 404 otherwise.
  Result<std::pair<std::string, RoutingScheme>> route_from_trunk(const Trunk& trunk,
                                                                 const SipMessage& invite,
                                                                 const sip::Uri& request_uri);
  void on_callee_response(Call& call, std::size_t leg, const SipMessage& response);
  void on_callee_failed(Call& call, std::size_t leg, int status);
  void answer_caller(Call& call, std::size_t leg, const SipMessage& response);
  // The caller's dialog and our 2xx (resent until the ACK); false when the caller's INVITE
  // gives no dialog (the call has been ended).
  bool confirm_caller(Call& call, std::string_view body, std::string_view content_type);
  // Dzvin answers the caller itself (for a prompt): the relay's A side from the caller's offer.
  bool answer_locally(Call& call);
  // Ends a call whose caller already has our 2xx: BYE instead of a final response.
  void end_confirmed(Call& call, std::string_view outcome);
  void cancel_leg(Call& call, CalleeLeg& leg);
  void cancel_other_legs(Call& call, std::size_t winner);
  void send_ack(Call& call, CalleeLeg& leg, const SipMessage& response);
  void send_bye_to_callee(Call& call, CalleeLeg& leg);
  void send_bye_to_caller(Call& call);
  void maybe_finish_ring(Call& call);
  // Anchored media.
  // The call's audio goes through `relay`: its SDP session versions, and our offer to callees.
  void anchor(Call& call, const media::RelayHandle& relay);
  sdp::LocalMedia local_media(const Call& call, media::LegSide side) const;
  Result<std::string> anchor_answer(Call& call, const SipMessage& callee_answer);
  Result<std::string> answer_reoffer(Call& call, media::LegSide side, const SipMessage& offer);
  void on_ring_timeout(std::uint64_t call_id);
  void resend_ok(std::uint64_t call_id);
  void end_call(Call& call, std::string_view outcome, int status);
  void stop_voicemail(Call& call, std::string_view why);
  Result<void> start_call_recording(Call& call);
  void on_answered_recording(Call& call, const CalleeLeg& leg);
  void on_recording_finished(const media::MediaEvent& event);
  void on_participant_key(Call& call, media::LegSide side, char digit);
  // Helpers.
  Call* find_call(std::uint64_t id) {
    auto it = calls_.find(id);
    return it == calls_.end() ? nullptr : it->second.get();
  }
  const DialogRef* find_dialog(const SipMessage& m) const {
    auto it = dialogs_.find(dialog_key(m.core().call_id, m.core().to_tag, m.core().from_tag));
    return it == dialogs_.end() ? nullptr : &it->second;
  }
  std::string contact_for(const Peer& peer) const;
  // The peer as our Via should name it: a socket bound to a wildcard address is written as
  // the advertised address (a provider that ignores rport answers to the Via).
  Peer via_peer(const Peer& peer) const;
  void emit(Call& call, CallEventKind kind, std::string target = {}, std::string detail = {},
            int status = 0);
  void cancel_timers(Call& call) {
    if (call.ring_timer != 0) d_.timers.cancel(call.ring_timer);
    if (call.ok_timer != 0) d_.timers.cancel(call.ok_timer);
    if (call.key_timer != 0) d_.timers.cancel(call.key_timer);
    if (call.voicemail_timer != 0) d_.timers.cancel(call.voicemail_timer);
    call.ring_timer = call.ok_timer = call.key_timer = call.voicemail_timer = 0;
  }
  // Files being written for a call (a voicemail message or the call's recording), by media
  // recording id: their events come when the file is done, often after the call ended.
  struct PendingFile {
    std::uint64_t call_id = 0;
    std::string call_uid;
    std::int64_t tenant_id = 0;
    std::string caller;
    std::string called;
    std::string file;                 // relative to cfg_.data_dir
    std::int64_t media_id = 0;        // the store's id of the voicemail or recording
    std::optional<VoicemailBox> box;  // a voicemail message
    std::uint32_t next_seq = 0;       // event order once the call is gone
  };
  void emit_file_event(PendingFile& pending, CallEventKind kind, const media::MediaEvent& done);
  std::unordered_map<std::uint64_t, PendingFile> pending_files_;
  std::int64_t new_media_id() {
    return static_cast<std::int64_t>(random_() & ((std::uint64_t{1} << 53) - 1)) | 1;
  }
  std::shared_ptr<const media::AudioClip> beep_ = media::beep_clip();

  Deps d_;
  CallEngineConfig cfg_;
  CallEngineStats stats_;
  std::uint64_t next_call_id_ = 1;
  std::unordered_map<std::uint64_t, std::unique_ptr<Call>> calls_;
  std::unordered_map<TransactionId, std::uint64_t> caller_txs_;  // caller INVITE tx -> call
  std::unordered_map<TransactionId, ClientTxRef> client_txs_;
  std::unordered_map<std::string, DialogRef> dialogs_;
  // Answered calls by the caller's Call-ID and From tag: a retransmitted INVITE gets the 2xx.
  std::unordered_map<std::string, std::uint64_t> answered_invites_;
  // Users ("name@realm") in answered calls, as caller or answering callee, and in how many.
  std::unordered_map<std::string, int> in_call_;
  std::unordered_map<std::uint64_t, std::uint64_t> relay_calls_;  // media relay id -> call
  void count_in_call(const Call& call, int delta);
  // Calls that ended during the current event; destroyed at the start of the next one, so
  // that no function up the stack is left holding a dangling Call&.
  std::vector<std::unique_ptr<Call>> ended_;
  std::string scratch_;
  std::mt19937_64 random_{std::random_device{}()};  // SDP session ids (need not be secret)
};

// The CallControl a call's scheme talks to. It lives in the scheme's coroutine frame; the
// engine reaches it through Call::session while the scheme runs, and wakes the coroutine
// (a timer that never expires, cancelled) when a ring() has its outcome.
class CallSession final : public CallControl {
 public:
  CallSession(CallEngine::Impl& engine, std::uint64_t call_id, boost::asio::io_context& io)
      : engine_(engine), call_id_(call_id), signal_(io) {}

  TargetState target_state(const RingTarget& target) override {
    return engine_.target_state(call_id_, target);
  }
  boost::asio::awaitable<RingOutcome> ring(std::vector<RingTarget> targets, RingStrategy,
                                           std::chrono::milliseconds timeout) override {
    outcome_.reset();
    engine_.start_ring(call_id_, std::move(targets), timeout);
    while (!outcome_) {
      signal_.expires_at(boost::asio::steady_timer::time_point::max());
      boost::system::error_code ec;
      co_await signal_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }
    co_return std::move(*outcome_);
  }
  // Greeting, beep, then the message until the caller hangs up, presses #, is quiet or runs
  // out of time.
  boost::asio::awaitable<void> voicemail(std::string box) override {
    const VoicemailBox settings = engine_.voicemail_box(box);
    if (!engine_.can_take_voicemail(call_id_)) {
      engine_.voicemail_unavailable(call_id_, box);
      co_return;
    }
    const std::string greeting =
        settings.greeting.empty() ? builtin_greeting_prompt(settings.language) : settings.greeting;
    if (!co_await play(greeting)) co_return;
    if (!co_await play_clip(engine_.beep(), "beep")) co_return;
    recorded_.reset();
    engine_.start_voicemail(call_id_, settings);
    while (!recorded_) {
      signal_.expires_at(boost::asio::steady_timer::time_point::max());
      boost::system::error_code ec;
      co_await signal_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }
  }
  void finish_voicemail() {
    recorded_ = true;
    signal_.cancel();
  }
  bool taking_voicemail() const { return !recorded_.has_value(); }
  boost::asio::awaitable<void> hangup(int sip_status, std::string reason) override {
    engine_.hangup(call_id_, sip_status, reason);
    co_return;
  }
  boost::asio::awaitable<bool> play(std::string prompt) override {
    played_.reset();
    engine_.start_play(call_id_, prompt);
    co_return co_await wait_played();
  }
  boost::asio::awaitable<bool> play_clip(std::shared_ptr<const media::AudioClip> clip,
                                         std::string what) {
    played_.reset();
    engine_.start_play_clip(call_id_, std::move(clip), what);
    co_return co_await wait_played();
  }
  boost::asio::awaitable<bool> wait_played() {
    while (!played_) {
      signal_.expires_at(boost::asio::steady_timer::time_point::max());
      boost::system::error_code ec;
      co_await signal_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }
    co_return *played_;
  }
  boost::asio::awaitable<KeyInput> ask_for_key(std::string prompt,
                                               std::chrono::milliseconds timeout) override {
    key_.reset();
    engine_.start_ask(call_id_, prompt, timeout);
    while (!key_) {
      signal_.expires_at(boost::asio::steady_timer::time_point::max());
      boost::system::error_code ec;
      co_await signal_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }
    co_return *key_;
  }
  void finish_ask(KeyInput input) {
    key_ = input;
    signal_.cancel();
  }
  bool asking() const { return !key_.has_value(); }
  // From the engine: the prompt in progress is over (false: the caller left).
  void finish_play(bool heard) {
    played_ = heard;
    signal_.cancel();
  }
  bool playing() const { return !played_.has_value(); }
  WallTime now() override { return engine_.wall_now(); }
  std::string caller_number() override { return engine_.caller_of(call_id_); }

  // From the engine: the ring() in progress is over.
  void finish(RingOutcome outcome) {
    outcome_ = std::move(outcome);
    signal_.cancel();
  }

 private:
  CallEngine::Impl& engine_;
  std::uint64_t call_id_;
  boost::asio::steady_timer signal_;
  std::optional<RingOutcome> outcome_;
  std::optional<bool> played_ = false;
  std::optional<bool> recorded_ = false;
  std::optional<KeyInput> key_ = KeyInput{};
};

// ---- requests -------------------------------------------------------------------------------

void CallEngine::Impl::on_request(TransactionId tx, const SipMessage& request, const Peer& from) {
  ended_.clear();
  switch (request.method()) {
    case Method::ack:
      on_ack(request);
      return;
    case Method::invite:
      if (!request.core().to_tag.empty()) {
        const DialogRef* ref = find_dialog(request);
        if (ref == nullptr) {
          refuse(tx, request, 481, "Call/Transaction Does Not Exist");
          return;
        }
        on_reinvite(tx, request, *ref);
        return;
      }
      on_invite(tx, request, from);
      return;
    case Method::bye:
      on_bye(tx, request);
      return;
    case Method::cancel:
      on_cancel(tx, request);
      return;
    case Method::info:
    case Method::update: {
      if (find_dialog(request) == nullptr) {
        refuse(tx, request, 481, "Call/Transaction Does Not Exist");
        return;
      }
      // INFO: a key the caller pressed (application/dtmf-relay, application/dtmf) is taken
      // like an RFC 4733 event; other INFO is acknowledged, not relayed in this version. An
      // UPDATE would change the session without an offer/answer we relay.
      if (request.method() == Method::info) {
        const DialogRef ref = *find_dialog(request);
        const std::string_view type = request.header(sip::HeaderId::content_type);
        if (ref.leg == kCallerLeg && (type.find("dtmf") != std::string_view::npos)) {
          auto key = sip::parse_dtmf_info(type, request.body());
          if (!key) {
            refuse(tx, request, key.error().code, key.error().message);
            return;
          }
          if (Call* call = find_call(ref.call)) on_caller_key(*call, *key, "info");
        }
        d_.transactions.respond(tx, 200, "OK");
      } else {
        refuse(tx, request, 501, "UPDATE not supported: use re-INVITE");
      }
      return;
    }
    default:
      refuse(tx, request, 405, "Method Not Allowed");
      return;
  }
}

void CallEngine::Impl::refuse(TransactionId tx, const SipMessage& request, int status,
                              std::string_view reason, std::span<const sip::ExtraHeader> extra) {
  if (status != 401) ++stats_.refused;
  const std::string tag = request.core().to_tag.empty() ? random_token() : std::string();
  d_.transactions.respond(tx, status, reason, tag, extra);
}

void CallEngine::Impl::on_invite(TransactionId tx, const SipMessage& invite, const Peer& from) {
  // A retransmission of an INVITE we already answered with a 2xx (the INVITE transaction
  // ended with it, RFC 3261 §17.2.1): resend that 2xx on the new transaction.
  // Found by Call-ID and From tag (the retransmission has no To tag), not by a scan of calls.
  if (auto it =
          answered_invites_.find(dialog_key(invite.core().call_id, {}, invite.core().from_tag));
      it != answered_invites_.end()) {
    if (Call* call = find_call(it->second); call != nullptr) {
      d_.transport.send(call->caller_peer, call->ok_raw);
      d_.transactions.respond(tx, 200, "OK", call->caller_tag);
      return;
    }
  }

  if (auto hops = sip::check_max_forwards(invite); !hops) {  // a loop through a trunk
    refuse(tx, invite, hops.error().code, hops.error().message);
    return;
  }
  auto ruri = sip::parse_uri(invite.request_uri());
  if (!ruri || ruri->user.empty()) {
    refuse(tx, invite, 404, "Not Found");
    return;
  }
  // From a trunk's address: the provider's call to one of our numbers, not challenged.
  if (const Trunk* trunk = d_.trunks != nullptr ? d_.trunks->find_by_source(from.remote) : nullptr;
      trunk != nullptr) {
    auto route = route_from_trunk(*trunk, invite, *ruri);
    if (!route) {
      log(LogLevel::info, "pbx.trunk.unknown_number",
          {{"trunk", trunk->name}, {"number", ruri->user}, {"source", from.remote.to_string()}});
      refuse(tx, invite, route.error().code, route.error().message);
      return;
    }
    auto call = std::make_unique<Call>();
    call->tenant_id = trunk->tenant_id;
    call->realm = trunk->realm;
    call->from_trunk = trunk;
    call->called = std::move(route->first);
    // The caller's number as E.164 when it reads as one (the caller card matches on it).
    std::string caller = "anonymous";
    if (auto na = sip::parse_name_addr(invite.header(sip::HeaderId::from));
        na && !na->uri.user.empty()) {
      auto number = normalize_phone_number(na->uri.user, cfg_.numbering);
      caller = number ? number->text : std::string(na->uri.user.substr(0, 64));
      call->caller_display = std::string(na->display_name.substr(0, 66));
    }
    call->caller = std::move(caller);
    ++stats_.from_trunks;
    start_call(tx, invite, from, std::move(call), std::move(route->second));
    return;
  }

  const std::string realm(d_.accounts.realm_for_host(ruri->host));

  // Every other INVITE is authenticated (RFC 3261 §22.2), like a REGISTER.
  const sip::AuthResult auth = d_.authenticator.authenticate(invite, realm);
  switch (auth.outcome) {
    case sip::AuthOutcome::authenticated:
      break;
    case sip::AuthOutcome::challenge:
    case sip::AuthOutcome::stale: {
      ++stats_.challenged;
      sip::ResponseHeaders headers;
      d_.authenticator.add_challenges(headers, realm, auth.outcome == sip::AuthOutcome::stale);
      refuse(tx, invite, 401, "Unauthorized", headers.extra());
      return;
    }
    case sip::AuthOutcome::bad_credentials:
      log(LogLevel::info, "pbx.call.auth_failed",
          {{"source", from.remote.to_string()}, {"realm", realm}});
      refuse(tx, invite, 403, "Bad credentials");
      return;
    case sip::AuthOutcome::malformed:
      refuse(tx, invite, 400, "Malformed Authorization header");
      return;
  }

  auto route = scheme_for_dialled(std::string(ruri->user));
  if (!route) {
    refuse(tx, invite, route.error().code, route.error().message);
    return;
  }
  std::string dialled = std::move(route->first);
  RoutingScheme scheme = std::move(route->second);

  auto call = std::make_unique<Call>();
  call->tenant_id = auth.account->tenant_id;
  call->caller = auth.account->username;
  call->called = std::move(dialled);
  call->realm = realm;
  if (auto na = sip::split_name_addr(invite.header(sip::HeaderId::from)); na) {
    call->caller_display = std::string(na->display_name.substr(0, 66));
  }
  start_call(tx, invite, from, std::move(call), std::move(scheme));
}

Result<std::pair<std::string, RoutingScheme>> CallEngine::Impl::scheme_for_dialled(
    std::string dialled) const {
  if (const RoutingScheme* attached = d_.routes.find(dialled); attached != nullptr) {
    return std::pair{std::move(dialled), *attached};
  }
  if (d_.directory.find_user(dialled) != nullptr) {
    RoutingScheme scheme = direct_call_scheme(
        dialled, std::chrono::duration_cast<std::chrono::seconds>(cfg_.ring_timeout));
    return std::pair{std::move(dialled), std::move(scheme)};
  }
  auto number = normalize_phone_number(dialled, cfg_.numbering);
  if (!number || number->kind != NumberKind::e164) return make_error(404, "Not Found");
  // An external number: the scheme of our own DID if it is one, else out through a trunk.
  if (const RoutingScheme* own = d_.routes.find(number->text); own != nullptr) {
    return std::pair{number->text, *own};
  }
  if (d_.trunks == nullptr || d_.trunks->empty()) {
    return make_error(404, "Not Found: no trunk for external numbers");
  }
  RoutingScheme scheme = outbound_call_scheme(
      number->text, std::chrono::duration_cast<std::chrono::seconds>(cfg_.outbound_ring_timeout));
  return std::pair{number->text, std::move(scheme)};
}

void CallEngine::Impl::start_call(TransactionId tx, const SipMessage& invite, const Peer& from,
                                  std::unique_ptr<Call> call, RoutingScheme scheme) {
  call->id = next_call_id_++;
  call->uid = random_token(12);
  call->caller_invite_raw = std::string(invite.raw());
  call->caller_peer = from;
  call->caller_tx = tx;
  call->caller_tag = random_token();
  call->started_at = d_.clock.wall_now();

  if (d_.media != nullptr) {
    // Anchored media: the caller's offer must have a stream we can answer before anybody
    // rings (RFC 3264: 488 names what was offered).
    auto offer = sdp::parse_session_description(invite.body());
    if (invite.body().empty()) {
      refuse(tx, invite, 488, "An SDP offer is required");
      return;
    }
    if (!offer) {
      refuse(tx, invite, 400, "Bad SDP: " + offer.error().message);
      return;
    }
    if (auto check = sdp::negotiate_answer(*offer, sdp::AudioCapabilities{}, sdp::LocalMedia{});
        !check) {
      refuse(tx, invite, 488, check.error().message);
      return;
    }
    auto relay = d_.media->create_relay();
    if (!relay) {
      log(LogLevel::warn, "pbx.media.no_relay", {{"error", relay.error().message}});
      refuse(tx, invite, 503, "No media ports available");
      return;
    }
    anchor(*call, *relay);
    call->caller_offer = std::move(*offer);
  }
  ++stats_.calls_started;
  emit(*call, CallEventKind::started, {}, scheme.name);

  d_.transactions.respond(tx, 100, "Trying");
  const std::uint64_t id = call->id;
  caller_txs_[tx] = id;
  calls_.emplace(id, std::move(call));
  stats_.active_calls = calls_.size();
  boost::asio::co_spawn(d_.io, run_call(id, std::move(scheme)), boost::asio::detached);
}

boost::asio::awaitable<void> CallEngine::Impl::run_call(std::uint64_t id, RoutingScheme scheme) {
  CallSession session(*this, id, d_.io);
  std::string uid;
  bool originated = false;
  if (Call* call = find_call(id)) {
    call->session = &session;
    call->scheme_record = scheme.record;
    uid = call->uid;
    originated = call->originated;
  }
  if (originated) {
    if (!co_await ring_originator(id, session)) co_return;
  } else if (auto announce = announcement(id)) {
    // "This call is recorded" before anything else, where calls may be recorded from the start.
    if (!co_await session.play(*announce)) {
      if (Call* call = find_call(id)) call->session = nullptr;
      co_return;
    }
  }
  const SchemeResult result = co_await run_scheme(std::move(scheme), d_.directory, session);
  log(LogLevel::info, "pbx.scheme", {{"call", uid}, {"result", describe(result)}});
  if (Call* call = find_call(id)) call->session = nullptr;
}

boost::asio::awaitable<bool> CallEngine::Impl::ring_originator(std::uint64_t id,
                                                               CallSession& session) {
  std::vector<RingTarget> user(1);
  std::chrono::milliseconds ring_for{0};
  if (Call* call = find_call(id)) {
    user.front().kind = RingTargetKind::user;
    user.front().id = call->caller;
    ring_for = call->ring_originator_for;
  }
  const std::string name = user.front().id;
  const RingOutcome first =
      co_await session.ring(std::move(user), RingStrategy::simultaneous, ring_for);
  if (first.result == RingResult::answered) co_return true;
  Call* call = find_call(id);
  if (call == nullptr) co_return false;
  log(LogLevel::info, "pbx.click_to_call.not_answered",
      {{"call", call->uid}, {"user", name}, {"result", to_string(first.result)}});
  call->session = nullptr;
  const int status = first.targets.empty() ? 0 : first.targets.front().sip_status;
  end_call(*call,
           first.result == RingResult::caller_hung_up
               ? std::string("failed: call ended")
               : "failed: " + name + "'s phone " +
                     (first.result == RingResult::busy        ? "was busy"
                      : first.result == RingResult::no_answer ? "did not answer"
                                                              : "could not be reached"),
           status);
  co_return false;
}

TargetState CallEngine::Impl::target_state(std::uint64_t id, const RingTarget& target) {
  Call* call = find_call(id);
  if (call == nullptr || target.kind != RingTargetKind::user) return TargetState::available;
  if (d_.locations.find(target.id + "@" + call->realm).empty()) return TargetState::unregistered;
  // In an answered call already (as caller or answering callee): busy for the scheme.
  const auto it = in_call_.find(target.id + "@" + call->realm);
  return it != in_call_.end() && it->second > 0 ? TargetState::busy : TargetState::available;
}

void CallEngine::Impl::start_ring(std::uint64_t id, std::vector<RingTarget> targets,
                                  std::chrono::milliseconds timeout) {
  Call* call = find_call(id);
  if (call == nullptr || call->state != CallState::ringing) {
    RingOutcome gone;
    gone.result = RingResult::caller_hung_up;
    if (call != nullptr && call->session != nullptr) call->session->finish(std::move(gone));
    return;
  }
  // The caller's INVITE, which the callees' INVITEs are made from (none in a click-to-call).
  const auto invite = reparse(call->caller_invite_raw);
  const bool usable = invite.has_value() || call->originated;
  const SipMessage* caller_invite = invite ? &*invite : nullptr;
  ++call->ring_generation;
  call->ring_active = true;
  call->ring_targets = std::move(targets);
  call->ring_results.assign(call->ring_targets.size(), TargetRingResult{});
  call->ring_open_legs.assign(call->ring_targets.size(), 0);
  for (std::size_t i = 0; i < call->ring_targets.size(); ++i) {
    const RingTarget& target = call->ring_targets[i];
    TargetRingResult& r = call->ring_results[i];
    if (target.kind != RingTargetKind::user) {
      if (!usable || !ring_external(*call, caller_invite, target, i)) {
        r.result = RingResult::failed;
        r.sip_status = 503;
        r.ended = d_.clock.wall_now();
        emit(*call, CallEventKind::attempt, target.id, "no trunk to reach it", 503);
      }
      continue;
    }
    const std::string aor = target.id + "@" + call->realm;
    const auto contacts = d_.locations.find(aor);
    if (contacts.empty() || !usable) {
      r.result = RingResult::unavailable;
      r.sip_status = 480;
      r.ended = d_.clock.wall_now();
      emit(*call, CallEventKind::attempt, aor, "unregistered", 480);
      continue;
    }
    ring_contacts(*call, caller_invite, contacts, i);
  }
  maybe_finish_ring(*call);
  if (call->ring_active && call->caller_confirmed && call->relay && call->playing == 0) {
    // Answered by Dzvin for a prompt: the caller's phone plays no ringback of its own now.
    static const auto ringback =
        std::make_shared<const media::AudioClip>(media::make_tone(media::ringback_tone()));
    if (auto played = d_.media->play(call->relay->id, media::LegSide::a, ringback,
                                     media::PlayOptions{.loop = true})) {
      call->playing = *played;
    }
  }
  if (call->ring_active) {
    call->ring_timer =
        d_.timers.schedule(d_.clock.now() + timeout, [this, id] { on_ring_timeout(id); });
  }
}

void CallEngine::Impl::hangup(std::uint64_t id, int status, const std::string& reason) {
  Call* call = find_call(id);
  if (call == nullptr || call->state != CallState::ringing) return;
  if (call->caller_confirmed) {  // answered by Dzvin for a prompt: too late for a 4xx
    end_confirmed(*call, call->last_ring == RingResult::busy        ? "missed: busy"
                         : call->last_ring == RingResult::no_answer ? "missed: no answer"
                                                                    : "missed: unavailable");
    return;
  }
  // The scheme ends unanswered calls with 480; when the last target was busy, say so.
  if (status == 480 && call->last_ring == RingResult::busy) {
    status = 486;
  }
  const std::string phrase =
      status == 486 ? std::string("Busy Here")
                    : (reason.empty() ? std::string(sip::default_reason(status)) : reason);
  d_.transactions.respond(call->caller_tx, status, phrase, call->caller_tag);
  ++stats_.refused;
  std::string outcome = "missed: ";
  switch (call->last_ring) {
    case RingResult::busy:
      outcome += "busy";
      break;
    case RingResult::no_answer:
      outcome += "no answer";
      break;
    case RingResult::unavailable:
      outcome += "unavailable";
      break;
    default:
      outcome += phrase;
      break;
  }
  end_call(*call, outcome, status);
}

bool CallEngine::Impl::can_take_voicemail(std::uint64_t id) {
  Call* call = find_call(id);
  return call != nullptr && call->state == CallState::ringing && call->relay &&
         !cfg_.data_dir.empty();
}

void CallEngine::Impl::voicemail_unavailable(std::uint64_t id, const std::string& box) {
  Call* call = find_call(id);
  if (call == nullptr || call->state != CallState::ringing) return;
  // Without anchored media (or a data directory) there is nothing to record with.
  log(LogLevel::warn, "pbx.voicemail_unavailable",
      {{"call", call->uid}, {"box", box}, {"why", call->relay ? "no data directory" : "no media"}});
  // "missed", not "failed": the caller reached us and nobody took the call (a call-back task).
  if (call->caller_confirmed) {
    end_confirmed(*call, "missed: voicemail " + box + " unavailable");
    return;
  }
  d_.transactions.respond(call->caller_tx, 480, "Voicemail Unavailable", call->caller_tag);
  end_call(*call, "missed: voicemail " + box + " unavailable", 480);
}

namespace {

// "2026-12-02" of `t` in UTC, for file names.
std::string utc_date(WallTime t, char separator) {
  const auto days = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{days};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%c%02u%c%02u", static_cast<int>(ymd.year()), separator,
                static_cast<unsigned>(ymd.month()), separator, static_cast<unsigned>(ymd.day()));
  return buf;
}

// A box name as one folder name: letters, digits, '-' and '_' kept, anything else (a '/', a
// dot, UTF-8) as '_', so no name can leave the voicemail folder or collide with "." and "..".
std::string path_segment(std::string_view name) {
  std::string out;
  for (char c : name) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_';
    out.push_back(keep ? c : '_');
  }
  return out.empty() ? "_" : out;
}

}  // namespace

void CallEngine::Impl::start_voicemail(std::uint64_t id, const VoicemailBox& box) {
  Call* call = find_call(id);
  if (call == nullptr || call->state != CallState::ringing || !call->relay ||
      !call->caller_confirmed) {
    if (call != nullptr && call->session != nullptr) call->session->finish_voicemail();
    return;
  }
  const WallTime now = d_.clock.wall_now();
  PendingFile pending;
  pending.call_id = call->id;
  pending.call_uid = call->uid;
  pending.tenant_id = call->tenant_id;
  pending.caller = call->caller;
  pending.called = call->called;
  pending.file =
      "voicemail/" + path_segment(box.name) + "/" + utc_date(now, '-') + "-" + call->uid + ".wav";
  pending.media_id = new_media_id();
  pending.box = box;
  media::RecordingOptions options;
  options.path = cfg_.data_dir + "/" + pending.file;
  options.layout = media::RecordingLayout::caller_only;
  options.silence_timeout = box.silence;
  auto recording = d_.media->start_recording(call->relay->id, std::move(options));
  if (!recording) {
    log(LogLevel::error, "pbx.voicemail_failed",
        {{"call", call->uid}, {"box", box.name}, {"error", recording.error().message}});
    end_confirmed(*call, "missed: voicemail could not be recorded");
    return;
  }
  log(LogLevel::info, "pbx.voicemail_recording",
      {{"call", call->uid}, {"box", box.name}, {"file", pending.file}});
  call->voicemail_box = box.name;
  call->voicemail_recording = *recording;
  pending_files_.emplace(*recording, std::move(pending));
  call->voicemail_timer = d_.timers.schedule(d_.clock.now() + box.max_length, [this, id] {
    ended_.clear();
    if (Call* c = find_call(id); c != nullptr) {
      c->voicemail_timer = 0;
      stop_voicemail(*c, "max length");
    }
  });
}

void CallEngine::Impl::stop_voicemail(Call& call, std::string_view why) {
  if (call.voicemail_recording == 0) return;
  log(LogLevel::info, "pbx.voicemail_stopped", {{"call", call.uid}, {"why", why}});
  // Ending the call destroys the relay, which finishes the file.
  end_confirmed(call, "voicemail: " + call.voicemail_box);
}

void CallEngine::Impl::emit_file_event(PendingFile& pending, CallEventKind kind,
                                       const media::MediaEvent& done) {
  CallEvent e;
  e.kind = kind;
  e.call_id = pending.call_id;
  e.call_uid = pending.call_uid;
  Call* call = find_call(pending.call_id);
  e.seq = call != nullptr ? call->next_event_seq++ : pending.next_seq++;
  e.tenant_id = pending.tenant_id;
  e.at = d_.clock.wall_now();
  e.caller = pending.caller;
  e.called = pending.called;
  e.target = pending.box ? pending.box->name : std::string();
  e.file = pending.file;
  e.media_id = pending.media_id;
  e.duration_ms = done.recorded.count();
  e.channels = 0;
  e.complete = done.complete;
  e.detail = done.complete ? std::string() : done.error;
  log(LogLevel::info, "pbx.call",
      {{"kind", to_string(kind)},
       {"call", e.call_uid},
       {"file", e.file},
       {"ms", e.duration_ms},
       {"complete", done.complete ? "yes" : "no"}});
  if (d_.events != nullptr) d_.events->on_call_event(e);
}

void CallEngine::Impl::on_recording_finished(const media::MediaEvent& event) {
  auto it = pending_files_.find(event.recording_id);
  if (it == pending_files_.end()) return;
  PendingFile& pending = it->second;
  if (pending.box) {
    const VoicemailVerdict verdict = judge_voicemail(*pending.box, event.complete, event.voiced);
    if (verdict == VoicemailVerdict::kept) {
      ++stats_.voicemails;
      emit_file_event(pending, CallEventKind::voicemail_recorded, event);
    } else {
      // An empty message (hung up at the beep, said nothing) is not a message.
      std::error_code ec;
      std::filesystem::remove(cfg_.data_dir + "/" + pending.file, ec);
      log(LogLevel::info, "pbx.voicemail_discarded",
          {{"call", pending.call_uid},
           {"box", pending.box->name},
           {"why", to_string(verdict)},
           {"recorded_ms", event.recorded.count()},
           {"voiced_ms", event.voiced.count()},
           {"error", event.error}});
    }
  } else {
    emit_file_event(pending, CallEventKind::recording_finished, event);
  }
  pending_files_.erase(it);
}

std::optional<std::string> CallEngine::Impl::announcement(std::uint64_t id) {
  Call* call = find_call(id);
  if (call == nullptr || d_.recording == nullptr || !call->relay || cfg_.data_dir.empty()) {
    return std::nullopt;
  }
  const std::string caller = call->from_trunk != nullptr ? std::string() : call->caller;
  if (!d_.recording->announces(call->scheme_record, caller)) return std::nullopt;
  return d_.recording->announcement;
}

void CallEngine::Impl::on_answered_recording(Call& call, const CalleeLeg& leg) {
  if (d_.recording == nullptr || !call.relay || cfg_.data_dir.empty()) return;
  const std::string caller = call.from_trunk != nullptr ? std::string() : call.caller;
  std::string callee;
  if (leg.trunk == nullptr) callee = leg.target.substr(0, leg.target.find('@'));
  const RecordingMode mode = d_.recording->mode_for(call.scheme_record, caller, callee);
  if (mode == RecordingMode::all) {
    (void)start_call_recording(call);
  } else if (mode == RecordingMode::on_demand) {
    // *1 from either side starts it.
    call.record_on_demand = true;
    (void)d_.media->listen_for_dtmf(call.relay->id, media::LegSide::a,
                                    media::DtmfListening{.inband = true});
    (void)d_.media->listen_for_dtmf(call.relay->id, media::LegSide::b,
                                    media::DtmfListening{.inband = true});
  }
}

Result<void> CallEngine::Impl::start_call_recording(Call& call) {
  if (!call.relay || cfg_.data_dir.empty()) {
    return make_error(503, "the call's audio is not anchored or there is no data directory");
  }
  if (call.recording != 0) return make_error(409, "the call is already being recorded");
  const bool stereo = d_.recording != nullptr && d_.recording->stereo;
  PendingFile pending;
  pending.call_id = call.id;
  pending.call_uid = call.uid;
  pending.tenant_id = call.tenant_id;
  pending.caller = call.caller;
  pending.called = call.called;
  pending.file = "recordings/" + utc_date(d_.clock.wall_now(), '/') + "/" + call.uid + ".wav";
  pending.media_id = new_media_id();
  media::RecordingOptions options;
  options.path = cfg_.data_dir + "/" + pending.file;
  options.layout = stereo ? media::RecordingLayout::stereo : media::RecordingLayout::mixed;
  auto recording = d_.media->start_recording(call.relay->id, std::move(options));
  if (!recording) {
    log(LogLevel::error, "pbx.recording_failed",
        {{"call", call.uid}, {"error", recording.error().message}});
    return make_error(503, recording.error().message);
  }
  call.recording = *recording;
  ++stats_.recordings;
  if (d_.events != nullptr) {
    CallEvent e;
    e.kind = CallEventKind::recording_started;
    e.call_id = call.id;
    e.call_uid = call.uid;
    e.seq = call.next_event_seq++;
    e.tenant_id = call.tenant_id;
    e.at = d_.clock.wall_now();
    e.caller = call.caller;
    e.called = call.called;
    e.file = pending.file;
    e.media_id = pending.media_id;
    e.channels = stereo ? 2 : 1;
    d_.events->on_call_event(e);
  }
  log(LogLevel::info, "pbx.recording_started", {{"call", call.uid}, {"file", pending.file}});
  pending_files_.emplace(*recording, std::move(pending));
  return {};
}

Result<void> CallEngine::Impl::record_call(std::string_view call_uid) {
  for (auto& [id, call] : calls_) {
    if (call->uid == call_uid && call->state == CallState::answered) {
      return start_call_recording(*call);
    }
  }
  return make_error(404, "no answered call " + std::string(call_uid));
}

void CallEngine::Impl::on_participant_key(Call& call, media::LegSide side, char digit) {
  char& last = call.last_key[side == media::LegSide::a ? 0 : 1];
  if (call.record_on_demand && call.recording == 0 && call.state == CallState::answered &&
      last == '*' && digit == '1') {
    log(LogLevel::info, "pbx.recording_requested",
        {{"call", call.uid}, {"by", side == media::LegSide::a ? "caller" : "callee"}});
    (void)start_call_recording(call);
  }
  last = digit;
}

void CallEngine::Impl::ring_contacts(Call& call, const SipMessage* invite,
                                     std::span<const sip::LocationEntry> contacts,
                                     std::size_t target_index) {
  // The caller as the callee sees it: display name and user of the caller's From. The user's
  // own phone in a click-to-call sees the number it is about to call.
  const bool to_originator = call.rings_originator();
  std::string from = "<sip:" + (to_originator ? call.called : call.caller) + "@" + call.realm + ">";
  if (to_originator) {
    from = quoted_display(call.caller_display.empty() ? call.called : call.caller_display) + " " +
           from;
  } else if (!call.caller_display.empty()) {
    from = quoted_display(call.caller_display) + " " + from;
  }
  for (const sip::LocationEntry& entry : contacts) {
    CalleeLeg leg;
    leg.target = entry.binding.aor;
    leg.target_index = target_index;
    leg.ring_generation = call.ring_generation;
    leg.peer = entry.binding.source;
    if (leg.peer.local.port == 0) {  // restored binding: the socket is not known
      leg.peer.local = call.caller_peer.local;
    }
    leg.request_uri = entry.binding.contact;
    leg.from = from;
    leg.to = "<sip:" + entry.binding.aor + ">";
    call.callees.push_back(std::move(leg));
    if (send_leg_invite(call, call.callees.size() - 1, invite, nullptr)) {
      ++call.ring_open_legs[target_index];
    }
  }
}

bool CallEngine::Impl::ring_external(Call& call, const SipMessage* invite, const RingTarget& target,
                                     std::size_t target_index) {
  CalleeLeg leg;
  leg.target = target.id;
  leg.target_index = target_index;
  leg.ring_generation = call.ring_generation;
  const Trunk* trunk = d_.trunks != nullptr ? d_.trunks->find_or_default(target.trunk) : nullptr;
  if (target.kind == RingTargetKind::uri) {
    // A URI with an IP address is called there; any other goes to the trunk as outbound proxy.
    auto uri = sip::parse_uri(target.id);
    if (!uri) return false;
    if (auto ip = IpAddress::parse(uri->host)) {
      leg.peer.remote = IpEndpoint{*ip, uri->port != 0 ? uri->port : std::uint16_t{5060}};
      trunk = nullptr;
    } else if (trunk != nullptr) {
      leg.peer = trunk->peer;
    } else {
      return false;
    }
    leg.request_uri = target.id;
    leg.to = "<" + target.id + ">";
  } else {
    if (trunk == nullptr) return false;
    leg.peer = trunk->peer;
    const std::string number = format_for_trunk(target.id, trunk->number_format, cfg_.numbering);
    leg.to = "<sip:" + number + "@" + trunk->domain + ">";
    leg.request_uri = "sip:" + number + "@" + trunk->domain;
    if (trunk->peer.kind == sip::TransportKind::tcp) leg.request_uri += ";transport=tcp";
  }
  // Our caller ID on the trunk; the display name says who is really calling.
  const std::string display = call.caller_display.empty() ? call.caller : call.caller_display;
  if (trunk != nullptr) {
    const std::string id =
        trunk->caller_id.empty()
            ? trunk->username
            : format_for_trunk(trunk->caller_id, trunk->number_format, cfg_.numbering);
    leg.from = quoted_display(display) + " <sip:" + (id.empty() ? "dzvin" : id) + "@" +
               trunk->domain + ">";
  } else {
    leg.from = quoted_display(display) + " <sip:" + call.caller + "@" + call.realm + ">";
  }
  leg.trunk = trunk;
  call.callees.push_back(std::move(leg));
  if (!send_leg_invite(call, call.callees.size() - 1, invite, nullptr)) return false;
  ++stats_.trunk_legs;
  ++call.ring_open_legs[target_index];
  return true;
}

bool CallEngine::Impl::send_leg_invite(Call& call, std::size_t index,
                                       const SipMessage* caller_invite,
                                       const sip::ExtraHeader* authorization) {
  if (caller_invite == nullptr && !call.relay) return false;  // nothing to offer
  CalleeLeg& leg = call.callees[index];
  if (leg.call_id.empty()) {
    leg.call_id = random_token(12) + "@dzvin";
    leg.from_tag = random_token();
  }
  const std::string contact = contact_for(leg.peer);
  sip::ExtraHeader extra[] = {
      {"Allow", sip::kAllowedMethodsWithCalls}, {"User-Agent", "Dzvin"}, {}};
  std::size_t extra_count = 2;
  if (authorization != nullptr) extra[extra_count++] = *authorization;
  sip::OutgoingRequest req;
  req.method = Method::invite;
  req.request_uri = leg.request_uri;
  req.from = leg.from;
  req.from_tag = leg.from_tag;
  req.to = leg.to;
  req.call_id = leg.call_id;
  req.cseq = leg.cseq;
  req.max_forwards =
      caller_invite != nullptr ? caller_invite->core().max_forwards.value_or(70) : 70;
  if (req.max_forwards > 0) --req.max_forwards;
  req.contact = contact;
  req.extra = std::span<const sip::ExtraHeader>(extra, extra_count);
  // Anchored: every callee gets our offer (the relay's B side; the A side for the user's own
  // phone in a click-to-call); otherwise the caller's.
  std::string our_offer;
  if (call.relay) {
    our_offer = sdp::format_session_description(call.rings_originator() ? call.originator_offer
                                                                        : call.callee_offer);
  }
  req.body = call.relay ? std::string_view(our_offer) : caller_invite->body();
  req.content_type = call.relay ? std::string_view("application/sdp")
                                : caller_invite->header(sip::HeaderId::content_type);
  sip::build_request(scratch_, via_peer(leg.peer), d_.transactions.new_branch(), req);
  auto parsed = sip::parse_message(scratch_);
  Result<TransactionId> sent = make_error(503, "unparsable INVITE");
  if (parsed) {
    leg.invite_raw = scratch_;
    sent = d_.transactions.send_request(std::move(parsed).value(), leg.peer);
  }
  if (!sent) {
    leg.state = CalleeState::failed;
    leg.final_status = 503;
    leg.invite_tx = 0;
    return false;
  }
  leg.invite_tx = *sent;
  client_txs_[*sent] = ClientTxRef{call.id, index, ClientPurpose::invite, 0};
  return true;
}

// A provider's 401/407 to our INVITE: once per leg, the same INVITE again with credentials
// (RFC 3261 §22.2: same Call-ID and From tag, CSeq + 1, new branch).
bool CallEngine::Impl::authenticate_leg(Call& call, std::size_t index,
                                        const SipMessage& challenge) {
  CalleeLeg& leg = call.callees[index];
  if (leg.trunk == nullptr || leg.trunk->username.empty() || leg.auth_attempts > 0) return false;
  if (leg.state != CalleeState::calling && leg.state != CalleeState::early) return false;
  if (call.state != CallState::ringing || !call.ring_active ||
      leg.ring_generation != call.ring_generation) {
    return false;
  }
  auto header = sip::answer_challenge(challenge, leg.trunk->username, leg.trunk->password, "INVITE",
                                      leg.request_uri);
  if (!header) {
    log(LogLevel::warn, "pbx.trunk.auth_unusable",
        {{"trunk", leg.trunk->name}, {"error", header.error().message}});
    return false;
  }
  auto caller_invite = reparse(call.caller_invite_raw);  // none in a click-to-call
  if (!caller_invite && !call.originated) return false;
  ++leg.auth_attempts;
  ++leg.cseq;
  ++stats_.trunk_auth;
  const sip::ExtraHeader authorization{header->name, header->value};
  if (!send_leg_invite(call, index, caller_invite ? &*caller_invite : nullptr, &authorization)) {
    leg.state = CalleeState::calling;  // counted as a failed target below
    on_callee_failed(call, index, 503);
  }
  return true;
}

Result<std::pair<std::string, RoutingScheme>> CallEngine::Impl::route_from_trunk(
    const Trunk& trunk, const SipMessage& invite, const sip::Uri& request_uri) {
  // Providers put the dialled number in the Request-URI, or (when they send to our
  // registered Contact) only in the To header.
  std::string_view candidates[2] = {request_uri.user, {}};
  std::optional<sip::NameAddr> to;
  if (auto na = sip::parse_name_addr(invite.header(sip::HeaderId::to))) {
    to = std::move(*na);
    candidates[1] = to->uri.user;
  }
  for (std::string_view user : candidates) {
    if (user.empty()) continue;
    auto number = normalize_phone_number(user, cfg_.numbering);
    if (!number || number->kind != NumberKind::e164) continue;
    if (!trunk.dids.empty() &&
        std::find(trunk.dids.begin(), trunk.dids.end(), number->text) == trunk.dids.end()) {
      continue;
    }
    if (const RoutingScheme* scheme = d_.routes.find(number->text)) {
      return std::pair<std::string, RoutingScheme>(number->text, *scheme);
    }
  }
  return make_error(404, "Not Found: not a number of this trunk");
}

void CallEngine::Impl::on_reinvite(TransactionId tx, const SipMessage& invite,
                                   const DialogRef& ref) {
  Call* call = find_call(ref.call);
  if (call == nullptr || call->state != CallState::answered) {
    refuse(tx, invite, 491, "Request Pending");
    return;
  }
  sip::Dialog& from_dialog =
      ref.leg == kCallerLeg ? *call->caller_dialog : *call->callees[ref.leg].dialog;
  if (auto ok = sip::accept_remote_cseq(from_dialog, invite); !ok) {
    refuse(tx, invite, 500, ok.error().message);
    return;
  }
  if (call->relay) {
    // Anchored: each side's offers are answered here (hold, resume, codec change) and only
    // change what the relay does on that side; the other phone's session is untouched.
    auto answer = answer_reoffer(
        *call, ref.leg == kCallerLeg ? media::LegSide::a : media::LegSide::b, invite);
    if (!answer) {
      refuse(tx, invite, answer.error().code == 400 ? 400 : 488, answer.error().message);
      return;
    }
    const std::string contact = "<" + from_dialog.local_contact + ">";
    const sip::ExtraHeader extra[] = {{"Contact", contact}};
    d_.transactions.respond(tx, 200, "OK", {}, extra, *answer, "application/sdp");
    return;
  }
  // Relay the new offer (hold, resume, codec change) to the other side; its answer comes
  // back on this transaction.
  sip::Dialog* other = nullptr;
  std::size_t other_leg = 0;
  if (ref.leg == kCallerLeg) {
    other_leg = call->answered_leg;
    other = &*call->callees[other_leg].dialog;
  } else {
    other_leg = kCallerLeg;
    other = &*call->caller_dialog;
  }
  const std::string_view content_type = invite.header(sip::HeaderId::content_type);
  sip::build_dialog_request(scratch_, *other, Method::invite, d_.transactions.new_branch(), {},
                            invite.body(), content_type);
  auto parsed = sip::parse_message(scratch_);
  if (!parsed) {
    refuse(tx, invite, 500, "Could not relay re-INVITE");
    return;
  }
  auto sent = d_.transactions.send_request(std::move(parsed).value(), other->peer);
  if (!sent) {
    refuse(tx, invite, 503, "Could not reach the other party");
    return;
  }
  client_txs_[*sent] = ClientTxRef{call->id, other_leg, ClientPurpose::reinvite, tx};
}

void CallEngine::Impl::on_ack(const SipMessage& ack) {
  const DialogRef* ref = find_dialog(ack);
  if (ref == nullptr || ref->leg != kCallerLeg) return;
  Call* call = find_call(ref->call);
  if (call == nullptr || call->acked) return;
  call->acked = true;
  if (call->ok_timer != 0) d_.timers.cancel(call->ok_timer);
  call->ok_timer = 0;
}

void CallEngine::Impl::on_bye(TransactionId tx, const SipMessage& bye) {
  const DialogRef* ref = find_dialog(bye);
  if (ref == nullptr) {
    refuse(tx, bye, 481, "Call/Transaction Does Not Exist");
    return;
  }
  const DialogRef at = *ref;
  Call* call = find_call(at.call);
  if (call == nullptr) {
    refuse(tx, bye, 481, "Call/Transaction Does Not Exist");
    return;
  }
  d_.transactions.respond(tx, 200, "OK");
  if (at.leg == kCallerLeg && call->state == CallState::ringing) {
    // Answered by Dzvin (a prompt), nobody else yet: the caller gave up, or hung up after
    // leaving a message (the usual end of one).
    for (CalleeLeg& leg : call->callees)
      cancel_leg(*call, leg);
    if (call->voicemail_recording != 0) {
      end_call(*call, "voicemail: " + call->voicemail_box, 0);
      return;
    }
    end_call(*call, "abandoned: caller hung up before anyone answered", 0);
    return;
  }
  if (at.leg == kCallerLeg) {
    if (call->answered_leg < call->callees.size() &&
        call->callees[call->answered_leg].dialog.has_value()) {
      send_bye_to_callee(*call, call->callees[call->answered_leg]);
    }
    end_call(*call, "answered: caller hung up", 0);
  } else {
    send_bye_to_caller(*call);
    end_call(*call, "answered: callee hung up", 0);
  }
}

void CallEngine::Impl::on_cancel(TransactionId tx, const SipMessage& cancel) {
  const TransactionId invite_tx = d_.transactions.cancel_target(cancel);
  auto it = caller_txs_.find(invite_tx);
  if (invite_tx == 0 || it == caller_txs_.end()) {
    refuse(tx, cancel, 481, "Call/Transaction Does Not Exist");
    return;
  }
  d_.transactions.respond(tx, 200, "OK");  // §9.2: the CANCEL itself succeeds
  Call* call = find_call(it->second);
  if (call == nullptr || call->state != CallState::ringing) return;
  d_.transactions.respond(call->caller_tx, 487, "Request Terminated", call->caller_tag);
  for (CalleeLeg& leg : call->callees)
    cancel_leg(*call, leg);
  end_call(*call, "abandoned: caller hung up while ringing", 487);  // wakes the scheme
}

// ---- responses ------------------------------------------------------------------------------

void CallEngine::Impl::on_response(TransactionId tx, const SipMessage& response) {
  ended_.clear();
  if (tx == 0) {
    // A 2xx retransmission after its INVITE transaction ended (§13.2.2.4): ACK it again; a
    // 2xx from a fork that lost gets its ACK and a BYE.
    const auto it = dialogs_.find(
        dialog_key(response.core().call_id, response.core().from_tag, response.core().to_tag));
    if (it == dialogs_.end()) return;
    Call* call = find_call(it->second.call);
    if (call == nullptr) return;
    std::size_t index = it->second.leg;
    if (index == kCallerLeg) {
      // Only a click-to-call's caller leg is ours as UAC (the user's phone's 2xx).
      if (!call->originated || call->originator_leg >= call->callees.size()) return;
      index = call->originator_leg;
    }
    CalleeLeg& leg = call->callees[index];
    if (!leg.ack_raw.empty()) d_.transport.send(leg.peer, leg.ack_raw);
    return;
  }
  auto it = client_txs_.find(tx);
  if (it == client_txs_.end()) return;
  const ClientTxRef ref = it->second;
  if (response.status() >= 200) client_txs_.erase(it);
  Call* call = find_call(ref.call);
  if (call == nullptr) {
    // The call ended while this INVITE was out: a late 2xx still needs ACK and BYE.
    return;
  }
  switch (ref.purpose) {
    case ClientPurpose::invite:
      on_callee_response(*call, ref.leg, response);
      return;
    case ClientPurpose::reinvite: {
      if (response.status() < 200) return;
      // Relay the answer to the side that asked, ACK the side that answered.
      if (response.status() < 300) {
        sip::Dialog& answered =
            ref.leg == kCallerLeg ? *call->caller_dialog : *call->callees[ref.leg].dialog;
        sip::build_dialog_request(scratch_, answered, Method::ack, d_.transactions.new_branch(), {},
                                  {}, {}, response.core().cseq);
        d_.transport.send(answered.peer, scratch_);
      }
      const std::string_view content_type = response.header(sip::HeaderId::content_type);
      const std::string contact =
          "<" +
          contact_for(ref.leg == kCallerLeg ? call->callees[call->answered_leg].peer
                                            : call->caller_peer) +
          ">";
      const sip::ExtraHeader extra[] = {{"Contact", contact}};
      d_.transactions.respond(ref.relay_to, response.status(), response.reason(), {}, extra,
                              response.body(), content_type);
      return;
    }
    case ClientPurpose::bye:
    case ClientPurpose::cancel:
      return;
  }
}

void CallEngine::Impl::on_client_failure(TransactionId tx, sip::ClientOutcome outcome) {
  ended_.clear();
  auto it = client_txs_.find(tx);
  if (it == client_txs_.end()) return;
  const ClientTxRef ref = it->second;
  client_txs_.erase(it);
  Call* call = find_call(ref.call);
  if (call == nullptr) return;
  const int status = outcome == sip::ClientOutcome::timeout ? 408 : 503;
  if (ref.purpose == ClientPurpose::invite) {
    on_callee_failed(*call, ref.leg, status);
  } else if (ref.purpose == ClientPurpose::reinvite) {
    d_.transactions.respond(ref.relay_to, status, sip::default_reason(status));
  }
}

void CallEngine::Impl::on_callee_response(Call& call, std::size_t index,
                                          const SipMessage& response) {
  CalleeLeg& leg = call.callees[index];
  const int status = response.status();
  if (status < 200) {
    if (status == 100 || call.state != CallState::ringing) return;
    if (leg.state == CalleeState::calling) {
      leg.state = CalleeState::early;
      emit(call, CallEventKind::ringing, leg.target);
    }
    if (call.rings_originator()) return;  // the user's own phone rings
    // One 180 (or 183 with early media) to the caller, with our tag.
    if (call.relay && !response.body().empty() && !call.early_media) {
      // Anchored early media (a mobile network's ringback or announcement): the first callee
      // that sends SDP is connected to the relay now; the caller gets our answer in a 183. The
      // 2xx later carries the same answer (the caller keeps the first one, RFC 3261 §13.2.1),
      // and the relay's callee side is set again from whoever answers.
      auto answer = anchor_answer(call, response);
      if (answer) {
        call.early_media = true;
        call.ringing_sent = true;
        const std::string contact = "<" + contact_for(call.caller_peer) + ">";
        const sip::ExtraHeader extra[] = {{"Contact", contact}};
        d_.transactions.respond(call.caller_tx, 183, "Session Progress", call.caller_tag, extra,
                                *answer, "application/sdp");
        return;
      }
      log(LogLevel::info, "pbx.media.early_media_refused",
          {{"call", call.uid}, {"error", answer.error().message}});
    }
    const bool early_media = !response.body().empty() && !call.relay;
    if (call.relay && call.ringing_sent) return;
    if (!call.ringing_sent || early_media) {
      call.ringing_sent = true;
      const std::string contact = "<" + contact_for(call.caller_peer) + ">";
      const sip::ExtraHeader extra[] = {{"Contact", contact}};
      const std::string_view content_type = response.header(sip::HeaderId::content_type);
      d_.transactions.respond(call.caller_tx, early_media ? 183 : 180,
                              early_media ? "Session Progress" : "Ringing", call.caller_tag, extra,
                              early_media ? response.body() : std::string_view{},
                              early_media ? content_type : std::string_view{});
    }
    return;
  }
  if (status < 300) {
    if (call.state == CallState::ringing && leg.state != CalleeState::cancelled) {
      if (call.rings_originator()) {
        promote_originator(call, index, response);
        return;
      }
      answer_caller(call, index, response);
    } else {
      // Answered after another fork won, or after CANCEL crossed the 200 (§9.1): ACK + BYE.
      send_ack(call, leg, response);
      send_bye_to_callee(call, leg);
    }
    return;
  }
  if ((status == 401 || status == 407) && authenticate_leg(call, index, response)) return;
  on_callee_failed(call, index, status);
}

void CallEngine::Impl::on_callee_failed(Call& call, std::size_t index, int status) {
  CalleeLeg& leg = call.callees[index];
  if (leg.state == CalleeState::failed || leg.state == CalleeState::answered) return;
  const bool was_cancelled = leg.state == CalleeState::cancelled;
  leg.state = was_cancelled ? CalleeState::cancelled : CalleeState::failed;
  leg.final_status = status;
  if (was_cancelled || !call.ring_active || leg.ring_generation != call.ring_generation) return;
  emit(call, CallEventKind::attempt, leg.target, std::string(attempt_result(status)), status);
  // The target's result is its most telling leg's: busy beats no answer beats the rest.
  TargetRingResult& r = call.ring_results[leg.target_index];
  const RingResult this_leg = ring_result(status);
  if (r.sip_status == 0 || this_leg == RingResult::busy ||
      (this_leg == RingResult::no_answer && r.result != RingResult::busy)) {
    r.result = this_leg;
    r.sip_status = status;
  }
  if (--call.ring_open_legs[leg.target_index] == 0) r.ended = d_.clock.wall_now();
  maybe_finish_ring(call);
}

// A ring() is over once no leg it started can still answer.
void CallEngine::Impl::maybe_finish_ring(Call& call) {
  if (!call.ring_active) return;
  for (int open : call.ring_open_legs)
    if (open > 0) return;
  finish_ring(call, std::nullopt);
}

void CallEngine::Impl::finish_ring(Call& call, std::optional<RingResult> result,
                                   std::optional<std::size_t> answered) {
  if (!call.ring_active) return;
  call.ring_active = false;
  if (call.ring_timer != 0) d_.timers.cancel(call.ring_timer);
  call.ring_timer = 0;
  RingOutcome outcome;
  outcome.targets = call.ring_results;
  outcome.answered = answered;
  if (result) {
    outcome.result = *result;
  } else {
    // Nothing answered and nothing rings any more: the most telling result of the targets.
    const auto any = [&](RingResult r) {
      return std::any_of(outcome.targets.begin(), outcome.targets.end(),
                         [r](const TargetRingResult& t) { return t.result == r; });
    };
    outcome.result = any(RingResult::no_answer)     ? RingResult::no_answer
                     : any(RingResult::busy)        ? RingResult::busy
                     : any(RingResult::unavailable) ? RingResult::unavailable
                                                    : RingResult::failed;
    if (outcome.result == RingResult::failed) outcome.reason = "no route to the target";
  }
  call.last_ring = outcome.result;
  if (call.session != nullptr) call.session->finish(std::move(outcome));
}

void CallEngine::Impl::answer_caller(Call& call, std::size_t index, const SipMessage& response) {
  CalleeLeg& leg = call.callees[index];
  auto invite = reparse(leg.invite_raw);
  if (!invite) return;
  auto callee_dialog = sip::dialog_as_uac(*invite, response, contact_for(leg.peer), leg.peer);
  if (!callee_dialog) {
    send_ack(call, leg, response);
    return;
  }
  leg.state = CalleeState::answered;
  leg.dialog = std::move(*callee_dialog);
  leg.dialog->via_sent_by = via_peer(leg.peer).local;
  dialogs_[dialog_key(leg.dialog->id.call_id, leg.dialog->id.local_tag,
                      leg.dialog->id.remote_tag)] = DialogRef{call.id, index};
  send_ack(call, leg, response);

  // Anchored: the callee's answer configures the relay's B side; the caller gets our answer.
  std::string caller_answer;
  if (call.relay) {
    auto answer = anchor_answer(call, response);
    if (!answer) {
      log(LogLevel::info, "pbx.media.answer_refused",
          {{"call", call.uid}, {"error", answer.error().message}});
      send_bye_to_callee(call, leg);
      leg.state = CalleeState::calling;  // let on_callee_failed count it as a failed target
      on_callee_failed(call, index, 488);
      return;
    }
    caller_answer = std::move(*answer);
    if (call.playing != 0) {  // a prompt (ringback, music) gives way to the person
      (void)d_.media->stop_playing(call.relay->id, media::LegSide::a);  // the relay is live
      call.playing = 0;
    }
  }
  if (!call.caller_confirmed) {
    const std::string_view content_type =
        call.relay ? "application/sdp" : response.header(sip::HeaderId::content_type);
    const std::string_view body = call.relay ? std::string_view(caller_answer) : response.body();
    if (!confirm_caller(call, body, content_type)) {
      send_bye_to_callee(call, leg);  // the caller's INVITE had no usable Contact
      return;
    }
  }
  call.state = CallState::answered;
  call.answered_leg = index;
  count_in_call(call, +1);
  finish_ring(call, RingResult::answered, leg.target_index);
  ++stats_.calls_answered;
  emit(call, CallEventKind::answered, leg.target);
  cancel_other_legs(call, index);
  on_answered_recording(call, call.callees[index]);
}

// Click-to-call: the user answered on leg `index`. Its dialog becomes the caller's, the
// relay's A side is set from the phone's answer, the user's other phones stop ringing, and the
// scheme's next ring() finds the call as if Dzvin had answered a caller (ringback is played).
void CallEngine::Impl::promote_originator(Call& call, std::size_t index,
                                          const SipMessage& response) {
  CalleeLeg& leg = call.callees[index];
  auto invite = reparse(leg.invite_raw);
  auto dialog = invite ? sip::dialog_as_uac(*invite, response, contact_for(leg.peer), leg.peer)
                       : make_error(400, "unparsable INVITE");
  auto answer = sdp::parse_session_description(response.body());
  auto a = answer ? sdp::accept_answer(call.originator_offer, *answer)
                  : Result<sdp::NegotiatedAudio>(answer.error());
  auto params = a ? leg_params(*a) : std::nullopt;
  if (!dialog || !params || !d_.media->configure_leg(call.relay->id, media::LegSide::a, *params)) {
    log(LogLevel::info, "pbx.click_to_call.answer_refused",
        {{"call", call.uid},
         {"error", !dialog ? dialog.error().message
                   : !a    ? a.error().message
                           : std::string("media address is not an IP address")}});
    send_ack(call, leg, response);
    send_bye_to_callee(call, leg);
    leg.state = CalleeState::calling;  // counted as a failed target: the call ends
    on_callee_failed(call, index, 488);
    return;
  }
  send_ack(call, leg, response);  // a dialog of its own for the ACK (kept until BYE below)
  if (leg.dialog) {
    dialogs_.erase(
        dialog_key(leg.dialog->id.call_id, leg.dialog->id.local_tag, leg.dialog->id.remote_tag));
    leg.dialog.reset();
  }
  leg.state = CalleeState::answered;
  call.originator_leg = index;
  call.caller_dialog = std::move(*dialog);
  call.caller_dialog->via_sent_by = via_peer(leg.peer).local;
  dialogs_[dialog_key(call.caller_dialog->id.call_id, call.caller_dialog->id.local_tag,
                      call.caller_dialog->id.remote_tag)] = DialogRef{call.id, kCallerLeg};
  call.caller_peer = leg.peer;
  call.caller_confirmed = true;
  call.acked = true;
  // From here the user is the caller: the far end sees the user's name, not its own.
  const DirectoryUser* user = d_.directory.find_user(call.caller);
  call.caller_display = user != nullptr ? user->display_name : std::string();
  log(LogLevel::info, "pbx.click_to_call.user_answered",
      {{"call", call.uid}, {"user", leg.target}, {"number", call.called}});
  (void)d_.media->listen_for_dtmf(call.relay->id, media::LegSide::a,
                                  media::DtmfListening{.inband = true});
  cancel_other_legs(call, index);
  finish_ring(call, RingResult::answered, leg.target_index);
}

Result<std::string> CallEngine::Impl::originate(const Origination& request) {
  ended_.clear();
  if (d_.media == nullptr) return make_error(503, "click-to-call needs the media relay");
  const DirectoryUser* user = d_.directory.find_user(request.user);
  if (user == nullptr) return make_error(404, "no user \"" + request.user + "\"");
  if (d_.locations.find(request.user + "@" + request.realm).empty()) {
    return make_error(409, request.user + " has no phone registered: the call rings it first");
  }
  auto route = scheme_for_dialled(request.number);
  if (!route) {
    if (route.error().code == 404 && route.error().message == "Not Found") {
      return make_error(
          422, "\"" + request.number + "\" is not a user, a number of ours or a phone number");
    }
    return make_error(503, "no trunk to call external numbers");
  }
  if (route->first == request.user) return make_error(422, "a user cannot call themselves");
  auto relay = d_.media->create_relay();
  if (!relay) {
    log(LogLevel::warn, "pbx.media.no_relay", {{"error", relay.error().message}});
    return make_error(503, "no media ports available");
  }
  auto call = std::make_unique<Call>();
  call->id = next_call_id_++;
  call->uid = random_token(12);
  call->tenant_id = request.tenant_id;
  call->caller = request.user;
  call->caller_display = request.display.substr(0, 66);
  call->called = route->first;
  call->realm = request.realm;
  call->started_at = d_.clock.wall_now();
  call->originated = true;
  call->ring_originator_for =
      std::chrono::duration_cast<std::chrono::milliseconds>(request.ring_user_for);
  anchor(*call, *relay);
  call->originator_offer =
      sdp::build_offer(sdp::AudioCapabilities{}, local_media(*call, media::LegSide::a));
  ++stats_.calls_started;
  emit(*call, CallEventKind::started, {}, "click-to-call");
  const std::uint64_t id = call->id;
  std::string uid = call->uid;
  calls_.emplace(id, std::move(call));
  stats_.active_calls = calls_.size();
  boost::asio::co_spawn(d_.io, run_call(id, std::move(route->second)), boost::asio::detached);
  return uid;
}

bool CallEngine::Impl::confirm_caller(Call& call, std::string_view body,
                                      std::string_view content_type) {
  auto caller_invite = reparse(call.caller_invite_raw);
  const std::string contact = contact_for(call.caller_peer);
  auto caller_dialog =
      caller_invite ? sip::dialog_as_uas(*caller_invite, call.caller_tag, contact, call.caller_peer)
                    : make_error(400, "unparsable INVITE");
  if (!caller_dialog) {
    d_.transactions.respond(call.caller_tx, 400, "Bad Contact", call.caller_tag);
    end_call(call, "failed: caller Contact unusable", 400);
    return false;
  }
  call.caller_confirmed = true;
  call.caller_dialog = std::move(*caller_dialog);
  call.caller_dialog->via_sent_by = via_peer(call.caller_peer).local;
  dialogs_[dialog_key(call.caller_dialog->id.call_id, call.caller_dialog->id.local_tag,
                      call.caller_dialog->id.remote_tag)] = DialogRef{call.id, kCallerLeg};
  answered_invites_[dialog_key(call.caller_dialog->id.call_id, {},
                               call.caller_dialog->id.remote_tag)] = call.id;
  // Our 2xx: built here as well as by the transaction (which sends it and ends), so that it
  // can be resent until the caller's ACK (§13.3.1.4).
  const std::string contact_header = "<" + contact + ">";
  const sip::ExtraHeader extra[] = {{"Contact", contact_header},
                                    {"Allow", sip::kAllowedMethodsWithCalls}};
  const std::string source_ip = call.caller_peer.remote.address.to_string();
  sip::build_response(call.ok_raw, *caller_invite, {source_ip, call.caller_peer.remote.port}, 200,
                      "OK", call.caller_tag, extra, body, content_type);
  d_.transactions.respond(call.caller_tx, 200, "OK", call.caller_tag, extra, body, content_type);
  caller_txs_.erase(call.caller_tx);
  call.ok_interval = cfg_.t1;
  call.ok_deadline = d_.clock.now() + 64 * cfg_.t1;
  const std::uint64_t id = call.id;
  call.ok_timer =
      d_.timers.schedule(d_.clock.now() + call.ok_interval, [this, id] { resend_ok(id); });
  return true;
}

bool CallEngine::Impl::answer_locally(Call& call) {
  auto a = sdp::negotiate_answer(call.caller_offer, sdp::AudioCapabilities{},
                                 local_media(call, media::LegSide::a));
  auto params = a ? leg_params(a->audio) : std::nullopt;
  if (!params || !d_.media->configure_leg(call.relay->id, media::LegSide::a, *params)) {
    log(LogLevel::warn, "pbx.media.local_answer_failed", {{"call", call.uid}});
    return false;
  }
  const std::string body = sdp::format_session_description(a->answer);
  if (!confirm_caller(call, body, "application/sdp")) return false;
  log(LogLevel::info, "pbx.call.answered_by_dzvin", {{"call", call.uid}});
  // From here the caller may press keys (menus): RFC 4733 events, or tones in the audio.
  (void)d_.media->listen_for_dtmf(call.relay->id, media::LegSide::a,
                                  media::DtmfListening{.inband = true});
  return true;
}

void CallEngine::Impl::end_confirmed(Call& call, std::string_view outcome) {
  for (CalleeLeg& leg : call.callees)
    cancel_leg(call, leg);
  send_bye_to_caller(call);
  end_call(call, outcome, 0);
}

void CallEngine::Impl::start_play(std::uint64_t id, const std::string& prompt) {
  start_play_clip(id, d_.prompts != nullptr ? d_.prompts->find(prompt) : nullptr, prompt);
}

void CallEngine::Impl::start_play_clip(std::uint64_t id,
                                       std::shared_ptr<const media::AudioClip> clip,
                                       const std::string& what) {
  Call* call = find_call(id);
  if (call == nullptr || call->state == CallState::ended) {
    if (call != nullptr && call->session != nullptr) call->session->finish_play(false);
    return;
  }
  if (!call->relay || !clip) {
    // Without anchored media there is nothing to play with: the scheme goes on.
    log(LogLevel::warn, "pbx.prompt_skipped",
        {{"call", call->uid}, {"prompt", what}, {"why", clip ? "no media relay" : "no audio"}});
    if (call->session != nullptr) call->session->finish_play(true);
    return;
  }
  if (!call->caller_confirmed && !answer_locally(*call)) {
    if (Call* still = find_call(id); still != nullptr && still->session != nullptr) {
      still->session->finish_play(false);
    }
    return;
  }
  auto played = d_.media->play(call->relay->id, media::LegSide::a, std::move(clip));
  if (!played) {
    if (call->session != nullptr) call->session->finish_play(true);
    return;
  }
  call->playing = *played;
}

void CallEngine::Impl::on_caller_key(Call& call, char digit, std::string_view how) {
  if (call.digits.size() < 32) call.digits.push_back(digit);
  log(LogLevel::info, "pbx.dtmf",
      {{"call", call.uid}, {"digit", std::string(1, digit)}, {"via", how}});
  if (call.asking) answer_ask(call, CallControl::KeyInput{digit, false});
  if (call.voicemail_recording != 0 && digit == '#') stop_voicemail(call, "#");
}

void CallEngine::Impl::start_ask(std::uint64_t id, const std::string& prompt,
                                 std::chrono::milliseconds timeout) {
  Call* call = find_call(id);
  if (call == nullptr || call->state == CallState::ended || call->session == nullptr) {
    if (call != nullptr && call->session != nullptr) {
      call->session->finish_ask(CallControl::KeyInput{std::nullopt, true});
    }
    return;
  }
  if (!call->relay) {  // no media: no prompt and no keys
    log(LogLevel::warn, "pbx.menu_skipped", {{"call", call->uid}, {"why", "no media relay"}});
    call->session->finish_ask(CallControl::KeyInput{});
    return;
  }
  if (!call->caller_confirmed && !answer_locally(*call)) {
    if (Call* still = find_call(id); still != nullptr && still->session != nullptr) {
      still->session->finish_ask(CallControl::KeyInput{std::nullopt, true});
    }
    return;
  }
  call->digits.clear();
  call->asking = true;
  call->key_timeout = timeout;
  auto clip = d_.prompts != nullptr ? d_.prompts->find(prompt) : nullptr;
  auto played = clip ? d_.media->play(call->relay->id, media::LegSide::a, std::move(clip))
                     : Result<std::uint64_t>(make_error(404, "no audio"));
  if (played) {
    call->playing = *played;  // a key during it stops it; its end starts the key timer
  } else {
    wait_for_key(*call);
  }
}

void CallEngine::Impl::wait_for_key(Call& call) {
  const std::uint64_t id = call.id;
  call.key_timer = d_.timers.schedule(d_.clock.now() + call.key_timeout, [this, id] {
    ended_.clear();
    Call* c = find_call(id);
    if (c == nullptr) return;
    c->key_timer = 0;
    if (c->asking) answer_ask(*c, CallControl::KeyInput{});
  });
}

void CallEngine::Impl::answer_ask(Call& call, CallControl::KeyInput input) {
  call.asking = false;
  if (call.key_timer != 0) d_.timers.cancel(call.key_timer);
  call.key_timer = 0;
  if (call.playing != 0 && call.relay) {
    (void)d_.media->stop_playing(call.relay->id, media::LegSide::a);  // barge-in
    call.playing = 0;
  }
  if (call.session != nullptr) call.session->finish_ask(input);
}

void CallEngine::Impl::on_media_event(const media::MediaEvent& event) {
  ended_.clear();
  if (event.kind == media::MediaEvent::Kind::recording_finished) {
    on_recording_finished(event);  // the call and its relay may be gone
    return;
  }
  auto it = relay_calls_.find(event.relay.value);
  if (it == relay_calls_.end()) return;
  if (event.kind == media::MediaEvent::Kind::dtmf) {
    Call* call = find_call(it->second);
    if (call == nullptr) return;
    if (call->state == CallState::answered) {
      on_participant_key(*call, event.side, event.digit);
    } else if (event.side == media::LegSide::a) {
      on_caller_key(*call, event.digit, event.inband ? "inband" : "rfc4733");
    }
    return;
  }
  if (event.kind == media::MediaEvent::Kind::recording_silence) {
    if (Call* call = find_call(it->second);
        call != nullptr && call->voicemail_recording == event.recording_id) {
      stop_voicemail(*call, "silence");
    }
    return;
  }
  Call* call = find_call(it->second);
  if (call == nullptr || call->playing != event.play_id) return;
  call->playing = 0;
  if (call->asking) {
    wait_for_key(*call);  // the menu's prompt is over: now the time for a key runs
    return;
  }
  if (call->session != nullptr) call->session->finish_play(true);
}

void CallEngine::Impl::resend_ok(std::uint64_t call_id) {
  ended_.clear();
  Call* call = find_call(call_id);
  if (call == nullptr) return;
  call->ok_timer = 0;
  if (call->acked || call->state != CallState::answered) return;
  if (d_.clock.now() >= call->ok_deadline) {
    // §13.3.1.4: no ACK within 64*T1: the session is confirmed and then ended with BYE.
    send_bye_to_caller(*call);
    send_bye_to_callee(*call, call->callees[call->answered_leg]);
    end_call(*call, "failed: no ACK from the caller", 0);
    return;
  }
  d_.transport.send(call->caller_peer, call->ok_raw);
  call->ok_interval = std::min(call->ok_interval * 2, cfg_.t2);
  call->ok_timer = d_.timers.schedule(d_.clock.now() + call->ok_interval,
                                      [this, call_id] { resend_ok(call_id); });
}

void CallEngine::Impl::on_ring_timeout(std::uint64_t call_id) {
  ended_.clear();
  Call* call = find_call(call_id);
  if (call == nullptr) return;
  call->ring_timer = 0;
  if (call->state != CallState::ringing || !call->ring_active) return;
  for (CalleeLeg& leg : call->callees) {
    if (leg.ring_generation != call->ring_generation) continue;
    if (leg.state == CalleeState::calling || leg.state == CalleeState::early) {
      emit(*call, CallEventKind::attempt, leg.target, "no answer", 408);
      TargetRingResult& r = call->ring_results[leg.target_index];
      if (r.sip_status == 0) r.result = RingResult::no_answer;
      cancel_leg(*call, leg);
    }
  }
  finish_ring(*call, RingResult::no_answer);
}

// ---- anchored media -------------------------------------------------------------------------

void CallEngine::Impl::anchor(Call& call, const media::RelayHandle& relay) {
  call.relay = relay;
  relay_calls_[relay.id.value] = call.id;
  const std::uint64_t session =
      std::uniform_int_distribution<std::uint64_t>(1, 1ULL << 62)(random_);
  call.caller_side_version = {session, 1};
  call.callee_side_version = {session + 1, 1};
  call.callee_offer =
      sdp::build_offer(sdp::AudioCapabilities{}, local_media(call, media::LegSide::b));
}

sdp::LocalMedia CallEngine::Impl::local_media(const Call& call, media::LegSide side) const {
  sdp::LocalMedia local;
  local.username = "dzvin";
  local.address = call.relay->address.to_string();
  local.addr_type = call.relay->address.v6 ? "IP6" : "IP4";
  local.rtp_port = call.relay->ports(side).rtp;
  (side == media::LegSide::a ? call.caller_side_version : call.callee_side_version).apply(local);
  return local;
}

// The callee answered our offer: configure the B side, answer the caller's offer on the A
// side. Returns the caller's answer SDP.
Result<std::string> CallEngine::Impl::anchor_answer(Call& call, const SipMessage& callee_answer) {
  auto answer = sdp::parse_session_description(callee_answer.body());
  if (!answer) return make_error(400, "bad SDP from the callee: " + answer.error().message);
  auto b = sdp::accept_answer(call.callee_offer, *answer);
  if (!b) return b.error();
  if (call.originated) {
    // Click-to-call: the A side (the user's phone) was set when the user answered.
    auto b_only = leg_params(*b);
    if (!b_only) return make_error(488, "media address is not an IP address");
    if (auto r = d_.media->configure_leg(call.relay->id, media::LegSide::b, *b_only); !r) {
      return r.error();
    }
    return std::string();
  }
  auto a = sdp::negotiate_answer(call.caller_offer, sdp::AudioCapabilities{},
                                 local_media(call, media::LegSide::a));
  if (!a) return a.error();
  auto b_params = leg_params(*b);
  auto a_params = leg_params(a->audio);
  if (!a_params || !b_params) return make_error(488, "media address is not an IP address");
  if (auto r = d_.media->configure_leg(call.relay->id, media::LegSide::b, *b_params); !r) {
    return r.error();
  }
  if (auto r = d_.media->configure_leg(call.relay->id, media::LegSide::a, *a_params); !r) {
    return r.error();
  }
  log(LogLevel::info, "pbx.media.negotiated",
      {{"call", call.uid},
       {"caller_codec", sdp::to_string(a->audio.codec)},
       {"callee_codec", sdp::to_string(b->codec)},
       {"transcoding", a->audio.codec != b->codec ? "yes" : "no"}});
  return sdp::format_session_description(a->answer);
}

// A re-INVITE's offer from one side: answered here, that side of the relay reconfigured.
Result<std::string> CallEngine::Impl::answer_reoffer(Call& call, media::LegSide side,
                                                     const SipMessage& offer) {
  auto parsed = sdp::parse_session_description(offer.body());
  if (!parsed) return make_error(400, "Bad SDP: " + parsed.error().message);
  sdp::SessionVersion& version =
      side == media::LegSide::a ? call.caller_side_version : call.callee_side_version;
  version.bump();  // RFC 3264 §8: a new answer has a higher version
  auto answer = sdp::negotiate_answer(*parsed, sdp::AudioCapabilities{}, local_media(call, side));
  if (!answer) return answer.error();
  auto params = leg_params(answer->audio);
  if (!params) return make_error(488, "media address is not an IP address");
  if (auto r = d_.media->configure_leg(call.relay->id, side, *params); !r) return r.error();
  return sdp::format_session_description(answer->answer);
}

// ---- callee legs ----------------------------------------------------------------------------

void CallEngine::Impl::cancel_leg(Call& call, CalleeLeg& leg) {
  if (leg.cancel_sent || leg.invite_tx == 0) return;
  if (leg.state != CalleeState::calling && leg.state != CalleeState::early) return;
  leg.state = CalleeState::cancelled;
  leg.cancel_sent = true;
  // §9.1: a CANCEL before any provisional response must wait for one; we send it at once
  // and rely on the callee's transaction layer (most UAs accept it, and Timer B ends ours).
  auto invite = reparse(leg.invite_raw);
  if (!invite) return;
  sip::build_cancel(scratch_, *invite);
  auto parsed = sip::parse_message(scratch_);
  if (!parsed) return;
  auto sent = d_.transactions.send_request(std::move(parsed).value(), leg.peer);
  if (sent) {
    client_txs_[*sent] = ClientTxRef{call.id, 0, ClientPurpose::cancel, 0};
  }
}

void CallEngine::Impl::cancel_other_legs(Call& call, std::size_t winner) {
  for (std::size_t i = 0; i < call.callees.size(); ++i) {
    if (i == winner) continue;
    CalleeLeg& leg = call.callees[i];
    if (leg.state == CalleeState::calling || leg.state == CalleeState::early) {
      emit(call, CallEventKind::attempt, leg.target, "answered elsewhere", 487);
      cancel_leg(call, leg);
    }
  }
}

void CallEngine::Impl::send_ack(Call& call, CalleeLeg& leg, const SipMessage& response) {
  auto invite = reparse(leg.invite_raw);
  if (!invite) return;
  auto dialog =
      leg.dialog ? std::optional<sip::Dialog>(*leg.dialog) : [&]() -> std::optional<sip::Dialog> {
    auto d = sip::dialog_as_uac(*invite, response, contact_for(leg.peer), leg.peer);
    if (!d) return std::nullopt;
    d->via_sent_by = via_peer(leg.peer).local;
    return std::move(*d);
  }();
  if (!dialog) return;
  sip::build_dialog_request(leg.ack_raw, *dialog, Method::ack, d_.transactions.new_branch(), {}, {},
                            {}, invite->core().cseq);
  d_.transport.send(leg.peer, leg.ack_raw);
  if (!leg.dialog) {
    // A losing fork's dialog: keep it until its BYE so retransmitted 2xx get re-ACKed.
    leg.dialog = std::move(*dialog);
    dialogs_[dialog_key(leg.dialog->id.call_id, leg.dialog->id.local_tag,
                        leg.dialog->id.remote_tag)] =
        DialogRef{call.id, static_cast<std::size_t>(&leg - call.callees.data())};
  }
}

void CallEngine::Impl::send_bye_to_callee(Call& call, CalleeLeg& leg) {
  if (!leg.dialog) return;
  sip::build_dialog_request(scratch_, *leg.dialog, Method::bye, d_.transactions.new_branch());
  auto parsed = sip::parse_message(scratch_);
  if (!parsed) return;
  auto sent = d_.transactions.send_request(std::move(parsed).value(), leg.dialog->peer);
  if (sent) {
    client_txs_[*sent] = ClientTxRef{call.id, 0, ClientPurpose::bye, 0};
  }
}

void CallEngine::Impl::send_bye_to_caller(Call& call) {
  if (!call.caller_dialog) return;
  sip::build_dialog_request(scratch_, *call.caller_dialog, Method::bye,
                            d_.transactions.new_branch());
  auto parsed = sip::parse_message(scratch_);
  if (!parsed) return;
  auto sent = d_.transactions.send_request(std::move(parsed).value(), call.caller_dialog->peer);
  if (sent) {
    client_txs_[*sent] = ClientTxRef{call.id, 0, ClientPurpose::bye, 0};
  }
}

// ---- end of a call --------------------------------------------------------------------------

void CallEngine::Impl::end_call(Call& call, std::string_view outcome, int status) {
  if (call.state == CallState::ended) return;
  const bool ringing = call.state == CallState::ringing;
  if (call.state == CallState::answered) count_in_call(call, -1);
  call.state = CallState::ended;
  if (ringing) finish_ring(call, RingResult::caller_hung_up);
  if (call.session != nullptr && call.session->playing()) call.session->finish_play(false);
  if (call.session != nullptr && call.session->asking()) {
    call.asking = false;
    call.session->finish_ask(CallControl::KeyInput{std::nullopt, true});
  }
  if (call.session != nullptr && call.session->taking_voicemail()) {
    call.session->finish_voicemail();
  }
  cancel_timers(call);
  if (call.relay && d_.media != nullptr) {
    if (auto st = d_.media->stats(call.relay->id)) {
      log(LogLevel::info, "pbx.media",
          {{"call", call.uid},
           {"caller_rtp_in", st->a.rtp_packets_in},
           {"caller_rtp_out", st->a.rtp_packets_out},
           {"callee_rtp_in", st->b.rtp_packets_in},
           {"callee_rtp_out", st->b.rtp_packets_out},
           {"dropped", st->a.dropped_malformed + st->a.dropped_foreign + st->b.dropped_malformed +
                           st->b.dropped_foreign}});
    }
    d_.media->destroy_relay(call.relay->id);
    relay_calls_.erase(call.relay->id.value);
    call.relay.reset();
  }
  ++stats_.calls_ended;
  emit(call, CallEventKind::ended, {}, std::string(outcome), status);
  // Files still being finished report after the call's last event.
  if (call.voicemail_recording != 0 || call.recording != 0) {
    for (auto& [rid, pending] : pending_files_) {
      if (pending.call_id == call.id) pending.next_seq = call.next_event_seq;
    }
  }
  // Forget its dialogs and transactions; responses still in flight find no call and are
  // dropped (a late 2xx from a cancelled leg gets no ACK: its transaction times out).
  // Only this call's entries: its dialogs and its legs' INVITE transactions.
  if (call.caller_dialog) {
    const sip::DialogId& id = call.caller_dialog->id;
    dialogs_.erase(dialog_key(id.call_id, id.local_tag, id.remote_tag));
    answered_invites_.erase(dialog_key(id.call_id, {}, id.remote_tag));
  }
  for (const CalleeLeg& leg : call.callees) {
    if (leg.dialog) {
      const sip::DialogId& id = leg.dialog->id;
      dialogs_.erase(dialog_key(id.call_id, id.local_tag, id.remote_tag));
    }
    if (auto it = client_txs_.find(leg.invite_tx);
        it != client_txs_.end() && it->second.call == call.id) {
      client_txs_.erase(it);
    }
  }
  caller_txs_.erase(call.caller_tx);
  if (auto it = calls_.find(call.id); it != calls_.end()) {
    ended_.push_back(std::move(it->second));
    calls_.erase(it);
  }
  stats_.active_calls = calls_.size();
}

// ---- helpers --------------------------------------------------------------------------------

void CallEngine::Impl::count_in_call(const Call& call, int delta) {
  const auto count = [&](const std::string& user) {
    auto& n = in_call_[user];
    n += delta;
    if (n <= 0) in_call_.erase(user);
  };
  if (call.from_trunk == nullptr) count(call.caller + "@" + call.realm);
  if (call.answered_leg < call.callees.size()) count(call.callees[call.answered_leg].target);
}

std::string CallEngine::Impl::contact_for(const Peer& peer) const {
  std::string host;
  std::uint16_t port = peer.local.port;
  if (peer.local.address.is_unspecified() || port == 0) {
    host = cfg_.advertised_host;
    port = cfg_.advertised_port;
  } else {
    host = peer.local.host_for_uri();
  }
  std::string out = "sip:dzvin@" + host + ":" + std::to_string(port);
  if (peer.kind == sip::TransportKind::tcp) out += ";transport=tcp";
  return out;
}

Peer CallEngine::Impl::via_peer(const Peer& peer) const {
  if (!peer.local.address.is_unspecified() && peer.local.port != 0) return peer;
  Peer out = peer;
  if (auto address = IpAddress::parse(cfg_.advertised_host);
      address && address->v6 == peer.remote.address.v6) {
    out.local.address = *address;
  }
  if (out.local.port == 0) out.local.port = cfg_.advertised_port;
  return out;
}

void CallEngine::Impl::emit(Call& call, CallEventKind kind, std::string target, std::string detail,
                            int status) {
  log(LogLevel::info, "pbx.call",
      {{"kind", to_string(kind)},
       {"call", call.uid},
       {"caller", call.caller},
       {"called", call.called},
       {"target", target},
       {"detail", detail},
       {"status", status}});
  if (d_.events == nullptr) return;
  CallEvent e;
  e.kind = kind;
  e.call_id = call.id;
  e.call_uid = call.uid;
  e.seq = call.next_event_seq++;
  e.tenant_id = call.tenant_id;
  e.at = d_.clock.wall_now();
  e.caller = call.caller;
  e.called = call.called;
  e.target = std::move(target);
  e.detail = std::move(detail);
  e.sip_status = status;
  d_.events->on_call_event(e);
}

std::size_t CallEngine::Impl::memory_bytes() const {
  std::size_t bytes = 0;
  for (const auto& [id, call] : calls_) {
    bytes += sizeof(Call) + call->caller_invite_raw.capacity() + call->ok_raw.capacity() +
             call->caller.capacity() + call->called.capacity() + call->caller_tag.capacity() +
             call->caller_display.capacity() + call->uid.capacity() + call->realm.capacity();
    if (call->caller_dialog) bytes += sizeof(sip::Dialog) + 256;
    for (const CalleeLeg& leg : call->callees) {
      bytes += sizeof(CalleeLeg) + leg.invite_raw.capacity() + leg.ack_raw.capacity() +
               leg.target.capacity() + leg.request_uri.capacity() + leg.from.capacity() +
               leg.to.capacity() + leg.call_id.capacity() + leg.from_tag.capacity();
      if (leg.dialog) bytes += sizeof(sip::Dialog) + 256;
    }
    bytes += 64 * 3;  // map nodes: calls_, dialogs_, client_txs_
  }
  return calls_.empty() ? 0 : bytes / calls_.size();
}

// ---- public face ----------------------------------------------------------------------------

CallEngine::CallEngine(Deps deps, CallEngineConfig config)
    : impl_(std::make_unique<Impl>(deps, std::move(config))) {}
CallEngine::~CallEngine() = default;

void CallEngine::on_request(TransactionId tx, const SipMessage& request, const Peer& from) {
  impl_->on_request(tx, request, from);
}
void CallEngine::on_response(TransactionId tx, const SipMessage& response) {
  impl_->on_response(tx, response);
}
void CallEngine::on_client_failure(TransactionId tx, sip::ClientOutcome outcome) {
  impl_->on_client_failure(tx, outcome);
}
void CallEngine::on_media_event(const media::MediaEvent& event) {
  impl_->on_media_event(event);
}

Result<void> CallEngine::record_call(std::string_view call_uid) {
  return impl_->record_call(call_uid);
}
Result<std::string> CallEngine::originate(const Origination& request) {
  return impl_->originate(request);
}
const CallEngineStats& CallEngine::stats() const {
  return impl_->stats();
}
std::size_t CallEngine::memory_bytes() const {
  return impl_->memory_bytes();
}

}  // namespace dzvin::pbx
