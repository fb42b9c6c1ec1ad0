// Recording retention: which recordings a sweep deletes (by start time and state), that the
// file goes first (the .part of an incomplete one), that the row stays as 'deleted' with the
// time, and that a file that cannot be removed keeps its row for the next sweep.
#include "store/media_retention.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "store/database.hpp"
#include "store/migrations.hpp"
#include "temp_dir.hpp"

namespace dzvin::store {
namespace {

using namespace std::chrono_literals;

std::int64_t ms(WallTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

class MediaRetentionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Database::open(dir.file("dzvin.db"));
    ASSERT_TRUE(opened);
    db = std::move(*opened);
    ASSERT_TRUE(migrate(db));
    data = dir.path() / "data";
  }
  // A recording row started at `at` in `state`, with its file (or .part) when `file` is set.
  void add(std::int64_t id, WallTime at, const std::string& state, bool file = true) {
    const std::string path = "recordings/" + std::to_string(id) + ".wav";
    auto stmt = db.prepare(
        "INSERT INTO recordings (id, tenant_id, call_id, started_at, channels, path, state) "
        "VALUES (?1, 1, ?2, ?3, 1, ?4, ?5)");
    ASSERT_TRUE(stmt);
    stmt->bind(1, id).bind(2, "c" + std::to_string(id)).bind(3, ms(at)).bind(4, path);
    stmt->bind(5, state);
    ASSERT_TRUE(stmt->run());
    if (file) {
      std::filesystem::create_directories(data / "recordings");
      const auto name = data / (state == "incomplete" ? path + ".part" : path);
      std::ofstream(name) << "RIFF";
    }
  }
  std::string state(std::int64_t id) {
    auto stmt = db.prepare("SELECT state, deleted_at IS NOT NULL FROM recordings WHERE id = ?1");
    stmt->bind(1, id);
    auto row = stmt->step();
    if (!row || !*row) return "?";
    return stmt->column_text(0) + (stmt->column_int(1) != 0 ? "+time" : "");
  }
  bool exists(std::int64_t id, const char* suffix = "") {
    return std::filesystem::exists(data / "recordings" / (std::to_string(id) + ".wav" + suffix));
  }

  testing::TempDir dir;
  Database db;
  std::filesystem::path data;
  const WallTime now = std::chrono::sys_days{std::chrono::year{2026} / 12 / 2} + 12h;
};

TEST_F(MediaRetentionTest, DeletesOnlyRecordingsOlderThanTheRetention) {
  add(1, now - 91 * 24h, "complete");
  add(2, now - 89 * 24h, "complete");
  add(3, now - 200 * 24h, "incomplete");
  add(4, now - 200 * 24h, "recording");  // still being written: never touched
  auto deleted = delete_expired_recordings(db, data.string(), std::chrono::days(90), now);
  ASSERT_TRUE(deleted) << deleted.error().message;
  EXPECT_EQ(*deleted, 2);
  EXPECT_EQ(state(1), "deleted+time");
  EXPECT_FALSE(exists(1));
  EXPECT_EQ(state(2), "complete");
  EXPECT_TRUE(exists(2));
  EXPECT_EQ(state(3), "deleted+time");
  EXPECT_FALSE(exists(3, ".part")) << "an incomplete recording's audio is in its .part";
  EXPECT_EQ(state(4), "recording");

  auto again = delete_expired_recordings(db, data.string(), std::chrono::days(90), now);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0) << "deleted rows are not deleted twice";
}

TEST_F(MediaRetentionTest, AFileAlreadyGoneStillMarksTheRow) {
  add(5, now - 100 * 24h, "complete", false);
  auto deleted = delete_expired_recordings(db, data.string(), std::chrono::days(90), now);
  ASSERT_TRUE(deleted);
  EXPECT_EQ(*deleted, 1);
  EXPECT_EQ(state(5), "deleted+time");
}

TEST_F(MediaRetentionTest, AFileThatCannotBeRemovedKeepsItsRow) {
  add(6, now - 100 * 24h, "complete", false);
  // A directory where the file should be: remove() of a non-empty directory fails.
  std::filesystem::create_directories(data / "recordings" / "6.wav" / "inside");
  auto deleted = delete_expired_recordings(db, data.string(), std::chrono::days(90), now);
  ASSERT_TRUE(deleted);
  EXPECT_EQ(*deleted, 0);
  EXPECT_EQ(state(6), "complete");
}

}  // namespace
}  // namespace dzvin::store
