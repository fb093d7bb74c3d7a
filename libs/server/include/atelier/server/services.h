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
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "atelier/catalog/snapshot.h"
#include "atelier/config/compiled_model.h"
#include "atelier/core/result.h"
#include "atelier/core/snapshot.h"
#include "atelier/orders/accounts.h"
#include "atelier/orders/availability.h"
#include "atelier/orders/carts.h"
#include "atelier/orders/checkout.h"
#include "atelier/orders/orders.h"
#include "atelier/orders/pricer.h"
#include "atelier/orders/schedule.h"
#include "atelier/recommend/recommender.h"
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

// The configurable products' models, each compiled once per version: one
// immutable snapshot, published whole (Services::product_models).
struct ProductModelRegistry {
  // model id -> compiled model (which owns its ProductModel), in id order.
  std::map<std::string, std::shared_ptr<const config::CompiledModel>, std::less<>> by_id;
  // model id -> its sold configurations, for the "popular choice" marks
  // (RefreshSalesHistories); absent when none are known.
  std::map<std::string, std::shared_ptr<const config::SalesHistory>, std::less<>> sales;
};

// Per-client-IP token buckets for the routes an abuser repeats (auth.h
// TakeIpToken): `burst` attempts at once, then one more every
// `refill_seconds`; burst <= 0 turns the limit off. Buckets live in the
// store, so replicas share them. Behind a proxy every client shares the
// proxy's address: raise the limits there.
struct IpRateLimit {
  int burst = 0;
  double refill_seconds = 1;
};

struct RateLimitOptions {
  // Checkout attempts: 30 at once, then one every 2 s (30 a minute).
  IpRateLimit checkout{30, 2};
  // Login and register attempts over all emails (password spraying; the
  // per-email bucket is orders::AccountsOptions): 100 at once, then one
  // every 3 s.
  IpRateLimit login{100, 3};
};

struct Services {
  store::Database* db = nullptr;  // not owned; outlives the services
  SnapshotHolder<catalog::CatalogSnapshot> catalog;
  SnapshotHolder<search::SearchIndex> search;
  SnapshotHolder<BoughtTogether> bought_together;
  AccessoryProvider accessories;
  // The trained recommender; null until an artifact is loaded or training
  // finishes (the recommendation routes then answer from popularity and the
  // bought-together table).
  SnapshotHolder<recommend::Recommender> recommender;
  std::string recommender_dir;  // artifacts for POST /api/v1/admin/recommender/reload; "": none
  // The artifact file the published recommender was loaded from; "" when it
  // was trained in this process. LoadRecommender leaves an artifact that is
  // already published alone (a replica's own announcement comes back to it).
  SnapshotHolder<std::string> recommender_artifact;
  SnapshotHolder<ProductModelRegistry> product_models;  // null until loaded
  config::ModelCache model_cache;  // compiled models by (id, version); feeds product_models
  Metrics metrics;
  RateLimitOptions rate_limits;  // set before serving

  // The buying module (StartBuying); null until wired, and the buying routes
  // answer 503 meanwhile. Each refers to `db` and to the ones above it.
  std::unique_ptr<orders::ConfigurationPricer> pricer;
  std::unique_ptr<orders::Scheduler> scheduler;
  std::unique_ptr<orders::Accounts> accounts;
  std::unique_ptr<orders::Carts> carts;
  std::unique_ptr<orders::Checkout> checkout;
  std::unique_ptr<orders::OrderBook> order_book;
  std::unique_ptr<orders::AvailabilityFinder> availability;
};

