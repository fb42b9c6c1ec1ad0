// Contacts from CSV: new ones created, the contact of an external_id or of a number updated
// (merged, never duplicated), a dry run that writes nothing, and lines with errors skipped and
// reported with their line numbers while the others are imported.
#include "crm/contact_import.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "crm/contact_csv.hpp"
#include "crm/contact_store.hpp"
#include "crm_database.hpp"

namespace dzvin::crm {
namespace {

class ContactImportTest : public testing::CrmDatabaseTest {
 protected:
  ImportReport run(std::string_view csv, bool dry_run = false, std::int64_t tenant = 1) {
    auto report = import_contacts(contacts_, tenant, csv, ImportOptions{dry_run, "1004"});
    EXPECT_TRUE(report) << (report ? "" : report.error().message);
    return report ? std::move(*report) : ImportReport{};
  }
  Error refusal(std::string_view csv) {
    auto report = import_contacts(contacts_, 1, csv, ImportOptions{});
    EXPECT_FALSE(report);
    return report ? Error{} : report.error();
  }
  // A contact made before the import.
  Contact existing(std::string name, std::string number,
                   std::optional<std::string> external_id = std::nullopt, std::int64_t tenant = 1) {
    ContactDraft d;
    d.name = std::move(name);
    d.external_id = std::move(external_id);
    d.phones = {{std::move(number), ""}};
    auto created = contacts_.create(tenant, d);
    EXPECT_TRUE(created) << (created ? "" : created.error().message);
    return created ? *created : Contact{};
  }
  Contact by_number(std::string_view number, std::int64_t tenant = 1) {
    auto found = contacts_.find_by_number(tenant, number);
    EXPECT_TRUE(found && *found) << number;
    return found && *found ? **found : Contact{};
  }
  std::int64_t contact_count() { return std::stoll(column("SELECT count(*) FROM contacts")[0]); }
  static std::vector<std::string> numbers_of(const Contact& c) {
    std::vector<std::string> out;
    for (const auto& p : c.phones)
      out.push_back(p.number);
    return out;
  }
  static std::string errors_of(const ImportReport& r) {
    std::string out;
    for (const auto& e : r.errors)
      out += std::to_string(e.line) + ": " + e.message + "\n";
    return out;
  }

