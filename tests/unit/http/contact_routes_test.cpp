// Contacts, deals and the caller card over HTTP, in process: field errors name the field (400),
// a number taken by another contact is a 409 naming it, another company's contact is a 404.
#include "http/contact_routes.hpp"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "auth_fixture.hpp"
#include "captured_routes.hpp"
#include "crm/contact_import.hpp"
#include "route_database.hpp"
#include "store/database.hpp"

namespace dzvin::http {
namespace {

using Json = nlohmann::json;

class ContactRoutesTest : public testing::RouteDatabaseTest {
 protected:
  void SetUp() override {
    RouteDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(db_.execute(
        "INSERT INTO tenants (id, name, sip_domain, created_at) VALUES (1, 'A', 'pbx.test', 1), "
        "(2, 'B', 'other.test', 1);"
        "INSERT INTO users (id, tenant_id, username, display_name, ha1_md5, ha1_sha256, "
        "created_at, role) VALUES (1, 1, '1001', 'Boss', 'x', 'y', 1, 'admin'), "
        "(2, 1, '1002', 'Anna', 'x', 'y', 1, 'manager'), "
        "(3, 2, '2001', 'B', 'x', 'y', 1, 'admin');"));
    add_contact_routes(routes_.adder(), std::make_shared<CrmStores>(path_, clock_));
  }

  HttpResponse call(const std::string& route, const AuthContext& who, std::string query = {},
                    std::string body = {}, std::map<std::string, std::string> params = {}) {
    return routes_.call(route, who, query, std::move(body), params);
  }

  HttpResponse with_id(const std::string& route, const AuthContext& who, std::int64_t id,
                       std::string body = {}) {
    return call(route, who, {}, std::move(body), {{"id", std::to_string(id)}});
  }

