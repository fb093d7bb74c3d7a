// GET /api/v1/search

#include <boost/json/array.hpp>

#include "atelier/core/strings.h"
#include "atelier/server/errors.h"
#include "atelier/server/json.h"
#include "atelier/server/params.h"
#include "atelier/server/routes.h"
#include "internal/catalog_json.h"

namespace atelier::server {

namespace {

namespace json = boost::json;

// How many top results the accessories are computed from, and how many are
// returned.
constexpr size_t kAccessorySeeds = 5;
constexpr int kAccessoryCount = 6;

Result<search::SearchRequest> ParseSearchRequest(const Request& request) {
  search::SearchRequest out;
  out.query = std::string(request.Query("q").value_or(""));
  out.category = TextParam(request, "category");
  // Brands as repeated parameters and/or comma-separated lists.
  for (const auto& [key, value] : request.query) {
    if (key != "brand") continue;
    for (const std::string& b : Split(value, ',')) {
      if (!Trim(b).empty()) out.brands.emplace_back(Trim(b));
    }
  }
  ATELIER_ASSIGN_OR_RETURN(out.min_price, MoneyParam(request, "min_price"));
  ATELIER_ASSIGN_OR_RETURN(out.max_price, MoneyParam(request, "max_price"));
  if (out.min_price && out.max_price && *out.min_price > *out.max_price) {
    return Error::InvalidArgument("min_price must not exceed max_price", "min_price");
  }
  ATELIER_ASSIGN_OR_RETURN(std::string sort,
                           EnumParam(request, "sort", "relevance", {"relevance", "price_asc", "price_desc", "newest"}));
  ATELIER_ASSIGN_OR_RETURN(out.sort, search::ParseSortOrder(sort));
  ATELIER_ASSIGN_OR_RETURN(PageParams page, PageParamsOf(request, 20, 100));
  out.page = page.page;
  out.per_page = page.per_page;
  return out;
}

json::object FacetsJson(const search::Facets& facets, const std::string& currency) {
  json::array categories;
  for (const auto& c : facets.category) {
    json::object o;
    o["slug"] = c.slug;
    o["name"] = c.name;
    o["parent_slug"] = c.parent_slug.empty() ? json::value(nullptr) : json::value(c.parent_slug);
    o["count"] = c.count;
    categories.push_back(std::move(o));
  }
  json::array brands;
  for (const auto& b : facets.brand) {
    json::object o;
    o["name"] = b.name;
    o["count"] = b.count;
    brands.push_back(std::move(o));
  }
  json::array prices;
  for (const auto& p : facets.price) {
    json::object o;
    o["min"] = MoneyJson({p.min, currency});
    o["max"] = p.max ? json::value(MoneyJson({*p.max, currency})) : json::value(nullptr);
    o["count"] = p.count;
    prices.push_back(std::move(o));
  }
  json::object out;
  out["category"] = std::move(categories);
  out["brand"] = std::move(brands);
  out["price"] = std::move(prices);
  return out;
}

}  // namespace

void RegisterSearchRoutes(Router& router, Services& services) {
  router.Get("/api/v1/search", [&services](Request& request) {
    auto parsed = ParseSearchRequest(request);
    if (!parsed.ok()) return ErrorResponse(parsed.error());
    auto index = services.search.Get();
    if (!index) return ErrorResponse(Error::Unavailable("the search index is still being built"));
    auto result = index->Search(*parsed);
    if (!result.ok()) return ErrorResponse(result.error());
    // The snapshot holding every hit, with the freshest stock it can have.
    const std::shared_ptr<const catalog::CatalogSnapshot> resolved =
        index->CatalogFor(services.catalog.Get());
    const catalog::CatalogSnapshot& catalog = *resolved;

    json::array items;
    std::vector<int64_t> seeds;
    std::string currency = "USD";
    for (const search::SearchHit& hit : result->items) {
      const catalog::Product* p = catalog.FindProduct(hit.product_id);
      if (p == nullptr) continue;  // cannot happen: the index was built from this catalog
      if (seeds.empty()) currency = p->price.currency;
      if (seeds.size() < kAccessorySeeds) seeds.push_back(p->id);
      json::object o = internal::ProductSummaryJson(catalog, *p);
      o["highlighted_title"] = hit.highlighted_title;
      o["score"] = hit.score;
      items.push_back(std::move(o));
    }

    std::vector<Accessory> accessories;
    if (!seeds.empty()) {
      if (services.accessories) {
        accessories = services.accessories(seeds, kAccessoryCount);
      } else if (auto table = services.bought_together.Get()) {
        accessories = table->For(seeds, kAccessoryCount);
      }
    }
    json::array accessory_items;
    for (const Accessory& a : accessories) {
      const catalog::Product* p = catalog.FindProduct(a.product_id);
      if (p == nullptr) continue;  // the provider knows a product this snapshot does not
      json::object o = internal::ProductSummaryJson(catalog, *p);
      o["reason"] = a.reason;
      o["score"] = a.score;
      accessory_items.push_back(std::move(o));
    }

    json::object body;
    body["query"] = parsed->query;
    body["items"] = std::move(items);
    body["total"] = result->total;
    body["page"] = result->page;
    body["per_page"] = result->per_page;
    body["facets"] = FacetsJson(result->facets, currency);
    body["suggestion"] = result->suggestion ? json::value(*result->suggestion) : json::value(nullptr);
    body["corrected"] = result->corrected;
    body["relaxed"] = result->relaxed;
    body["accessories"] = std::move(accessory_items);
    return JsonResponse(body);
  });
}

}  // namespace atelier::server
