#include "atelier/server/services.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <mutex>

#include "atelier/catalog/catalog_store.h"
#include "atelier/config/demo_models.h"
#include "atelier/config/model_store.h"
#include "atelier/orders/types.h"
#include "atelier/server/model_pricer.h"

namespace atelier::server {

namespace {

int64_t MillisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
}

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Removes the search indexes ("v...") under `root` other than `keep` (the
// new index and the one before it, which requests may still be reading).
void RemoveIndexesExcept(const std::string& root, const std::vector<std::string>& keep) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<fs::path> stale;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() < 2 || name[0] != 'v') continue;
    const bool kept = std::any_of(keep.begin(), keep.end(), [&](const std::string& dir) {
      return fs::path(dir).lexically_normal() == entry.path().lexically_normal();
    });
    if (!kept) stale.push_back(entry.path());
  }
  for (const fs::path& dir : stale) fs::remove_all(dir, ec);
}

// A copy of `current` with the store's stock (same products, categories,
// locations and version).
Result<std::shared_ptr<const catalog::CatalogSnapshot>> WithStoredStock(store::Database& db,
                                                                         const catalog::CatalogSnapshot& current) {
  catalog::CatalogData data;
  data.categories = current.categories();
  data.products = current.products();
  data.locations = current.locations();
  ATELIER_RETURN_IF_ERROR(db.QueryEach(
      "SELECT id, product_id, location_id, configuration, quantity FROM stock_units ORDER BY id", {},
      [&](const store::Row& r) {
        // Stock of a product this catalog does not have yet arrives with
        // the catalog change that adds it.
        if (current.FindProduct(r.Int(1)) != nullptr && current.FindLocation(r.Int(2)) != nullptr) {
          data.stock.push_back({r.Int(0), r.Int(1), r.Int(2), r.Text(3), r.Int(4)});
        }
        return true;
      }));
  return catalog::CatalogSnapshot::Build(std::move(data), current.version());
}

}  // namespace

Status PublishCatalog(Services& services, std::shared_ptr<const catalog::CatalogSnapshot> catalog,
                      const SnapshotOptions& options) {
  auto start = std::chrono::steady_clock::now();
  search::Options search_options = options.search;
  const std::shared_ptr<const search::SearchIndex> live = services.search.Get();
  if (!options.search_root.empty()) {
    search_options.directory = options.search_root + "/v" + std::to_string(catalog->version());
    // A rebuild while serving never writes over an index requests may still
    // be reading (the catalog version alone need not have changed).
    if (live) search_options.directory += "-" + std::to_string(NowMillis());
  }
  // Re-indexes only the products that differ from the live index's catalog
  // when they are few (a product edit, a small import), else builds.
  ATELIER_ASSIGN_OR_RETURN(auto index, search::SearchIndex::Update(live, catalog, search_options));
  const int64_t index_ms = MillisSince(start);
  const search::Derivation& derived = index->derivation();
  const std::string how = derived.incremental
                              ? fmt::format("updated ({} added, {} changed, {} removed)", derived.added,
                                            derived.changed, derived.removed)
                              : "built (" + derived.full_build_reason + ")";
  // Search answers with the new products as soon as their index exists (a
  // request that sees this index before the new catalog resolves its hits
  // against the index's own catalog: SearchIndex::CatalogFor).
  const std::string index_directory = index->directory();
  services.search.Publish(std::move(index));

  start = std::chrono::steady_clock::now();
  std::shared_ptr<const BoughtTogether> together;
  if (services.db != nullptr) {
    auto previous = services.bought_together.Get();
    ATELIER_ASSIGN_OR_RETURN(together, BoughtTogether::Load(*services.db, catalog, previous.get()));
  } else {
    together = BoughtTogether::Build({}, catalog);
  }
  spdlog::info("catalog v{}: {} products; search index {} in {} ms; bought-together from {} baskets {} in {} ms",
               catalog->version(), catalog->products().size(), how, index_ms, together->baskets(),
               together->reused() ? "(kept: no new events)" : "(scanned)", MillisSince(start));

  services.bought_together.Publish(std::move(together));
  services.catalog.Publish(std::move(catalog));
  if (live && !options.search_root.empty()) {
    // An index derived without changes shares the live one's directory.
    RemoveIndexesExcept(options.search_root, {index_directory, live->directory()});
  }
  return Ok();
}

