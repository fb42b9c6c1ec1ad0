#include "media/source_latch.hpp"

namespace dzvin::media {

SourceLatch::Verdict SourceLatch::offer(const SocketAddress& source, SteadyTime now) {
  if (!latched_) {
    latched_ = true;
    source_ = source;
    last_heard_ = now;
    candidate_packets_ = 0;
    return Verdict::latched;
  }
  if (source == source_) {
    last_heard_ = now;
    candidate_packets_ = 0;  // the peer is alive: a competing source must start over
    return Verdict::accepted;
  }
  if (candidate_packets_ > 0 && source == candidate_) {
    if (candidate_packets_ < packets_to_relatch_) ++candidate_packets_;
  } else {
    candidate_ = source;
    candidate_packets_ = 1;
  }
  if (now - last_heard_ >= kSilenceBeforeRelatch && candidate_packets_ >= packets_to_relatch_) {
    source_ = candidate_;
    last_heard_ = now;
    candidate_packets_ = 0;
    return Verdict::relatched;
  }
  return Verdict::refused;
}

void SourceLatch::reset() {
  latched_ = false;
  candidate_packets_ = 0;
}

}  // namespace dzvin::media
