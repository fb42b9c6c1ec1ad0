// Contacts, their numbers and deals in a migrated SQLite file: numbers kept as E.164 and owned
// by one contact of a company, field errors, search and paging, companies kept apart.
#include "crm/contact_store.hpp"

#include <gtest/gtest.h>

#include "crm_database.hpp"

namespace dzvin::crm {
namespace {

using namespace std::chrono_literals;

ContactDraft draft(std::string name, std::vector<std::string> numbers, std::string owner = {}) {
  ContactDraft d;
  d.name = std::move(name);
  d.owner = std::move(owner);
  for (auto& n : numbers)
    d.phones.push_back(ContactPhone{std::move(n), ""});
  return d;
}

std::vector<std::string> numbers_of(const Contact& c) {
  std::vector<std::string> out;
  for (const auto& p : c.phones)
    out.push_back(p.number);
  return out;
}

class ContactStoreTest : public testing::CrmDatabaseTest {
 protected:
  Contact create(std::int64_t tenant, const ContactDraft& d) {
    auto c = contacts_.create(tenant, d);
    EXPECT_TRUE(c) << (c ? "" : c.error().message);
    return c ? *c : Contact{};
  }
  std::vector<std::string> names(const ContactPage& page) {
    std::vector<std::string> out;
    for (const auto& c : page.items)
      out.push_back(c.name);
    return out;
  }

  ContactStore contacts_{db_, clock_};
};

TEST_F(ContactStoreTest, NumbersAreStoredAsE164HoweverTheyAreWritten) {
  ContactDraft d = draft("Olena Koval", {"050 111 22 33", "+380 (50) 111-22-34"}, "1002");
  d.phones[0].label = "mobile";
  d.company = "Roshen";
  d.email = "olena@example.com";
  d.notes = "Prefers mornings.\nSpeaks Ukrainian.";
  auto c = contacts_.create(1, d);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_GT(c->id, 0);
  EXPECT_EQ(c->tenant_id, 1);
  EXPECT_EQ(c->name, "Olena Koval");
  EXPECT_EQ(c->company, "Roshen");
  EXPECT_EQ(c->owner, "1002");
  EXPECT_EQ(c->email, "olena@example.com");
  EXPECT_EQ(c->notes, "Prefers mornings.\nSpeaks Ukrainian.");
  EXPECT_EQ(c->created_at_ms, testing::kStartMs);
  EXPECT_EQ(c->updated_at_ms, testing::kStartMs);
  ASSERT_EQ(c->phones.size(), 2u);
  EXPECT_EQ(c->phones[0], (ContactPhone{"+380501112233", "mobile"}));
  EXPECT_EQ(c->phones[1], (ContactPhone{"+380501112234", ""}));

  for (const char* typed : {"+380501112233", "+380501112234"}) {
    auto found = contacts_.find_by_number(1, typed);
    ASSERT_TRUE(found);
    ASSERT_TRUE(found->has_value()) << typed;
    EXPECT_EQ((*found)->id, c->id);
    EXPECT_EQ(numbers_of(**found), numbers_of(*c));
  }
  auto unknown = contacts_.find_by_number(1, "+380501112235");
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(unknown->has_value());
  auto empty = contacts_.find_by_number(1, "");
  ASSERT_TRUE(empty);
  EXPECT_FALSE(empty->has_value());
}

TEST_F(ContactStoreTest, NotesKeepLinesAndTabsAsWritten) {
  ContactDraft d = draft("Olena Koval", {});
  d.notes = "From the old CRM:\r\n\tprefers mornings\nno calls on Fridays";
  auto c = contacts_.create(1, d);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->notes, d.notes);
}

TEST_F(ContactStoreTest, AnExtensionIsANumberToo) {
  const Contact c = create(1, draft("Reception", {"1001"}));
  EXPECT_EQ(numbers_of(c), std::vector<std::string>{"1001"});
  auto found = contacts_.find_by_number(1, "1001");
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->id, c.id);
}

