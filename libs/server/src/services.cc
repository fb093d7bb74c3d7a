#include "atelier/server/services.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "atelier/catalog/catalog_store.h"

namespace atelier::server {

namespace {

int64_t MillisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

Status PublishCatalog(Services& services, std::shared_ptr<const catalog::CatalogSnapshot> catalog,
                      const SnapshotOptions& options) {
  auto start = std::chrono::steady_clock::now();
  search::Options search_options = options.search;
  if (!options.search_root.empty()) {
    search_options.directory = options.search_root + "/v" + std::to_string(catalog->version());
  }
  ATELIER_ASSIGN_OR_RETURN(auto index, search::SearchIndex::Build(catalog, search_options));
  const int64_t index_ms = MillisSince(start);

  start = std::chrono::steady_clock::now();
  std::shared_ptr<const BoughtTogether> together;
  if (services.db != nullptr) {
    ATELIER_ASSIGN_OR_RETURN(together, BoughtTogether::Load(*services.db, catalog));
  } else {
    together = BoughtTogether::Build({}, catalog);
  }
  spdlog::info("catalog v{}: {} products; search index in {} ms; bought-together from {} baskets in {} ms",
               catalog->version(), catalog->products().size(), index_ms, together->baskets(),
               MillisSince(start));

  // The catalog last: a request that sees the new catalog finds its index.
  services.search.Publish(std::move(index));
  services.bought_together.Publish(std::move(together));
  services.catalog.Publish(std::move(catalog));
  return Ok();
}

Status LoadSnapshots(Services& services, const SnapshotOptions& options) {
  auto start = std::chrono::steady_clock::now();
  catalog::CatalogStore store(*services.db);
  ATELIER_ASSIGN_OR_RETURN(auto catalog, store.Load());
  spdlog::info("catalog v{} loaded from the store in {} ms", catalog->version(), MillisSince(start));
  return PublishCatalog(services, std::move(catalog), options);
}

}  // namespace atelier::server
