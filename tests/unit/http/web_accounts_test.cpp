#include "http/web_accounts.hpp"

#include <gtest/gtest.h>

#include "auth_fixture.hpp"
#include "http/password_hasher.hpp"
#include "store/user_repository.hpp"

namespace dzvin::http {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

class WebAccountsTest : public testing::AuthFixture {
 protected:
  WebUser user(std::string_view email) {
    auto found = auth_->accounts().find_by_email(email);
    EXPECT_TRUE(found && *found) << email;
    return found && *found ? **found : WebUser{};
  }
};

TEST_F(WebAccountsTest, FindsAUserByEmailIgnoringCaseAndSpaces) {
  const auto found = auth_->accounts().find_by_email("  Manager@B.Example.COM ");
  ASSERT_TRUE(found);
  ASSERT_TRUE(*found);
  EXPECT_EQ((*found)->username, "102");
  EXPECT_EQ((*found)->tenant_id, 2);
  EXPECT_EQ((*found)->realm, "b.example.com");
  EXPECT_EQ((*found)->role, Role::manager);
  const AuthContext context = (*found)->auth_context(false);
  EXPECT_EQ(context.realm, "b.example.com");
  EXPECT_EQ(context.tenant_id, 2);
  EXPECT_FALSE(context.via_token);
  const auto none = auth_->accounts().find_by_email("' OR 1=1 --");
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
}

TEST_F(WebAccountsTest, StoresOnlyTheHashOfTheSessionCookie) {
  const auto session = auth_->accounts().create_session(user("admin@a.example.com"));
  ASSERT_TRUE(session);
  EXPECT_EQ(session->cookie_value.size(), 64u);
  EXPECT_EQ(session->csrf_token.size(), 64u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM sessions"), 1);
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM sessions WHERE token_hash = '" + session->cookie_value + "'"), 0);
  EXPECT_EQ(scalar("SELECT length(token_hash) FROM sessions"), "64");
  const auto found = auth_->accounts().find_session(session->cookie_value);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->context.username, "100");
  EXPECT_EQ((*found)->csrf_token, session->csrf_token);
  // Not the right shape, or unknown: no session.
  for (const std::string& bad : {std::string(), std::string("abc"), std::string(64, 'g'),
                                 std::string(64, '0'), session->cookie_value + "0"}) {
    const auto none = auth_->accounts().find_session(bad);
    ASSERT_TRUE(none);
    EXPECT_FALSE(*none) << bad;
  }
}

TEST_F(WebAccountsTest, ASessionExpiresAfter12IdleHours) {
  const auto session = auth_->accounts().create_session(user("head@a.example.com"));
  ASSERT_TRUE(session);
  clock_.advance(hours(11));
  ASSERT_TRUE(*auth_->accounts().find_session(session->cookie_value));  // slides to +12 h
  clock_.advance(hours(11) + minutes(59));
  ASSERT_TRUE(*auth_->accounts().find_session(session->cookie_value));
  clock_.advance(hours(12));
  EXPECT_FALSE(*auth_->accounts().find_session(session->cookie_value));
  EXPECT_EQ(count("SELECT COUNT(*) FROM sessions"), 0);  // an expired session is deleted
}

TEST_F(WebAccountsTest, ASessionEndsAfterSevenDaysHoweverBusy) {
  const auto session = auth_->accounts().create_session(user("head@a.example.com"));
  ASSERT_TRUE(session);
  for (int i = 0; i < 17; ++i) {  // used every 10 hours for 170 hours
    clock_.advance(hours(10));
    const auto found = auth_->accounts().find_session(session->cookie_value);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->has_value(), (i + 1) * 10 < 7 * 24) << i;
  }
}

TEST_F(WebAccountsTest, PurgesExpiredSessionsAndDeletesOnLogout) {
  const auto old = auth_->accounts().create_session(user("head@a.example.com"));
  clock_.advance(hours(13));
  const auto fresh = auth_->accounts().create_session(user("head@a.example.com"));
  ASSERT_TRUE(old && fresh);
  const auto purged = auth_->accounts().purge_expired_sessions();
  ASSERT_TRUE(purged);
  EXPECT_EQ(*purged, 1);
  ASSERT_TRUE(auth_->accounts().delete_session(fresh->cookie_value));
  EXPECT_EQ(count("SELECT COUNT(*) FROM sessions"), 0);
}

