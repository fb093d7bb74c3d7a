#pragma once
// Reads and writes the catalog in the store.
//
// Writes are batches applied in one transaction: categories are upserted by
// slug, brands by name, products by SKU, locations by code, stock by
// (SKU, location code, configuration). A batch either lands whole or not at
// all. Every applied batch bumps the catalog version, which read snapshots
// carry so that replicas can tell when theirs is stale.
//
// Thread-safety: safe to call concurrently (the Database serializes writes).

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "atelier/catalog/snapshot.h"
#include "atelier/catalog/types.h"
#include "atelier/core/result.h"
#include "atelier/store/database.h"

namespace atelier::catalog {

struct CategoryInput {
  std::string slug;         // empty: derived from the path of names
  std::vector<std::string> path;  // names root-to-leaf: {"Video Games", "Controllers"}
  int position = 0;
};

struct ProductInput {
  Product product;                         // id, category_id and timestamps are ignored
  std::vector<std::string> category_path;  // created when missing
};

struct StockInput {
  std::string sku;
  std::string location_code;
  std::string configuration;  // "" for standard goods
  int64_t quantity = 0;
};

// A merchant's change to one stock unit: set it to `units`, and/or move it
// by `delta` (a delivery in, a count correction out). The unit is named
// either by `stock_unit_id` or by (`sku`, `location_code`, `configuration`).
struct StockChange {
  int64_t stock_unit_id = 0;  // > 0: this unit; the three below are ignored
  std::string sku;
  std::string location_code;
  std::string configuration;      // "" for standard goods
  std::optional<int64_t> units;   // the new quantity (>= 0); unset: keep it
  int64_t delta = 0;              // added after `units`
};

// A merchant's edit of a product; unset members are kept.
struct ProductEdit {
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<int64_t> price_amount;  // minor units
  std::optional<std::string> currency;  // ISO 4217
};

struct CatalogBatch {
  std::vector<CategoryInput> categories;
  std::vector<Location> locations;  // id ignored; upserted by code
  std::vector<ProductInput> products;
  std::vector<StockInput> stock;
};

class CatalogStore {
 public:
  // REQUIRES: `db` outlives this object.
  explicit CatalogStore(store::Database& db) : db_(db) {}

  // Applies `batch` atomically. Errors: kInvalidArgument (naming the field)
  // for a product without SKU/title/category, a negative price or quantity,
  // or stock naming an unknown SKU or location code; kUnavailable when the
  // store cannot be written.
  Status Apply(const CatalogBatch& batch);

  // Sets the quantity of one stock unit (creating it when missing).
  Status SetStock(const StockInput& stock);

  // Applies `change` in one transaction and returns the unit as stored. The
  // delta is applied by the store in one conditional statement
  // (quantity = quantity + delta where the result stays >= 0), so concurrent
  // changes compose on either backend and nothing can drive a unit below 0.
  // A unit named by SKU and location is created when missing. Stock is not
  // catalog: the catalog version stays (the change feed's `stock` topic
  // tells replicas). Errors: kInvalidArgument for negative `units` (field
  // "units") or a change with neither units nor delta (field "units");
  // kNotFound for an unknown SKU ("sku"), location ("location") or stock
  // unit ("stock_unit_id"); kConflict (field "delta") when the delta would
  // leave fewer than 0 units, with the units there in the message;
  // kUnavailable when the store cannot be written.
  Result<StockUnit> ChangeStock(const StockChange& change);

  // Edits product `product_id` in one transaction (bumping the catalog
  // version) and returns it as stored. Errors: kInvalidArgument naming the
  // field for an empty or over-long title ("title", at most
  // kMaxTitleBytes), an over-long description ("description", at most
  // kMaxDescriptionBytes), a negative price ("price.amount"), an unknown
  // currency ("price.currency"), or an edit that changes nothing ("body");
  // kNotFound (field "id") for an unknown product; kUnavailable when the
  // store cannot be written.
  Result<Product> EditProduct(int64_t product_id, const ProductEdit& edit);

  static constexpr size_t kMaxTitleBytes = 500;
  static constexpr size_t kMaxDescriptionBytes = 20000;

  // Loads the whole catalog into an immutable snapshot.
  Result<std::shared_ptr<const CatalogSnapshot>> Load();

  // The current catalog version (0 for an empty catalog).
  Result<int64_t> Version();

 private:
  store::Database& db_;
};

}  // namespace atelier::catalog
