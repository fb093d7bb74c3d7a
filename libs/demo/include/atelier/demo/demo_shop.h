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
//    kShoeModelId, kCandyModelId) whose models live in the config module;
//  - locations: 3 distribution centres, 3 dealers, 2 stores, 2 plants;
//  - stock for most products at the distribution centres (a few out of stock
//    everywhere), some at the stores, and configured SUVs at the dealers;
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
// row (store ids included when seeded into an empty store).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "atelier/catalog/catalog_store.h"
#include "atelier/core/result.h"
#include "atelier/store/database.h"

namespace atelier::demo {

// Product model ids of the configurable demo products (config module).
inline constexpr const char* kSuvModelId = "suv";
inline constexpr const char* kTabletModelId = "tablet-engraved";
inline constexpr const char* kShoeModelId = "custom-shoe";
inline constexpr const char* kCandyModelId = "printed-candy";

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
  // SUVs in stock at dealers, each a configuration of the SUV model.
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
// user_count < 1, history_days < 30); the store's errors otherwise.
Result<DemoSummary> SeedDemoShop(store::Database& db, const DemoOptions& options = {});

// The attribute keys every demo product of a subcategory carries, by category
// slug (top-level slugs apply to every product below them). For tests and
// for the personal shopper's spec vocabulary.
const std::map<std::string, std::vector<std::string>>& DemoAttributeKeys();

// The SUV option space used for configured stock units: option id -> value
// ids, and the rules a configuration must satisfy. Kept as data so it can be
// aligned with the SUV product model of the config module.
struct SuvOptionSpace {
  std::vector<std::pair<std::string, std::vector<std::string>>> options;
  // Returns false for a combination the model forbids.
  bool (*valid)(const std::map<std::string, std::string>& configuration) = nullptr;
};
const SuvOptionSpace& DemoSuvOptions();

// `count` distinct valid SUV configurations as JSON objects
// ({"trim":"sport","engine":"v6",...}, keys in option order), drawn from
// `space` with `seed`. A popular-colour and trim skew makes exact matches for
// common requests likely and for rare ones (red with towing) unlikely.
std::vector<std::string> SuvConfigurations(const SuvOptionSpace& space, int count, uint64_t seed);

}  // namespace atelier::demo
