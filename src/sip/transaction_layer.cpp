#include "sip/transaction_layer.hpp"

#include <cstdio>

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>
#include <deque>
#include <functional>
#include <random>
#include <vector>

#include "base/log.hpp"
#include "base/memory.hpp"

namespace dzvin::sip {

namespace {

enum class Kind : std::uint8_t {
  invite_client,
  non_invite_client,
  invite_server,
  non_invite_server
};

// The states of RFC 3261 Figures 5-8; `free` marks a pooled slot, `terminated` one that left
// the index and waits to be recycled once no TU callback can still see its request.
enum class State : std::uint8_t {
  free,
  calling,
  trying,
  proceeding,
  completed,
  confirmed,
  terminated
};

constexpr std::string_view kInviteMethod = "INVITE";
constexpr std::uint32_t kNoSlot = 0xffffffffu;

bool is_server(Kind k) {
  return k == Kind::invite_server || k == Kind::non_invite_server;
}

std::uint64_t fmix64(std::uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

std::uint64_t mix(std::uint64_t h, std::string_view s) {
  return (h ^ std::hash<std::string_view>{}(s)) * 0x9E3779B97F4A7C15ull + s.size();
}

std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
  return (h ^ v) * 0x9E3779B97F4A7C15ull;
}

// The method a request is matched under: ACK belongs to the INVITE transaction (§17.2.3).
std::string_view method_class(const SipMessage& request) {
  return request.method() == Method::ack ? kInviteMethod : request.method_text();
}

// §17.2.3 (RFC 3261 branches) and §17.1.3: the views point into the transaction's request or,
// after the request was released, into the transaction's own small copy.
struct TxKey {
  std::string_view branch;
  std::string_view host;  // server side only
  std::uint16_t port = 0;
  std::string_view method;
};

std::uint64_t server_hash(const TxKey& k) {
  return fmix64(mix(mix(mix(mix(0, k.branch), k.host), k.port), k.method));
}
std::uint64_t client_hash(const TxKey& k) {
  return fmix64(mix(mix(1, k.branch), k.method));
}
// RFC 2543 requests have no usable branch: hash what §17.2.3 compares and that any
// retransmission and its ACK share.
std::uint64_t legacy_hash(const SipMessage& r) {
  const CoreHeaders& c = r.core();
  return fmix64(mix(mix(mix(mix(2, c.call_id), c.cseq), c.from_tag), method_class(r)));
}

// An open-addressing hash index (linear probing, backward-shift deletion) from a key hash to
// a transaction slot. Keys are not stored: the caller's predicate compares against the
// transaction, so the index costs 8 bytes a slot and never copies a key string.
class TxIndex {
 public:
  template <class Eq>
  std::uint32_t find(std::uint64_t hash, Eq&& eq) const {
    if (size_ == 0) return kNoSlot;
    const auto h = static_cast<std::uint32_t>(hash);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Entry& e = entries_[i];
      if (e.slot == kNoSlot) return kNoSlot;
      if (e.hash == h && eq(e.slot)) return e.slot;
    }
  }

  void insert(std::uint64_t hash, std::uint32_t slot) {
    if ((size_ + 1) * 2 > entries_.size()) grow();
    place(Entry{static_cast<std::uint32_t>(hash), slot});
    ++size_;
  }

  void erase(std::uint64_t hash, std::uint32_t slot) {
    if (size_ == 0) return;
    const auto h = static_cast<std::uint32_t>(hash);
    std::size_t i = h & mask_;
    for (;; i = (i + 1) & mask_) {
      if (entries_[i].slot == kNoSlot) return;  // not present
      if (entries_[i].slot == slot) break;
    }
    // Backward shift: pull later entries of the probe run into the hole so that lookups never
    // need tombstones.
    std::size_t hole = i;
    for (std::size_t j = (i + 1) & mask_; entries_[j].slot != kNoSlot; j = (j + 1) & mask_) {
      const std::size_t home = entries_[j].hash & mask_;
      const bool stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
      if (!stays) {
        entries_[hole] = entries_[j];
        hole = j;
      }
    }
    entries_[hole] = Entry{};
    --size_;
  }

 private:
  struct Entry {
    std::uint32_t hash = 0;
    std::uint32_t slot = kNoSlot;
  };
  void place(Entry e) {
    std::size_t i = e.hash & mask_;
    while (entries_[i].slot != kNoSlot)
      i = (i + 1) & mask_;
    entries_[i] = e;
  }
  void grow() {
    std::vector<Entry> old = std::move(entries_);
    entries_.assign(old.empty() ? 1024 : old.size() * 2, Entry{});
    mask_ = entries_.size() - 1;
    for (const Entry& e : old) {
      if (e.slot != kNoSlot) place(e);
    }
  }

