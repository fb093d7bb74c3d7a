// Recommendation benchmarks: serving latency (top-20 for a user, and
// bought-together top-20 for a cart per bought-together model) on generated
// catalogs of 4k and 100k items, training time on UCI Online
// Retail (TIFU-KNN, with EASE as the peer of the numpy reference), and
// training on a generated 10M-event history (run under /usr/bin/time -v for
// peak RSS; see BENCHMARKS.md).

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <random>

#include <time.h>

#include "atelier/recommend/event_log.h"
#include "atelier/recommend/interactions.h"
#include "atelier/recommend/model.h"
#include "atelier/recommend/recommender.h"

namespace atelier::recommend {
namespace {

// CPU time of the calling thread, in microseconds: beside the wall-clock
// latency it separates a request's own work from time spent preempted on a
// loaded machine.
double ThreadCpuMicros() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

// Wall-clock p50/p99 and CPU-time p99 per request, as benchmark counters.
void LatencyCounters(benchmark::State& state, std::vector<double>& wall, std::vector<double>& cpu) {
  if (wall.empty()) return;
  std::sort(wall.begin(), wall.end());
  std::sort(cpu.begin(), cpu.end());
  auto p99 = [](const std::vector<double>& v) { return v[std::min(v.size() - 1, v.size() * 99 / 100)]; };
  state.counters["p50_us"] = wall[wall.size() / 2];
  state.counters["p99_us"] = p99(wall);
  state.counters["cpu_p99_us"] = p99(cpu);
}

// A purchase history with Zipf-like item popularity, users with a few
// favourite items they re-buy, and baskets of 1..8 items over a year.
EventLog GeneratedLog(uint32_t users, uint32_t items, uint64_t events, uint32_t seed = 1) {
  EventLogBuilder b;
  b.SetHasTime(true);
  std::mt19937_64 gen(seed);
  // Zipf sampling by inverse CDF over a precomputed table.
  std::vector<double> cdf(items);
  double total = 0;
  for (uint32_t i = 0; i < items; ++i) cdf[i] = total += 1.0 / std::pow(i + 1.0, 0.9);
  std::uniform_real_distribution<double> unit(0, 1);
  auto zipf = [&] { return static_cast<uint32_t>(std::lower_bound(cdf.begin(), cdf.end(), unit(gen) * total) - cdf.begin()); };
  std::uniform_int_distribution<uint32_t> any_user(0, users - 1), basket_size(1, 8);
  std::uniform_int_distribution<int64_t> day(0, 364);
  std::vector<std::string> item_ids(items);
  for (uint32_t i = 0; i < items; ++i) item_ids[i] = "sku" + std::to_string(i);
  uint64_t added = 0, basket = 0;
  while (added < events) {
    uint32_t u = any_user(gen);
    std::string user = "u" + std::to_string(u);
    std::string bid = "b" + std::to_string(basket++);
    int64_t ts = 1700000000 + day(gen) * 86400;
    uint32_t size = basket_size(gen);
    for (uint32_t k = 0; k < size && added < events; ++k, ++added) {
      // Half of a user's picks come from their 5 favourites.
      uint32_t item = unit(gen) < 0.5 ? (u * 7919u + (gen() % 5) * 104729u) % items : zipf();
      b.Add(user, item_ids[item], bid, ts, 1, EventType::kPurchase);
    }
  }
  return std::move(b).Finish();
}

void ServeForUser(benchmark::State& state) {
  const auto items = static_cast<uint32_t>(state.range(0));
  const uint32_t users = items;
  EventLog log = GeneratedLog(users, items, static_cast<uint64_t>(users) * 15);
  TrainOptions options;
  options.for_you = "tifu";
  auto rec = TrainRecommender(log, options);
  if (!rec.ok()) {
    state.SkipWithError(rec.error().ToString().c_str());
    return;
  }
  std::mt19937 gen(3);
  std::uniform_int_distribution<uint32_t> pick(0, static_cast<uint32_t>(log.user_ids.size() - 1));
  std::vector<double> micros, cpu;
  micros.reserve(1 << 20);
  cpu.reserve(1 << 20);
  for (auto _ : state) {
    const std::string& user = log.user_ids[pick(gen)];
    const double c0 = ThreadCpuMicros();
    auto t0 = std::chrono::steady_clock::now();
    auto list = (*rec)->ForUser(user, 20);
    micros.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    cpu.push_back(ThreadCpuMicros() - c0);
    benchmark::DoNotOptimize(list.data());
  }
  LatencyCounters(state, micros, cpu);
  state.counters["items"] = static_cast<double>((*rec)->history().training_items);
}
BENCHMARK(ServeForUser)->Name("BM_Recommend_ForUserTop20")->Arg(4000)->Arg(100000)->Unit(benchmark::kMicrosecond)->Iterations(20000);

// Bought-together top-20 for a 3-item cart (three items of one generated
// basket) with the bought-together model `kind` (TrainOptions::bought_together).
void ServeBasket(benchmark::State& state, const char* kind) {
  const auto items = static_cast<uint32_t>(state.range(0));
  EventLog log = GeneratedLog(items, items, static_cast<uint64_t>(items) * 15);
  TrainOptions options;
  options.for_you = "personal";
  options.bought_together = kind;
  auto rec = TrainRecommender(log, options);
  if (!rec.ok()) {
    state.SkipWithError(rec.error().ToString().c_str());
    return;
  }
  std::mt19937 gen(5);
  std::uniform_int_distribution<size_t> pick(0, log.events.size() - 3);
  std::vector<double> micros, cpu;
  micros.reserve(1 << 20);
  cpu.reserve(1 << 20);
  std::vector<std::string> cart(3);
  for (auto _ : state) {
    const size_t e = pick(gen);
    for (size_t k = 0; k < 3; ++k) cart[k] = log.item_ids[log.events[e + k].item];
    const double c0 = ThreadCpuMicros();
    auto t0 = std::chrono::steady_clock::now();
    auto list = (*rec)->BoughtTogether(cart, 20);
    micros.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    cpu.push_back(ThreadCpuMicros() - c0);
    benchmark::DoNotOptimize(list.data());
  }
  LatencyCounters(state, micros, cpu);
}
BENCHMARK_CAPTURE(ServeBasket, cooccurrence, "cooccurrence")
    ->Name("BM_Recommend_BasketTop20/cooccurrence")->Arg(4000)->Arg(100000)->Unit(benchmark::kMicrosecond)->Iterations(20000);
BENCHMARK_CAPTURE(ServeBasket, basketknn, "basketknn")
    ->Name("BM_Recommend_BasketTop20/basketknn")->Arg(4000)->Arg(100000)->Unit(benchmark::kMicrosecond)->Iterations(20000);
BENCHMARK_CAPTURE(ServeBasket, completion, "completion")
    ->Name("BM_Recommend_BasketTop20/completion")->Arg(4000)->Unit(benchmark::kMicrosecond)->Iterations(20000);

std::string OnlineRetailPath() {
  const char* env = std::getenv("ATELIER_DATA_DIR");
  std::string dir = env != nullptr ? env : std::string(ATELIER_SOURCE_DIR) + "/../shared/data";
  return dir + "/uci-online-retail/online_retail.csv.gz";
}

void TrainOnlineRetail(benchmark::State& state, const char* kind, Params params) {
  std::string path = OnlineRetailPath();
  if (!std::filesystem::exists(path)) {
    state.SkipWithError("UCI Online Retail data absent");
    return;
  }
  LoadReport report;
  auto log = LoadEventLog(path, EventFormat::kUciOnlineRetail, {}, report);
  if (!log.ok()) {
    state.SkipWithError(log.error().ToString().c_str());
    return;
  }
  auto history = History::Build(BuildInteractions(*log));
  for (auto _ : state) {
    auto model = CreateModel(kind, params).value();
    Status s = model->Fit(history);
    if (!s.ok()) state.SkipWithError(s.error().ToString().c_str());
  }
  state.counters["events"] = static_cast<double>(log->events.size());
}
BENCHMARK_CAPTURE(TrainOnlineRetail, tifu, "tifu",
                  Params{{"alpha", 0.9}, {"group_decay", 0.5}, {"group_size", 3}, {"neighbours", 300}, {"within_decay", 1}})
    ->Name("BM_Recommend_TrainOnlineRetail/tifu")->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK_CAPTURE(TrainOnlineRetail, ease, "ease", Params{{"lambda", 100}})
    ->Name("BM_Recommend_TrainOnlineRetail/ease")->Unit(benchmark::kMillisecond)->Iterations(3);

// Generating and training the serving models (personal frequency, trending,
// two co-occurrence models) on a 10M-event history; run
// alone under /usr/bin/time -v to read the peak RSS.
void Train10M(benchmark::State& state) {
  for (auto _ : state) {
    EventLog log = GeneratedLog(1'000'000, 100'000, 10'000'000);
    TrainOptions options;
    options.for_you = "personal";
    auto rec = TrainRecommender(log, options);
    if (!rec.ok()) state.SkipWithError(rec.error().ToString().c_str());
  }
}
BENCHMARK(Train10M)->Name("BM_Recommend_Train10MEvents")->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace
}  // namespace atelier::recommend

BENCHMARK_MAIN();
