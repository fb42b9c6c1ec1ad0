#include "sip/name_addr.hpp"

#include <gtest/gtest.h>

namespace dzvin::sip {
namespace {

NameAddr parse_ok(std::string_view text) {
  auto r = parse_name_addr(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : NameAddr{};
}

TEST(NameAddr, QuotedDisplayName) {
  const NameAddr a = parse_ok(R"("J Rosenberg \\\"" <sip:jdrosen@example.com> ; tag = 98asjd8)");
  EXPECT_EQ(a.display_name, R"("J Rosenberg \\\"")");
  EXPECT_EQ(a.uri_text, "sip:jdrosen@example.com");
  EXPECT_EQ(a.uri.user, "jdrosen");
  EXPECT_EQ(a.tag(), "98asjd8");
  EXPECT_EQ(a.params, "; tag = 98asjd8");
}

TEST(NameAddr, TokenDisplayNameAndNoLws) {
  const NameAddr a = parse_ok("caller<sip:caller@example.com>;tag=323");
  EXPECT_EQ(a.display_name, "caller");
  EXPECT_EQ(a.tag(), "323");
  EXPECT_EQ(parse_ok("Bob Smith <sip:bob@x.com>").display_name, "Bob Smith");
  EXPECT_EQ(parse_ok("<sip:bob@x.com>").display_name, "");
}

TEST(NameAddr, AddrSpecParamsBelongToTheHeader) {
  const NameAddr a = parse_ok("sip:+19725552222@gw1.example.net;unknownparam");
  EXPECT_EQ(a.uri_text, "sip:+19725552222@gw1.example.net");
  EXPECT_TRUE(a.uri.params.empty());
  EXPECT_EQ(a.param("unknownparam"), "");
  const NameAddr b = parse_ok("<sip:+19725552222@gw1.example.net;unknownparam>");
  EXPECT_EQ(b.uri.params, ";unknownparam");
  EXPECT_FALSE(b.param("unknownparam").has_value());
}

TEST(NameAddr, OtherSchemes) {
  EXPECT_EQ(parse_ok("isbn:2983792873").uri.scheme, Uri::Scheme::other);
  EXPECT_EQ(parse_ok("<http://www.example.com>;tag=3234233").tag(), "3234233");
  EXPECT_EQ(parse_ok("<tel:+1-972-555-2222>").uri.scheme, Uri::Scheme::tel);
}

TEST(NameAddr, RejectsMalformed) {
  for (std::string_view bad :
       {"", "\"Mr. J. User <sip:j.user@example.com>", "Bell, Alexander <sip:a.g.bell@example.com>",
        "\"Watson, Thomas\" < sip:t.watson@example.org >", "<sip:a@b", "sip:a@b?x=y",
        "<sip:a@b> junk", "<sip:a@b>;;", "<sip:a@b>;tag=", "\"x\" sip:a@b", "<>",
        "<sip:a@b>;t=\"q"}) {
    EXPECT_FALSE(parse_name_addr(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace dzvin::sip
