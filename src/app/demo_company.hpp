#pragma once
// The demo company that `dzvin demo` serves: a few SIP accounts with generated passwords,
// kept in DATA_DIR/demo-credentials.txt (mode 0600) so the same phones keep working across
// restarts. Demo only: a real installation never keeps passwords, only their HA1.
#include <string>

#include "app/config.hpp"
#include "base/result.hpp"

namespace dzvin::app {

inline constexpr const char* kDemoCompanyName = "Demo Company";
inline constexpr const char* kDemoSipDomain = "demo.dzvin.local";
// The demo's web login: the Duty manager (1001) as admin, with the same password as the
// phone account (demo only).
inline constexpr const char* kDemoAdminEmail = "admin@demo.dzvin.local";

// Reads the demo credentials from data_dir, creating them (and data_dir) on first use.
Result<InitialCompany> load_or_create_demo_company(const std::string& data_dir);

// The demo company's telephony: a loopback trunk (its provider is this Dzvin itself, at its
// UDP listen address, 127.0.0.1 for a wildcard one), the public number +380 44 111 00 00 on it with
// the scheme "ring the duty manager (1001) 20 s, then the Sales manager's and the Secretary's
// mobiles (+380 50 111 00 02 and 00 03, numbers on the same trunk that come back to 1002 and 1003)
// at once; after hours, the working hours spoken and a menu (1: urgent, 2: voicemail)"
// (docs/trunks.md).
void add_demo_telephony(Config& config, const IpEndpoint& udp_listen);

// A random password of `length` letters and digits (from /dev/urandom).
std::string generate_password(std::size_t length);

}  // namespace dzvin::app
