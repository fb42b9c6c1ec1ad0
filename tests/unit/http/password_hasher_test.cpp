#include "http/password_hasher.hpp"

#include <gtest/gtest.h>

#include <string>

namespace dzvin::http {
namespace {

TEST(PasswordHasherTest, HashesToAnArgon2idPhcStringThatVerifies) {
  const auto hash = hash_password("correct horse battery");
  ASSERT_TRUE(hash) << hash.error().message;
  // OWASP parameters: m=19 MiB, t=2, p=1.
  EXPECT_TRUE(hash->starts_with("$argon2id$v=19$m=19456,t=2,p=1$")) << *hash;
  EXPECT_EQ(hash->find("correct horse"), std::string::npos);
  EXPECT_TRUE(verify_password("correct horse battery", *hash));
}

TEST(PasswordHasherTest, AWrongPasswordDoesNotVerify) {
  const auto hash = hash_password("correct horse battery");
  ASSERT_TRUE(hash);
  EXPECT_FALSE(verify_password("correct horse batterY", *hash));
  EXPECT_FALSE(verify_password("correct horse battery ", *hash));
  EXPECT_FALSE(verify_password("", *hash));
}

TEST(PasswordHasherTest, EachHashHasItsOwnSalt) {
  const auto a = hash_password("same password");
  const auto b = hash_password("same password");
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(verify_password("same password", *a));
  EXPECT_TRUE(verify_password("same password", *b));
}

TEST(PasswordHasherTest, RefusesPasswordsOutside8To256BytesNamingTheField) {
  for (const std::string& password : {std::string(), std::string(7, 'x'), std::string(257, 'x')}) {
    const auto hash = hash_password(password);
    ASSERT_FALSE(hash) << password.size();
    EXPECT_EQ(hash.error().code, 400);
    EXPECT_TRUE(hash.error().message.starts_with("password: ")) << hash.error().message;
  }
  EXPECT_TRUE(validate_password(std::string(8, 'x')));
  EXPECT_TRUE(validate_password(std::string(256, 'x')));
  const auto named = validate_password("short", "sip_password");
  ASSERT_FALSE(named);
  EXPECT_TRUE(named.error().message.starts_with("sip_password: "));
}

TEST(PasswordHasherTest, AnythingButAnArgon2idHashNeverMatches) {
  EXPECT_FALSE(verify_password("password1", ""));
  EXPECT_FALSE(verify_password("password1", "password1"));
  EXPECT_FALSE(verify_password("password1", "$argon2i$v=19$m=19456,t=2,p=1$YWJj$YWJj"));
  EXPECT_FALSE(verify_password("password1", "$argon2id$v=19$m=19456,t=2,p=1$garbage"));
}

}  // namespace
}  // namespace dzvin::http
