#include "store/call_query.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "store/call_record_writer.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "temp_dir.hpp"

namespace dzvin::store {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kT0 = 1'800'000'000'000;  // unix ms
constexpr std::int64_t kHour = 3'600'000;

struct Row {
  std::string id;
  std::int64_t tenant = 1;
  std::string caller = "+380441110000";
  std::string called = "500";
  std::int64_t started_at = kT0;
  std::optional<std::int64_t> answered_at = std::nullopt;
  std::string answered_by = {};
  std::optional<std::string> outcome = "missed: no answer";
};

class CallQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path = dir.file("dzvin.db");
    auto opened = Database::open(path);
    ASSERT_TRUE(opened);
    db = std::move(*opened);
    ASSERT_TRUE(migrate(db));
  }

  void insert(const Row& r) {
    auto s = db.prepare(
        "INSERT INTO calls (id, tenant_id, caller, called, started_at, answered_at, answered_by, "
        "ended_at, outcome, sip_status, talk_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, "
        "?10)");
    ASSERT_TRUE(s);
    s->bind(1, r.id).bind(2, r.tenant).bind(3, r.caller).bind(4, r.called).bind(5, r.started_at);
    if (r.answered_at) {
      s->bind(6, *r.answered_at).bind(7, r.answered_by);
    } else {
      s->bind_null(6).bind_null(7);
    }
    if (r.outcome) {
      s->bind(8, r.started_at + 60'000).bind(9, *r.outcome);
    } else {
      s->bind_null(8).bind_null(9);
    }
    s->bind(10, r.answered_at ? r.started_at + 60'000 - *r.answered_at : 0);
    ASSERT_TRUE(s->run());
  }

  void answered(std::string id, std::string by, std::int64_t at,
                std::string caller = "+380441110000", std::string called = "500") {
    Row r;
    r.id = std::move(id);
    r.started_at = at;
    r.caller = std::move(caller);
    r.called = std::move(called);
    r.answered_at = at + 5000;
    r.answered_by = std::move(by);
    r.outcome = "answered: caller hung up";
    insert(r);
  }

  void execute(const std::string& sql) { ASSERT_TRUE(db.execute(sql)); }

  std::vector<std::string> ids(const CallFilter& filter) {
    auto page = list_calls(db, filter);
    EXPECT_TRUE(page) << (page ? "" : page.error().message);
    std::vector<std::string> out;
    if (page) {
      for (const CallItem& c : page->items)
        out.push_back(c.id);
    }
    return out;
  }

  CallFilter tenant1() {
    CallFilter f;
    f.tenant_id = 1;
    return f;
  }

  testing::TempDir dir;
  std::string path;
  Database db;
};

using Ids = std::vector<std::string>;

TEST_F(CallQueryTest, ListsNewestFirstWithAllFields) {
  answered("a", "1002@pbx.test", kT0);
  insert(Row{.id = "b", .started_at = kT0 + 1000});
  insert(Row{.id = "up", .started_at = kT0 + 2000, .outcome = std::nullopt});
  auto page = list_calls(db, tenant1());
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->items.size(), 3u);
  EXPECT_FALSE(page->next);
  EXPECT_EQ(page->items[0].id, "up");
  EXPECT_EQ(page->items[0].outcome, "");
  EXPECT_FALSE(page->items[0].ended_at_ms);
  const CallItem& a = page->items[2];
  EXPECT_EQ(a.id, "a");
  EXPECT_EQ(a.caller, "+380441110000");
  EXPECT_EQ(a.called, "500");
  EXPECT_EQ(a.started_at_ms, kT0);
  EXPECT_EQ(a.answered_at_ms, kT0 + 5000);
  EXPECT_EQ(a.answered_by, "1002@pbx.test");
  EXPECT_EQ(a.ended_at_ms, kT0 + 60'000);
  EXPECT_EQ(a.talk_ms, 55'000);
  EXPECT_FALSE(a.has_recording());
  EXPECT_FALSE(a.voicemail_id);
}

TEST_F(CallQueryTest, NumberMatchesCallerOrCalled) {
  insert(Row{.id = "in", .caller = "+380501234567", .called = "500", .started_at = kT0});
  insert(Row{.id = "out", .caller = "1002", .called = "+380501234567", .started_at = kT0 + 1});
  insert(Row{.id = "other", .caller = "+380509999999", .called = "500", .started_at = kT0 + 2});
  insert(Row{
      .id = "self", .caller = "+380501234567", .called = "+380501234567", .started_at = kT0 + 3});
  CallFilter f = tenant1();
  f.number = "+380501234567";
  EXPECT_EQ(ids(f), (Ids{"self", "out", "in"}));  // "self" matches both ways, listed once
  f.number = "500";
  EXPECT_EQ(ids(f), (Ids{"other", "in"}));
  f.number = "+380000000000";
  EXPECT_EQ(ids(f), Ids{});
}

TEST_F(CallQueryTest, UserMeansAnsweredByTheAorOrMadeFromTheExtension) {
  answered("took", "1002@pbx.test", kT0);
  answered("colleague", "1003@pbx.test", kT0 + 1);
  insert(Row{.id = "made", .caller = "1002", .called = "+380501234567", .started_at = kT0 + 2});
  insert(Row{.id = "missed", .caller = "+380501234567", .called = "1002", .started_at = kT0 + 3});
  CallFilter f = tenant1();
  f.user_aor = "1002@pbx.test";
  EXPECT_EQ(ids(f), (Ids{"made", "took"}));
  // A manager filtering by number still sees only their own calls.
  f.number = "+380501234567";
  EXPECT_EQ(ids(f), (Ids{"made"}));
}

TEST_F(CallQueryTest, OutcomeMatchesTheFirstWord) {
  answered("ans", "1002@pbx.test", kT0);
  insert(Row{.id = "busy", .started_at = kT0 + 1, .outcome = "missed: busy"});
  insert(Row{.id = "bare", .started_at = kT0 + 2, .outcome = "missed"});
  insert(Row{.id = "vm", .started_at = kT0 + 3, .outcome = "voicemail: sales"});
  insert(Row{.id = "odd", .started_at = kT0 + 4, .outcome = "missedness"});
  insert(Row{.id = "up", .started_at = kT0 + 5, .outcome = std::nullopt});
  CallFilter f = tenant1();
  f.outcome_prefix = "missed";
  EXPECT_EQ(ids(f), (Ids{"bare", "busy"}));
  f.outcome_prefix = "voicemail";
  EXPECT_EQ(ids(f), (Ids{"vm"}));
  f.outcome_prefix = "answered";
  EXPECT_EQ(ids(f), (Ids{"ans"}));
}

TEST_F(CallQueryTest, DateRangeIncludesFromAndExcludesTo) {
  for (int i = 0; i < 5; ++i)
    insert(Row{.id = "c" + std::to_string(i), .started_at = kT0 + i * kHour});
  CallFilter f = tenant1();
  f.from_ms = kT0 + kHour;
  f.to_ms = kT0 + 3 * kHour;
  EXPECT_EQ(ids(f), (Ids{"c2", "c1"}));
  f.to_ms.reset();
  EXPECT_EQ(ids(f), (Ids{"c4", "c3", "c2", "c1"}));
}

TEST_F(CallQueryTest, TenantsNeverSeeEachOther) {
  answered("mine", "1002@pbx.test", kT0);
  insert(Row{.id = "theirs", .tenant = 2, .caller = "+380441110000", .started_at = kT0 + 1});
  CallFilter f = tenant1();
  EXPECT_EQ(ids(f), (Ids{"mine"}));
  f.number = "+380441110000";
  EXPECT_EQ(ids(f), (Ids{"mine"}));
  f.tenant_id = 2;
  EXPECT_EQ(ids(f), (Ids{"theirs"}));
  EXPECT_EQ(get_call(db, 1, "theirs").error().code, kNotFound);
  EXPECT_TRUE(get_call(db, 2, "theirs"));
  HeatmapQuery none;
  EXPECT_FALSE(list_calls(db, CallFilter{}));  // no tenant
}

// Pages of every filter shape, concatenated, are exactly the full list: nothing repeated,
// nothing skipped, even with many calls starting in the same millisecond.
TEST_F(CallQueryTest, KeysetPagesNeitherRepeatNorSkip) {
  for (int i = 0; i < 137; ++i) {
    Row r;
    r.id = "k" + std::to_string(1000 + (i * 37) % 137);  // ids not in start order
    r.started_at = kT0 + (i / 7) * 1000;                 // 7 calls per millisecond value
    r.caller = i % 3 == 0 ? "1002" : "+38050000000" + std::to_string(i % 4);
    r.called = i % 2 == 0 ? "500" : "501";
    if (i % 5 == 0) {
      r.answered_at = r.started_at + 1;
      r.answered_by = "1002@pbx.test";
      r.outcome = "answered: callee hung up";
    }
    insert(r);
  }
  for (const auto& [number, user] : {std::pair<std::string, std::string>{"", ""},
                                     {"500", ""},
                                     {"", "1002@pbx.test"},
                                     {"501", "1002@pbx.test"}}) {
    CallFilter all = tenant1();
    all.number = number;
    all.user_aor = user;
    all.limit = kMaxCallPageSize;
    const Ids expected = ids(all);
    ASSERT_FALSE(expected.empty());
    for (const std::size_t size : {1u, 7u, 10u, 50u}) {
      CallFilter f = all;
      f.limit = size;
      Ids seen;
      for (int pages = 0; pages < 200; ++pages) {
        auto page = list_calls(db, f);
        ASSERT_TRUE(page) << page.error().message;
        EXPECT_LE(page->items.size(), size);
        for (const CallItem& c : page->items)
          seen.push_back(c.id);
        if (!page->next) break;
        EXPECT_EQ(page->next->id, page->items.back().id);
        f.after = page->next;
      }
      EXPECT_EQ(seen, expected) << "number=" << number << " user=" << user << " size=" << size;
    }
  }
}

TEST_F(CallQueryTest, TheLastFullPageSaysThereIsNoMore) {
  for (int i = 0; i < 4; ++i)
    insert(Row{.id = "c" + std::to_string(i), .started_at = kT0 + i});
  CallFilter f = tenant1();
  f.limit = 2;
  auto first = list_calls(db, f);
  ASSERT_TRUE(first);
  ASSERT_TRUE(first->next);
  f.after = first->next;
  auto second = list_calls(db, f);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->items.size(), 2u);
  EXPECT_FALSE(second->next);
}

TEST_F(CallQueryTest, RefusesALimitOutsideOneToFiveHundred) {
  CallFilter f = tenant1();
  f.limit = 0;
  EXPECT_EQ(list_calls(db, f).error().code, kInvalid);
  f.limit = 501;
  EXPECT_EQ(list_calls(db, f).error().code, kInvalid);
}

TEST_F(CallQueryTest, GetCallHasTheTimelineAndItsMedia) {
  answered("c1", "1002@pbx.test", kT0);
  execute(
      "INSERT INTO call_events (call_id, seq, at, kind, target, detail, sip_status) VALUES "
      "('c1', 0, 1800000000000, 'started', '', 'duty', 0), "
      "('c1', 1, 1800000000100, 'ringing', '1002@pbx.test', '', 0), "
      "('c1', 2, 1800000005000, 'answered', '1002@pbx.test', '', 0), "
      "('c1', 3, 1800000060000, 'ended', '', 'answered: caller hung up', 0)");
  execute(
      "INSERT INTO recordings (id, tenant_id, call_id, started_at, duration_ms, channels, path, "
      "state) VALUES (77, 1, 'c1', 1800000005000, 55000, 2, 'recordings/77.wav', 'complete')");
  insert(Row{.id = "vm", .started_at = kT0 + kHour, .outcome = "voicemail: sales"});
  execute(
      "INSERT INTO call_events (call_id, seq, at, kind, target, detail, sip_status) VALUES "
      "('vm', 0, 1800003600000, 'started', '', '', 0), "
      "('vm', 1, 1800003640000, 'ended', '', 'voicemail: sales', 0), "
      "('vm', 2, 1800003641000, 'voicemail_recorded', 'sales', 'voicemail/sales/x.wav', 0)");
  // Another message in the same box, of another call, and a deleted one of this call.
  execute(
      "INSERT INTO voicemails (id, tenant_id, box, call_id, caller, called, recorded_at, "
      "duration_ms, path, deleted_at) VALUES "
      "(41, 1, 'sales', 'other', 'x', '500', 1800003620000, 1000, 'voicemail/sales/o.wav', NULL), "
      "(42, 1, 'sales', 'vm', 'x', '500', 1800003621000, 20000, 'voicemail/sales/x.wav', NULL)");
  insert(Row{.id = "gone", .started_at = kT0 + 2 * kHour, .outcome = "voicemail: sales"});
  execute(
      "INSERT INTO call_events (call_id, seq, at, kind, target, detail, sip_status) VALUES "
      "('gone', 2, 1800007241000, 'voicemail_recorded', 'sales', 'voicemail/sales/g.wav', 0)");
  execute(
      "INSERT INTO voicemails (id, tenant_id, box, call_id, caller, called, recorded_at, "
      "duration_ms, path, deleted_at) VALUES "
      "(43, 1, 'sales', 'gone', 'x', '500', 1800007221000, 20000, 'g.wav', 1800009000000)");

  auto call = get_call(db, 1, "c1");
  ASSERT_TRUE(call) << call.error().message;
  EXPECT_EQ(call->recording_id, 77);
  EXPECT_TRUE(call->has_recording());
  EXPECT_FALSE(call->voicemail_id);
  ASSERT_EQ(call->timeline.size(), 4u);
  EXPECT_EQ(call->timeline[1].kind, "ringing");
  EXPECT_EQ(call->timeline[1].target, "1002@pbx.test");
  EXPECT_EQ(call->timeline[3].detail, "answered: caller hung up");

  auto page = list_calls(db, tenant1());
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 3u);
  EXPECT_FALSE(page->items[0].voicemail_id);  // deleted
  EXPECT_EQ(page->items[1].voicemail_id, 42);
  EXPECT_FALSE(page->items[1].has_recording());
  EXPECT_EQ(page->items[2].recording_id, 77);
  EXPECT_TRUE(page->items[2].timeline.empty());  // listings carry no timeline
}

