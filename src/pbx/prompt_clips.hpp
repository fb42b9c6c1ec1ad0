#pragma once
// The company's prompts as audio, by name: what play steps send to the caller. Filled at
// start-up (or when prompts change) by the app from the routing document's prompts, through
// the media services (text-to-speech, audio files); read on the signalling thread. The clips
// are shared with the media threads that play them, and never change once added.
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "media/audio_clip.hpp"

namespace dzvin::pbx {

class PromptClips {
 public:
  void add(std::string name, std::shared_ptr<const media::AudioClip> clip) {
    clips_.insert_or_assign(std::move(name), std::move(clip));
  }
  std::shared_ptr<const media::AudioClip> find(std::string_view name) const {
    auto it = clips_.find(name);
    return it == clips_.end() ? nullptr : it->second;
  }
  std::size_t size() const { return clips_.size(); }

 private:
  std::map<std::string, std::shared_ptr<const media::AudioClip>, std::less<>> clips_;
};

}  // namespace dzvin::pbx
