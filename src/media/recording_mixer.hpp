#pragma once
// RecordingMixer: puts the audio of a call's two legs on one timeline and hands out finished
// frames (mono: both legs summed; stereo: leg A left, leg B right; caller only: leg A).
// Pure logic, no threads or files: the recording writer feeds it decoded packets and writes
// what it releases. Internal to media/.
//
// Where a packet goes: RTP timestamps say how packets of one stream follow each other
// (contiguous even when the network delivers them in bursts, gaps kept where packets were
// lost); the arrival time says where a stream starts on the recording's timeline and corrects
// it when the two disagree by more than a jitter bound (a new SSRC, silence suppression, a
// sender clock that drifts). So jitter never shifts audio, and the two legs stay aligned to
// within that bound.
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "media/recording_options.hpp"

namespace dzvin::media {

class RecordingMixer {
 public:
  // A packet's audio more than this far from where its arrival says it belongs resyncs the
  // stream to its arrival.
  static constexpr std::int64_t kMaxSkew = 4000;  // 500 ms at 8 kHz
  // RTP timestamp gaps up to this are lost packets (kept as silence); larger ones resync.
  static constexpr std::int64_t kMaxGap = 16000;  // 2 s
  // Frames held back for late packets before they are written.
  static constexpr std::int64_t kWindow = 3 * 8000;

  explicit RecordingMixer(RecordingLayout layout);

  // One decoded packet of leg `side` (0: A, 1: B): `arrival` in samples since the recording
  // started, its RTP SSRC and timestamp.
  void add(int side, std::int64_t arrival, std::uint32_t ssrc, std::uint32_t rtp_timestamp,
           std::span<const std::int16_t> samples);

  // Releases the frames before `position` (interleaved when stereo) into `out` (appended).
  // Frames nobody sent audio for are silence.
  void release_until(std::int64_t position, std::vector<std::int16_t>& out);
  // Releases everything added so far.
  void release_all(std::vector<std::int16_t>& out) { release_until(end(), out); }

  int channels() const { return layout_ == RecordingLayout::stereo ? 2 : 1; }
  std::int64_t released() const { return released_; }   // frames (handed out or in overflow)
  std::int64_t end() const;                             // one past the last frame with audio
  std::int64_t voiced() const { return voiced_; }       // samples of packets above the floor
  std::uint64_t late_packets() const { return late_; }  // arrived after their frames were out

 private:
  struct Stream {
    bool started = false;
    std::uint32_t ssrc = 0;
    std::uint32_t next_timestamp = 0;
    std::int64_t next_position = 0;  // where the next contiguous packet goes
  };
  void make_room(std::int64_t until);
  void release_frames(std::int64_t position, std::vector<std::int16_t>& out);

  RecordingLayout layout_;
  std::array<Stream, 2> streams_{};
  // Frames [released_, released_ + kWindow) in a ring, 32-bit so that two legs sum without
  // overflow; per channel.
  std::array<std::vector<std::int32_t>, 2> window_;
  std::vector<std::int16_t> overflow_;  // released by make_room, not yet handed out
  std::int64_t released_ = 0;
  std::int64_t voiced_ = 0;
  std::uint64_t late_ = 0;
};

// Mean absolute amplitude above which a packet counts as voice (about -45 dBFS); the floor of
// a quiet line or a muted phone is below.
inline constexpr int kVoiceFloor = 180;
bool is_voice(std::span<const std::int16_t> samples);

}  // namespace dzvin::media