TEST_F(CallQueryTest, GetCallForAUserOnlyFindsTheirOwn) {
  answered("took", "1002@pbx.test", kT0);
  insert(Row{.id = "made", .caller = "1002", .started_at = kT0 + 1});
  answered("colleague", "1003@pbx.test", kT0 + 2);
  EXPECT_TRUE(get_call(db, 1, "took", "1002@pbx.test"));
  EXPECT_TRUE(get_call(db, 1, "made", "1002@pbx.test"));
  EXPECT_EQ(get_call(db, 1, "colleague", "1002@pbx.test").error().code, kNotFound);
  EXPECT_TRUE(get_call(db, 1, "colleague"));
  EXPECT_EQ(get_call(db, 1, "nope").error().code, kNotFound);
}

// No filter reads `calls` from end to end: each branch searches an index.
TEST_F(CallQueryTest, EveryFilterSearchesAnIndex) {
  struct Case {
    std::string name;
    CallFilter filter;
    std::vector<std::string> indexes;
  };
  CallFilter none = tenant1();
  CallFilter number = none;
  number.number = "+380501234567";
  CallFilter user = none;
  user.user_aor = "1002@pbx.test";
  CallFilter range = none;
  range.from_ms = kT0;
  range.to_ms = kT0 + kHour;
  CallFilter outcome = none;
  outcome.outcome_prefix = "missed";
  CallFilter paged = number;
  paged.after = CallCursor{kT0, "x"};
  paged.user_aor = "1002@pbx.test";
  paged.outcome_prefix = "answered";
  paged.from_ms = kT0 - kHour;
  CallFilter user_paged = user;
  user_paged.after = CallCursor{kT0, "x"};
  const std::vector<Case> cases = {
      {"none", none, {"calls_tenant_started"}},
      {"number", number, {"calls_tenant_caller", "calls_tenant_called"}},
      {"user", user, {"calls_tenant_answered_by", "calls_tenant_caller"}},
      {"range", range, {"calls_tenant_started"}},
      {"outcome", outcome, {"calls_tenant_started"}},
      {"number+user+outcome+cursor", paged, {"calls_tenant_caller", "calls_tenant_called"}},
      {"user+cursor", user_paged, {"calls_tenant_answered_by", "calls_tenant_caller"}},
  };
  for (const Case& c : cases) {
    auto plan = explain_list_calls(db, c.filter);
    ASSERT_TRUE(plan) << plan.error().message;
    std::string text;
    for (const std::string& line : *plan)
      text += line + "\n";
    for (const std::string& line : *plan) {
      EXPECT_EQ(line.find("SCAN calls"), std::string::npos) << c.name << ":\n" << text;
      EXPECT_EQ(line.find("SCAN voicemails"), std::string::npos) << c.name << ":\n" << text;
      EXPECT_EQ(line.find("SCAN v"), std::string::npos) << c.name << ":\n" << text;
      EXPECT_EQ(line.find("SCAN r"), std::string::npos) << c.name << ":\n" << text;
    }
    for (const std::string& index : c.indexes) {
      EXPECT_NE(text.find("SEARCH calls USING INDEX " + index + " (tenant_id=?"), std::string::npos)
          << c.name << " should use " << index << ":\n"
          << text;
    }
  }
}