TEST_F(ContactStoreTest, ANumberBelongsToOneContactOfACompany) {
  const Contact olena = create(1, draft("Olena Koval", {"0501112233"}));
  auto taken = contacts_.create(1, draft("Petro Bondar", {"0671234567", "+380 50 111 22 33"}));
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, store::kConflict);
  EXPECT_EQ(taken.error().message, "phones[1]: +380501112233 already belongs to Olena Koval");
  // Nothing of the refused contact was kept.
  EXPECT_TRUE(column("SELECT name FROM contacts WHERE name = 'Petro Bondar'").empty());
  auto other = contacts_.find_by_number(1, "+380671234567");
  ASSERT_TRUE(other);
  EXPECT_FALSE(other->has_value());
  // Another company may have a contact with the same number.
  const Contact b = create(2, draft("Olena at B", {"0501112233"}));
  EXPECT_NE(b.id, olena.id);
  EXPECT_EQ((*contacts_.find_by_number(2, "+380501112233"))->id, b.id);
  EXPECT_EQ((*contacts_.find_by_number(1, "+380501112233"))->id, olena.id);
}

TEST_F(ContactStoreTest, FieldErrorsNameTheField) {
  const auto error_of = [&](const ContactDraft& d) {
    auto r = contacts_.create(1, d);
    EXPECT_FALSE(r);
    if (r) return std::pair<int, std::string>{0, ""};
    return std::pair<int, std::string>{r.error().code, r.error().message};
  };
  auto twice = error_of(draft("Olena", {"0501112233", "+380501112233"}));
  EXPECT_EQ(twice.first, store::kInvalid);
  EXPECT_EQ(twice.second, "phones[1]: +380501112233 is listed twice");

  auto owner = error_of(draft("Olena", {"0501112233"}, "9999"));
  EXPECT_EQ(owner.first, store::kInvalid);
  EXPECT_EQ(owner.second.rfind("owner: unknown user", 0), 0u) << owner.second;
  // A user of another company is unknown here.
  EXPECT_EQ(error_of(draft("Olena", {}, "2002")).second.rfind("owner: unknown user", 0), 0u);

  auto bad_number = error_of(draft("Olena", {"0501112233", "call me"}));
  EXPECT_EQ(bad_number.first, store::kInvalid);
  EXPECT_EQ(bad_number.second.rfind("phones[1]: ", 0), 0u) << bad_number.second;

  EXPECT_EQ(error_of(draft("", {})).second, "name: required");
  EXPECT_EQ(error_of(draft("Olena\tKoval", {})).second, "name: control characters are not allowed");
  EXPECT_EQ(error_of(draft(std::string(201, 'a'), {})).second, "name: at most 200 bytes");

  ContactDraft many = draft("Olena", {});
  for (int i = 0; i < 11; ++i)
    many.phones.push_back({"05011122" + std::to_string(10 + i), ""});
  EXPECT_EQ(error_of(many).second, "phones: at most 10 numbers");

  ContactDraft bad_label = draft("Olena", {"0501112233"});
  bad_label.phones[0].label =
      "mo\x01"
      "bile";
  EXPECT_EQ(error_of(bad_label).second, "phones[0].label: control characters are not allowed");

  ContactDraft bell = draft("Olena", {});
  bell.notes = "ring\x07";
  EXPECT_EQ(error_of(bell).second, "notes: control characters are not allowed");

  // None of them was stored.
  EXPECT_EQ(column("SELECT count(*) FROM contacts"), std::vector<std::string>{"0"});
  EXPECT_EQ(column("SELECT count(*) FROM contact_phones"), std::vector<std::string>{"0"});
}