  static AuthContext user(std::int64_t tenant, std::string name, Role role) {
    AuthContext a;
    a.tenant_id = tenant;
    a.username = std::move(name);
    a.realm = "pbx.test";
    a.role = role;
    return a;
  }
  // The error's field, or "" (and the status checked).
  static std::string field_of(const HttpResponse& r, int status) {
    EXPECT_EQ(r.status, status) << r.body;
    const Json body = Json::parse(r.body, nullptr, false);
    if (!body.is_object() || !body.contains("error")) return "<no error>";
    return body["error"].value("field", "");
  }
  static std::string message_of(const HttpResponse& r) {
    return Json::parse(r.body)["error"]["message"].get<std::string>();
  }
  std::int64_t create(const AuthContext& who, const std::string& body) {
    const auto r = call(kCreate, who, {}, body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? Json::parse(r.body)["id"].get<std::int64_t>() : 0;
  }

  static constexpr const char* kList = "GET /api/v1/contacts";
  static constexpr const char* kCreate = "POST /api/v1/contacts";
  static constexpr const char* kGet = "GET /api/v1/contacts/{id}";
  static constexpr const char* kPut = "PUT /api/v1/contacts/{id}";
  static constexpr const char* kDelete = "DELETE /api/v1/contacts/{id}";
  static constexpr const char* kExternal = "PUT /api/v1/contacts/external/{external_id}";
  static constexpr const char* kDeal = "POST /api/v1/deals";
  static constexpr const char* kPutDeal = "PUT /api/v1/deals/{id}";
  static constexpr const char* kDeleteDeal = "DELETE /api/v1/deals/{id}";
  static constexpr const char* kCard = "GET /api/v1/caller-card";
  static constexpr const char* kImport = "POST /api/v1/contacts/import";

  HttpResponse import(const AuthContext& who, std::string csv, std::string query = {},
                      std::string_view content_type = "text/csv; charset=utf-8") {
    return routes_.call(kImport, who, query, std::move(csv), {}, content_type);
  }
  std::string scalar(const std::string& sql) {
    auto s = db_.prepare(sql);
    EXPECT_TRUE(s);
    if (!s) return {};
    auto row = s->step();
    EXPECT_TRUE(row && *row) << sql;
    return row && *row ? s->column_text(0) : "<no row>";
  }

  FakeClock clock_;
  testing::CapturedRoutes routes_;
  const AuthContext admin_ = user(1, "1001", Role::admin);
};

constexpr const char* kOlena =
    R"({"name": "Olena Koval", "company": "Roshen", "owner": "1002", "email": "o@example.com",
        "notes": "Mornings", "phones": ["050 111 22 33", {"number": "+380 (50) 111-22-34",
        "label": "work"}]})";

TEST_F(ContactRoutesTest, TheRolesEachRouteNeeds) {
  EXPECT_EQ(routes_.minimum(kList), Role::operator_);
  EXPECT_EQ(routes_.minimum(kCreate), Role::operator_);
  EXPECT_EQ(routes_.minimum(kGet), Role::operator_);
  EXPECT_EQ(routes_.minimum(kPut), Role::operator_);
  EXPECT_EQ(routes_.minimum(kDelete), Role::head);
  EXPECT_EQ(routes_.minimum(kExternal), Role::manager);
  EXPECT_EQ(routes_.minimum(kDeal), Role::manager);
  EXPECT_EQ(routes_.minimum(kDeleteDeal), Role::manager);
  EXPECT_EQ(routes_.minimum(kCard), Role::operator_);
  EXPECT_EQ(routes_.minimum(kImport), Role::head);
}

TEST_F(ContactRoutesTest, CreateReadReplaceDelete) {
  const auto created = call(kCreate, admin_, {}, kOlena);
  ASSERT_EQ(created.status, 201) << created.body;
  const Json c = Json::parse(created.body);
  EXPECT_EQ(c["name"], "Olena Koval");
  EXPECT_EQ(c["company"], "Roshen");
  EXPECT_EQ(c["owner"], "1002");
  EXPECT_EQ(c["email"], "o@example.com");
  EXPECT_EQ(c["notes"], "Mornings");
  EXPECT_TRUE(c["external_id"].is_null());
  EXPECT_EQ(c["phones"], Json::parse(R"([{"number": "+380501112233", "label": ""},
                                         {"number": "+380501112234", "label": "work"}])"));
  EXPECT_EQ(c["created_at"], "2027-01-15T09:00:00.000Z");
  const std::int64_t id = c["id"].get<std::int64_t>();

  const auto got = with_id(kGet, user(1, "1002", Role::operator_), id);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(Json::parse(got.body)["deals"], Json::array());
  EXPECT_EQ(Json::parse(got.body)["phones"], c["phones"]);

  const auto replaced =
      with_id(kPut, admin_, id, R"({"name": "Olena K", "phones": ["0671112233"]})");
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  const Json r = Json::parse(replaced.body);
  EXPECT_EQ(r["id"], id);
  EXPECT_EQ(r["name"], "Olena K");
  EXPECT_EQ(r["company"], "");
  EXPECT_EQ(r["owner"], "");
  EXPECT_EQ(r["phones"], Json::parse(R"([{"number": "+380671112233", "label": ""}])"));

  EXPECT_EQ(with_id(kDelete, admin_, id).status, 204);
  EXPECT_EQ(with_id(kGet, admin_, id).status, 404);
  EXPECT_EQ(with_id(kDelete, admin_, id).status, 404);
}

TEST_F(ContactRoutesTest, FieldErrorsNameTheField) {
  EXPECT_EQ(field_of(call(kCreate, admin_, {}, R"({"phones": []})"), 400), "name");
  EXPECT_EQ(field_of(call(kCreate, admin_, {}, R"({"name": ""})"), 400), "name");
  EXPECT_EQ(field_of(call(kCreate, admin_, {}, R"({"name": 5})"), 400), "name");
  EXPECT_EQ(field_of(call(kCreate, admin_, {}, R"({"name": "A", "phone": []})"), 400), "phone");
  EXPECT_EQ(field_of(call(kCreate, admin_, {}, R"({"name": "A", "phones": "0501112233"})"), 400),
            "phones");
  EXPECT_EQ(field_of(call(kCreate, admin_, {}, R"({"name": "A", "phones": [5]})"), 400),
            "phones[0]");
  EXPECT_EQ(field_of(call(kCreate, admin_, {},
                          R"({"name": "A", "phones": [{"number": "0501112233", "kind": "x"}]})"),
                     400),
            "phones[0].kind");
  EXPECT_EQ(field_of(call(kCreate, admin_, {},
                          R"({"name": "A", "phones": [{"number": "0501112233", "label": 1}]})"),
                     400),
            "phones[0].label");
  EXPECT_EQ(field_of(call(kCreate, admin_, {},
                          R"({"name": "A", "phones": ["0501112233", "not a number"]})"),
                     400),
            "phones[1]");
  const auto twice =
      call(kCreate, admin_, {}, R"({"name": "A", "phones": ["0501112233", "+380501112233"]})");
  EXPECT_EQ(field_of(twice, 400), "phones[1]");
  const auto owner = call(kCreate, admin_, {}, R"({"name": "A", "owner": "2001"})");
  EXPECT_EQ(field_of(owner, 400), "owner");
  EXPECT_EQ(message_of(owner), "owner: unknown user \"2001\"");
  EXPECT_EQ(field_of(call(kCreate, admin_, {}, R"({"name": "A", "notes": 5})"), 400), "notes");
  EXPECT_EQ(call(kCreate, admin_, {}, R"(["name"])").status, 400);
  // Nothing was stored.
  EXPECT_EQ(Json::parse(call(kList, admin_).body)["total"], 0);
}

TEST_F(ContactRoutesTest, ANumberTakenByAnotherContactIsAConflictNamingIt) {
  const std::int64_t olena = create(admin_, kOlena);
  const auto taken =
      call(kCreate, admin_, {}, R"({"name": "Petro", "phones": ["0931234567", "0501112234"]})");
  EXPECT_EQ(field_of(taken, 409), "phones[1]");
  EXPECT_EQ(message_of(taken), "phones[1]: +380501112234 already belongs to Olena Koval");
  const std::int64_t petro = create(admin_, R"({"name": "Petro", "phones": ["0931234567"]})");
  EXPECT_EQ(
      field_of(with_id(kPut, admin_, petro, R"({"name": "Petro", "phones": ["0501112233"]})"), 409),
      "phones[0]");
  // Another company may know the same number.
  EXPECT_EQ(call(kCreate, user(2, "2001", Role::admin), {}, kOlena).status, 400)
      << "its owner 1002 is not a user of company 2";
  EXPECT_EQ(call(kCreate, user(2, "2001", Role::admin), {},
                 R"({"name": "Olena", "phones": ["0501112233"]})")
                .status,
            201);
  EXPECT_NE(olena, petro);
}

TEST_F(ContactRoutesTest, AnotherCompanysContactIsNotFound) {
  const std::int64_t id = create(admin_, kOlena);
  const auto other = user(2, "2001", Role::admin);
  EXPECT_EQ(field_of(with_id(kGet, other, id), 404), "id");
  EXPECT_EQ(with_id(kPut, other, id, R"({"name": "Mine"})").status, 404);
  EXPECT_EQ(with_id(kDelete, other, id).status, 404);
  EXPECT_EQ(Json::parse(call(kList, other).body)["total"], 0);
  EXPECT_EQ(Json::parse(with_id(kGet, admin_, id).body)["name"], "Olena Koval");
  // Ids that are no ids.
  EXPECT_EQ(call(kGet, admin_, {}, {}, {{"id", "x"}}).status, 404);
  EXPECT_EQ(call(kGet, admin_, {}, {}, {{"id", "0"}}).status, 404);
}

TEST_F(ContactRoutesTest, ListSearchesAndPages) {
  create(admin_, kOlena);
  create(admin_, R"({"name": "Petro Bondar", "phones": ["0671234567"]})");
  create(admin_, R"({"name": "Oleh", "phones": ["0931234567"]})");
  const auto names = [&](const std::string& query) {
    const auto r = call(kList, admin_, query);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> out;
    const Json body = Json::parse(r.body);
    for (const auto& item : body["items"])
      out.push_back(item["name"].get<std::string>());
    return out;
  };
  EXPECT_EQ(names(""), (std::vector<std::string>{"Oleh", "Olena Koval", "Petro Bondar"}));
  EXPECT_EQ(names("q=ol"), (std::vector<std::string>{"Oleh", "Olena Koval"}));
  EXPECT_EQ(names("q=067"), std::vector<std::string>{"Petro Bondar"});
  EXPECT_EQ(names("q=+38050"), std::vector<std::string>{"Olena Koval"});
  // A '+' the client did not percent-encode arrives as a space.
  EXPECT_EQ(names("q= 38050"), std::vector<std::string>{"Olena Koval"});
  EXPECT_EQ(names("limit=1&offset=1"), std::vector<std::string>{"Olena Koval"});
  EXPECT_EQ(Json::parse(call(kList, admin_, "limit=1").body)["total"], 3);
  for (const char* bad : {"limit=0", "limit=201", "limit=x", "offset=-1", "offset=1000001"}) {
    EXPECT_EQ(call(kList, admin_, bad).status, 400) << bad;
  }
  EXPECT_EQ(field_of(call(kList, admin_, "q=" + std::string(101, 'a')), 400), "q");
}

TEST_F(ContactRoutesTest, AnOutsideCrmUpsertsByItsKey) {
  const auto first = call(kExternal, admin_, {}, R"({"name": "Olena", "phones": ["0501112233"]})",
                          {{"external_id", "crm-17"}});
  ASSERT_EQ(first.status, 200) << first.body;
  const auto second =
      call(kExternal, admin_, {}, R"({"name": "Olena Koval"})", {{"external_id", "crm-17"}});
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(Json::parse(second.body)["id"], Json::parse(first.body)["id"]);
  EXPECT_EQ(Json::parse(second.body)["external_id"], "crm-17");
  EXPECT_EQ(Json::parse(second.body)["phones"], Json::array());
  EXPECT_EQ(Json::parse(call(kList, admin_).body)["total"], 1);
}

TEST_F(ContactRoutesTest, Deals) {
  const std::int64_t id = create(admin_, kOlena);
  const auto deal =
      call(kDeal, admin_, {},
           R"({"contact_id": )" + std::to_string(id) + R"(, "title": "Sweets", "owner": "1002"})");
  ASSERT_EQ(deal.status, 201) << deal.body;
  const Json d = Json::parse(deal.body);
  EXPECT_EQ(d["stage"], "new");
  EXPECT_EQ(d["open"], true);
  EXPECT_EQ(d["contact_id"], id);
  const std::int64_t deal_id = d["id"].get<std::int64_t>();
  const auto closed = with_id(kPutDeal, admin_, deal_id,
                              R"({"contact_id": )" + std::to_string(id) +
                                  R"(, "title": "Sweets", "stage": "won", "open": false})");
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(Json::parse(closed.body)["open"], false);
  const Json contact = Json::parse(with_id(kGet, admin_, id).body);
  ASSERT_EQ(contact["deals"].size(), 1u);
  EXPECT_EQ(contact["deals"][0]["stage"], "won");

  EXPECT_EQ(field_of(call(kDeal, admin_, {}, R"({"title": "x"})"), 400), "contact_id");
  EXPECT_EQ(field_of(call(kDeal, admin_, {}, R"({"contact_id": "1", "title": "x"})"), 400),
            "contact_id");
  EXPECT_EQ(field_of(call(kDeal, admin_, {},
                          R"({"contact_id": )" + std::to_string(id) + R"(, "title": "x",
                              "open": "yes"})"),
                     400),
            "open");
  EXPECT_EQ(field_of(call(kDeal, admin_, {},
                          R"({"contact_id": )" + std::to_string(id) + R"(, "title": "x",
                              "owner": "nobody"})"),
                     400),
            "owner");
  // Another company's contact is no contact.
  EXPECT_EQ(field_of(call(kDeal, user(2, "2001", Role::admin), {},
                          R"({"contact_id": )" + std::to_string(id) + R"(, "title": "x"})"),
                     400),
            "contact_id");
  EXPECT_EQ(with_id(kDeleteDeal, user(2, "2001", Role::admin), deal_id).status, 404);
  EXPECT_EQ(with_id(kDeleteDeal, admin_, deal_id).status, 204);
  EXPECT_EQ(with_id(kDeleteDeal, admin_, deal_id).status, 404);
}