// ---- heatmap ----

class HeatmapTest : public CallQueryTest {
 protected:
  // Counts calls to `called` in an hour, and in the row for all numbers (called = ''), as the
  // writer does.
  void hour(std::string called, std::int64_t hour_start, int total, int missed,
            std::int64_t tenant = 1) {
    auto s = db.prepare(
        "INSERT INTO call_hours (tenant_id, called, hour_start, total, missed) VALUES (?1, ?2, "
        "?3, ?4, ?5) ON CONFLICT (tenant_id, called, hour_start) DO UPDATE SET total = total + "
        "excluded.total, missed = missed + excluded.missed");
    ASSERT_TRUE(s);
    for (const std::string& key : {called, std::string()}) {
      s->reset();
      s->bind(1, tenant).bind(2, key).bind(3, hour_start).bind(4, std::int64_t{total});
      s->bind(5, std::int64_t{missed});
      ASSERT_TRUE(s->run());
    }
  }
  Heatmap heatmap(HeatmapQuery q) {
    auto map = call_heatmap(db, q);
    EXPECT_TRUE(map) << (map ? "" : map.error().message);
    return map ? *map : Heatmap{};
  }
  static HeatmapQuery query(std::string zone) {
    HeatmapQuery q;
    q.tenant_id = 1;
    q.from_ms = 1'798'761'600'000;  // 2027-01-01
    q.to_ms = 1'830'297'600'000;    // 2028-01-01
    q.time_zone = std::move(zone);
    return q;
  }
  enum Day { mon, tue, wed, thu, fri, sat, sun };
};