TEST_F(ContactStoreTest, ReplaceRewritesFieldsAndNumbers) {
  ContactDraft d = draft("Olena Koval", {"0501112233", "0501112234"}, "1002");
  d.company = "Roshen";
  const Contact c = create(1, d);
  clock_.advance(5s);
  ContactDraft changed = draft("Olena Koval-Shevchenko", {"0501112234", "0671112233"}, "1003");
  auto r = contacts_.replace(1, c.id, changed);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->id, c.id);
  EXPECT_EQ(r->name, "Olena Koval-Shevchenko");
  EXPECT_EQ(r->company, "");
  EXPECT_EQ(r->owner, "1003");
  EXPECT_EQ(r->created_at_ms, testing::kStartMs);
  EXPECT_EQ(r->updated_at_ms, testing::kStartMs + 5000);
  EXPECT_EQ(numbers_of(*r), (std::vector<std::string>{"+380501112234", "+380671112233"}));
  EXPECT_FALSE(contacts_.find_by_number(1, "+380501112233")->has_value());
  EXPECT_EQ((*contacts_.find_by_number(1, "+380671112233"))->id, c.id);
}

TEST_F(ContactStoreTest, AReplaceThatFailsChangesNothing) {
  const Contact olena = create(1, draft("Olena Koval", {"0501112233"}, "1002"));
  const Contact petro = create(1, draft("Petro Bondar", {"0671234567"}));
  auto r = contacts_.replace(1, olena.id, draft("Olena K", {"0501112299", "0671234567"}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, store::kConflict);
  EXPECT_EQ(r.error().message, "phones[1]: +380671234567 already belongs to Petro Bondar");
  auto kept = contacts_.find(1, olena.id);
  ASSERT_TRUE(kept && kept->has_value());
  EXPECT_EQ((*kept)->name, "Olena Koval");
  EXPECT_EQ(numbers_of(**kept), std::vector<std::string>{"+380501112233"});
  EXPECT_EQ((*contacts_.find_by_number(1, "+380671234567"))->id, petro.id);

  auto missing = contacts_.replace(1, 999, draft("Nobody", {}));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, store::kNotFound);
  // Another company's contact is not there for tenant 2.
  auto foreign = contacts_.replace(2, olena.id, draft("Stolen", {"0501112277"}));
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().code, store::kNotFound);
  EXPECT_EQ((*contacts_.find(1, olena.id))->name, "Olena Koval");
  EXPECT_FALSE(contacts_.find_by_number(2, "+380501112277")->has_value());
}

TEST_F(ContactStoreTest, RemoveTakesTheNumbersAndDealsAlong) {
  const Contact c = create(1, draft("Olena Koval", {"0501112233"}));
  ASSERT_TRUE(contacts_.create_deal(1, DealDraft{c.id, "Sweets", "new", "1002", true, {}}));
  EXPECT_EQ(contacts_.remove(2, c.id).error().code, store::kNotFound) << "another company's";
  ASSERT_TRUE(contacts_.remove(1, c.id));
  EXPECT_FALSE(contacts_.find(1, c.id)->has_value());
  auto by_number = contacts_.find_by_number(1, "+380501112233");
  ASSERT_TRUE(by_number);
  EXPECT_EQ(*by_number, std::nullopt);
  EXPECT_EQ(column("SELECT count(*) FROM contact_phones"), std::vector<std::string>{"0"});
  EXPECT_EQ(column("SELECT count(*) FROM deals"), std::vector<std::string>{"0"});
  EXPECT_EQ(contacts_.remove(1, c.id).error().code, store::kNotFound);
  // The number is free again.
  create(1, draft("Someone else", {"0501112233"}));
}

TEST_F(ContactStoreTest, CompaniesAreKeptApart) {
  const Contact c = create(1, draft("Olena Koval", {"0501112233"}));
  EXPECT_FALSE(contacts_.find(2, c.id)->has_value());
  EXPECT_FALSE(contacts_.find_by_number(2, "+380501112233")->has_value());
  auto page = contacts_.list(2, "", 50, 0);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 0);
  EXPECT_TRUE(page->items.empty());
  EXPECT_EQ(contacts_.list(2, "Olena", 50, 0)->total, 0);
  EXPECT_EQ(contacts_.list(2, "+38050", 50, 0)->total, 0);
}

