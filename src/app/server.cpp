#include "app/server.hpp"

#include "app/demo_company.hpp"
#include "app/routing_service.hpp"

// Asio is confined to this file and sip/transport_layer.cpp (compile time).
#include <utility>
// clang-format off
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
// clang-format on

#include <algorithm>
#include <atomic>
#include <csignal>

#include <sys/resource.h>
#include <cstdio>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "app/host_address.hpp"
#include "base/clock.hpp"
#include "base/log.hpp"
#include "base/timer_queue.hpp"
#include "crm/crm_worker.hpp"
#include "crm/user_hand_over.hpp"
#include "http/api_auth.hpp"
#include "http/audit_routes.hpp"
#include "http/auth_routes.hpp"
#include "http/call_routes.hpp"
#include "http/click_to_call_route.hpp"
#include "http/contact_routes.hpp"
#include "http/event_hub.hpp"
#include "http/event_routes.hpp"
#include "http/first_contact_route.hpp"
#include "http/http_server.hpp"
#include "http/media_routes.hpp"
#include "http/metrics.hpp"
#include "http/openapi_route.hpp"
#include "http/registration_routes.hpp"
#include "http/routing_routes.hpp"
#include "http/static_files.hpp"
#include "http/task_events.hpp"
#include "http/task_routes.hpp"
#include "http/trunk_routes.hpp"
#include "http/user_routes.hpp"
#include "http/voicemail_audio_route.hpp"
#include "http/voicemail_routes.hpp"
#include "http/web_accounts.hpp"
#include "http/webhook_forwarder.hpp"
#include "http/webhook_routes.hpp"
#include "media/audio_file.hpp"
#include "media/media_engine.hpp"
#include "media/speech_synthesizer.hpp"
#include "notify/mail_outbox.hpp"
#include "notify/media_link.hpp"
#include "notify/smtp_mailer.hpp"
#include "notify/task_email.hpp"
#include "notify/voicemail_notifier.hpp"
#include "pbx/call_engine.hpp"
#include "pbx/memory_directory.hpp"
#include "pbx/prompt_clips.hpp"
#include "pbx/routing_document.hpp"
#include "pbx/trunk_table.hpp"
#include "sip/digest_authenticator.hpp"
#include "sip/location_service.hpp"
#include "sip/outbound_registration.hpp"
#include "sip/registrar.hpp"
#include "sip/request_dispatcher.hpp"
#include "sip/transaction_layer.hpp"
#include "sip/transport_layer.hpp"
#include "store/call_record_writer.hpp"
#include "store/database.hpp"
#include "store/media_retention.hpp"
#include "store/memory_account_directory.hpp"
#include "store/migrations.hpp"
#include "store/registration_store.hpp"
#include "store/tenant_repository.hpp"
#include "store/user_repository.hpp"

