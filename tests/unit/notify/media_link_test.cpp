#include "notify/media_link.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "notify/notify_error.hpp"
#include "temp_dir.hpp"

namespace dzvin::notify {
namespace {

constexpr std::int64_t kExpires = 1'800'000'000;

TEST(MediaLink, SignatureIsHexHmacSha256OfKindIdExpiry) {
  // python3: hmac.new(b'secret', b'voicemail:42:1800000000', hashlib.sha256).hexdigest()
  EXPECT_EQ(sign_media_link("secret", "voicemail", 42, kExpires),
            "ee8ac5ed7cc872978e34390267a9fab8de0a63c000c725513d22e7ed319a4c34");
}

TEST(MediaLink, UrlHasPathExpiryAndSignature) {
  const std::string sig = sign_media_link("secret", "voicemail", 42, kExpires);
  const std::string expected =
      "https://pbx.acme.test/media/voicemail/42.wav?expires=1800000000&sig=" + sig;
  EXPECT_EQ(media_link_url("https://pbx.acme.test", "voicemail", 42, kExpires, "secret"), expected);
  EXPECT_EQ(media_link_url("https://pbx.acme.test//", "voicemail", 42, kExpires, "secret"),
            expected);
  EXPECT_EQ(media_link_url("https://pbx.acme.test:8443/dzvin/", "recording", 7, kExpires, "k"),
            "https://pbx.acme.test:8443/dzvin/media/recording/7.wav?expires=1800000000&sig=" +
                sign_media_link("k", "recording", 7, kExpires));
}

TEST(MediaLink, GenuineLinkIsAcceptedUntilItExpires) {
  const std::string sig = sign_media_link("secret", "voicemail", 42, kExpires);
  EXPECT_EQ(check_media_link("secret", "voicemail", 42, kExpires, sig, kExpires - 1),
            LinkCheck::ok);
  EXPECT_EQ(check_media_link("secret", "voicemail", 42, kExpires, sig, kExpires),
            LinkCheck::expired);
  EXPECT_EQ(check_media_link("secret", "voicemail", 42, kExpires, sig, kExpires + 3600),
            LinkCheck::expired);
  std::string upper = sig;
  for (char& c : upper)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(check_media_link("secret", "voicemail", 42, kExpires, upper, 0), LinkCheck::ok);
}

TEST(MediaLink, AnyChangeBreaksTheSignature) {
  const std::string sig = sign_media_link("secret", "voicemail", 42, kExpires);
  const auto check = [&](std::string_view secret, std::string_view kind, std::int64_t id,
                         std::int64_t expires, std::string_view s) {
    return check_media_link(secret, kind, id, expires, s, 0);
  };
  EXPECT_EQ(check("secret", "voicemail", 43, kExpires, sig), LinkCheck::bad_signature);
  EXPECT_EQ(check("secret", "voicemail", 42, kExpires + 1, sig), LinkCheck::bad_signature);
  EXPECT_EQ(check("secret", "recording", 42, kExpires, sig), LinkCheck::bad_signature);
  EXPECT_EQ(check("other", "voicemail", 42, kExpires, sig), LinkCheck::bad_signature);
  std::string flipped = sig;
  flipped[10] = flipped[10] == '0' ? '1' : '0';
  EXPECT_EQ(check("secret", "voicemail", 42, kExpires, flipped), LinkCheck::bad_signature);
  EXPECT_EQ(check("secret", "voicemail", 42, kExpires, sig.substr(0, 63)),
            LinkCheck::bad_signature);
  EXPECT_EQ(check("secret", "voicemail", 42, kExpires, sig + "0"), LinkCheck::bad_signature);
  EXPECT_EQ(check("secret", "voicemail", 42, kExpires, ""), LinkCheck::bad_signature);
  EXPECT_EQ(check("secret", "voicemail", 42, kExpires, std::string(64, 'g')),
            LinkCheck::bad_signature);
  EXPECT_EQ(check("secret", "voice:mail", 42, kExpires, sig), LinkCheck::bad_signature);
  // A forged expiry that is also expired is reported as forged, not as expired.
  EXPECT_EQ(check_media_link("secret", "voicemail", 42, 10, sig, 20), LinkCheck::bad_signature);
}

TEST(MediaLinkSecret, IsCreatedWithMode0600AndReadBack) {
  testing::TempDir dir;
  const std::string path = dir.file("link.secret");
  const mode_t old_umask = ::umask(0);  // the file mode must not depend on the umask
  auto created = load_or_create_secret(path);
  ::umask(old_umask);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->size(), 32u);

  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  std::ifstream in(path);
  std::string hex;
  std::getline(in, hex);
  EXPECT_EQ(hex.size(), 64u);
  EXPECT_EQ(hex.find_first_not_of("0123456789abcdef"), std::string::npos) << hex;

  auto again = load_or_create_secret(path);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*again, *created);

  testing::TempDir other;
  auto different = load_or_create_secret(other.file("link.secret"));
  ASSERT_TRUE(different);
  EXPECT_NE(*different, *created);
}

TEST(MediaLinkSecret, DamagedFileIsAnErrorAndIsKept) {
  testing::TempDir dir;
  const std::string path = dir.file("link.secret");
  {
    std::ofstream out(path);
    out << "not hex at all\n";
  }
  auto r = load_or_create_secret(path);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, code(NotifyErrc::secret_file));
  EXPECT_NE(r.error().message.find(path), std::string::npos) << r.error().message;
  std::ifstream in(path);
  std::string kept;
  std::getline(in, kept);
  EXPECT_EQ(kept, "not hex at all");
}

TEST(MediaLinkSecret, UnwritableDirectoryIsAnError) {
  testing::TempDir dir;
  auto r = load_or_create_secret(dir.file("missing/link.secret"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, code(NotifyErrc::secret_file));
}

}  // namespace
}  // namespace dzvin::notify
