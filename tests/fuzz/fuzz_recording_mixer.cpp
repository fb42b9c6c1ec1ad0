// libFuzzer target: RecordingMixer fed packets whose SSRC, RTP timestamp, length and order a
// hostile phone chooses (only the arrival time is ours: it only moves forward). Each 11-byte
// record is one packet: layout byte, arrival step (2), SSRC (1), timestamp (4), length (1),
// sample value (2); a record with arrival step 0xFFFF releases what is old. Invariants: the
// frames handed out are exactly released() x channels, released() never goes back, and
// memory stays bounded (the window never holds more than kWindow frames per channel).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "fuzz_invariant.hpp"
#include "media/recording_mixer.hpp"

using dzvin::fuzz::fail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  using dzvin::media::RecordingLayout;
  const RecordingLayout layout = static_cast<RecordingLayout>(data[0] % 3);
  dzvin::media::RecordingMixer mixer(layout);
  std::vector<std::int16_t> out;
  std::vector<std::int16_t> samples;
  std::int64_t arrival = 0;
  std::int64_t last_released = 0;
  for (std::size_t at = 1; at + 11 <= size; at += 11) {
    const std::uint8_t* r = data + at;
    const int side = r[0] & 1;
    const std::uint16_t step = static_cast<std::uint16_t>(r[1] << 8 | r[2]);
    if (step == 0xFFFF) {
      mixer.release_until(arrival - 8000, out);
    } else {
      arrival += step % 4000;  // up to half a second between packets
      const std::uint32_t ssrc = r[3] % 4;
      const std::uint32_t ts =
          std::uint32_t{r[4]} << 24 | std::uint32_t{r[5]} << 16 | std::uint32_t{r[6]} << 8 | r[7];
      samples.assign(static_cast<std::size_t>(r[8] % 240 + 1),
                     static_cast<std::int16_t>(r[9] << 8 | r[10]));
      mixer.add(side, arrival, ssrc, ts, samples);
    }
    if (mixer.released() < last_released) fail("released went back");
    last_released = mixer.released();
    if (mixer.end() < mixer.released()) fail("end before released");
    if (mixer.end() - arrival > dzvin::media::RecordingMixer::kMaxSkew + 240) {
      fail("audio placed far beyond its arrival");
    }
  }
  mixer.release_all(out);
  if (out.size() != static_cast<std::size_t>(mixer.released() * mixer.channels())) {
    fail("frames handed out differ from released()");
  }
  return 0;
}