TEST_F(ContactRoutesTest, TheCallerCard) {
  EXPECT_EQ(field_of(call(kCard, admin_), 400), "number");
  EXPECT_EQ(field_of(call(kCard, admin_, "number="), 400), "number");
  EXPECT_EQ(field_of(call(kCard, admin_, "number=call-me"), 400), "number");

  const auto unknown = call(kCard, admin_, "number=0501112233");
  ASSERT_EQ(unknown.status, 200) << unknown.body;
  const Json u = Json::parse(unknown.body);
  EXPECT_EQ(u["number"], "+380501112233");
  EXPECT_EQ(u["primary"], true);
  EXPECT_TRUE(u["contact"].is_null());
  EXPECT_EQ(u["deals"], Json::array());
  EXPECT_EQ(u["recent_calls"], Json::array());
  EXPECT_TRUE(u["open_task"].is_null());

  // A '+' the client did not percent-encode arrives as a space: a foreign number still reads.
  const auto foreign = call(kCard, admin_, "number= 48221234567");
  ASSERT_EQ(foreign.status, 200) << foreign.body;
  EXPECT_EQ(Json::parse(foreign.body)["number"], "+48221234567");

  const std::int64_t id = create(admin_, kOlena);
  ASSERT_TRUE(
      db_.execute("INSERT INTO calls (id, tenant_id, caller, called, started_at, outcome) VALUES "
                  "('c1', 1, '+380501112234', '500', 1000, 'missed: no answer'),"
                  "('c2', 1, '+380501112234', '500', 2000, NULL);"));
  const auto known =
      call(kCard, user(1, "1002", Role::operator_), "number=+380501112234&call_id=c2");
  ASSERT_EQ(known.status, 200) << known.body;
  const Json k = Json::parse(known.body);
  EXPECT_EQ(k["primary"], false);
  EXPECT_EQ(k["contact"]["id"], id);
  ASSERT_EQ(k["recent_calls"].size(), 1u);
  EXPECT_EQ(k["recent_calls"][0]["id"], "c1");
  EXPECT_EQ(k["recent_calls"][0]["started_at"], "1970-01-01T00:00:01.000Z");
  EXPECT_EQ(k["recent_calls"][0]["outcome"], "missed: no answer");
  // Another company sees no contact for it.
  EXPECT_TRUE(
      Json::parse(call(kCard, user(2, "2001", Role::admin), "number=0501112234").body)["contact"]
          .is_null());
}

