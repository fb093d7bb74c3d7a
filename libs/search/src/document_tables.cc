#include "internal/document_tables.h"

#include <algorithm>
#include <iterator>
#include <unordered_map>
#include <utility>

#include "internal/schema.h"

namespace atelier::search::internal {

namespace {

// The sort orders of a browse: by a product key, ties by document index.
bool PriceAscending(const catalog::Product& a, const catalog::Product& b) {
  return a.price.amount < b.price.amount;
}
bool PriceDescending(const catalog::Product& a, const catalog::Product& b) {
  return a.price.amount > b.price.amount;
}
bool Newest(const catalog::Product& a, const catalog::Product& b) { return a.created_at > b.created_at; }

}  // namespace

// Category and brand codes of `catalog` and each category's path as codes.
struct DocumentTables::Codes {
  std::unordered_map<std::string, uint32_t> brand;
  std::unordered_map<int64_t, std::vector<uint32_t>> path;
};

DocumentTables::Codes DocumentTables::MakeCodes() {
  Codes codes;
  std::unordered_map<int64_t, uint32_t> category_code;
  for (const catalog::Category& c : catalog_.categories()) {
    categories_.push_back(&c);
    category_code[c.id] = static_cast<uint32_t>(categories_.size());
  }
  for (const std::string& b : catalog_.brands()) {
    brand_names_.push_back(b);
    codes.brand[b] = static_cast<uint32_t>(brand_names_.size());
  }
  // Category paths as codes, computed once per category (not per product).
  for (const catalog::Category& c : catalog_.categories()) {
    std::vector<uint32_t>& path = codes.path[c.id];
    for (const catalog::Category* step : catalog_.CategoryPath(c.id)) path.push_back(category_code[step->id]);
    max_depth_ = std::max(max_depth_, static_cast<int>(path.size()));
  }
  return codes;
}

void DocumentTables::FillRow(size_t index, const Codes& codes, const std::vector<int64_t>& price_bounds) {
  const size_t stride = static_cast<size_t>(max_depth_);
  std::fill_n(path_.begin() + static_cast<std::ptrdiff_t>(index * stride), stride, 0u);
  brand_[index] = 0;
  bucket_[index] = 0;
  if (documents_[index] < 0) return;
  const catalog::Product& p = product(index);
  if (auto it = codes.path.find(p.category_id); it != codes.path.end()) {
    std::copy(it->second.begin(), it->second.end(),
              path_.begin() + static_cast<std::ptrdiff_t>(index * stride));
  }
  if (!p.brand.empty()) brand_[index] = codes.brand.at(p.brand);
  bucket_[index] = static_cast<uint8_t>(PriceBucket(p.price.amount, price_bounds));
}

DocumentTables::DocumentTables(const catalog::CatalogSnapshot& catalog, std::vector<int32_t> documents,
                               const std::vector<int64_t>& price_bounds)
    : catalog_(catalog), documents_(std::move(documents)) {
  const Codes codes = MakeCodes();
  const size_t size = documents_.size();
  path_.assign(size * static_cast<size_t>(max_depth_), 0);
  brand_.assign(size, 0);
  bucket_.assign(size, 0);
  for (size_t i = 0; i < size; ++i) {
    FillRow(i, codes, price_bounds);
    if (documents_[i] >= 0) by_docid_.push_back(static_cast<uint32_t>(i));
  }
  auto sorted_by = [&](auto before) {
    std::vector<uint32_t> order = by_docid_;
    std::stable_sort(order.begin(), order.end(),
                     [&](uint32_t a, uint32_t b) { return before(product(a), product(b)); });
    return order;
  };
  by_price_asc_ = sorted_by(PriceAscending);
  by_price_desc_ = sorted_by(PriceDescending);
  by_newest_ = sorted_by(Newest);
  all_ = EmptyTally(-1);
  for (uint32_t i : by_docid_) Count(i, all_);
}

DocumentTables::DocumentTables(const DocumentTables& base, const catalog::CatalogSnapshot& catalog,
                               std::vector<int32_t> documents, const std::vector<uint32_t>& rewritten,
                               const std::vector<int64_t>& price_bounds)
    : catalog_(catalog), documents_(std::move(documents)) {
  const Codes codes = MakeCodes();
  const size_t size = documents_.size();
  std::vector<bool> is_rewritten(size, false);
  for (uint32_t i : rewritten) is_rewritten[i] = true;
  // The base's rows hold the same codes when the category tree and the
  // brands are the same; then only rewritten rows change.
  bool same_codes = max_depth_ == base.max_depth_ && brand_names_ == base.brand_names_ &&
                    categories_.size() == base.categories_.size();
  for (size_t c = 0; same_codes && c < categories_.size(); ++c) {
    same_codes = categories_[c]->id == base.categories_[c]->id &&
                 categories_[c]->parent_id == base.categories_[c]->parent_id;
  }
  if (same_codes) {
    path_ = base.path_;
    brand_ = base.brand_;
    bucket_ = base.bucket_;
    path_.resize(size * static_cast<size_t>(max_depth_), 0);
    brand_.resize(size, 0);
    bucket_.resize(size, 0);
    for (uint32_t i : rewritten) FillRow(i, codes, price_bounds);
  } else {
    path_.assign(size * static_cast<size_t>(max_depth_), 0);
    brand_.assign(size, 0);
    bucket_.assign(size, 0);
    for (size_t i = 0; i < size; ++i) FillRow(i, codes, price_bounds);
  }
  for (size_t i = 0; i < size; ++i) {
    if (documents_[i] >= 0) by_docid_.push_back(static_cast<uint32_t>(i));
  }
  // The base's orders without the rewritten documents, merged with those
  // sorted alone: the order a stable sort of every document gives (by key,
  // ties by index).
  std::vector<uint32_t> fresh;
  for (uint32_t i : rewritten) {
    if (documents_[i] >= 0) fresh.push_back(i);
  }
  auto merged = [&](const std::vector<uint32_t>& before_order, auto before) {
    auto less = [&](uint32_t a, uint32_t b) {
      if (before(product(a), product(b))) return true;
      if (before(product(b), product(a))) return false;
      return a < b;
    };
    std::vector<uint32_t> kept;
    kept.reserve(by_docid_.size());
    for (uint32_t i : before_order) {
      if (!is_rewritten[i]) kept.push_back(i);
    }
    std::vector<uint32_t> sorted = fresh;
    std::sort(sorted.begin(), sorted.end(), less);
    std::vector<uint32_t> order;
    order.reserve(by_docid_.size());
    std::merge(kept.begin(), kept.end(), sorted.begin(), sorted.end(), std::back_inserter(order), less);
    return order;
  };
  by_price_asc_ = merged(base.by_price_asc_, PriceAscending);
  by_price_desc_ = merged(base.by_price_desc_, PriceDescending);
  by_newest_ = merged(base.by_newest_, Newest);
  all_ = EmptyTally(-1);
  for (uint32_t i : by_docid_) Count(i, all_);
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