  ContactStore contacts_{db_, clock_};
};

TEST_F(ContactImportTest, CreatesContactsWithEveryColumn) {
  const auto r =
      run("Name,Phone,Mobile,Company,E-mail,Owner,Notes,External ID\n"
          "Олена Коваль,044 123 45 67,050 111 22 33,Рошен,olena@example.com,1002,"
          "\"Ранок\nпісля 10\",crm-1\n"
          "Petro Bondar,\"067 222 33 44; +380 67 222 33 45\",,,,,,\n");
  EXPECT_EQ(errors_of(r), "");
  EXPECT_EQ(r.created, 2u);
  EXPECT_EQ(r.updated + r.unchanged + r.skipped, 0u);
  EXPECT_TRUE(r.warnings.empty());

  const Contact olena = by_number("+380501112233");
  EXPECT_EQ(olena.name, "Олена Коваль");
  EXPECT_EQ(olena.company, "Рошен");
  EXPECT_EQ(olena.email, "olena@example.com");
  EXPECT_EQ(olena.owner, "1002");
  EXPECT_EQ(olena.notes, "Ранок\nпісля 10");
  EXPECT_EQ(olena.external_id, "crm-1");
  ASSERT_EQ(olena.phones.size(), 2u);
  EXPECT_EQ(olena.phones[0], (ContactPhone{"+380441234567", ""}));
  EXPECT_EQ(olena.phones[1], (ContactPhone{"+380501112233", "mobile"}));
  EXPECT_EQ(column("SELECT created_by FROM contacts WHERE name = 'Олена Коваль'"),
            std::vector<std::string>{"1004"});

  const Contact petro = by_number("+380672223345");
  EXPECT_EQ(petro.name, "Petro Bondar");
  EXPECT_EQ(numbers_of(petro), (std::vector<std::string>{"+380672223344", "+380672223345"}));
  EXPECT_FALSE(petro.external_id);
}

// The example file of docs/crm.md "Importing contacts from CSV", as it is there.
TEST_F(ContactImportTest, TheExampleOfTheDocsImports) {
  const auto r =
      run("name;phone;mobile;company;email;owner;notes;external_id\n"
          "Олена Коваль;044 123 45 67;050 111 22 33;Рошен;olena@roshen.example;1002;\"Дзвонити "
          "зранку\nпісля 10:00\";crm-17\n"
          "Petro Bondar;\"067 222 33 44, +380 67 222 33 45\";;;;;;\n"
          "\"Koval, Ivan\";(093) 000-11-22;;ТОВ «Світанок»;;;\"He said \"\"call me back\"\"\";\n");
  EXPECT_EQ(errors_of(r), "");
  EXPECT_EQ(r.created, 3u);
  EXPECT_EQ(by_number("+380930001122").notes, "He said \"call me back\"");
  EXPECT_EQ(by_number("+380441234567").external_id, "crm-17");
}

TEST_F(ContactImportTest, UpdatesTheContactOfAnExternalId) {
  ContactDraft d;
  d.name = "Olena";
  d.email = "old@example.com";
  d.notes = "keep me";
  d.external_id = "crm-1";
  d.phones = {{"+380501112233", "mobile"}};
  auto earlier = contacts_.create(1, d);
  ASSERT_TRUE(earlier);

  const auto r =
      run("external_id;name;phone;email;notes\ncrm-1;Olena Koval;067 222 33 44;"
          "new@example.com;\n");
  EXPECT_EQ(errors_of(r), "");
  EXPECT_EQ(r.updated, 1u);
  EXPECT_EQ(r.created, 0u);
  EXPECT_EQ(contact_count(), 1);
  auto updated = contacts_.find(1, earlier->id);
  ASSERT_TRUE(updated && *updated);
  EXPECT_EQ((*updated)->name, "Olena Koval");
  EXPECT_EQ((*updated)->email, "new@example.com");
  EXPECT_EQ((*updated)->notes, "keep me");  // an empty cell keeps what the contact has
  // The new number is added; the old one stays, with its label.
  ASSERT_EQ((*updated)->phones.size(), 2u);
  EXPECT_EQ((*updated)->phones[0], (ContactPhone{"+380501112233", "mobile"}));
  EXPECT_EQ((*updated)->phones[1], (ContactPhone{"+380672223344", ""}));
}

TEST_F(ContactImportTest, MergesIntoTheContactThatHasTheNumber) {
  ContactDraft d;
  d.name = "Olena";
  d.company = "Roshen";
  d.phones = {{"+380501112233", ""}};
  auto earlier = contacts_.create(1, d);
  ASSERT_TRUE(earlier);

  const auto r =
      run("name,phones,email,external_id\n"
          "Olena Koval,\"+380 50 111 22 33, 044 000 11 22\",o@example.com,crm-9\n");
  EXPECT_EQ(errors_of(r), "");
  EXPECT_EQ(r.updated, 1u);
  EXPECT_EQ(contact_count(), 1);  // merged, not duplicated
  const Contact merged = by_number("+380440001122");
  EXPECT_EQ(merged.id, earlier->id);
  EXPECT_EQ(merged.name, "Olena Koval");
  EXPECT_EQ(merged.company, "Roshen");
  EXPECT_EQ(merged.email, "o@example.com");
  EXPECT_EQ(merged.external_id, "crm-9");  // it had none: the file's is taken
  EXPECT_EQ(numbers_of(merged), (std::vector<std::string>{"+380440001122", "+380501112233"}));
}

TEST_F(ContactImportTest, ImportingTheSameFileAgainChangesNothing) {
  const std::string csv = "name,phone,company\nOlena,0501112233,Roshen\nPetro,0672223344,\n";
  EXPECT_EQ(run(csv).created, 2u);
  const auto again = run(csv);
  EXPECT_EQ(errors_of(again), "");
  EXPECT_EQ(again.unchanged, 2u);
  EXPECT_EQ(again.created + again.updated + again.skipped, 0u);
  EXPECT_EQ(contact_count(), 2);
}

TEST_F(ContactImportTest, ADryRunReportsTheSameAndWritesNothing) {
  existing("Olena", "+380501112233");
  const std::string csv =
      "name,phone\n"
      "Olena Koval,0501112233\n"   // updates
      "Petro,0672223344\n"         // creates
      "Ivan,not a number\n"        // an error
      "Petro again,0672223344\n";  // the same number as line 3: an error
  const auto dry = run(csv, true);
  EXPECT_EQ(dry.created, 1u);
  EXPECT_EQ(dry.updated, 1u);
  EXPECT_EQ(dry.skipped, 2u);
  EXPECT_EQ(contact_count(), 1);
  EXPECT_EQ(by_number("+380501112233").name, "Olena");
  EXPECT_EQ(column("SELECT count(*) FROM contact_phones"), std::vector<std::string>{"1"});
  EXPECT_EQ(column("SELECT count(*) FROM crm_companies"), std::vector<std::string>{"0"});
  EXPECT_FALSE(db_.in_transaction());

  const auto real = run(csv);
  EXPECT_EQ(real.created, dry.created);
  EXPECT_EQ(real.updated, dry.updated);
  EXPECT_EQ(real.skipped, dry.skipped);
  EXPECT_EQ(errors_of(real), errors_of(dry));
  EXPECT_EQ(contact_count(), 2);
}

TEST_F(ContactImportTest, LinesWithErrorsAreSkippedWithTheirLineNumbers) {
  existing("Petro Bondar", "+380672223344");
  existing("Ivan", "+380933334455", "crm-2");

  const auto r =
      run("name,phone,owner,external_id,notes\n"
          "Good One,0501112233,,,\n"                    // 2: created
          ",0501112299,,,\n"                            // 3: no name
          "Bad Number,05011,,,\n"                       // 4: not a number
          "Unknown Owner,0501112244,nobody,,\n"         // 5
          "Two Owners,\"0672223344, 0933334455\",,,\n"  // 6: numbers of two contacts
          "Wrong Id,0672223344,,crm-2,\n"               // 7: crm-2 is Ivan, the number Petro's
          "Good Two,0501112255,,,\"a note\n"            // 8-9: a note over two lines
          "on two lines\"\n"
          "Same As Two,0501112233,,,\n"         // 10: the number of line 2
          "Too Many,0501112266,,,,extra\n"      // 11: a field past the header
          "\"Dup, Id\",0501112277,,crm-2,\n");  // 12: crm-2 but a number of nobody: ok
  EXPECT_EQ(r.created, 2u);
  EXPECT_EQ(r.updated, 1u);  // line 12 updates Ivan (crm-2) with a new number
  EXPECT_EQ(r.skipped, 7u);
  EXPECT_EQ(errors_of(r),
            "3: name: required\n"
            "4: phone: phone number \"05011\": a national number has 9 digits after the "
            "leading 0\n"
            "5: owner: unknown user \"nobody\"\n"
            "6: phone: +380933334455 already belongs to Ivan\n"
            "7: phone: +380672223344 already belongs to Petro Bondar\n"
            "10: phone: +380501112233 is the same contact (Good One) as line 2\n"
            "11: 6 fields, the header has 5\n");
  EXPECT_EQ(contact_count(), 4);
  EXPECT_EQ(by_number("+380501112255").notes, "a note\non two lines");
  EXPECT_EQ(by_number("+380501112277").name, "Dup, Id");
}

TEST_F(ContactImportTest, AContactTwiceInOneFileIsAnError) {
  const auto r = run("name,external_id,phone\nA,x-1,0501112233\nA again,x-1,\n");
  EXPECT_EQ(r.created, 1u);
  EXPECT_EQ(errors_of(r), "3: external_id: x-1 is the same contact (A) as line 2\n");
}

TEST_F(ContactImportTest, ANumberOfAContactWithAnotherExternalIdIsAConflict) {
  existing("Olena", "+380501112233", "crm-1");
  const auto r = run("name,external_id,phone\nOlena K,other-7,0501112233\n");
  EXPECT_EQ(errors_of(r), "2: phone: +380501112233 belongs to Olena, whose external_id is crm-1\n");
}

TEST_F(ContactImportTest, ANumberTwiceInOneLineCountsOnce) {
  const auto r = run("name,phone,mobile\nOlena,0501112233,+380501112233\n");
  EXPECT_EQ(errors_of(r), "");
  EXPECT_EQ(numbers_of(by_number("+380501112233")), std::vector<std::string>{"+380501112233"});
}

TEST_F(ContactImportTest, UnknownColumnsAreIgnoredWithAWarning) {
  const auto r = run("name,Position,phone,,Адреса\nOlena,CEO,0501112233,x,Київ\n");
  EXPECT_EQ(errors_of(r), "");
  EXPECT_EQ(r.created, 1u);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0], "columns ignored: \"Position\", column 4 (no name), \"Адреса\"");
}