Status LoadSnapshots(Services& services, const SnapshotOptions& options) {
  auto start = std::chrono::steady_clock::now();
  catalog::CatalogStore store(*services.db);
  ATELIER_ASSIGN_OR_RETURN(auto catalog, store.Load());
  spdlog::info("catalog v{} loaded from the store in {} ms", catalog->version(), MillisSince(start));
  return PublishCatalog(services, std::move(catalog), options);
}

Status PublishProductModels(Services& services, std::vector<config::ProductModel> models) {
  auto registry = std::make_shared<ProductModelRegistry>();
  for (config::ProductModel& model : models) {
    const auto start = std::chrono::steady_clock::now();
    const std::string id = model.id;
    const int version = model.version;
    if (registry->by_id.contains(id)) {
      return Error::InvalidArgument("two product models have the id \"" + id + "\"", "id");
    }
    auto compiled = services.model_cache.Get(model);
    if (!compiled.ok()) {
      Error error = compiled.error();
      error.message = "product model " + id + " v" + std::to_string(version) + ": " + error.message;
      return error;
    }
    spdlog::info("product model {} v{}: {} options, {} rules, ready ({}) in {} ms", id, version,
                 (*compiled)->model().options.size(), (*compiled)->model().rules.size(), (*compiled)->backend(),
                 MillisSince(start));
    registry->by_id.emplace(id, std::move(*compiled));
  }
  services.product_models.Publish(std::move(registry));
  return Ok();
}

void StartBuying(Services& services, const BuyingOptions& options) {
  store::Database& db = *services.db;
  services.pricer = std::make_unique<ModelPricer>(services.product_models, services.model_cache);
  services.scheduler = std::make_unique<orders::Scheduler>(db, options.schedule);
  orders::AccountsOptions accounts = options.accounts;
  accounts.clock = options.clock;
  services.accounts = std::make_unique<orders::Accounts>(db, accounts);
  orders::CartsOptions carts;
  carts.clock = options.clock;
  services.carts = std::make_unique<orders::Carts>(
      db, [&services] { return services.catalog.Get(); }, *services.pricer, carts);
  orders::CheckoutOptions checkout;
  checkout.clock = options.clock;
  services.checkout = std::make_unique<orders::Checkout>(db, *services.pricer, *services.scheduler, checkout);
  orders::OrderBookOptions book;
  book.clock = options.clock;
  services.order_book = std::make_unique<orders::OrderBook>(db, *services.scheduler, book);
  orders::AvailabilityOptions availability;
  availability.clock = options.clock;
  services.availability =
      std::make_unique<orders::AvailabilityFinder>(db, *services.pricer, *services.scheduler, availability);
}

Status LoadDemoProductModels(Services& services) {
  if (services.db == nullptr) {
    ATELIER_ASSIGN_OR_RETURN(auto models, config::DemoModels());
    return PublishProductModels(services, std::move(models));
  }
  ATELIER_ASSIGN_OR_RETURN(int added, config::SeedDemoProductModels(*services.db, &services.model_cache));
  if (added > 0) spdlog::info("stored {} demo product models", added);
  return LoadStoredProductModels(services);
}

Status LoadStoredProductModels(Services& services) {
  ATELIER_ASSIGN_OR_RETURN(auto models, config::LoadLatestProductModels(*services.db));
  ATELIER_RETURN_IF_ERROR(PublishProductModels(services, std::move(models)));
  return RefreshSalesHistories(services);
}

Status RefreshSalesHistories(Services& services) {
  auto current = services.product_models.Get();
  if (!current || services.db == nullptr) return Ok();
  auto registry = std::make_shared<ProductModelRegistry>();
  registry->by_id = current->by_id;
  for (const auto& [id, compiled] : current->by_id) {
    ATELIER_ASSIGN_OR_RETURN(
        auto rows, services.db->Query("SELECT ol.selections FROM order_lines ol JOIN orders o ON o.id = ol.order_id "
                                      "WHERE ol.kind = 'configured' AND ol.model_id = ? AND o.status <> 'cancelled' "
                                      "UNION ALL SELECT su.configuration FROM stock_units su "
                                      "JOIN products p ON p.id = su.product_id "
                                      "WHERE p.model_id = ? AND su.configuration <> ''",
                                      {id, id}));
    auto history = std::make_shared<config::SalesHistory>(static_cast<int>(compiled->model().options.size()));
    for (const store::Row& row : rows) {
      auto selections = orders::ParseSelections(row.Text(0), "configuration");
      if (!selections.ok()) continue;
      auto picks = compiled->ResolveSelections(*selections);
      if (!picks.ok()) continue;
      history->Add(std::move(*picks));
    }
    if (history->size() > 0) registry->sales.emplace(id, std::move(history));
  }
  services.product_models.Publish(std::move(registry));
  return Ok();
}

