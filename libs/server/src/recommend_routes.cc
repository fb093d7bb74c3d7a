// POST /api/v1/events, GET /api/v1/recommendations,
// GET /api/v1/products/{id}/recommendations, POST /api/v1/recommendations/basket,
// POST /api/v1/recommendations/feedback
//
// Recommendations come from services.recommender once one is published; until
// then (first start, training in the background) for-you answers from the
// store's recent purchase counts and the item-to-item routes from the
// bought-together table. Every list leaves out items out of stock everywhere
// (configurable products are built to order and always qualify) and the
// items the request is about (the product, the basket).
//
// Every list carries a `list_id` and its `surface`; the storefront reports
// back which lists it actually showed (impressions) and which of their items
// were clicked (feedback), so the dashboard can show click-through per
// surface. Served is not shown, so the server does not count its own answers.

#include <algorithm>
#include <array>
#include <boost/json/array.hpp>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "atelier/orders/checkout.h"
#include "atelier/server/auth.h"
#include "atelier/server/errors.h"
#include "atelier/server/json.h"
#include "atelier/server/params.h"
#include "atelier/server/routes.h"
#include "atelier/store/events.h"
#include "internal/catalog_json.h"

namespace atelier::server {

namespace {

namespace json = boost::json;

constexpr int64_t kDefaultK = 10;
constexpr int64_t kMaxK = 100;
constexpr size_t kMaxEventsPerBatch = 1000;
constexpr size_t kMaxIdLength = 128;
constexpr size_t kMaxQueryLength = 512;
constexpr int64_t kMaxQuantity = 10000;
// Events may be stamped up to this far in the future (clock skew).
constexpr int64_t kMaxClockSkewSeconds = 24 * 3600;
// The popularity fallback counts purchases this far back from the newest one.
constexpr int64_t kPopularWindowSeconds = 30 * 24 * 3600;
// Collaborative candidates looked at for "similar items" before the category
// filter.
constexpr size_t kSimilarCandidates = 300;

struct Ranked {
  const catalog::Product* product;
  double score;
  std::string reason;
};

// Up to `k` recommendable products from `fetch(n)` (candidates best first,
// at most n), leaving out `exclude` (product ids) and repeats. Fetches more
// while filtering leaves fewer than k and more candidates exist.
std::vector<Ranked> Collect(const catalog::CatalogSnapshot& catalog, const std::unordered_set<int64_t>& exclude,
                            size_t k, size_t max_candidates,
                            const std::function<std::vector<recommend::Recommendation>(size_t)>& fetch) {
  std::vector<Ranked> out;
  for (size_t n = 2 * k + exclude.size() + 8;; n *= 2) {
    out.clear();
    std::unordered_set<int64_t> seen;
    const std::vector<recommend::Recommendation> candidates = fetch(n);
    for (const recommend::Recommendation& r : candidates) {
      const catalog::Product* p = RecommendableProduct(catalog, r.item);
      if (p == nullptr || exclude.contains(p->id) || !seen.insert(p->id).second) continue;
      out.push_back({p, r.score, ShopperReason(catalog, r.reason)});
      if (out.size() == k) return out;
    }
    if (candidates.size() < n || n >= max_candidates) return out;
  }
}

// The bought-together table's answer for `product_ids` as candidates.
std::vector<recommend::Recommendation> FromTable(const Services& services, const catalog::CatalogSnapshot& catalog,
                                                 const std::vector<int64_t>& product_ids, size_t n) {
  std::vector<recommend::Recommendation> out;
  auto table = services.bought_together.Get();
  if (!table) return out;
  for (const Accessory& a : table->For(product_ids, static_cast<int>(n))) {
    if (const catalog::Product* p = catalog.FindProduct(a.product_id)) {
      out.push_back({p->sku, static_cast<float>(a.score), a.reason});
    }
  }
  return out;
}

// Items by purchases in the window before the newest purchase: the trending
// list until a recommender is published.
Result<std::vector<recommend::Recommendation>> StorePopular(store::Database& db, size_t n) {
  ATELIER_ASSIGN_OR_RETURN(
      auto rows, db.Query("SELECT item_id, COUNT(*) AS n FROM events WHERE type = 'purchase' AND ts >= "
                          "(SELECT COALESCE(MAX(ts), 0) FROM events WHERE type = 'purchase') - ? "
                          "GROUP BY item_id ORDER BY n DESC, item_id LIMIT ?",
                          {kPopularWindowSeconds, static_cast<int64_t>(n)}));
  std::vector<recommend::Recommendation> out;
  for (const store::Row& row : rows) {
    out.push_back({row.Text(0), static_cast<float>(row.Int(1)), "popular now"});
  }
  return out;
}

// A fresh id for one served list: 16 random hex digits after "rl_" (not a
// secret; it only ties a list's impression to its clicks).
std::string NewListId() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  static const char* kHex = "0123456789abcdef";
  std::string id = "rl_";
  uint64_t bits = random();
  for (int i = 0; i < 16; ++i, bits >>= 4) id.push_back(kHex[bits & 15]);
  return id;
}

Response ItemsResponse(const catalog::CatalogSnapshot& catalog, const std::vector<Ranked>& ranked,
                       std::string_view source, std::string_view surface) {
  json::array items;
  for (const Ranked& r : ranked) {
    json::object o = internal::ProductSummaryJson(catalog, *r.product);
    o["reason"] = r.reason;
    o["score"] = r.score;
    items.push_back(std::move(o));
  }
  json::object body;
  body["items"] = std::move(items);
  body["source"] = source;
  body["surface"] = surface;
  body["list_id"] = NewListId();
  return JsonResponse(body);
}

// The top-level category above `category_id` (itself when top-level; 0 when
// unknown).
int64_t TopCategoryOf(const catalog::CatalogSnapshot& catalog, int64_t category_id) {
  const std::vector<const catalog::Category*> path = catalog.CategoryPath(category_id);
  return path.empty() ? 0 : path.front()->id;
}

// "Similar items" are alternatives to `product`: things a shopper would buy
// instead of it, not beside it (that is bought-together's list). The
// collaborative candidates (`collaborative`, best first) are kept only when
// they share its category. Order: the collaborative candidates of the same
// leaf category; then, when fewer than `k`, the leaf category's other
// products, nearest in price first (a different brand counts as a small
// step), so a product without history still gets alternatives; then the
// collaborative candidates of the same top-level category.
using catalog::ProductFamily;

std::vector<Ranked> SimilarProducts(const catalog::CatalogSnapshot& catalog, const catalog::Product& product,
                                    const std::vector<recommend::Recommendation>& collaborative, size_t k) {
  const int64_t top = TopCategoryOf(catalog, product.category_id);
  std::vector<Ranked> same_leaf;
  std::vector<Ranked> same_top;
  std::unordered_set<int64_t> seen = {product.id};
  // One product per family, and none of the product's own variants: a
  // shopper looking for alternatives already sees the colours it comes in.
  std::unordered_set<std::string_view> families = {ProductFamily(product.title)};
  for (const recommend::Recommendation& r : collaborative) {
    const catalog::Product* p = RecommendableProduct(catalog, r.item);
    if (p == nullptr || !seen.insert(p->id).second || !families.insert(ProductFamily(p->title)).second) continue;
    if (p->category_id == product.category_id) {
      same_leaf.push_back({p, r.score, ShopperReason(catalog, r.reason)});
    } else if (top != 0 && TopCategoryOf(catalog, p->category_id) == top) {
      same_top.push_back({p, r.score, ShopperReason(catalog, r.reason)});
    }
  }
  std::vector<Ranked> out = std::move(same_leaf);
  if (out.size() >= k) {
    out.resize(k);
    return out;
  }

  const catalog::Category* category = catalog.FindCategory(product.category_id);
  const std::string reason = category != nullptr ? "also in " + category->name : "in the same category";
  const double price = std::max<double>(1.0, static_cast<double>(product.price.amount));
  std::vector<std::pair<double, const catalog::Product*>> fill;
  for (const catalog::Product& p : catalog.products()) {
    if (p.category_id != product.category_id || seen.contains(p.id)) continue;
    if (RecommendableProduct(catalog, p.sku) != &p) continue;
    // Distance in price as a ratio; a different brand counts as a 10% step.
    double distance = std::abs(std::log(std::max<double>(1.0, static_cast<double>(p.price.amount)) / price));
    if (p.brand != product.brand) distance += 0.1;
    fill.emplace_back(distance, &p);
  }
  std::sort(fill.begin(), fill.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second->id < b.second->id;
  });
  for (size_t i = 0; i < fill.size() && out.size() < k; ++i) {
    if (!families.insert(ProductFamily(fill[i].second->title)).second) continue;
    out.push_back({fill[i].second, 1.0 / (1.0 + fill[i].first), reason});
  }
  for (Ranked& r : same_top) {
    if (out.size() == k) break;
    out.push_back(std::move(r));
  }
  return out;
}