constexpr const char* kContactsCsv =
    "\xEF\xBB\xBFname;phone;company;owner\r\n"
    "\xD0\x9E\xD0\xBB\xD0\xB5\xD0\xBD\xD0\xB0 \xD0\x9A\xD0\xBE\xD0\xB2\xD0\xB0\xD0\xBB\xD1\x8C;"
    "050 111 22 33;Roshen;1002\r\n"
    "Petro;\"067 222 33 44, 067 222 33 45\";;\r\n"
    ";093 000 00 00;;\r\n"
    "Ivan;12ab;;\r\n";

TEST_F(ContactRoutesTest, ImportADryRunThenForReal) {
  const auto dry = import(admin_, kContactsCsv, "dry_run=true");
  ASSERT_EQ(dry.status, 200) << dry.body;
  const Json d = Json::parse(dry.body);
  EXPECT_EQ(d["dry_run"], true);
  EXPECT_EQ(d["created"], 2);
  EXPECT_EQ(d["updated"], 0);
  EXPECT_EQ(d["unchanged"], 0);
  EXPECT_EQ(d["skipped"], 2);
  ASSERT_EQ(d["errors"].size(), 2u);
  EXPECT_EQ(d["errors"][0]["line"], 4);
  EXPECT_EQ(d["errors"][0]["message"], "name: required");
  EXPECT_EQ(d["errors"][1]["line"], 5);
  EXPECT_EQ(d["warnings"], Json::array());
  EXPECT_EQ(scalar("SELECT count(*) FROM contacts"), "0");

  const auto real = import(admin_, kContactsCsv, "dry_run=false");
  ASSERT_EQ(real.status, 200) << real.body;
  const Json r = Json::parse(real.body);
  EXPECT_EQ(r["dry_run"], false);
  EXPECT_EQ(r["created"], 2);
  EXPECT_EQ(r["errors"], d["errors"]);
  EXPECT_EQ(scalar("SELECT count(*) FROM contacts"), "2");
  // Found by the search as typed, in any case.
  const auto olena = call(kList, admin_, "q=\xD0\xBE\xD0\xBB\xD0\xB5\xD0\xBD\xD0\xB0");
  ASSERT_EQ(olena.status, 200) << olena.body;
  ASSERT_EQ(Json::parse(olena.body)["total"], 1) << olena.body;
  EXPECT_EQ(Json::parse(olena.body)["items"][0]["owner"], "1002");
  EXPECT_EQ(Json::parse(olena.body)["items"][0]["company"], "Roshen");

  // Again: nothing new, nothing changed.
  const Json again = Json::parse(import(admin_, kContactsCsv).body);
  EXPECT_EQ(again["created"], 0);
  EXPECT_EQ(again["unchanged"], 2);
}

