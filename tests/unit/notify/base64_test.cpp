#include "notify/base64.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <vector>

namespace dzvin::notify {
namespace {

TEST(Base64, Rfc4648TestVectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  for (std::string text : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    EXPECT_EQ(base64_decode(base64_encode(text)), text);
  }
}

TEST(Base64, EveryByteValueRoundTrips) {
  std::string bytes;
  for (int i = 0; i < 256 * 3 + 1; ++i)
    bytes += static_cast<char>(i * 7 % 256);
  EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes);
}

TEST(Base64, LinesAreWrappedWithCrlf) {
  std::vector<std::byte> bytes(100, std::byte{0xff});
  const std::string text = base64_encode_lines(bytes);
  // 100 bytes -> 136 characters -> 76 + 60
  EXPECT_EQ(text.substr(76, 2), "\r\n");
  EXPECT_EQ(text.size(), 136u + 4u);
  EXPECT_EQ(text.substr(text.size() - 2), "\r\n");
  EXPECT_EQ(base64_decode(text), std::string(100, '\xff'));
  EXPECT_EQ(base64_encode_lines({}), "");
}

TEST(Base64, RefusesMalformedText) {
  EXPECT_FALSE(base64_decode("Zm9"));       // not a multiple of four
  EXPECT_FALSE(base64_decode("Zm9v!A=="));  // outside the alphabet
  EXPECT_FALSE(base64_decode("Zg==Zm9v"));  // padding in the middle
  EXPECT_FALSE(base64_decode("Z==="));      // three pads
  EXPECT_FALSE(base64_decode("=Zm9"));
  EXPECT_EQ(base64_decode("Zm9v\r\nYmFy"), "foobar");
}

}  // namespace
}  // namespace dzvin::notify
