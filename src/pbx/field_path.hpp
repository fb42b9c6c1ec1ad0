#pragma once
// Paths into a JSON document for error messages, e.g. `steps[1].targets[0]: unknown user
// "bob"`: every error of the routing data names the field it is about.
#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace dzvin::pbx {

// `parent.key`, or `key` at the top.
inline std::string field_path(std::string_view parent, std::string_view key) {
  std::string out(parent);
  if (!out.empty()) out += '.';
  out.append(key);
  return out;
}

// `parent[index]`.
inline std::string field_path(std::string_view parent, std::size_t index) {
  std::string out(parent);
  out += '[';
  out += std::to_string(index);
  out += ']';
  return out;
}

inline std::string in_quotes(std::string_view text) {
  std::string out = "\"";
  out.append(text);
  out += '"';
  return out;
}

// Code 400: the input is invalid. `path: what`, or `what` alone when the path is empty.
inline Error field_error(std::string_view path, std::string_view what) {
  std::string message(path);
  if (!message.empty()) message += ": ";
  message.append(what);
  return make_error(400, std::move(message));
}

}  // namespace dzvin::pbx
