#pragma once
// The company's routing, live: what the call engine reads (the schemes attached to numbers,
// schedules, prompts as audio, voicemail boxes, the recording policy) built from the routing
// document, which is stored in the database (table `routing`) and edited through the REST API
// (http/routing_routes.hpp) — or replaced at start by the config file's [routing].
//
// A proposed document is checked against the company's users, trunks and its own prompts and
// schedules, its prompts turned into audio and it is stored, all on the calling (HTTP)
// thread; only then it is handed to the signalling thread, which swaps it in between two
// events. Calls in progress keep the scheme they started with.
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "http/routing_routes.hpp"
#include "pbx/call_routes.hpp"
#include "pbx/memory_directory.hpp"
#include "pbx/prompt_clips.hpp"
#include "pbx/recording_policy.hpp"
#include "pbx/routing_document.hpp"
#include "pbx/voicemail_box.hpp"
#include "store/database.hpp"

namespace dzvin::media {
class SpeechSynthesizer;
}

namespace dzvin::app {

// The live objects the call engine reads; changed only on the signalling thread (or before
// it runs).
struct LiveRouting {
  pbx::MemoryDirectory& directory;
  pbx::CallRoutes& routes;
  pbx::PromptClips& prompts;
  pbx::VoicemailBoxes& voicemail_boxes;
  pbx::RecordingPolicy& recording_policy;
};

struct RoutingServiceSettings {
  std::string database_path;
  std::int64_t tenant_id = 0;  // the company whose routing this is (the first one)
  std::vector<std::string> trunk_names;
  std::vector<std::string> dids;  // trunks' numbers: warned about when no scheme answers them
  std::string prompt_cache_dir;   // spoken prompts' cache
  std::string prompt_file_base;   // relative prompt files are under it (the config's folder)
  // Audio uploaded through the API is kept here; a document edited through the API may name
  // no other prompt file than these and those it already had.
  std::string prompt_upload_dir;
  // Runs a task on the signalling thread (asio::post); unset: at once (start-up, tests).
  std::function<void(std::function<void()>)> post;
};

class RoutingService final : public http::RoutingEditor {
 public:
  RoutingService(RoutingServiceSettings settings, LiveRouting live);
  ~RoutingService() override;

  // Start-up, before the signalling loop runs: the config's [routing] (stored, replacing what
  // the database held) when given, else the stored routing. Errors name the field.
  Result<void> load_at_start(const std::string& config_json,
                             const std::vector<std::pair<std::string, std::string>>& numbers);
  // The zone of the company's first schedule ("UTC" without one), for reports and e-mails.
  std::string time_zone() const;

  // http::RoutingEditor (HTTP thread).
  Result<http::RoutingView> current(const http::AuthContext& who) override;
  Result<http::RoutingView> replace(const http::AuthContext& who,
                                    http::RoutingView proposed) override;
  Result<http::RoutingView> set_prompt_audio(const http::AuthContext& who, std::string_view name,
                                             std::string_view audio) override;

 private:
  struct Prepared;
  Result<std::shared_ptr<Prepared>> prepare(
      const std::string& json, std::vector<std::pair<std::string, std::string>> numbers);
  void apply(const Prepared& prepared);  // signalling thread
  Result<void> check_tenant(const http::AuthContext& who) const;
  Result<http::RoutingView> replace_locked(const http::AuthContext& who,
                                           http::RoutingView proposed);

  RoutingServiceSettings settings_;
  LiveRouting live_;
  mutable std::mutex mutex_;  // the members below, and one editor at a time
  std::unique_ptr<media::SpeechSynthesizer> speech_;
  std::string time_zone_ = "UTC";
  std::mutex reader_mutex_;  // the connection current() reads with (after mutex_ if both)
  store::Database reader_;
};

}  // namespace dzvin::app