TEST_F(ContactRoutesTest, ImportRefusalsAreJsonErrors) {
  // Not CSV by its Content-Type.
  const auto json_body = import(admin_, kContactsCsv, {}, "application/json");
  EXPECT_EQ(field_of(json_body, 415), "Content-Type");
  EXPECT_EQ(field_of(import(admin_, "", {}, "text/plain"), 415), "Content-Type");
  // dry_run is true or false.
  EXPECT_EQ(field_of(import(admin_, kContactsCsv, "dry_run=yes"), 400), "dry_run");
  // A file that cannot be read: 422 naming the line, or the header.
  const auto open_quote = import(admin_, "name,notes\nA,\"open\nB,x\n");
  EXPECT_EQ(open_quote.status, 422);
  EXPECT_EQ(Json::parse(open_quote.body)["error"]["code"], "unprocessable");
  EXPECT_EQ(message_of(open_quote), "line 2: a quoted field is never closed (a \" is missing)");
  EXPECT_EQ(field_of(import(admin_, "phone\n0501112233\n"), 422), "header");
  EXPECT_EQ(message_of(import(admin_, "\r\n")), "the file is empty");
  const auto cp1251 = import(admin_, "name\n\xCE\xEB\xE5\xED\xE0\n");
  EXPECT_EQ(cp1251.status, 422);
  EXPECT_EQ(message_of(cp1251).rfind("line 2: not UTF-8 text", 0), 0u);
  // Too large.
  const auto big = import(admin_, std::string(crm::kMaxImportBytes + 1, 'x'));
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(Json::parse(big.body)["error"]["code"], "body_too_large");
  EXPECT_EQ(scalar("SELECT count(*) FROM contacts"), "0");
}

