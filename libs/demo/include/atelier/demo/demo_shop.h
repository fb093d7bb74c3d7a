#pragma once
// The demo shop: a deterministic store that feels like a large online
// retailer, for `atelier serve --demo`, the web app, the recommender and the
// buying flow.
//
// SeedDemoShop writes, from one seed:
//  - a catalog of `product_count` products over 13 top-level categories and
//    their subcategories (video games & consoles, books, lawn & garden, pet
//    food & supplies, phones & tablets, shoes, clothing, home & kitchen, toys,
//    groceries, automotive, electronics, sports) with brands, realistic titles,
//    descriptions, per-category attributes (DemoAttributeKeys) and images
//    "/static/img/<top-level category slug>.svg";
//  - the configurable products (model_id kSuvModelId, kTabletModelId,
//    kShoeModelId, kCandyModelId), priced from the config module's embedded
//    demo models;
//  - locations: 3 distribution centres, 3 dealers, 2 stores, and 6 plants
//    whose codes are the demo models' plant ids ("detroit", "leipzig" for
//    the SUV, "shenzhen", "cork", "porto", "hackettstown"), each with
//    capacity per day for its models' product lines (the model ids), closed
//    on fixed holidays, and transit days from every location to every
//    shipping region (orders::Scheduler);
//  - stock for most products at the distribution centres (a few out of stock
//    everywhere), some at the stores, and `suv_units` configured SUVs at the
//    dealers, valid under the SUV model (none red with the towing package:
//    the buying flow's demo scenario quotes that one built to order);
//  - an event history for `user_count` users over `history_days` days ending
//    at `history_end`: views, carts, searches and purchases grouped in baskets,
//    with complements bought together (PlayStation controllers with
//    PlayStation charging stations and cameras, Xbox controllers with Xbox
//    chargers and headsets, mowers with fertiliser and seed, dog food with dog
//    toys, cat food with litter, books by the same author), repeat purchases
//    of consumables every few weeks, and Zipf-skewed popularity. Events name
//    products by SKU in `item_id`; ids are "demo-<n>".
//
// Deterministic: the same options give the same catalog and history, row for
// row (store ids included when seeded into an empty store). The defaults give
// about 6,000 products, 15,000 stock units and 240,000 events in about 3 s of
// CPU (catalog in one transaction, events in transactions of 50,000).
//
// Thread-safety: free functions without shared state; the store serializes
// concurrent writers.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "atelier/catalog/catalog_store.h"
#include "atelier/config/compiled_model.h"
#include "atelier/core/result.h"
#include "atelier/store/database.h"

namespace atelier::demo {

// Product model ids of the configurable demo products: the ids of the
// config module's embedded demo models (config::DemoModels()).
inline constexpr const char* kSuvModelId = "suv";
inline constexpr const char* kTabletModelId = "tablet";
inline constexpr const char* kShoeModelId = "shoes";
inline constexpr const char* kCandyModelId = "candy";

// SKUs of the configurable products.
inline constexpr const char* kSuvSku = "AUTO-SUV-TRAILHEAD";
inline constexpr const char* kTabletSku = "TAB-ENGRAVED-11";
inline constexpr const char* kShoeSku = "SHOE-CUSTOM";
inline constexpr const char* kCandySku = "GROC-CANDY-PRINTED";

struct DemoOptions {
  uint64_t seed = 20260101;
  // Products generated (spread over subcategories by fixed weights), plus
  // the configurable products.
  int product_count = 6000;
  int user_count = 3000;
  int history_days = 365;
  // Unix seconds of the end of the history; fixed so that a seed always
  // gives the same timestamps (2026-11-01T00:00:00Z).
  int64_t history_end = 1793491200;
  // Without events: only the catalog, locations and stock.
  bool with_history = true;
  // SUVs in stock at dealers, each a valid configuration of the SUV model.
  int suv_units = 48;
};

// What a seeding wrote.
struct DemoSummary {
  int64_t products = 0;
  int64_t categories = 0;
  int64_t stock_units = 0;
  int64_t events = 0;
  int64_t purchases = 0;
  int64_t baskets = 0;
};

// Seeds `db` with the demo shop. Meant for an empty store: products, locations
// and stock are upserted by key, and events by id, so seeding an already
// seeded store with the same options changes nothing but the catalog version.
// Errors: kInvalidArgument for options out of range (product_count < 100,
// user_count < 1, history_days < 30, suv_units < 0); kInternal when an
// embedded demo model is missing or broken; the store's errors otherwise.
Result<DemoSummary> SeedDemoShop(store::Database& db, const DemoOptions& options = {});

// The attribute keys every demo product of a subcategory carries, by category
// slug (top-level slugs apply to every product below them). For tests and
// for the personal shopper's spec vocabulary.
const std::map<std::string, std::vector<std::string>>& DemoAttributeKeys();

// `count` distinct valid configurations of `model` as JSON objects of
// option id -> value id ({"trim":"sport","engine":"v6",...}, keys in model
// order), each drawn by a walk through the configurator: every pick is among
// the values still available, skewed toward the values listed first (so
// common requests find exact matches in stock and rare ones do not).
// `veto`, when set, rejects a finished configuration. Deterministic for a seed.
// Errors: those of CompiledModel::Configure.
Result<std::vector<std::string>> StockConfigurations(
    const config::CompiledModel& model, int count, uint64_t seed,
    const std::function<bool(const std::map<std::string, std::string>&)>& veto = nullptr);

}  // namespace atelier::demo
