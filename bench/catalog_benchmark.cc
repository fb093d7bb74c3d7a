// Catalog import throughput and snapshot load time.
//
//   build/bin/catalog_benchmark --benchmark_filter=BM_Catalog
//
// Import runs against an in-memory SQLite store so that it measures parsing,
// validation and the store's statement path rather than the disk.

#include <benchmark/benchmark.h>

#include <sstream>
#include <string>

#include "atelier/catalog/catalog_store.h"
#include "atelier/catalog/import.h"
#include "atelier/demo/demo_shop.h"

namespace atelier::catalog {
namespace {

std::string GeneratedCsv(int rows) {
  std::string csv =
      "sku,title,description,brand,category,price,currency,images,attr.colour,attr.size,attr.wireless\n";
  for (int i = 0; i < rows; ++i) {
    csv += "SKU-" + std::to_string(i) + ",Trail Runner " + std::to_string(i) +
           ",\"Breathable mesh upper, grippy outsole.\",Stride,Shoes > Running," +
           std::to_string(50 + i % 100) + ".99,USD,/static/img/shoes.svg,Grey," + std::to_string(5 + i % 10) +
           ".5,false\n";
  }
  return csv;
}

void BM_Catalog_ImportCsv(benchmark::State& state) {
  const std::string csv = GeneratedCsv(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto db = std::move(store::OpenDatabase("sqlite::memory:").value());
    CatalogStore store(*db);
    std::istringstream in(csv);
    auto report = ImportCatalog(in, ImportFormat::kCsv, store);
    if (!report.ok() || report->imported != state.range(0)) state.SkipWithError("import failed");
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(csv.size()));
}
BENCHMARK(BM_Catalog_ImportCsv)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_Catalog_LoadDemoSnapshot(benchmark::State& state) {
  auto db = std::move(store::OpenDatabase("sqlite::memory:").value());
  demo::DemoOptions options;
  options.with_history = false;
  if (!demo::SeedDemoShop(*db, options).ok()) {
    state.SkipWithError("seeding failed");
    return;
  }
  CatalogStore store(*db);
  for (auto _ : state) {
    auto snapshot = store.Load();
    benchmark::DoNotOptimize(snapshot);
  }
}
BENCHMARK(BM_Catalog_LoadDemoSnapshot)->Unit(benchmark::kMillisecond);

void BM_Demo_SeedDemoShop(benchmark::State& state) {
  for (auto _ : state) {
    auto db = std::move(store::OpenDatabase("sqlite::memory:").value());
    if (!demo::SeedDemoShop(*db).ok()) state.SkipWithError("seeding failed");
  }
}
BENCHMARK(BM_Demo_SeedDemoShop)->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace
}  // namespace atelier::catalog

BENCHMARK_MAIN();
