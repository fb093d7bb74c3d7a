// The personal shopper's find tool on the full demo shop (about 6,000
// products, 4 product models), per request, with p50/p99 counters.
//
//   build/bin/shopper_benchmark --benchmark_filter=BM_Shopper
//
// The catalog is seeded into an in-memory SQLite store (without the event
// history) and loaded into a snapshot; the demo models are compiled once.
// Timings cover Find only (the candidate index, with the configured units in
// stock priced, is built once per catalog snapshot and model registry by the
// server; BM_Shopper_BuildIndex measures that).

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "atelier/catalog/catalog_store.h"
#include "atelier/config/demo_models.h"
#include "atelier/demo/demo_shop.h"
#include "atelier/shopper/find.h"

namespace atelier::shopper {
namespace {

struct DemoShop {
  std::shared_ptr<const catalog::CatalogSnapshot> catalog;
  CompiledModels models;
  std::unique_ptr<CandidateIndex> index;
  bool ok = false;
};

const DemoShop& Shop() {
  static const DemoShop shop = [] {
    DemoShop s;
    auto db = store::OpenDatabase("sqlite::memory:");
    if (!db.ok()) return s;
    demo::DemoOptions options;
    options.with_history = false;
    if (!demo::SeedDemoShop(**db, options).ok()) return s;
    catalog::CatalogStore store(**db);
    auto snapshot = store.Load();
    if (!snapshot.ok()) return s;
    s.catalog = *snapshot;
    auto models = config::DemoModels();
    if (!models.ok()) return s;
    for (auto& m : *models) {
      auto compiled = config::CompiledModel::Compile(m);
      if (!compiled.ok()) return s;
      s.models.emplace(m.id, *compiled);
    }
    s.index = std::make_unique<CandidateIndex>(*s.catalog, s.models);
    s.ok = true;
    return s;
  }();
  return shop;
}

Spec S(std::string field, SpecOp op, SpecValue value) { return {std::move(field), op, {std::move(value)}}; }

double ThreadCpuMicros() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

// Nearest-rank percentile of sorted samples.
double Percentile(const std::vector<double>& sorted, double q) {
  return sorted[std::min(sorted.size() - 1, static_cast<size_t>(q * static_cast<double>(sorted.size())))];
}

// Runs Find once per iteration and reports the median and 99th percentile,
// in wall-clock time and in thread CPU time (which leaves out the time the
// OS gave to other processes on a loaded machine). The label shows the best
// match or the first relaxation.
void RunFind(benchmark::State& state, const FindRequest& request) {
  const DemoShop& shop = Shop();
  if (!shop.ok) {
    state.SkipWithError("cannot build the demo shop");
    return;
  }
  std::vector<double> micros, cpu_micros;
  std::string label;
  int64_t matches = 0, relaxations = 0, calls = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = ThreadCpuMicros();
    auto result = Find(request, *shop.index, shop.models);
    cpu_micros.push_back(ThreadCpuMicros() - cpu_start);
    const auto end = std::chrono::steady_clock::now();
    if (!result.ok()) {
      state.SkipWithError(result.error().ToString().c_str());
      return;
    }
    micros.push_back(std::chrono::duration<double, std::micro>(end - start).count());
    matches = result->total_matches;
    relaxations = static_cast<int64_t>(result->relaxations.size());
    calls = result->configure_calls;
    if (label.empty()) {
      if (!result->matches.empty()) {
        label = result->matches[0].product->sku + " " + std::to_string(result->matches[0].price.amount);
      } else if (!result->relaxations.empty()) {
        label = result->relaxations[0].description;
      }
    }
    benchmark::DoNotOptimize(result);
  }
  std::sort(micros.begin(), micros.end());
  std::sort(cpu_micros.begin(), cpu_micros.end());
  state.counters["p50_us"] = Percentile(micros, 0.50);
  state.counters["p99_us"] = Percentile(micros, 0.99);
  state.counters["cpu_p50_us"] = Percentile(cpu_micros, 0.50);
  state.counters["cpu_p99_us"] = Percentile(cpu_micros, 0.99);
  state.SetLabel(label);
  state.counters["matches"] = static_cast<double>(matches);
  state.counters["relaxations"] = static_cast<double>(relaxations);
  state.counters["configure_calls"] = static_cast<double>(calls);
}

// Shoes in stock: size 10, medium, heel up to 3 cm; black preferred.
void BM_Shopper_FindStockShoes(benchmark::State& state) {
  FindRequest request;
  request.category = "shoes";
  request.specs = {S("size", SpecOp::kEq, 10.0), S("width", SpecOp::kEq, std::string("M")),
                   S("heel_height_cm", SpecOp::kLe, 3.0)};
  request.preferences = {{"colour", SpecOp::kEq, {std::string("black")}, 2}};
  RunFind(state, request);
}
BENCHMARK(BM_Shopper_FindStockShoes)->Unit(benchmark::kMicrosecond);

// The case: size 11.5 (no stock shoe), wide, heel <= 2 cm, leather,
// <= $250, navy preferred: the custom shoe, configured.
void BM_Shopper_FindCustomShoe(benchmark::State& state) {
  FindRequest request;
  request.category = "shoes";
  request.budget = 25000;
  request.specs = {S("size", SpecOp::kEq, 11.5), S("width", SpecOp::kEq, std::string("W")),
                   S("heel_height_cm", SpecOp::kLe, 2.0), S("material", SpecOp::kEq, std::string("leather"))};
  request.preferences = {{"colour", SpecOp::kEq, {std::string("navy")}, 2}};
  RunFind(state, request);
}
BENCHMARK(BM_Shopper_FindCustomShoe)->Unit(benchmark::kMicrosecond);

// Nothing meets them all (the custom shoe is over the $120 budget, no stock
// shoe in 11.5): every one- and two-change relaxation is tried, the model
// searched again for each.
void BM_Shopper_Relaxations(benchmark::State& state) {
  FindRequest request;
  request.category = "shoes";
  request.budget = 12000;
  request.specs = {S("size", SpecOp::kEq, 11.5), S("width", SpecOp::kEq, std::string("W")),
                   S("heel_height_cm", SpecOp::kLe, 2.0), S("material", SpecOp::kEq, std::string("leather")),
                   S("colour", SpecOp::kEq, std::string("navy"))};
  RunFind(state, request);
}
BENCHMARK(BM_Shopper_Relaxations)->Unit(benchmark::kMicrosecond);

// The whole catalog and every model: black things under $50.
void BM_Shopper_FindWholeCatalog(benchmark::State& state) {
  FindRequest request;
  request.specs = {S("colour", SpecOp::kEq, std::string("black")), S("price", SpecOp::kLe, 5000.0)};
  request.preferences = {{"wireless", SpecOp::kEq, {true}, 1}};
  RunFind(state, request);
}
BENCHMARK(BM_Shopper_FindWholeCatalog)->Unit(benchmark::kMicrosecond);

void BM_Shopper_BuildIndex(benchmark::State& state) {
  const DemoShop& shop = Shop();
  if (!shop.ok) {
    state.SkipWithError("cannot build the demo shop");
    return;
  }
  for (auto _ : state) {
    CandidateIndex index(*shop.catalog, shop.models);
    benchmark::DoNotOptimize(index);
  }
}
BENCHMARK(BM_Shopper_BuildIndex)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace atelier::shopper

BENCHMARK_MAIN();
