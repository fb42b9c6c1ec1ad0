// call_query_load: the call log and the heatmap of the REST API against a year of one busy
// company. Fills a fresh database (migrated as in production) with N calls over 365 days —
// 30 company numbers dialled in, 50 users answering and calling out, 70 % answered, the rest
// missed / abandoned / voicemail / failed; business hours and weekdays busier; recordings of a
// third of the answered calls and a message per voicemail call — and the `call_hours` that the
// call record writer would have kept. Then times store::list_calls (limit 50, random filters:
// none, number, user as a manager sees it, outcome, date range; a quarter of them on a later
// page through the cursor) and store::call_heatmap over the whole year in Europe/Kyiv, on a
// read-only connection like the HTTP routes'. Prints p50 / p99 / max per kind, in ms.
//
//   call_query_load [--calls 1000000] [--queries 2000] [--heatmaps 200] [--seed 1]
//                   [--db /tmp/dzvin-call-query-load.db] [--keep 0|1] [--reuse 0|1]
//                   [--analyze 0|1]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "store/call_query.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"

using namespace dzvin;
using namespace dzvin::store;

namespace {

struct Options {
  long calls = 1'000'000;
  int queries = 2000;
  int heatmaps = 200;
  unsigned seed = 1;
  std::string db = "/tmp/dzvin-call-query-load.db";
  bool keep = false;
  bool analyze = false;
  bool reuse = false;  // keep the database of an earlier --keep 1 run instead of filling
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--calls") {
      o.calls = std::atol(v);
    } else if (k == "--queries") {
      o.queries = std::atoi(v);
    } else if (k == "--heatmaps") {
      o.heatmaps = std::atoi(v);
    } else if (k == "--seed") {
      o.seed = static_cast<unsigned>(std::atoi(v));
    } else if (k == "--db") {
      o.db = v;
    } else if (k == "--keep") {
      o.keep = std::atoi(v) != 0;
    } else if (k == "--reuse") {
      o.reuse = std::atoi(v) != 0;
    } else if (k == "--analyze") {
      o.analyze = std::atoi(v) != 0;
    } else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      std::exit(2);
    }
  }
  return o;
}

template <class T>
T check(Result<T> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "%s: %s\n", what, r.error().message.c_str());
    std::exit(1);
  }
  return std::move(*r);
}

void check(Result<void> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "%s: %s\n", what, r.error().message.c_str());
    std::exit(1);
  }
}

constexpr std::int64_t kYearStartMs = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
constexpr std::int64_t kKyivOffsetMs = 2LL * 3600 * 1000;  // close enough for the spread
constexpr int kNumbers = 30;
constexpr int kUsers = 50;
constexpr char kRealm[] = "pbx.bench.test";

std::string company_number(int i) {
  char text[32];
  std::snprintf(text, sizeof text, "+3804455501%02d", i);
  return text;
}
std::string username(int i) {
  return std::to_string(1001 + i);
}
std::string aor(int i) {
  return username(i) + "@" + kRealm;
}
std::string customer(std::uint64_t i) {
  char text[32];
  std::snprintf(text, sizeof text, "+38067%07llu", static_cast<unsigned long long>(i));
  return text;
}

struct Generator {
  std::mt19937_64 rng;
  std::discrete_distribution<int> number{};  // busier lines
  std::discrete_distribution<int> user{};    // some answer more
  std::discrete_distribution<int> hour{};    // local hour of day
  std::uniform_int_distribution<std::uint64_t> customers{0, 199'999};
  std::uniform_real_distribution<double> unit{0.0, 1.0};

  explicit Generator(unsigned seed) : rng(seed) {
    std::vector<double> w;
    for (int i = 0; i < kNumbers; ++i)
      w.push_back(1.0 / (1 + i * 0.3));
    number = std::discrete_distribution<int>(w.begin(), w.end());
    w.clear();
    for (int i = 0; i < kUsers; ++i)
      w.push_back(1.0 / (1 + i * 0.1));
    user = std::discrete_distribution<int>(w.begin(), w.end());
    const double hours[24] = {0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1, 3, 8,   10,  10,
                              8,   9,   10,  10,  9,   7,   3,   2, 1, 0.8, 0.5, 0.3};
    hour = std::discrete_distribution<int>(std::begin(hours), std::end(hours));
  }

  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  }

  // A start time in the year: weekdays five times as busy as weekend days, business hours
  // busier (hours of Kyiv, at a fixed +02:00).
  std::int64_t start_ms() {
    for (;;) {
      const std::int64_t day = between(0, 364);
      const int weekday = static_cast<int>((day + 3) % 7);  // 2026-01-01 was a Thursday
      if (weekday >= 5 && unit(rng) > 0.2) continue;
      return kYearStartMs + day * kDayMs + hour(rng) * 3'600'000LL - kKyivOffsetMs +
             between(0, 3'599'999);
    }
  }

