// Contacts, deals and the caller card over HTTP, in process: field errors name the field (400),
// a number taken by another contact is a 409 naming it, another company's contact is a 404.
#include "http/contact_routes.hpp"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "captured_routes.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "temp_dir.hpp"

namespace dzvin::http {
namespace {

using Json = nlohmann::json;

class ContactRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.file("dzvin.db");
    auto opened = store::Database::open(path_);
    ASSERT_TRUE(opened);
    db_ = std::move(*opened);
    ASSERT_TRUE(store::migrate(db_));
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

  testing::TempDir dir_;
  std::string path_;
  store::Database db_;
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

}  // namespace
}  // namespace dzvin::http
