#include "atelier/server/bought_together.h"

#include <algorithm>
#include <unordered_set>

#include "atelier/core/strings.h"

namespace atelier::server {

namespace {

// The product an event's item id names: its id, else its SKU; 0 when unknown.
int64_t ResolveItem(const catalog::CatalogSnapshot& catalog, const std::string& item_id) {
  if (std::optional<int64_t> id = ParseInt(item_id); id && catalog.FindProduct(*id) != nullptr) return *id;
  const catalog::Product* p = catalog.FindProductBySku(item_id);
  return p == nullptr ? 0 : p->id;
}

// True when both catalogs hold the same products under the same SKUs, so
// every event item resolves to the same product in both.
bool SameProducts(const catalog::CatalogSnapshot& a, const catalog::CatalogSnapshot& b) {
  if (&a == &b) return true;
  if (a.products().size() != b.products().size()) return false;
  for (const catalog::Product& p : a.products()) {
    const catalog::Product* q = b.FindProduct(p.id);
    if (q == nullptr || q->sku != p.sku) return false;
  }
  return true;
}

// Accumulates baskets and turns the counts into ranked associations.
class PairCounter {
 public:
  void AddBasket(std::vector<int64_t>& items) {
    std::sort(items.begin(), items.end());
    items.erase(std::unique(items.begin(), items.end()), items.end());
    if (items.empty() || items.size() > BoughtTogether::kMaxBasket) return;
    ++baskets_;
    for (int64_t a : items) ++count_[a];
    for (size_t i = 0; i < items.size(); ++i) {
      for (size_t j = i + 1; j < items.size(); ++j) {
        ++co_[items[i]][items[j]];
        ++co_[items[j]][items[i]];
      }
    }
  }

  size_t baskets() const { return baskets_; }

  template <typename Out>
  void Finish(Out& out) const {
    for (const auto& [a, partners] : co_) {
      auto& list = out[a];
      for (const auto& [b, co] : partners) {
        if (co < BoughtTogether::kMinSupport) continue;
        list.push_back({b, static_cast<double>(co) / (static_cast<double>(count_.at(b)) + BoughtTogether::kShrink)});
      }
      std::sort(list.begin(), list.end(), [](const auto& x, const auto& y) {
        return x.score != y.score ? x.score > y.score : x.product_id < y.product_id;
      });
      if (list.size() > BoughtTogether::kPerItem) list.resize(BoughtTogether::kPerItem);
      if (list.empty()) out.erase(a);
    }
  }

 private:
  size_t baskets_ = 0;
  std::unordered_map<int64_t, int64_t> count_;
  std::unordered_map<int64_t, std::unordered_map<int64_t, int64_t>> co_;
};

}  // namespace

std::shared_ptr<const BoughtTogether> BoughtTogether::Build(
    const std::vector<BasketItem>& rows, std::shared_ptr<const catalog::CatalogSnapshot> catalog) {
  std::unordered_map<std::string, std::vector<int64_t>> baskets;
  for (const BasketItem& row : rows) {
    if (row.basket_id.empty()) continue;
    if (int64_t id = ResolveItem(*catalog, row.item_id); id != 0) baskets[row.basket_id].push_back(id);
  }
  PairCounter counter;
  for (auto& [basket, items] : baskets) counter.AddBasket(items);
  auto table = std::make_shared<BoughtTogether>();
  table->catalog_ = std::move(catalog);
  table->baskets_ = counter.baskets();
  counter.Finish(table->associations_);
  return table;
}

Result<std::shared_ptr<const BoughtTogether>> BoughtTogether::Load(
    store::Database& db, std::shared_ptr<const catalog::CatalogSnapshot> catalog, const BoughtTogether* previous) {
  // Read before the scan: an event stored while it runs makes the next
  // catalog change scan again.
  ATELIER_ASSIGN_OR_RETURN(auto high, db.Query("SELECT COALESCE(MAX(id), 0) FROM events"));
  const int64_t events_high = high.empty() ? 0 : high[0].Int(0);
  if (previous != nullptr && previous->events_high_ == events_high && SameProducts(*previous->catalog_, *catalog)) {
    auto table = std::make_shared<BoughtTogether>(*previous);
    table->catalog_ = std::move(catalog);
    table->reused_ = true;
    return std::shared_ptr<const BoughtTogether>(std::move(table));
  }
  // Streams baskets in basket order so only one basket is held at a time.
  PairCounter counter;
  std::string current;
  std::vector<int64_t> items;
  Status scanned = db.QueryEach(
      "SELECT basket_id, item_id FROM events WHERE type = 'purchase' AND basket_id <> '' ORDER BY basket_id", {},
      [&](const store::Row& row) {
        std::string basket = row.Text(0);
        if (basket != current) {
          counter.AddBasket(items);
          items.clear();
          current = std::move(basket);
        }
        if (int64_t id = ResolveItem(*catalog, row.Text(1)); id != 0) items.push_back(id);
        return true;
      });
  if (!scanned.ok()) return scanned.error();
  counter.AddBasket(items);
  auto table = std::make_shared<BoughtTogether>();
  table->catalog_ = std::move(catalog);
  table->baskets_ = counter.baskets();
  counter.Finish(table->associations_);
  table->events_high_ = events_high;
  return std::shared_ptr<const BoughtTogether>(std::move(table));
}

std::vector<Accessory> BoughtTogether::For(const std::vector<int64_t>& results, int k) const {
  std::unordered_set<int64_t> excluded(results.begin(), results.end());
  struct Candidate {
    double score = 0;
    int64_t because = 0;  // the result contributing most
    double best = 0;
  };
  std::unordered_map<int64_t, Candidate> candidates;
  for (size_t rank = 0; rank < results.size(); ++rank) {
    auto it = associations_.find(results[rank]);
    if (it == associations_.end()) continue;
    const double weight = 1.0 / static_cast<double>(rank + 1);
    for (const Association& a : it->second) {
      if (excluded.count(a.product_id)) continue;
      Candidate& c = candidates[a.product_id];
      c.score += weight * a.score;
      if (weight * a.score > c.best) {
        c.best = weight * a.score;
        c.because = results[rank];
      }
    }
  }
  std::vector<std::pair<int64_t, const Candidate*>> ranked;
  ranked.reserve(candidates.size());
  for (const auto& [id, c] : candidates) ranked.emplace_back(id, &c);
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.second->score != b.second->score ? a.second->score > b.second->score : a.first < b.first;
  });
  if (k >= 0 && ranked.size() > static_cast<size_t>(k)) ranked.resize(k);
  std::vector<Accessory> out;
  out.reserve(ranked.size());
  for (const auto& [id, c] : ranked) {
    const catalog::Product* because = catalog_->FindProduct(c->because);
    out.push_back({id, c->score, "Often bought with " + (because ? because->title : std::string("these items"))});
  }
  return out;
}

}  // namespace atelier::server
