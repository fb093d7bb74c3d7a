// GET /api/v1/categories, /api/v1/products, /api/v1/products/{id}

#include <atomic>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <memory>

#include "atelier/server/errors.h"
#include "atelier/server/json.h"
#include "atelier/server/params.h"
#include "atelier/server/routes.h"
#include "internal/catalog_json.h"

namespace atelier::server {

namespace {

namespace json = boost::json;

// Serialized product JSON, built lazily once per product per catalog
// snapshot: a product page is the hottest read and its JSON only changes
// with the snapshot. Slots are filled with a compare-and-swap, so readers
// never wait for each other.
class ProductJsonCache {
 public:
  explicit ProductJsonCache(std::shared_ptr<const catalog::CatalogSnapshot> catalog)
      : catalog_(std::move(catalog)), slots_(new std::atomic<const std::string*>[catalog_->products().size()]) {
    for (size_t i = 0; i < catalog_->products().size(); ++i) slots_[i].store(nullptr, std::memory_order_relaxed);
  }
  ~ProductJsonCache() {
    for (size_t i = 0; i < catalog_->products().size(); ++i) delete slots_[i].load(std::memory_order_relaxed);
  }
  ProductJsonCache(const ProductJsonCache&) = delete;
  ProductJsonCache& operator=(const ProductJsonCache&) = delete;

  const catalog::CatalogSnapshot* catalog() const { return catalog_.get(); }

  // REQUIRES: `product` belongs to catalog().
  const std::string& Get(const catalog::Product& product) const {
    const size_t index = static_cast<size_t>(&product - catalog_->products().data());
    std::atomic<const std::string*>& slot = slots_[index];
    if (const std::string* cached = slot.load(std::memory_order_acquire)) return *cached;
    auto* built = new std::string(json::serialize(internal::ProductJson(*catalog_, product)));
    const std::string* expected = nullptr;
    if (slot.compare_exchange_strong(expected, built, std::memory_order_acq_rel)) return *built;
    delete built;  // another thread won; theirs is identical
    return *expected;
  }

 private:
  std::shared_ptr<const catalog::CatalogSnapshot> catalog_;
  std::unique_ptr<std::atomic<const std::string*>[]> slots_;
};

json::array CategoryTree(const catalog::CatalogSnapshot& catalog, const std::vector<const catalog::Category*>& level,
                         int depth) {
  json::array out;
  for (const catalog::Category* c : level) {
    json::object o = internal::CategoryRefJson(*c);
    o["parent_id"] = c->parent_id == 0 ? json::value(nullptr) : json::value(c->parent_id);
    o["product_count"] = static_cast<int64_t>(catalog.ProductCountInTree(c->id));
    // Depth guard against a cycle in bad data.
    o["children"] = depth < 32 ? CategoryTree(catalog, catalog.Children(c->id), depth + 1) : json::array();
    out.push_back(std::move(o));
  }
  return out;
}

Response CatalogUnavailable() { return ErrorResponse(Error::Unavailable("the catalog is still loading")); }

}  // namespace

void RegisterCatalogRoutes(Router& router, Services& services) {
  router.Get("/api/v1/categories", [&services](Request&) {
    auto catalog = services.catalog.Get();
    if (!catalog) return CatalogUnavailable();
    json::object body;
    body["categories"] = CategoryTree(*catalog, catalog->TopCategories(), 0);
    body["catalog_version"] = catalog->version();
    return JsonResponse(body);
  });

  router.Get("/api/v1/products", [&services](Request& request) {
    auto catalog = services.catalog.Get();
    if (!catalog) return CatalogUnavailable();
    auto page = PageParamsOf(request);
    if (!page.ok()) return ErrorResponse(page.error());
    const std::string slug = TextParam(request, "category");
    const catalog::Category* category = nullptr;
    if (!slug.empty()) {
      category = catalog->FindCategoryBySlug(slug);
      if (category == nullptr) {
        return ErrorResponse(Error::InvalidArgument("no category with slug \"" + slug + "\"", "category"));
      }
    }
    const int64_t first = static_cast<int64_t>(page->page - 1) * page->per_page;
    int64_t total = 0;
    json::array items;
    for (const catalog::Product& p : catalog->products()) {
      if (category != nullptr && !catalog->InCategory(p.category_id, category->id)) continue;
      if (total >= first && total < first + page->per_page) {
        items.push_back(internal::ProductSummaryJson(*catalog, p));
      }
      ++total;
    }
    json::object body;
    body["items"] = std::move(items);
    body["total"] = total;
    body["page"] = page->page;
    body["per_page"] = page->per_page;
    return JsonResponse(body);
  });

  auto cache_holder = std::make_shared<SnapshotHolder<ProductJsonCache>>();
  router.Get("/api/v1/products/{id}", [&services, cache_holder](Request& request) {
    auto catalog = services.catalog.Get();
    if (!catalog) return CatalogUnavailable();
    auto id = PathIdParam(request, "id");
    if (!id.ok()) return ErrorResponse(id.error());
    const catalog::Product* product = catalog->FindProduct(*id);
    if (product == nullptr) {
      return ErrorResponse(Error::NotFound("no product with id " + std::to_string(*id), "id"));
    }
    auto cache = cache_holder->Get();
    if (!cache || cache->catalog() != catalog.get()) {
      // A new snapshot: start its cache. Two threads may both do this; the
      // loser's few entries are simply rebuilt.
      cache = std::make_shared<ProductJsonCache>(catalog);
      cache_holder->Publish(cache);
    }
    return JsonText(cache->Get(*product));
  });
}

}  // namespace atelier::server
