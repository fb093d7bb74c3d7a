#include "atelier/server/metrics.h"

#include <gtest/gtest.h>

namespace atelier::server {
namespace {

TEST(MetricsTest, CountsRequestsByRouteAndStatus) {
  Metrics m;
  m.RegisterRoutes({"/api/v1/products/{id}"});
  m.RecordRequest("/api/v1/products/{id}", 200, 150);
  m.RecordRequest("/api/v1/products/{id}", 200, 90);
  m.RecordRequest("/api/v1/products/{id}", 404, 20);
  EXPECT_EQ(m.RequestCount("/api/v1/products/{id}", 200), 2u);
  EXPECT_EQ(m.RequestCount("/api/v1/products/{id}", 404), 1u);
  const std::string text = m.Render();
  EXPECT_NE(text.find("atelier_http_requests_total{route=\"/api/v1/products/{id}\",status=\"200\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("# TYPE atelier_http_request_duration_seconds histogram"), std::string::npos);
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  Metrics m;
  m.RecordRequest("/x", 200, 50);       // 0.00005 s: first bucket
  m.RecordRequest("/x", 200, 3'000);    // 0.003 s
  m.RecordRequest("/x", 200, 20'000'000);  // 20 s: only +Inf
  const std::string text = m.Render();
  EXPECT_NE(text.find("atelier_http_request_duration_seconds_bucket{route=\"/x\",le=\"0.0001\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("atelier_http_request_duration_seconds_bucket{route=\"/x\",le=\"0.005\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("atelier_http_request_duration_seconds_bucket{route=\"/x\",le=\"+Inf\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("atelier_http_request_duration_seconds_count{route=\"/x\"} 3\n"), std::string::npos);
}

TEST(MetricsTest, RendersGaugesSampledAtScrapeTime) {
  Metrics m;
  double version = 3;
  m.AddGauge("atelier_snapshot_version", "name=\"catalog\"", "Snapshot versions.", [&] { return version; });
  version = 4;
  const std::string text = m.Render();
  EXPECT_NE(text.find("# TYPE atelier_snapshot_version gauge\n"), std::string::npos);
  EXPECT_NE(text.find("atelier_snapshot_version{name=\"catalog\"} 4\n"), std::string::npos);
}

}  // namespace
}  // namespace atelier::server
