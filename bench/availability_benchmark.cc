// Availability + build-to-order quote on the demo SUV, through the server's
// ModelPricer over the compiled demo model (the real configurator), against
// the demo shop's stock (48 configured SUVs at 3 dealers) and plant
// capacity. What POST /api/v1/models/suv/availability costs minus HTTP and
// JSON. Results in BENCHMARKS.md ("Buying").
//
//   ninja -C build availability_benchmark && build/bin/availability_benchmark

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <vector>

#include "atelier/config/compiled_model.h"
#include "atelier/demo/demo_shop.h"
#include "atelier/server/services.h"
#include "atelier/store/database.h"

namespace atelier {
namespace {

template <typename T>
T Check(Result<T> r) {
  if (!r.ok()) {
    std::cerr << r.error().ToString() << "\n";
    std::exit(1);
  }
  return std::move(r).value();
}

void Check(Status s) {
  if (!s.ok()) {
    std::cerr << s.error().ToString() << "\n";
    std::exit(1);
  }
}

// A complete configuration of `model`: the cheapest completion of `picks`.
orders::Selections Complete(const config::CompiledModel& model, orders::Selections picks) {
  config::ConfigureRequest request;
  request.selections = picks;
  config::ConfigureState state = Check(model.Configure(request));
  for (const auto& [option, value] : state.cheapest_completion) picks.emplace(option, value);
  return picks;
}

void RunAvailability(benchmark::State& state, const orders::Selections& picks, bool complete) {
  const std::string dir = (std::filesystem::temp_directory_path() / "atelier-availability-bench").string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto db = Check(store::OpenDatabase("sqlite://" + dir + "/shop.db"));
  demo::DemoOptions demo;
  demo.product_count = 500;
  demo.with_history = false;
  Check(demo::SeedDemoShop(*db, demo));
  server::Services services;
  services.db = db.get();
  Check(server::LoadDemoProductModels(services));
  server::StartBuying(services);
  auto suv = services.product_models.Get()->by_id.at("suv");

  orders::AvailabilityRequest request;
  request.model_id = "suv";
  request.model_version = suv->model().version;
  request.selections = complete ? Complete(*suv, picks) : picks;
  request.budget = 5'000'000;
  request.region = "us-east";
  std::vector<double> ms;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    auto a = services.availability->Find(request);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    if (!a.ok() || (complete && !a->build_to_order)) state.SkipWithError("no quote");
    benchmark::DoNotOptimize(a);
  }
  std::sort(ms.begin(), ms.end());
  state.counters["p50_ms"] = ms[ms.size() / 2];
  state.counters["p99_ms"] = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
  std::filesystem::remove_all(dir);
}

// The demo scenario: a red SUV with the towing package, completed to a full
// configuration: no exact match, near alternatives, a build-to-order quote.
void BM_Orders_DemoSuvAvailabilityAndQuote(benchmark::State& state) {
  RunAvailability(state, {{"colour", "red"}, {"towing", "true"}}, true);
}
BENCHMARK(BM_Orders_DemoSuvAvailabilityAndQuote)->Iterations(500)->Unit(benchmark::kMillisecond)->UseRealTime();

// A partial configuration (two picks): stock matching only, no quote.
void BM_Orders_DemoSuvAvailabilityPartial(benchmark::State& state) {
  RunAvailability(state, {{"colour", "red"}, {"towing", "true"}}, false);
}
BENCHMARK(BM_Orders_DemoSuvAvailabilityPartial)->Iterations(500)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace atelier

BENCHMARK_MAIN();