TEST_F(WebAccountsTest, ApiTokensAreShownOnceAndStoredHashed) {
  const WebUser op = user("operator@a.example.com");
  const auto token = auth_->accounts().create_token(op.tenant_id, op.id, "crm");
  ASSERT_TRUE(token) << token.error().message;
  ASSERT_EQ(token->secret.size(), 44u);
  EXPECT_TRUE(token->secret.starts_with("dzv_"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM api_tokens WHERE token_hash = '" + token->secret + "'"), 0);
  EXPECT_EQ(scalar("SELECT last_used_at FROM api_tokens"), "<null>");

  const auto found = auth_->accounts().find_token(token->secret);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->username, "103");
  EXPECT_EQ((*found)->role, Role::operator_);
  EXPECT_TRUE((*found)->via_token);
  const std::string first_use = scalar("SELECT last_used_at FROM api_tokens");
  EXPECT_EQ(first_use, std::to_string(unix_seconds(clock_.wall_now())));
  // last_used_at moves at most once a minute.
  clock_.advance(seconds(30));
  ASSERT_TRUE(*auth_->accounts().find_token(token->secret));
  EXPECT_EQ(scalar("SELECT last_used_at FROM api_tokens"), first_use);
  clock_.advance(seconds(30));
  ASSERT_TRUE(*auth_->accounts().find_token(token->secret));
  EXPECT_EQ(scalar("SELECT last_used_at FROM api_tokens"),
            std::to_string(unix_seconds(clock_.wall_now())));

  const auto listed = auth_->accounts().list_tokens(op.tenant_id, op.id);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].name, "crm");

  // Another tenant cannot revoke it; its own tenant can.
  EXPECT_EQ(auth_->accounts().revoke_token(2, token->token.id).error().code, store::kNotFound);
  ASSERT_TRUE(auth_->accounts().revoke_token(op.tenant_id, token->token.id));
  EXPECT_FALSE(*auth_->accounts().find_token(token->secret));
  EXPECT_TRUE(auth_->accounts().list_tokens(op.tenant_id, op.id)->empty());
  for (const std::string& bad : {std::string("dzv_"), std::string("xyz_") + std::string(40, 'a'),
                                 std::string("dzv_") + std::string(40, 'A')}) {
    const auto none = auth_->accounts().find_token(bad);
    ASSERT_TRUE(none);
    EXPECT_FALSE(*none);
  }
}

TEST_F(WebAccountsTest, AuditEntriesAreAppended) {
  ASSERT_TRUE(auth_->accounts().audit({1, 4, "update", "users/102", "display_name"}));
  EXPECT_EQ(scalar("SELECT tenant_id || ' ' || user_id || ' ' || action || ' ' || resource || ' ' "
                   "|| detail FROM audit_log"),
            "1 4 update users/102 display_name");
  EXPECT_EQ(
      count("SELECT at FROM audit_log"),
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_.wall_now().time_since_epoch())
          .count());
}

TEST_F(WebAccountsTest, EnsureAdminGivesASipUserAWebLogin) {
  store::SqliteUserRepository users(db_);
  ASSERT_TRUE(users.create(1, "104", "Owner", "sip-secret-4"));
  ASSERT_TRUE(ensure_admin(db_, 1, "104", " Owner@A.Example.com", "owner password 1"));
  const WebUser owner = user("owner@a.example.com");
  EXPECT_EQ(owner.username, "104");
  EXPECT_EQ(owner.role, Role::admin);
  EXPECT_TRUE(verify_password("owner password 1", owner.password_hash));

  const auto missing = ensure_admin(db_, 2, "104", "x@b.example.com", "owner password 1");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, store::kNotFound);
  const auto weak = ensure_admin(db_, 1, "104", "owner@a.example.com", "short");
  ASSERT_FALSE(weak);
  EXPECT_EQ(weak.error().code, store::kInvalid);
  const auto taken = ensure_admin(db_, 1, "104", "head@a.example.com", "owner password 1");
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, store::kConflict);
  EXPECT_EQ(ensure_admin(db_, 1, "104", "not an address", "owner password 1").error().code,
            store::kInvalid);
}

TEST_F(WebAccountsTest, AUserWithoutAWebLoginMayHaveAnAddressAndARole) {
  store::SqliteUserRepository users(db_);
  ASSERT_TRUE(users.create(1, "105", "Olena", "sip-secret-5"));
  ASSERT_TRUE(set_email_and_role(db_, 1, "105", " Olena@A.Example.com", Role::head));
  const WebUser olena = user("olena@a.example.com");
  EXPECT_EQ(olena.username, "105");
  EXPECT_EQ(olena.role, Role::head);
  EXPECT_TRUE(olena.password_hash.empty()) << "still no web login";
  EXPECT_EQ(set_email_and_role(db_, 1, "105", "head@a.example.com", Role::head).error().code,
            store::kConflict);
  EXPECT_EQ(set_email_and_role(db_, 1, "105", "not an address", Role::head).error().code,
            store::kInvalid);
  EXPECT_EQ(set_email_and_role(db_, 2, "105", "", Role::head).error().code, store::kNotFound);
  ASSERT_TRUE(set_email_and_role(db_, 1, "105", "", Role::manager));
  auto gone = auth_->accounts().find_by_email("olena@a.example.com");
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone) << "\"\" takes the address away";
}

TEST(EmailTest, NormalizesPlausibleAddressesAndRefusesTheRest) {
  EXPECT_EQ(*normalize_email("  Olena.Shevchenko+pbx@Example.COM "),
            "olena.shevchenko+pbx@example.com");
  EXPECT_TRUE(normalize_email("o'brien@mail.example.ie"));
  for (const char* bad :
       {"", "@example.com", "olena@", "olena", "olena@localhost", "' OR 1=1 --", "a b@example.com",
        "a@@example.com", ".a@example.com", "a..b@example.com", "a@-example.com", "a@example..com",
        "a@example.com; DROP TABLE users", "\"a\"@example.com"}) {
    const auto result = normalize_email(bad);
    ASSERT_FALSE(result) << bad;
    EXPECT_EQ(result.error().code, store::kInvalid);
    EXPECT_TRUE(result.error().message.starts_with("email: ")) << bad;
  }
}

}  // namespace
}  // namespace dzvin::http