Response CatalogUnavailable() { return ErrorResponse(Error::Unavailable("the catalog is still loading")); }

// ---- Events ----

using store::EventRow;

// A string member of `o`: "" when absent or null (an error when `required`),
// kInvalidArgument naming `name` when not a string or longer than max_length.
Result<std::string> StringMember(const json::object& o, std::string_view name, bool required, size_t max_length) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr || v->is_null()) {
    if (required) return Error::InvalidArgument(std::string(name) + " is required", std::string(name));
    return std::string();
  }
  if (!v->is_string()) return Error::InvalidArgument(std::string(name) + " must be a string", std::string(name));
  std::string s(v->as_string());
  if (required && s.empty()) return Error::InvalidArgument(std::string(name) + " must not be empty", std::string(name));
  if (s.size() > max_length) {
    return Error::InvalidArgument(std::string(name) + " is longer than " + std::to_string(max_length) + " characters",
                                  std::string(name));
  }
  return s;
}

Result<EventRow> ParseEvent(const json::value& v, int64_t now) {
  if (!v.is_object()) return Error::InvalidArgument("an event must be an object", "event");
  const json::object& o = v.as_object();
  EventRow e;
  ATELIER_ASSIGN_OR_RETURN(e.event_id, StringMember(o, "event_id", true, kMaxIdLength));
  ATELIER_ASSIGN_OR_RETURN(e.type, StringMember(o, "type", true, 16));
  if (auto type = recommend::ParseEventType(e.type); !type.ok()) {
    return Error::InvalidArgument("type must be one of view, cart, purchase, search", "type");
  }
  const bool search = e.type == "search";
  ATELIER_ASSIGN_OR_RETURN(e.user_id, StringMember(o, "user_id", true, kMaxIdLength));
  ATELIER_ASSIGN_OR_RETURN(e.item_id, StringMember(o, "item_id", !search, kMaxIdLength));
  ATELIER_ASSIGN_OR_RETURN(e.basket_id, StringMember(o, "basket_id", false, kMaxIdLength));
  ATELIER_ASSIGN_OR_RETURN(e.quantity, IntMember(o, "quantity", 1, 1, kMaxQuantity));
  ATELIER_ASSIGN_OR_RETURN(e.query, StringMember(o, "query", search, kMaxQueryLength));
  ATELIER_ASSIGN_OR_RETURN(e.ts, IntMember(o, "ts", now, 1, now + kMaxClockSkewSeconds));
  return e;
}

