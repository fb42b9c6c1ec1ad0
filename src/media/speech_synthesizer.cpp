#include "media/speech_synthesizer.hpp"

#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>
#include <locale.h>

#include <array>
#include <atomic>
#include <boost/uuid/detail/sha1.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <future>
#include <list>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/log.hpp"
#include "media/audio_file.hpp"

namespace dzvin::media {
namespace {

constexpr int kBadRequest = 400;
constexpr int kEngineFailure = 500;
constexpr int kShuttingDown = 503;

struct Voice {
  std::string_view language;
  const char* espeak_name;  // espeak-ng-data/lang/zle/uk, zle/ru, gmw/en (British English)
};
constexpr std::array<Voice, 3> kVoices{{{"uk", "uk"}, {"ru", "ru"}, {"en", "en"}}};
constexpr std::string_view kLanguageList = "uk, ru, en";

const Voice* find_voice(std::string_view language) {
  for (const Voice& voice : kVoices) {
    if (voice.language == language) return &voice;
  }
  return nullptr;
}

// RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF.
bool valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    char32_t code = 0;
    char32_t min = 0;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2, code = lead & 0x1F, min = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3, code = lead & 0x0F, min = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4, code = lead & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (text.size() - i < length) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += length;
  }
  return true;
}

// The disk cache's file name: a collision would play one prompt's audio for another text, so
// the name is a cryptographic digest of the key, not a plain hash. (Boost's SHA-1 is the one
// digest dzvin_media has at hand; collisions for it are still impractical to craft.)
std::string digest_hex(const std::string& key) {
  boost::uuids::detail::sha1 sha1;
  sha1.process_bytes(key.data(), key.size());
  boost::uuids::detail::sha1::digest_type digest;
  sha1.get_digest(digest);
  std::string hex;
  // Boost 1.74 gives five 32-bit words, later versions twenty bytes: both read big-endian.
  for (const auto part : digest) {
    char text[9];
    std::snprintf(text, sizeof text, "%0*x", static_cast<int>(2 * sizeof part),
                  static_cast<unsigned>(part));
    hex += text;
  }
  return hex;
}

// espeak-ng keeps all its state in globals: one instance per process, shared by every
// SpeechSynthesizer, every call made under `mutex_`. It is loaded once and never unloaded:
// espeak-ng 1.51 hangs in espeak_ng_Terminate after a second espeak_ng_Initialize.
class Espeak {
 public:
  static Espeak& instance() {
    static Espeak espeak;
    return espeak;
  }