Status LoadRecommender(Services& services, const std::string& model_dir) {
  const auto start = std::chrono::steady_clock::now();
  ATELIER_ASSIGN_OR_RETURN(std::string path, recommend::NewestArtifact(model_dir));
  if (auto published = services.recommender_artifact.Get();
      published != nullptr && *published == path && services.recommender.Get() != nullptr) {
    return Ok();
  }
  ATELIER_ASSIGN_OR_RETURN(auto rec, recommend::LoadArtifact(path));
  spdlog::info("recommender {} loaded: {} items, {} users, for-you model {}, in {} ms", path, rec->num_items(),
               rec->num_users(), rec->for_you_kind(), MillisSince(start));
  services.recommender.Publish(std::move(rec));
  services.recommender_artifact.Publish(std::make_shared<const std::string>(std::move(path)));
  return Ok();
}

Result<std::string> TrainAndPublishRecommender(Services& services, const std::string& model_dir) {
  const auto start = std::chrono::steady_clock::now();
  recommend::TrainOptions options;
  options.log = [](const std::string& message) { spdlog::info("recommender training: {}", message); };
  ATELIER_ASSIGN_OR_RETURN(auto rec, recommend::TrainFromStore(*services.db, options));
  std::string path;
  if (!model_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(model_dir, ec);
    if (ec) return Error::Unavailable("cannot create " + model_dir + ": " + ec.message());
    ATELIER_ASSIGN_OR_RETURN(path, recommend::SaveArtifact(*rec, model_dir));
  }
  spdlog::info("recommender trained: {} items, {} users, for-you model {}, in {} ms{}", rec->num_items(),
               rec->num_users(), rec->for_you_kind(), MillisSince(start), path.empty() ? "" : "; saved " + path);
  services.recommender.Publish(std::move(rec));
  services.recommender_artifact.Publish(std::make_shared<const std::string>(path));
  return path;
}

Status RefreshSnapshots(Services& services, const SnapshotOptions& options, const store::Topics& changed) {
  using store::Topic;
  Status first;
  auto record = [&first](Status s, std::string_view what) {
    if (s.ok()) return;
    spdlog::warn("refreshing the {} after a store change: {}", what, s.error().ToString());
    if (first.ok()) first = s;
  };
  const auto start = std::chrono::steady_clock::now();
  if (store::Has(changed, Topic::kCatalog)) {
    // The catalog at once (product pages, stock, prices); its search index
    // and bought-together table follow when built.
    catalog::CatalogStore store(*services.db);
    auto loaded = store.Load();
    if (loaded.ok()) {
      services.catalog.Publish(*loaded);
      record(PublishCatalog(services, std::move(*loaded), options), "catalog");
    } else {
      record(loaded.error(), "catalog");
    }
  } else if (store::Has(changed, Topic::kStock)) {
    if (auto current = services.catalog.Get()) {
      auto restocked = WithStoredStock(*services.db, *current);
      if (restocked.ok()) {
        services.catalog.Publish(std::move(*restocked));
      } else {
        record(restocked.error(), "stock");
      }
    }
  }
  if (store::Has(changed, Topic::kModels)) {
    record(LoadStoredProductModels(services), "product models");  // refreshes the sales histories too
  } else if (store::Has(changed, Topic::kSales)) {
    record(RefreshSalesHistories(services), "sales histories");
  }
  if (store::Has(changed, Topic::kRecommender) && !services.recommender_dir.empty()) {
    Status loaded = LoadRecommender(services, services.recommender_dir);
    if (loaded.ok() || loaded.error().code != ErrorCode::kNotFound) record(loaded, "recommender");
  }
  spdlog::debug("snapshots refreshed after changes to {} in {} ms", store::TopicsString(changed),
                MillisSince(start));
  return first;
}