TEST_F(ContactStoreTest, ListsByNameOrNumberPrefixOrderedByNameAndPaged) {
  create(1, draft("Petro Bondar", {"0671234567"}));
  create(1, draft("Olena Koval", {"0501112233", "0441234567"}));
  create(1, draft("Oleh Shevchenko", {"0501119999"}));
  create(1, draft("Anna Melnyk", {"0931234567"}));
  create(2, draft("Olga of B", {"0501112233"}));

  auto all = contacts_.list(1, "", 50, 0);
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_EQ(all->total, 4);
  EXPECT_EQ(names(*all), (std::vector<std::string>{"Anna Melnyk", "Oleh Shevchenko", "Olena Koval",
                                                   "Petro Bondar"}));
  // Names: a substring, any case.
  EXPECT_EQ(names(*contacts_.list(1, "ol", 50, 0)),
            (std::vector<std::string>{"Oleh Shevchenko", "Olena Koval"}));
  EXPECT_EQ(names(*contacts_.list(1, "KOVAL", 50, 0)), std::vector<std::string>{"Olena Koval"});
  // Numbers: a prefix of a stored number, written as stored or as the whole number typed.
  EXPECT_EQ(names(*contacts_.list(1, "+38050111", 50, 0)),
            (std::vector<std::string>{"Oleh Shevchenko", "Olena Koval"}));
  EXPECT_EQ(names(*contacts_.list(1, "044 123 45 67", 50, 0)),
            std::vector<std::string>{"Olena Koval"});
  EXPECT_EQ(contacts_.list(1, "+38099", 50, 0)->total, 0);

  // Paging: the total is of all matches; a page is a slice of them.
  auto page = contacts_.list(1, "", 2, 1);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 4);
  EXPECT_EQ(names(*page), (std::vector<std::string>{"Oleh Shevchenko", "Olena Koval"}));
  auto last = contacts_.list(1, "", 2, 3);
  EXPECT_EQ(names(*last), std::vector<std::string>{"Petro Bondar"});
  EXPECT_TRUE(contacts_.list(1, "", 2, 10)->items.empty());
  // A page holds its contacts' numbers.
  auto olena = contacts_.list(1, "Olena", 1, 0);
  ASSERT_EQ(olena->items.size(), 1u);
  EXPECT_EQ(numbers_of(olena->items[0]),
            (std::vector<std::string>{"+380441234567", "+380501112233"}));
}

TEST_F(ContactStoreTest, NameSearchIgnoresCaseInCyrillicToo) {
  create(1, draft("Олена Коваль", {"0501112233"}));
  create(1, draft("ҐАНОК Їжаченко", {"0671234567"}));
  create(1, draft("Olena Koval", {"0441234567"}));
  create(2, draft("Олена of B", {"0931234567"}));
  for (const char* typed : {"олена", "ОЛЕНА", "Олена", "оЛЕНа", "олена коваль", "КОВАЛЬ"}) {
    auto page = contacts_.list(1, typed, 50, 0);
    ASSERT_TRUE(page) << page.error().message;
    EXPECT_EQ(names(*page), std::vector<std::string>{"Олена Коваль"}) << typed;
    EXPECT_EQ(page->total, 1) << typed;
  }
  // Ukrainian letters of their own, either case.
  EXPECT_EQ(names(*contacts_.list(1, "ґанок", 50, 0)), std::vector<std::string>{"ҐАНОК Їжаченко"});
  EXPECT_EQ(names(*contacts_.list(1, "ЇЖАЧ", 50, 0)), std::vector<std::string>{"ҐАНОК Їжаченко"});
  // Latin as before; one script never matches the other.
  EXPECT_EQ(names(*contacts_.list(1, "OLENA", 50, 0)), std::vector<std::string>{"Olena Koval"});
  EXPECT_EQ(contacts_.list(1, "олена koval", 50, 0)->total, 0);
}