  // Throws std::runtime_error.
  void load() {
    std::lock_guard lock(mutex_);
    if (sample_rate_ != 0) return;
    // espeak_ng_Initialize switches the whole process to LC_CTYPE C.UTF-8, which its wctype
    // calls need: the process gets its own locale back, and the synthesis threads use
    // C.UTF-8 as their thread locale.
    const std::string process_locale = setlocale(LC_CTYPE, nullptr);
    espeak_ng_InitializePath(nullptr);
    espeak_ng_ERROR_CONTEXT context = nullptr;
    espeak_ng_STATUS status = espeak_ng_Initialize(&context);
    setlocale(LC_CTYPE, process_locale.c_str());
    if (status != ENS_OK) {
      throw std::runtime_error("espeak-ng cannot start: " + describe(status, context));
    }
    status = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, nullptr);
    if (status != ENS_OK) {
      throw std::runtime_error("espeak-ng cannot start: " + describe(status, nullptr));
    }
    espeak_SetSynthCallback(on_samples);
    for (const Voice& voice : kVoices) {
      status = espeak_ng_SetVoiceByName(voice.espeak_name);
      if (status != ENS_OK) {
        throw std::runtime_error("espeak-ng has no voice '" + std::string(voice.espeak_name) +
                                 "' for prompts in '" + std::string(voice.language) +
                                 "' (is espeak-ng-data installed?): " + describe(status, nullptr));
      }
      voice_ = &voice;
    }
    sample_rate_ = espeak_ng_GetSampleRate();
  }

  int sample_rate() const { return sample_rate_; }

  // Samples at sample_rate(); at most `max_samples` (a longer text is refused).
  Result<std::vector<std::int16_t>> speak(const Voice& voice, int words_per_minute,
                                          const std::string& text, std::size_t max_samples) {
    std::lock_guard lock(mutex_);
    if (voice_ != &voice) {
      if (const auto status = espeak_ng_SetVoiceByName(voice.espeak_name); status != ENS_OK) {
        voice_ = nullptr;
        return make_error(kEngineFailure, "espeak-ng cannot load voice '" +
                                              std::string(voice.espeak_name) +
                                              "': " + describe(status, nullptr));
      }
      voice_ = &voice;
    }
    espeak_ng_SetParameter(espeakRATE, words_per_minute, 0);
    Collector collector{.samples = {}, .max_samples = max_samples, .overflowed = false};
    collector_ = &collector;
    const auto status = espeak_ng_Synthesize(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0,
                                             espeakCHARS_UTF8, nullptr, nullptr);
    collector_ = nullptr;
    if (collector.overflowed) {
      return make_error(kBadRequest, "the prompt text takes more than " +
                                         std::to_string(max_samples / sample_rate_ / 60) +
                                         " min to speak");
    }
    if (status != ENS_OK) {
      return make_error(kEngineFailure, "espeak-ng failed: " + describe(status, nullptr));
    }
    return std::move(collector.samples);
  }

 private:
  struct Collector {
    std::vector<std::int16_t> samples;
    std::size_t max_samples;
    bool overflowed;
  };

  // espeak-ng's synthesis callback, called inside espeak_ng_Synthesize (so under `mutex_`).
  static int on_samples(short* samples, int count, espeak_EVENT*) {
    Collector* collector = instance().collector_;
    if (collector == nullptr || samples == nullptr || count <= 0) return 0;
    if (collector->samples.size() + static_cast<std::size_t>(count) > collector->max_samples) {
      collector->overflowed = true;
      return 1;  // abort the synthesis
    }
    collector->samples.insert(collector->samples.end(), samples, samples + count);
    return 0;
  }

  static std::string describe(espeak_ng_STATUS status, espeak_ng_ERROR_CONTEXT context) {
    // espeak_ng_PrintStatusCodeMessage names the file it missed; it only prints to a FILE.
    char* text = nullptr;
    std::size_t length = 0;
    std::string message;
    if (FILE* out = open_memstream(&text, &length); out != nullptr) {
      espeak_ng_PrintStatusCodeMessage(status, out, context);
      std::fclose(out);
      message.assign(text, length);
      std::free(text);
    }
    if (context != nullptr) espeak_ng_ClearErrorContext(&context);
    while (!message.empty() && (message.back() == '\n' || message.back() == '.')) {
      message.pop_back();
    }
    return message.empty() ? "status " + std::to_string(status) : message;
  }

  std::mutex mutex_;
  int sample_rate_ = 0;  // 0 until loaded
  const Voice* voice_ = nullptr;
  Collector* collector_ = nullptr;
};

// Least recently used clips first out, bounded by their samples' bytes.
class ClipCache {
 public:
  explicit ClipCache(std::size_t capacity) : capacity_(capacity) {}

  const AudioClip* find(const std::string& key) {
    const auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    entries_.splice(entries_.begin(), entries_, it->second);
    return &it->second->clip;
  }

  void insert(const std::string& key, const AudioClip& clip) {
    const std::size_t size = cost(key, clip);
    if (size > capacity_ || index_.contains(key)) return;
    while (bytes_ + size > capacity_) {
      bytes_ -= cost(entries_.back().key, entries_.back().clip);
      index_.erase(entries_.back().key);
      entries_.pop_back();
    }
    entries_.push_front({key, clip});
    index_.emplace(entries_.front().key, entries_.begin());
    bytes_ += size;
  }

  std::size_t bytes() const { return bytes_; }

 private:
  struct Entry {
    std::string key;
    AudioClip clip;
  };
  static std::size_t cost(const std::string& key, const AudioClip& clip) {
    return key.size() + clip.samples.size() * sizeof(std::int16_t);
  }