// The batch: a JSON array of events, or {"events": [...]}.
Result<const json::array*> EventBatch(const json::value& body) {
  const json::array* batch = nullptr;
  if (body.is_array()) {
    batch = &body.as_array();
  } else if (body.is_object() && body.as_object().contains("events") && body.as_object().at("events").is_array()) {
    batch = &body.as_object().at("events").as_array();
  } else {
    return Error::InvalidArgument("expected an array of events or {\"events\": [...]}", "events");
  }
  if (batch->empty()) return Error::InvalidArgument("the batch holds no events", "events");
  if (batch->size() > kMaxEventsPerBatch) {
    return Error::TooLarge("at most " + std::to_string(kMaxEventsPerBatch) + " events per batch", "events");
  }
  return batch;
}

// Parses every entry of `batch` with `parse(value, now)`, stores the valid
// ones in one transaction with `insert(tx, row)` (the rows it stored: 0 for
// a repeat), and answers {accepted, stored, duplicates, rejected: [{index,
// field, message}]}: a bad entry never costs the good ones.
template <typename Parse, typename Insert>
Response StoreBatch(Services& services, const json::array& batch, Parse parse, Insert insert) {
  if (services.db == nullptr) return ErrorResponse(Error::Unavailable("the store is not open"));
  const int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  using Row = std::decay_t<decltype(*parse(std::declval<const json::value&>(), int64_t{0}))>;
  std::vector<Row> rows;
  json::array rejected;
  for (size_t i = 0; i < batch.size(); ++i) {
    auto row = parse(batch[i], now);
    if (row.ok()) {
      rows.push_back(std::move(*row));
      continue;
    }
    json::object r;
    r["index"] = static_cast<int64_t>(i);
    r["field"] = row.error().field;
    r["message"] = row.error().message;
    rejected.push_back(std::move(r));
  }
  int64_t stored = 0;
  if (!rows.empty()) {
    Status written = services.db->Transact([&](store::Session& tx) -> Status {
      stored = 0;  // the body may be retried
      for (const Row& row : rows) {
        ATELIER_ASSIGN_OR_RETURN(int64_t n, insert(tx, row));
        stored += n;
      }
      return Ok();
    });
    if (!written.ok()) return ErrorResponse(written.error());
  }
  json::object out;
  out["accepted"] = static_cast<int64_t>(rows.size());
  out["stored"] = stored;
  out["duplicates"] = static_cast<int64_t>(rows.size()) - stored;
  out["rejected"] = std::move(rejected);
  return JsonResponse(out);
}