TEST_F(ContactRoutesTest, ImportKeepsCompaniesApart) {
  ASSERT_EQ(import(user(2, "2001", Role::admin), "name,phone\nB's,0501112233\n").status, 200);
  ASSERT_EQ(import(admin_, "name,phone\nA's,0501112233\n").status, 200);
  EXPECT_EQ(scalar("SELECT group_concat(tenant_id || ':' || name, ' ') FROM "
                   "(SELECT * FROM contacts ORDER BY tenant_id)"),
            "1:A's 2:B's");
}

// Through the real authentication: the role is enforced before the file is read, and a real
// import (not a dry run) is in the audit log.
class ContactImportAuthTest : public testing::AuthFixture {
 protected:
  void SetUp() override {
    AuthFixture::SetUp();
    add_contact_routes(
        [this](std::string_view method, std::string_view pattern, Role minimum,
               AuthedHandler handler) {
          auth_->add_authed(router_, method, pattern, minimum, std::move(handler));
        },
        std::make_shared<CrmStores>(path_, clock_));
  }
  HttpResponse post_csv(const std::string& token, std::string target, std::string csv) {
    return call("POST", std::move(target), std::move(csv),
                {{"Authorization", "Bearer " + token}, {"Content-Type", "text/csv"}});
  }
};