  std::vector<Entry> entries_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

struct Transaction {
  std::uint32_t generation = 1;  // bumped on every recycle, so stale ids never match
  Kind kind = Kind::non_invite_server;
  State state = State::free;
  bool legacy = false;    // RFC 2543 request (no magic cookie): matched on the whole request
  bool reliable = false;  // TCP: no retransmissions, zero wait timers
  std::uint16_t source_port = 0;  // server: the request's source port, for rport (RFC 3581)
  int last_status = 0;            // server: last response sent, 0 = none
  std::uint64_t hash = 0;
  TxKey key;
  // Server: where responses go (§18.2.2). Client: where the request went.
  Peer peer;
  // The request that created the transaction. A server transaction releases it once a final
  // response is out (only the key and the response are needed then), which keeps the
  // thousands of transactions waiting for Timer J small.
  std::unique_ptr<SipMessage> request;
  // Server: the last response sent (resent on retransmitted requests and Timer G).
  // INVITE client in Completed: the ACK (resent on retransmitted final responses).
  std::string wire;
  // The key strings once the request is released; for RFC 2543 INVITE transactions the To
  // tag of the final response (the ACK must carry it to match).
  std::string owned;
  TimerId retransmit_timer = 0;  // A, E, G; the 200 ms 100-Trying timer of an INVITE server
  TimerId timeout_timer = 0;     // B, D, F, H, I, J, K; the unanswered-request guard
  Duration interval{};           // current retransmission interval
};

}  // namespace

class TransactionLayer::Impl {
 public:
  Impl(TransactionLayer& owner, TransportSender& transport, TimerQueue& timers, const Clock& clock,
       TransactionTimers config)
      : owner_(owner), transport_(transport), timers_(timers), clock_(clock), cfg_(config) {
    std::random_device rd;
    branch_seed_ = (std::uint64_t{rd()} << 32) ^ rd();
    scratch_.reserve(2048);
  }

  void set_load_monitor(LoadMonitor* monitor) { monitor_ = monitor; }

  ~Impl() {
    // The timer queue may outlive us; its callbacks point here.
    cancel_timer(trim_timer_);
    for (Transaction& tx : txs_) {
      cancel_timer(tx.retransmit_timer);
      cancel_timer(tx.timeout_timer);
    }
  }

  void on_message(SipMessage&& message, const Peer& from) {
    if (message.is_request()) {
      on_request(std::move(message), from);
    } else {
      on_response(message, from);
    }
  }

  bool respond(TransactionId id, int status, std::string_view reason, std::string_view to_tag,
               std::span<const ExtraHeader> extra, std::string_view body,
               std::string_view content_type);
  Result<TransactionId> send_request(SipMessage request, const Peer& to);
  TransactionId cancel_target(const SipMessage& cancel) const;
  std::string new_branch();
  const TransactionStats& stats() const { return stats_; }

 private:
  // TU callbacks may call respond()/send_request() re-entrantly. While any callback runs, a
  // terminated transaction (or a request to release) is only marked; the slot is recycled
  // when the outermost callback returns, so a TU never sees its `request` freed under it.
  class CallbackScope {
   public:
    explicit CallbackScope(Impl& impl) : impl_(impl) { ++impl_.callback_depth_; }
    ~CallbackScope() {
      if (--impl_.callback_depth_ == 0) impl_.settle_deferred();
    }
    CallbackScope(const CallbackScope&) = delete;
    CallbackScope& operator=(const CallbackScope&) = delete;

   private:
    Impl& impl_;
  };

  TransactionUser* user() const { return owner_.user_; }

  static TransactionId make_id(std::uint32_t slot, std::uint32_t generation) {
    return (std::uint64_t{generation} << 32) | slot;
  }
  TransactionId id_of(const Transaction& tx, std::uint32_t slot) const {
    return make_id(slot, tx.generation);
  }
  // A live transaction (not free, not terminated) for an id, or nullptr.
  Transaction* lookup(TransactionId id) {
    const auto slot = static_cast<std::uint32_t>(id & 0xffffffffu);
    if (slot >= txs_.size()) return nullptr;
    Transaction& tx = txs_[slot];
    if (tx.generation != static_cast<std::uint32_t>(id >> 32)) return nullptr;
    if (tx.state == State::free || tx.state == State::terminated) return nullptr;
    return &tx;
  }

  // Free slots are handed out lowest first (free_ is a min-heap), so that after a burst the
  // live transactions gather at the front of the pool and trim() can give the tail back: at
  // 40,000 transactions/s, Timer J alone keeps 1.3 M slots (~600 MB) busy at the peak.
  std::uint32_t allocate() {
    if (!free_.empty()) {
      std::pop_heap(free_.begin(), free_.end(), std::greater<>{});
      const std::uint32_t slot = free_.back();
      free_.pop_back();
      return slot;
    }
    txs_.emplace_back();
    stats_.pool_slots = txs_.size();
    if (txs_.size() > kTrimAbove && trim_timer_ == 0) schedule_trim();
    return static_cast<std::uint32_t>(txs_.size() - 1);
  }

  void schedule_trim() {
    trim_timer_ = timers_.schedule(clock_.now() + kTrimEvery, [this] { trim(); });
  }