Response PostEvents(Services& services, const Request& request) {
  auto body = ParseJsonBody(request);
  if (!body.ok()) return ErrorResponse(body.error());
  auto batch = EventBatch(*body);
  if (!batch.ok()) return ErrorResponse(batch.error());
  // A shop account's history is its own: an event for "acct:N" comes from
  // N's session, or from a merchant key with scope analytics (a back office
  // feeding its own records); anyone else could steer another shopper's
  // recommendations. Other user ids (a guest's visitor id, an imported
  // shop's ids) are taken as sent.
  std::string own;
  if (services.accounts) {
    if (auto session = OptionalSession(services, request)) own = orders::ShopperEventUser(session->account.id);
  }
  const bool merchant = RequireApiKey(services, request, orders::ApiScope::kAnalytics).ok();
  auto parse = [&](const json::value& v, int64_t now) -> Result<EventRow> {
    ATELIER_ASSIGN_OR_RETURN(EventRow e, ParseEvent(v, now));
    if (!merchant && e.user_id.rfind("acct:", 0) == 0 && e.user_id != own) {
      return Error{ErrorCode::kForbidden, "a shop account's events come from its own session", "user_id"};
    }
    return e;
  };
  return StoreBatch(services, **batch, parse, [](store::Session& tx, const EventRow& e) {
    return store::InsertEvents(tx, std::span<const EventRow>(&e, 1));
  });
}

// ---- Recommendations ----

Response ForUser(Services& services, const Request& request) {
  auto k = IntParam(request, "k", kDefaultK, 1, kMaxK);
  if (!k.ok()) return ErrorResponse(k.error());
  std::string user = TextParam(request, "user");
  // A shop account's history is its own: "acct:N" (orders::ShopperEventUser)
  // only for N's session, which is also the default when no user is named.
  const bool account_user = user.rfind("acct:", 0) == 0;
  if ((user.empty() || account_user) && services.accounts) {
    auto session = OptionalSession(services, request);
    const std::string own = session ? orders::ShopperEventUser(session->account.id) : std::string();
    if (account_user && user != own) {
      return ErrorResponse(Error{ErrorCode::kForbidden, "a shop account's recommendations are for its own session",
                                 "user"});
    }
    user = own;
  }
  auto catalog = services.catalog.Get();
  if (!catalog) return CatalogUnavailable();
  const size_t want = static_cast<size_t>(*k);

  if (auto rec = services.recommender.Get()) {
    auto ranked = Collect(*catalog, {}, want, rec->num_items(),
                          [&](size_t n) { return rec->ForUser(user, n); });
    return ItemsResponse(*catalog, ranked, "recommender", "for_you");
  }
  if (services.db == nullptr) return ItemsResponse(*catalog, {}, "popularity", "for_you");
  Status failed = Ok();
  auto ranked = Collect(*catalog, {}, want, catalog->products().size(), [&](size_t n) {
    auto popular = StorePopular(*services.db, n);
    if (popular.ok()) return std::move(*popular);
    failed = popular.error();
    return std::vector<recommend::Recommendation>{};
  });
  if (!failed.ok()) return ErrorResponse(failed.error());
  return ItemsResponse(*catalog, ranked, "popularity", "for_you");
}

