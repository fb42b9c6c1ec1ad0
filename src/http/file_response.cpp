#include "http/file_response.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <limits>
#include <vector>

namespace dzvin::http {

namespace {

constexpr std::uint64_t kHuge = std::numeric_limits<std::uint64_t>::max();

// 1*DIGIT, saturating at 2^64-1: a position that large is past any file's end anyway.
bool parse_position(std::string_view text, std::uint64_t& out) {
  if (text.empty()) return false;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    value = value > (kHuge - digit) / 10 ? kHuge : value * 10 + digit;
  }
  out = value;
  return true;
}

// RFC 9110 §8.8.3.2: weak comparison ignores a "W/" prefix; strong comparison refuses it.
bool etag_matches(std::string_view candidate, std::string_view etag, bool weak) {
  candidate = trim_ows(candidate);
  if (candidate.starts_with("W/")) {
    if (!weak) return false;
    candidate.remove_prefix(2);
  }
  return candidate == etag;
}

bool if_none_match(std::string_view header, std::string_view etag) {
  if (trim_ows(header) == "*") return true;
  while (!header.empty()) {
    const auto comma = header.find(',');
    if (etag_matches(header.substr(0, comma), etag, true)) return true;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

std::string hex(std::uint64_t value) {
  char text[20];
  std::snprintf(text, sizeof text, "%llx", static_cast<unsigned long long>(value));
  return text;
}

}  // namespace

RangeSelection parse_byte_range(std::string_view range_header, std::uint64_t size) {
  const RangeSelection whole{RangeOutcome::whole, 0, size};
  const RangeSelection unsatisfiable{RangeOutcome::unsatisfiable, 0, 0};
  const std::string_view value = trim_ows(range_header);
  const auto equals = value.find('=');
  if (equals == std::string_view::npos || !equals_ignoring_case(value.substr(0, equals), "bytes"))
    return whole;

  // range-set = 1#range-spec: a list whose empty elements are skipped (RFC 9110 §5.6.1.2).
  std::vector<std::string_view> specs;
  std::string_view set = value.substr(equals + 1);
  for (;;) {
    const auto comma = set.find(',');
    const std::string_view spec = trim_ows(set.substr(0, comma));
    if (!spec.empty()) specs.push_back(spec);
    if (comma == std::string_view::npos) break;
    set.remove_prefix(comma + 1);
  }
  if (specs.size() != 1) return whole;  // multipart/byteranges is not offered

  const std::string_view spec = specs.front();
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return whole;
  const std::string_view first_text = spec.substr(0, dash);
  const std::string_view last_text = spec.substr(dash + 1);

  if (first_text.empty()) {  // suffix-range: the last n bytes
    std::uint64_t suffix = 0;
    if (!parse_position(last_text, suffix)) return whole;
    if (suffix == 0) return unsatisfiable;
    if (size == 0) return whole;  // nothing to select; a 206 could not say "bytes 0--1/0"
    const std::uint64_t length = suffix < size ? suffix : size;
    return {RangeOutcome::partial, size - length, length};
  }

  std::uint64_t first = 0;
  if (!parse_position(first_text, first)) return whole;
  std::uint64_t last = kHuge;
  if (!last_text.empty() && !parse_position(last_text, last)) return whole;
  if (last < first) return whole;  // §14.1.1: invalid range-spec
  if (first >= size) return unsatisfiable;
  if (last >= size) last = size - 1;
  return {RangeOutcome::partial, first, last - first + 1};
}

HttpResponse file_response(const HttpRequest& request, const std::string& path,
                           std::string_view content_type) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode))
    return json_error(404, "not_found", "no such file");
  const auto size = static_cast<std::uint64_t>(info.st_size);
  const auto mtime_ns = static_cast<std::uint64_t>(info.st_mtim.tv_sec) * 1'000'000'000u +
                        static_cast<std::uint64_t>(info.st_mtim.tv_nsec);
  const std::string etag = "\"" + hex(size) + "-" + hex(mtime_ns) + "\"";
  const std::string last_modified = format_http_date(info.st_mtim.tv_sec);

  HttpResponse response;
  response.headers = {{"Content-Type", std::string(content_type)},
                      {"Accept-Ranges", "bytes"},
                      {"ETag", etag},
                      {"Last-Modified", last_modified}};
  const bool get_or_head = request.method == "GET" || request.method == "HEAD";

  // RFC 9110 §13.1.2: the client's copy is current.
  if (auto match = request.header("If-None-Match");
      match && get_or_head && if_none_match(*match, etag)) {
    response.status = 304;
    return response;
  }

  RangeSelection selection{RangeOutcome::whole, 0, size};
  if (auto range = request.header("Range"); range && get_or_head) {
    // §13.1.5: a Range made for another version of the file is ignored.
    const auto if_range = request.header("If-Range");
    const bool same_version =
        !if_range || etag_matches(*if_range, etag, false) || trim_ows(*if_range) == last_modified;
    if (same_version) selection = parse_byte_range(*range, size);
  }

  switch (selection.outcome) {
    case RangeOutcome::unsatisfiable: {
      HttpResponse refused = json_error(416, "range_not_satisfiable",
                                        "the range starts past the end of the file", "Range");
      refused.set_header("Content-Range", "bytes */" + std::to_string(size));
      refused.set_header("Accept-Ranges", "bytes");
      return refused;
    }
    case RangeOutcome::partial:
      response.status = 206;
      response.headers.emplace_back(
          "Content-Range", "bytes " + std::to_string(selection.first) + "-" +
                               std::to_string(selection.first + selection.length - 1) + "/" +
                               std::to_string(size));
      break;
    case RangeOutcome::whole:
      response.status = 200;
      break;
  }
  response.file = FileBody{path, selection.first, selection.length};
  return response;
}

std::optional<std::string> resolve_under(const std::filesystem::path& root,
                                         const std::string& relative) {
  namespace fs = std::filesystem;
  const fs::path rel(relative);
  if (relative.empty() || rel.is_absolute() || rel.has_root_name()) return std::nullopt;
  const fs::path joined = (root / rel).lexically_normal();
  const auto inside = [](const fs::path& base, const fs::path& p) {
    const fs::path r = p.lexically_relative(base);
    return !r.empty() && *r.begin() != ".." && *r.begin() != ".";
  };
  if (!inside(root, joined)) return std::nullopt;
  std::error_code ec;
  const fs::path real_root = fs::weakly_canonical(root, ec);
  if (ec) return std::nullopt;
  const fs::path real = fs::weakly_canonical(joined, ec);
  if (ec || !inside(real_root, real)) return std::nullopt;
  return joined.string();
}

}  // namespace dzvin::http