namespace dzvin::app {

namespace {

// Runs `work` on the signalling loop and waits (at most `limit`) for its result: how the HTTP
// thread asks the call engine, which only its own thread touches.
template <class T, class Work>
T run_on_loop(boost::asio::io_context& io, Work work,
              std::chrono::milliseconds limit = std::chrono::seconds(5)) {
  auto promise = std::make_shared<std::promise<T>>();
  auto result = promise->get_future();
  boost::asio::post(io,
                    [promise, work = std::move(work)]() mutable { promise->set_value(work()); });
  if (result.wait_for(limit) != std::future_status::ready) {
    return make_error(503, "the PBX did not answer in time");
  }
  try {
    return result.get();
  } catch (const std::future_error&) {  // the loop stopped with the work still queued
    return make_error(503, "the PBX is stopping");
  }
}

int fail(const std::string& message) {
  std::fprintf(stderr, "dzvin: %s\n", message.c_str());
  log(LogLevel::error, "server.start_failed", {{"reason", message}});
  return 1;
}

// Creates the config's initial company when the database has none; in demo mode also makes
// the demo users' passwords match the credentials file.
Result<void> seed_company(const Config& config, const ServeOptions& options, store::Database& db,
                          store::TenantRepository& tenants, store::UserRepository& users) {
  auto existing = tenants.list();
  if (!existing) return existing.error();
  const InitialCompany* company = options.demo ? options.demo : nullptr;
  if (!company && config.company && existing->empty()) company = &*config.company;
  if (!company) return {};

  std::int64_t tenant_id = 0;
  auto found = tenants.find_by_domain(company->sip_domain);
  if (!found) return found.error();
  if (*found) {
    tenant_id = (*found)->id;
  } else {
    auto created = tenants.create(company->name, company->sip_domain);
    if (!created) return created.error();
    tenant_id = created->id;
    log(LogLevel::info, "store.company_created",
        {{"name", company->name}, {"sip_domain", company->sip_domain}});
  }
  for (const auto& u : company->users) {
    auto user = users.find(tenant_id, u.username);
    if (!user) return user.error();
    if (!*user) {
      auto created = users.create(tenant_id, u.username, u.display_name, u.password);
      if (!created) return make_error(0, "user '" + u.username + "': " + created.error().message);
      if (!u.web_password.empty()) {
        auto login = http::ensure_web_login(db, tenant_id, u.username, u.email,
                                            http::parse_role(u.role).value_or(http::Role::manager),
                                            u.web_password);
        if (!login) return make_error(0, "user '" + u.username + "': " + login.error().message);
      } else {
        // No web login, but an address for e-mails (overdue tasks) and a role.
        auto details =
            http::set_email_and_role(db, tenant_id, u.username, u.email,
                                     http::parse_role(u.role).value_or(http::Role::manager));
        if (!details) return make_error(0, "user '" + u.username + "': " + details.error().message);
      }
    } else if (options.demo) {
      auto set = users.set_password(tenant_id, u.username, u.password);
      if (!set) return set.error();
    }
  }
  if (options.demo && !company->users.empty()) {
    const InitialUser& admin = company->users.front();
    auto login = http::ensure_admin(db, tenant_id, admin.username, kDemoAdminEmail, admin.password);
    if (!login) return make_error(0, "demo web login: " + login.error().message);
  }
  return {};
}

// Used until the transaction layer exists (TransportLayer and TransactionLayer need each
// other); receives nothing in practice because nothing listens yet.
class NoSink final : public sip::MessageSink {
 public:
  void on_message(sip::SipMessage&&, const sip::Peer&) override {}
};

std::string_view change_event(sip::RegistrationChange::Kind kind) {
  switch (kind) {
    case sip::RegistrationChange::Kind::registered:
      return "registrar.bound";
    case sip::RegistrationChange::Kind::unregistered:
      return "registrar.unbound";
    case sip::RegistrationChange::Kind::expired:
      return "registrar.expired";
  }
  return "registrar.changed";
}

void print_banner(const Config& config, const ServeOptions& options,
                  const std::vector<sip::ListeningPoint>& points, std::string_view company) {
  std::string host = primary_host_address();
  std::uint16_t port = 0;
  for (const auto& p : points) {
    if (!p.local.address.is_unspecified()) host = p.local.address.to_string();
    if (port == 0) port = p.local.port;
    if (!p.local.address.is_unspecified()) break;
  }
  std::printf("Dzvin %s — %s\n", DZVIN_VERSION, std::string(company).c_str());
  for (const auto& p : points) {
    std::printf("SIP listening: %s %s\n", p.kind == sip::TransportKind::udp ? "udp" : "tcp",
                p.local.to_string().c_str());
  }
  if (options.demo) {
    std::printf("Softphone accounts (server %s, port %u, domain: the server address or %s):\n",
                host.c_str(), port, options.demo->sip_domain.c_str());
    for (const auto& u : options.demo->users) {
      std::printf("  %-5s password %s  (%s)\n", u.username.c_str(), u.password.c_str(),
                  u.display_name.c_str());
    }
  }
  std::string web = config.web_url;
  if (const auto pos = web.find("127.0.0.1"); pos != std::string::npos && options.demo) {
    web.replace(pos, 9, host);
  }
  std::printf("Web: %s (the web app; REST API under /api/v1, described at /api/v1/openapi.json)\n",
              web.c_str());
  if (options.demo && !options.demo->users.empty()) {
    std::printf("Web login: %s, password %s (admin)\n", kDemoAdminEmail,
                options.demo->users.front().password.c_str());
  }
  std::printf("Data: %s (SQLite)\n", config.data_dir.c_str());
  std::printf("Ready.\n");
  std::fflush(stdout);
}

// [[trunks]] of the config: addresses resolved, sources defaulted, the company's realm.
Result<pbx::TrunkTable> build_trunks(const Config& config, std::int64_t tenant_id,
                                     const std::string& realm) {
  pbx::TrunkTable table;
  for (const TrunkSettings& s : config.trunks) {
    auto address = resolve_host(s.host);
    if (!address) return make_error(0, "trunk '" + s.name + "': " + address.error().message);
    pbx::Trunk trunk;
    trunk.name = s.name;
    trunk.tenant_id = tenant_id;
    trunk.realm = realm;
    trunk.peer.kind = s.transport;
    trunk.peer.remote = IpEndpoint{*address, s.port};
    trunk.peer.local.address.v6 = address->v6;  // unspecified: any socket of the family
    trunk.domain = s.domain;
    trunk.username = s.username;
    trunk.password = s.password;
    trunk.caller_id = s.caller_id;
    trunk.number_format = s.number_format;
    trunk.sources = s.inbound;
    if (trunk.sources.empty()) trunk.sources.push_back(pbx::TrunkSource{*address, 0, 0});
    trunk.dids = s.dids;
    trunk.register_with_provider = s.register_with_provider;
    trunk.register_expires = s.register_expires;
    log(LogLevel::info, "trunk.configured",
        {{"trunk", trunk.name},
         {"address", trunk.peer.remote.to_string()},
         {"dids", trunk.dids.size()},
         {"register", trunk.register_with_provider}});
    table.add(std::move(trunk));
  }
  return table;
}

// What /metrics shows of the signalling thread's state, copied there every second.
struct LiveFigures {
  std::atomic<std::uint64_t> active_calls{0};
  std::atomic<std::uint64_t> calls_started{0};
  std::atomic<std::uint64_t> calls_answered{0};
  std::atomic<std::uint64_t> calls_ended{0};
  std::atomic<std::uint64_t> voicemails{0};
  std::atomic<std::uint64_t> recordings{0};
  std::atomic<std::uint64_t> registrations{0};
  std::atomic<std::uint64_t> relays{0};
  std::atomic<std::uint64_t> rtp_in{0};
  std::atomic<std::uint64_t> rtp_out{0};
  std::atomic<std::uint64_t> rtp_dropped{0};
  std::atomic<std::uint64_t> rtp_send_errors{0};
};

void register_metrics(http::MetricsRegistry& m, LiveFigures& f) {
  const auto read = [](const std::atomic<std::uint64_t>& v) {
    return [&v] { return static_cast<double>(v.load(std::memory_order_relaxed)); };
  };
  m.add_gauge("dzvin_active_calls", "Calls in progress", read(f.active_calls));
  m.add_counter("dzvin_calls_started_total", "Calls accepted for routing", read(f.calls_started));
  m.add_counter("dzvin_calls_answered_total", "Calls a person answered", read(f.calls_answered));
  m.add_counter("dzvin_calls_ended_total", "Calls ended", read(f.calls_ended));
  m.add_counter("dzvin_voicemails_total", "Voicemail messages kept", read(f.voicemails));
  m.add_counter("dzvin_recordings_total", "Call recordings started", read(f.recordings));
  m.add_gauge("dzvin_registrations", "Registered phone contacts", read(f.registrations));
  m.add_gauge("dzvin_media_relays", "RTP relays in use (anchored calls)", read(f.relays));
  m.add_counter("dzvin_rtp_packets_received_total", "RTP packets received from phones and trunks",
                read(f.rtp_in));
  m.add_counter("dzvin_rtp_packets_relayed_total", "RTP packets sent (relayed or played)",
                read(f.rtp_out));
  m.add_counter("dzvin_rtp_packets_dropped_total",
                "RTP packets dropped: malformed, from a foreign source, or not forwarded",
                read(f.rtp_dropped));
  m.add_counter("dzvin_rtp_send_errors_total", "RTP packets the kernel refused to send",
                read(f.rtp_send_errors));
}

void publish_figures(LiveFigures& f, TimerQueue& timers, const Clock& clock,
                     const pbx::CallEngine& calls, const sip::LocationService& locations,
                     const media::MediaEngine* media) {
  const auto& st = calls.stats();
  f.active_calls.store(st.active_calls, std::memory_order_relaxed);
  f.calls_started.store(st.calls_started, std::memory_order_relaxed);
  f.calls_answered.store(st.calls_answered, std::memory_order_relaxed);
  f.calls_ended.store(st.calls_ended, std::memory_order_relaxed);
  f.voicemails.store(st.voicemails, std::memory_order_relaxed);
  f.recordings.store(st.recordings, std::memory_order_relaxed);
  f.registrations.store(locations.binding_count(), std::memory_order_relaxed);
  f.relays.store(media != nullptr ? media->relay_count() : 0, std::memory_order_relaxed);
  if (media != nullptr) {
    const media::MediaTotals t = media->totals();
    f.rtp_in.store(t.rtp_packets_in, std::memory_order_relaxed);
    f.rtp_out.store(t.rtp_packets_out, std::memory_order_relaxed);
    f.rtp_dropped.store(t.dropped, std::memory_order_relaxed);
    f.rtp_send_errors.store(t.send_errors, std::memory_order_relaxed);
  }
  timers.schedule(clock.now() + std::chrono::seconds(1),
                  [&f, &timers, &clock, &calls, &locations, media] {
                    publish_figures(f, timers, clock, calls, locations, media);
                  });
}

}  // namespace

// Every call holds four RTP/RTCP sockets and every TCP phone one: the usual soft limit of 1024
// descriptors would cap the PBX near 250 calls. Raise it to the hard limit.
void raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  const rlim_t before = limit.rlim_cur;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) == 0) {
    log(LogLevel::debug, "server.open_file_limit",
        {{"from", static_cast<std::uint64_t>(before)},
         {"to", static_cast<std::uint64_t>(limit.rlim_cur)}});
  }
}

