#include "media/telephone_event.hpp"

#include <string>
#include <string_view>

namespace dzvin::media {

namespace {
constexpr std::string_view kDtmfKeys = "0123456789*#ABCD";
}  // namespace

std::optional<TelephoneEvent> read_telephone_event(std::span<const std::uint8_t> p) noexcept {
  if (p.size() < kTelephoneEventSize) return std::nullopt;
  TelephoneEvent e;
  e.event = p[0];
  e.end = (p[1] & 0x80) != 0;
  e.volume = p[1] & 0x3F;
  e.duration = static_cast<std::uint16_t>((p[2] << 8) | p[3]);
  return e;
}

Result<TelephoneEvent> parse_telephone_event(std::span<const std::uint8_t> payload) {
  if (auto e = read_telephone_event(payload)) return *e;
  // 400: bad input, as for every other parse error in Dzvin.
  return make_error(400, "telephone-event payload of " + std::to_string(payload.size()) +
                             " octets, shorter than the 4 of RFC 4733 §2.3");
}

void write_telephone_event(const TelephoneEvent& e,
                           std::span<std::uint8_t, kTelephoneEventSize> out) noexcept {
  out[0] = e.event;
  out[1] = static_cast<std::uint8_t>((e.end ? 0x80 : 0x00) | (e.volume & 0x3F));
  out[2] = static_cast<std::uint8_t>(e.duration >> 8);
  out[3] = static_cast<std::uint8_t>(e.duration & 0xFF);
}

char dtmf_char(std::uint8_t event) noexcept {
  return event < kDtmfKeys.size() ? kDtmfKeys[event] : '\0';
}

std::optional<std::uint8_t> dtmf_event(char key) noexcept {
  if (key >= 'a' && key <= 'd') key = static_cast<char>(key - 'a' + 'A');
  const auto at = key == '\0' ? std::string_view::npos : kDtmfKeys.find(key);
  if (at == std::string_view::npos) return std::nullopt;
  return static_cast<std::uint8_t>(at);
}

}  // namespace dzvin::media
