#pragma once
// RecordingWriter: the thread that turns recorded packets into WAV files. It takes the chunks
// the media threads put in their rings (one ring per media thread), places them on each
// recording's timeline (RecordingMixer), writes what is older than a second in blocks of half
// a second, and on finish flushes the rest, syncs the file to disk and renames "<path>.part"
// to `path`. Disk time never reaches a media thread: they only fill rings. Internal to media/.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/clock.hpp"
#include "media/media_engine.hpp"
#include "media/recorded_chunk_ring.hpp"
#include "media/recording_mixer.hpp"

namespace dzvin::media {

class RecordingWriter {
 public:
  struct Start {
    std::uint64_t id = 0;
    RelayId relay;
    std::string path;
    RecordingLayout layout = RecordingLayout::mixed;
    SteadyTime started{};
  };

  RecordingWriter(unsigned rings, const Clock& clock, const MediaEventHandler* events);
  // Finishes every recording still open (their files complete up to now) and stops.
  ~RecordingWriter();
  RecordingWriter(const RecordingWriter&) = delete;
  RecordingWriter& operator=(const RecordingWriter&) = delete;

  RecordedChunkRing* ring(unsigned index) { return rings_[index].get(); }
  // Any thread, before any chunk of the recording can be in a ring.
  void start(Start start);
  // The media thread that recorded `id`, after its last chunk: the file is finished.
  void finish(std::uint64_t id, std::uint64_t dropped);

 private:
  struct Open;
  void run();
  void take_starts();
  void drain();
  void close(Open& open, std::uint64_t dropped);

  const Clock& clock_;
  const MediaEventHandler* events_;
  std::vector<std::unique_ptr<RecordedChunkRing>> rings_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Start> starts_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> finishes_;  // id, dropped chunks
  bool stopping_ = false;

  // Writer thread only.
  std::unordered_map<std::uint64_t, std::unique_ptr<Open>> open_;
  std::vector<std::int16_t> frames_;
  std::thread thread_;
};

}  // namespace dzvin::media