// Europe/Kyiv: +02:00 in winter, +03:00 from 2027-03-28 01:00 UTC to 2027-10-31 01:00 UTC.
TEST_F(HeatmapTest, KyivAcrossBothDaylightSavingChanges) {
  hour("500", 1806141600, 3, 1);  // 2027-03-27 10:00Z = Saturday 12:00 (+02)
  hour("500", 1806192000, 2, 2);  // 2027-03-28 00:00Z = Sunday 02:00 (+02)
  hour("500", 1806195600, 5, 0);  // 2027-03-28 01:00Z = Sunday 04:00 (+03): 03:00 never was
  hour("500", 1806314400, 7, 3);  // 2027-03-29 10:00Z = Monday 13:00 (+03)
  hour("500", 1824940800, 1, 0);  // 2027-10-31 00:00Z = Sunday 03:00 (+03)
  hour("501", 1824944400, 4, 1);  // 2027-10-31 01:00Z = Sunday 03:00 again (+02)
  hour("500", 1824930000, 6, 6);  // 2027-10-30 21:00Z = Sunday 00:00 (+03)
  const Heatmap map = heatmap(query("Europe/Kyiv"));
  EXPECT_EQ(map.cells[sat][12].total, 3);
  EXPECT_EQ(map.cells[sat][12].missed, 1);
  EXPECT_EQ(map.cells[sun][2].total, 2);
  EXPECT_EQ(map.cells[sun][4].total, 5);
  EXPECT_EQ(map.cells[mon][13].total, 7);
  EXPECT_EQ(map.cells[mon][13].missed, 3);
  EXPECT_EQ(map.cells[sun][3].total, 5);  // the repeated hour holds both UTC hours
  EXPECT_EQ(map.cells[sun][3].missed, 1);
  EXPECT_EQ(map.cells[sun][0].total, 6);
  EXPECT_EQ(map.total, 28);
  EXPECT_EQ(map.missed, 13);
  std::int64_t sum = 0;
  for (const auto& day : map.cells)
    for (const HeatmapCell& cell : day)
      sum += cell.total;
  EXPECT_EQ(sum, 28);

  const Heatmap utc = heatmap(query("UTC"));
  EXPECT_EQ(utc.cells[sat][10].total, 3);
  EXPECT_EQ(utc.cells[sun][1].total, 5 + 4);  // 2027-03-28 01:00Z and 2027-10-31 01:00Z
  EXPECT_EQ(utc.cells[sat][21].total, 6);
}

