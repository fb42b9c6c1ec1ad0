#include "http/metrics.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace dzvin::http {

namespace {

constexpr std::string_view kRequestsName = "dzvin_http_requests_total";
constexpr std::string_view kLatencyName = "dzvin_http_request_duration_seconds";

bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char ch = name[i];
    const bool letter =
        (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' || ch == ':';
    const bool digit = ch >= '0' && ch <= '9';
    if (!letter && !(digit && i > 0)) return false;
  }
  return true;
}

// A sample value as Prometheus reads it (Go's ParseFloat): integers without a fraction or an
// exponent, other values in their shortest round-trip form, and NaN, +Inf, -Inf.
std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char text[32];
  if (value == std::trunc(value) && std::fabs(value) < 9.0e15) {
    const auto [end, ec] =
        std::to_chars(text, text + sizeof text, static_cast<std::int64_t>(value));
    return std::string(text, end);
  }
  const auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  return std::string(text, end);
}

// HELP text escapes backslash and line feed; label values also escape the double quote.
std::string escape(std::string_view text, bool label_value) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    if (ch == '\\') {
      out += "\\\\";
    } else if (ch == '\n') {
      out += "\\n";
    } else if (ch == '"' && label_value) {
      out += "\\\"";
    } else {
      out += ch;
    }
  }
  return out;
}

void header(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += escape(help, false);
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

std::string_view method_label(std::string_view method) {
  for (const std::string_view known :
       {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    if (method == known) return known;
  }
  return "other";
}

}  // namespace

void MetricsRegistry::add_gauge(std::string name, std::string help, std::function<double()> read) {
  add(std::move(name), std::move(help), "gauge", std::move(read));
}

void MetricsRegistry::add_counter(std::string name, std::string help,
                                  std::function<double()> read) {
  add(std::move(name), std::move(help), "counter", std::move(read));
}

void MetricsRegistry::add(std::string name, std::string help, std::string type,
                          std::function<double()> read) {
  if (!valid_name(name)) throw std::invalid_argument("metrics: bad metric name '" + name + "'");
  if (!read) throw std::invalid_argument("metrics: no callback for '" + name + "'");
  std::lock_guard lock(mutex_);
  for (const Callback& c : callbacks_) {
    if (c.name == name) throw std::invalid_argument("metrics: '" + name + "' registered twice");
  }
  if (name == kRequestsName || name == kLatencyName) {
    throw std::invalid_argument("metrics: '" + name + "' is the HTTP server's");
  }
  callbacks_.push_back(
      Callback{std::move(name), std::move(help), std::move(type), std::move(read)});
}

void MetricsRegistry::observe_request(std::string_view method, int status, double seconds) {
  if (status < 100 || status > 999) status = 0;
  if (!(seconds >= 0)) seconds = 0;  // NaN and negative durations: a broken clock
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(method_label(method)), status}];
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    if (seconds <= kLatencyBuckets[i]) {
      ++bucket_counts_[i];
      break;
    }
  }
  ++latency_count_;
  latency_sum_ += seconds;
}

std::string MetricsRegistry::render() const {
  std::vector<Callback> callbacks;
  std::map<std::pair<std::string, int>, std::uint64_t> requests;
  std::array<std::uint64_t, kLatencyBuckets.size()> buckets{};
  std::uint64_t count = 0;
  double sum = 0;
  {
    std::lock_guard lock(mutex_);
    callbacks = callbacks_;
    requests = requests_;
    buckets = bucket_counts_;
    count = latency_count_;
    sum = latency_sum_;
  }
  std::string out;
  // The callbacks run without the lock: one may be slow or take locks of its own.
  for (const Callback& c : callbacks) {
    header(out, c.name, c.help, c.type);
    out += c.name;
    out += ' ';
    out += format_value(c.read());
    out += '\n';
  }

  header(out, kRequestsName, "HTTP requests answered, by method and status.", "counter");
  for (const auto& [key, n] : requests) {
    out += kRequestsName;
    out += "{method=\"" + escape(key.first, true) + "\",status=\"" +
           (key.second == 0 ? std::string("other") : std::to_string(key.second)) + "\"} ";
    out += std::to_string(n);
    out += '\n';
  }

  header(out, kLatencyName, "Time to answer an HTTP request.", "histogram");
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    cumulative += buckets[i];
    out += std::string(kLatencyName) + "_bucket{le=\"" + format_value(kLatencyBuckets[i]) + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  out += std::string(kLatencyName) + "_bucket{le=\"+Inf\"} " + std::to_string(count) + "\n";
  out += std::string(kLatencyName) + "_sum " + format_value(sum) + "\n";
  out += std::string(kLatencyName) + "_count " + std::to_string(count) + "\n";
  return out;
}

void add_metrics_route(Router& router, MetricsRegistry& registry) {
  router.get("/metrics", [&registry](const HttpRequest&, const RouteParams&) {
    HttpResponse response;
    response.status = 200;
    response.headers.emplace_back("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    response.headers.emplace_back("Cache-Control", "no-store");
    response.body = registry.render();
    return response;
  });
}

}  // namespace dzvin::http
