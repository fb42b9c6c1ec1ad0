#include "sip/location_service.hpp"

#include <algorithm>

#include "sip/uri.hpp"

namespace dzvin::sip {

namespace {

bool same_contact(std::string_view a, std::string_view b) {
  if (a == b) return true;
  // RFC 3261 §10.3 step 7 compares contacts with the URI comparison rules of §19.1.4.
  auto ua = parse_uri(a);
  auto ub = parse_uri(b);
  return ua && ub && uri_equal(*ua, *ub);
}

WallTime to_wall(SteadyTime t, SteadyTime now_steady, WallTime now_wall) {
  return now_wall + std::chrono::duration_cast<WallTime::duration>(t - now_steady);
}

std::size_t heap_bytes(const std::string& s) {
  // libstdc++ keeps up to 15 characters inline (SSO); longer strings own capacity + 1 bytes.
  return s.capacity() > 15 ? s.capacity() + 1 : 0;
}

}  // namespace

LocationService::LocationService(TimerQueue& timers, const Clock& clock, BindingStore& store,
                                 LocationConfig config)
    : timers_(timers), clock_(clock), store_(store), config_(config) {}

LocationService::~LocationService() {
  for (auto& [aor, record] : aors_) {
    if (record.timer != 0) timers_.cancel(record.timer);
  }
}

std::ptrdiff_t LocationService::find_contact(const AorRecord& record, std::string_view uri) {
  for (std::size_t i = 0; i < record.entries.size(); ++i) {
    if (same_contact(record.entries[i].binding.contact, uri)) return static_cast<std::ptrdiff_t>(i);
  }
  return -1;
}

void LocationService::notify(RegistrationChange::Kind kind, const Binding& binding,
                             std::size_t contacts_now) {
  if (!on_change_) return;
  on_change_(
      RegistrationChange{kind, binding.tenant_id, binding.aor, binding.contact, contacts_now});
}

UpdateError LocationService::apply(const RegisterUpdate& update) {
  auto it = aors_.find(update.aor);

  if (update.remove_all) {
    if (it == aors_.end()) return UpdateError::none;
    // §10.3 step 6: a binding with the same Call-ID and a CSeq not lower aborts the request.
    for (const LocationEntry& e : it->second.entries) {
      if (e.binding.call_id == update.call_id && update.cseq <= e.binding.cseq)
        return UpdateError::out_of_order;
    }
    AorRecord record = std::move(it->second);
    aors_.erase(it);
    if (record.timer != 0) timers_.cancel(record.timer);
    binding_count_ -= record.entries.size();
    for (std::size_t i = 0; i < record.entries.size(); ++i) {
      const Binding& b = record.entries[i].binding;
      store_.remove(b.aor, b.contact);
      notify(RegistrationChange::Kind::unregistered, b, record.entries.size() - i - 1);
    }
    return UpdateError::none;
  }

  // Check every change before making any (§10.3 step 7: all or nothing).
  std::size_t count = it == aors_.end() ? 0 : it->second.entries.size();
  for (std::size_t i = 0; i < update.contacts.size(); ++i) {
    const ContactUpdate& c = update.contacts[i];
    bool earlier_in_request = false;
    for (std::size_t j = 0; j < i && !earlier_in_request; ++j) {
      earlier_in_request = same_contact(update.contacts[j].uri, c.uri);
    }
    const std::ptrdiff_t idx = it == aors_.end() ? -1 : find_contact(it->second, c.uri);
    if (idx >= 0) {
      const Binding& b = it->second.entries[static_cast<std::size_t>(idx)].binding;
      if (b.call_id == update.call_id && update.cseq <= b.cseq) return UpdateError::out_of_order;
      if (c.expires == 0 && !earlier_in_request) --count;
    } else if (c.expires != 0 && !earlier_in_request) {
      ++count;
    }
  }
  if (count > config_.max_contacts_per_aor) return UpdateError::too_many_contacts;
  if (update.contacts.empty()) return UpdateError::none;

  if (it == aors_.end()) it = aors_.emplace(std::string(update.aor), AorRecord{}).first;
  AorRecord& record = it->second;
  const SteadyTime now = clock_.now();
  const WallTime wall_now = clock_.wall_now();

  for (const ContactUpdate& c : update.contacts) {
    const std::ptrdiff_t idx = find_contact(record, c.uri);
    if (c.expires == 0) {
      if (idx < 0) continue;
      const auto pos = record.entries.begin() + idx;
      store_.remove(pos->binding.aor, pos->binding.contact);
      Binding removed = std::move(pos->binding);
      record.entries.erase(pos);
      --binding_count_;
      notify(RegistrationChange::Kind::unregistered, removed, record.entries.size());
      continue;
    }
    const SteadyTime expires = now + std::chrono::seconds(c.expires);
    LocationEntry* entry = nullptr;
    const bool added = idx < 0;
    if (added) {
      entry = &record.entries.emplace_back();
      entry->binding.tenant_id = update.tenant_id;
      entry->binding.aor.assign(update.aor);
      entry->binding.contact.assign(c.uri);
      ++binding_count_;
    } else {
      entry = &record.entries[static_cast<std::size_t>(idx)];
    }
    // assign() reuses the strings' capacity: a refresh allocates nothing here.
    Binding& b = entry->binding;
    b.call_id.assign(update.call_id);
    b.cseq = update.cseq;
    b.q_milli = c.q_milli;
    if (update.source != nullptr) b.source = *update.source;
    b.user_agent.assign(update.user_agent);
    b.expires_at = to_wall(expires, now, wall_now);
    entry->expires = expires;
    store_.save(b);
    if (added) notify(RegistrationChange::Kind::registered, b, record.entries.size());
  }

  if (record.entries.empty()) {
    if (record.timer != 0) timers_.cancel(record.timer);
    aors_.erase(it);
  } else {
    arm_timer(it->first, record);
  }
  return UpdateError::none;
}

void LocationService::arm_timer(const std::string& aor_key, AorRecord& record) {
  SteadyTime earliest = SteadyTime::max();
  for (const LocationEntry& e : record.entries)
    earliest = std::min(earliest, e.expires);
  // A timer due no later than the earliest expiry may stay: when it fires it re-arms. This
  // keeps refreshes (which only move expiry later) free of cancel/schedule churn.
  if (record.timer != 0 && record.timer_at <= earliest) return;
  if (record.timer != 0) timers_.cancel(record.timer);
  // The map key lives in a node that stays put until the record is erased, and erasing the
  // record cancels the timer first.
  const std::string* key = &aor_key;
  record.timer = timers_.schedule(earliest, [this, key] { expire(key); });
  record.timer_at = earliest;
}

void LocationService::expire(const std::string* aor_key) {
  auto it = aors_.find(*aor_key);
  if (it == aors_.end()) return;
  AorRecord& record = it->second;
  record.timer = 0;
  const SteadyTime now = clock_.now();
  for (std::size_t i = 0; i < record.entries.size();) {
    if (record.entries[i].expires > now) {
      ++i;
      continue;
    }
    Binding gone = std::move(record.entries[i].binding);
    record.entries.erase(record.entries.begin() + static_cast<std::ptrdiff_t>(i));
    --binding_count_;
    store_.remove(gone.aor, gone.contact);
    notify(RegistrationChange::Kind::expired, gone, record.entries.size());
  }
  if (record.entries.empty()) {
    aors_.erase(it);
  } else {
    arm_timer(it->first, record);
  }
}

void LocationService::restore(std::vector<Binding> bindings) {
  const SteadyTime now = clock_.now();
  const WallTime wall_now = clock_.wall_now();
  for (Binding& b : bindings) {
    if (b.expires_at <= wall_now) continue;
    auto it = aors_.find(b.aor);
    if (it == aors_.end()) it = aors_.emplace(b.aor, AorRecord{}).first;
    AorRecord& record = it->second;
    if (record.entries.size() >= config_.max_contacts_per_aor ||
        find_contact(record, b.contact) >= 0)
      continue;
    const SteadyTime expires = now + std::chrono::duration_cast<Duration>(b.expires_at - wall_now);
    record.entries.push_back(LocationEntry{std::move(b), expires});
    ++binding_count_;
  }
  for (auto& [aor, record] : aors_)
    arm_timer(aor, record);
}

std::span<const LocationEntry> LocationService::find(std::string_view aor) const {
  auto it = aors_.find(aor);
  if (it == aors_.end()) return {};
  return it->second.entries;
}

void LocationService::for_each(
    const std::function<void(std::string_view aor, std::span<const LocationEntry>)>& fn) const {
  for (const auto& [aor, record] : aors_)
    fn(aor, record.entries);
}

std::size_t LocationService::memory_bytes() const {
  // Hash node: next pointer + cached hash + key + record; plus a bucket pointer.
  std::size_t total = aors_.bucket_count() * sizeof(void*);
  for (const auto& [aor, record] : aors_) {
    total += sizeof(void*) + sizeof(std::size_t) + sizeof(Map::value_type) + heap_bytes(aor);
    total += record.entries.capacity() * sizeof(LocationEntry);
    for (const LocationEntry& e : record.entries) {
      total += heap_bytes(e.binding.aor) + heap_bytes(e.binding.contact) +
               heap_bytes(e.binding.call_id) + heap_bytes(e.binding.user_agent);
    }
  }
  return total;
}

}  // namespace dzvin::sip