// A product's bought-together list past its associations: the recommender
// fills with what sells everywhere ("popular now"), which on a dog food's
// page is coffee and crackers. Those fill items give way to what sells in
// the product's own department, outside its own category and product
// family (its substitutes are "similar items"): "popular in Pet Food &
// Supplies". Associated items keep their places.
std::vector<Ranked> WithDepartmentFill(const catalog::CatalogSnapshot& catalog, const recommend::Recommender& rec,
                                       const catalog::Product& product, std::vector<Ranked> ranked, size_t k) {
  const int64_t top = TopCategoryOf(catalog, product.category_id);
  const catalog::Category* department = catalog.FindCategory(top);
  if (department == nullptr) return ranked;
  std::erase_if(ranked, [](const Ranked& r) { return r.reason == "popular now" || r.reason == "trending"; });
  if (ranked.size() >= k) return ranked;
  std::unordered_set<int64_t> seen = {product.id};
  std::unordered_set<std::string_view> families = {ProductFamily(product.title)};
  for (const Ranked& r : ranked) {
    seen.insert(r.product->id);
    families.insert(ProductFamily(r.product->title));
  }
  const std::string reason = "popular in " + department->name;
  // The trending list, best first, read in growing slices: a large
  // department fills from its first few dozen items; a small one reads
  // further down (each slice ranks anew; only its new part is looked at).
  std::unordered_map<int64_t, bool> in_department;  // by category id
  size_t looked = 0;
  for (size_t n = 16 * k;; n *= 2) {
    const std::vector<recommend::Recommendation> trending = rec.BoughtTogether({}, std::min(n, rec.num_items()));
    for (; looked < trending.size(); ++looked) {
      const catalog::Product* p = RecommendableProduct(catalog, trending[looked].item);
      if (p == nullptr || p->category_id == product.category_id) continue;
      auto [at, added] = in_department.try_emplace(p->category_id, false);
      if (added) at->second = TopCategoryOf(catalog, p->category_id) == top;
      if (!at->second || !seen.insert(p->id).second || !families.insert(ProductFamily(p->title)).second) continue;
      ranked.push_back({p, 0.0, reason});
      if (ranked.size() == k) return ranked;
    }
    if (trending.size() < n || n >= rec.num_items()) return ranked;
  }
}

Response ForProduct(Services& services, const Request& request) {
  auto id = PathIdParam(request, "id");
  if (!id.ok()) return ErrorResponse(id.error());
  auto kind = EnumParam(request, "kind", "similar", {"similar", "bought-together"});
  if (!kind.ok()) return ErrorResponse(kind.error());
  auto k = IntParam(request, "k", kDefaultK, 1, kMaxK);
  if (!k.ok()) return ErrorResponse(k.error());
  auto catalog = services.catalog.Get();
  if (!catalog) return CatalogUnavailable();
  const catalog::Product* product = catalog->FindProduct(*id);
  if (product == nullptr) return ErrorResponse(Error::NotFound("no product with id " + std::to_string(*id), "id"));

  const std::unordered_set<int64_t> exclude = {product->id};
  const size_t want = static_cast<size_t>(*k);
  auto rec = services.recommender.Get();
  if (*kind == "similar") {
    std::vector<recommend::Recommendation> collaborative;
    if (rec) {
      // A product without any history has no collaborative neighbours.
      auto similar = rec->Similar(product->sku, kSimilarCandidates);
      if (similar.ok()) collaborative = std::move(*similar);
    }
    return ItemsResponse(*catalog, SimilarProducts(*catalog, *product, collaborative, want),
                         rec ? "recommender" : "catalog", "similar");
  }
  if (rec) {
    auto ranked = Collect(*catalog, exclude, want, rec->num_items(),
                          [&](size_t n) { return rec->BoughtTogether(std::span(&product->sku, 1), n); });
    return ItemsResponse(*catalog, WithDepartmentFill(*catalog, *rec, *product, std::move(ranked), want),
                         "recommender", "bought_together");
  }
  auto ranked = Collect(*catalog, exclude, want, catalog->products().size(),
                        [&](size_t n) { return FromTable(services, *catalog, {product->id}, n); });
  return ItemsResponse(*catalog, ranked, "bought-together-table", "bought_together");
}

