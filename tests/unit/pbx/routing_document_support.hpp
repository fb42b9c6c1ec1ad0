#pragma once
// What the routing-document tests share: parse expecting success or a 400, and a company of
// two users (anna 1002, bob 1003).
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "pbx/memory_directory.hpp"
#include "pbx/routing_document.hpp"

namespace dzvin::pbx::testing {

inline RoutingDocument parse_ok(std::string_view json) {
  auto r = parse_routing_document(json);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *std::move(r) : RoutingDocument{};
}

inline std::string parse_error(std::string_view json) {
  auto r = parse_routing_document(json);
  EXPECT_FALSE(r.ok()) << json;
  if (r.ok()) return "ok";
  EXPECT_EQ(r.error().code, 400);
  return r.error().message;
}

// The users the documents name; no prompts and no voicemail boxes of its own.
inline MemoryDirectory company() {
  MemoryDirectory d;
  d.add_user({"anna", "1002", "Anna Koval"});
  d.add_user({"bob", "1003", "Bohdan Melnyk"});
  return d;
}

}  // namespace dzvin::pbx::testing
