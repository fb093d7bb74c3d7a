#include "internal/document_tables.h"

#include <algorithm>
#include <numeric>
#include <unordered_map>

#include "internal/schema.h"

namespace atelier::search::internal {

DocumentTables::DocumentTables(const catalog::CatalogSnapshot& catalog,
                               const std::vector<int64_t>& price_bounds)
    : catalog_(catalog) {
  const auto& products = catalog.products();
  std::unordered_map<int64_t, uint32_t> category_code;
  for (const catalog::Category& c : catalog.categories()) {
    categories_.push_back(&c);
    category_code[c.id] = static_cast<uint32_t>(categories_.size());
  }
  std::unordered_map<std::string, uint32_t> brand_code;
  for (const std::string& b : catalog.brands()) {
    brand_names_.push_back(b);
    brand_code[b] = static_cast<uint32_t>(brand_names_.size());
  }
  std::vector<std::vector<const catalog::Category*>> paths;
  paths.reserve(products.size());
  for (const catalog::Product& p : products) {
    paths.push_back(catalog.CategoryPath(p.category_id));
    max_depth_ = std::max(max_depth_, static_cast<int>(paths.back().size()));
  }
  const size_t stride = static_cast<size_t>(max_depth_);
  path_.assign(products.size() * stride, 0);
  brand_.assign(products.size(), 0);
  bucket_.assign(products.size(), 0);
  for (size_t i = 0; i < products.size(); ++i) {
    for (size_t d = 0; d < paths[i].size(); ++d) path_[i * stride + d] = category_code[paths[i][d]->id];
    if (!products[i].brand.empty()) brand_[i] = brand_code[products[i].brand];
    bucket_[i] = static_cast<uint8_t>(PriceBucket(products[i].price.amount, price_bounds));
  }

  by_docid_.resize(products.size());
  std::iota(by_docid_.begin(), by_docid_.end(), 0u);
  auto sorted_by = [&](auto before) {
    std::vector<uint32_t> order = by_docid_;
    std::stable_sort(order.begin(), order.end(),
                     [&](uint32_t a, uint32_t b) { return before(products[a], products[b]); });
    return order;
  };
  by_price_asc_ = sorted_by([](const catalog::Product& a, const catalog::Product& b) {
    return a.price.amount < b.price.amount;
  });
  by_price_desc_ = sorted_by([](const catalog::Product& a, const catalog::Product& b) {
    return a.price.amount > b.price.amount;
  });
  by_newest_ = sorted_by([](const catalog::Product& a, const catalog::Product& b) {
    return a.created_at > b.created_at;
  });

  all_ = EmptyTally(-1);
  for (size_t i = 0; i < products.size(); ++i) Count(i, all_);
}

FacetTally DocumentTables::EmptyTally(int children_depth) const {
  FacetTally t;
  t.top.assign(categories_.size() + 1, 0);
  t.brands.assign(brand_names_.size() + 1, 0);
  t.buckets.assign(256, 0);
  if (children_depth >= 0 && children_depth < max_depth_) {
    t.children_depth = children_depth;
    t.children.assign(categories_.size() + 1, 0);
  }
  return t;
}

Facets DocumentTables::ToFacets(const FacetTally& tally, size_t brand_limit,
                                const std::vector<int64_t>& price_bounds) const {
  Facets f;
  auto add_categories = [&](const std::vector<uint32_t>& counts) {
    const size_t begin = f.category.size();
    for (size_t code = 1; code < counts.size(); ++code) {
      if (counts[code] == 0) continue;
      const catalog::Category* c = categories_[code - 1];
      const catalog::Category* parent = catalog_.FindCategory(c->parent_id);
      f.category.push_back({c->slug, c->name, parent ? parent->slug : "", counts[code]});
    }
    std::sort(f.category.begin() + static_cast<std::ptrdiff_t>(begin), f.category.end(),
              [](const CategoryCount& a, const CategoryCount& b) {
                return a.count != b.count ? a.count > b.count : a.name < b.name;
              });
  };
  add_categories(tally.top);
  if (tally.children_depth >= 0) add_categories(tally.children);

  for (size_t code = 1; code < tally.brands.size(); ++code) {
    if (tally.brands[code] != 0) f.brand.push_back({brand_names_[code - 1], tally.brands[code]});
  }
  auto by_count = [](const BrandCount& a, const BrandCount& b) {
    return a.count != b.count ? a.count > b.count : a.name < b.name;
  };
  if (f.brand.size() > brand_limit) {
    std::partial_sort(f.brand.begin(), f.brand.begin() + static_cast<std::ptrdiff_t>(brand_limit),
                      f.brand.end(), by_count);
    f.brand.resize(brand_limit);
  } else {
    std::sort(f.brand.begin(), f.brand.end(), by_count);
  }

  for (size_t bucket = 0; bucket <= price_bounds.size(); ++bucket) {
    if (tally.buckets[bucket] == 0) continue;
    PriceBucketCount b;
    b.min = bucket == 0 ? 0 : price_bounds[bucket - 1];
    if (bucket < price_bounds.size()) b.max = price_bounds[bucket];
    b.count = tally.buckets[bucket];
    f.price.push_back(b);
  }
  return f;
}

const std::vector<uint32_t>& DocumentTables::BrowseOrder(SortOrder sort) const {
  switch (sort) {
    case SortOrder::kPriceAsc:
      return by_price_asc_;
    case SortOrder::kPriceDesc:
      return by_price_desc_;
    case SortOrder::kNewest:
      return by_newest_;
    case SortOrder::kRelevance:
      break;
  }
  return by_docid_;
}

}  // namespace atelier::search::internal
