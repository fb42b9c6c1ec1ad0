#include "base/text_fold.hpp"

namespace dzvin {

namespace {

// Blocks where capital and small letters alternate: the capital is the even (or, with
// `odd_capital`, the odd) code point of each pair and its small letter the next one.
char32_t fold_pair(char32_t c, bool odd_capital) {
  return (c % 2 == 1) == odd_capital ? c + 1 : c;
}

char32_t fold_latin_extended_a(char32_t c) {
  // U+0130 İ, U+0131 ı, U+0138 ĸ and U+0149 ŉ have no simple folding.
  if (c <= 0x012F || (c >= 0x0132 && c <= 0x0137) || (c >= 0x014A && c <= 0x0177)) {
    return fold_pair(c, false);
  }
  if ((c >= 0x0139 && c <= 0x0148) || (c >= 0x0179 && c <= 0x017E)) return fold_pair(c, true);
  if (c == 0x0178) return 0x00FF;  // Ÿ → ÿ
  if (c == 0x017F) return U's';    // ſ (long s)
  return c;
}

// The Greek and Coptic letters that fold other than in the runs and pairs below.
struct Folding {
  char32_t from;
  char32_t to;
};
constexpr Folding kGreekFoldings[] = {
    {0x0370, 0x0371}, {0x0372, 0x0373}, {0x0376, 0x0377}, {0x037F, 0x03F3},  // Ͱ Ͳ Ͷ Ϳ
    {0x0386, 0x03AC}, {0x0388, 0x03AD}, {0x0389, 0x03AE}, {0x038A, 0x03AF},  // Ά Έ Ή Ί
    {0x038C, 0x03CC}, {0x038E, 0x03CD}, {0x038F, 0x03CE},                    // Ό Ύ Ώ
    {0x03C2, 0x03C3},                                                        // final ς → σ
    {0x03CF, 0x03D7}, {0x03D0, 0x03B2}, {0x03D1, 0x03B8}, {0x03D5, 0x03C6},  // Ϗ ϐ ϑ ϕ
    {0x03D6, 0x03C0}, {0x03F0, 0x03BA}, {0x03F1, 0x03C1}, {0x03F4, 0x03B8},  // ϖ ϰ ϱ ϴ
    {0x03F5, 0x03B5}, {0x03F7, 0x03F8}, {0x03F9, 0x03F2}, {0x03FA, 0x03FB},  // ϵ Ϸ Ϲ Ϻ
    {0x03FD, 0x037B}, {0x03FE, 0x037C}, {0x03FF, 0x037D},                    // Ͻ Ͼ Ͽ
};

char32_t fold_greek(char32_t c) {
  if ((c >= 0x0391 && c <= 0x03A1) || (c >= 0x03A3 && c <= 0x03AB)) return c + 0x20;  // Α-Ϋ
  if (c >= 0x03D8 && c <= 0x03EF) return fold_pair(c, false);  // archaic letters, Coptic
  for (const Folding& f : kGreekFoldings) {
    if (f.from == c) return f.to;
  }
  return c;
}

char32_t fold_cyrillic(char32_t c) {
  if (c <= 0x040F) return c + 0x50;  // Ѐ-Џ (Є І Ї among them) → ѐ-џ
  if (c <= 0x042F) return c + 0x20;  // А-Я → а-я
  if ((c >= 0x0460 && c <= 0x0481) || (c >= 0x048A && c <= 0x04BF) || c >= 0x04D0) {
    return fold_pair(c, false);  // Ѡ-ҁ, Ҋ-ҿ (Ґ among them), Ӑ-ԯ
  }
  if (c == 0x04C0) return 0x04CF;                             // Ӏ (palochka)
  if (c >= 0x04C1 && c <= 0x04CE) return fold_pair(c, true);  // Ӂ-ӎ
  return c;
}

}  // namespace

char32_t fold_code_point(char32_t c) {
  if (c < 0x80) return c >= U'A' && c <= U'Z' ? c + 0x20 : c;
  if (c < 0x100) {
    if (c == 0x00B5) return 0x03BC;  // micro sign → μ
    // À-Þ but × (U+00D7); ß (U+00DF) folds only fully, to "ss".
    return c >= 0x00C0 && c <= 0x00DE && c != 0x00D7 ? c + 0x20 : c;
  }
  if (c < 0x0180) return fold_latin_extended_a(c);
  if (c >= 0x0370 && c < 0x0400) return fold_greek(c);
  if (c >= 0x0400 && c < 0x0530) return fold_cyrillic(c);
  return c;
}

std::size_t fold_case(std::string_view text, char* out) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      out[n++] = b >= 'A' && b <= 'Z' ? static_cast<char>(b + 0x20) : static_cast<char>(b);
      ++i;
      continue;
    }
    // Every character that folds is below U+0800: a two-byte sequence (RFC 3629: a lead byte
    // C2-DF, then one continuation byte 80-BF). Longer sequences and stray bytes are copied.
    const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    if (b < 0xC2 || b > 0xDF || (next & 0xC0) != 0x80) {
      out[n++] = static_cast<char>(b);
      ++i;
      continue;
    }
    const char32_t folded = fold_code_point((char32_t{b} & 0x1F) << 6 | (next & 0x3F));
    if (folded < 0x80) {
      out[n++] = static_cast<char>(folded);
    } else {
      out[n++] = static_cast<char>(0xC0 | (folded >> 6));
      out[n++] = static_cast<char>(0x80 | (folded & 0x3F));
    }
    i += 2;
  }
  return n;
}

std::string fold_case(std::string_view text) {
  std::string out(text.size(), '\0');
  out.resize(fold_case(text, out.data()));
  return out;
}

}  // namespace dzvin
