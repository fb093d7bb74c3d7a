#pragma once
// Prometheus metrics for the server: request counts per route pattern and
// status, latency histograms per route pattern, and gauges sampled at scrape
// time (snapshot versions, model versions).
//
// Counters are atomics; finding a route's counters takes a shared lock (an
// exclusive one only the first time a route is seen).
//
// Thread-safety: all members are safe to call concurrently.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace atelier::server {

class Metrics {
 public:
  // Upper bounds of the latency histogram buckets, in seconds (+Inf implied).
  static const std::vector<double>& LatencyBuckets();

  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Pre-creates the counters of these route patterns.
  void RegisterRoutes(const std::vector<std::string>& routes);

  // Counts one request to `route` answered with `status` after `duration_us`.
  void RecordRequest(std::string_view route, int status, int64_t duration_us);

  // Adds a gauge sampled at every scrape. `name` is a Prometheus metric name;
  // `labels` is empty or a label set without braces: `name="catalog"`.
  // Several gauges may share a name with different labels.
  void AddGauge(std::string name, std::string labels, std::string help,
                std::function<double()> sample);

  // The Prometheus text exposition format (version 0.0.4).
  std::string Render() const;

  // Requests counted for `route` with `status` (for tests).
  uint64_t RequestCount(std::string_view route, int status) const;

 private:
  struct RouteStats;
  struct Gauge {
    std::string name, labels, help;
    std::function<double()> sample;
  };

  RouteStats* StatsFor(std::string_view route) const;

  mutable std::shared_mutex routes_mu_;
  // Keyed by route pattern; entries are never removed, so pointers stay valid.
  mutable std::unordered_map<std::string, std::unique_ptr<RouteStats>> routes_;  // guarded by routes_mu_
  mutable std::mutex gauges_mu_;
  std::vector<Gauge> gauges_;  // guarded by gauges_mu_
};

}  // namespace atelier::server