int serve(const Config& config, const ServeOptions& options) {
  raise_open_file_limit();
  set_log_level(config.log_level);
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) return fail("cannot create data directory " + config.data_dir + ": " + ec.message());
  const std::string db_path = config.data_dir + "/dzvin.db";

  // Store: migrate, seed, load the accounts into memory.
  auto db = store::Database::open(db_path);
  if (!db) return fail(db_path + ": " + db.error().message);
  auto version = store::migrate(*db);
  if (!version) return fail(db_path + ": " + version.error().message);
  // Recordings the last run did not see finish (a crash, or calls still up at shutdown).
  if (auto n = store::reconcile_recordings(*db, config.data_dir); n && *n > 0) {
    log(LogLevel::warn, "store.recordings_reconciled", {{"recordings", *n}});
  }
  store::SqliteTenantRepository tenants(*db);
  store::SqliteUserRepository users(*db);
  if (auto seeded = seed_company(config, options, *db, tenants, users); !seeded) {
    return fail("cannot create the initial company: " + seeded.error().message);
  }
  auto accounts = store::MemoryAccountDirectory::load(tenants, users);
  if (!accounts) return fail("cannot load SIP accounts: " + accounts.error().message);
  std::string company = "no company configured";
  if (auto list = tenants.list(); list && !list->empty()) {
    company = "company \"" + list->front().name + "\" (SIP domain " + list->front().sip_domain +
              ", " + std::to_string((*accounts)->account_count()) + " SIP accounts)";
  }

  SystemClock clock;
  TimerQueue timers;
  // The web's live events (/api/v1/events): published on the signalling thread, read on the
  // HTTP thread. Declared before the web server, which must stop first.
  http::EventHub live_events;
  auto bindings = store::SqliteBindingStore::open(db_path, clock);
  if (!bindings) return fail(db_path + ": " + bindings.error().message);

  // SIP stack on the signalling loop.
  boost::asio::io_context io(1);
  NoSink no_sink;
  sip::TransportLayer transport(io, no_sink);
  sip::TransactionTimers tx_timers;
  tx_timers.t1 = config.sip.t1;
  tx_timers.t2 = config.sip.t2;
  tx_timers.t4 = config.sip.t4;
  sip::TransactionLayer transactions(transport, timers, clock, tx_timers);
  transport.set_sink(transactions);
  sip::OverloadConfig overload;
  overload.enabled = config.sip.overload_queue_delay.count() > 0;
  overload.enter = config.sip.overload_queue_delay;
  overload.leave = config.sip.overload_queue_delay / 5;
  overload.retry_after_seconds = config.sip.overload_retry_after;
  sip::LoadMonitor load_monitor(overload);
  transport.set_load_monitor(&load_monitor);
  transactions.set_load_monitor(&load_monitor);

  sip::LocationConfig location_config;
  location_config.max_contacts_per_aor = config.sip.max_contacts_per_user;
  sip::LocationService locations(timers, clock, **bindings, location_config);
  locations.on_change([&live_events, &clock](const sip::RegistrationChange& change) {
    http::publish_registration_change(live_events, change, clock.wall_now());
    if (!log_enabled(LogLevel::info)) return;
    log(LogLevel::info, change_event(change.kind),
        {{"aor", change.aor}, {"contact", change.contact}, {"contacts", change.contacts_now}});
  });
  auto restored = (*bindings)->load_all();
  const std::size_t restored_count = restored.size();
  locations.restore(std::move(restored));
  log(LogLevel::info, "location.restored", {{"bindings", restored_count}});

  sip::DigestConfig digest_config;
  digest_config.nonce.lifetime = std::chrono::seconds(config.sip.nonce_ttl);
  const auto& algorithms = config.sip.digest_algorithms;
  digest_config.offer_md5 =
      std::find(algorithms.begin(), algorithms.end(), "MD5") != algorithms.end();
  digest_config.offer_sha256 =
      std::find(algorithms.begin(), algorithms.end(), "SHA-256") != algorithms.end();
  digest_config.prefer_sha256 = !algorithms.empty() && algorithms.front() == "SHA-256";
  sip::DigestAuthenticator authenticator(**accounts, clock, digest_config);
  sip::RegistrarConfig registrar_config;
  registrar_config.min_expires = config.sip.min_expires;
  registrar_config.max_expires = config.sip.max_expires;
  registrar_config.default_expires = config.sip.default_expires;
  sip::Registrar registrar(**accounts, authenticator, locations, clock, registrar_config);

  for (const auto& l : config.sip.listen) {
    auto bound = transport.listen(l.kind, l.endpoint);
    if (!bound) {
      (*bindings)->stop();
      return fail(bound.error().message);
    }
  }
  transport.drive_timers(timers, clock);

  // The call engine; our Contact uses the address a leg's socket is bound to, or this one
  // when that is a wildcard.
  pbx::CallEngineConfig call_config;
  call_config.advertised_host = primary_host_address();
  for (const auto& p : transport.listening_points()) {
    call_config.advertised_port = p.local.port;
    if (!p.local.address.is_unspecified()) {
      call_config.advertised_host = p.local.host_for_uri();
      break;
    }
  }
  call_config.data_dir = std::filesystem::absolute(config.data_dir).lexically_normal().string();
  call_config.t1 = std::chrono::duration_cast<std::chrono::milliseconds>(config.sip.t1);
  call_config.t2 = std::chrono::duration_cast<std::chrono::milliseconds>(config.sip.t2);
  // The users that schemes ring (every tenant's, by username; extension = username).
  pbx::MemoryDirectory directory;
  if (auto all = users.list_all(); all) {
    for (const auto& u : *all) {
      directory.add_user(pbx::DirectoryUser{u.username, u.username, u.display_name});
      directory.add_voicemail_box(u.username);  // every user has a box
    }
  }
  // Trunks belong to the (first) company; their names are what schemes' forward steps use.
  std::int64_t tenant_id = 0;
  std::string realm = "localhost";
  if (auto list = tenants.list(); list && !list->empty()) {
    tenant_id = list->front().id;
    realm = list->front().sip_domain;
  }
  auto trunks = build_trunks(config, tenant_id, realm);
  if (!trunks) {
    (*bindings)->stop();
    return fail(config.source + ": " + trunks.error().message);
  }
  for (const auto& trunk : trunks->all())
    directory.add_trunk(trunk.name);
  // The routing: the config's [routing] (stored, replacing the API's edits) or the stored one;
  // edited live through the REST API afterwards.
  pbx::CallRoutes routes;
  pbx::PromptClips prompts;
  pbx::VoicemailBoxes voicemail_boxes;
  pbx::RecordingPolicy recording_policy;
  RoutingServiceSettings routing_settings;
  routing_settings.database_path = db_path;
  routing_settings.tenant_id = tenant_id;
  for (const auto& trunk : trunks->all()) {
    routing_settings.trunk_names.push_back(trunk.name);
    for (const auto& did : trunk.dids)
      routing_settings.dids.push_back(did);
  }
  routing_settings.prompt_cache_dir = config.data_dir + "/prompts";
  routing_settings.prompt_upload_dir =
      (std::filesystem::absolute(config.data_dir) / "prompt-uploads").lexically_normal().string();
  routing_settings.prompt_file_base = std::filesystem::path(config.source).parent_path().string();
  routing_settings.post = [&io](std::function<void()> task) {
    boost::asio::post(io, std::move(task));
  };
  RoutingService routing(
      std::move(routing_settings),
      LiveRouting{directory, routes, prompts, voicemail_boxes, recording_policy});
  if (auto loaded = routing.load_at_start(config.routing_json, config.routing_numbers); !loaded) {
    (*bindings)->stop();
    return fail(config.source + ": [routing] " + loaded.error().message);
  }
  const std::string time_zone = routing.time_zone();  // of the company: its first schedule's
  // Recordings past the company's retention period are deleted (hourly, its own thread).
  store::MediaRetention retention(db_path, call_config.data_dir, recording_policy.retention);
  auto records = store::CallRecordWriter::open(db_path);
  if (!records) {
    (*bindings)->stop();
    return fail(db_path + ": " + records.error().message);
  }
  // The media relay: audio of every call goes through it (unless [media] anchor = false).
  std::unique_ptr<media::MediaEngine> media_engine;
  if (config.media.anchor) {
    media::MediaConfig media_config;
    media_config.bind_address = config.media.bind_address;
    media_config.advertised_address = config.media.advertised_address.empty()
                                          ? call_config.advertised_host
                                          : config.media.advertised_address;
    if (!media_config.advertised_address.empty() &&
        media_config.advertised_address.front() == '[') {
      media_config.advertised_address =  // host_for_uri brackets IPv6
          media_config.advertised_address.substr(1, media_config.advertised_address.size() - 2);
    }
    media_config.port_min = config.media.port_min;
    media_config.port_max = config.media.port_max;
    media_config.threads = config.media.threads;
    try {
      media_engine = std::make_unique<media::MediaEngine>(media_config);
    } catch (const std::exception& e) {
      (*bindings)->stop();
      (*records)->stop();
      return fail(std::string("media: ") + e.what());
    }
    log(LogLevel::info, "media.ready",
        {{"address", media_config.advertised_address},
         {"ports",
          std::to_string(config.media.port_min) + "-" + std::to_string(config.media.port_max)},
         {"threads", media_engine->thread_count()}});
  }
  // Who hears of calls: the call records, then the voicemail e-mails.
  pbx::CallEventFanout events;
  events.add(records->get());
  http::CallEventPublisher live_publisher(
      live_events, {.is_user = [&directory](std::int64_t, std::string_view name) {
        return directory.find_user(name) != nullptr;
      }});
  events.add(&live_publisher);
  // E-mail, when [smtp] has a url: the CRM worker's overdue notices and the voicemail notifier
  // (below) use it; declared before the worker, which stops first.
  std::unique_ptr<notify::SmtpMailer> mailer;
  std::unique_ptr<notify::MailOutbox> outbox;
  // Made before the worker starts: its first look for overdue tasks is at once, and what it
  // finds then (deadlines passed while Dzvin was down) is mailed like the rest.
  if (!config.smtp.url.empty()) {
    const SmtpConfig& smtp = config.smtp;
    auto created = notify::SmtpMailer::create(notify::SmtpSettings{
        smtp.url, smtp.from, smtp.username, smtp.password, smtp.require_tls, smtp.timeout});
    if (!created) {
      (*bindings)->stop();
      (*records)->stop();
      return fail(config.source + ": [smtp] " + created.error().message);
    }
    mailer = std::move(*created);
    notify::MailOutboxOptions outbox_options;
    outbox_options.first_retry = smtp.first_retry;
    outbox_options.max_retry = smtp.max_retry;
    outbox_options.max_attempts = smtp.max_attempts;
    auto opened = notify::MailOutbox::open(db_path, *mailer, clock, outbox_options);
    if (!opened) {
      (*bindings)->stop();
      (*records)->stop();
      return fail(db_path + ": " + opened.error().message);
    }
    outbox = std::move(*opened);
  }
  // Calls nobody answered become call-back tasks; answered calls close them (crm/).
  crm::CrmWorker crm_worker(
      crm::CrmWorkerSettings{db_path, config.missed_calls}, clock,
      [&live_events, &outbox, &config, &time_zone, &clock](const crm::TaskNotice& notice) {
        http::publish_task_notice(live_events, notice);
        // An overdue task is also mailed to its assignee (when e-mail is set up).
        if (notice.kind != crm::TaskNoticeKind::overdue || !outbox ||
            notice.assignee_email.empty()) {
          return;
        }
        auto message = notify::overdue_task_email(
            notice.task, {config.smtp.from, notice.assignee_email, time_zone, config.web_url},
            clock.wall_now());
        if (!message) {
          log(LogLevel::warn, "crm.overdue_mail_failed", {{"reason", message.error().message}});
          return;
        }
        outbox->enqueue(notify::OutgoingEmail{notice.task.tenant_id,
                                              "task",
                                              notice.task.id,
                                              {notice.assignee_email},
                                              std::move(*message)});
      });
  events.add(&crm_worker);
  // Outbound webhooks: the company's live events, signed and retried (notify/).
  std::unique_ptr<notify::WebhookPoster> webhook_poster;
  std::unique_ptr<http::WebhookForwarder> webhook_forwarder;
  std::unique_ptr<notify::WebhookOutbox> webhooks;
  if (!config.webhooks.empty()) {
    webhook_poster = notify::make_curl_poster();
    webhook_forwarder = std::make_unique<http::WebhookForwarder>(live_events, tenant_id);
    auto opened = notify::WebhookOutbox::open(
        db_path, config.webhooks, *webhook_poster, clock,
        [forwarder = webhook_forwarder.get()] { return forwarder->pull(); });
    if (!opened) {
      (*bindings)->stop();
      (*records)->stop();
      return fail("webhooks: " + opened.error().message);
    }
    webhooks = std::move(*opened);
    webhook_forwarder->attach(*webhooks);
    log(LogLevel::info, "webhooks.ready", {{"endpoints", config.webhooks.size()}});
  }
  auto secret = notify::load_or_create_secret(config.data_dir + "/link-secret");
  if (!secret) {
    (*bindings)->stop();
    (*records)->stop();
    return fail("link secret: " + secret.error().message);
  }
  std::unique_ptr<notify::VoicemailNotifier> notifier;
  if (!config.smtp.url.empty()) {
    const SmtpConfig& smtp = config.smtp;
    notify::VoicemailNotifierSettings vn;
    vn.data_dir = call_config.data_dir;
    vn.base_url = config.web_url;
    vn.secret = *secret;
    vn.link_valid = std::chrono::hours(24 * smtp.link_valid_days);
    vn.attach_limit = smtp.attach_max_bytes;
    vn.from = smtp.from;
    vn.time_zone = time_zone;
    notifier = std::make_unique<notify::VoicemailNotifier>(std::move(vn), voicemail_boxes, *outbox);
    events.add(notifier.get());
  }
  // The web server: for now the voicemail links of the e-mails. A port that cannot be bound
  // does not stop the PBX: phones matter more; the log and the banner say so.
  // Sessions and API tokens of the REST API: its own connection, used on the HTTP thread.
  // Declared before the web server, whose handlers use it until it stops.
  http::ApiAuth api_auth(db_path, clock);
  std::unique_ptr<http::HttpServer> web;
  // Figures the signalling thread publishes every second for /metrics (read on the HTTP
  // thread: atomics, no lock on the call path).
  LiveFigures figures;
  // Trunks' registration states for GET /api/v1/trunks: written on the signalling thread when
  // one changes (rarely), read on the HTTP thread.
  std::mutex trunk_states_mutex;
  std::map<std::string, http::TrunkRegistrationView> trunk_states;
  http::MetricsRegistry metrics;
  register_metrics(metrics, figures);
  // The call engine as the click-to-call route reaches it: set before the signalling loop
  // runs, read only on it (the route posts there and waits for the answer).
  pbx::CallEngine* engine_for_http = nullptr;
  if (config.http.enabled) {
    http::Router router;
    http::add_openapi_route(router);
    http::add_metrics_route(router, metrics);
    http::add_auth_routes(router, api_auth);
    // Users changed through the API: read them on the HTTP thread, swap them in on the
    // signalling thread, so a new extension can register at once.
    auto crm_stores = std::make_shared<http::CrmStores>(db_path, clock);
    // A deleted user's open tasks go to the head of the call centre (else to the admin who
    // deleted them); their contacts and deals have no owner any more.
    const http::UserDeleted hand_over = [crm_stores, head = config.missed_calls.head, &clock](
                                            std::int64_t tenant, std::string_view username,
                                            std::string_view by) {
      auto open = crm_stores->open();
      if (!open) return;
      const std::string successor = !head.empty() && head != username ? head : std::string(by);
      auto done = crm::hand_over_user(crm_stores->database(), tenant, username, successor,
                                      unix_ms(clock.wall_now()));
      if (!done) {
        log(LogLevel::error, "crm.hand_over_failed",
            {{"user", username}, {"error", done.error().message}});
        return;
      }
      log(LogLevel::info, "crm.user_handed_over",
          {{"user", username},
           {"to", successor},
           {"tasks", done->tasks},
           {"contacts", done->contacts},
           {"deals", done->deals}});
    };
    http::add_user_routes(
        router, api_auth,
        [&io, &db_path, &accounts, &directory] {
          auto reader = store::Database::open(db_path);
          if (!reader) return;
          store::SqliteTenantRepository tenant_reader(*reader);
          store::SqliteUserRepository user_reader(*reader);
          auto fresh = store::MemoryAccountDirectory::load(tenant_reader, user_reader);
          auto all = user_reader.list_all();
          if (!fresh || !all) {
            log(LogLevel::error, "http.accounts_reload_failed", {{"error", "cannot read users"}});
            return;
          }
          boost::asio::post(io, [&accounts, &directory, loaded = std::shared_ptr(std::move(*fresh)),
                                 users_now = std::move(*all)] {
            **accounts = std::move(*loaded);
            std::vector<pbx::DirectoryUser> everyone;
            for (const auto& u : users_now) {
              everyone.push_back(pbx::DirectoryUser{u.username, u.username, u.display_name});
              directory.add_voicemail_box(u.username);
            }
            directory.replace_users(everyone);
            log(LogLevel::info, "accounts.reloaded", {{"accounts", (*accounts)->account_count()}});
          });
        },
        hand_over);
    const http::AuthedRouteAdder authed = [&](std::string_view method, std::string_view pattern,
                                              http::Role minimum, http::AuthedHandler handler) {
      api_auth.add_authed(router, method, pattern, minimum, std::move(handler));
    };
    http::add_call_routes(authed, http::CallRouteDeps{db_path, time_zone});
    http::add_media_routes(authed, http::MediaRouteDeps{db_path, call_config.data_dir});
    http::add_routing_routes(api_auth.audited_adder(router), routing);
    http::add_audit_routes(authed, db_path);
    http::add_webhook_routes(authed, db_path);
    http::add_contact_routes(authed, crm_stores);
    http::add_first_contact_route(authed, crm_stores, time_zone);
    http::add_click_to_call_route(authed, crm_stores,
                                  [&io, &engine_for_http](const pbx::Origination& request) {
                                    return run_on_loop<Result<std::string>>(
                                        io, [&engine_for_http, request]() -> Result<std::string> {
                                          if (engine_for_http == nullptr)
                                            return make_error(503, "the PBX is starting");
                                          return engine_for_http->originate(request);
                                        });
                                  });
    http::add_task_routes(authed, crm_stores, [&live_events](const crm::TaskNotice& notice) {
      http::publish_task_notice(live_events, notice);
    });
    http::add_registration_routes(
        authed,
        http::RegistrationRouteDeps{db_path, [&clock] { return unix_ms(clock.wall_now()); }});
    http::add_voicemail_routes(authed, db_path);
    http::add_trunk_routes(
        authed, [&config, tenant_id, &trunk_states_mutex, &trunk_states](std::int64_t tenant) {
          std::vector<http::TrunkView> views;
          if (tenant != tenant_id) return views;  // trunks belong to the first company
          std::lock_guard lock(trunk_states_mutex);
          for (const TrunkSettings& t : config.trunks) {
            http::TrunkView view{t.name,      t.host + ":" + std::to_string(t.port),
                                 t.username,  t.caller_id,
                                 t.dids,      t.register_with_provider,
                                 std::nullopt};
            if (auto it = trunk_states.find(t.name); it != trunk_states.end())
              view.registration = it->second;
            views.push_back(std::move(view));
          }
          return views;
        });
    http::add_static_files(router, config.http.web_root);
    http::add_voicemail_audio_route(
        router, http::VoicemailAudioRoute{
                    *secret, http::make_store_media_lookup(db_path, call_config.data_dir), &clock});
    http::HttpSettings web_settings;
    web_settings.address = config.http.listen.address.to_string();
    web_settings.port = config.http.listen.port;
    web_settings.on_request = [&metrics](std::string_view method, int status, double seconds) {
      metrics.observe_request(method, status, seconds);
    };
    web = std::make_unique<http::HttpServer>(web_settings, std::move(router));
    http::add_event_stream(*web, live_events, api_auth);
    try {
      web->start();
      log(LogLevel::info, "http.ready", {{"address", web_settings.address}, {"port", web->port()}});
    } catch (const std::exception& e) {
      log(LogLevel::error, "http.listen_failed", {{"error", e.what()}});
      web.reset();
    }
  }
  pbx::CallEngine calls(
      pbx::CallEngine::Deps{io, transactions, transport, timers, clock, locations, **accounts,
                            authenticator, directory, routes, &events, media_engine.get(), &*trunks,
                            &prompts, &voicemail_boxes, &recording_policy},
      call_config);
  engine_for_http = &calls;
  sip::SipService service(transactions, registrar, &calls);
  publish_figures(figures, timers, clock, calls, locations, media_engine.get());
  if (media_engine) {
    // Prompt ends come from the media threads; the call engine takes them on its own loop.
    media_engine->set_event_handler([&io, &calls](const media::MediaEvent& event) {
      boost::asio::post(io, [&calls, event] { calls.on_media_event(event); });
    });
  }

  // Trunks that register with their provider: REGISTER now, refreshed and retried from here on.
  sip::OutboundRegistrations registrations(transactions, timers, clock);
  registrations.on_change = [&trunk_states_mutex,
                             &trunk_states](const sip::OutboundRegistrationStatus& st) {
    {
      std::lock_guard lock(trunk_states_mutex);
      trunk_states[st.name] = http::TrunkRegistrationView{
          std::string(sip::to_string(st.state)), st.last_status, st.last_reason, st.attempts};
    }
    const LogLevel level =
        st.state == sip::RegistrationState::failed ? LogLevel::warn : LogLevel::info;
    log(level, "trunk.registration",
        {{"trunk", st.name},
         {"state", sip::to_string(st.state)},
         {"status", st.last_status},
         {"reason", st.last_reason},
         {"attempts", st.attempts}});
  };
  service.set_registrations(&registrations);
  for (const auto& trunk : trunks->all()) {
    if (!trunk.register_with_provider) continue;
    sip::OutboundRegistrationConfig reg;
    reg.name = trunk.name;
    reg.registrar = trunk.peer;
    // Our Via and Contact: the listener's address, or the advertised one for a wildcard.
    reg.registrar.local = IpEndpoint{};
    for (const auto& p : transport.listening_points()) {
      if (p.kind == trunk.peer.kind && p.local.address.v6 == trunk.peer.remote.address.v6) {
        reg.registrar.local = p.local;
        break;
      }
    }
    if (reg.registrar.local.address.is_unspecified()) {
      if (auto ip = IpAddress::parse(call_config.advertised_host))
        reg.registrar.local.address = *ip;
    }
    reg.registrar_uri = "sip:" + trunk.domain;
    reg.aor = "sip:" + trunk.username + "@" + trunk.domain;
    reg.auth_username = trunk.username;
    reg.password = trunk.password;
    reg.contact = "sip:" + trunk.username + "@" + reg.registrar.local.host_for_uri() + ":" +
                  std::to_string(reg.registrar.local.port);
    if (trunk.peer.kind == sip::TransportKind::tcp) reg.contact += ";transport=tcp";
    reg.expires = std::chrono::seconds(trunk.register_expires);
    registrations.add(std::move(reg));
  }

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&io](const boost::system::error_code& error, int signal_number) {
    if (error) return;
    log(LogLevel::info, "server.stopping", {{"signal", signal_number}});
    io.stop();
  });
  std::signal(SIGPIPE, SIG_IGN);

  print_banner(config, options, transport.listening_points(), company);
  log(LogLevel::info, "server.ready", {{"bindings", locations.binding_count()}});
  io.run();

  // Take the trunks' registrations back (Expires: 0), waiting up to 2 s for the providers.
  registrations.unregister_all();
  io.restart();
  for (int i = 0; i < 40 && registrations.unregistering() > 0; ++i) {
    io.run_for(std::chrono::milliseconds(50));
  }
  transport.close();
  (*bindings)->stop();
  (*records)->stop();  // every call event queued so far is written
  crm_worker.stop();   // and turned into tasks
  if (webhook_forwarder) webhook_forwarder->detach();
  if (webhooks) webhooks->stop();  // the last events saved, sent by the next start
  if (notifier) notifier->stop();  // mails of the messages so far composed
  if (outbox) outbox->stop();      // and saved for delivery (now or at the next start)
  if (web) web->stop();
  const auto call_stats = (*records)->stats();
  const auto stats = (*bindings)->stats();
  log(LogLevel::info, "server.stopped",
      {{"bindings_written", stats.written},
       {"bindings_dropped", stats.dropped},
       {"overload_episodes", load_monitor.episodes()},
       {"overload_rejected", load_monitor.rejected()},
       {"call_events_written", call_stats.written},
       {"call_events_dropped", call_stats.dropped}});
  return 0;
}

}  // namespace dzvin::app
