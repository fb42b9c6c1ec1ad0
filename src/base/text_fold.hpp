#pragma once
// Case folding of UTF-8 text for case-insensitive search: "ОЛЕНА", "Олена" and "олена" fold
// alike, as "Koval" and "KOVAL" do. Unicode simple case folding (CaseFolding.txt, status C and
// S) of ASCII, Latin-1 Supplement, Latin Extended-A, Greek and Coptic (U+0370-03FF) and
// Cyrillic with its supplement (U+0400-052F: Ukrainian Ґ Є І Ї included); every other
// character stays as it is. Full foldings that change the number of characters (ß → ss) are
// not made. Bytes that are not UTF-8 are copied unchanged, so any input folds.
#include <cstddef>
#include <string>
#include <string_view>

namespace dzvin {

// Folding never lengthens text (every folded character takes at most the bytes it had):
// `out` needs room for text.size() bytes. Returns the bytes written. Allocates nothing.
std::size_t fold_case(std::string_view text, char* out);

// The folded text.
std::string fold_case(std::string_view text);

// The folded form of one code point (unchanged outside the ranges above).
char32_t fold_code_point(char32_t c);

}  // namespace dzvin