TEST_F(ContactStoreTest, ListFindsANumberTypedInTheNationalForm) {
  create(1, draft("Olena Koval", {"0501112233"}));
  create(1, draft("Petro Bondar", {"0671234567"}));
  // What people type into a search box: the start of a national number.
  EXPECT_EQ(names(*contacts_.list(1, "050 111", 50, 0)), std::vector<std::string>{"Olena Koval"});
  EXPECT_EQ(names(*contacts_.list(1, "067", 50, 0)), std::vector<std::string>{"Petro Bondar"});
  EXPECT_EQ(names(*contacts_.list(1, "(050) 111-2", 50, 0)),
            std::vector<std::string>{"Olena Koval"});
  EXPECT_EQ(names(*contacts_.list(1, "0038067", 50, 0)), std::vector<std::string>{"Petro Bondar"});
  EXPECT_EQ(names(*contacts_.list(1, "+380 67", 50, 0)), std::vector<std::string>{"Petro Bondar"});
  EXPECT_EQ(contacts_.list(1, "0", 50, 0)->total, 2);
  // Separators alone are no number: they match no number (nor these names).
  EXPECT_EQ(contacts_.list(1, "-", 50, 0)->total, 0);
  EXPECT_EQ(contacts_.list(1, "050x", 50, 0)->total, 0);
}

TEST_F(ContactStoreTest, UpsertExternalCreatesThenUpdatesTheSameContact) {
  ContactDraft d = draft("Olena Koval", {"0501112233"});
  d.external_id = "crm-17";
  auto first = contacts_.upsert_external(1, d);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->external_id, "crm-17");
  clock_.advance(1s);
  ContactDraft again = draft("Olena Koval-Shevchenko", {"0501112233", "0671112233"});
  again.external_id = "crm-17";
  auto second = contacts_.upsert_external(1, again);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->id, first->id);
  EXPECT_EQ(second->name, "Olena Koval-Shevchenko");
  EXPECT_EQ(second->phones.size(), 2u);
  EXPECT_EQ(column("SELECT count(*) FROM contacts"), std::vector<std::string>{"1"});
  // The same key in another company is another contact.
  ContactDraft b = draft("Olena at B", {});
  b.external_id = "crm-17";
  auto other = contacts_.upsert_external(2, b);
  ASSERT_TRUE(other) << other.error().message;
  EXPECT_NE(other->id, first->id);

  ContactDraft keyless = draft("No key", {});
  EXPECT_EQ(contacts_.upsert_external(1, keyless).error().code, store::kInvalid);
  // A plain create may not take a key in use.
  ContactDraft dup = draft("Dup", {});
  dup.external_id = "crm-17";
  auto refused = contacts_.create(1, dup);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, store::kConflict);
  EXPECT_EQ(refused.error().message, "external_id: already used");
}

