#pragma once
// The catalog's vocabulary: products, categories, brands, locations, stock.
//
// Plain values. Ids are the store's integer primary keys; SKUs and category
// slugs are the merchant's stable keys (imports upsert by them).

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "atelier/core/money.h"

namespace atelier::catalog {

// A typed attribute value: text ("leather"), number (10.5), or flag.
using AttributeValue = std::variant<std::string, double, bool>;

struct Attribute {
  std::string key;  // lower_snake_case: "shoe_size", "author", "species"
  AttributeValue value;
  friend bool operator==(const Attribute&, const Attribute&) = default;
};

// "leather", "10.5", "true".
std::string AttributeText(const AttributeValue& value);

struct Category {
  int64_t id = 0;
  int64_t parent_id = 0;  // 0 for a top-level category
  std::string slug;       // unique across the shop: "video-games-controllers"
  std::string name;       // "Controllers"
  int position = 0;       // order among siblings
};

struct Product {
  int64_t id = 0;
  std::string sku;
  std::string title;
  std::string description;
  std::string brand;  // "" when none
  int64_t category_id = 0;
  Money price;
  std::vector<Attribute> attributes;
  std::vector<std::string> images;  // URLs or paths under /static
  // Id of the product model (config module) when the product is configurable.
  std::string model_id;
  int64_t created_at = 0;  // unix seconds; an import stores 0 as "now" and never changes it later
  int64_t updated_at = 0;

  // The attribute with `key`, or nullptr.
  const Attribute* FindAttribute(const std::string& key) const;
};

enum class LocationType { kDistributionCentre, kDealer, kPlant, kStore };

// "distribution_centre", "dealer", "plant", "store".
const char* LocationTypeName(LocationType type);
bool ParseLocationType(const std::string& text, LocationType& out);

// A product's family: its title without the variant after its last dash
// ("Sony DualSense Wireless Controller for PS5 – Midnight Black" -> "Sony
// DualSense Wireless Controller for PS5"; en dash, em dash or " - "), so
// that colour and size variants of one product count as one. A title
// without such a dash is its own family.
std::string_view ProductFamily(std::string_view title);

struct Location {
  int64_t id = 0;
  std::string code;    // "DC-EAST"
  std::string name;    // "East distribution centre"
  LocationType type = LocationType::kDistributionCentre;
  std::string region;  // "us-east"
};

// Units of a product held at a location. `configuration` is empty for
// standard goods; for a configured product in stock (an SUV at a dealer) it is
// the JSON object of its option values.
struct StockUnit {
  int64_t id = 0;
  int64_t product_id = 0;
  int64_t location_id = 0;
  std::string configuration;
  int64_t quantity = 0;
};

}  // namespace atelier::catalog
