#include "atelier/server/metrics.h"

#include <array>
#include <atomic>
#include <charconv>
#include <map>

namespace atelier::server {

namespace {

constexpr int kMinStatus = 100;
constexpr int kMaxStatus = 599;

// Shortest text that reads back as `v` ("0.005", not "0.0050000000000000001").
std::string FormatDouble(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  return std::string(buf, end);
}

// Escapes a label value per the exposition format.
std::string LabelValue(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

const std::vector<double>& Metrics::LatencyBuckets() {
  static const std::vector<double> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                               0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5,
                                               5,      10};
  return kBuckets;
}

struct Metrics::RouteStats {
  std::array<std::atomic<uint64_t>, kMaxStatus - kMinStatus + 1> by_status{};
  // Non-cumulative bucket counts; the last one is +Inf.
  std::vector<std::atomic<uint64_t>> buckets;
  std::atomic<uint64_t> count{0};
  std::atomic<uint64_t> sum_us{0};

  RouteStats() : buckets(LatencyBuckets().size() + 1) {}
};

Metrics::Metrics() = default;
Metrics::~Metrics() = default;

Metrics::RouteStats* Metrics::StatsFor(std::string_view route) const {
  {
    std::shared_lock lock(routes_mu_);
    // Heterogeneous lookup needs C++20 transparent hashing; a temporary
    // string is cheap next to a request.
    auto it = routes_.find(std::string(route));
    if (it != routes_.end()) return it->second.get();
  }
  std::unique_lock lock(routes_mu_);
  auto& slot = routes_[std::string(route)];
  if (!slot) slot = std::make_unique<RouteStats>();
  return slot.get();
}

void Metrics::RegisterRoutes(const std::vector<std::string>& routes) {
  for (const auto& r : routes) StatsFor(r);
}

void Metrics::RecordRequest(std::string_view route, int status, int64_t duration_us) {
  RouteStats* stats = StatsFor(route);
  if (status < kMinStatus || status > kMaxStatus) status = 500;
  stats->by_status[status - kMinStatus].fetch_add(1, std::memory_order_relaxed);
  const double seconds = static_cast<double>(duration_us) / 1e6;
  const auto& bounds = LatencyBuckets();
  size_t b = 0;
  while (b < bounds.size() && seconds > bounds[b]) ++b;
  stats->buckets[b].fetch_add(1, std::memory_order_relaxed);
  stats->count.fetch_add(1, std::memory_order_relaxed);
  stats->sum_us.fetch_add(static_cast<uint64_t>(duration_us < 0 ? 0 : duration_us),
                          std::memory_order_relaxed);
}

uint64_t Metrics::RequestCount(std::string_view route, int status) const {
  if (status < kMinStatus || status > kMaxStatus) return 0;
  std::shared_lock lock(routes_mu_);
  auto it = routes_.find(std::string(route));
  if (it == routes_.end()) return 0;
  return it->second->by_status[status - kMinStatus].load(std::memory_order_relaxed);
}

void Metrics::AddGauge(std::string name, std::string labels, std::string help,
                       std::function<double()> sample) {
  std::lock_guard lock(gauges_mu_);
  gauges_.push_back({std::move(name), std::move(labels), std::move(help), std::move(sample)});
}

std::string Metrics::Render() const {
  std::string out;
  // Sorted by route so scrapes are stable.
  std::map<std::string, const RouteStats*> routes;
  {
    std::shared_lock lock(routes_mu_);
    for (const auto& [name, stats] : routes_) routes[name] = stats.get();
  }
  out += "# HELP atelier_http_requests_total HTTP requests answered, by route pattern and status.\n";
  out += "# TYPE atelier_http_requests_total counter\n";
  for (const auto& [name, stats] : routes) {
    for (int s = kMinStatus; s <= kMaxStatus; ++s) {
      uint64_t n = stats->by_status[s - kMinStatus].load(std::memory_order_relaxed);
      if (n == 0) continue;
      out += "atelier_http_requests_total{route=\"" + LabelValue(name) + "\",status=\"" + std::to_string(s) +
             "\"} " + std::to_string(n) + "\n";
    }
  }
  out += "# HELP atelier_http_request_duration_seconds Time from a whole request read to its response built.\n";
  out += "# TYPE atelier_http_request_duration_seconds histogram\n";
  const auto& bounds = LatencyBuckets();
  for (const auto& [name, stats] : routes) {
    const std::string label = "route=\"" + LabelValue(name) + "\"";
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= bounds.size(); ++b) {
      cumulative += stats->buckets[b].load(std::memory_order_relaxed);
      const std::string le = b < bounds.size() ? FormatDouble(bounds[b]) : "+Inf";
      out += "atelier_http_request_duration_seconds_bucket{" + label + ",le=\"" + le + "\"} " +
             std::to_string(cumulative) + "\n";
    }
    out += "atelier_http_request_duration_seconds_sum{" + label + "} " +
           FormatDouble(static_cast<double>(stats->sum_us.load(std::memory_order_relaxed)) / 1e6) + "\n";
    out += "atelier_http_request_duration_seconds_count{" + label + "} " +
           std::to_string(stats->count.load(std::memory_order_relaxed)) + "\n";
  }
  std::lock_guard lock(gauges_mu_);
  std::map<std::string, std::vector<const Gauge*>> by_name;
  for (const Gauge& g : gauges_) by_name[g.name].push_back(&g);
  for (const auto& [name, gauges] : by_name) {
    out += "# HELP " + name + " " + gauges.front()->help + "\n";
    out += "# TYPE " + name + " gauge\n";
    for (const Gauge* g : gauges) {
      out += name + (g->labels.empty() ? "" : "{" + g->labels + "}") + " " + FormatDouble(g->sample()) + "\n";
    }
  }
  return out;
}

}  // namespace atelier::server
