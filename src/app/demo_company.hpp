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

// Reads the demo credentials from data_dir, creating them (and data_dir) on first use.
Result<InitialCompany> load_or_create_demo_company(const std::string& data_dir);

// A random password of `length` letters and digits (from /dev/urandom).
std::string generate_password(std::size_t length);

}  // namespace dzvin::app