TEST_F(ContactImportTest, ALongIgnoredColumnIsQuotedShortAndWhole) {
  // 39 Latin letters and then Cyrillic ones (two bytes each): cut at 40 bytes would split one.
  const std::string cell = std::string(39, 'x') + "ЖЖЖ";
  const auto r = run("name," + cell + "\nOlena,1\n");
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0], "columns ignored: \"" + std::string(39, 'x') + "...\"");
}

TEST_F(ContactImportTest, EmptyLinesAndLinesOfEmptyCellsAreNotCounted) {
  const auto r = run("name;phone\n\n;;\n ; \nOlena;0501112233\n");
  EXPECT_EQ(r.created, 1u);
  EXPECT_EQ(r.skipped, 0u);
}

TEST_F(ContactImportTest, ContactsOfOtherCompaniesAreNotTouched) {
  existing("B's Olena", "+380501112233", std::nullopt, 2);
  const auto r = run("name,phone\nOlena,0501112233\n");
  EXPECT_EQ(r.created, 1u);
  EXPECT_EQ(by_number("+380501112233", 2).name, "B's Olena");
  EXPECT_EQ(by_number("+380501112233", 1).name, "Olena");
}

TEST_F(ContactImportTest, TheFileAsAWholeIsRefusedWithItsReason) {
  EXPECT_EQ(refusal("").message, "the file is empty");
  EXPECT_EQ(refusal("\n\n").message, "the file is empty");
  const Error no_name = refusal("phone,company\n0501112233,x\n");
  EXPECT_EQ(no_name.code, kCsvMalformed);
  EXPECT_EQ(no_name.message.rfind("header: no \"name\" column", 0), 0u) << no_name.message;
  EXPECT_EQ(refusal("name,Email,e-mail\nA,a@x.com,b@x.com\n").message,
            "header: the column \"e-mail\" is there twice");
  const Error open_quote = refusal("name,notes\nA,\"x\nB,y\n");
  EXPECT_EQ(open_quote.code, kCsvMalformed);
  EXPECT_EQ(open_quote.message, "line 2: a quoted field is never closed (a \" is missing)");
  // Nothing of a file with a framing error is written, not even the lines before it.
  EXPECT_EQ(refusal("name\nA\nB\n\"C\n").code, kCsvMalformed);
  EXPECT_EQ(contact_count(), 0);
  EXPECT_EQ(refusal("name\n\xC0\xC1\n").message.rfind("line 2: not UTF-8", 0), 0u);
}

