#pragma once
// The hand-over of recorded audio from one media thread to the recording writer: a bounded
// single-producer single-consumer ring of fixed-size chunks, allocated once. The media thread
// decodes a packet straight into a free slot; nothing on its path allocates, locks or waits.
// When the writer falls behind by the whole ring, the newest packets are dropped (counted),
// never the media thread delayed. Internal to media/.
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>

namespace dzvin::media {

struct RecordedChunk {
  static constexpr std::size_t kMaxSamples = 240;  // 30 ms; longer packets take several chunks
  std::uint64_t recording = 0;
  std::int64_t arrival_ns = 0;  // steady clock
  std::uint32_t ssrc = 0;
  std::uint32_t rtp_timestamp = 0;  // of the chunk's first sample
  std::uint16_t count = 0;
  std::uint8_t side = 0;  // 0: leg A, 1: leg B
  std::array<std::int16_t, kMaxSamples> samples;
};

class RecordedChunkRing {
 public:
  // 16,384 chunks: at 500 recorded calls spread over two media threads, about 0.6 s of audio
  // per thread, while the writer takes them every 10 ms.
  static constexpr std::size_t kCapacity = 16384;  // a power of two

  RecordedChunkRing() : slots_(std::make_unique<RecordedChunk[]>(kCapacity)) {}

  // Producer: a free slot to fill, or nullptr when the ring is full.
  RecordedChunk* reserve() noexcept {
    const std::uint64_t head = head_.load(std::memory_order_relaxed);
    if (head - tail_cache_ >= kCapacity) {
      tail_cache_ = tail_.load(std::memory_order_acquire);
      if (head - tail_cache_ >= kCapacity) return nullptr;
    }
    return &slots_[head & (kCapacity - 1)];
  }
  void commit() noexcept {
    head_.store(head_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  }

  // Consumer: the oldest chunk, or nullptr when empty.
  const RecordedChunk* front() noexcept {
    const std::uint64_t tail = tail_.load(std::memory_order_relaxed);
    if (tail == head_cache_) {
      head_cache_ = head_.load(std::memory_order_acquire);
      if (tail == head_cache_) return nullptr;
    }
    return &slots_[tail & (kCapacity - 1)];
  }
  void pop() noexcept {
    tail_.store(tail_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  }

 private:
  std::unique_ptr<RecordedChunk[]> slots_;
  alignas(64) std::atomic<std::uint64_t> head_{0};  // written by the producer
  std::uint64_t tail_cache_ = 0;                    // producer's view of tail_
  alignas(64) std::atomic<std::uint64_t> tail_{0};  // written by the consumer
  std::uint64_t head_cache_ = 0;                    // consumer's view of head_
};

}  // namespace dzvin::media
