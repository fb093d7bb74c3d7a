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

  // Loads the whole catalog into an immutable snapshot.
  Result<std::shared_ptr<const CatalogSnapshot>> Load();

  // The current catalog version (0 for an empty catalog).
  Result<int64_t> Version();

 private:
  store::Database& db_;
};

}  // namespace atelier::catalog
