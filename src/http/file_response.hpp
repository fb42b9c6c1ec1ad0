#pragma once
// Serving a file from disk as an HTTP response, with single byte ranges (RFC 9110 §14) so that
// audio players can seek. The response names the file and the byte range; the server streams
// those bytes from disk while writing.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "http/http_request.hpp"
#include "http/http_response.hpp"

namespace dzvin::http {

enum class RangeOutcome {
  whole,          // no Range, or one to ignore (malformed, other unit, several ranges): 200
  partial,        // one satisfiable range: 206
  unsatisfiable,  // a valid range past the end: 416
};

struct RangeSelection {
  RangeOutcome outcome = RangeOutcome::whole;
  std::uint64_t first = 0;   // first byte served
  std::uint64_t length = 0;  // bytes served; the whole size for `whole`, 0 for `unsatisfiable`
};

// What a Range header value asks of a representation of `size` bytes (RFC 9110 §14.1.1):
// "bytes=a-b", "bytes=a-" and "bytes=-n", one range only. A last position past the end is
// cut to the end; numbers too large for 64 bits count as "very large" (so "bytes=-<huge>" is
// the whole file and "bytes=<huge>-" is unsatisfiable). A malformed value, "bytes=5-2", another
// unit or more than one range select the whole representation (§14.2 allows ignoring them).
RangeSelection parse_byte_range(std::string_view range_header, std::uint64_t size);

// A response serving the file at `path`: 200 with the whole file, 206 with Content-Range for
// one satisfiable Range, 416 with "Content-Range: bytes */size" for an unsatisfiable one, 404
// JSON when there is no regular file at `path`. Sends Accept-Ranges, ETag (size and mtime) and
// Last-Modified; honours If-Range (a Range for a changed file is ignored) and If-None-Match
// (304). A Range on a method other than GET/HEAD is ignored.
HttpResponse file_response(const HttpRequest& request, const std::string& path,
                           std::string_view content_type);

// `relative` as a path under `root` (both absolute, normalised), or nullopt when it would
// leave `root`, lexically or through a symbolic link. For paths read from the store or a URL.
std::optional<std::string> resolve_under(const std::filesystem::path& root,
                                         const std::string& relative);

}  // namespace dzvin::http
