#pragma once
// Voicemail messages as read back (the `voicemails` table, migration 3): for the CLI and the
// REST API to come.
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "store/database.hpp"

namespace dzvin::store {

struct VoicemailRow {
  std::int64_t id = 0;
  std::int64_t tenant_id = 0;
  std::string box;
  std::string call_id;
  std::string caller;
  std::string called;
  std::int64_t recorded_at_ms = 0;
  std::int64_t duration_ms = 0;
  std::string path;  // relative to the data directory
  bool heard = false;
};

// The newest `limit` messages that are not deleted, newest first.
Result<std::vector<VoicemailRow>> list_voicemails(Database& db, std::size_t limit);

}  // namespace dzvin::store
