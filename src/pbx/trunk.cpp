#include "pbx/trunk.hpp"

#include <charconv>

namespace dzvin::pbx {

std::string_view to_string(TrunkNumberFormat format) {
  switch (format) {
    case TrunkNumberFormat::e164:
      return "e164";
    case TrunkNumberFormat::e164_digits:
      return "e164_digits";
    case TrunkNumberFormat::national:
      return "national";
  }
  return "e164";
}

std::optional<TrunkNumberFormat> parse_trunk_number_format(std::string_view text) {
  for (auto f :
       {TrunkNumberFormat::e164, TrunkNumberFormat::e164_digits, TrunkNumberFormat::national}) {
    if (text == to_string(f)) return f;
  }
  return std::nullopt;
}

bool TrunkSource::matches(const IpEndpoint& source) const {
  if (source.address.v6 != address.v6) return false;
  if (port != 0 && source.port != port) return false;
  const unsigned total = address.v6 ? 128 : 32;
  const unsigned bits = prefix_bits == 0 ? total : prefix_bits;
  const unsigned whole = bits / 8;
  for (unsigned i = 0; i < whole; ++i) {
    if (source.address.bytes[i] != address.bytes[i]) return false;
  }
  if (const unsigned rest = bits % 8; rest != 0) {
    const auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
    if ((source.address.bytes[whole] & mask) != (address.bytes[whole] & mask)) return false;
  }
  return true;
}

Result<TrunkSource> parse_trunk_source(std::string_view text) {
  TrunkSource source;
  const std::string quoted = "'" + std::string(text) + "'";
  if (const auto slash = text.find('/'); slash != std::string_view::npos) {
    const std::string_view bits_text = text.substr(slash + 1);
    auto address = IpAddress::parse(text.substr(0, slash));
    if (!address) return make_error(0, "bad address in " + quoted + ": " + address.error().message);
    unsigned bits = 0;
    const auto [end, ec] =
        std::from_chars(bits_text.data(), bits_text.data() + bits_text.size(), bits);
    const unsigned total = address->v6 ? 128 : 32;
    if (ec != std::errc() || end != bits_text.data() + bits_text.size() || bits == 0 ||
        bits > total) {
      return make_error(
          0, "bad prefix length in " + quoted + " (expected 1.." + std::to_string(total) + ")");
    }
    source.address = *address;
    source.prefix_bits = bits;
    return source;
  }
  if (auto address = IpAddress::parse(text)) {  // "192.0.2.7", "::1", "[::1]"
    source.address = *address;
    return source;
  }
  auto endpoint = IpEndpoint::parse(text, 0);
  if (!endpoint) {
    return make_error(0, "bad source address " + quoted +
                             " (expected IP, IP:PORT or IP/PREFIX): " + endpoint.error().message);
  }
  source.address = endpoint->address;
  source.port = endpoint->port;
  return source;
}

std::string format_for_trunk(std::string_view e164, TrunkNumberFormat format,
                             const NumberingPlan& plan) {
  if (!e164.starts_with('+')) return std::string(e164);  // not a number: as given
  const std::string_view digits = e164.substr(1);
  switch (format) {
    case TrunkNumberFormat::e164:
      return std::string(e164);
    case TrunkNumberFormat::e164_digits:
      return std::string(digits);
    case TrunkNumberFormat::national:
      if (digits.starts_with(plan.country_code)) {
        return plan.trunk_prefix + std::string(digits.substr(plan.country_code.size()));
      }
      return plan.international_prefix + std::string(digits);
  }
  return std::string(e164);
}

}  // namespace dzvin::pbx
