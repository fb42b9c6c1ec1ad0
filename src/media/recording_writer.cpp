#include "media/recording_writer.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <sndfile.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "base/log.hpp"

namespace dzvin::media {

namespace {

constexpr std::int64_t kRate = 8000;
// Audio stays in memory this long for packets that arrive late, then is written once at
// least kWriteBlock frames are ready (fewer, larger writes).
constexpr std::int64_t kHoldBack = kRate;
constexpr std::int64_t kWriteBlock = kRate / 2;
constexpr auto kCycle = std::chrono::milliseconds(10);

std::int64_t frames_between(SteadyTime from, SteadyTime to) {
  return (to - from) * kRate / std::chrono::nanoseconds(std::chrono::seconds(1));
}

std::chrono::milliseconds frames_to_ms(std::int64_t frames) {
  return std::chrono::milliseconds(frames * 1000 / kRate);
}

bool sync_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

struct RecordingWriter::Open {
  explicit Open(Start s) : start(std::move(s)), mixer(start.layout) {}
  ~Open() {
    if (file != nullptr) sf_close(file);
  }
  Start start;
  RecordingMixer mixer;
  SNDFILE* file = nullptr;
  std::string error;  // set once writing failed; the rest of the audio is ignored
  bool error_logged = false;
  std::int64_t written = 0;
};

RecordingWriter::RecordingWriter(unsigned rings, const Clock& clock,
                                 const MediaEventHandler* events)
    : clock_(clock), events_(events) {
  for (unsigned i = 0; i < rings; ++i)
    rings_.push_back(std::make_unique<RecordedChunkRing>());
  frames_.reserve(static_cast<std::size_t>(kRate * 4));
  thread_ = std::thread([this] { run(); });
  ::pthread_setname_np(thread_.native_handle(), "dzvin-recorder");
}

RecordingWriter::~RecordingWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void RecordingWriter::start(Start s) {
  std::lock_guard lock(mutex_);
  starts_.push_back(std::move(s));
}

void RecordingWriter::finish(std::uint64_t id, std::uint64_t dropped) {
  {
    std::lock_guard lock(mutex_);
    finishes_.emplace_back(id, dropped);
  }
  wake_.notify_one();
}

void RecordingWriter::take_starts() {
  std::vector<Start> starts;
  {
    std::lock_guard lock(mutex_);
    starts.swap(starts_);
  }
  for (Start& s : starts) {
    auto open = std::make_unique<Open>(std::move(s));
    const std::string part = open->start.path + ".part";
    std::error_code ec;
    const auto parent = std::filesystem::path(open->start.path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    SF_INFO info{};
    info.samplerate = static_cast<int>(kRate);
    info.channels = open->mixer.channels();
    info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    open->file = sf_open(part.c_str(), SFM_WRITE, &info);
    if (open->file == nullptr) {
      open->error = "cannot create " + part + ": " + sf_strerror(nullptr);
      open->error_logged = true;
      log(LogLevel::error, "media.recording_failed",
          {{"recording", open->start.id}, {"error", open->error}});
    }
    const std::uint64_t id = open->start.id;
    open_[id] = std::move(open);
  }
}

void RecordingWriter::drain() {
  for (auto& ring : rings_) {
    while (const RecordedChunk* c = ring->front()) {
      auto it = open_.find(c->recording);
      if (it == open_.end()) {
        // Its start may have been queued after this cycle took the starts.
        take_starts();
        it = open_.find(c->recording);
      }
      if (it != open_.end() && it->second->error.empty()) {
        Open& o = *it->second;
        const std::int64_t arrival =
            frames_between(o.start.started, SteadyTime(std::chrono::nanoseconds(c->arrival_ns)));
        o.mixer.add(c->side, arrival, c->ssrc, c->rtp_timestamp,
                    std::span<const std::int16_t>(c->samples.data(), c->count));
      }
      ring->pop();
    }
  }
}

void RecordingWriter::run() {
  for (;;) {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> finishes;
    bool stopping;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, kCycle, [&] { return stopping_ || !finishes_.empty(); });
      stopping = stopping_;
      finishes.swap(finishes_);
    }
    take_starts();
    // Finishes were queued after their recordings' last chunks: drained here.
    drain();
    const SteadyTime now = clock_.now();
    for (auto& [id, open] : open_) {
      Open& o = *open;
      if (!o.error.empty()) continue;
      const std::int64_t until = frames_between(o.start.started, now) - kHoldBack;
      if (until - o.mixer.released() < kWriteBlock) continue;
      frames_.clear();
      o.mixer.release_until(std::min(until, o.mixer.end()), frames_);
      if (frames_.empty()) continue;
      const auto count = static_cast<sf_count_t>(frames_.size()) / o.mixer.channels();
      if (sf_writef_short(o.file, frames_.data(), count) != count) {
        o.error = std::string("write failed: ") + sf_strerror(o.file);
        o.error_logged = true;
        log(LogLevel::error, "media.recording_failed",
            {{"recording", o.start.id}, {"error", o.error}});
      }
      o.written += count;
    }
    for (auto [id, dropped] : finishes) {
      auto it = open_.find(id);
      if (it == open_.end()) continue;
      close(*it->second, dropped);
      open_.erase(it);
    }
    if (stopping) {
      drain();
      for (auto& [id, open] : open_)
        close(*open, 0);
      open_.clear();
      return;
    }
  }
}

void RecordingWriter::close(Open& o, std::uint64_t dropped) {
  const std::string part = o.start.path + ".part";
  if (o.error.empty()) {
    frames_.clear();
    o.mixer.release_all(frames_);
    const auto count = static_cast<sf_count_t>(frames_.size()) / o.mixer.channels();
    if (count > 0 && sf_writef_short(o.file, frames_.data(), count) != count) {
      o.error = std::string("write failed: ") + sf_strerror(o.file);
    }
    o.written += count;
  }
  if (o.file != nullptr) {
    if (sf_close(o.file) != 0 && o.error.empty()) o.error = "closing the file failed";
    o.file = nullptr;
  }
  if (o.error.empty()) {
    if (!sync_file(part)) {
      o.error = "fsync of " + part + " failed";
    } else if (std::rename(part.c_str(), o.start.path.c_str()) != 0) {
      o.error = "cannot rename " + part + " to " + o.start.path;
    }
  }
  MediaEvent e;
  e.kind = MediaEvent::Kind::recording_finished;
  e.relay = o.start.relay;
  e.recording_id = o.start.id;
  e.recorded = frames_to_ms(o.written);
  e.voiced = frames_to_ms(o.mixer.voiced());
  e.dropped_packets = dropped;
  e.late_packets = o.mixer.late_packets();
  e.complete = o.error.empty();
  e.error = o.error;
  if (!e.complete && !o.error_logged) {
    log(LogLevel::error, "media.recording_failed", {{"recording", o.start.id}, {"error", o.error}});
  }
  if (events_ != nullptr && *events_) (*events_)(e);
}

}  // namespace dzvin::media
