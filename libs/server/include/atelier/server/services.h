#pragma once
// Everything the route handlers use, created in one place (the serve command
// or a test) and handed to each module's Register<Module>Routes.
//
// Read snapshots are published through SnapshotHolders: a handler calls
// Get() once and uses that snapshot for the whole request, so it never waits
// for a writer and never sees two versions. Later modules add their services
// (configurator, recommender, orders) here.
//
// Thread-safety: the holders and Metrics are safe to use concurrently; the
// plain members are set before serving and read-only afterwards.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "atelier/catalog/snapshot.h"
#include "atelier/core/result.h"
#include "atelier/core/snapshot.h"
#include "atelier/search/search_index.h"
#include "atelier/server/bought_together.h"
#include "atelier/server/metrics.h"
#include "atelier/store/database.h"

namespace atelier::server {

// Accessories for the top results of a search: up to `k` product ids with a
// reason, best first, none of them among `top_product_ids`. Filled by the
// recommender; when empty, the snapshot's BoughtTogether table answers.
using AccessoryProvider =
    std::function<std::vector<Accessory>(const std::vector<int64_t>& top_product_ids, int k)>;

struct Services {
  store::Database* db = nullptr;  // not owned; outlives the services
  SnapshotHolder<catalog::CatalogSnapshot> catalog;
  SnapshotHolder<search::SearchIndex> search;
  SnapshotHolder<BoughtTogether> bought_together;
  AccessoryProvider accessories;
  Metrics metrics;
};

struct SnapshotOptions {
  // Search indexes are written to "<search_root>/v<catalog version>"; empty:
  // a private temporary directory per index.
  std::string search_root;
  search::Options search;  // its `directory` is set from search_root
};

// Loads the catalog from services.db, builds its search index and its
// bought-together table, and publishes the three. Readers keep using the old
// snapshots until the new ones are published. Errors: those of the store and
// of the index build.
// REQUIRES: services.db != nullptr.
Status LoadSnapshots(Services& services, const SnapshotOptions& options);

// Publishes `catalog` with its search index and bought-together table (built
// from services.db when set, else empty). For tests and imports that already
// hold a snapshot.
Status PublishCatalog(Services& services, std::shared_ptr<const catalog::CatalogSnapshot> catalog,
                      const SnapshotOptions& options);

}  // namespace atelier::server
