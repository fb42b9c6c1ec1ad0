#include "pbx/prompt_spec.hpp"

#include <algorithm>

#include "pbx/field_path.hpp"
#include "pbx/routing_scheme.hpp"

namespace dzvin::pbx {

namespace {

constexpr std::size_t kMaxPromptText = 2000;

Error prompt_error(std::string_view path, std::string_view field, std::string message) {
  return make_error(400, field_path(path, field) + ": " + message);
}

}  // namespace

Result<void> check_prompt_spec(const PromptSpec& prompt, std::string_view path) {
  if (auto ok = check_routing_name(prompt.name, path, "prompt"); !ok) return ok;
  if (prompt.text.empty() == prompt.file.empty()) {
    return make_error(400, std::string(path) +
                               ": a prompt has either \"text\" (with \"language\") "
                               "or \"file\"");
  }
  if (!prompt.file.empty()) {
    if (!prompt.language.empty()) {
      return prompt_error(path, "language", "only for a text prompt");
    }
    return {};
  }
  if (prompt.text.size() > kMaxPromptText) {
    return prompt_error(path, "text", "longer than 2000 bytes");
  }
  if (std::find(kPromptLanguages.begin(), kPromptLanguages.end(), prompt.language) ==
      kPromptLanguages.end()) {
    return prompt_error(path, "language",
                        "unknown prompt language \"" + prompt.language + "\" (uk, ru, en)");
  }
  return {};
}

}  // namespace dzvin::pbx
