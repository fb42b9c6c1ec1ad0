#include "pbx/recording_policy.hpp"

#include <gtest/gtest.h>

#include <optional>

namespace dzvin::pbx {
namespace {

using Mode = RecordingMode;
constexpr std::optional<Mode> kNoSchemeMode = std::nullopt;

TEST(RecordingMode, RoundTrip) {
  for (Mode mode : {Mode::none, Mode::all, Mode::on_demand}) {
    auto parsed = parse_recording_mode(to_string(mode));
    ASSERT_TRUE(parsed.ok()) << to_string(mode);
    EXPECT_EQ(*parsed, mode);
  }
  EXPECT_EQ(to_string(Mode::none), "none");
  EXPECT_EQ(to_string(Mode::all), "all");
  EXPECT_EQ(to_string(Mode::on_demand), "on_demand");
}

TEST(RecordingMode, RefusesOtherWords) {
  for (const char* text : {"always", "", "ALL", "on-demand", "all "}) {
    auto parsed = parse_recording_mode(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().code, 400);
    EXPECT_EQ(parsed.error().message,
              "\"" + std::string(text) + "\" is not a recording mode (none, all, on_demand)");
  }
}

TEST(RecordingPolicy, DefaultRecordsNothing) {
  const RecordingPolicy policy;
  EXPECT_EQ(policy.mode, Mode::none);
  EXPECT_FALSE(policy.stereo);
  EXPECT_TRUE(policy.announcement.empty());
  EXPECT_EQ(policy.retention, std::chrono::days(90));
  EXPECT_EQ(policy.mode_for(kNoSchemeMode, "anna", "bob"), Mode::none);
  EXPECT_EQ(policy.mode_for(kNoSchemeMode, "", ""), Mode::none);
}

TEST(RecordingPolicy, TheSchemeModeWins) {
  RecordingPolicy policy;
  policy.mode = Mode::all;
  policy.users = {{"anna", Mode::all}, {"bob", Mode::on_demand}};
  EXPECT_EQ(policy.mode_for(Mode::none, "anna", "bob"), Mode::none);
  EXPECT_EQ(policy.mode_for(Mode::on_demand, "anna", ""), Mode::on_demand);
  policy.mode = Mode::none;
  policy.users = {{"anna", Mode::none}};
  EXPECT_EQ(policy.mode_for(Mode::all, "anna", "carol"), Mode::all);
  EXPECT_EQ(policy.mode_for(Mode::all, "", ""), Mode::all);
}

TEST(RecordingPolicy, TheStricterOfTheUsersModes) {
  RecordingPolicy policy;
  policy.mode = Mode::none;
  policy.users = {{"anna", Mode::all}, {"bob", Mode::on_demand}, {"carol", Mode::none}};
  // all > on_demand > none, whichever side the user is on.
  EXPECT_EQ(policy.mode_for(kNoSchemeMode, "anna", "bob"), Mode::all);
  EXPECT_EQ(policy.mode_for(kNoSchemeMode, "bob", "anna"), Mode::all);
  EXPECT_EQ(policy.mode_for(kNoSchemeMode, "bob", "carol"), Mode::on_demand);
  EXPECT_EQ(policy.mode_for(kNoSchemeMode, "carol", "bob"), Mode::on_demand);
  EXPECT_EQ(policy.mode_for(kNoSchemeMode, "carol", "anna"), Mode::all);
}

TEST(RecordingPolicy, AUsersModeIsOverTheDefault) {
  RecordingPolicy policy;
  policy.mode = Mode::all;
  policy.users = {{"carol", Mode::none}, {"bob", Mode::on_demand}};
  // A user's own mode replaces the default, also when it is less strict.
  EXPECT_EQ(policy.mode_for(kNoSchemeMode, "carol", "dave"), Mode::none);
  EXPECT_EQ(policy.mode_for(kNoSchemeMode, "dave", "bob"), Mode::on_demand);
  // Neither has a mode of their own: the default.
  EXPECT_EQ(policy.mode_for(kNoSchemeMode, "dave", "erin"), Mode::all);
  policy.mode = Mode::on_demand;
  EXPECT_EQ(policy.mode_for(kNoSchemeMode, "dave", "erin"), Mode::on_demand);
}

TEST(RecordingPolicy, OutsideNumbersHaveNoUserMode) {
  RecordingPolicy policy;
  policy.mode = Mode::on_demand;
  policy.users = {{"anna", Mode::all}, {"", Mode::none}};
  // An empty name is an outside number: it matches no entry, not even one keyed "".
  EXPECT_EQ(policy.mode_for(kNoSchemeMode, "", ""), Mode::on_demand);
  EXPECT_EQ(policy.mode_for(kNoSchemeMode, "", "anna"), Mode::all);
  EXPECT_EQ(policy.mode_for(kNoSchemeMode, "anna", ""), Mode::all);
}

TEST(RecordingPolicy, NoAnnouncementWithoutAPrompt) {
  RecordingPolicy policy;
  policy.mode = Mode::all;
  policy.users = {{"anna", Mode::all}};
  EXPECT_FALSE(policy.announces(Mode::all, "anna"));
  EXPECT_FALSE(policy.announces(kNoSchemeMode, "anna"));
  EXPECT_FALSE(policy.announces(kNoSchemeMode, ""));
}

TEST(RecordingPolicy, TheSchemeModeDecidesTheAnnouncement) {
  RecordingPolicy policy;
  policy.announcement = "recorded";
  policy.mode = Mode::all;
  policy.users = {{"anna", Mode::all}};
  EXPECT_TRUE(policy.announces(Mode::all, ""));
  EXPECT_FALSE(policy.announces(Mode::none, "anna")) << "the scheme's none wins over all";
  EXPECT_FALSE(policy.announces(Mode::on_demand, "anna"))
      << "on demand is not recorded from the start";
  policy.mode = Mode::none;
  policy.users.clear();
  EXPECT_TRUE(policy.announces(Mode::all, "bob"));
}

// Who answers is not known when the call starts: if any user is recorded in full, every call
// is announced, so that none is recorded unannounced (anna may answer an outside caller).
TEST(RecordingPolicy, AnyUserRecordedInFullMakesEveryCallAnnounced) {
  RecordingPolicy policy;
  policy.announcement = "recorded";
  policy.mode = Mode::none;
  policy.users = {{"anna", Mode::all}, {"bob", Mode::on_demand}};
  EXPECT_TRUE(policy.announces(kNoSchemeMode, "anna"));
  EXPECT_TRUE(policy.announces(kNoSchemeMode, "bob"));
  EXPECT_TRUE(policy.announces(kNoSchemeMode, ""));
  EXPECT_EQ(policy.mode_for(kNoSchemeMode, "", "anna"), Mode::all);
  policy.users = {{"bob", Mode::on_demand}};
  EXPECT_FALSE(policy.announces(kNoSchemeMode, "bob"));
  EXPECT_FALSE(policy.announces(kNoSchemeMode, ""));
}

TEST(RecordingPolicy, TheDefaultAllIsAnnounced) {
  RecordingPolicy policy;
  policy.announcement = "recorded";
  policy.mode = Mode::all;
  EXPECT_TRUE(policy.announces(kNoSchemeMode, ""));
  EXPECT_TRUE(policy.announces(kNoSchemeMode, "carol"));
  policy.mode = Mode::on_demand;
  EXPECT_FALSE(policy.announces(kNoSchemeMode, ""));
  policy.mode = Mode::none;
  EXPECT_FALSE(policy.announces(kNoSchemeMode, ""));
}

TEST(RecordingPolicy, EqualityCoversEveryField) {
  const RecordingPolicy base;
  RecordingPolicy other;
  EXPECT_EQ(base, other);
  other.stereo = true;
  EXPECT_NE(base, other);
  other = base;
  other.retention = std::chrono::days(0);
  EXPECT_NE(base, other);
  other = base;
  other.users["anna"] = Mode::none;
  EXPECT_NE(base, other);
  other = base;
  other.announcement = "recorded";
  EXPECT_NE(base, other);
}

}  // namespace
}  // namespace dzvin::pbx