TEST_F(HeatmapTest, NumbersRangeAndTenantNarrowIt) {
  hour("500", 1806141600, 3, 1);
  hour("501", 1806141600, 4, 0);
  hour("502", 1806141600, 5, 5);
  hour("500", 1806141600 + 3600, 1, 0);
  hour("500", 1806141600, 100, 100, 2);  // another tenant
  HeatmapQuery q = query("UTC");
  q.numbers = {"500", "502"};
  Heatmap map = heatmap(q);
  EXPECT_EQ(map.cells[sat][10].total, 8);
  EXPECT_EQ(map.cells[sat][11].total, 1);
  EXPECT_EQ(map.total, 9);
  EXPECT_EQ(map.missed, 6);
  // Hours that start in [from, to): 10:00 in, 11:00 out.
  q.numbers.clear();
  q.from_ms = 1806141600'000;
  q.to_ms = 1806141600'000 + kHour;
  map = heatmap(q);
  EXPECT_EQ(map.total, 12);
  q.from_ms += 1;
  q.to_ms += 1;
  EXPECT_EQ(heatmap(q).total, 1);
}

TEST_F(HeatmapTest, HalfHourZonesPlaceAnHourWhereItStarts) {
  hour("500", 1806141600, 2, 0);  // 2027-03-27 10:00Z = 15:30 in Asia/Kolkata (+05:30)
  const Heatmap map = heatmap(query("Asia/Kolkata"));
  EXPECT_EQ(map.cells[sat][15].total, 2);
}

