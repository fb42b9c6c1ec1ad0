#include "pbx/voicemail_box.hpp"

#include <algorithm>

#include "pbx/field_path.hpp"
#include "pbx/prompt_spec.hpp"

namespace dzvin::pbx {

namespace {

Error field_error(std::string_view path, std::string_view field, std::string message) {
  return make_error(400, field_path(path, field) + ": " + std::move(message));
}

bool looks_like_address(std::string_view a) {
  const auto at = a.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= a.size() || a.size() > 254) {
    return false;
  }
  if (a.find('@', at + 1) != std::string_view::npos) return false;
  return std::none_of(a.begin(), a.end(), [](char c) {
    return static_cast<unsigned char>(c) <= 0x20 || c == '<' || c == '>' || c == ',' || c == ';' ||
           c == 0x7f;
  });
}

}  // namespace

std::string builtin_greeting_prompt(std::string_view language) {
  return "voicemail-greeting-" + std::string(language);
}

std::string_view builtin_greeting_text(std::string_view language) {
  if (language == "ru") return "Пожалуйста, оставьте сообщение после сигнала.";
  if (language == "en") return "Please leave a message after the tone.";
  return "Будь ласка, залиште повідомлення після сигналу.";
}

Result<void> check_voicemail_box(const VoicemailBox& box, std::string_view path) {
  if (std::find(kPromptLanguages.begin(), kPromptLanguages.end(), box.language) ==
      kPromptLanguages.end()) {
    return field_error(path, "language", "unknown language \"" + box.language + "\" (uk, ru, en)");
  }
  if (box.max_length < std::chrono::seconds(5) || box.max_length > std::chrono::seconds(3600)) {
    return field_error(path, "max_length",
                       std::to_string(box.max_length.count()) + " is outside 5..3600 s");
  }
  if (box.silence < std::chrono::seconds(0) || box.silence > std::chrono::seconds(60)) {
    return field_error(path, "silence",
                       std::to_string(box.silence.count()) + " is outside 0..60 s");
  }
  if (box.min_length < std::chrono::seconds(0) || box.min_length > std::chrono::seconds(60)) {
    return field_error(path, "min_length",
                       std::to_string(box.min_length.count()) + " is outside 0..60 s");
  }
  if (box.emails.size() > 16) return field_error(path, "emails", "more than 16 addresses");
  for (std::size_t i = 0; i < box.emails.size(); ++i) {
    if (!looks_like_address(box.emails[i])) {
      return field_error(path, "emails[" + std::to_string(i) + "]",
                         "\"" + box.emails[i] + "\" is not an e-mail address");
    }
  }
  return {};
}

VoicemailVerdict judge_voicemail(const VoicemailBox& box, bool complete,
                                 std::chrono::milliseconds voiced) {
  if (!complete) return VoicemailVerdict::not_recorded;
  if (voiced < box.min_length || voiced.count() == 0) return VoicemailVerdict::too_short;
  return VoicemailVerdict::kept;
}

std::string_view to_string(VoicemailVerdict verdict) {
  switch (verdict) {
    case VoicemailVerdict::kept:
      return "kept";
    case VoicemailVerdict::too_short:
      return "too short";
    case VoicemailVerdict::not_recorded:
      return "not recorded";
  }
  return "?";
}

VoicemailBox VoicemailBoxes::find(std::string_view name) const {
  if (auto it = boxes_.find(name); it != boxes_.end()) return it->second;
  VoicemailBox box;
  box.name = std::string(name);
  return box;
}

}  // namespace dzvin::pbx
