#pragma once
// Base64 (RFC 4648 §4, with padding), the transfer encoding of every MIME part we send.
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace dzvin::notify {

std::string base64_encode(std::span<const std::byte> bytes);
std::string base64_encode(std::string_view bytes);

// MIME body form: lines of at most `line_length` characters (RFC 2045 §6.8 allows 76), each
// ending in CRLF.
std::string base64_encode_lines(std::span<const std::byte> bytes, std::size_t line_length = 76);

// Decodes, skipping CR, LF, space and tab; nullopt for any other character outside the
// alphabet, a length that is not a multiple of four, or misplaced padding.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace dzvin::notify