Response ForBasket(Services& services, const Request& request) {
  auto body = ParseJsonBody(request);
  if (!body.ok()) return ErrorResponse(body.error());
  if (!body->is_object()) return ErrorResponse(Error::InvalidArgument("expected {\"items\": [...], \"k\": 10}", "body"));
  const json::object& o = body->as_object();
  const json::value* items = o.if_contains("items");
  if (items == nullptr || !items->is_array()) {
    return ErrorResponse(Error::InvalidArgument("items must be an array of SKUs", "items"));
  }
  if (items->as_array().size() > kMaxEventsPerBatch) {
    return ErrorResponse(Error::TooLarge("at most " + std::to_string(kMaxEventsPerBatch) + " items", "items"));
  }
  auto k = IntMember(o, "k", kDefaultK, 1, kMaxK);
  if (!k.ok()) return ErrorResponse(k.error());
  auto catalog = services.catalog.Get();
  if (!catalog) return CatalogUnavailable();

  std::vector<std::string> skus;
  std::vector<int64_t> product_ids;
  std::unordered_set<int64_t> exclude;
  for (size_t i = 0; i < items->as_array().size(); ++i) {
    const json::value& item = items->as_array()[i];
    if (!item.is_string() || item.as_string().empty()) {
      return ErrorResponse(Error::InvalidArgument("items[" + std::to_string(i) + "] must be a SKU", "items"));
    }
    std::string sku(item.as_string());
    // Basket items resolve like events' items (SKU, else product id),
    // whether or not they are in stock.
    const catalog::Product* p = catalog->FindProductBySku(sku);
    if (p == nullptr) {
      int64_t pid = 0;
      auto [end, ec] = std::from_chars(sku.data(), sku.data() + sku.size(), pid);
      if (ec == std::errc() && end == sku.data() + sku.size()) p = catalog->FindProduct(pid);
    }
    if (p != nullptr) {
      exclude.insert(p->id);
      product_ids.push_back(p->id);
      sku = p->sku;
    }
    skus.push_back(std::move(sku));
  }

  const size_t want = static_cast<size_t>(*k);
  if (auto rec = services.recommender.Get()) {
    auto ranked = Collect(*catalog, exclude, want, rec->num_items(),
                          [&](size_t n) { return rec->BoughtTogether(skus, n); });
    return ItemsResponse(*catalog, ranked, "recommender", "basket");
  }
  auto ranked = Collect(*catalog, exclude, want, catalog->products().size(),
                        [&](size_t n) { return FromTable(services, *catalog, product_ids, n); });
  return ItemsResponse(*catalog, ranked, "bought-together-table", "basket");
}


// ---- Feedback: impressions and clicks ----

// Where a list was shown: the four lists above, and search's accessories
// strip (whose list ids the storefront makes itself).
constexpr std::array<std::string_view, 5> kSurfaces = {"for_you", "similar", "bought_together", "basket",
                                                       "accessories"};
constexpr size_t kMaxFeedbackPerBatch = 100;
constexpr size_t kMaxItemsPerList = kMaxK;

struct FeedbackRow {
  bool click = false;
  std::string list_id, surface, item_id;
  int64_t items = 0;     // impression: how many items the list showed
  int64_t position = 0;  // click: the item's place in the list, from 0
  int64_t ts = 0;
};

