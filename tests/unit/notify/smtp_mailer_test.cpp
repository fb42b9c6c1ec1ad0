#include "notify/smtp_mailer.hpp"

#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "fake_smtp_server.hpp"
#include "notify/base64.hpp"
#include "notify/email_message.hpp"
#include "notify/notify_error.hpp"

namespace dzvin::notify {
namespace {

using testing::FakeSmtpScript;
using testing::FakeSmtpServer;

constexpr const char* kPassword = "s3cret-Pa55";

SmtpSettings settings_for(const FakeSmtpServer& server) {
  SmtpSettings s;
  s.url = server.url();
  s.from = "pbx@acme.test";
  s.timeout = std::chrono::seconds{10};
  return s;
}

std::string message() {
  EmailMessage m;
  m.from = "pbx@acme.test";
  m.to = {"anna@acme.test"};
  m.subject = "Голосове повідомлення";
  m.text = "Hello\n.\n..dots at the start of lines\n";
  m.attachment = EmailAttachment{"a.wav", "audio/wav", std::vector<std::byte>(5000, std::byte{7})};
  auto r = format_email(m);
  EXPECT_TRUE(r);
  return r ? *r : std::string();
}

std::unique_ptr<SmtpMailer> mailer(SmtpSettings s) {
  auto r = SmtpMailer::create(std::move(s));
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return r ? std::move(*r) : nullptr;
}

TEST(SmtpMailer, DeliversTheMessageUnchanged) {
  FakeSmtpServer server;
  auto m = mailer(settings_for(server));
  ASSERT_TRUE(m);
  const std::string text = message();
  auto r = m->send({"anna@acme.test", "bob@acme.test"}, text);
  ASSERT_TRUE(r) << r.error().message;
  const auto sessions = server.sessions();
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].mail_from, "<pbx@acme.test>");
  EXPECT_EQ(sessions[0].rcpt_to, (std::vector<std::string>{"<anna@acme.test>", "<bob@acme.test>"}));
  EXPECT_TRUE(sessions[0].delivered);
  EXPECT_EQ(sessions[0].data, text);
}

TEST(SmtpMailer, DotsAtLineStartsSurviveTransparency) {
  FakeSmtpServer server;
  auto m = mailer(settings_for(server));
  ASSERT_TRUE(m);
  const std::string text = "Subject: x\r\n\r\n.\r\n..two\r\n.three\r\n";
  ASSERT_TRUE(m->send({"anna@acme.test"}, text));
  EXPECT_EQ(server.sessions().at(0).data, text);
}

TEST(SmtpMailer, AuthenticatesWithUsernameAndPassword) {
  FakeSmtpScript script;
  script.advertise_auth = true;
  FakeSmtpServer server(script);
  SmtpSettings s = settings_for(server);
  s.username = "pbx";
  s.password = kPassword;
  auto m = mailer(s);
  ASSERT_TRUE(m);
  ASSERT_TRUE(m->send({"anna@acme.test"}, message()));
  EXPECT_EQ(base64_decode(server.sessions().at(0).auth), std::string("\0pbx\0", 5) + kPassword);
}

TEST(SmtpMailer, RefusedRecipientGivesTheReplyCode) {
  FakeSmtpScript script;
  script.rcpt_reply = "550 5.1.1 no such user";
  FakeSmtpServer server(script);
  auto m = mailer(settings_for(server));
  ASSERT_TRUE(m);
  auto r = m->send({"nobody@acme.test"}, message());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, code(NotifyErrc::smtp_failed));
  EXPECT_NE(r.error().message.find("550"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find(server.url()), std::string::npos) << r.error().message;
}

TEST(SmtpMailer, FailedLoginNeverShowsThePassword) {
  FakeSmtpScript script;
  script.advertise_auth = true;
  script.accept_auth = false;
  FakeSmtpServer server(script);
  SmtpSettings s = settings_for(server);
  s.username = "pbx";
  s.password = kPassword;
  auto m = mailer(s);
  ASSERT_TRUE(m);
  auto r = m->send({"anna@acme.test"}, message());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("535"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find(kPassword), std::string::npos) << r.error().message;
  EXPECT_FALSE(server.sessions().at(0).delivered);
}

TEST(SmtpMailer, RequiredTlsIsNotSkipped) {
  FakeSmtpServer server;  // offers no STARTTLS
  SmtpSettings s = settings_for(server);
  s.require_tls = true;
  auto m = mailer(s);
  ASSERT_TRUE(m);
  auto r = m->send({"anna@acme.test"}, message());
  ASSERT_FALSE(r);
  for (const auto& session : server.sessions()) {
    EXPECT_TRUE(session.mail_from.empty()) << "sent without TLS";
  }
}

TEST(SmtpMailer, ConnectionRefusedIsAnError) {
  // A port that was free a moment ago: nothing listens there.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), len), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  SmtpSettings s;
  s.url = "smtp://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  s.from = "pbx@acme.test";
  s.timeout = std::chrono::seconds{5};
  auto m = mailer(s);
  ASSERT_TRUE(m);
  auto r = m->send({"anna@acme.test"}, message());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, code(NotifyErrc::smtp_failed));
  EXPECT_FALSE(r.error().message.empty());
}

TEST(SmtpMailer, RefusesRecipientsThatCouldInjectCommands) {
  FakeSmtpServer server;
  auto m = mailer(settings_for(server));
  ASSERT_TRUE(m);
  EXPECT_FALSE(m->send({"anna@acme.test>\r\nRCPT TO:<evil@evil.test"}, message()));
  EXPECT_FALSE(m->send({}, message()));
  EXPECT_TRUE(server.sessions().empty());
}

TEST(SmtpMailer, RefusesSettingsThatCannotWork) {
  auto refused = [](SmtpSettings s, const char* what) {
    auto r = SmtpMailer::create(s);
    ASSERT_FALSE(r) << what;
    EXPECT_EQ(r.error().code, code(NotifyErrc::bad_settings)) << what;
    EXPECT_EQ(r.error().message.find(kPassword), std::string::npos) << r.error().message;
  };
  SmtpSettings good;
  good.url = "smtps://mail.acme.test:465";
  good.from = "pbx@acme.test";
  good.username = "pbx";
  good.password = kPassword;
  EXPECT_TRUE(SmtpMailer::create(good));
  SmtpSettings s = good;
  s.url = "http://mail.acme.test";
  refused(s, "http");
  s.url = "file:///etc/passwd";
  refused(s, "file");
  s.url = std::string("smtp://pbx:") + kPassword + "@mail.acme.test";
  refused(s, "credentials in the URL");
  s.url = "not a url";
  refused(s, "garbage");
  s = good;
  s.from = "pbx";
  refused(s, "bad sender");
  s = good;
  s.timeout = std::chrono::seconds{0};
  refused(s, "zero timeout");
  s = good;
  s.password.clear();
  refused(s, "username without password");
}

}  // namespace
}  // namespace dzvin::notify