TEST_F(HeatmapTest, RefusesUnknownZonesAndBadRanges) {
  for (const std::string zone : {"Europe/Atlantis", "", "../../etc/passwd", "/etc/localtime"}) {
    auto map = call_heatmap(db, query(zone));
    ASSERT_FALSE(map) << zone;
    EXPECT_EQ(map.error().code, kInvalid);
    EXPECT_NE(map.error().message.find("time zone"), std::string::npos);
  }
  HeatmapQuery q = query("UTC");
  q.to_ms = q.from_ms;
  EXPECT_EQ(call_heatmap(db, q).error().code, kInvalid);
  q.to_ms = q.from_ms + kMaxHeatmapRangeMs + 1;
  EXPECT_EQ(call_heatmap(db, q).error().code, kInvalid);
  q = query("UTC");
  q.numbers = {"500", ""};  // "" is the writer's row for all numbers, not a number
  EXPECT_EQ(call_heatmap(db, q).error().code, kInvalid);
}

// ---- call_hours kept by the writer ----

class CallHoursWriterTest : public CallQueryTest {
 protected:
  pbx::CallEvent event(std::string uid, std::uint32_t seq, pbx::CallEventKind kind, WallTime at,
                       std::string called = "500", std::string target = {},
                       std::string detail = {}) {
    pbx::CallEvent e;
    e.kind = kind;
    e.call_uid = std::move(uid);
    e.seq = seq;
    e.tenant_id = 1;
    e.at = at;
    e.caller = "+380501234567";
    e.called = std::move(called);
    e.target = std::move(target);
    e.detail = std::move(detail);
    return e;
  }
  std::vector<std::tuple<std::string, std::int64_t, std::int64_t, std::int64_t>> hours() {
    auto s = db.prepare(
        "SELECT called, hour_start, total, missed FROM call_hours ORDER BY called, hour_start");
    EXPECT_TRUE(s);
    std::vector<std::tuple<std::string, std::int64_t, std::int64_t, std::int64_t>> out;
    while (s && *s->step())
      out.emplace_back(s->column_text(0), s->column_int(1), s->column_int(2), s->column_int(3));
    return out;
  }
};