  // Runs from its own timer, so no caller holds a reference into the pool; a deque's
  // pop_back moves no other element.
  void trim() {
    trim_timer_ = 0;
    std::size_t end = txs_.size();
    while (end > 0 && txs_[end - 1].state == State::free)
      --end;
    log(LogLevel::debug, "sip.transaction_pool.trim",
        {{"slots", txs_.size()}, {"keep", end}, {"free", free_.size()}});
    if (end + kTrimAbove / 2 < txs_.size()) {
      log(LogLevel::info, "sip.transaction_pool.shrunk", {{"from", txs_.size()}, {"to", end}});
      std::erase_if(free_, [end](std::uint32_t slot) { return slot >= end; });
      std::make_heap(free_.begin(), free_.end(), std::greater<>{});
      free_.shrink_to_fit();
      txs_.resize(end);
      txs_.shrink_to_fit();
      stats_.pool_slots = txs_.size();
      release_free_memory();
    }
    if (txs_.size() > kTrimAbove) schedule_trim();
  }

  void recycle(std::uint32_t slot) {
    Transaction& tx = txs_[slot];
    tx.request.reset();
    tx.wire.clear();  // capacity kept: the next transaction in this slot reuses it
    tx.owned.clear();
    tx.key = TxKey{};
    tx.state = State::free;
    tx.last_status = 0;
    tx.legacy = false;
    tx.retransmit_timer = 0;
    tx.timeout_timer = 0;
    ++tx.generation;
    if (tx.generation == 0) tx.generation = 1;
    free_.push_back(slot);
    std::push_heap(free_.begin(), free_.end(), std::greater<>{});
  }

  void cancel_timer(TimerId& t) {
    if (t != 0) {
      timers_.cancel(t);
      t = 0;
    }
  }

  void start_retransmit_timer(TransactionId id, Transaction& tx, Duration after) {
    cancel_timer(tx.retransmit_timer);
    tx.retransmit_timer =
        timers_.schedule(clock_.now() + after, [this, id] { on_retransmit_timer(id); });
  }
  void start_timeout_timer(TransactionId id, Transaction& tx, Duration after) {
    cancel_timer(tx.timeout_timer);
    tx.timeout_timer = timers_.schedule(clock_.now() + after, [this, id] { on_timeout_timer(id); });
  }

  // Leaves the index at once (later messages start a new transaction); the slot is recycled
  // now or when the outermost TU callback returns.
  void terminate(std::uint32_t slot) {
    Transaction& tx = txs_[slot];
    if (tx.state == State::free || tx.state == State::terminated) return;
    cancel_timer(tx.retransmit_timer);
    cancel_timer(tx.timeout_timer);
    if (is_server(tx.kind)) {
      server_index_.erase(tx.hash, slot);
      --stats_.active_server;
    } else {
      client_index_.erase(tx.hash, slot);
      --stats_.active_client;
    }
    tx.state = State::terminated;
    settle(slot);
  }

  // Recycles a terminated slot or releases a completed server transaction's request, unless
  // a TU callback is running.
  void settle(std::uint32_t slot) {
    if (callback_depth_ > 0) {
      deferred_.push_back(slot);
      return;
    }
    Transaction& tx = txs_[slot];
    if (tx.state == State::terminated) {
      recycle(slot);
    } else if (is_server(tx.kind) && !tx.legacy && tx.request &&
               (tx.state == State::completed || tx.state == State::confirmed)) {
      release_request(tx);
    }
  }

  void settle_deferred() {
    // settle() calls no TU, so nothing is added while this runs.
    for (std::size_t i = 0; i < deferred_.size(); ++i)
      settle(deferred_[i]);
    deferred_.clear();
  }

  // Moves the key into the transaction's own storage and frees the request (~5 KB).
  static void release_request(Transaction& tx) {
    std::string& s = tx.owned;
    s.clear();
    s.reserve(tx.key.branch.size() + tx.key.host.size() + tx.key.method.size());
    s.append(tx.key.branch).append(tx.key.host).append(tx.key.method);
    const std::string_view all = s;
    const std::size_t b = tx.key.branch.size(), h = tx.key.host.size();
    tx.key.branch = all.substr(0, b);
    tx.key.host = all.substr(b, h);
    tx.key.method = all.substr(b + h);
    tx.request.reset();
  }

  bool send(Transaction& tx, std::string_view bytes) {
    if (transport_.send(tx.peer, bytes)) return true;
    ++stats_.transport_errors;
    return false;
  }

  // §17.2.4 / §17.1.4: a transport error ends the transaction and the TU is told.
  void fail_transport(std::uint32_t slot) {
    Transaction& tx = txs_[slot];
    const TransactionId id = id_of(tx, slot);
    const bool server = is_server(tx.kind);
    if (log_enabled(LogLevel::debug)) {
      log(LogLevel::debug, "sip.tx.transport_error",
          {{"tx", id}, {"peer", tx.peer.remote.to_string()}});
    }
    terminate(slot);
    CallbackScope scope(*this);
    if (TransactionUser* tu = user()) {
      if (server) {
        tu->on_server_transport_error(id);
      } else {
        tu->on_client_failure(id, ClientOutcome::transport_error);
      }
    }
  }

