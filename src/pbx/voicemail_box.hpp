#pragma once
// A voicemail box: where a `voicemail` step leaves the caller, how the message is taken, and
// who is told about it. Boxes are named in the routing document ("voicemail": {...}); every
// user also has a box of their own name with the defaults unless the document declares one.
#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace dzvin::pbx {

struct VoicemailBox {
  std::string name;
  std::string greeting;             // prompt name; empty: the built-in one in `language`
  std::vector<std::string> emails;  // told of each message (none: the message is only kept)
  std::string language = "uk";      // of the built-in greeting and the e-mail
  std::chrono::seconds max_length{120};
  std::chrono::seconds silence{5};  // quiet this long after speaking ends the message; 0: off
  // A message with less speech than this (audio above the silence floor) is not kept: the
  // caller hung up at the beep or said nothing.
  std::chrono::seconds min_length{1};
  bool operator==(const VoicemailBox&) const = default;
};

// The prompt name of the built-in greeting in `language` ("Please leave a message after the
// tone"); the app synthesises it when some box uses it.
std::string builtin_greeting_prompt(std::string_view language);
// The built-in greeting's text in `language` (uk, ru, en).
std::string_view builtin_greeting_text(std::string_view language);

// Limits: max_length 5-3600 s, silence 0-60 s, min_length 0-60 s, at most 16 e-mail addresses
// that look like addresses, a known language. `path` prefixes the field in errors.
Result<void> check_voicemail_box(const VoicemailBox& box, std::string_view path);

enum class VoicemailVerdict : std::uint8_t { kept, too_short, not_recorded };
// Whether a finished recording is a message: complete, with at least min_length of speech.
VoicemailVerdict judge_voicemail(const VoicemailBox& box, bool complete,
                                 std::chrono::milliseconds voiced);
std::string_view to_string(VoicemailVerdict verdict);

class VoicemailBoxes {
 public:
  void add(VoicemailBox box) { boxes_.insert_or_assign(box.name, std::move(box)); }
  void clear() { boxes_.clear(); }
  // The declared box, or one with the defaults named `name` (users' own boxes).
  VoicemailBox find(std::string_view name) const;
  bool declared(std::string_view name) const { return boxes_.find(name) != boxes_.end(); }
  const std::map<std::string, VoicemailBox, std::less<>>& all() const { return boxes_; }

 private:
  std::map<std::string, VoicemailBox, std::less<>> boxes_;
};

}  // namespace dzvin::pbx
