#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "sip/digest_hasher.hpp"
#include "store/database.hpp"
#include "store/memory_account_directory.hpp"
#include "store/migrations.hpp"
#include "store/tenant_repository.hpp"
#include "store/user_repository.hpp"
#include "temp_dir.hpp"

namespace dzvin::store {
namespace {

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Database::open(dir.file("dzvin.db"));
    ASSERT_TRUE(opened) << opened.error().message;
    db = std::move(*opened);
    ASSERT_TRUE(migrate(db));
  }
  testing::TempDir dir;
  Database db;
  SqliteTenantRepository tenants{db};
  SqliteUserRepository users{db};
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST_F(AccountsTest, CreatesTenantsWithNormalizedUniqueDomains) {
  auto t = tenants.create("Acme", "PBX.Acme.Test");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->sip_domain, "pbx.acme.test");
  EXPECT_GT(t->id, 0);
  auto dup = tenants.create("Other", "pbx.acme.test");
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, kConflict);
  EXPECT_NE(dup.error().message.find("sip_domain"), std::string::npos);
  EXPECT_FALSE(tenants.create("", "x.test"));
  EXPECT_EQ(tenants.create("Bad", "bad domain").error().code, kInvalid);
  auto found = tenants.find_by_domain("PBX.ACME.TEST");
  ASSERT_TRUE(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->name, "Acme");
}

TEST_F(AccountsTest, UsersStoreOnlyHa1NeverThePassword) {
  auto t = tenants.create("Acme", "pbx.acme.test");
  ASSERT_TRUE(t);
  const std::string password = "Tr0ub4dor&3-unique-marker";
  auto u = users.create(t->id, "1001", "Reception", password);
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_EQ(u->ha1_md5,
            sip::compute_ha1("1001", "pbx.acme.test", password, sip::DigestAlgorithm::md5));
  EXPECT_EQ(u->ha1_sha256,
            sip::compute_ha1("1001", "pbx.acme.test", password, sip::DigestAlgorithm::sha256));
  ASSERT_TRUE(users.set_password(t->id, "1001", password + "-changed"));
  auto changed = users.find(t->id, "1001");
  ASSERT_TRUE(changed && changed->has_value());
  EXPECT_NE((*changed)->ha1_md5, u->ha1_md5);

  ASSERT_TRUE(db.execute("PRAGMA wal_checkpoint(TRUNCATE)"));
  for (const char* suffix : {"", "-wal"}) {
    const std::string bytes = read_file(dir.file(std::string("dzvin.db") + suffix));
    EXPECT_EQ(bytes.find(password), std::string::npos) << suffix;
    EXPECT_EQ(bytes.find("Tr0ub4dor"), std::string::npos) << suffix;
  }
  EXPECT_NE(read_file(dir.file("dzvin.db")).find((*changed)->ha1_md5), std::string::npos);
}

TEST_F(AccountsTest, UserValidationAndConflicts) {
  auto t = tenants.create("Acme", "pbx.acme.test");
  ASSERT_TRUE(t);
  ASSERT_TRUE(users.create(t->id, "1001", "", "pw"));
  EXPECT_EQ(users.create(t->id, "1001", "", "pw").error().code, kConflict);
  EXPECT_EQ(users.create(t->id, "bad user", "", "pw").error().code, kInvalid);
  EXPECT_EQ(users.create(t->id, "1002", "", "").error().code, kInvalid);
  EXPECT_EQ(users.create(t->id + 100, "1002", "", "pw").error().code, kNotFound);
  EXPECT_EQ(users.set_password(t->id, "nobody", "pw").error().code, kNotFound);
  auto list = users.list(t->id);
  ASSERT_TRUE(list);
  EXPECT_EQ(list->size(), 1u);
}

TEST_F(AccountsTest, DirectoryLoadsAllTenantsAndPicksRealms) {
  auto a = tenants.create("Acme", "pbx.acme.test");
  auto b = tenants.create("Beta", "beta.test");
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(users.create(a->id, "1001", "", "pw-a"));
  ASSERT_TRUE(users.create(b->id, "1001", "", "pw-b"));
  ASSERT_TRUE(users.create(b->id, "2002", "", "pw-c"));
  auto dir_or = MemoryAccountDirectory::load(tenants, users);
  ASSERT_TRUE(dir_or) << dir_or.error().message;
  const auto& directory = **dir_or;
  EXPECT_EQ(directory.tenant_count(), 2u);
  EXPECT_EQ(directory.account_count(), 3u);
  EXPECT_EQ(directory.realm_for_host("BETA.test"), "beta.test");
  EXPECT_EQ(directory.realm_for_host("192.0.2.1"), "pbx.acme.test");  // default: first tenant
  const sip::SipAccount* acc = directory.find("beta.test", "1001");
  ASSERT_NE(acc, nullptr);
  EXPECT_EQ(acc->tenant_id, b->id);
  EXPECT_EQ(acc->realm, "beta.test");
  EXPECT_EQ(acc->ha1_md5, sip::compute_ha1("1001", "beta.test", "pw-b", sip::DigestAlgorithm::md5));
  EXPECT_EQ(directory.find("pbx.acme.test", "2002"), nullptr);
  EXPECT_EQ(directory.find("nowhere.test", "1001"), nullptr);
}

TEST_F(AccountsTest, DirectoryLoadsTenThousandUsers) {
  auto t = tenants.create("Big", "big.test");
  ASSERT_TRUE(t);
  // Bulk insert with precomputed HA1s: creating through the repository hashes every password.
  ASSERT_TRUE(db.begin());
  auto ins = db.prepare(
      "INSERT INTO users (tenant_id, username, ha1_md5, ha1_sha256, created_at) VALUES (?1, ?2, "
      "?3, ?4, 0)");
  ASSERT_TRUE(ins);
  for (int i = 0; i < 10000; ++i) {
    ins->reset();
    ins->bind(1, t->id)
        .bind(2, "u" + std::to_string(i))
        .bind(3, std::string(32, 'a'))
        .bind(4, std::string(64, 'b'));
    ASSERT_TRUE(ins->run());
  }
  ASSERT_TRUE(db.commit());
  auto directory = MemoryAccountDirectory::load(tenants, users);
  ASSERT_TRUE(directory);
  EXPECT_EQ((*directory)->account_count(), 10000u);
  EXPECT_NE((*directory)->find("big.test", "u9999"), nullptr);
}

}  // namespace
}  // namespace dzvin::store