  std::string id() {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string text(16, '0');
    std::uint64_t bits = rng();
    for (char& ch : text) {
      ch = kHex[bits & 15];
      bits >>= 4;
    }
    return text;
  }
};

struct Timings {
  std::vector<double> ms;
  void add(double v) { ms.push_back(v); }
  double percentile(double p) {
    std::sort(ms.begin(), ms.end());
    if (ms.empty()) return 0;
    const auto at = static_cast<std::size_t>(p * static_cast<double>(ms.size() - 1) + 0.5);
    return ms[std::min(at, ms.size() - 1)];
  }
};

double since_ms(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

void fill(Database& db, const Options& o, Generator& g) {
  auto insert_call = check(
      db.prepare("INSERT INTO calls (id, tenant_id, caller, called, started_at, answered_at, "
                 "answered_by, ended_at, outcome, sip_status, talk_ms) VALUES (?1, 1, ?2, ?3, "
                 "?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
      "prepare calls");
  auto insert_recording =
      check(db.prepare("INSERT INTO recordings (id, tenant_id, call_id, started_at, duration_ms, "
                       "channels, path, state) VALUES (?1, 1, ?2, ?3, ?4, 2, ?5, 'complete')"),
            "prepare recordings");
  auto insert_voicemail = check(
      db.prepare("INSERT INTO voicemails (id, tenant_id, box, call_id, caller, called, "
                 "recorded_at, duration_ms, path) VALUES (?1, 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
      "prepare voicemails");
  auto insert_event = check(
      db.prepare("INSERT INTO call_events (call_id, seq, at, kind, target, detail, sip_status) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0)"),
      "prepare call_events");
  constexpr long kBatch = 50'000;
  std::int64_t media_id = 1;
  const auto start = std::chrono::steady_clock::now();
  for (long done = 0; done < o.calls;) {
    check(db.begin(), "begin");
    for (long n = 0; n < kBatch && done < o.calls; ++n, ++done) {
      const std::string id = g.id();
      const std::int64_t started = g.start_ms();
      const bool outbound = g.unit(g.rng) < 0.15;
      const int user = g.user(g.rng);
      const int number = g.number(g.rng);
      const std::string caller = outbound ? username(user) : customer(g.customers(g.rng));
      const std::string called = outbound ? customer(g.customers(g.rng)) : company_number(number);
      const double roll = g.unit(g.rng);
      insert_call.reset();
      insert_call.bind(1, id).bind(2, caller).bind(3, called).bind(4, started);
      std::int64_t ended = started + g.between(5'000, 40'000);
      if (roll < 0.70) {  // answered
        const std::int64_t answered = started + g.between(2'000, 25'000);
        ended = answered + g.between(20'000, 600'000);
        insert_call.bind(5, answered).bind(6, outbound ? called + "@trunk" : aor(user));
        insert_call.bind(7, ended);
        insert_call.bind(8, roll < 0.40 ? "answered: caller hung up" : "answered: callee hung up");
        insert_call.bind(9, std::int64_t{0}).bind(10, ended - answered);
        check(insert_call.run(), "insert call");
        if (roll < 0.23) {  // a third of the answered calls are recorded
          insert_recording.reset();
          insert_recording.bind(1, media_id++).bind(2, id).bind(3, answered);
          insert_recording.bind(4, ended - answered).bind(5, "recordings/" + id + ".wav");
          check(insert_recording.run(), "insert recording");
        }
      } else {
        const bool voicemail = roll >= 0.88 && roll < 0.97;
        const std::int64_t duration = g.between(3'000, 60'000);  // of a voicemail message
        if (voicemail) ended += duration;
        insert_call.bind_null(5).bind_null(6).bind(7, ended);
        std::string outcome = "missed: no answer";
        std::int64_t status = 408;
        if (roll < 0.80) {
          outcome = roll < 0.76 ? "missed: no answer" : "missed: busy";
          status = roll < 0.76 ? 408 : 486;
        } else if (roll < 0.88) {
          outcome = "abandoned: caller hung up while ringing";
          status = 487;
        } else if (roll < 0.97) {
          outcome = "voicemail: line" + std::to_string(number);
          status = 0;
        } else {
          outcome = "failed: no trunk to reach it";
          status = 503;
        }
        insert_call.bind(8, outcome).bind(9, status).bind(10, std::int64_t{0});
        check(insert_call.run(), "insert call");
        if (voicemail) {
          const std::string box = "line" + std::to_string(number);
          const std::int64_t at = ended + 200;  // the file is finished after the hang-up
          insert_event.reset();
          insert_event.bind(1, id).bind(2, std::int64_t{5}).bind(3, at);
          insert_event.bind(4, "voicemail_recorded").bind(5, box).bind(6, "voicemail/x.wav");
          check(insert_event.run(), "insert event");
          insert_voicemail.reset();
          insert_voicemail.bind(1, media_id++).bind(2, box).bind(3, id).bind(4, caller);
          insert_voicemail.bind(5, called).bind(6, at - duration).bind(7, duration);
          insert_voicemail.bind(8, "voicemail/" + box + "/" + id + ".wav");
          check(insert_voicemail.run(), "insert voicemail");
        }
      }
    }
    check(db.commit(), "commit");
    std::fprintf(stderr, "\r%ld calls (%.0f s)", done, since_ms(start) / 1000);
  }
  std::fprintf(stderr, "\n");
  check(db.execute("INSERT INTO call_hours (tenant_id, called, hour_start, total, missed) "
                   "SELECT tenant_id, called, (started_at / 3600000) * 3600, count(*), "
                   "sum(answered_at IS NULL) FROM calls GROUP BY 1, 2, 3"),
        "call_hours");
  // The writer's row for all numbers together (called = '').
  check(db.execute("INSERT INTO call_hours (tenant_id, called, hour_start, total, missed) "
                   "SELECT tenant_id, '', (started_at / 3600000) * 3600, count(*), "
                   "sum(answered_at IS NULL) FROM calls GROUP BY 1, 3"),
        "call_hours for all numbers");
  if (o.analyze) check(db.execute("ANALYZE"), "analyze");
  check(db.execute("PRAGMA wal_checkpoint(TRUNCATE)"), "checkpoint");
  std::printf("filled %ld calls in %.1f s; database %.0f MB\n", o.calls, since_ms(start) / 1000,
              static_cast<double>(std::filesystem::file_size(o.db)) / 1e6);
}

std::int64_t count(Database& db, const char* sql) {
  auto s = check(db.prepare(sql), sql);
  check(s.step(), sql);
  return s.column_int(0);
}

void print_plan(Database& db, const char* name, const CallFilter& f) {
  std::printf("plan %s:\n", name);
  for (const std::string& line : check(explain_list_calls(db, f), "explain"))
    std::printf("  %s\n", line.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  Generator g(o.seed);
  if (!o.reuse || !std::filesystem::exists(o.db)) {
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(o.db + suffix);
    Database db = check(Database::open(o.db), "open");
    check(migrate(db), "migrate");
    fill(db, o, g);
    std::printf("answered %.1f %%, recordings %lld, voicemails %lld, call_hours rows %lld\n",
                100.0 *
                    static_cast<double>(count(db,
                                              "SELECT count(*) FROM calls WHERE "
                                              "answered_at IS NOT NULL")) /
                    static_cast<double>(std::max(1L, o.calls)),
                static_cast<long long>(count(db, "SELECT count(*) FROM recordings")),
                static_cast<long long>(count(db, "SELECT count(*) FROM voicemails")),
                static_cast<long long>(count(db, "SELECT count(*) FROM call_hours")));
  }

  DatabaseOptions read_only;
  read_only.read_only = true;
  Database db = check(Database::open(o.db, read_only), "open read-only");

  const char* kKinds[] = {"none", "number", "user", "outcome", "range"};
  const char* kOutcomes[] = {"answered", "missed", "abandoned", "voicemail", "failed"};
  const auto make_filter = [&](int kind) {
    CallFilter f;
    f.tenant_id = 1;
    f.limit = 50;
    switch (kind) {
      case 1:
        f.number = company_number(g.number(g.rng));
        break;
      case 2:
        f.user_aor = aor(static_cast<int>(g.between(0, kUsers - 1)));
        break;
      case 3:
        f.outcome_prefix = kOutcomes[g.between(0, 4)];
        break;
      case 4: {
        const std::int64_t days = g.between(1, 30);
        f.from_ms = kYearStartMs + g.between(0, 365 - days) * kDayMs;
        f.to_ms = *f.from_ms + days * kDayMs;
        break;
      }
      default:
        break;
    }
    return f;
  };
  for (int kind = 0; kind < 5; ++kind)
    print_plan(db, kKinds[kind], make_filter(kind));

  std::map<std::string, Timings> lists;
  Timings all_lists;
  std::size_t rows = 0;
  for (int i = 0; i < o.queries; ++i) {
    const int kind = static_cast<int>(g.between(0, 4));
    CallFilter f = make_filter(kind);
    std::string name = kKinds[kind];
    if (g.unit(g.rng) < 0.25) {
      // A later page: the cursor of a page deeper in the list (the first page's last item,
      // followed a random number of times).
      auto first = check(list_calls(db, f), "list");
      const int depth = static_cast<int>(g.between(1, 20));
      for (int d = 0; d < depth && first.next; ++d) {
        f.after = first.next;
        first = check(list_calls(db, f), "list");
      }
      if (!first.next) continue;
      f.after = first.next;
      name += "+cursor";
    }
    const auto start = std::chrono::steady_clock::now();
    const CallPage page = check(list_calls(db, f), "list");
    const double ms = since_ms(start);
    rows += page.items.size();
    lists[name].add(ms);
    all_lists.add(ms);
  }

  // Worst cases: a filter that few or none of the rows its index yields pass, so the query
  // reads the whole index range (timed 20 times each, not in "all lists").
  struct Worst {
    const char* name;
    CallFilter filter;
  };
  std::vector<Worst> worst;
  {
    CallFilter f;
    f.tenant_id = 1;
    f.user_aor = aor(0);          // the user answering most
    f.outcome_prefix = "failed";  // none of theirs: answered calls are theirs
    worst.push_back({"user+failed", f});
    f = CallFilter{};
    f.tenant_id = 1;
    f.number = company_number(0);  // the busiest line
    f.outcome_prefix = "failed";
    worst.push_back({"number+failed", f});
    f = CallFilter{};
    f.tenant_id = 1;
    f.outcome_prefix = "failed";
    worst.push_back({"failed", f});
    f = CallFilter{};
    f.tenant_id = 1;
    f.user_aor = aor(0);
    f.from_ms = kYearStartMs;
    f.to_ms = kYearStartMs + 7 * kDayMs;
    f.outcome_prefix = "voicemail";
    worst.push_back({"user+week+voicemail", f});
  }
  std::map<std::string, Timings> worst_times;
  for (const Worst& w : worst) {
    for (int i = 0; i < 20; ++i) {
      const auto start = std::chrono::steady_clock::now();
      (void)check(list_calls(db, w.filter), "list");
      worst_times[w.name].add(since_ms(start));
    }
  }

  Timings heat;
  std::map<std::string, Timings> heat_kinds;
  std::int64_t heat_total = 0;
  for (int i = 0; i < o.heatmaps; ++i) {
    HeatmapQuery q;
    q.tenant_id = 1;
    q.from_ms = kYearStartMs;
    q.to_ms = kYearStartMs + 365 * kDayMs;
    q.time_zone = "Europe/Kyiv";
    if (i % 2 == 1) {
      for (std::int64_t n = g.between(1, 3); n > 0; --n)
        q.numbers.push_back(company_number(g.number(g.rng)));
    }
    const auto start = std::chrono::steady_clock::now();
    const Heatmap map = check(call_heatmap(db, q), "heatmap");
    const double ms = since_ms(start);
    heat.add(ms);
    heat_kinds[q.numbers.empty() ? "heatmap all" : "heatmap 1-3 nums"].add(ms);
    heat_total += map.total;
  }

  std::printf("\n%-18s %7s %9s %9s %9s\n", "list (limit 50)", "queries", "p50 ms", "p99 ms",
              "max ms");
  for (auto& [name, t] : lists) {
    std::printf("%-18s %7zu %9.2f %9.2f %9.2f\n", name.c_str(), t.ms.size(), t.percentile(0.5),
                t.percentile(0.99), t.percentile(1.0));
  }
  std::printf("%-18s %7zu %9.2f %9.2f %9.2f   (%zu rows returned)\n", "all lists",
              all_lists.ms.size(), all_lists.percentile(0.5), all_lists.percentile(0.99),
              all_lists.percentile(1.0), rows);
  std::printf("%-18s %7zu %9.2f %9.2f %9.2f   (a year, Europe/Kyiv; half of them 1-3 numbers)\n",
              "heatmap", heat.ms.size(), heat.percentile(0.5), heat.percentile(0.99),
              heat.percentile(1.0));
  for (auto& [name, t] : worst_times) {
    std::printf("worst %-12s %7zu %9.2f %9.2f %9.2f\n", name.c_str(), t.ms.size(),
                t.percentile(0.5), t.percentile(0.99), t.percentile(1.0));
  }
  for (auto& [name, t] : heat_kinds) {
    std::printf("%-18s %7zu %9.2f %9.2f %9.2f\n", name.c_str(), t.ms.size(), t.percentile(0.5),
                t.percentile(0.99), t.percentile(1.0));
  }
  const bool ok = all_lists.percentile(0.99) < 20 && heat.percentile(1.0) < 200;
  std::printf("targets: list p99 < 20 ms, heatmap < 200 ms: %s\n", ok ? "met" : "MISSED");
  if (heat_total == 0) std::printf("warning: the heatmaps counted nothing\n");
  if (!o.keep) {
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(o.db + suffix);
  }
  return ok ? 0 : 1;
}
