#include "atelier/catalog/snapshot.h"

#include <algorithm>
#include <cassert>
#include <set>

namespace atelier::catalog {

std::shared_ptr<const CatalogSnapshot> CatalogSnapshot::Build(CatalogData data, int64_t version) {
  std::shared_ptr<CatalogSnapshot> s(new CatalogSnapshot());
  s->data_ = std::move(data);
  s->version_ = version;
  auto& d = s->data_;
  std::sort(d.categories.begin(), d.categories.end(), [](const Category& a, const Category& b) {
    return a.position != b.position ? a.position < b.position : a.id < b.id;
  });
  for (size_t i = 0; i < d.categories.size(); ++i) {
    s->category_by_id_[d.categories[i].id] = i;
    s->category_by_slug_[d.categories[i].slug] = i;
  }
  for (const auto& c : d.categories) {
    if (c.parent_id == 0) {
      s->roots_.push_back(&c);
    } else {
      assert(s->category_by_id_.count(c.parent_id));
      s->children_[c.parent_id].push_back(&c);
    }
  }
  std::set<std::string> brands;
  for (size_t i = 0; i < d.products.size(); ++i) {
    const Product& p = d.products[i];
    s->product_by_id_[p.id] = i;
    s->product_by_sku_[p.sku] = i;
    if (!p.brand.empty()) brands.insert(p.brand);
    // Count the product in its category and every ancestor.
    for (int64_t c = p.category_id; c != 0;) {
      ++s->tree_counts_[c];
      auto it = s->category_by_id_.find(c);
      if (it == s->category_by_id_.end()) break;
      c = d.categories[it->second].parent_id;
    }
  }
  s->brands_.assign(brands.begin(), brands.end());
  for (size_t i = 0; i < d.locations.size(); ++i) s->location_by_id_[d.locations[i].id] = i;
  for (const auto& u : d.stock) {
    s->stock_by_product_[u.product_id].push_back(&u);
    s->total_stock_[u.product_id] += u.quantity;
  }
  return s;
}

const Product* CatalogSnapshot::FindProduct(int64_t id) const {
  auto it = product_by_id_.find(id);
  return it == product_by_id_.end() ? nullptr : &data_.products[it->second];
}

const Product* CatalogSnapshot::FindProductBySku(std::string_view sku) const {
  auto it = product_by_sku_.find(std::string(sku));
  return it == product_by_sku_.end() ? nullptr : &data_.products[it->second];
}

const Category* CatalogSnapshot::FindCategory(int64_t id) const {
  auto it = category_by_id_.find(id);
  return it == category_by_id_.end() ? nullptr : &data_.categories[it->second];
}

const Category* CatalogSnapshot::FindCategoryBySlug(std::string_view slug) const {
  auto it = category_by_slug_.find(std::string(slug));
  return it == category_by_slug_.end() ? nullptr : &data_.categories[it->second];
}

const Location* CatalogSnapshot::FindLocation(int64_t id) const {
  auto it = location_by_id_.find(id);
  return it == location_by_id_.end() ? nullptr : &data_.locations[it->second];
}

std::vector<const Category*> CatalogSnapshot::TopCategories() const { return roots_; }

std::vector<const Category*> CatalogSnapshot::Children(int64_t id) const {
  auto it = children_.find(id);
  return it == children_.end() ? std::vector<const Category*>{} : it->second;
}

std::vector<const Category*> CatalogSnapshot::CategoryPath(int64_t id) const {
  std::vector<const Category*> path;
  for (const Category* c = FindCategory(id); c != nullptr; c = c->parent_id ? FindCategory(c->parent_id) : nullptr) {
    path.push_back(c);
    if (path.size() > 64) break;  // defends against a cycle in bad data
  }
  std::reverse(path.begin(), path.end());
  return path;
}

bool CatalogSnapshot::InCategory(int64_t id, int64_t ancestor) const {
  for (int depth = 0; id != 0 && depth < 64; ++depth) {
    if (id == ancestor) return true;
    const Category* c = FindCategory(id);
    if (c == nullptr) return false;
    id = c->parent_id;
  }
  return false;
}

size_t CatalogSnapshot::ProductCountInTree(int64_t category_id) const {
  auto it = tree_counts_.find(category_id);
  return it == tree_counts_.end() ? 0 : it->second;
}

const std::vector<const StockUnit*>& CatalogSnapshot::StockOf(int64_t product_id) const {
  static const std::vector<const StockUnit*> kNone;
  auto it = stock_by_product_.find(product_id);
  return it == stock_by_product_.end() ? kNone : it->second;
}

int64_t CatalogSnapshot::TotalStock(int64_t product_id) const {
  auto it = total_stock_.find(product_id);
  return it == total_stock_.end() ? 0 : it->second;
}

}  // namespace atelier::catalog
