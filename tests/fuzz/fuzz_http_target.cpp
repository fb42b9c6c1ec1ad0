// libFuzzer target: what a web client controls before any handler runs: the request target
// (decode_target) and a Range header (parse_byte_range). The input's first line is the target,
// the second the Range value, and its length picks the file size. Invariants: a decoded path
// starts with '/', holds no NUL and no "." or ".." segment; refusals are 400 with a message; a
// selected range lies inside the file.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_invariant.hpp"
#include "http/file_response.hpp"
#include "http/router.hpp"

using dzvin::fuzz::fail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t eol = input.find('\n');
  const std::string_view target = input.substr(0, eol);
  const std::string_view range =
      eol == std::string_view::npos ? std::string_view() : input.substr(eol + 1);

  dzvin::http::HttpRequest request;
  request.method = "GET";
  request.target = std::string(target);
  if (auto r = dzvin::http::decode_target(request); r) {
    const std::string& path = request.path;
    if (path.empty() || path.front() != '/') fail("path does not start with /");
    if (path.find('\0') != std::string::npos) fail("NUL in the path");
    std::size_t start = 1;
    while (start <= path.size()) {
      const std::size_t end = std::min(path.find('/', start), path.size());
      const std::string_view segment(path.data() + start, end - start);
      if (segment == "." || segment == "..") fail("dot segment");
      start = end + 1;
    }
  } else if (r.error().code != 400 || r.error().message.empty()) {
    fail("refusal");
  }

  const std::uint64_t file_size = size * 97;  // 0 .. a few MB
  const auto selected = dzvin::http::parse_byte_range(range, file_size);
  using Outcome = dzvin::http::RangeOutcome;
  if (selected.outcome == Outcome::whole && (selected.first != 0 || selected.length != file_size)) {
    fail("whole is not the whole file");
  }
  if (selected.outcome != Outcome::whole && selected.outcome != Outcome::unsatisfiable) {
    if (selected.length == 0 || selected.first >= file_size ||
        selected.length > file_size - selected.first) {
      fail("range outside the file");
    }
  }
  return 0;
}
