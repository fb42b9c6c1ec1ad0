#pragma once
// A prompt as the routing document names it: a text Dzvin speaks in a language, or an audio
// file converted on load. The media services turn it into audio (media/speech_synthesizer,
// media/audio_file); schemes refer to it by name from play steps.
#include <array>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace dzvin::pbx {

// The languages prompts can be spoken in (espeak-ng voices).
inline constexpr std::array<std::string_view, 3> kPromptLanguages = {"uk", "ru", "en"};

struct PromptSpec {
  std::string name;
  std::string text;      // spoken with `language`; or
  std::string language;  // "uk", "ru", "en"
  std::string file;      // an audio file (WAV, FLAC, ...), converted to 8 kHz when loaded
  bool operator==(const PromptSpec&) const = default;
};

// Exactly one of text and file; text 1-2000 bytes with a known language; `path` prefixes the
// field in errors ("prompts.hours.language: unknown prompt language \"de\" (uk, ru, en)").
Result<void> check_prompt_spec(const PromptSpec& prompt, std::string_view path);

}  // namespace dzvin::pbx
