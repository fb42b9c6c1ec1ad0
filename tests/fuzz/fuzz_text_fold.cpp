// libFuzzer target: case folding for search (base/text_fold.hpp) on any bytes, as names and
// search terms arrive. Invariants: the folded text is never longer; folding it again changes
// nothing; the buffer form and the string form agree; bytes that are not letters stay.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/text_fold.hpp"
#include "fuzz_invariant.hpp"

using dzvin::fuzz::fail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string buffer(size, '\0');
  const std::size_t written = dzvin::fold_case(input, buffer.data());
  if (written > size) fail("folding lengthened the text");
  buffer.resize(written);
  const std::string folded = dzvin::fold_case(input);
  if (folded != buffer) fail("the two forms disagree");
  if (dzvin::fold_case(folded) != folded) fail("folding twice changed the text");
  // ASCII that is not a capital letter comes through as it was, in the same place when
  // nothing before it changed length.
  if (written == size) {
    for (std::size_t i = 0; i < size; ++i) {
      const auto c = static_cast<unsigned char>(input[i]);
      if (c < 0x80 && !(c >= 'A' && c <= 'Z') && folded[i] != input[i])
        fail("an ASCII character that is no capital changed");
    }
  }
  return 0;
}
