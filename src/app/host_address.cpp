#include "app/host_address.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>

#include <optional>
#include <string>

namespace dzvin::app {

std::string primary_host_address() {
  ifaddrs* list = nullptr;
  std::string found = "127.0.0.1";
  if (getifaddrs(&list) != 0) return found;
  for (ifaddrs* a = list; a; a = a->ifa_next) {
    if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET) continue;
    if ((a->ifa_flags & IFF_LOOPBACK) || !(a->ifa_flags & IFF_UP)) continue;
    char buf[INET_ADDRSTRLEN];
    sockaddr_in sin;
    __builtin_memcpy(&sin, a->ifa_addr, sizeof sin);
    inet_ntop(AF_INET, &sin.sin_addr, buf, sizeof buf);
    found = buf;
    break;
  }
  freeifaddrs(list);
  return found;
}

Result<IpAddress> resolve_host(std::string_view host) {
  if (auto literal = IpAddress::parse(host)) return *literal;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* list = nullptr;
  const std::string name(host);
  if (const int rc = getaddrinfo(name.c_str(), nullptr, &hints, &list); rc != 0) {
    return make_error(0, "cannot resolve '" + name + "': " + gai_strerror(rc));
  }
  std::optional<IpAddress> v4;
  std::optional<IpAddress> v6;
  for (addrinfo* a = list; a != nullptr; a = a->ai_next) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (a->ai_family == AF_INET && !v4) {
      sockaddr_in sin;
      __builtin_memcpy(&sin, a->ai_addr, sizeof sin);
      inet_ntop(AF_INET, &sin.sin_addr, buf, sizeof buf);
      if (auto ip = IpAddress::parse(buf)) v4 = *ip;
    } else if (a->ai_family == AF_INET6 && !v6) {
      sockaddr_in6 sin6;
      __builtin_memcpy(&sin6, a->ai_addr, sizeof sin6);
      inet_ntop(AF_INET6, &sin6.sin6_addr, buf, sizeof buf);
      if (auto ip = IpAddress::parse(buf)) v6 = *ip;
    }
  }
  freeaddrinfo(list);
  if (v4) return *v4;
  if (v6) return *v6;
  return make_error(0, "cannot resolve '" + name + "': no address");
}

}  // namespace dzvin::app
