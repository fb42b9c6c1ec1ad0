#include "store/registration_store.hpp"

#include <charconv>

#include "base/log.hpp"

namespace dzvin::store {

namespace {

constexpr std::string_view kUpsert =
    "INSERT INTO registrations (tenant_id, aor, contact, call_id, cseq, expires_at, q_milli, "
    "source, user_agent) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
    "ON CONFLICT (aor, contact) DO UPDATE SET tenant_id = excluded.tenant_id, call_id = "
    "excluded.call_id, "
    "cseq = excluded.cseq, expires_at = excluded.expires_at, q_milli = excluded.q_milli, "
    "source = excluded.source, user_agent = excluded.user_agent";
constexpr std::string_view kDelete = "DELETE FROM registrations WHERE aor = ?1 AND contact = ?2";
constexpr std::string_view kSelect =
    "SELECT tenant_id, aor, contact, call_id, cseq, expires_at, q_milli, source, user_agent FROM "
    "registrations "
    "WHERE expires_at > ?1 ORDER BY aor, contact";

Result<std::vector<sip::Binding>> read_bindings(Database& db, WallTime now) {
  auto stmt = db.prepare(kSelect);
  if (!stmt) return stmt.error();
  stmt->bind(1, unix_seconds(now));
  std::vector<sip::Binding> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) break;
    sip::Binding b;
    b.tenant_id = stmt->column_int(0);
    b.aor = stmt->column_text(1);
    b.contact = stmt->column_text(2);
    b.call_id = stmt->column_text(3);
    b.cseq = static_cast<std::uint32_t>(stmt->column_int(4));
    b.expires_at = WallTime{std::chrono::seconds{stmt->column_int(5)}};
    b.q_milli = static_cast<std::uint16_t>(stmt->column_int(6));
    if (auto source = parse_source(stmt->column_text(7))) b.source = *source;
    b.user_agent = stmt->column_text(8);
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace

std::string format_source(const sip::Peer& peer) {
  std::string out = peer.kind == sip::TransportKind::tcp ? "tcp:" : "udp:";
  out += peer.remote.to_string();
  out += '#';
  out += std::to_string(peer.connection_id);
  return out;
}

Result<sip::Peer> parse_source(std::string_view text) {
  sip::Peer peer;
  if (text.starts_with("udp:")) {
    peer.kind = sip::TransportKind::udp;
  } else if (text.starts_with("tcp:")) {
    peer.kind = sip::TransportKind::tcp;
  } else {
    return make_error(kInvalid, "source: unknown transport in '" + std::string(text) + "'");
  }
  text.remove_prefix(4);
  const auto hash = text.rfind('#');
  if (hash == std::string_view::npos)
    return make_error(kInvalid, "source: no '#connection' in '" + std::string(text) + "'");
  const std::string_view conn = text.substr(hash + 1);
  auto [ptr, ec] = std::from_chars(conn.data(), conn.data() + conn.size(), peer.connection_id);
  if (ec != std::errc{} || ptr != conn.data() + conn.size())
    return make_error(kInvalid, "source: bad connection id");
  auto endpoint = IpEndpoint::parse(text.substr(0, hash), 5060);
  if (!endpoint) return make_error(kInvalid, "source: " + endpoint.error().message);
  peer.remote = *endpoint;
  return peer;
}

Result<std::vector<sip::Binding>> list_registrations(Database& db, WallTime now) {
  return read_bindings(db, now);
}

Result<std::unique_ptr<SqliteBindingStore>> SqliteBindingStore::open(const std::string& path,
                                                                     const Clock& clock,
                                                                     BindingStoreOptions options) {
  auto db = Database::open(path);
  if (!db) return db.error();
  std::unique_ptr<SqliteBindingStore> store(new SqliteBindingStore(std::move(*db), clock, options));
  auto upsert = store->db_.prepare(kUpsert);
  if (!upsert) return upsert.error();
  auto del = store->db_.prepare(kDelete);
  if (!del) return del.error();
  store->upsert_ = std::move(*upsert);
  store->delete_ = std::move(*del);
  store->writer_ = std::thread([s = store.get()] { s->run(); });
  return store;
}

SqliteBindingStore::SqliteBindingStore(Database db, const Clock& clock, BindingStoreOptions options)
    : clock_(clock), options_(options), db_(std::move(db)) {
  queued_.reserve(options_.batch_size);
}

SqliteBindingStore::~SqliteBindingStore() {
  stop();
}

SqliteBindingStore::Change* SqliteBindingStore::next_slot() {
  if (stopping_ || queued_count_ >= options_.max_queued) {
    ++stats_.dropped;
    return nullptr;
  }
  if (queued_count_ == queued_.size()) queued_.emplace_back();
  Change* slot = &queued_[queued_count_++];
  if (queued_count_ == options_.batch_size) wake_.notify_one();
  return slot;
}

void SqliteBindingStore::save(const sip::Binding& binding) {
  std::lock_guard lock(mutex_);
  Change* slot = next_slot();
  if (slot == nullptr) return;
  slot->remove = false;
  slot->binding = binding;  // copy-assignment reuses the slot's string capacity
}

void SqliteBindingStore::remove(const std::string& aor, const std::string& contact) {
  std::lock_guard lock(mutex_);
  Change* slot = next_slot();
  if (slot == nullptr) return;
  slot->remove = true;
  slot->binding.aor = aor;
  slot->binding.contact = contact;
}

void SqliteBindingStore::run() {
  std::vector<Change> writing;
  for (;;) {
    std::size_t count = 0;
    bool stop = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, options_.flush_interval,
                     [&] { return stopping_ || queued_count_ >= options_.batch_size; });
      // Swap the filled slots out; the spare ones come back for reuse.
      std::swap(queued_, writing);
      count = queued_count_;
      queued_count_ = 0;
      stop = stopping_;
    }
    if (count > 0) write_batch(writing, count);
    if (stop) {
      std::lock_guard lock(mutex_);
      if (queued_count_ == 0) return;
    }
  }
}

