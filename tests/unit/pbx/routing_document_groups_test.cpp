// The "groups" section of the routing document: ring groups defined with the routing, so the
// REST API and the config file edit them like schemes.
#include <gtest/gtest.h>

#include <string>

#include "pbx/memory_directory.hpp"
#include "pbx/routing_document.hpp"
#include "routing_document_support.hpp"

namespace dzvin::pbx {
namespace {

using testing::company;
using testing::parse_error;
using testing::parse_ok;

constexpr std::string_view kGroupsDocument = R"({
  "groups": {"sales": {"description": "Відділ продажів", "members": ["bob", "anna"]},
             "night": {"members": []}},
  "schemes": {"main": {"steps": [{"type": "ring", "targets": ["group:sales"],
                                  "strategy": "sequential"}]}}
})";

std::string validate(std::string_view json) {
  const RoutingDocument document = parse_ok(json);
  const MemoryDirectory directory = company();
  auto r = validate_routing_document(document, directory);
  return r.ok() ? std::string("ok") : r.error().message;
}

TEST(RoutingDocumentGroups, ParsesMembersInTheirRingOrder) {
  const RoutingDocument doc = parse_ok(kGroupsDocument);
  ASSERT_EQ(doc.groups.size(), 2u);
  const DirectoryGroup& sales = doc.groups[1].name == "sales" ? doc.groups[1] : doc.groups[0];
  EXPECT_EQ(sales.name, "sales");
  EXPECT_EQ(sales.description, "Відділ продажів");
  EXPECT_EQ(sales.members, (std::vector<std::string>{"bob", "anna"}));
}

TEST(RoutingDocumentGroups, RoundTripKeepsGroups) {
  const RoutingDocument doc = parse_ok(kGroupsDocument);
  const RoutingDocument again = parse_ok(to_json(doc));
  ASSERT_EQ(again.groups.size(), doc.groups.size());
  for (std::size_t i = 0; i < doc.groups.size(); ++i) {
    EXPECT_EQ(again.groups[i].name, doc.groups[i].name);
    EXPECT_EQ(again.groups[i].members, doc.groups[i].members);
    EXPECT_EQ(again.groups[i].description, doc.groups[i].description);
  }
  EXPECT_EQ(to_json(again), to_json(doc));
}

TEST(RoutingDocumentGroups, NoGroupsWritesNoSection) {
  const RoutingDocument doc = parse_ok(R"({"schemes": {}})");
  EXPECT_TRUE(doc.groups.empty());
  EXPECT_EQ(to_json(doc).find("groups"), std::string::npos);
}

TEST(RoutingDocumentGroups, ErrorsNameTheField) {
  EXPECT_EQ(parse_error(R"({"groups": {"sales": {}}})"),
            "groups.sales.members: is required (a list of user names)");
  EXPECT_EQ(parse_error(R"({"groups": {"sales": {"members": "anna"}}})"),
            "groups.sales.members: must be a list of user names");
  EXPECT_EQ(parse_error(R"({"groups": {"sales": {"members": ["anna", 5]}}})"),
            "groups.sales.members[1]: must be a user name");
  EXPECT_EQ(parse_error(R"({"groups": {"sales": {"members": ["anna", ""]}}})"),
            "groups.sales.members[1]: must be a user name");
  EXPECT_EQ(parse_error(R"({"groups": {"sales": {"members": ["anna", "bob", "anna"]}}})"),
            "groups.sales.members[2]: \"anna\" is listed twice");
  EXPECT_NE(parse_error(R"({"groups": {"sales": {"members": [], "colour": "red"}}})")
                .find("groups.sales"),
            std::string::npos);
  EXPECT_NE(parse_error(R"({"groups": ["sales"]})").find("groups"), std::string::npos);
  std::string many = R"({"groups": {"big": {"members": [)";
  for (int i = 0; i < 65; ++i)
    many += (i ? ",\"u" : "\"u") + std::to_string(i) + "\"";
  many += "]}}}";
  EXPECT_EQ(parse_error(many), "groups.big.members: more than 64 members");
}

TEST(RoutingDocumentGroups, MembersMustBeUsers) {
  EXPECT_EQ(validate(kGroupsDocument), "ok");
  EXPECT_EQ(validate(R"({"groups": {"sales": {"members": ["anna", "9999"]}}})"),
            "groups.sales.members[1]: unknown user \"9999\"");
}