TEST_F(ContactImportAuthTest, AManagerIsRefusedAHeadImportsAndItIsAudited) {
  const std::string csv = "name,phone\nOlena,0501112233\n";
  const auto manager = post_csv(token_for("manager@a.example.com"), "/api/v1/contacts/import", csv);
  EXPECT_EQ(manager.status, 403);
  EXPECT_EQ(error_code(manager), "forbidden");
  EXPECT_EQ(post_csv(token_for("operator@a.example.com"), "/api/v1/contacts/import", csv).status,
            403);
  EXPECT_EQ(count("SELECT count(*) FROM contacts"), 0);

  const std::string head = token_for("head@a.example.com");
  const auto dry = post_csv(head, "/api/v1/contacts/import?dry_run=true", csv);
  ASSERT_EQ(dry.status, 200) << dry.body;
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'import'"), 0);

  const auto real = post_csv(head, "/api/v1/contacts/import", csv);
  ASSERT_EQ(real.status, 200) << real.body;
  EXPECT_EQ(body_of(real)["created"], 1);
  EXPECT_EQ(count("SELECT count(*) FROM contacts"), 1);
  EXPECT_EQ(scalar("SELECT created_by FROM contacts"), "")
      << "imported, not captured: the weekly report does not count it";
  EXPECT_EQ(scalar("SELECT u.username || ' ' || a.resource || ' ' || a.detail FROM audit_log a "
                   "JOIN users u ON u.id = a.user_id WHERE a.action = 'import'"),
            "101 contacts created 1, updated 0, skipped 0, via API token");
  // An admin may too; an import that changes nothing is not audited again.
  const auto admin = post_csv(token_for("admin@a.example.com"), "/api/v1/contacts/import", csv);
  ASSERT_EQ(admin.status, 200) << admin.body;
  EXPECT_EQ(body_of(admin)["unchanged"], 1);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'import'"), 1);
}

TEST_F(ContactImportAuthTest, ABrowserSessionNeedsItsCsrfToken) {
  const testing::Credentials head = session_for("head@a.example.com");
  const auto no_csrf =
      call("POST", "/api/v1/contacts/import", "name\nA\n",
           {{"Cookie", "dzvin_session=" + head.cookie}, {"Content-Type", "text/csv"}});
  EXPECT_EQ(no_csrf.status, 403);
  EXPECT_EQ(error_code(no_csrf), "csrf");
  const auto with_csrf = call("POST", "/api/v1/contacts/import", "name\nA\n",
                              {{"Cookie", "dzvin_session=" + head.cookie},
                               {"X-CSRF-Token", head.csrf},
                               {"Content-Type", "text/csv"}});
  EXPECT_EQ(with_csrf.status, 200) << with_csrf.body;
}

}  // namespace
}  // namespace dzvin::http