void SqliteBindingStore::write_batch(std::vector<Change>& changes, std::size_t count) {
  std::lock_guard db_lock(db_mutex_);
  std::uint64_t written = 0;
  std::uint64_t failed = 0;
  auto tx = Transaction::begin(db_);
  if (!tx) {
    log(LogLevel::error, "store.registrations_write_failed", {{"error", tx.error().message}});
    std::lock_guard lock(mutex_);
    stats_.failed += count;
    return;
  }
  for (std::size_t i = 0; i < count; ++i) {
    const Change& c = changes[i];
    Statement& stmt = c.remove ? delete_ : upsert_;
    stmt.reset();
    if (c.remove) {
      stmt.bind(1, c.binding.aor).bind(2, c.binding.contact);
    } else {
      const sip::Binding& b = c.binding;
      stmt.bind(1, b.tenant_id)
          .bind(2, b.aor)
          .bind(3, b.contact)
          .bind(4, b.call_id)
          .bind(5, std::int64_t{b.cseq})
          .bind(6, unix_seconds(b.expires_at))
          .bind(7, std::int64_t{b.q_milli})
          .bind(8, format_source(b.source))
          .bind(9, b.user_agent);
    }
    // One bad row must not cost the batch: SQLite keeps the transaction open after a failed
    // statement.
    if (auto r = stmt.run(); !r) {
      ++failed;
      log(LogLevel::warn, "store.registration_write_failed",
          {{"aor", c.binding.aor}, {"error", r.error().message}});
    } else {
      ++written;
    }
  }
  if (auto r = tx->commit(); !r) {
    log(LogLevel::error, "store.registrations_write_failed", {{"error", r.error().message}});
    failed += written;
    written = 0;
  }
  std::lock_guard lock(mutex_);
  stats_.written += written;
  stats_.failed += failed;
  ++stats_.batches;
}

std::vector<sip::Binding> SqliteBindingStore::load_all() {
  std::lock_guard db_lock(db_mutex_);
  const WallTime now = clock_.wall_now();
  auto purge = db_.prepare("DELETE FROM registrations WHERE expires_at <= ?1");
  if (purge) {
    purge->bind(1, unix_seconds(now));
    if (auto r = purge->run(); !r)
      log(LogLevel::warn, "store.registrations_purge_failed", {{"error", r.error().message}});
  }
  auto bindings = read_bindings(db_, now);
  if (!bindings) {
    log(LogLevel::error, "store.registrations_load_failed", {{"error", bindings.error().message}});
    return {};
  }
  return std::move(*bindings);
}

void SqliteBindingStore::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !writer_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (writer_.joinable()) writer_.join();
}

BindingStoreStats SqliteBindingStore::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace dzvin::store
