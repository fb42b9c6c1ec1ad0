// caller_card_load: the caller-card lookup (crm::caller_card: the contact of a number, its
// deals, the number's last calls and open task) against a company with N contacts. Fills a
// fresh database (migrated as in production) with N contacts of 1-3 numbers each, a deal for
// every third contact, 200,000 calls from a fifth of the numbers and 5,000 open call-back
// tasks; then looks up random numbers — 80 % known, 20 % never seen — on a connection of its
// own like the HTTP routes', and prints p50 / p99 / max in ms. Then the contact search by name
// (ContactStore::list, the contacts page's search box: a whole-table scan whatever the index)
// for a few kinds of query, `--searches` times each. Half of the names are Latin ("Contact
// 17"), half Cyrillic ("Контакт 18").
//
//   caller_card_load [--contacts 1000000] [--lookups 20000] [--searches 20]
//                    [--db /tmp/dzvin-caller-card.db]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "crm/caller_card.hpp"
#include "crm/contact_store.hpp"
#include "crm/task_store.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"

using namespace dzvin;

namespace {

std::string number_of(std::int64_t i) {
  // +38067xxxxxxx: 9 national digits, unique per i below 10^7 · 10.
  char text[20];
  std::snprintf(text, sizeof text, "+38067%07lld", static_cast<long long>(i % 10'000'000));
  return text;
}

void die(const std::string& what) {
  std::fprintf(stderr, "caller_card_load: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T need(Result<T> r, const char* what) {
  if (!r) die(std::string(what) + ": " + r.error().message);
  return std::move(*r);
}

void need(Result<void> r, const char* what) {
  if (!r) die(std::string(what) + ": " + r.error().message);
}

}  // namespace

int main(int argc, char** argv) {
  std::int64_t contacts = 1'000'000;
  std::size_t lookups = 20'000;
  std::size_t searches = 20;
  std::string path = "/tmp/dzvin-caller-card.db";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    if (key == "--contacts")
      contacts = std::atoll(argv[i + 1]);
    else if (key == "--lookups")
      lookups = static_cast<std::size_t>(std::atoll(argv[i + 1]));
    else if (key == "--searches")
      searches = static_cast<std::size_t>(std::atoll(argv[i + 1]));
    else if (key == "--db")
      path = argv[i + 1];
    else
      die("unknown option " + key);
  }
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  auto db = need(store::Database::open(path), "open");
  need(store::migrate(db), "migrate");
  need(db.execute("INSERT INTO tenants (id, name, sip_domain, created_at) VALUES "
                  "(1, 'Bench', 'bench.test', 1);"
                  "INSERT INTO users (id, tenant_id, username, display_name, ha1_md5, "
                  "ha1_sha256, created_at) VALUES (1, 1, '1001', 'Head', 'x', 'y', 1), "
                  "(2, 1, '1002', 'Anna', 'x', 'y', 1), (3, 1, '1003', 'Bob', 'x', 'y', 1)"),
       "seed");

  // Rows written directly (the store's own statements, one transaction per 50,000): the
  // lookup is what is measured, not the import.
  const auto fill_start = std::chrono::steady_clock::now();
  std::mt19937_64 random(1);
  std::int64_t numbers = 0;
  {
    auto contact = need(db.prepare("INSERT INTO contacts (id, tenant_id, name, owner, created_at, "
                                   "updated_at) VALUES (?1, 1, ?2, ?3, 1, 1)"),
                        "prepare");
    auto phone = need(db.prepare("INSERT INTO contact_phones (tenant_id, number, contact_id, "
                                 "label) VALUES (1, ?1, ?2, '')"),
                      "prepare");
    auto deal = need(db.prepare("INSERT INTO deals (tenant_id, contact_id, title, owner, "
                                "created_at, updated_at) VALUES (1, ?1, 'Deal', ?2, 1, 1)"),
                     "prepare");
    need(db.begin(), "begin");
    for (std::int64_t c = 1; c <= contacts; ++c) {
      contact.bind(1, c)
          .bind(2, (c % 2 ? "Contact " : "Контакт ") + std::to_string(c))
          .bind(3, c % 2 ? "1002" : "1003");
      need(contact.run(), "contact");
      contact.reset();
      const int count = 1 + static_cast<int>(random() % 3);
      for (int k = 0; k < count; ++k) {
        phone.bind(1, number_of(numbers++)).bind(2, c);
        need(phone.run(), "phone");
        phone.reset();
      }
      if (c % 3 == 0) {
        deal.bind(1, c).bind(2, "1002");
        need(deal.run(), "deal");
        deal.reset();
      }
      if (c % 50'000 == 0) {
        need(db.commit(), "commit");
        need(db.begin(), "begin");
      }
    }
    need(db.commit(), "commit");
  }
  {
    auto call = need(db.prepare("INSERT INTO calls (id, tenant_id, caller, called, started_at, "
                                "outcome) VALUES (?1, 1, ?2, '+380441110000', ?3, 'answered')"),
                     "prepare");
    need(db.begin(), "begin");
    for (std::int64_t i = 0; i < 200'000; ++i) {
      call.bind(1, "call-" + std::to_string(i))
          .bind(2, number_of(static_cast<std::int64_t>(random() %
                                                       std::max<std::int64_t>(1, numbers / 5))))
          .bind(3, 1'800'000'000'000 + i * 60'000);
      need(call.run(), "call");
      call.reset();
    }
    auto task = need(db.prepare("INSERT INTO tasks (tenant_id, kind, number, assignee, "
                                "assigned_by, title, due_at, state, created_at, updated_at) "
                                "VALUES (1, 'call_back', ?1, '1002', 'head', 'Call back', 1, "
                                "'open', 1, 1)"),
                     "prepare");
    for (std::int64_t i = 0; i < 5'000; ++i) {
      task.bind(1, number_of(i * 7));
      need(task.run(), "task");
      task.reset();
    }
    need(db.commit(), "commit");
  }
  need(db.execute("ANALYZE"), "analyze");
  const double fill_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - fill_start).count();

