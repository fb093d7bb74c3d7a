#include "atelier/demo/demo_shop.h"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <set>

#include "atelier/config/demo_models.h"
#include "atelier/core/strings.h"
#include "atelier/orders/schedule.h"
#include "atelier/orders/types.h"
#include "atelier/store/events.h"
#include "internal/catalog_gen.h"
#include "internal/history_gen.h"
#include "internal/random.h"

namespace atelier::demo {

namespace {

using internal::Random;

// Stock at the distribution centres and stores for standard goods; the
// configurable products are built to order (the SUV also stands at dealers).
std::vector<catalog::StockInput> GenerateStock(const internal::DemoCatalog& c, const DemoOptions& options,
                                               const std::vector<std::string>& suvs) {
  Random rng = Random(options.seed).Fork("stock");
  std::vector<std::string> dcs, stores, dealers;
  for (const auto& l : c.locations) {
    if (l.type == catalog::LocationType::kDistributionCentre) dcs.push_back(l.code);
    if (l.type == catalog::LocationType::kStore) stores.push_back(l.code);
    if (l.type == catalog::LocationType::kDealer) dealers.push_back(l.code);
  }
  std::vector<catalog::StockInput> stock;
  for (const auto& p : c.products) {
    const catalog::Product& pr = p.input.product;
    if (!pr.model_id.empty()) continue;
    // A few products are sold out everywhere: their units stay, at zero.
    const bool sold_out = rng.Chance(0.05);
    bool any = false;
    for (size_t d = 0; d < dcs.size(); ++d) {
      const bool last = d + 1 == dcs.size();
      if (!rng.Chance(0.7) && !(last && !any)) continue;
      any = true;
      int64_t qty = sold_out ? 0 : rng.Between(3, 40) + (p.rank < 5 ? rng.Between(50, 200) : 0);
      stock.push_back({pr.sku, dcs[d], "", qty});
    }
    for (const auto& s : stores) {
      if (!sold_out && rng.Chance(0.1)) stock.push_back({pr.sku, s, "", rng.Between(1, 8)});
    }
  }
  for (size_t i = 0; i < suvs.size(); ++i) {
    stock.push_back({kSuvSku, dealers[i % dealers.size()], suvs[i], rng.Chance(0.15) ? 2 : 1});
  }
  return stock;
}

Status StoreHistory(store::Database& db, const std::vector<internal::DemoEvent>& events) {
  constexpr size_t kRowsPerTransaction = 50000;
  std::vector<store::EventRow> rows;
  for (size_t begin = 0; begin < events.size(); begin += kRowsPerTransaction) {
    const size_t end = std::min(events.size(), begin + kRowsPerTransaction);
    rows.clear();
    for (size_t k = begin; k < end; ++k) {
      const internal::DemoEvent& e = events[k];
      rows.push_back({"demo-" + std::to_string(k), e.type, e.user_id, e.item_id, e.basket_id, e.quantity, e.query,
                      e.ts});
    }
    ATELIER_RETURN_IF_ERROR(db.Transact([&](store::Session& tx) -> Status {
      auto stored = store::InsertEvents(tx, rows);
      return stored.ok() ? Ok() : Status(stored.error());
    }));
  }
  return Ok();
}

// The configurable products' models, by the embedded file they come from.
struct DemoModelSet {
  std::map<std::string, config::ProductModel> by_id;
};

Result<DemoModelSet> LoadDemoModels() {
  ATELIER_ASSIGN_OR_RETURN(std::vector<config::ProductModel> models, config::DemoModels());
  DemoModelSet set;
  for (auto& m : models) set.by_id.emplace(m.id, std::move(m));
  for (const char* id : {kSuvModelId, kTabletModelId, kShoeModelId, kCandyModelId}) {
    if (!set.by_id.count(id))
      return Error::Internal(std::string("the demo model '") + id + "' is not embedded");
  }
  return set;
}

// No red SUV with the towing package stands at a dealer: the buying flow's
// demo scenario asks for exactly that and gets near alternatives and a
// build-to-order quote.
bool RedWithTowing(const std::map<std::string, std::string>& c) {
  auto colour = c.find("colour");
  auto towing = c.find("towing");
  return colour != c.end() && colour->second == "red" && towing != c.end() && towing->second == "true";
}

}  // namespace

Result<std::vector<std::string>> StockConfigurations(
    const config::CompiledModel& model, int count, uint64_t seed,
    const std::function<bool(const std::map<std::string, std::string>&)>& veto) {
  Random rng = Random(seed).Fork("stock-configurations/" + model.model().id);
  config::ConfigureOptions fast;
  fast.explain = false;
  fast.count = false;
  fast.price_range = false;
  fast.alternatives_for_picked = false;
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (int attempt = 0; attempt < count * 20 && static_cast<int>(out.size()) < count; ++attempt) {
    config::ConfigureRequest request;
    for (size_t o = 0; o < model.model().options.size(); ++o) {
      ATELIER_ASSIGN_OR_RETURN(config::ConfigureState state, model.Configure(request, fast));
      const config::OptionState& option = state.options[o];
      std::vector<const config::ValueState*> available;
      for (const auto& v : option.values) {
        if (v.available) available.push_back(&v);
      }
      if (available.empty()) break;  // cannot happen: the configurator is backtrack-free
      // Geometric skew toward the values listed first, gentler for long lists
      // (paints) so that rarer values still appear.
      const double next = available.size() > 4 ? 0.75 : 0.45;
      size_t i = 0;
      while (i + 1 < available.size() && rng.Chance(next)) ++i;
      request.selections[option.id] = available[i]->id;
    }
    if (request.selections.size() != model.model().options.size()) continue;
    if (veto && veto(request.selections)) continue;
    boost::json::object json;
    for (const auto& option : model.model().options) json[option.id] = request.selections.at(option.id);
    std::string text = boost::json::serialize(json);
    if (seen.insert(text).second) out.push_back(std::move(text));
  }
  return out;
}

namespace {

// Shipping regions of the demo: the distribution centres' and the plants'.
constexpr const char* kRegions[] = {"us-east", "us-central", "us-west", "eu-central", "eu-west", "ap-east"};

// Days by road, rail or sea from a location in `from` to a shopper in `to`.
int TransitDays(std::string_view from, std::string_view to) {
  if (from == to) return 2;
  const bool from_us = from.starts_with("us-"), to_us = to.starts_with("us-");
  const bool from_eu = from.starts_with("eu-"), to_eu = to.starts_with("eu-");
  if (from_us && to_us) return (from == "us-central" || to == "us-central") ? 3 : 5;
  if (from_eu && to_eu) return 3;
  if (from == "ap-east" || to == "ap-east") return 12;
  return 14;  // across the Atlantic
}

// Plant capacity per product line (units per day), closed days and transit
// times from every location to every region. The lines are the demo models'
// ids (the server's pricer books a model's builds on the line named after
// it); each plant builds the models that list it. Closures are fixed dates
// (public holidays), so seeding stays deterministic.
Status SeedPlants(store::Database& db, const std::vector<catalog::Location>& locations,
                  const std::map<std::string, config::ProductModel>& models) {
  static const std::map<std::string, int64_t> kUnitsPerDay = {
      {"suv", 12}, {"tablet", 200}, {"shoes", 40}, {"candy", 500}};
  orders::Scheduler scheduler(db);
  for (const auto& [id, model] : models) {
    for (const std::string& plant : model.plants) {
      auto units = kUnitsPerDay.find(model.id);
      ATELIER_RETURN_IF_ERROR(scheduler.SetCapacity(plant, model.id, units == kUnitsPerDay.end() ? 20 : units->second));
    }
  }
  for (const catalog::Location& l : locations) {
    if (l.type == catalog::LocationType::kPlant) {
      using namespace std::chrono;
      for (int y = 2026; y <= 2028; ++y) {
        for (year_month_day holiday : {year{y} / January / 1, year{y} / December / 25, year{y} / December / 26}) {
          ATELIER_RETURN_IF_ERROR(
              scheduler.SetClosed(l.code, sys_days(holiday).time_since_epoch().count(), true));
        }
      }
    }
    for (const char* region : kRegions) {
      ATELIER_RETURN_IF_ERROR(scheduler.SetTransit(l.code, region, TransitDays(l.region, region)));
    }
  }
  return Ok();
}

}  // namespace

const std::map<std::string, std::vector<std::string>>& DemoAttributeKeys() {
  static const std::map<std::string, std::vector<std::string>> kKeys = {
      {"video-games-consoles", {"platform"}},
      {"video-games-consoles-controllers", {"platform", "colour", "wireless", "battery_hours"}},
      {"video-games-consoles-charging-stations", {"platform", "colour", "slots"}},
      {"video-games-consoles-cameras", {"platform", "resolution"}},
      {"video-games-consoles-headsets", {"platform", "wireless", "colour"}},
      {"video-games-consoles-games", {"platform", "genre", "age_rating", "edition"}},
      {"books", {"author", "format", "pages", "genre", "language", "publication_year"}},
      {"lawn-garden-mowers", {"power_source", "cutting_width_cm", "grass_collection"}},
      {"lawn-garden-grass-seed", {"grass_type", "weight_lb", "consumable"}},
      {"lawn-garden-fertiliser", {"formula", "weight_lb", "consumable"}},
      {"lawn-garden-hoses-watering", {"length_ft", "colour"}},
      {"pet-food-supplies", {"species"}},
      {"pet-food-supplies-dog-food", {"species", "flavour", "life_stage", "weight_kg", "consumable"}},
      {"pet-food-supplies-cat-food", {"species", "flavour", "life_stage", "weight_kg", "consumable"}},
      {"pet-food-supplies-cat-litter", {"species", "scent", "weight_kg", "consumable"}},
      {"pet-food-supplies-dog-toys", {"species", "size", "colour"}},
      {"phones-tablets-smartphones", {"storage_gb", "colour", "screen_in"}},
      {"phones-tablets-tablets", {"storage_gb", "colour", "screen_in"}},
      {"phones-tablets-cases-screen-protectors", {"compatible_with", "colour"}},
      {"shoes", {"size", "width", "colour", "material", "heel_height_cm"}},
      {"clothing", {"size", "colour", "material", "gender"}},
      {"home-kitchen", {"material"}},
      {"toys", {"age_min"}},
      {"groceries", {"consumable", "weight_g"}},
      {"automotive-tyres-wheels", {"tyre_size"}},
      {"electronics", {"wireless"}},
      {"sports-outdoors", {"material"}},
  };
  return kKeys;
}

Result<DemoSummary> SeedDemoShop(store::Database& db, const DemoOptions& options) {
  if (options.product_count < 100) return Error::InvalidArgument("must be at least 100", "product_count");
  if (options.user_count < 1) return Error::InvalidArgument("must be at least 1", "user_count");
  if (options.history_days < 30) return Error::InvalidArgument("must be at least 30", "history_days");
  if (options.suv_units < 0) return Error::InvalidArgument("must not be negative", "suv_units");

  ATELIER_ASSIGN_OR_RETURN(DemoModelSet models, LoadDemoModels());
  internal::DemoCatalog generated = internal::GenerateCatalog(options);
  // The configurable products take their base price from their models.
  for (auto& p : generated.products) {
    auto it = models.by_id.find(p.input.product.model_id);
    if (it != models.by_id.end()) p.input.product.price = {it->second.base_price, it->second.currency};
  }
  ATELIER_ASSIGN_OR_RETURN(auto suv, config::CompiledModel::Compile(models.by_id.at(kSuvModelId)));
  ATELIER_ASSIGN_OR_RETURN(std::vector<std::string> suvs,
                           StockConfigurations(*suv, options.suv_units, options.seed, RedWithTowing));
  catalog::CatalogBatch batch;
  batch.categories = generated.categories;
  batch.locations = generated.locations;
  batch.products.reserve(generated.products.size());
  for (const auto& p : generated.products) batch.products.push_back(p.input);
  // When each product line joined the shop: a day in the two years up to the
  // end of the history, the same for every variant of a line (its brand and
  // catalog::ProductFamily), from a hash of the line so the generator's
  // random stream is untouched. "Newest" then shows lines from across the
  // shop, not the products that happened to be written last.
  for (catalog::ProductInput& p : batch.products) {
    const std::string line = p.product.brand + "|" + std::string(catalog::ProductFamily(p.product.title));
    uint64_t h = 1469598103934665603ull;  // FNV-1a
    for (unsigned char c : line) h = (h ^ c) * 1099511628211ull;
    p.product.created_at = options.history_end - static_cast<int64_t>(h % 730) * 86400 - 86400 +
                           static_cast<int64_t>((h >> 20) % 86400);
  }
  batch.stock = GenerateStock(generated, options, suvs);

  DemoSummary summary;
  summary.products = static_cast<int64_t>(batch.products.size());
  summary.stock_units = static_cast<int64_t>(batch.stock.size());
  std::set<std::string> categories;
  for (const auto& c : batch.categories) categories.insert(Join(c.path, "/"));
  for (const auto& p : batch.products) {
    for (size_t d = 1; d <= p.category_path.size(); ++d) {
      categories.insert(
          Join(std::vector<std::string>(p.category_path.begin(), p.category_path.begin() + d), "/"));
    }
  }
  summary.categories = static_cast<int64_t>(categories.size());

  catalog::CatalogStore store(db);
  ATELIER_RETURN_IF_ERROR(store.Apply(batch));
  ATELIER_RETURN_IF_ERROR(SeedPlants(db, batch.locations, models.by_id));

  if (options.with_history) {
    std::vector<internal::DemoEvent> events = internal::GenerateHistory(generated, options);
    std::set<std::string> baskets;
    for (const auto& e : events) {
      if (e.type == "purchase") {
        ++summary.purchases;
        baskets.insert(e.basket_id);
      }
    }
    summary.baskets = static_cast<int64_t>(baskets.size());
    summary.events = static_cast<int64_t>(events.size());
    ATELIER_RETURN_IF_ERROR(StoreHistory(db, events));
  }
  return summary;
}

}  // namespace atelier::demo
