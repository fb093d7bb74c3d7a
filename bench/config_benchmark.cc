// Configurator benchmarks (BM_Config_*). Data instances are read from
// $ATELIER_DATA_DIR/config (default ../shared/data/config next to the repo);
// benchmarks whose data is absent are skipped with a message.
//
// Extra mode for bench/config-vs-toulbar2: `config_benchmark --count FILE`
// prints the exact count and the wall time of load + compile + count.

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <random>

#include "atelier/config/compiled_model.h"
#include "atelier/config/demo_models.h"
#include "atelier/config/importers.h"
#include "atelier/config/parser.h"

namespace {

using namespace atelier::config;

std::string DataPath(const std::string& rel) {
  const char* env = std::getenv("ATELIER_DATA_DIR");
  std::filesystem::path base = env ? std::filesystem::path(env)
                                   : std::filesystem::path(ATELIER_SOURCE_DIR) / ".." / "shared" / "data";
  return (base / "config" / rel).string();
}

ProductModel Demo(const std::string& id) {
  auto models = DemoModels();
  for (auto& m : *models) {
    if (m.id == id) return m;
  }
  return {};
}

void BM_Config_ParseSuv(benchmark::State& state) {
  std::string yaml;
  for (const auto& s : DemoModelSources()) {
    if (s.file_name == "suv.yaml") yaml = s.yaml;
  }
  for (auto _ : state) benchmark::DoNotOptimize(ParseProductModel(yaml, "suv.yaml"));
}
BENCHMARK(BM_Config_ParseSuv)->Unit(benchmark::kMicrosecond);

void BM_Config_CompileSuvBdd(benchmark::State& state) {
  ProductModel m = Demo("suv");
  for (auto _ : state) benchmark::DoNotOptimize(CompiledModel::Compile(m));
}
BENCHMARK(BM_Config_CompileSuvBdd)->Unit(benchmark::kMillisecond);

// The full configure of the API (availability, explanations, count, price
// range, cheapest completion) after three picks.
void BM_Config_ConfigureSuv(benchmark::State& state) {
  auto cm = *CompiledModel::Compile(Demo("suv"));
  ConfigureRequest req;
  req.selections = {{"towing", "true"}, {"colour", "red"}, {"drive", "fwd"}};
  ConfigureOptions opts;
  opts.explain = state.range(0) != 0;
  for (auto _ : state) benchmark::DoNotOptimize(cm->Configure(req, opts));
  state.SetLabel(opts.explain ? "with explanations" : "without explanations");
}
BENCHMARK(BM_Config_ConfigureSuv)->Arg(1)->Arg(0)->Unit(benchmark::kMicrosecond);

// One valid-domain step at a random point of a random walk (seeded).
void WalkSteps(benchmark::State& state, const std::shared_ptr<const CompiledModel>& cm) {
  const size_t n = cm->model().options.size();
  std::mt19937 rng(1);
  std::vector<std::vector<int>> states;
  std::vector<std::vector<char>> avail;
  for (int w = 0; w < 5; ++w) {
    std::vector<int> picks(n, -1);
    while (true) {
      states.push_back(picks);
      cm->ValidDomains(picks, &avail);
      std::vector<int> open;
      for (size_t o = 0; o < n; ++o) {
        int shown = 0;
        for (char c : avail[o]) shown += c;
        if (picks[o] < 0 && shown > 1) open.push_back(static_cast<int>(o));
      }
      if (open.empty()) break;
      int o = open[rng() % open.size()];
      std::vector<int> vals;
      for (size_t v = 0; v < avail[o].size(); ++v) {
        if (avail[o][v]) vals.push_back(static_cast<int>(v));
      }
      picks[o] = vals[rng() % vals.size()];
    }
  }
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(cm->ValidDomains(states[i], &avail));
    i = (i + 1) % states.size();
  }
  state.SetLabel(cm->backend());
}

void BM_Config_StepSuv(benchmark::State& state) { WalkSteps(state, *CompiledModel::Compile(Demo("suv"))); }
BENCHMARK(BM_Config_StepSuv)->Unit(benchmark::kMicrosecond);

std::shared_ptr<const CompiledModel> LoadData(benchmark::State& state, const std::string& rel,
                                              CompileOptions opts = {}) {
  const std::string path = DataPath(rel);
  if (!std::filesystem::exists(path)) {
    state.SkipWithError(("data absent: " + path).c_str());
    return nullptr;
  }
  auto m = LoadModel(path);
  if (!m.ok()) {
    state.SkipWithError(m.error().message.c_str());
    return nullptr;
  }
  auto cm = CompiledModel::Compile(*m, opts);
  if (!cm.ok()) {
    state.SkipWithError(cm.error().message.c_str());
    return nullptr;
  }
  return *cm;
}

void BM_Config_StepEshop(benchmark::State& state) {
  if (auto cm = LoadData(state, "fm-eshop-lau2006/eshop.dimacs")) WalkSteps(state, cm);
}
BENCHMARK(BM_Config_StepEshop)->Unit(benchmark::kMicrosecond);

void BM_Config_StepPcRichmond(benchmark::State& state) {
  if (auto cm = LoadData(state, "fm-pc-richmond-sprey2020/pc-richmond.dimacs")) WalkSteps(state, cm);
}
BENCHMARK(BM_Config_StepPcRichmond)->Unit(benchmark::kMicrosecond);

void BM_Config_StepRenaultMedium(benchmark::State& state) {
  if (auto cm = LoadData(state, "renault-br4cp/medium_domainsorted.xml")) WalkSteps(state, cm);
}
BENCHMARK(BM_Config_StepRenaultMedium)->Unit(benchmark::kMicrosecond);

