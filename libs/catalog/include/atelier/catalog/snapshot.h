#pragma once
// An immutable, indexed view of the whole catalog at one store version.
//
// Built once from the store (catalog_store.h) or from values (tests), then
// shared read-only by every request through SnapshotHolder<CatalogSnapshot>.
// Lookups are O(1) hash or O(log n); nothing allocates on read.
//
// Thread-safety: immutable after Build(); safe to share across threads.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "atelier/catalog/types.h"

namespace atelier::catalog {

struct CatalogData {
  std::vector<Category> categories;
  std::vector<Product> products;
  std::vector<Location> locations;
  std::vector<StockUnit> stock;
};

class CatalogSnapshot {
 public:
  // REQUIRES: ids unique within each list; every product's category_id and
  // every category's parent_id (when non-zero) name a listed category.
  static std::shared_ptr<const CatalogSnapshot> Build(CatalogData data, int64_t version);

  int64_t version() const { return version_; }

  const std::vector<Product>& products() const { return data_.products; }
  const std::vector<Category>& categories() const { return data_.categories; }
  const std::vector<Location>& locations() const { return data_.locations; }

  const Product* FindProduct(int64_t id) const;
  const Product* FindProductBySku(std::string_view sku) const;
  const Category* FindCategory(int64_t id) const;
  const Category* FindCategoryBySlug(std::string_view slug) const;
  const Location* FindLocation(int64_t id) const;

  // Top-level categories, and the children of `id`, in position order.
  std::vector<const Category*> TopCategories() const;
  std::vector<const Category*> Children(int64_t id) const;
  // Root-to-leaf path of a category: [Video Games, Controllers].
  std::vector<const Category*> CategoryPath(int64_t id) const;
  // True when `id` is `ancestor` or below it.
  bool InCategory(int64_t id, int64_t ancestor) const;
  // Products in the category or any category below it.
  size_t ProductCountInTree(int64_t category_id) const;

  // Stock units of a product, and the total quantity over all locations.
  const std::vector<const StockUnit*>& StockOf(int64_t product_id) const;
  int64_t TotalStock(int64_t product_id) const;

  // Brands with at least one product, sorted.
  const std::vector<std::string>& brands() const { return brands_; }

 private:
  CatalogSnapshot() = default;

  CatalogData data_;
  int64_t version_ = 0;
  std::unordered_map<int64_t, size_t> product_by_id_;
  std::unordered_map<std::string, size_t> product_by_sku_;
  std::unordered_map<int64_t, size_t> category_by_id_;
  std::unordered_map<std::string, size_t> category_by_slug_;
  std::unordered_map<int64_t, size_t> location_by_id_;
  std::unordered_map<int64_t, std::vector<const Category*>> children_;
  std::vector<const Category*> roots_;
  std::unordered_map<int64_t, std::vector<const StockUnit*>> stock_by_product_;
  std::unordered_map<int64_t, int64_t> total_stock_;
  std::unordered_map<int64_t, size_t> tree_counts_;
  std::vector<std::string> brands_;
};

}  // namespace atelier::catalog
