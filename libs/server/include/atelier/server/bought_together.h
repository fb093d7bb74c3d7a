#pragma once
// Default accessories for search results: items bought in the same basket.
//
// Built per catalog snapshot from the store's purchase events (same
// non-empty basket_id; kept from the previous snapshot when neither the
// events nor the set of products changed) and immutable afterwards. For a result item a and a
// candidate b the association is
//     co(a, b) / (count(b) + kShrink)
// (a lift-style confidence: how much of b's sales come with a, shrunk so that
// an item sold twice cannot outrank one sold two hundred times), kept only
// when co(a, b) >= kMinSupport. Accessories of a result set sum the
// associations of its items, weighted 1/(rank+1), leaving out the results.
//
// This is the stand-in until the recommender fills Services::accessories with
// its bought-together model.
//
// Thread-safety: immutable after Build(); safe to share.

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "atelier/catalog/snapshot.h"
#include "atelier/core/result.h"
#include "atelier/store/database.h"

namespace atelier::server {

struct Accessory {
  int64_t product_id = 0;
  double score = 0;
  std::string reason;  // "Often bought with DualSense Wireless Controller"
};

struct BasketItem {
  std::string basket_id;
  std::string item_id;  // a product id ("42") or a SKU
};

class BoughtTogether {
 public:
  static constexpr int kMinSupport = 2;
  static constexpr double kShrink = 10.0;
  // Associations kept per item.
  static constexpr size_t kPerItem = 20;
  // Baskets larger than this are skipped (bulk orders say little about pairs).
  static constexpr size_t kMaxBasket = 50;

  // From purchases in `db` (events of type 'purchase' with a basket id),
  // resolving item ids against `catalog` (product id, else SKU; unknown
  // items are skipped). With `previous` (the table of the catalog before),
  // when no event was stored since it was loaded and `catalog` holds the
  // same products (ids and SKUs: a price or title edit), its associations
  // are kept without scanning the events again. Errors: those of the store.
  static Result<std::shared_ptr<const BoughtTogether>> Load(
      store::Database& db, std::shared_ptr<const catalog::CatalogSnapshot> catalog,
      const BoughtTogether* previous = nullptr);

  // From basket rows in any order (tests).
  static std::shared_ptr<const BoughtTogether> Build(const std::vector<BasketItem>& rows,
                                                     std::shared_ptr<const catalog::CatalogSnapshot> catalog);

  // Up to `k` accessories for `results` (best first), never one of them.
  std::vector<Accessory> For(const std::vector<int64_t>& results, int k) const;

  const catalog::CatalogSnapshot& catalog() const { return *catalog_; }
  int64_t catalog_version() const { return catalog_->version(); }
  size_t baskets() const { return baskets_; }
  // True when Load kept `previous`'s associations instead of scanning.
  bool reused() const { return reused_; }

 private:
  struct Association {
    int64_t product_id;
    double score;
  };

  std::shared_ptr<const catalog::CatalogSnapshot> catalog_;
  std::unordered_map<int64_t, std::vector<Association>> associations_;  // best first
  size_t baskets_ = 0;
  int64_t events_high_ = -1;  // the events table's highest id when loaded; -1: built from rows
  bool reused_ = false;
};

}  // namespace atelier::server