  std::size_t capacity_;
  std::size_t bytes_ = 0;
  std::list<Entry> entries_;  // most recently used first
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;  // keys of entries_
};

}  // namespace

class SpeechSynthesizer::Worker {
 public:
  explicit Worker(SpeechConfig config)
      : config_(std::move(config)), cache_(config_.memory_cache_bytes) {
    if (config_.words_per_minute < espeakRATE_MINIMUM ||
        config_.words_per_minute > espeakRATE_MAXIMUM) {
      throw std::runtime_error(
          "speech words_per_minute " + std::to_string(config_.words_per_minute) + " is outside " +
          std::to_string(espeakRATE_MINIMUM) + ".." + std::to_string(espeakRATE_MAXIMUM));
    }
    Espeak::instance().load();
    if (!config_.cache_dir.empty()) prepare_cache_dir();
    thread_ = std::thread([this] { run(); });
  }

  ~Worker() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }

  void enqueue(std::string text, std::string language,
               std::function<void(Result<AudioClip>)> done) {
    {
      std::lock_guard lock(mutex_);
      if (!stopping_) {
        queue_.push_back({std::move(text), std::move(language), std::move(done)});
        wake_.notify_one();
        return;
      }
    }
    // Only a `done` callback (on the synthesis thread) can still ask while the queue drains.
    done(shutting_down());
  }

  bool on_synthesis_thread() const { return std::this_thread::get_id() == thread_.get_id(); }

  Stats stats() const {
    return {.synthesized = synthesized_.load(std::memory_order_relaxed),
            .memory_hits = memory_hits_.load(std::memory_order_relaxed),
            .disk_hits = disk_hits_.load(std::memory_order_relaxed),
            .memory_bytes = memory_bytes_.load(std::memory_order_relaxed)};
  }

 private:
  struct Request {
    std::string text;
    std::string language;
    std::function<void(Result<AudioClip>)> done;
  };

  static Error shutting_down() {
    return make_error(kShuttingDown, "the speech synthesizer is shutting down");
  }

  void prepare_cache_dir() {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(config_.cache_dir, ec);
    if (ec || !fs::is_directory(config_.cache_dir, ec)) {
      throw std::runtime_error("cannot create the speech cache directory " + config_.cache_dir +
                               ": " + (ec ? ec.message() : "not a directory"));
    }
    // What a crash left half written (write_wav_file's temporary files).
    for (const auto& entry : fs::directory_iterator(config_.cache_dir, ec)) {
      if (entry.path().extension() == ".tmp") fs::remove(entry.path(), ec);
    }
  }

  void run() {
    // espeak-ng classifies characters with the wctype functions, which need a UTF-8 locale;
    // this thread alone uses one (see Espeak::load).
    const locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", nullptr);
    if (utf8 != nullptr) uselocale(utf8);
    for (;;) {
      Request request;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (stopping_) break;
        request = std::move(queue_.front());
        queue_.pop_front();
      }
      request.done(serve(request.text, request.language));
    }
    std::deque<Request> rest;
    {
      std::lock_guard lock(mutex_);
      rest.swap(queue_);
    }
    for (Request& request : rest) {
      request.done(shutting_down());
    }
    if (utf8 != nullptr) {
      uselocale(LC_GLOBAL_LOCALE);
      freelocale(utf8);
    }
  }

  Result<AudioClip> serve(const std::string& text, const std::string& language) {
    const Voice* voice = find_voice(language);
    if (voice == nullptr) {
      return make_error(kBadRequest, "unknown prompt language '" + language + "' (" +
                                         std::string(kLanguageList) + ")");
    }
    if (text.empty()) return make_error(kBadRequest, "the prompt text is empty");
    if (text.size() > config_.max_text_bytes) {
      return make_error(kBadRequest, "the prompt text is " + std::to_string(text.size()) +
                                         " bytes: at most " +
                                         std::to_string(config_.max_text_bytes) + " are accepted");
    }
    if (!valid_utf8(text)) return make_error(kBadRequest, "the prompt text is not valid UTF-8");
    if (text.find('\0') != std::string::npos) {
      return make_error(kBadRequest, "the prompt text holds a NUL character");
    }

    const std::string key = std::string(voice->espeak_name) + '\n' +
                            std::to_string(config_.words_per_minute) + '\n' + text;
    if (const AudioClip* clip = cache_.find(key)) {
      memory_hits_.fetch_add(1, std::memory_order_relaxed);
      return *clip;
    }
    const std::string path =
        config_.cache_dir.empty() ? std::string() : config_.cache_dir + "/" + cache_file_name(key);
    if (!path.empty()) {
      if (auto clip = read_audio_file(path); clip) {
        disk_hits_.fetch_add(1, std::memory_order_relaxed);
        remember(key, *clip);
        return clip;
      } else if (clip.error().code != 404) {
        log(LogLevel::warn, "media.tts_cache_unreadable",
            {{"path", path}, {"error", clip.error().message}});
      }
    }

    const auto started = std::chrono::steady_clock::now();
    Espeak& espeak = Espeak::instance();
    const auto max_samples =
        static_cast<std::size_t>(espeak.sample_rate()) *
        static_cast<std::size_t>(std::chrono::seconds(AudioLimits{}.max_duration).count());
    auto spoken = espeak.speak(*voice, config_.words_per_minute, text, max_samples);
    if (!spoken) return spoken.error();
    if (spoken->empty()) return make_error(kBadRequest, "the prompt text has nothing to speak");
    auto clip = resample_to_clip(*spoken, espeak.sample_rate());
    if (!clip) return clip.error();
    synthesized_.fetch_add(1, std::memory_order_relaxed);
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
    log(LogLevel::debug, "media.tts_synthesized",
        {{"language", language},
         {"text_bytes", text.size()},
         {"audio_ms", clip->duration().count()},
         {"took_us", elapsed.count()}});
    if (!path.empty()) {
      if (auto written = write_wav_file(path, *clip); !written) {
        log(LogLevel::warn, "media.tts_cache_write_failed", {{"error", written.error().message}});
      }
    }
    remember(key, *clip);
    return clip;
  }

  static std::string cache_file_name(const std::string& key) { return digest_hex(key) + ".wav"; }

  void remember(const std::string& key, const AudioClip& clip) {
    cache_.insert(key, clip);
    memory_bytes_.store(cache_.bytes(), std::memory_order_relaxed);
  }

  const SpeechConfig config_;
  ClipCache cache_;  // the synthesis thread's alone

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Request> queue_;
  bool stopping_ = false;

  std::atomic<std::uint64_t> synthesized_{0};
  std::atomic<std::uint64_t> memory_hits_{0};
  std::atomic<std::uint64_t> disk_hits_{0};
  std::atomic<std::size_t> memory_bytes_{0};

  std::thread thread_;  // last: starts once everything above is constructed
};

SpeechSynthesizer::SpeechSynthesizer(SpeechConfig config)
    : worker_(std::make_unique<Worker>(std::move(config))) {}

SpeechSynthesizer::~SpeechSynthesizer() = default;

bool SpeechSynthesizer::supports_language(std::string_view language) {
  return find_voice(language) != nullptr;
}

void SpeechSynthesizer::synthesize(std::string text, std::string language,
                                   std::function<void(Result<AudioClip>)> done) {
  worker_->enqueue(std::move(text), std::move(language), std::move(done));
}

Result<AudioClip> SpeechSynthesizer::synthesize_now(std::string text, std::string language) {
  if (worker_->on_synthesis_thread()) {
    return make_error(kEngineFailure,
                      "synthesize_now called from a synthesis callback would wait for itself");
  }
  std::promise<Result<AudioClip>> promise;
  auto future = promise.get_future();
  synthesize(std::move(text), std::move(language),
             [&promise](Result<AudioClip> clip) { promise.set_value(std::move(clip)); });
  return future.get();
}

SpeechSynthesizer::Stats SpeechSynthesizer::stats() const {
  return worker_->stats();
}

}  // namespace dzvin::media
