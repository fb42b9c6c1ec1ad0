#pragma once
// A small registry of metrics in the Prometheus text exposition format (version 0.0.4), served
// at GET /metrics. The app registers gauges and counters as callbacks that read its own
// counters (atomics, stats() snapshots); the HTTP server feeds request counts and latencies.
//
// /metrics needs no login: bind the HTTP listener, or a reverse proxy's /metrics location, to
// a private address (loopback, the monitoring VLAN) — the numbers say how busy the company is.
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/router.hpp"

namespace dzvin::http {

class MetricsRegistry {
 public:
  // Upper bounds (seconds) of the request latency histogram's buckets; +Inf follows.
  static constexpr std::array<double, 13> kLatencyBuckets = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  // `read` is called on every scrape, on the HTTP thread, without the registry's lock held:
  // it must be thread-safe (an atomic's load) and quick. A name must match
  // [a-zA-Z_:][a-zA-Z0-9_:]* and be new, else std::invalid_argument (a programming error).
  // Counters only go up; their names end in "_total" by convention.
  void add_gauge(std::string name, std::string help, std::function<double()> read);
  void add_counter(std::string name, std::string help, std::function<double()> read);

  // One answered HTTP request: counted in dzvin_http_requests_total{method,status} and
  // timed in dzvin_http_request_duration_seconds. Methods other than the standard ones
  // count as "other" (the label set stays small whatever clients send). Thread-safe.
  void observe_request(std::string_view method, int status, double seconds);

  // Every metric in the text format: "# HELP", "# TYPE", then the samples; a blank-free
  // document ending in a newline.
  std::string render() const;

 private:
  struct Callback {
    std::string name;
    std::string help;
    std::string type;  // "gauge" or "counter"
    std::function<double()> read;
  };
  void add(std::string name, std::string help, std::string type, std::function<double()> read);

  mutable std::mutex mutex_;
  std::vector<Callback> callbacks_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;      // (method, status) -> count
  std::array<std::uint64_t, kLatencyBuckets.size()> bucket_counts_{};  // not cumulative
  std::uint64_t latency_count_ = 0;
  double latency_sum_ = 0;
};

// GET (and HEAD) /metrics: registry.render() as text/plain; version=0.0.4. No authentication
// (see above). `registry` must outlive the router.
void add_metrics_route(Router& router, MetricsRegistry& registry);

}  // namespace dzvin::http