Result<std::unique_ptr<store::Subscription>> FollowStoreChanges(Services& services, const SnapshotOptions& options,
                                                                store::SubscribeOptions subscribe) {
  // One refresh at a time: the catch-up below and the feed's thread.
  auto refreshing = std::make_shared<std::mutex>();
  if (!subscribe.log) {
    subscribe.log = [](const std::string& message) { spdlog::warn("store change feed: {}", message); };
  }
  ATELIER_ASSIGN_OR_RETURN(
      auto subscription,
      services.db->Subscribe(
          [&services, options, refreshing](const store::Topics& changed) {
            std::lock_guard lock(*refreshing);
            (void)RefreshSnapshots(services, options, changed);  // logged; the next change retries
          },
          subscribe));
  // What changed between loading the snapshots and subscribing.
  store::Topics missed = store::TopicSet({store::Topic::kStock, store::Topic::kModels, store::Topic::kSales});
  auto current = services.catalog.Get();
  catalog::CatalogStore catalog_store(*services.db);
  ATELIER_ASSIGN_OR_RETURN(int64_t version, catalog_store.Version());
  if (!current || current->version() != version) missed.set(static_cast<int>(store::Topic::kCatalog));
  std::lock_guard lock(*refreshing);
  ATELIER_RETURN_IF_ERROR(RefreshSnapshots(services, options, missed));
  return subscription;
}

const catalog::Product* RecommendableProduct(const catalog::CatalogSnapshot& catalog, std::string_view item_id) {
  const catalog::Product* product = catalog.FindProductBySku(item_id);
  if (product == nullptr) {
    int64_t id = 0;
    auto [end, ec] = std::from_chars(item_id.data(), item_id.data() + item_id.size(), id);
    if (ec == std::errc() && end == item_id.data() + item_id.size()) product = catalog.FindProduct(id);
  }
  if (product == nullptr) return nullptr;
  if (product->model_id.empty() && catalog.TotalStock(product->id) <= 0) return nullptr;
  return product;
}

std::string ShopperReason(const catalog::CatalogSnapshot& catalog, const std::string& reason) {
  // The recommender's reasons that end in an item id (recommender.cc).
  for (std::string_view prefix : {"bought together with ", "often chosen by people who chose "}) {
    if (reason.size() <= prefix.size() || reason.compare(0, prefix.size(), prefix) != 0) continue;
    const catalog::Product* p = catalog.FindProductBySku(std::string_view(reason).substr(prefix.size()));
    if (p == nullptr) return reason;
    std::string out = reason.substr(0, prefix.size()) + p->title;
    return out;
  }
  return reason;
}

AccessoryProvider RecommenderAccessories(Services& services) {
  return [&services](const std::vector<int64_t>& top_product_ids, int k) -> std::vector<Accessory> {
    auto catalog = services.catalog.Get();
    auto rec = services.recommender.Get();
    if (!rec || !catalog) {
      auto table = services.bought_together.Get();
      return table ? table->For(top_product_ids, k) : std::vector<Accessory>{};
    }
    std::vector<std::string> skus;
    for (int64_t id : top_product_ids) {
      if (const catalog::Product* p = catalog->FindProduct(id)) skus.push_back(p->sku);
    }
    std::vector<Accessory> out;
    // Over-fetch: out-of-stock and unknown items are dropped afterwards.
    const size_t want = static_cast<size_t>(std::max(k, 0));
    for (size_t fetch = want * 2 + 8;; fetch *= 2) {
      out.clear();
      const auto recs = rec->BoughtTogether(skus, fetch);
      for (const recommend::Recommendation& r : recs) {
        const catalog::Product* p = RecommendableProduct(*catalog, r.item);
        if (p == nullptr) continue;
        if (std::find(top_product_ids.begin(), top_product_ids.end(), p->id) != top_product_ids.end()) continue;
        out.push_back({p->id, r.score, ShopperReason(*catalog, r.reason)});
        if (out.size() == want) return out;
      }
      if (recs.size() < fetch || fetch >= rec->num_items()) return out;
    }
  };
}

}  // namespace atelier::server