TEST_F(ContactImportTest, LimitsOfSizeAndRows) {
  const Error big = refusal(std::string(kMaxImportBytes + 1, 'a'));
  EXPECT_EQ(big.code, kImportTooLarge);
  EXPECT_EQ(big.message, "the file is larger than 5 MB");

  std::string rows = "name\n";
  for (std::size_t i = 0; i <= kMaxImportRows; ++i)
    rows += "x\n";
  const Error many = refusal(rows);
  EXPECT_EQ(many.code, kImportTooLarge);
  EXPECT_EQ(many.message, "the file has more than 50000 rows");
  EXPECT_EQ(contact_count(), 0);

  const Error wide = refusal("name\n" + std::string(5000, 'x') + "\n");
  EXPECT_EQ(wide.code, kCsvMalformed);
  EXPECT_EQ(wide.message, "line 2: a field longer than 4096 bytes");
}

TEST_F(ContactImportTest, TheErrorListIsBounded) {
  std::string csv = "name,phone\n";
  for (std::size_t i = 0; i < kMaxImportErrorsListed + 5; ++i)
    csv += "x,bad\n";
  const auto r = run(csv);
  EXPECT_EQ(r.skipped, kMaxImportErrorsListed + 5);
  EXPECT_EQ(r.errors.size(), kMaxImportErrorsListed);
  EXPECT_EQ(r.errors.back().line, kMaxImportErrorsListed + 1);
}

}  // namespace
}  // namespace dzvin::crm