TEST(RoutingDocumentGroups, SchemesMayRingTheDocumentsGroups) {
  EXPECT_EQ(validate(kGroupsDocument), "ok");
  const std::string unknown = validate(
      R"({"schemes": {"main": {"steps": [{"type": "ring", "targets": ["group:sales"]}]}}})");
  EXPECT_NE(unknown.find("schemes.main.steps[0].targets[0]"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("sales"), std::string::npos) << unknown;
}

TEST(MemoryDirectoryUsers, ReplaceUsersForgetsDeletedOnes) {
  MemoryDirectory d = company();
  d.replace_users({DirectoryUser{"anna", "1002", "Anna"}, DirectoryUser{"olena", "1005", ""}});
  EXPECT_NE(d.find_user("anna"), nullptr);
  EXPECT_EQ(d.find_user("anna")->display_name, "Anna");
  EXPECT_NE(d.find_user("olena"), nullptr);
  EXPECT_EQ(d.find_user("bob"), nullptr);
}

TEST(MemoryDirectoryGroups, ClearGroupsForgetsThem) {
  MemoryDirectory d = company();
  d.add_group(DirectoryGroup{"sales", {"anna"}});
  ASSERT_NE(d.find_group("sales"), nullptr);
  d.clear_groups();
  EXPECT_EQ(d.find_group("sales"), nullptr);
}

TEST(RoutingDocumentCallerLists, NumbersAreKeptInE164) {
  const RoutingDocument doc = parse_ok(
      R"({"caller_lists": {"vip": {"description": "Top", "numbers": ["050 111 22 33", "1001"]}}})");
  ASSERT_EQ(doc.caller_lists.size(), 1u);
  EXPECT_EQ(doc.caller_lists[0].numbers, (std::vector<std::string>{"+380501112233", "1001"}));
  EXPECT_EQ(doc.caller_lists[0].description, "Top");
  const RoutingDocument again = parse_ok(to_json(doc));
  EXPECT_EQ(again.caller_lists[0].numbers, doc.caller_lists[0].numbers);
}

TEST(RoutingDocumentCallerLists, ErrorsNameTheField) {
  EXPECT_EQ(parse_error(R"({"caller_lists": {"vip": {}}})"),
            "caller_lists.vip.numbers: is required (a list of phone numbers)");
  EXPECT_EQ(parse_error(R"({"caller_lists": {"vip": {"numbers": ["+380501112233", 7]}}})"),
            "caller_lists.vip.numbers[1]: must be a phone number");
  EXPECT_EQ(
      parse_error(R"({"caller_lists": {"vip": {"numbers": ["+380501112233", "0501112233"]}}})"),
      "caller_lists.vip.numbers[1]: \"+380501112233\" is listed twice");
  EXPECT_NE(parse_error(R"({"caller_lists": {"vip": {"numbers": ["call me"]}}})")
                .find("caller_lists.vip.numbers[0]: "),
            std::string::npos);
}

TEST(RoutingDocumentCallerLists, AWhenStepOnTheCallerRoundTrips) {
  constexpr std::string_view kDoc = R"({
    "caller_lists": {"vip": {"numbers": ["+380501112233"]}},
    "schemes": {"direct": {"steps": [{"type": "when", "caller_in": "vip",
        "listed": [{"type": "ring", "targets": ["user:anna"]}],
        "others": [{"type": "ring", "targets": ["user:bob"]}]}]}}})";
  const RoutingDocument doc = parse_ok(kDoc);
  EXPECT_EQ(validate(kDoc), "ok");
  const std::string json = to_json(doc);
  EXPECT_NE(json.find("\"listed\""), std::string::npos) << json;
  EXPECT_EQ(json.find("\"open\""), std::string::npos) << json;
  EXPECT_EQ(to_json(parse_ok(json)), json);
  // The schedule's branch names are not the caller's.
  EXPECT_NE(parse_error(R"({"schemes": {"d": {"steps": [{"type": "when", "caller_in": "vip",
      "open": []}]}}})")
                .find("open"),
            std::string::npos);
  EXPECT_EQ(validate(R"({"schemes": {"d": {"steps": [{"type": "when", "caller_in": "nobody",
      "listed": [], "others": []}]}}})"),
            "schemes.d.steps[0].caller_in: unknown caller list \"nobody\"");
}

}  // namespace
}  // namespace dzvin::pbx