struct BuyingOptions {
  // argon2id cost, session lifetime, login rate limit (tests lower the cost).
  orders::AccountsOptions accounts;
  orders::ScheduleOptions schedule;
  // "Now" for carts, orders, quotes and availability (tests fix it).
  orders::Clock clock = orders::SystemClock();
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
// hold a snapshot. The index is derived from the published one when only a
// few products differ (search::SearchIndex::Update: re-indexes those, a few
// milliseconds per product) and built whole otherwise; it is published as
// soon as it exists, before the bought-together table.
Status PublishCatalog(Services& services, std::shared_ptr<const catalog::CatalogSnapshot> catalog,
                      const SnapshotOptions& options);

// Compiles `models` (through services.model_cache, so an id + version already
// compiled is reused) and publishes them as services.product_models,
// replacing the previous registry. Compilation is synchronous and happens
// off the request path (readers keep the old registry meanwhile); call it
// before serving or from a background thread. Errors: kInvalidArgument for
// a duplicate model id; the compiler's error (kConflict for a model without
// any valid configuration) prefixed with the model id. Nothing is published
// on error.
Status PublishProductModels(Services& services, std::vector<config::ProductModel> models);

// Creates the buying services over services.db: the pricer over
// services.product_models (ModelPricer), the scheduler, accounts, carts,
// checkout, order book and availability finder. Takes as long as one login
// (Accounts hashes a dummy password). REQUIRES: services.db != nullptr and
// nothing serving yet.
void StartBuying(Services& services, const BuyingOptions& options = {});

// Stores the demo shop's models in services.db when it lacks them
// (config::SeedDemoProductModels), then LoadStoredProductModels. Without a
// store, publishes config::DemoModels() directly.
Status LoadDemoProductModels(Services& services);

// PublishProductModels with the newest stored version of every model
// (config::LoadLatestProductModels), then RefreshSalesHistories.
// REQUIRES: services.db != nullptr.
Status LoadStoredProductModels(Services& services);

// Rebuilds the sales histories of the published models from the store and
// publishes the registry again (same compiled models): the configured lines
// of orders that were not cancelled, and the configured stock units (what
// dealers ordered). Values are then ranked by how often they were chosen in
// the sales agreeing with the shopper's picks. Called after models are
// published and after a checkout with configured lines. A sale naming an
// option or value the model no longer has is skipped.
Status RefreshSalesHistories(Services& services);

// Loads the newest recommender artifact in `model_dir`
// (recommend::NewestArtifact) and publishes it as services.recommender,
// unless that artifact is the one already published.
// Errors: kNotFound when the directory holds none, those of LoadArtifact.
Status LoadRecommender(Services& services, const std::string& model_dir);

// Trains a recommender from the events in services.db (off the request
// path: call it from a background thread once serving), saves it as a
// versioned artifact in `model_dir` (skipped when empty) and publishes it.
// Returns the artifact's path ("" when not saved). Errors: those of
// recommend::TrainFromStore and SaveArtifact; nothing is published on error.
// REQUIRES: services.db != nullptr.
Result<std::string> TrainAndPublishRecommender(Services& services, const std::string& model_dir);

// Refreshes the read snapshots the `changed` topics of the store's change
// feed (store/change_feed.h) made stale:
//   catalog      the catalog is reloaded and published at once, then its
//                search index (in a directory of its own under
//                options.search_root; older ones are removed, keeping the
//                previous) is updated from the live one (PublishCatalog)
//                and its bought-together table rebuilt, and both published
//   stock        the stock is reloaded into a copy of the current catalog
//                (same products, same version, so search answers take
//                their stock from it without an index rebuild)
//   models       LoadStoredProductModels (compiled versions are reused)
//   sales        RefreshSalesHistories
//   recommender  LoadRecommender(services.recommender_dir) when set
// Every topic is attempted; the first error is returned.
// REQUIRES: services.db != nullptr and the snapshots loaded once; not called
// concurrently with itself (FollowStoreChanges serializes its calls).
Status RefreshSnapshots(Services& services, const SnapshotOptions& options, const store::Topics& changed);

// Keeps this process's read snapshots in step with the store, whoever
// writes to it (this replica, another one, a CLI import): subscribes to
// services.db's change feed and calls RefreshSnapshots with what changed.
// Catches up first (synchronously) with what may have changed since the
// snapshots were loaded: stock, models and sales always, the catalog when
// the store's catalog version differs from the published one.
// Keep the subscription while serving; destroy it before `services` and the
// store. Errors: those of Subscribe (PostgreSQL: the listener cannot
// connect) and of the catch-up.
// REQUIRES: services.db != nullptr and the snapshots loaded once.
Result<std::unique_ptr<store::Subscription>> FollowStoreChanges(Services& services, const SnapshotOptions& options,
                                                                store::SubscribeOptions subscribe = {});

// An AccessoryProvider answering from services.recommender's bought-together
// model (items are SKUs) when a recommender is published, else from the
// bought-together table; items out of stock everywhere are left out.
// `services` must outlive the provider.
AccessoryProvider RecommenderAccessories(Services& services);

// The catalog product a recommender item id names (a SKU, else a product id)
// when it may be recommended: nullptr for an unknown item and for one out of
// stock everywhere (configurable products, built to order, always qualify).
const catalog::Product* RecommendableProduct(const catalog::CatalogSnapshot& catalog, std::string_view item_id);

// A recommender's reason ("bought together with SKU-123") for shoppers: an
// item id at its end becomes that product's title; other reasons unchanged.
std::string ShopperReason(const catalog::CatalogSnapshot& catalog, const std::string& reason);

}  // namespace atelier::server
