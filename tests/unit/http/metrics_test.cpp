#include "http/metrics.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "http/router.hpp"

namespace dzvin::http {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

bool has_line(const std::string& text, const std::string& line) {
  for (const std::string& l : lines_of(text)) {
    if (l == line) return true;
  }
  return false;
}

// The value of the sample line that starts with `series` followed by a space.
std::string sample(const std::string& text, const std::string& series) {
  for (const std::string& l : lines_of(text)) {
    if (l.rfind(series + " ", 0) == 0) return l.substr(series.size() + 1);
  }
  return "<none>";
}

TEST(MetricsTest, CallbacksAreReadOnEveryScrape) {
  MetricsRegistry registry;
  std::atomic<int> calls_up{3};
  std::atomic<std::uint64_t> registrations{41};
  registry.add_gauge("dzvin_calls_active", "Calls up now.", [&] { return calls_up.load(); });
  registry.add_counter("dzvin_registrations_total", "REGISTER requests accepted.",
                       [&] { return static_cast<double>(registrations.load()); });
  std::string text = registry.render();
  EXPECT_TRUE(has_line(text, "# HELP dzvin_calls_active Calls up now.")) << text;
  EXPECT_TRUE(has_line(text, "# TYPE dzvin_calls_active gauge")) << text;
  EXPECT_TRUE(has_line(text, "dzvin_calls_active 3")) << text;
  EXPECT_TRUE(has_line(text, "# TYPE dzvin_registrations_total counter")) << text;
  EXPECT_TRUE(has_line(text, "dzvin_registrations_total 41")) << text;
  calls_up = 5;
  ++registrations;
  text = registry.render();
  EXPECT_TRUE(has_line(text, "dzvin_calls_active 5"));
  EXPECT_TRUE(has_line(text, "dzvin_registrations_total 42"));
  EXPECT_EQ(text.back(), '\n');
}

TEST(MetricsTest, ValuesInTheFormPrometheusReads) {
  MetricsRegistry registry;
  registry.add_gauge("a", "h", [] { return 0.25; });
  registry.add_gauge("b", "h", [] { return 1e21; });
  registry.add_gauge("c", "h", [] { return std::numeric_limits<double>::quiet_NaN(); });
  registry.add_gauge("d", "h", [] { return -std::numeric_limits<double>::infinity(); });
  registry.add_gauge("e", "h", [] { return -12.0; });
  registry.add_gauge("f", "h", [] { return 123456789012.0; });
  const std::string text = registry.render();
  EXPECT_EQ(sample(text, "a"), "0.25");
  EXPECT_EQ(sample(text, "b"), "1e+21");
  EXPECT_EQ(sample(text, "c"), "NaN");
  EXPECT_EQ(sample(text, "d"), "-Inf");
  EXPECT_EQ(sample(text, "e"), "-12");
  EXPECT_EQ(sample(text, "f"), "123456789012");
}

TEST(MetricsTest, HelpTextIsEscaped) {
  MetricsRegistry registry;
  registry.add_gauge("g", "two\nlines and a \\ backslash", [] { return 1.0; });
  EXPECT_TRUE(has_line(registry.render(), "# HELP g two\\nlines and a \\\\ backslash"));
}

TEST(MetricsTest, BadOrRepeatedNamesAreProgrammingErrors) {
  MetricsRegistry registry;
  EXPECT_THROW(registry.add_gauge("", "h", [] { return 1.0; }), std::invalid_argument);
  EXPECT_THROW(registry.add_gauge("9lives", "h", [] { return 1.0; }), std::invalid_argument);
  EXPECT_THROW(registry.add_gauge("has-dash", "h", [] { return 1.0; }), std::invalid_argument);
  EXPECT_THROW(registry.add_gauge("ok", "h", nullptr), std::invalid_argument);
  registry.add_gauge("ok:sub_1", "h", [] { return 1.0; });
  EXPECT_THROW(registry.add_counter("ok:sub_1", "h", [] { return 1.0; }), std::invalid_argument);
  EXPECT_THROW(registry.add_counter("dzvin_http_requests_total", "h", [] { return 1.0; }),
               std::invalid_argument);
}

TEST(MetricsTest, RequestsAreCountedByMethodAndStatus) {
  MetricsRegistry registry;
  registry.observe_request("GET", 200, 0.001);
  registry.observe_request("GET", 200, 0.002);
  registry.observe_request("POST", 400, 0.002);
  registry.observe_request("BREW", 405, 0.002);  // not a standard method: "other"
  const std::string text = registry.render();
  EXPECT_TRUE(has_line(text, "# TYPE dzvin_http_requests_total counter"));
  EXPECT_TRUE(has_line(text, "dzvin_http_requests_total{method=\"GET\",status=\"200\"} 2")) << text;
  EXPECT_TRUE(has_line(text, "dzvin_http_requests_total{method=\"POST\",status=\"400\"} 1"));
  EXPECT_TRUE(has_line(text, "dzvin_http_requests_total{method=\"other\",status=\"405\"} 1"));
  EXPECT_EQ(text.find("BREW"), std::string::npos);
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  MetricsRegistry registry;
  registry.observe_request("GET", 200, 0.0005);  // <= 0.001
  registry.observe_request("GET", 200, 0.001);   // le is inclusive
  registry.observe_request("GET", 200, 0.003);   // <= 0.005
  registry.observe_request("GET", 200, 0.2);     // <= 0.25
  registry.observe_request("GET", 200, 60);      // only +Inf
  const std::string text = registry.render();
  const std::string h = "dzvin_http_request_duration_seconds";
  EXPECT_TRUE(has_line(text, "# TYPE " + h + " histogram"));
  EXPECT_EQ(sample(text, h + "_bucket{le=\"0.001\"}"), "2");
  EXPECT_EQ(sample(text, h + "_bucket{le=\"0.0025\"}"), "2");
  EXPECT_EQ(sample(text, h + "_bucket{le=\"0.005\"}"), "3");
  EXPECT_EQ(sample(text, h + "_bucket{le=\"0.1\"}"), "3");
  EXPECT_EQ(sample(text, h + "_bucket{le=\"0.25\"}"), "4");
  EXPECT_EQ(sample(text, h + "_bucket{le=\"10\"}"), "4");
  EXPECT_EQ(sample(text, h + "_bucket{le=\"+Inf\"}"), "5");
  EXPECT_EQ(sample(text, h + "_count"), "5");
  EXPECT_DOUBLE_EQ(std::stod(sample(text, h + "_sum")), 0.0005 + 0.001 + 0.003 + 0.2 + 60);
  // Every bucket line is at least the one before it, in increasing le order.
  std::uint64_t previous = 0;
  int buckets = 0;
  for (const std::string& line : lines_of(text)) {
    if (line.rfind(h + "_bucket", 0) != 0) continue;
    const std::uint64_t n = std::stoull(line.substr(line.rfind(' ') + 1));
    EXPECT_GE(n, previous) << line;
    previous = n;
    ++buckets;
  }
  EXPECT_EQ(buckets, static_cast<int>(MetricsRegistry::kLatencyBuckets.size()) + 1);
}

TEST(MetricsTest, AnEmptyHistogramIsStillWellFormed) {
  const std::string text = MetricsRegistry().render();
  EXPECT_TRUE(has_line(text, "dzvin_http_request_duration_seconds_bucket{le=\"+Inf\"} 0"));
  EXPECT_TRUE(has_line(text, "dzvin_http_request_duration_seconds_count 0"));
  EXPECT_TRUE(has_line(text, "dzvin_http_request_duration_seconds_sum 0"));
  for (const std::string& line : lines_of(text))
    EXPECT_FALSE(line.empty());
}

TEST(MetricsTest, ObservationsFromManyThreadsAllCount) {
  MetricsRegistry registry;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        registry.observe_request("GET", 200, 0.001);
        if (i % 100 == 0) (void)registry.render();
      }
    });
  }
  for (std::thread& t : threads)
    t.join();
  EXPECT_EQ(sample(registry.render(), "dzvin_http_request_duration_seconds_count"), "4000");
}

TEST(MetricsTest, TheRouteServesTheTextFormat) {
  MetricsRegistry registry;
  registry.add_gauge("dzvin_up", "1 while running.", [] { return 1.0; });
  Router router;
  add_metrics_route(router, registry);
  HttpRequest request;
  request.method = "GET";
  request.target = "/metrics";
  const HttpResponse r = router.handle(request);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_TRUE(has_line(r.body, "dzvin_up 1"));
  request.method = "HEAD";
  EXPECT_EQ(router.handle(request).status, 200);
}

}  // namespace
}  // namespace dzvin::http
