#include "http/json_body.hpp"

#include <gtest/gtest.h>

#include <string>

#include "http/api_error.hpp"
#include "store/database.hpp"

namespace dzvin::http {
namespace {

HttpRequest request_with(std::string body, std::string content_type = "application/json") {
  HttpRequest request;
  request.method = "POST";
  request.target = "/api/v1/things";
  if (!content_type.empty()) request.headers.emplace_back("Content-Type", content_type);
  request.body = std::move(body);
  return request;
}

std::string field_of(const HttpResponse& response) {
  const auto body = nlohmann::json::parse(response.body);
  return body["error"].value("field", "");
}

TEST(JsonBodyTest, ReadsAnObjectOfKnownFields) {
  const auto body = parse_json_object(
      request_with(R"({"name": "Olena", "role": "head"})", "Application/JSON; charset=utf-8"),
      {"name", "role", "mobile"});
  ASSERT_TRUE(body) << body.error().message;
  EXPECT_EQ((*body)["name"], "Olena");
  const auto name = required_string(*body, "name", 100);
  ASSERT_TRUE(name);
  EXPECT_EQ(*name, "Olena");
  const auto mobile = optional_string(*body, "mobile", 16);
  ASSERT_TRUE(mobile);
  EXPECT_FALSE(*mobile);
}

TEST(JsonBodyTest, Answers415WithoutTheJsonContentType) {
  for (const std::string& type :
       {std::string(), std::string("text/plain"), std::string("application/x-www-form-urlencoded"),
        std::string("application/jsonp")}) {
    const auto body = parse_json_object(request_with("{}", type), {});
    ASSERT_FALSE(body) << type;
    EXPECT_EQ(body.error().code, 415) << type;
  }
}

TEST(JsonBodyTest, Answers413ForABodyOverTheLimit) {
  const std::string big = R"({"name": ")" + std::string(kMaxJsonBody, 'x') + "\"}";
  const auto body = parse_json_object(request_with(big), {"name"});
  ASSERT_FALSE(body);
  EXPECT_EQ(body.error().code, 413);
  EXPECT_EQ(api_error_response(body.error()).status, 413);
}

TEST(JsonBodyTest, MalformedJsonIsA400ThatSaysWhere) {
  for (const std::string& text :
       {std::string("{"), std::string(R"({"name": })"), std::string(R"({'name': 1})"),
        std::string(R"({"name": "x"} trailing)"), std::string("\xff\xfe"), std::string("")}) {
    const auto body = parse_json_object(request_with(text), {"name"});
    ASSERT_FALSE(body) << text;
    EXPECT_EQ(body.error().code, 400) << text;
    EXPECT_TRUE(body.error().message.starts_with("malformed JSON (byte ")) << body.error().message;
    const HttpResponse response = api_error_response(body.error());
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(field_of(response), "");
  }
}

TEST(JsonBodyTest, OnlyAnObjectIsABody) {
  for (const char* text : {"[]", "\"name\"", "42", "null"}) {
    const auto body = parse_json_object(request_with(text), {"name"});
    ASSERT_FALSE(body) << text;
    EXPECT_EQ(body.error().message, "the body must be a JSON object");
  }
}

TEST(JsonBodyTest, AnUnknownFieldIsA400NamingIt) {
  const auto body =
      parse_json_object(request_with(R"({"name": "x", "is_admin": true})"), {"name", "role"});
  ASSERT_FALSE(body);
  EXPECT_EQ(body.error().code, 400);
  const HttpResponse response = api_error_response(body.error());
  EXPECT_EQ(field_of(response), "is_admin");
  EXPECT_NE(body.error().message.find("allowed: name, role"), std::string::npos);
}

TEST(JsonBodyTest, AFieldGivenTwiceIsRefused) {
  const auto body =
      parse_json_object(request_with(R"({"role": "manager", "role": "admin"})"), {"role"});
  ASSERT_FALSE(body);
  EXPECT_EQ(error_field(body.error()), "role");
}

TEST(JsonBodyTest, DeepNestingIsRefused) {
  const std::string deep = R"({"name": )" + std::string(100, '[') + std::string(100, ']') + "}";
  const auto body = parse_json_object(request_with(deep), {"name"});
  ASSERT_FALSE(body);
  EXPECT_EQ(body.error().code, 400);
  EXPECT_NE(body.error().message.find("deeper"), std::string::npos);
}

TEST(JsonBodyTest, TypedGettersNameTheFieldAtFault) {
  const auto object = nlohmann::json::parse(
      R"({"number": 5, "null": null, "list": ["a"], "long": "abcdef", "tab": "a\tb", "ok": "x"})");
  for (const char* field : {"number", "null", "list"}) {
    const auto value = optional_string(object, field, 10);
    ASSERT_FALSE(value) << field;
    EXPECT_EQ(value.error().message, std::string(field) + ": must be a string");
    EXPECT_EQ(api_error_response(value.error()).status, 400);
    EXPECT_EQ(field_of(api_error_response(value.error())), field);
  }
  EXPECT_FALSE(optional_string(object, "long", 5));
  EXPECT_TRUE(optional_string(object, "long", 6));
  EXPECT_FALSE(optional_string(object, "tab", 10));
  const auto missing = required_string(object, "absent", 10);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "absent: is required");
}

TEST(ApiErrorTest, MapsStoreErrorsAndHidesInternalOnes) {
  const HttpResponse conflict =
      api_error_response(make_error(store::kConflict, "username: '100' already exists"));
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(field_of(conflict), "username");
  EXPECT_EQ(api_error_response(make_error(store::kNotFound, "gone")).status, 404);
  EXPECT_EQ(api_error_response(make_error(store::kInvalid, "email: bad")).status, 400);
  const HttpResponse internal =
      api_error_response(make_error(store::kDatabaseError, "near \"SELEC\": syntax error"));
  EXPECT_EQ(internal.status, 500);
  EXPECT_EQ(internal.body.find("SELEC"), std::string::npos);
  EXPECT_EQ(error_field(make_error(400, "malformed JSON (byte 3): x")), "");
  EXPECT_EQ(error_field(make_error(400, "X-CSRF-Token: missing")), "X-CSRF-Token");
}

}  // namespace
}  // namespace dzvin::http
