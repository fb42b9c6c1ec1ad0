#include "sip/header_values.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dzvin::sip {
namespace {

std::vector<std::string> elements(std::string_view value) {
  std::vector<std::string> out;
  for (std::string_view v : CommaList(value))
    out.emplace_back(v);
  return out;
}

TEST(CommaList, SplitsAndTrims) {
  EXPECT_EQ(elements("a, b ,c"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(elements("single"), (std::vector<std::string>{"single"}));
  EXPECT_TRUE(elements("").empty());
  EXPECT_TRUE(elements("  \t ").empty());
  EXPECT_EQ(elements("a,,b,"), (std::vector<std::string>{"a", "b"}));
}

TEST(CommaList, RespectsQuotesEscapesAndAngleBrackets) {
  EXPECT_EQ(
      elements(R"("Watson, Thomas" <sip:t@example.org>, <sip:b@x;a=1,2>)"),
      (std::vector<std::string>{R"("Watson, Thomas" <sip:t@example.org>)", "<sip:b@x;a=1,2>"}));
  EXPECT_EQ(elements(R"("a \", b" <sip:x@y>, c)"),
            (std::vector<std::string>{R"("a \", b" <sip:x@y>)", "c"}));
  // An unterminated quote makes the rest one element; its parser reports it.
  EXPECT_EQ(elements(R"(a, "b, c)"), (std::vector<std::string>{"a", R"("b, c)"}));
}

TEST(CommaList, IteratorsCompare) {
  CommaList list("x, y");
  auto it = list.begin();
  EXPECT_NE(it, list.end());
  ++it;
  EXPECT_EQ(*it, "y");
  it++;
  EXPECT_EQ(it, list.end());
}

TEST(FindParam, FindsByCaseInsensitiveName) {
  const std::string_view params = ";branch=z9hG4bK1 ; RPort;Received = 192.0.2.1;q=\"a;b\";x";
  EXPECT_EQ(find_param(params, "branch"), "z9hG4bK1");
  EXPECT_EQ(find_param(params, "rport"), "");
  EXPECT_EQ(find_param(params, "received"), "192.0.2.1");
  EXPECT_EQ(find_param(params, "q"), "\"a;b\"");
  EXPECT_EQ(find_param(params, "x"), "");
  EXPECT_FALSE(find_param(params, "b").has_value());
  EXPECT_FALSE(find_param("", "x").has_value());
  EXPECT_EQ(find_param("tag=1", "tag"), "1");
}

TEST(ParamList, YieldsEmptyItems) {
  ParamList list(";a=1;;b");
  std::string_view item;
  std::vector<std::string> items;
  while (list.next(item))
    items.emplace_back(item);
  EXPECT_EQ(items, (std::vector<std::string>{"a=1", "", "b"}));
}

TEST(Unquote, ResolvesEscapes) {
  EXPECT_EQ(*unquote(R"("J Rosenberg \\\"")"), R"(J Rosenberg \")");
  EXPECT_EQ(*unquote(R"("")"), "");
  EXPECT_EQ(*unquote("token"), "token");
  EXPECT_FALSE(unquote(R"("open)").ok());
  EXPECT_FALSE(unquote(R"("a" b)").ok());
  EXPECT_FALSE(unquote(R"("a\")").ok());
}

TEST(TrimLws, TrimsBothEnds) {
  EXPECT_EQ(trim_lws(" \t a b \r\n"), "a b");
  EXPECT_EQ(trim_lws(""), "");
  EXPECT_EQ(trim_lws("   "), "");
}

TEST(Iequals, IgnoresAsciiCaseOnly) {
  EXPECT_TRUE(iequals("Call-ID", "call-id"));
  EXPECT_FALSE(iequals("Call-ID", "call-i"));
  EXPECT_FALSE(iequals("a", "\xc1"));
}

TEST(Token, MatchesRfc3261) {
  EXPECT_TRUE(is_token("!interesting-Method0123456789_*+`.%indeed'~"));
  EXPECT_FALSE(is_token(""));
  EXPECT_FALSE(is_token("a b"));
  EXPECT_FALSE(is_token("a,b"));
  EXPECT_FALSE(is_token("\xc3\xa9"));
}

TEST(QuotedStringEnd, SkipsEscapes) {
  EXPECT_EQ(quoted_string_end(R"("ab" x)"), 4u);
  EXPECT_EQ(quoted_string_end(R"("a\"b")"), 6u);
  EXPECT_EQ(quoted_string_end(R"("a\")"), std::string_view::npos);
  EXPECT_EQ(quoted_string_end("x"), std::string_view::npos);
}

TEST(FindParam, PlainFirstParameterAndGeneralScanAgree) {
  // The fast path (the first parameter, written plainly) and the general scan must agree.
  EXPECT_EQ(find_param(";tag=abc", "tag"), "abc");
  EXPECT_EQ(find_param(";tag=abc;x=1", "tag"), "abc");
  EXPECT_EQ(find_param(";TaG=abc", "tag"), "abc");
  EXPECT_EQ(find_param(";tag= abc", "tag"), "abc");
  EXPECT_EQ(find_param(";tag=\"a;b\"", "tag"), "\"a;b\"");
  EXPECT_EQ(find_param(";tag=a b", "tag"), "a b");  // not plain: the general scan's answer
  EXPECT_EQ(find_param(";tagx=1;tag=2", "tag"), "2");
  EXPECT_EQ(find_param(";tag", "tag"), "");
  EXPECT_FALSE(find_param(";tags=1", "tag").has_value());
}

TEST(SpanOf, StopsAtTheFirstOctetOutsideTheTable) {
  const std::string s = "abcdefghij-klm.nop;rest";
  for (std::size_t from = 0; from <= 18; ++from) {
    EXPECT_EQ(span_of(detail::kTokenChars, s.data(), from, s.size()), 18u) << from;
  }
  EXPECT_EQ(span_of(detail::kTokenChars, s.data(), 0, 5), 5u);  // bounded by n
  EXPECT_EQ(span_of(detail::kTokenChars, s.data(), 19, s.size()), s.size());
  const std::string high = "ab\xc3\xa9";
  EXPECT_EQ(span_of(detail::kTokenChars, high.data(), 0, high.size()), 2u);
}

}  // namespace
}  // namespace dzvin::sip
