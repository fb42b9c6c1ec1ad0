#pragma once
// An HTTP response as handlers return it: plain values, no Boost. The body is either a string
// or a byte range of a file that the server streams from disk without loading it in memory.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/http_request.hpp"

namespace dzvin::http {

// Bytes [offset, offset + length) of a file, read by the server while it writes the response.
struct FileBody {
  std::string path;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

struct HttpResponse {
  int status = 200;
  // Content-Type and the like. The server sets Content-Length, Connection, Date and Server
  // itself and ignores those names here.
  std::vector<HttpHeader> headers;
  std::string body;
  std::optional<FileBody> file;  // when set, the body is this file range and `body` is unused
  // Set for a response to HEAD (RFC 9110 §9.3.2): the body was dropped, and this is the
  // Content-Length that GET would have sent.
  std::optional<std::uint64_t> head_content_length;

  std::uint64_t content_length() const {
    if (head_content_length) return *head_content_length;
    return file ? file->length : body.size();
  }

  // The first header with this name (any case).
  std::optional<std::string_view> header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (equals_ignoring_case(key, name)) return std::string_view(value);
    }
    return std::nullopt;
  }

  // Replaces every header of this name with one.
  void set_header(std::string_view name, std::string value) {
    std::erase_if(headers,
                  [&](const HttpHeader& h) { return equals_ignoring_case(h.first, name); });
    headers.emplace_back(std::string(name), std::move(value));
  }

  // Turns this into the answer to HEAD: headers only, with the length GET would have sent.
  void drop_body() {
    if (head_content_length) return;
    head_content_length = content_length();
    body.clear();
    file.reset();
  }
};

// A response with a JSON body (Content-Type: application/json). `body` must be JSON already.
HttpResponse json(int status, std::string body);

// The one error shape of the HTTP API:
//   {"error": {"code": "link_expired", "message": "link expired", "field": "expires"}}
// `code` is a stable machine-readable word, `message` is for humans, and "field" (present only
// when not empty) names the request parameter or JSON field at fault.
HttpResponse json_error(int status, std::string_view code, std::string_view message,
                        std::string_view field = {});

// An IMF-fixdate (RFC 9110 §5.6.7) for Date and Last-Modified: "Sun, 06 Nov 1994 08:49:37 GMT".
std::string format_http_date(std::int64_t unix_seconds);

// An instant as the REST API and the live events write it: ISO 8601 UTC with milliseconds,
// "2027-03-28T09:30:00.250Z".
std::string format_instant(std::int64_t unix_ms);

}  // namespace dzvin::http