bool IsListId(std::string_view id) {
  if (id.size() < 8 || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

Result<FeedbackRow> ParseFeedback(const json::value& v, int64_t now) {
  if (!v.is_object()) return Error::InvalidArgument("an impression or click must be an object", "event");
  const json::object& o = v.as_object();
  FeedbackRow f;
  ATELIER_ASSIGN_OR_RETURN(std::string type, StringMember(o, "type", true, 16));
  if (type != "impression" && type != "click") {
    return Error::InvalidArgument("type must be impression or click", "type");
  }
  f.click = type == "click";
  ATELIER_ASSIGN_OR_RETURN(f.list_id, StringMember(o, "list_id", true, 64));
  if (!IsListId(f.list_id)) {
    return Error::InvalidArgument("list_id must be 8 to 64 letters, digits, '_' or '-' (the list's list_id)",
                                  "list_id");
  }
  ATELIER_ASSIGN_OR_RETURN(f.surface, StringMember(o, "surface", true, 32));
  if (std::find(kSurfaces.begin(), kSurfaces.end(), f.surface) == kSurfaces.end()) {
    return Error::InvalidArgument("surface must be one of for_you, similar, bought_together, basket, accessories",
                                  "surface");
  }
  if (f.click) {
    ATELIER_ASSIGN_OR_RETURN(f.item_id, StringMember(o, "item_id", true, kMaxIdLength));
    ATELIER_ASSIGN_OR_RETURN(f.position, IntMember(o, "position", 0, 0, kMaxK - 1));
  } else {
    const json::value* items = o.if_contains("items");
    if (items == nullptr || !items->is_int64() || items->as_int64() < 1 ||
        items->as_int64() > static_cast<int64_t>(kMaxItemsPerList)) {
      return Error::InvalidArgument("items must be the number of items shown, 1 to " + std::to_string(kMaxItemsPerList),
                                    "items");
    }
    f.items = items->as_int64();
  }
  ATELIER_ASSIGN_OR_RETURN(f.ts, IntMember(o, "ts", now, 1, now + kMaxClockSkewSeconds));
  return f;
}

// Impressions count once per list (a page re-rendering the same list is not
// a second impression) and clicks once per list and item.
Response PostFeedback(Services& services, const Request& request) {
  auto body = ParseJsonBody(request);
  if (!body.ok()) return ErrorResponse(body.error());
  const json::array* batch = nullptr;
  if (body->is_object() && body->as_object().contains("events") && body->as_object().at("events").is_array()) {
    batch = &body->as_object().at("events").as_array();
  } else {
    return ErrorResponse(Error::InvalidArgument("expected {\"events\": [...]}", "events"));
  }
  if (batch->empty()) return ErrorResponse(Error::InvalidArgument("the batch holds nothing", "events"));
  if (batch->size() > kMaxFeedbackPerBatch) {
    return ErrorResponse(
        Error::TooLarge("at most " + std::to_string(kMaxFeedbackPerBatch) + " impressions and clicks per batch", "events"));
  }
  return StoreBatch(services, *batch, ParseFeedback, [](store::Session& tx, const FeedbackRow& f) {
    return f.click ? tx.Exec("INSERT INTO rec_clicks (list_id, item_id, surface, position, ts) VALUES (?, ?, ?, ?, ?) "
                             "ON CONFLICT (list_id, item_id) DO NOTHING",
                             {f.list_id, f.item_id, f.surface, f.position, f.ts})
                   : tx.Exec("INSERT INTO rec_impressions (list_id, surface, items, ts) VALUES (?, ?, ?, ?) "
                             "ON CONFLICT (list_id) DO NOTHING",
                             {f.list_id, f.surface, f.items, f.ts});
  });
}

}  // namespace

void RegisterRecommendRoutes(Router& router, Services& services) {
  router.Post("/api/v1/events", [&services](Request& request) { return PostEvents(services, request); });
  router.Get("/api/v1/recommendations", [&services](Request& request) { return ForUser(services, request); });
  router.Get("/api/v1/products/{id}/recommendations",
             [&services](Request& request) { return ForProduct(services, request); });
  router.Post("/api/v1/recommendations/basket",
              [&services](Request& request) { return ForBasket(services, request); });
  router.Post("/api/v1/recommendations/feedback",
              [&services](Request& request) { return PostFeedback(services, request); });
}

}  // namespace atelier::server
