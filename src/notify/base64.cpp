#include "notify/base64.hpp"

#include <array>
#include <cstdint>

namespace dzvin::notify {

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> make_reverse() {
  std::array<std::int8_t, 256> table{};
  table.fill(-1);
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  }
  return table;
}
constexpr std::array<std::int8_t, 256> kReverse = make_reverse();

}  // namespace

std::string base64_encode(std::span<const std::byte> bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const auto n = std::to_integer<std::uint32_t>(bytes[i]) << 16 |
                   std::to_integer<std::uint32_t>(bytes[i + 1]) << 8 |
                   std::to_integer<std::uint32_t>(bytes[i + 2]);
    out += kAlphabet[n >> 18 & 63];
    out += kAlphabet[n >> 12 & 63];
    out += kAlphabet[n >> 6 & 63];
    out += kAlphabet[n & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t n = std::to_integer<std::uint32_t>(bytes[i]) << 16;
    if (rest == 2) n |= std::to_integer<std::uint32_t>(bytes[i + 1]) << 8;
    out += kAlphabet[n >> 18 & 63];
    out += kAlphabet[n >> 12 & 63];
    out += rest == 2 ? kAlphabet[n >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  return base64_encode(std::as_bytes(std::span(bytes.data(), bytes.size())));
}

std::string base64_encode_lines(std::span<const std::byte> bytes, std::size_t line_length) {
  const std::string flat = base64_encode(bytes);
  if (line_length == 0) line_length = 76;
  std::string out;
  out.reserve(flat.size() + (flat.size() / line_length + 1) * 2);
  for (std::size_t at = 0; at < flat.size(); at += line_length) {
    out.append(flat, at, line_length);
    out += "\r\n";
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::string chars;
  chars.reserve(text.size());
  for (char c : text) {
    if (c != '\r' && c != '\n' && c != ' ' && c != '\t') chars += c;
  }
  if (chars.size() % 4 != 0) return std::nullopt;
  std::size_t padding = 0;
  while (padding < 2 && padding < chars.size() && chars[chars.size() - 1 - padding] == '=') {
    ++padding;
  }
  std::string out;
  out.reserve(chars.size() / 4 * 3);
  for (std::size_t at = 0; at < chars.size(); at += 4) {
    const bool last = at + 4 == chars.size();
    std::uint32_t group = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const char c = chars[at + k];
      std::int8_t v = 0;
      if (c != '=' || !last || k < 4 - padding) {
        v = kReverse[static_cast<unsigned char>(c)];
        if (v < 0) return std::nullopt;  // also a '=' anywhere but the end
      }
      group = group << 6 | static_cast<std::uint32_t>(v);
    }
    const std::size_t produced = last ? 3 - padding : 3;
    out += static_cast<char>(group >> 16 & 0xff);
    if (produced > 1) out += static_cast<char>(group >> 8 & 0xff);
    if (produced > 2) out += static_cast<char>(group & 0xff);
  }
  return out;
}

}  // namespace dzvin::notify