TEST_F(ContactStoreTest, DealsOpenFirstNewestFirst) {
  const Contact c = create(1, draft("Olena Koval", {"0501112233"}));
  auto closed = contacts_.create_deal(1, DealDraft{c.id, "Old order", "won", "1003", false, {}});
  ASSERT_TRUE(closed) << closed.error().message;
  EXPECT_FALSE(closed->open);
  clock_.advance(1s);
  auto older = contacts_.create_deal(1, DealDraft{c.id, "Sweets", "new", "1002", true, {}});
  ASSERT_TRUE(older);
  clock_.advance(1s);
  auto newer = contacts_.create_deal(1, DealDraft{c.id, "Cakes", "proposal", "", true, {}});
  ASSERT_TRUE(newer);
  EXPECT_EQ(newer->stage, "proposal");
  EXPECT_EQ(newer->contact_id, c.id);
  EXPECT_EQ(newer->created_at_ms, testing::kStartMs + 2000);

  const auto ids = [&] {
    std::vector<std::int64_t> out;
    const auto deals = contacts_.deals_of(1, c.id);
    EXPECT_TRUE(deals);
    if (!deals) return out;
    for (const Deal& d : *deals)
      out.push_back(d.id);
    return out;
  };
  EXPECT_EQ(ids(), (std::vector<std::int64_t>{newer->id, older->id, closed->id}));

  // Replacing a deal makes it the newest; closing one moves it after the open ones.
  clock_.advance(1s);
  auto touched =
      contacts_.replace_deal(1, older->id, DealDraft{c.id, "Sweets", "proposal", "1002", true, {}});
  ASSERT_TRUE(touched) << touched.error().message;
  EXPECT_EQ(touched->stage, "proposal");
  EXPECT_EQ(ids(), (std::vector<std::int64_t>{older->id, newer->id, closed->id}));
  clock_.advance(1s);
  ASSERT_TRUE(
      contacts_.replace_deal(1, older->id, DealDraft{c.id, "Sweets", "lost", "1002", false, {}}));
  EXPECT_EQ(ids(), (std::vector<std::int64_t>{newer->id, older->id, closed->id}));

  EXPECT_TRUE(contacts_.deals_of(2, c.id)->empty()) << "another company sees none";
  ASSERT_TRUE(contacts_.remove_deal(1, newer->id));
  EXPECT_EQ(contacts_.remove_deal(1, newer->id).error().code, store::kNotFound);
  EXPECT_EQ(ids(), (std::vector<std::int64_t>{older->id, closed->id}));
}

TEST_F(ContactStoreTest, ADealNeedsAContactOfTheCompanyAndAKnownOwner) {
  const Contact a = create(1, draft("Olena Koval", {"0501112233"}));
  auto foreign = contacts_.create_deal(2, DealDraft{a.id, "Steal", "new", "", true, {}});
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().code, store::kInvalid);
  EXPECT_EQ(foreign.error().message, "contact_id: no such contact");
  EXPECT_EQ(column("SELECT count(*) FROM deals"), std::vector<std::string>{"0"});

  auto owner = contacts_.create_deal(1, DealDraft{a.id, "Sweets", "new", "2002", true, {}});
  ASSERT_FALSE(owner);
  EXPECT_EQ(owner.error().code, store::kInvalid);
  EXPECT_EQ(owner.error().message.rfind("owner: unknown user", 0), 0u);

  auto untitled = contacts_.create_deal(1, DealDraft{a.id, "", "new", "", true, {}});
  ASSERT_FALSE(untitled);
  EXPECT_EQ(untitled.error().message, "title: required");

  // Moving another company's deal is refused too.
  const Contact b = create(2, draft("Olena at B", {"0501112233"}));
  auto deal_b = contacts_.create_deal(2, DealDraft{b.id, "B's deal", "new", "2002", true, {}});
  ASSERT_TRUE(deal_b) << deal_b.error().message;
  auto moved = contacts_.replace_deal(1, deal_b->id, DealDraft{a.id, "Mine", "new", "", true, {}});
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().code, store::kNotFound);
  EXPECT_EQ(contacts_.remove_deal(1, deal_b->id).error().code, store::kNotFound);
}

TEST_F(ContactStoreTest, UpsertExternalDealCreatesThenUpdates) {
  const Contact c = create(1, draft("Olena Koval", {"0501112233"}));
  DealDraft d{c.id, "Sweets", "new", "1002", true, std::string("deal-9")};
  auto first = contacts_.upsert_external_deal(1, d);
  ASSERT_TRUE(first) << first.error().message;
  d.stage = "won";
  d.open = false;
  auto second = contacts_.upsert_external_deal(1, d);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->id, first->id);
  EXPECT_EQ(second->stage, "won");
  EXPECT_FALSE(second->open);
  EXPECT_EQ(contacts_.deals_of(1, c.id)->size(), 1u);
}

}  // namespace
}  // namespace dzvin::crm
