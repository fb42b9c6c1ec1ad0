#include "app/routing_service.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <span>

#include <nlohmann/json.hpp>

#include "base/log.hpp"
#include "media/audio_file.hpp"
#include "media/speech_synthesizer.hpp"
#include "pbx/phone_number.hpp"
#include "store/database.hpp"
#include "store/routing_store.hpp"
#include "store/user_repository.hpp"

namespace dzvin::app {

struct RoutingService::Prepared {
  pbx::RoutingDocument document;
  std::vector<std::pair<std::string, std::string>> numbers;  // normalised, sorted
  std::vector<std::pair<std::string, pbx::RoutingScheme>> attachments;
  std::vector<std::pair<std::string, std::shared_ptr<const media::AudioClip>>> clips;
  std::vector<pbx::DirectoryUser> users;
};

RoutingService::RoutingService(RoutingServiceSettings settings, LiveRouting live)
    : settings_(std::move(settings)), live_(live) {}

RoutingService::~RoutingService() = default;

std::string RoutingService::time_zone() const {
  std::lock_guard lock(mutex_);
  return time_zone_;
}

Result<void> RoutingService::check_tenant(const http::AuthContext& who) const {
  if (who.tenant_id != settings_.tenant_id) {
    return make_error(404,
                      "routing: this company has no routing here (Dzvin routes calls of "
                      "its first company only)");
  }
  return {};
}

Result<std::shared_ptr<RoutingService::Prepared>> RoutingService::prepare(
    const std::string& json, std::vector<std::pair<std::string, std::string>> numbers) {
  auto document = pbx::parse_routing_document(json);
  if (!document) return document.error();
  auto prepared = std::make_shared<Prepared>();
  prepared->document = std::move(*document);
  const pbx::RoutingDocument& doc = prepared->document;

  // What schemes may name: the company's users (with their own voicemail boxes) as stored now,
  // its trunks; the document adds its schedules, prompts and boxes.
  auto db = store::Database::open(settings_.database_path);
  if (!db) return db.error();
  store::SqliteUserRepository users(*db);
  auto list = users.list(settings_.tenant_id);
  if (!list) return list.error();
  pbx::MemoryDirectory directory;
  for (const auto& u : *list) {
    directory.add_user(pbx::DirectoryUser{u.username, u.username, u.display_name});
    directory.add_voicemail_box(u.username);
    prepared->users.push_back(pbx::DirectoryUser{u.username, u.username, u.display_name});
  }
  for (const auto& t : settings_.trunk_names)
    directory.add_trunk(t);
  if (auto valid = pbx::validate_routing_document(doc, directory); !valid) return valid.error();

  // Numbers: as dialled, or E.164 for phone numbers; each names a scheme of the document.
  for (auto& [number, scheme] : numbers) {
    if (number.empty() || number.size() > 32) {
      return make_error(400, "numbers." + number + ": a number is 1 to 32 characters");
    }
    if (auto e164 = pbx::normalize_phone_number(number); e164) number = e164->text;
    const pbx::RoutingScheme* found = nullptr;
    for (const auto& s : doc.schemes) {
      if (s.name == scheme) found = &s;
    }
    if (found == nullptr) {
      return make_error(400, "numbers." + number + ": unknown scheme \"" + scheme + "\"");
    }
    prepared->attachments.emplace_back(number, *found);
  }
  std::sort(numbers.begin(), numbers.end());
  numbers.erase(std::unique(numbers.begin(), numbers.end(),
                            [](const auto& a, const auto& b) { return a.first == b.first; }),
                numbers.end());
  prepared->numbers = std::move(numbers);

  // Prompts as audio, and the built-in voicemail greetings the boxes use.
  std::vector<pbx::PromptSpec> specs = doc.prompts;
  std::set<std::string> languages{"uk"};
  for (const pbx::VoicemailBox& box : doc.voicemail_boxes) {
    if (box.greeting.empty()) languages.insert(box.language);
  }
  for (const std::string& language : languages) {
    specs.push_back(pbx::PromptSpec{pbx::builtin_greeting_prompt(language),
                                    std::string(pbx::builtin_greeting_text(language)), language,
                                    ""});
  }
  const std::filesystem::path base(settings_.prompt_file_base);
  for (const pbx::PromptSpec& p : specs) {
    Result<media::AudioClip> clip = make_error(0, "");
    if (!p.file.empty()) {
      std::filesystem::path file(p.file);
      if (file.is_relative()) file = base / file;
      clip = media::read_audio_file(file.string());
    } else {
      if (!speech_) {
        media::SpeechConfig speech_config;
        speech_config.cache_dir = settings_.prompt_cache_dir;
        speech_ = std::make_unique<media::SpeechSynthesizer>(speech_config);
      }
      clip = speech_->synthesize_now(p.text, p.language);
    }
    if (!clip) {
      return make_error(400, "prompts." + p.name + ": " + clip.error().message);
    }
    log(LogLevel::info, "prompt.loaded",
        {{"prompt", p.name},
         {"source", p.file.empty() ? "text:" + p.language : p.file},
         {"ms", static_cast<std::uint64_t>(clip->duration().count())}});
    prepared->clips.emplace_back(p.name,
                                 std::make_shared<const media::AudioClip>(std::move(*clip)));
  }
  return prepared;
}

void RoutingService::apply(const Prepared& p) {
  const pbx::RoutingDocument& doc = p.document;
  for (const auto& u : p.users) {
    live_.directory.add_user(u);
    live_.directory.add_voicemail_box(u.name);
  }
  for (const auto& schedule : doc.schedules)
    live_.directory.add_schedule(schedule);
  for (const auto& prompt : doc.prompts)
    live_.directory.add_prompt(prompt.name);
  for (const auto& [name, clip] : p.clips)
    live_.prompts.add(name, clip);
  live_.voicemail_boxes.clear();
  for (const auto& box : doc.voicemail_boxes) {
    live_.directory.add_voicemail_box(box.name);
    live_.voicemail_boxes.add(box);
  }
  live_.directory.clear_groups();
  for (const auto& group : doc.groups)
    live_.directory.add_group(group);
  live_.directory.clear_caller_lists();
  for (const auto& list : doc.caller_lists)
    live_.directory.add_caller_list(list);
  live_.recording_policy = doc.recording;
  live_.routes.clear();
  for (const auto& [number, scheme] : p.attachments)
    live_.routes.attach(number, scheme);
  for (const auto& did : settings_.dids) {
    if (live_.routes.find(did) == nullptr) {
      log(LogLevel::warn, "routing.did_without_scheme", {{"did", did}});
    }
  }
  log(LogLevel::info, "routing.loaded",
      {{"schemes", doc.schemes.size()},
       {"groups", doc.groups.size()},
       {"numbers", live_.routes.size()}});
}

Result<void> RoutingService::load_at_start(
    const std::string& config_json,
    const std::vector<std::pair<std::string, std::string>>& numbers) {
  std::lock_guard lock(mutex_);
  std::string json = config_json;
  std::vector<std::pair<std::string, std::string>> attached = numbers;
  auto db = store::Database::open(settings_.database_path);
  if (!db) return db.error();
  if (json.empty()) {
    auto stored = store::load_routing(*db, settings_.tenant_id);
    if (!stored) return stored.error();
    if (!*stored) return {};  // no routing yet: users are rung directly
    json = (*stored)->document;
    attached = (*stored)->numbers;
  }
  auto prepared = prepare(json, attached);
  if (!prepared) return prepared.error();
  if (!config_json.empty()) {
    // The file is the truth at start: it replaces what was edited through the API.
    store::StoredRouting routing{pbx::to_json((*prepared)->document), (*prepared)->numbers, 0};
    const std::int64_t now = unix_ms(std::chrono::system_clock::now());
    if (auto saved =
            store::save_routing(*db, settings_.tenant_id, routing, std::nullopt, std::nullopt, now);
        !saved) {
      return saved.error();
    }
  }
  if (!(*prepared)->document.schedules.empty()) {
    time_zone_ = (*prepared)->document.schedules.front().spec().time_zone;
  }
  apply(**prepared);
  return {};
}

Result<http::RoutingView> RoutingService::current(const http::AuthContext& who) {
  if (auto ok = check_tenant(who); !ok) return ok.error();
  std::lock_guard lock(reader_mutex_);
  if (!reader_.is_open()) {
    auto opened = store::Database::open(settings_.database_path);
    if (!opened) return opened.error();
    reader_ = std::move(*opened);
  }
  auto stored = store::load_routing(reader_, settings_.tenant_id);
  if (!stored) return stored.error();
  if (!*stored) return http::RoutingView{"{}", {}, 0};
  return http::RoutingView{(*stored)->document, (*stored)->numbers, (*stored)->version};
}

namespace {

// Files the prompts of a document name (JSON; an unreadable document names none).
std::set<std::string> prompt_files(const std::string& json) {
  std::set<std::string> files;
  auto document = pbx::parse_routing_document(json);
  if (!document) return files;
  for (const pbx::PromptSpec& p : document->prompts) {
    if (!p.file.empty()) files.insert(p.file);
  }
  return files;
}

bool inside(const std::filesystem::path& dir, const std::string& file) {
  if (dir.empty()) return false;
  const std::string normal = std::filesystem::path(file).lexically_normal().string();
  const std::string base = dir.lexically_normal().string() + "/";
  return normal.size() > base.size() && normal.compare(0, base.size(), base) == 0;
}

std::int64_t now_ms() {
  return unix_ms(std::chrono::system_clock::now());
}

}  // namespace

Result<http::RoutingView> RoutingService::replace(const http::AuthContext& who,
                                                  http::RoutingView proposed) {
  if (auto ok = check_tenant(who); !ok) return ok.error();
  std::lock_guard lock(mutex_);
  return replace_locked(who, std::move(proposed));
}

Result<http::RoutingView> RoutingService::set_prompt_audio(const http::AuthContext& who,
                                                           std::string_view name,
                                                           std::string_view audio) {
  if (auto ok = check_tenant(who); !ok) return ok.error();
  if (auto ok = pbx::check_routing_name(name, "name", "prompt"); !ok) return ok.error();
  if (audio.empty()) return make_error(400, "body: an audio file is required (WAV, FLAC, OGG)");
  auto clip = media::decode_audio(std::as_bytes(std::span(audio.data(), audio.size())));
  if (!clip) return make_error(400, "body: " + clip.error().message);
  std::lock_guard lock(mutex_);
  const std::filesystem::path dir(settings_.prompt_upload_dir);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const bool wav = audio.size() > 4 && audio.substr(0, 4) == "RIFF";
  std::filesystem::path file;
  for (int n = 0; file.empty() || std::filesystem::exists(file); ++n) {
    file = dir / ("upload-" + std::to_string(now_ms()) + "-" + std::to_string(n) +
                  (wav ? ".wav" : ".audio"));
  }
  {
    const std::filesystem::path part = file.string() + ".part";
    std::ofstream out(part, std::ios::binary | std::ios::trunc);
    out.write(audio.data(), static_cast<std::streamsize>(audio.size()));
    out.close();
    if (!out) {
      std::filesystem::remove(part, ec);
      return make_error(500, "prompts: cannot store the audio under " + dir.string());
    }
    std::filesystem::rename(part, file, ec);
    if (ec) return make_error(500, "prompts: cannot store the audio: " + ec.message());
  }
  auto view = current(who);
  if (!view) return view.error();
  nlohmann::json document = nlohmann::json::parse(view->document, nullptr, false);
  if (!document.is_object()) document = nlohmann::json::object();
  document["prompts"][std::string(name)] = nlohmann::json{{"file", file.string()}};
  view->document = document.dump();
  auto replaced = replace_locked(who, std::move(*view));
  if (!replaced) std::filesystem::remove(file, ec);
  return replaced;
}

Result<http::RoutingView> RoutingService::replace_locked(const http::AuthContext& who,
                                                         http::RoutingView proposed) {
  // A prompt file through the API is one uploaded, or one the document already had (from the
  // config file): never any path on the server.
  if (auto before = current(who); before) {
    const std::set<std::string> known = prompt_files(before->document);
    for (const std::string& file : prompt_files(proposed.document)) {
      if (!known.contains(file) && !inside(settings_.prompt_upload_dir, file)) {
        return make_error(400, "prompts: the file \"" + file +
                                   "\" is not an uploaded prompt (upload audio with PUT "
                                   "/api/v1/prompts/NAME/audio)");
      }
    }
  }
  auto prepared = prepare(proposed.document, std::move(proposed.numbers));
  if (!prepared) return prepared.error();
  auto db = store::Database::open(settings_.database_path);
  if (!db) return db.error();
  store::StoredRouting routing{pbx::to_json((*prepared)->document), (*prepared)->numbers, 0};
  const std::int64_t now = now_ms();
  // The version the editor read: a change made meanwhile is a conflict, not overwritten.
  auto version =
      store::save_routing(*db, settings_.tenant_id, routing, proposed.version, who.user_id, now);
  if (!version) return version.error();
  if (!(*prepared)->document.schedules.empty()) {
    time_zone_ = (*prepared)->document.schedules.front().spec().time_zone;
  }
  std::shared_ptr<Prepared> ready = *prepared;
  if (settings_.post) {
    settings_.post([this, ready] { apply(*ready); });
  } else {
    apply(*ready);
  }
  log(LogLevel::info, "routing.changed",
      {{"version", *version}, {"by", who.username}, {"schemes", ready->document.schemes.size()}});
  return http::RoutingView{routing.document, routing.numbers, *version};
}

}  // namespace dzvin::app
