// The overdue-task e-mail: to the assignee, the task's title and number, the deadline in the
// company's zone, Ukrainian then English, a link to the tasks page.
#include "notify/task_email.hpp"

#include <gtest/gtest.h>

#include "mime_reader.hpp"
#include "notify/base64.hpp"

namespace dzvin::notify {
namespace {

crm::Task overdue() {
  crm::Task t;
  t.id = 12;
  t.tenant_id = 1;
  t.number = "+380501112233";
  t.title = "Call back Олена Коваль (+380501112233)";
  t.detail = "Missed call to +380441110000 (missed: no answer)";
  t.calls = 3;
  t.due_at_ms = 1'800'000'000'000;  // 2027-01-15 08:00 UTC = 10:00 in Kyiv
  return t;
}

TEST(OverdueTaskEmail, TellsTheAssigneeWhatWasDueWhen) {
  auto message = overdue_task_email(
      overdue(), {"pbx@example.ua", "olena@example.ua", "Europe/Kyiv", "https://pbx.example.ua/"},
      WallTime{std::chrono::seconds{1'800'003'600}});
  ASSERT_TRUE(message) << message.error().message;
  const auto part = testing::parse_part(*message);
  EXPECT_EQ(part.header("To").value_or(""), "olena@example.ua");
  const auto subject = testing::decode_words(part.header("Subject").value_or(""));
  ASSERT_TRUE(subject);
  std::string joined;
  for (const auto& w : *subject)
    joined += w;
  EXPECT_NE(joined.find("Прострочено: Call back Олена Коваль"), std::string::npos) << joined;
  std::string encoded;
  for (const char c : part.body) {
    if (c != '\r' && c != '\n') encoded += c;
  }
  const auto decoded = base64_decode(encoded);
  ASSERT_TRUE(decoded);
  const std::string& body = *decoded;
  EXPECT_NE(body.find("Номер: +380501112233"), std::string::npos) << body;
  EXPECT_NE(body.find("15.01.2027 10:00 EET"), std::string::npos) << body;
  EXPECT_NE(body.find("Дзвінків без відповіді: 3"), std::string::npos) << body;
  EXPECT_NE(body.find("It was due: 15.01.2027 10:00 EET"), std::string::npos) << body;
  EXPECT_NE(body.find("https://pbx.example.ua/#/tasks"), std::string::npos) << body;
}

TEST(OverdueTaskEmail, ABadAddressIsAnError) {
  EXPECT_FALSE(overdue_task_email(overdue(), {"pbx@example.ua", "olena\r\nBcc: x@y", "UTC", ""},
                                  WallTime{}));
}

}  // namespace
}  // namespace dzvin::notify