  Duration timer_d() const { return std::max<Duration>(std::chrono::seconds(32), 64 * cfg_.t1); }

  void on_request(SipMessage&& request, const Peer& from);
  void on_response(const SipMessage& response, const Peer& from);
  void on_server_retransmission(std::uint32_t slot, const SipMessage& request);
  void reject_overloaded(const SipMessage& request, const Peer& from);
  void on_retransmit_timer(TransactionId id);
  void on_timeout_timer(TransactionId id);
  std::uint32_t find_server(const SipMessage& request, std::string_view method) const;
  bool send_response(std::uint32_t slot, int status, std::string_view reason,
                     std::string_view to_tag, std::span<const ExtraHeader> extra,
                     std::string_view body, std::string_view content_type);
  void build_ack(std::string& out, const SipMessage& invite, const SipMessage& response) const;

  TransactionLayer& owner_;
  TransportSender& transport_;
  LoadMonitor* monitor_ = nullptr;
  TimerQueue& timers_;
  const Clock& clock_;
  TransactionTimers cfg_;

  std::deque<Transaction> txs_;  // a pool: references stay valid as it grows
  std::vector<std::uint32_t> free_;  // a min-heap of free slots
  static constexpr std::size_t kTrimAbove = 8192;
  static constexpr Duration kTrimEvery = std::chrono::seconds(10);
  TimerId trim_timer_ = 0;
  TxIndex server_index_;
  TxIndex client_index_;
  TransactionStats stats_;
  std::string scratch_;  // every response and 100 Trying is built here
  int callback_depth_ = 0;
  std::vector<std::uint32_t> deferred_;
  std::uint64_t branch_seed_ = 0;
  std::uint64_t branch_counter_ = 0;
};

// ---- server side ----------------------------------------------------------------------------

// §17.2.3: with an RFC 3261 branch, branch + sent-by + method (ACK counts as INVITE); without
// the magic cookie, the RFC 2543 rules: Request-URI, To tag (for ACK: the To tag of our
// response), From tag, Call-ID, CSeq and top Via all equal those of the request that created
// the transaction.
std::uint32_t TransactionLayer::Impl::find_server(const SipMessage& r,
                                                  std::string_view method) const {
  const CoreHeaders& c = r.core();
  if (c.top_via.rfc3261_branch()) {
    const TxKey key{c.top_via.branch, c.top_via.host, c.top_via.port, method};
    return server_index_.find(server_hash(key), [&](std::uint32_t slot) {
      const Transaction& tx = txs_[slot];
      return !tx.legacy && tx.key.branch == key.branch && tx.key.port == key.port &&
             tx.key.method == key.method && tx.key.host == key.host;
    });
  }
  const std::uint64_t hash = fmix64(mix(mix(mix(mix(2, c.call_id), c.cseq), c.from_tag), method));
  const bool ack = r.method() == Method::ack;
  return server_index_.find(hash, [&](std::uint32_t slot) {
    const Transaction& tx = txs_[slot];
    if (!tx.legacy || !tx.request) return false;
    const SipMessage& q = *tx.request;
    const CoreHeaders& qc = q.core();
    return method_class(q) == method && qc.cseq == c.cseq && qc.call_id == c.call_id &&
           qc.from_tag == c.from_tag && q.request_uri() == r.request_uri() &&
           qc.top_via.text == c.top_via.text &&
           (ack ? std::string_view(tx.owned) == c.to_tag : qc.to_tag == c.to_tag);
  });
}

void TransactionLayer::Impl::on_request(SipMessage&& request, const Peer& from) {
  if (!request.core().has_via) return;  // the transports drop these (§18.2.1); be safe
  const bool ack = request.method() == Method::ack;
  const std::string_view method = method_class(request);
  if (const std::uint32_t slot = find_server(request, method); slot != kNoSlot) {
    on_server_retransmission(slot, request);
    return;
  }
  if (ack) {
    // No INVITE transaction to absorb it: the ACK for a 2xx (its own transaction, §17), or
    // one that arrived after Timer H/I. The TU (dialog layer) decides.
    CallbackScope scope(*this);
    if (TransactionUser* tu = user()) tu->on_request(0, request, from);
    return;
  }

  if (monitor_ != nullptr && monitor_->overloaded() && request.core().to_tag.empty() &&
      request.method() != Method::cancel) {
    reject_overloaded(request, from);
    return;
  }

  const std::uint32_t slot = allocate();
  Transaction& tx = txs_[slot];
  const bool invite = request.method() == Method::invite;
  tx.kind = invite ? Kind::invite_server : Kind::non_invite_server;
  tx.state = invite ? State::proceeding : State::trying;
  tx.legacy = !request.core().top_via.rfc3261_branch();
  tx.reliable = from.kind != TransportKind::udp;
  tx.peer = response_destination(request, from);
  tx.source_port = from.remote.port;
  tx.request = std::make_unique<SipMessage>(std::move(request));
  const SipMessage& r = *tx.request;
  if (tx.legacy) {
    tx.hash = legacy_hash(r);
  } else {
    const Via& via = r.core().top_via;
    tx.key = TxKey{via.branch, via.host, via.port, method_class(r)};
    tx.hash = server_hash(tx.key);
  }
  server_index_.insert(tx.hash, slot);
  ++stats_.server_created;
  ++stats_.active_server;
  const TransactionId id = id_of(tx, slot);
  {
    CallbackScope scope(*this);
    if (TransactionUser* tu = user()) tu->on_request(id, r, from);
  }
  // The TU answered synchronously in the common case; otherwise arm what waits for it.
  Transaction* t = lookup(id);
  if (t == nullptr || t->last_status >= 200) return;
  if (t->kind == Kind::invite_server) {
    // §17.2.1: 100 Trying unless the TU answers within 200 ms.
    if (t->last_status == 0) {
      start_retransmit_timer(id, *t, std::chrono::milliseconds(200));
    }
  } else if (t->timeout_timer == 0) {
    start_timeout_timer(id, *t, 64 * cfg_.t1);
  }
}

void TransactionLayer::Impl::reject_overloaded(const SipMessage& request, const Peer& from) {
  // Stateless on purpose: no transaction, no TU, no digest work. A retransmission of the
  // request gets the same answer; the client's Retry-After back-off ends the storm.
  const std::string source_ip = from.remote.address.to_string();
  const ResponseContext ctx{source_ip, from.remote.port};
  char retry_after[16];
  const int n =
      std::snprintf(retry_after, sizeof retry_after, "%u", monitor_->config().retry_after_seconds);
  const ExtraHeader extra[] = {
      {"Retry-After", std::string_view(retry_after, static_cast<std::size_t>(n))}};
  build_response(scratch_, request, ctx, 503, "Overloaded, retry later", {}, extra);
  monitor_->count_rejected();
  ++stats_.overload_rejected;
  transport_.send(response_destination(request, from), scratch_);
}

void TransactionLayer::Impl::on_server_retransmission(std::uint32_t slot,
                                                      const SipMessage& request) {
  Transaction& tx = txs_[slot];
  const TransactionId id = id_of(tx, slot);
  if (request.method() == Method::ack) {
    if (tx.kind == Kind::invite_server && tx.state == State::completed) {
      // §17.2.1: the ACK for our non-2xx final response; absorbed, Timer I starts.
      cancel_timer(tx.retransmit_timer);
      cancel_timer(tx.timeout_timer);
      tx.state = State::confirmed;
      if (tx.reliable) {
        terminate(slot);
      } else {
        start_timeout_timer(id, tx, cfg_.t4);
      }
    } else {
      ++stats_.retransmissions_absorbed;  // a retransmitted ACK in Confirmed
    }
    return;
  }
  ++stats_.retransmissions_absorbed;
  if (tx.state == State::proceeding && tx.kind == Kind::invite_server && tx.last_status == 0) {
    // The client is already retransmitting: do not wait for the 200 ms mark.
    cancel_timer(tx.retransmit_timer);
    send_response(slot, 100, "Trying", {}, {}, {}, {});
    return;
  }
  // §17.2.1/§17.2.2: resend the last provisional (Proceeding) or final (Completed) response;
  // nothing in Trying or Confirmed.
  if ((tx.state == State::proceeding || tx.state == State::completed) && !tx.wire.empty()) {
    if (!send(tx, tx.wire)) fail_transport(slot);
  }
}

bool TransactionLayer::Impl::respond(TransactionId id, int status, std::string_view reason,
                                     std::string_view to_tag, std::span<const ExtraHeader> extra,
                                     std::string_view body, std::string_view content_type) {
  Transaction* tx = lookup(id);
  if (tx == nullptr || !is_server(tx->kind) || status < 100 || status > 699) return false;
  if (tx->state != State::trying && tx->state != State::proceeding) return false;
  const auto slot = static_cast<std::uint32_t>(id & 0xffffffffu);
  return send_response(slot, status, reason, to_tag, extra, body, content_type);
}

bool TransactionLayer::Impl::send_response(std::uint32_t slot, int status, std::string_view reason,
                                           std::string_view to_tag,
                                           std::span<const ExtraHeader> extra,
                                           std::string_view body, std::string_view content_type) {
  Transaction& tx = txs_[slot];
  assert(tx.request);
  const TransactionId id = id_of(tx, slot);
  // §18.2.1 / RFC 3581: received and rport describe where the request came from; for UDP
  // the response destination has the same IP (and port, with rport).
  const std::string source_ip = tx.peer.remote.address.to_string();
  const ResponseContext ctx{source_ip, tx.source_port};
  build_response(scratch_, *tx.request, ctx, status,
                 reason.empty() ? default_reason(status) : reason, to_tag, extra, body,
                 content_type);
  tx.last_status = status;
  if (tx.kind == Kind::invite_server) cancel_timer(tx.retransmit_timer);  // the 100 timer

  const bool final_response = status >= 200;
  if (tx.legacy && tx.kind == Kind::invite_server && final_response) {
    // RFC 2543 ACK matching needs the To tag this response carries.
    const std::string_view req_tag = tx.request->core().to_tag;
    tx.owned.assign(req_tag.empty() ? to_tag : req_tag);
  }
  // Keep a copy only where a retransmitted request can still arrive: unreliable transports.
  // (A 2xx to INVITE ends the transaction; the TU retransmits it, §13.3.1.4.)
  const bool keep =
      !tx.reliable && !(tx.kind == Kind::invite_server && status >= 200 && status < 300);
  if (keep) {
    tx.wire.assign(scratch_);
  } else {
    tx.wire.clear();
  }
  if (!send(tx, scratch_)) {
    fail_transport(slot);
    return false;
  }
  if (!final_response) {
    tx.state = State::proceeding;
    return true;
  }
  if (tx.kind == Kind::invite_server) {
    if (status < 300) {
      terminate(slot);  // §17.2.1: a 2xx ends the INVITE server transaction
      return true;
    }
    tx.state = State::completed;
    if (!tx.reliable) {
      tx.interval = cfg_.t1;  // Timer G
      start_retransmit_timer(id, tx, tx.interval);
    }
    start_timeout_timer(id, tx, 64 * cfg_.t1);  // Timer H, on every transport
    settle(slot);
    return true;
  }
  tx.state = State::completed;
  cancel_timer(tx.timeout_timer);  // the unanswered-request guard
  if (tx.reliable) {
    terminate(slot);  // Timer J is zero on reliable transports
  } else {
    start_timeout_timer(id, tx, 64 * cfg_.t1);  // Timer J
    settle(slot);
  }
  return true;
}

TransactionId TransactionLayer::Impl::cancel_target(const SipMessage& cancel) const {
  if (!cancel.is_request() || !cancel.core().has_via) return 0;
  const std::uint32_t slot = find_server(cancel, kInviteMethod);
  if (slot == kNoSlot) return 0;
  const Transaction& tx = txs_[slot];
  return tx.kind == Kind::invite_server ? id_of(tx, slot) : 0;
}

// ---- client side ----------------------------------------------------------------------------

Result<TransactionId> TransactionLayer::Impl::send_request(SipMessage request, const Peer& to) {
  if (!request.is_request()) return make_error(0, "send_request: not a request");
  const CoreHeaders& c = request.core();
  if (!c.has_via || !c.top_via.rfc3261_branch()) {
    return make_error(0, "send_request: the top Via needs a branch starting with z9hG4bK");
  }
  if (request.method() == Method::ack) {
    // §17.1.1.3: the ACK for a 2xx belongs to no transaction; the TU retransmits it itself.
    if (!transport_.send(to, request.raw())) {
      ++stats_.transport_errors;
      return make_error(503, "transport error sending ACK to " + to.remote.to_string());
    }
    return TransactionId{0};
  }
  const TxKey probe{c.top_via.branch, {}, 0, c.cseq_method_text};
  const std::uint64_t hash = client_hash(probe);
  const std::uint32_t existing = client_index_.find(hash, [&](std::uint32_t s) {
    return txs_[s].key.branch == probe.branch && txs_[s].key.method == probe.method;
  });
  if (existing != kNoSlot) {
    return make_error(0, "send_request: branch " + std::string(probe.branch) + " already in use");
  }

  const std::uint32_t slot = allocate();
  Transaction& tx = txs_[slot];
  const bool invite = request.method() == Method::invite;
  tx.kind = invite ? Kind::invite_client : Kind::non_invite_client;
  tx.state = invite ? State::calling : State::trying;
  tx.reliable = to.kind != TransportKind::udp;
  tx.peer = to;
  tx.request = std::make_unique<SipMessage>(std::move(request));
  tx.key = TxKey{tx.request->core().top_via.branch, {}, 0, tx.request->core().cseq_method_text};
  tx.hash = hash;
  if (!send(tx, tx.request->raw())) {
    const std::string what =
        std::string(tx.request->method_text()) + " to " + to.remote.to_string();
    tx.state = State::terminated;
    recycle(slot);
    return make_error(503, "transport error sending " + what);
  }
  client_index_.insert(hash, slot);
  ++stats_.client_created;
  ++stats_.active_client;
  const TransactionId id = id_of(tx, slot);
  if (!tx.reliable) {
    tx.interval = cfg_.t1;  // Timer A / Timer E (§17.1.1.2, §17.1.2.2)
    start_retransmit_timer(id, tx, tx.interval);
  }
  start_timeout_timer(id, tx, 64 * cfg_.t1);  // Timer B / Timer F
  return id;
}

// §17.1.1.3: the ACK for a non-2xx final response, built by the transaction: the INVITE's
// Request-URI, top Via (same branch), From, Call-ID, CSeq number and Route set; To from the
// response (it carries the tag); CSeq method ACK.
void TransactionLayer::Impl::build_ack(std::string& out, const SipMessage& invite,
                                       const SipMessage& response) const {
  MessageWriter w(out);
  w.request_line("ACK", invite.request_uri());
  w.header("Via", invite.core().top_via.text);
  w.header("Max-Forwards", std::uint64_t{70});
  for (const Header& h : invite.headers()) {
    if (h.id == HeaderId::route) w.header("Route", h.value);
  }
  w.header("From", invite.header(HeaderId::from));
  w.header("To", response.header(HeaderId::to));
  w.header("Call-ID", invite.core().call_id);
  std::array<char, 24> cseq{};
  auto [end, ec] = std::to_chars(cseq.data(), cseq.data() + 12, invite.core().cseq);
  (void)ec;
  const std::string_view ack_suffix = " ACK";
  std::copy(ack_suffix.begin(), ack_suffix.end(), end);
  w.header("CSeq", std::string_view(cseq.data(), static_cast<std::size_t>(end - cseq.data()) + 4));
  w.finish();
}

void TransactionLayer::Impl::on_response(const SipMessage& response, const Peer& from) {
  const CoreHeaders& c = response.core();
  const int status = response.status();
  const auto stray = [&] {
    ++stats_.stray_responses;
    // §18.1.2 hands unmatched responses to the core; the only ones a UA core needs are 2xx
    // retransmissions to INVITE after the transaction ended (§13.2.2.4: ACK each one).
    if (c.cseq_method == Method::invite && status >= 200 && status < 300) {
      CallbackScope scope(*this);
      if (TransactionUser* tu = user()) tu->on_response(0, response);
    }
  };
  if (!c.has_via) {
    stray();
    return;
  }
  const TxKey probe{c.top_via.branch, {}, 0, c.cseq_method_text};
  const std::uint32_t slot = client_index_.find(client_hash(probe), [&](std::uint32_t s) {
    return txs_[s].key.branch == probe.branch && txs_[s].key.method == probe.method;
  });
  if (slot == kNoSlot) {
    stray();
    return;
  }
  Transaction& tx = txs_[slot];
  const TransactionId id = id_of(tx, slot);
  const auto deliver = [&] {
    CallbackScope scope(*this);
    if (TransactionUser* tu = user()) tu->on_response(id, response);
  };

  if (tx.kind == Kind::invite_client) {
    if (tx.state == State::completed) {
      // §17.1.1.2: a retransmitted final response; ACK again, the TU is not told.
      ++stats_.retransmissions_absorbed;
      // The TU already has its final response: a failed ACK just ends the transaction.
      if (status >= 300 && !send(tx, tx.wire)) terminate(slot);
      return;
    }
    if (status < 200) {
      // Proceeding: no more retransmissions; Timer B only matters in Calling.
      tx.state = State::proceeding;
      cancel_timer(tx.retransmit_timer);
      cancel_timer(tx.timeout_timer);
      deliver();
      return;
    }
    if (status < 300) {
      terminate(slot);  // §17.1.1.2: the TU takes over (ACK, 2xx retransmissions)
      deliver();
      return;
    }
    tx.state = State::completed;
    cancel_timer(tx.retransmit_timer);
    cancel_timer(tx.timeout_timer);
    build_ack(tx.wire, *tx.request, response);
    // The ACK goes where the INVITE went; on TCP over the connection the response came on.
    if (tx.reliable && from.connection_id != 0) tx.peer.connection_id = from.connection_id;
    const bool acked = send(tx, tx.wire);
    deliver();
    Transaction* t = lookup(id);
    if (t == nullptr) return;
    if (!acked || t->reliable) {
      terminate(slot);  // Timer D is zero on reliable transports
    } else {
      start_timeout_timer(id, *t, timer_d());
    }
    return;
  }

  // Non-INVITE client, Figure 6.
  if (tx.state == State::completed) {
    ++stats_.retransmissions_absorbed;
    return;
  }
  if (status < 200) {
    tx.state = State::proceeding;
    deliver();
    return;
  }
  tx.state = State::completed;
  cancel_timer(tx.retransmit_timer);
  cancel_timer(tx.timeout_timer);
  deliver();
  Transaction* t = lookup(id);
  if (t == nullptr) return;
  if (t->reliable) {
    terminate(slot);  // Timer K is zero on reliable transports
  } else {
    start_timeout_timer(id, *t, cfg_.t4);  // Timer K
  }
}

// ---- timers ---------------------------------------------------------------------------------

void TransactionLayer::Impl::on_retransmit_timer(TransactionId id) {
  Transaction* tx = lookup(id);
  if (tx == nullptr) return;
  tx->retransmit_timer = 0;
  const auto slot = static_cast<std::uint32_t>(id & 0xffffffffu);
  switch (tx->kind) {
    case Kind::invite_client:
      if (tx->state != State::calling) return;
      // Timer A: retransmit, double the interval (§17.1.1.2).
      if (!send(*tx, tx->request->raw())) return fail_transport(slot);
      tx->interval *= 2;
      break;
    case Kind::non_invite_client:
      if (tx->state != State::trying && tx->state != State::proceeding) return;
      // Timer E: doubles up to T2 in Trying, T2 in Proceeding (§17.1.2.2).
      if (!send(*tx, tx->request->raw())) return fail_transport(slot);
      tx->interval =
          tx->state == State::trying ? std::min<Duration>(2 * tx->interval, cfg_.t2) : cfg_.t2;
      break;
    case Kind::invite_server:
      if (tx->state == State::proceeding) {
        // The 200 ms mark passed without a TU response (§17.2.1).
        if (tx->last_status == 0) send_response(slot, 100, "Trying", {}, {}, {}, {});
        return;
      }
      if (tx->state != State::completed) return;
      // Timer G: resend the final response, doubling up to T2 (§17.2.1).
      if (!send(*tx, tx->wire)) return fail_transport(slot);
      tx->interval = std::min<Duration>(2 * tx->interval, cfg_.t2);
      break;
    case Kind::non_invite_server:
      return;
  }
  start_retransmit_timer(id, *tx, tx->interval);
}

void TransactionLayer::Impl::on_timeout_timer(TransactionId id) {
  Transaction* tx = lookup(id);
  if (tx == nullptr) return;
  tx->timeout_timer = 0;
  const auto slot = static_cast<std::uint32_t>(id & 0xffffffffu);
  const bool client = !is_server(tx->kind);
  const bool client_waiting =
      client &&
      (tx->state == State::calling || tx->state == State::trying || tx->state == State::proceeding);
  if (client_waiting) {
    // Timer B / Timer F: no final response (§17.1.1.2, §17.1.2.2).
    ++stats_.client_timeouts;
    if (log_enabled(LogLevel::debug)) {
      log(LogLevel::debug, "sip.tx.timeout",
          {{"tx", id}, {"method", tx->key.method}, {"peer", tx->peer.remote.to_string()}});
    }
    terminate(slot);
    CallbackScope scope(*this);
    if (TransactionUser* tu = user()) tu->on_client_failure(id, ClientOutcome::timeout);
    return;
  }
  if (tx->kind == Kind::invite_server && tx->state == State::completed) {
    ++stats_.ack_timeouts;  // Timer H: the ACK never came
  } else if (tx->kind == Kind::non_invite_server && tx->state != State::completed) {
    ++stats_.unanswered_discarded;       // the TU never answered; the client gave up at Timer F
    if (log_enabled(LogLevel::debug)) {  // counted in stats; a log line each could flood
      log(LogLevel::debug, "sip.tx.unanswered",
          {{"tx", id},
           {"method", tx->key.method.empty() ? std::string_view("?") : tx->key.method}});
    }
  }
  // Timers D, H, I, J, K: the transaction ends.
  terminate(slot);
}

std::string TransactionLayer::Impl::new_branch() {
  // splitmix64 over a random seed and a counter: unique within the process, unpredictable
  // across restarts (RFC 3261 §8.1.1.7 wants branches unique across space and time).
  std::uint64_t z = branch_seed_ + (++branch_counter_ * 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(kMagicCookie);
  out.reserve(kMagicCookie.size() + 16);
  for (int shift = 60; shift >= 0; shift -= 4)
    out += kHex[(z >> shift) & 0xf];
  return out;
}

// ---- public face ----------------------------------------------------------------------------

TransactionLayer::TransactionLayer(TransportSender& transport, TimerQueue& timers,
                                   const Clock& clock, TransactionTimers config)
    : impl_(std::make_unique<Impl>(*this, transport, timers, clock, config)) {}

TransactionLayer::~TransactionLayer() = default;

void TransactionLayer::on_message(SipMessage&& message, const Peer& from) {
  impl_->on_message(std::move(message), from);
}

void TransactionLayer::set_load_monitor(LoadMonitor* monitor) {
  impl_->set_load_monitor(monitor);
}

bool TransactionLayer::respond(TransactionId tx, int status, std::string_view reason,
                               std::string_view to_tag, std::span<const ExtraHeader> extra,
                               std::string_view body, std::string_view content_type) {
  return impl_->respond(tx, status, reason, to_tag, extra, body, content_type);
}

Result<TransactionId> TransactionLayer::send_request(SipMessage request, const Peer& to) {
  return impl_->send_request(std::move(request), to);
}

TransactionId TransactionLayer::cancel_target(const SipMessage& cancel) const {
  return impl_->cancel_target(cancel);
}

std::string TransactionLayer::new_branch() {
  return impl_->new_branch();
}

const TransactionStats& TransactionLayer::stats() const {
  return impl_->stats();
}

}  // namespace dzvin::sip