TEST_F(CallHoursWriterTest, EndedCallsCountInTheHourTheyStarted) {
  using pbx::CallEventKind;
  const WallTime t0{std::chrono::seconds{1'800'000'000}};  // 2027-01-15 08:00:00Z
  const std::int64_t hour0 = 1'800'000'000;                // a multiple of 3600
  auto writer = CallRecordWriter::open(path);
  ASSERT_TRUE(writer) << writer.error().message;
  CallRecordWriter& w = **writer;
  // Answered, ending in the next hour: counted in its start hour.
  w.on_call_event(event("a", 0, CallEventKind::started, t0 + 59min));
  w.on_call_event(event("a", 1, CallEventKind::answered, t0 + 59min + 5s, "500", "1002@x"));
  w.on_call_event(event("a", 2, CallEventKind::ended, t0 + 62min, "500", {}, "answered: x"));
  // Missed in the same hour.
  w.on_call_event(event("b", 0, CallEventKind::started, t0 + 10min));
  w.on_call_event(event("b", 1, CallEventKind::ended, t0 + 11min, "500", {}, "missed: busy"));
  // Voicemail: nobody answered, so missed.
  w.on_call_event(event("c", 0, CallEventKind::started, t0 + 20min, "501"));
  w.on_call_event(event("c", 1, CallEventKind::ended, t0 + 21min, "501", {}, "voicemail: s"));
  // The next hour; and a call still up is not counted.
  w.on_call_event(event("d", 0, CallEventKind::started, t0 + 61min));
  w.on_call_event(event("d", 1, CallEventKind::ended, t0 + 63min, "500", {}, "abandoned: x"));
  w.on_call_event(event("e", 0, CallEventKind::started, t0 + 61min));
  w.stop();
  using H = std::tuple<std::string, std::int64_t, std::int64_t, std::int64_t>;
  EXPECT_EQ(hours(), (std::vector<H>{{"", hour0, 3, 2},  // all numbers
                                     {"", hour0 + 3600, 1, 1},
                                     {"500", hour0, 2, 1},
                                     {"500", hour0 + 3600, 1, 1},
                                     {"501", hour0, 1, 1}}));
}

TEST_F(CallHoursWriterTest, ARepeatedEndIsCountedOnce) {
  using pbx::CallEventKind;
  const WallTime t0{std::chrono::seconds{1'800'000'000}};
  {
    auto writer = CallRecordWriter::open(path);
    ASSERT_TRUE(writer);
    (*writer)->on_call_event(event("a", 0, CallEventKind::started, t0));
    (*writer)->on_call_event(event("a", 1, CallEventKind::ended, t0 + 1s, "500", {}, "missed"));
    (*writer)->on_call_event(event("a", 1, CallEventKind::ended, t0 + 1s, "500", {}, "missed"));
    (*writer)->stop();
  }
  // An `ended` for a call whose start was never stored counts nothing either.
  {
    auto writer = CallRecordWriter::open(path);
    ASSERT_TRUE(writer);
    (*writer)->on_call_event(event("ghost", 1, CallEventKind::ended, t0, "500", {}, "missed"));
    (*writer)->stop();
  }
  using H = std::tuple<std::string, std::int64_t, std::int64_t, std::int64_t>;
  EXPECT_EQ(hours(), (std::vector<H>{{"", 1'800'000'000, 1, 1}, {"500", 1'800'000'000, 1, 1}}));

  HeatmapQuery q;
  q.tenant_id = 1;
  q.from_ms = 1'799'000'000'000;
  q.to_ms = 1'801'000'000'000;
  q.time_zone = "Europe/Kyiv";
  auto map = call_heatmap(db, q);
  ASSERT_TRUE(map) << map.error().message;
  EXPECT_EQ(map->cells[4][10].total, 1);  // Friday 2027-01-15 10:00 in Kyiv (+02)
}

}  // namespace
}  // namespace dzvin::store