void BM_Config_StepEcosSat(benchmark::State& state) {
  CompileOptions sat;
  sat.backend = CompileOptions::Backend::kSat;
  if (auto cm = LoadData(state, "kconfig-ecos-icse11/ecos-icse11.dimacs", sat)) WalkSteps(state, cm);
}
BENCHMARK(BM_Config_StepEcosSat)->Unit(benchmark::kMicrosecond);

// The first valid-domain state (no picks, nothing cached: a fresh compile
// per iteration, outside the timing) on the SAT path. range(0) = 1: as
// served (a table-heavy model decides the values its witnesses miss by
// variable elimination); 0: CaDiCaL only (the engine before that), for the
// same-run comparison. Label: values shown.
void FirstStateSat(benchmark::State& state, const std::string& rel) {
  const std::string path = DataPath(rel);
  if (!std::filesystem::exists(path)) {
    state.SkipWithError(("data absent: " + path).c_str());
    return;
  }
  auto m = LoadModel(path);
  if (!m.ok()) {
    state.SkipWithError(m.error().message.c_str());
    return;
  }
  CompileOptions opts;
  opts.backend = CompileOptions::Backend::kSat;
  opts.sat_elimination = state.range(0) != 0;
  std::vector<std::vector<char>> avail;
  const std::vector<int> open(m->options.size(), -1);
  int64_t shown = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto cm = CompiledModel::Compile(*m, opts);
    if (!cm.ok()) {
      state.SkipWithError(cm.error().message.c_str());
      return;
    }
    state.ResumeTiming();
    benchmark::DoNotOptimize((*cm)->ValidDomains(open, &avail));
    state.PauseTiming();
    shown = 0;
    for (const auto& o : avail) {
      for (char c : o) shown += c ? 1 : 0;
    }
    cm->reset();  // destroyed outside the timing
    state.ResumeTiming();
  }
  state.SetLabel(std::string(opts.sat_elimination ? "elimination" : "solver only") + ", " + std::to_string(shown) +
                 " values shown");
}
void BM_Config_FirstStateRenaultBigSat(benchmark::State& s) {
  FirstStateSat(s, "renault-br4cp/big_domainsorted.xml");
}
void BM_Config_FirstStateRenaultMediumSat(benchmark::State& s) {
  FirstStateSat(s, "renault-br4cp/medium_domainsorted.xml");
}
void BM_Config_FirstStateEcosSat(benchmark::State& s) { FirstStateSat(s, "kconfig-ecos-icse11/ecos-icse11.dimacs"); }
void BM_Config_FirstStateBusyboxSat(benchmark::State& s) {
  FirstStateSat(s, "kconfig-busybox-1.18.0/busybox-1.18.0.dimacs");
}
void BM_Config_FirstStateAutomotive01Sat(benchmark::State& s) {
  FirstStateSat(s, "fm-automotive01-kowal2016/automotive01.dimacs");
}
// The solver-only variant of big takes 20-30 s an iteration: one iteration.
BENCHMARK(BM_Config_FirstStateRenaultBigSat)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(5);
BENCHMARK(BM_Config_FirstStateRenaultBigSat)->Arg(0)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_Config_FirstStateRenaultMediumSat)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->Iterations(5);
BENCHMARK(BM_Config_FirstStateEcosSat)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->Iterations(5);
BENCHMARK(BM_Config_FirstStateBusyboxSat)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->Iterations(5);
BENCHMARK(BM_Config_FirstStateAutomotive01Sat)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->Iterations(3);

// Load + compile + exact count, end to end (what `atelier config count` does).
void CountEndToEnd(benchmark::State& state, const std::string& rel) {
  const std::string path = DataPath(rel);
  if (!std::filesystem::exists(path)) {
    state.SkipWithError(("data absent: " + path).c_str());
    return;
  }
  std::string count;
  for (auto _ : state) {
    auto m = LoadModel(path);
    auto cm = CompiledModel::Compile(*m);
    count = (*cm)->CountConfigurations().value_or("unknown");
  }
  state.SetLabel(count);
}
void BM_Config_CountEshop(benchmark::State& s) { CountEndToEnd(s, "fm-eshop-lau2006/eshop.dimacs"); }
void BM_Config_CountPcRichmond(benchmark::State& s) { CountEndToEnd(s, "fm-pc-richmond-sprey2020/pc-richmond.dimacs"); }
void BM_Config_CountRenaultMedium(benchmark::State& s) { CountEndToEnd(s, "renault-br4cp/medium_domainsorted.xml"); }
BENCHMARK(BM_Config_CountEshop)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_Config_CountPcRichmond)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_Config_CountRenaultMedium)->Unit(benchmark::kMillisecond)->Iterations(3);

int CountMode(const char* path, double seconds) {
  auto t = std::chrono::steady_clock::now();
  auto m = LoadModel(path);
  if (!m.ok()) {
    std::cerr << m.error().message << "\n";
    return 2;
  }
  atelier::config::CountOptions opts;
  opts.seconds = seconds;
  opts.bdd_node_budget = 16'000'000;
  std::string method;
  auto count = atelier::config::CountConfigurations(*m, opts, &method);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  std::cout << (count ? *count : "unknown") << " " << secs << " " << (count ? method : "-") << "\n";
  return count ? 0 : 4;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && std::strcmp(argv[1], "--count") == 0) {
    return CountMode(argv[2], argc >= 4 ? std::atof(argv[3]) : 60);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