  auto reader = need(store::Database::open(path), "open reader");
  SystemClock clock;
  crm::ContactStore contact_store(reader, clock);
  crm::TaskStore task_store(reader, clock);
  std::vector<double> known_ms;
  std::vector<double> unknown_ms;
  std::size_t found = 0;
  for (std::size_t i = 0; i < lookups; ++i) {
    const bool known = random() % 5 != 0;
    const std::string number =
        known ? number_of(static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(numbers)))
              : "+38050" + std::to_string(1'000'000 + random() % 8'999'999);
    const auto start = std::chrono::steady_clock::now();
    auto card = crm::caller_card(reader, contact_store, task_store, 1, number);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!card) die("lookup " + number + ": " + card.error().message);
    if (card->contact) ++found;
    (known ? known_ms : unknown_ms).push_back(ms);
  }
  const auto report = [](const char* name, std::vector<double>& v) {
    if (v.empty()) return;
    std::sort(v.begin(), v.end());
    const auto at = [&](double p) {
      return v[std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()))];
    };
    std::printf("%-16s %8zu %9.3f %9.3f %9.3f\n", name, v.size(), at(0.5), at(0.99), v.back());
  };
  std::printf("filled %lld contacts, %lld numbers, 200000 calls, 5000 tasks in %.1f s\n",
              static_cast<long long>(contacts), static_cast<long long>(numbers), fill_s);
  std::printf("%-16s %8s %9s %9s %9s\n", "caller card", "lookups", "p50 ms", "p99 ms", "max ms");
  report("known number", known_ms);
  report("unknown number", unknown_ms);
  std::printf("contacts found: %zu; target p99 < 5 ms: %s\n", found,
              known_ms.back() >= 0 &&
                      known_ms[static_cast<std::size_t>(0.99 * known_ms.size())] < 5 &&
                      unknown_ms[static_cast<std::size_t>(0.99 * unknown_ms.size())] < 5
                  ? "met"
                  : "NOT met");

  // The search box: a page of 50 and the total, as GET /api/v1/contacts?q= asks.
  struct SearchKind {
    const char* name;
    const char* query;
    bool numbered;  // a random number below the number of contacts follows the query
  };
  const SearchKind kinds[] = {
      {"latin, few", "ontact ", true},     // a handful of Latin names
      {"cyrillic, few", "онтакт ", true},  // the same among the Cyrillic ones
      {"latin, many", "ontact 9", false},  // a ninth of the Latin names: the total counts them
      {"no match", "nobody ", true},
  };
  std::printf("%-16s %8s %9s %9s %9s\n", "name search", "searches", "p50 ms", "p99 ms", "max ms");
  for (const SearchKind& kind : kinds) {
    std::vector<double> search_ms;
    for (std::size_t i = 0; i < searches; ++i) {
      std::string query = kind.query;
      if (kind.numbered) {
        query += std::to_string(random() %
                                static_cast<std::uint64_t>(std::max<std::int64_t>(1, contacts)));
      }
      const auto start = std::chrono::steady_clock::now();
      auto page = contact_store.list(1, query, 50, 0);
      search_ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count());
      if (!page) die("search " + query + ": " + page.error().message);
    }
    report(kind.name, search_ms);
  }
  return 0;
}
