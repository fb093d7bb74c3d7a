// The merchant dashboard's API: stock and product edits, locations, model
// validation, recommender reload and analytics (admin_routes.h).

#include "atelier/server/admin_routes.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <spdlog/spdlog.h>
#include <unordered_map>
#include <unordered_set>

#include "atelier/catalog/catalog_store.h"
#include "atelier/config/compiled_model.h"
#include "atelier/config/model_store.h"
#include "atelier/config/parser.h"
#include "atelier/core/strings.h"
#include "atelier/orders/types.h"
#include "atelier/server/auth.h"
#include "atelier/server/errors.h"
#include "atelier/server/json.h"
#include "atelier/server/params.h"
#include "atelier/core/clock.h"
#include "atelier/store/change_feed.h"

namespace atelier::server {

namespace {

namespace json = boost::json;

constexpr int64_t kSecondsPerDay = 86400;
// A model sent for validation larger than this is refused (413).
constexpr size_t kMaxModelBytes = 256 * 1024;
// Budgets for compiling a model sent for validation: a hostile model falls
// back to the SAT engine (count unknown) instead of holding a worker.
constexpr int64_t kValidateBddNodes = 1'000'000;
constexpr double kValidateBddSeconds = 2.0;
// Baskets larger than this say little about pairs (as in BoughtTogether).
constexpr size_t kMaxBasket = 50;
constexpr char kModelFileName[] = "model.yaml";

// Runs `handler` only for a key with `scope`.
Handler WithScope(Services& services, orders::ApiScope scope, std::function<Response(Request&)> handler) {
  return [&services, scope, handler = std::move(handler)](Request& request) {
    if (!services.accounts)
      return ErrorResponse(Error::Unavailable("merchant API keys are not available yet"));
    auto key = RequireApiKey(services, request, scope);
    if (!key.ok()) return ErrorResponse(key.error());
    return handler(request);
  };
}

Response CatalogUnavailable() { return ErrorResponse(Error::Unavailable("the catalog is still loading")); }

int64_t DayOf(int64_t unix_seconds) {
  return unix_seconds >= 0 ? unix_seconds / kSecondsPerDay
                           : (unix_seconds - kSecondsPerDay + 1) / kSecondsPerDay;
}

json::object ProductRef(const catalog::Product& p) {
  json::object o;
  o["id"] = p.id;
  o["sku"] = p.sku;
  o["title"] = p.title;
  return o;
}

// Resolves event and order items to catalog products: a SKU, a product id,
// or (order lines of configured products) a model id.
class ProductResolver {
 public:
  explicit ProductResolver(const catalog::CatalogSnapshot& catalog) : catalog_(catalog) {
    for (const catalog::Product& p : catalog.products()) {
      if (!p.model_id.empty()) by_model_.emplace(p.model_id, &p);
    }
  }

  const catalog::Product* Item(std::string_view item_id) const {
    if (const catalog::Product* p = catalog_.FindProductBySku(item_id)) return p;
    if (std::optional<int64_t> id = ParseInt(item_id)) return catalog_.FindProduct(*id);
    return nullptr;
  }

  const catalog::Product* Model(const std::string& model_id) const {
    auto it = by_model_.find(model_id);
    return it == by_model_.end() ? nullptr : it->second;
  }

  const catalog::Product* Line(int64_t product_id, std::string_view sku, const std::string& model_id) const {
    if (product_id > 0) {
      if (const catalog::Product* p = catalog_.FindProduct(product_id)) return p;
    }
    if (!sku.empty()) {
      if (const catalog::Product* p = catalog_.FindProductBySku(sku)) return p;
    }
    return model_id.empty() ? nullptr : Model(model_id);
  }

  // The name of the product's top-level category ("Other" when unknown).
  const std::string& TopCategory(const catalog::Product& p) {
    auto [it, inserted] = top_category_.try_emplace(p.category_id);
    if (inserted) {
      std::vector<const catalog::Category*> path = catalog_.CategoryPath(p.category_id);
      it->second = path.empty() ? std::string("Other") : path.front()->name;
    }
    return it->second;
  }

 private:
  const catalog::CatalogSnapshot& catalog_;
  std::unordered_map<std::string, const catalog::Product*> by_model_;
  std::unordered_map<int64_t, std::string> top_category_;  // category id -> top-level name
};

// ---- stock and locations --------------------------------------------------

json::object LocationJson(const catalog::Location& l) {
  json::object o;
  o["id"] = l.id;
  o["code"] = l.code;
  o["name"] = l.name;
  o["type"] = catalog::LocationTypeName(l.type);
  o["region"] = l.region;
  return o;
}

Response Locations(Services& services) {
  auto catalog = services.catalog.Get();
  if (!catalog) return CatalogUnavailable();
  std::unordered_map<int64_t, std::pair<int64_t, int64_t>> totals;  // location -> (units, stock rows)
  for (const catalog::Product& p : catalog->products()) {
    for (const catalog::StockUnit* u : catalog->StockOf(p.id)) {
      auto& t = totals[u->location_id];
      t.first += u->quantity;
      t.second += 1;
    }
  }
  json::array items;
  for (const catalog::Location& l : catalog->locations()) {
    json::object o = LocationJson(l);
    o["units"] = totals[l.id].first;
    o["stock_rows"] = totals[l.id].second;
    items.push_back(std::move(o));
  }
  json::object body;
  body["locations"] = std::move(items);
  return JsonResponse(body);
}

// One stock unit as GET /api/v1/admin/stock lists it.
json::object StockRowJson(json::object product, const catalog::StockUnit& u, const catalog::Location* at) {
  json::object o;
  o["stock_unit_id"] = u.id;
  o["product"] = std::move(product);
  o["location"] = at ? json::value(at->code) : json::value(nullptr);
  o["location_name"] = at ? json::value(at->name) : json::value(nullptr);
  o["quantity"] = u.quantity;
  if (u.configuration.empty()) {
    o["configuration"] = nullptr;
  } else {
    boost::system::error_code ec;
    json::value parsed = json::parse(u.configuration, ec);
    o["configuration"] = ec ? json::value(u.configuration) : parsed;
  }
  return o;
}

Response Stock(Services& services, const Request& request) {
  auto catalog = services.catalog.Get();
  if (!catalog) return CatalogUnavailable();
  auto page = PageParamsOf(request, 50, 200);
  if (!page.ok()) return ErrorResponse(page.error());
  const std::string code = TextParam(request, "location");
  const catalog::Location* location = nullptr;
  if (!code.empty()) {
    for (const catalog::Location& l : catalog->locations()) {
      if (l.code == code) location = &l;
    }
    if (location == nullptr) {
      return ErrorResponse(Error::InvalidArgument("no location with code \"" + code + "\"", "location"));
    }
  }
  const std::string q = ToLower(TextParam(request, "q"));
  const int64_t first = static_cast<int64_t>(page->page - 1) * page->per_page;
  int64_t total = 0;
  int64_t units = 0;
  json::array items;
  for (const catalog::Product& p : catalog->products()) {
    if (!q.empty() && ToLower(p.title).find(q) == std::string::npos &&
        ToLower(p.sku).find(q) == std::string::npos) {
      continue;
    }
    for (const catalog::StockUnit* u : catalog->StockOf(p.id)) {
      if (location != nullptr && u->location_id != location->id) continue;
      units += u->quantity;
      if (total >= first && total < first + page->per_page) {
        items.push_back(StockRowJson(ProductRef(p), *u, catalog->FindLocation(u->location_id)));
      }
      ++total;
    }
  }
  json::object body;
  body["items"] = std::move(items);
  body["total"] = total;
  body["units"] = units;
  body["page"] = page->page;
  body["per_page"] = page->per_page;
  return JsonResponse(body);
}

// The largest quantity a stock unit may hold, and the largest delta.
constexpr int64_t kMaxUnits = 1'000'000'000;

// A string member, or nullopt when absent or null. Errors: kInvalidArgument
// naming `field` when it is not a string.
Result<std::optional<std::string>> OptionalString(const json::object& o, std::string_view name,
                                                  const std::string& field) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr || v->is_null()) return std::optional<std::string>();
  if (!v->is_string()) return Error::InvalidArgument(field + " must be a string", field);
  return std::optional<std::string>(std::string(v->as_string()));
}

// POST /api/v1/admin/stock: {"sku" | "product_id", "location"} or
// {"stock_unit_id"}, with "units" (the new quantity) and/or "delta". The
// answer is the unit as stored; this replica's snapshots and every other
// replica's follow through the store's change feed.
Response ChangeStock(Services& services, const Request& request) {
  if (services.db == nullptr) return ErrorResponse(Error::Unavailable("the store is not open"));
  auto body = ParseJsonBody(request);
  if (!body.ok()) return ErrorResponse(body.error());
  if (!body->is_object()) return ErrorResponse(Error::InvalidArgument("expected a JSON object", "body"));
  const json::object& o = body->as_object();
  auto catalog = services.catalog.Get();
  if (!catalog) return CatalogUnavailable();

  catalog::StockChange change;
  auto unit_id = IntMember(o, "stock_unit_id", 0, 1, INT64_MAX);
  if (!unit_id.ok()) return ErrorResponse(unit_id.error());
  change.stock_unit_id = *unit_id;
  if (change.stock_unit_id == 0) {
    auto sku = OptionalString(o, "sku", "sku");
    if (!sku.ok()) return ErrorResponse(sku.error());
    auto product_id = IntMember(o, "product_id", 0, 1, INT64_MAX);
    if (!product_id.ok()) return ErrorResponse(product_id.error());
    if (*sku) {
      change.sku = **sku;
    } else if (*product_id > 0) {
      const catalog::Product* p = catalog->FindProduct(*product_id);
      if (p == nullptr) {
        return ErrorResponse(Error::NotFound("no product " + std::to_string(*product_id), "product_id"));
      }
      change.sku = p->sku;
    } else {
      return ErrorResponse(Error::InvalidArgument("name the product by sku or product_id (or send stock_unit_id)", "sku"));
    }
    auto location = OptionalString(o, "location", "location");
    if (!location.ok()) return ErrorResponse(location.error());
    if (!*location || Trim(**location).empty()) {
      return ErrorResponse(Error::InvalidArgument("location (a location code) is required", "location"));
    }
    change.location_code = **location;
  }
  if (const json::value* units = o.if_contains("units"); units != nullptr && !units->is_null()) {
    auto n = IntMember(o, "units", 0, 0, kMaxUnits);
    if (!n.ok()) return ErrorResponse(n.error());
    change.units = *n;
  }
  auto delta = IntMember(o, "delta", 0, -kMaxUnits, kMaxUnits);
  if (!delta.ok()) return ErrorResponse(delta.error());
  change.delta = *delta;

  catalog::CatalogStore store(*services.db);
  auto unit = store.ChangeStock(change);
  if (!unit.ok()) return ErrorResponse(unit.error());
  const catalog::Product* p = catalog->FindProduct(unit->product_id);
  json::object product = p ? ProductRef(*p) : json::object{{"id", unit->product_id}};
  if (p == nullptr && !change.sku.empty()) product["sku"] = change.sku;
  return JsonResponse(StockRowJson(std::move(product), *unit, catalog->FindLocation(unit->location_id)));
}

json::object EditedProductJson(const catalog::Product& p) {
  json::object o;
  o["id"] = p.id;
  o["sku"] = p.sku;
  o["title"] = p.title;
  o["description"] = p.description;
  o["brand"] = p.brand;
  o["price"] = MoneyJson(p.price);
  o["updated_at"] = FormatIso8601(p.updated_at);
  return o;
}

// PATCH /api/v1/admin/products/{id}: {"title", "description", "price":
// {"amount", "currency"}}, each optional. Replicas follow through the
// change feed (product pages at once, search once its index is rebuilt).
Response EditProduct(Services& services, const Request& request) {
  if (services.db == nullptr) return ErrorResponse(Error::Unavailable("the store is not open"));
  auto id = PathIdParam(request, "id");
  if (!id.ok()) return ErrorResponse(id.error());
  auto body = ParseJsonBody(request);
  if (!body.ok()) return ErrorResponse(body.error());
  if (!body->is_object()) return ErrorResponse(Error::InvalidArgument("expected a JSON object", "body"));
  const json::object& o = body->as_object();
  catalog::ProductEdit edit;
  auto title = OptionalString(o, "title", "title");
  if (!title.ok()) return ErrorResponse(title.error());
  edit.title = *title;
  auto description = OptionalString(o, "description", "description");
  if (!description.ok()) return ErrorResponse(description.error());
  edit.description = *description;
  if (const json::value* price = o.if_contains("price"); price != nullptr && !price->is_null()) {
    if (!price->is_object()) {
      return ErrorResponse(Error::InvalidArgument("price must be {\"amount\": <minor units>, \"currency\"}", "price"));
    }
    const json::object& money = price->as_object();
    if (const json::value* amount = money.if_contains("amount"); amount == nullptr || amount->is_null()) {
      return ErrorResponse(Error::InvalidArgument("price.amount (minor units) is required", "price.amount"));
    }
    auto amount = IntMember(money, "amount", 0, 0, INT64_MAX / 1000);
    if (!amount.ok()) {
      return ErrorResponse(Error::InvalidArgument("price.amount must be a whole number of minor units, 0 or more",
                                                  "price.amount"));
    }
    edit.price_amount = *amount;
    auto currency = OptionalString(money, "currency", "price.currency");
    if (!currency.ok()) return ErrorResponse(currency.error());
    edit.currency = *currency;
  }
  catalog::CatalogStore store(*services.db);
  auto product = store.EditProduct(*id, edit);
  if (!product.ok()) return ErrorResponse(product.error());
  return JsonResponse(EditedProductJson(*product));
}

// ---- model validation -----------------------------------------------------

json::object ValidationError(int line, int column, const std::string& message) {
  json::object o;
  o["line"] = line > 0 ? json::value(line) : json::value(nullptr);
  o["column"] = column > 0 ? json::value(column) : json::value(nullptr);
  o["message"] = message;
  return o;
}

// A parse error's position from its field "file:line:column"; the message
// without the "file:line:column: " prefix.
json::object ParseErrorJson(const Error& error) {
  int line = 0;
  int column = 0;
  std::vector<std::string> parts = Split(error.field, ':');
  if (parts.size() >= 3) {
    line = static_cast<int>(ParseInt(parts[parts.size() - 2]).value_or(0));
    column = static_cast<int>(ParseInt(parts.back()).value_or(0));
  }
  std::string message = error.message;
  if (!error.field.empty() && StartsWith(message, error.field + ": "))
    message = message.substr(error.field.size() + 2);
  return ValidationError(line, column, message);
}

Result<std::string> ModelText(const Request& request) {
  if (request.body.size() > kMaxModelBytes) {
    return Error::TooLarge("a model may have at most " + std::to_string(kMaxModelBytes) + " bytes", "yaml");
  }
  const std::string type = ToLower(request.Header("Content-Type").value_or(""));
  if (type.find("json") == std::string::npos) {
    if (Trim(request.body).empty())
      return Error::InvalidArgument("send the model's YAML as the body", "yaml");
    return request.body;
  }
  ATELIER_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(request));
  const json::value* yaml = body.is_object() ? body.as_object().if_contains("yaml") : nullptr;
  if (yaml == nullptr || !yaml->is_string() || Trim(yaml->as_string()).empty()) {
    return Error::InvalidArgument("\"yaml\" must be the model's YAML text", "yaml");
  }
  return std::string(yaml->as_string());
}

Response ValidateModel(const Request& request) {
  auto text = ModelText(request);
  if (!text.ok()) return ErrorResponse(text.error());
  json::object body;
  json::array errors;
  body["model"] = nullptr;
  body["count"] = nullptr;
  body["engine"] = nullptr;
  auto model = config::ParseProductModel(*text, kModelFileName);
  if (!model.ok()) {
    errors.push_back(ParseErrorJson(model.error()));
    body["ok"] = false;
    body["errors"] = std::move(errors);
    return JsonResponse(body);
  }
  json::object summary;
  summary["id"] = model->id;
  summary["name"] = model->name;
  summary["version"] = model->version;
  summary["option_count"] = static_cast<int64_t>(model->options.size());
  summary["rule_count"] = static_cast<int64_t>(model->rules.size());
  body["model"] = std::move(summary);

  config::CompileOptions options;
  options.bdd_node_budget = kValidateBddNodes;
  options.bdd_time_budget_seconds = kValidateBddSeconds;
  const config::ProductModel parsed = *model;
  auto compiled = config::CompiledModel::Compile(std::move(*model), options);
  if (!compiled.ok()) {
    // A conflict names its rules ("rules: a, b"); point at each rule's line.
    const Error& e = compiled.error();
    bool placed = false;
    if (StartsWith(e.field, "rules: ")) {
      for (const std::string& id : Split(e.field.substr(7), ',')) {
        const int index = parsed.RuleIndex(Trim(id));
        if (index < 0) continue;
        const config::SourceLocation& at = parsed.rules[index].location;
        errors.push_back(ValidationError(
            at.line, at.column, "rule '" + std::string(Trim(id)) + "' is part of a conflict: " + e.message));
        placed = true;
      }
    }
    if (!placed) errors.push_back(ValidationError(0, 0, e.message));
    body["ok"] = false;
    body["errors"] = std::move(errors);
    return JsonResponse(body);
  }
  body["ok"] = true;
  body["errors"] = std::move(errors);
  std::optional<std::string> count = (*compiled)->CountConfigurations();
  body["count"] = count ? json::value(*count) : json::value(nullptr);
  body["engine"] = (*compiled)->backend();
  return JsonResponse(body);
}

// Stores a model version and serves it: POST /api/v1/admin/models. The text
// is parsed and compiled (through the server's model cache) before it is
// stored, then the newest stored versions are published; carts and orders
// that name an older version keep pricing against it.
Response PublishModel(Services& services, const Request& request) {
  if (services.db == nullptr) return ErrorResponse(Error::Unavailable("the store is not open"));
  auto text = ModelText(request);
  if (!text.ok()) return ErrorResponse(text.error());
  auto stored = config::SaveProductModel(*services.db, *text, kModelFileName, &services.model_cache);
  if (!stored.ok()) return ErrorResponse(stored.error());
  if (stored->created) {
    if (Status published = LoadStoredProductModels(services); !published.ok()) {
      return ErrorResponse(published.error());
    }
  }
  json::object body;
  body["model_id"] = stored->model_id;
  body["version"] = stored->version;
  body["created"] = stored->created;
  body["created_at"] = stored->created_at;
  return JsonResponse(body, stored->created ? 201 : 200);
}

// ---- recommender ----------------------------------------------------------

Response ReloadRecommender(Services& services) {
  if (services.recommender_dir.empty()) {
    return ErrorResponse(Error::NotFound("this server has no recommender model directory"));
  }
  // Requests in flight keep the model they took; new ones get the newest.
  if (Status loaded = LoadRecommender(services, services.recommender_dir); !loaded.ok()) {
    return ErrorResponse(loaded.error());
  }
  auto rec = services.recommender.Get();
  auto artifact = services.recommender_artifact.Get();
  json::object body;
  body["loaded"] = artifact ? *artifact : std::string();
  body["items"] = static_cast<int64_t>(rec->num_items());
  body["users"] = static_cast<int64_t>(rec->num_users());
  // Every other replica loads it too (those sharing the model directory).
  bool announced = false;
  if (services.db != nullptr) {
    Status status = services.db->Announce(store::Topic::kRecommender);
    if (!status.ok()) spdlog::warn("recommender reload not announced to replicas: {}", status.error().ToString());
    announced = status.ok();
  }
  body["replicas_notified"] = announced;
  return JsonResponse(body);
}

// ---- analytics ------------------------------------------------------------

struct Sale {
  int64_t day = 0;
  std::string category;
  bool from_orders = false;
  int64_t amount = 0;
  int64_t units = 0;
};

constexpr char kOrdersSource[] = "orders";
constexpr char kEventsSource[] = "events";

Response Sales(Services& services, const Request& request) {
  auto catalog = services.catalog.Get();
  if (!catalog) return CatalogUnavailable();
  auto days = IntParam(request, "days", 90, 1, 730);
  if (!days.ok()) return ErrorResponse(days.error());
  ProductResolver resolve(*catalog);
  const std::string currency =
      catalog->products().empty() ? std::string("USD") : catalog->products().front().price.currency;

  // The window ends on the day of the latest sale (an order line or a
  // purchase event), so a history imported from the past still shows.
  auto newest = services.db->Query(
      "SELECT (SELECT MAX(ts) FROM events WHERE type = 'purchase'), "
      "(SELECT MAX(o.created_at) FROM orders o JOIN order_lines l ON l.order_id = o.id "
      "WHERE o.status <> 'cancelled')");
  if (!newest.ok()) return ErrorResponse(newest.error());
  int64_t last_day = DayOf(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  const store::Row& latest = newest->front();
  if (!latest.IsNull(0) || !latest.IsNull(1)) {
    last_day = std::max(latest.IsNull(0) ? INT64_MIN : DayOf(latest.Int(0)),
                        latest.IsNull(1) ? INT64_MIN : DayOf(latest.Int(1)));
  }
  const int64_t since = (last_day - *days + 1) * kSecondsPerDay;

  std::vector<Sale> sales;
  auto lines = services.db->Query(
      "SELECT o.created_at, l.product_id, l.sku, l.model_id, l.quantity, l.unit_amount, l.currency "
      "FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.status <> 'cancelled' AND o.created_at >= ?",
      {since});
  if (!lines.ok()) return ErrorResponse(lines.error());
  for (const store::Row& r : *lines) {
    if (r.Text(6) != currency) continue;
    const catalog::Product* p = resolve.Line(r.Int(1), r.Text(2), r.Text(3));
    sales.push_back({DayOf(r.Int(0)), p ? resolve.TopCategory(*p) : std::string("Other"), true,
                     r.Int(5) * r.Int(4), r.Int(4)});
  }
  // Purchase events of the window, summed per day and item by the store:
  // a long history is not walked row by row here.
  Status events = services.db->QueryEach(
      "SELECT ts / 86400, item_id, CAST(SUM(CASE WHEN quantity > 1 THEN quantity ELSE 1 END) AS BIGINT) FROM events "
      "WHERE type = 'purchase' AND ts >= ? GROUP BY ts / 86400, item_id",
      {since}, [&](const store::Row& r) {
        const catalog::Product* p = resolve.Item(r.Text(1));
        if (p == nullptr || p->price.currency != currency) return true;
        const int64_t quantity = r.Int(2);
        sales.push_back({r.Int(0), resolve.TopCategory(*p), false, p->price.amount * quantity, quantity});
        return true;
      });
  if (!events.ok()) return ErrorResponse(events.error());

  const int64_t first_day = last_day - *days + 1;
  const size_t n = static_cast<size_t>(*days);

  struct Series {
    std::vector<int64_t> revenue, units;
  };
  std::map<std::pair<std::string, bool>, Series> series;  // (category, from orders)
  int64_t totals[2][2] = {{0, 0}, {0, 0}};                // [from orders][revenue, units]
  for (const Sale& s : sales) {
    if (s.day < first_day || s.day > last_day) continue;
    Series& out = series[{s.category, s.from_orders}];
    if (out.revenue.empty()) {
      out.revenue.assign(n, 0);
      out.units.assign(n, 0);
    }
    out.revenue[s.day - first_day] += s.amount;
    out.units[s.day - first_day] += s.units;
    totals[s.from_orders][0] += s.amount;
    totals[s.from_orders][1] += s.units;
  }

  json::array dates;
  for (int64_t d = first_day; d <= last_day; ++d) dates.push_back(json::value(orders::FormatDay(d)));
  json::array out;
  for (auto& [key, s] : series) {
    json::object o;
    o["category"] = key.first;
    o["source"] = key.second ? kOrdersSource : kEventsSource;
    o["revenue"] = json::array(s.revenue.begin(), s.revenue.end());
    o["units"] = json::array(s.units.begin(), s.units.end());
    out.push_back(std::move(o));
  }
  json::array sources;
  for (bool from_orders : {true, false}) {
    json::object o;
    o["source"] = from_orders ? kOrdersSource : kEventsSource;
    o["description"] = from_orders
                           ? "order lines of orders placed in the shop (not cancelled), at the price paid"
                           : "purchase events of the event history (imported or demo), priced at today's "
                             "catalog price of the item (a configurable product at its base price)";
    o["revenue"] = MoneyJson(Money{totals[from_orders][0], currency});
    o["units"] = totals[from_orders][1];
    sources.push_back(std::move(o));
  }
  json::object body;
  body["days"] = *days;
  body["from"] = orders::FormatDay(first_day);
  body["to"] = orders::FormatDay(last_day);
  body["currency"] = currency;
  body["dates"] = std::move(dates);
  body["series"] = std::move(out);
  body["sources"] = std::move(sources);
  return JsonResponse(body);
}

Response BoughtTogetherPairs(Services& services, const Request& request) {
  auto catalog = services.catalog.Get();
  if (!catalog) return CatalogUnavailable();
  auto limit = IntParam(request, "limit", 20, 1, 100);
  if (!limit.ok()) return ErrorResponse(limit.error());
  const ProductResolver resolve(*catalog);

  std::map<std::pair<int64_t, int64_t>, int64_t> pairs;
  std::unordered_map<int64_t, int64_t> baskets_with;
  int64_t baskets = 0;
  std::string current;
  std::vector<const catalog::Product*> basket;
  auto flush = [&] {
    std::sort(basket.begin(), basket.end(), [](auto* a, auto* b) { return a->id < b->id; });
    basket.erase(std::unique(basket.begin(), basket.end()), basket.end());
    if (basket.size() >= 2 && basket.size() <= kMaxBasket) {
      ++baskets;
      for (size_t i = 0; i < basket.size(); ++i) {
        ++baskets_with[basket[i]->id];
        for (size_t j = i + 1; j < basket.size(); ++j) ++pairs[{basket[i]->id, basket[j]->id}];
      }
    }
    basket.clear();
  };
  Status scanned = services.db->QueryEach(
      "SELECT basket_id, item_id FROM events WHERE type = 'purchase' AND basket_id <> '' ORDER BY basket_id",
      {}, [&](const store::Row& r) {
        std::string id = r.Text(0);
        if (id != current) {
          flush();
          current = std::move(id);
        }
        if (const catalog::Product* p = resolve.Item(r.Text(1))) basket.push_back(p);
        return true;
      });
  if (!scanned.ok()) return ErrorResponse(scanned.error());
  flush();

  std::vector<std::pair<std::pair<int64_t, int64_t>, int64_t>> ranked(pairs.begin(), pairs.end());
  const size_t keep = std::min<size_t>(ranked.size(), static_cast<size_t>(*limit));
  std::partial_sort(ranked.begin(), ranked.begin() + keep, ranked.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  json::array items;
  for (size_t i = 0; i < keep; ++i) {
    const auto& [ids, count] = ranked[i];
    json::object o;
    o["a"] = ProductRef(*catalog->FindProduct(ids.first));
    o["b"] = ProductRef(*catalog->FindProduct(ids.second));
    o["baskets"] = count;
    // Share of the baskets holding the rarer of the two that hold both.
    const int64_t rarer = std::min(baskets_with[ids.first], baskets_with[ids.second]);
    o["confidence"] = rarer > 0 ? static_cast<double>(count) / static_cast<double>(rarer) : 0.0;
    items.push_back(std::move(o));
  }
  json::object body;
  body["pairs"] = std::move(items);
  body["baskets"] = baskets;
  body["source"] = "purchase events sharing a basket id (baskets of 2 to 50 distinct products)";
  return JsonResponse(body);
}

// The option -> value id map of a configuration's JSON object.
std::map<std::string, std::string> Selections(std::string_view text) {
  std::map<std::string, std::string> out;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return out;
  for (const auto& [option, value] : v.as_object()) {
    out[std::string(option)] = value.is_string() ? std::string(value.as_string()) : json::serialize(value);
  }
  return out;
}

Response OptionPopularity(Services& services, const Request& request) {
  auto catalog = services.catalog.Get();
  auto registry = services.product_models.Get();
  if (!catalog || !registry) return ErrorResponse(Error::Unavailable("the product models are still loading"));
  if (registry->by_id.empty())
    return ErrorResponse(Error::NotFound("the shop has no product models", "model"));
  std::string model_id = TextParam(request, "model");
  if (model_id.empty()) model_id = registry->by_id.begin()->first;
  auto it = registry->by_id.find(model_id);
  if (it == registry->by_id.end()) {
    return ErrorResponse(Error::NotFound("no product model \"" + model_id + "\"", "model"));
  }
  const config::ProductModel& model = it->second->model();

  // counts[option][value] = {ordered units, units in stock}
  std::vector<std::vector<std::pair<int64_t, int64_t>>> counts(model.options.size());
  for (size_t i = 0; i < model.options.size(); ++i) counts[i].assign(model.options[i].values.size(), {0, 0});
  auto add = [&](const std::map<std::string, std::string>& selections, int64_t quantity, bool ordered) {
    for (size_t i = 0; i < model.options.size(); ++i) {
      auto sel = selections.find(model.options[i].id);
      if (sel == selections.end()) continue;
      const int value = model.options[i].ValueIndex(sel->second);
      if (value < 0) continue;
      (ordered ? counts[i][value].first : counts[i][value].second) += quantity;
    }
  };

  int64_t ordered_units = 0;
  auto lines = services.db->Query(
      "SELECT l.selections, l.quantity FROM order_lines l JOIN orders o ON o.id = l.order_id "
      "WHERE l.kind = 'configured' AND l.model_id = ? AND o.status <> 'cancelled'",
      {model_id});
  if (!lines.ok()) return ErrorResponse(lines.error());
  for (const store::Row& r : *lines) {
    add(Selections(r.Text(0)), r.Int(1), true);
    ordered_units += r.Int(1);
  }
  int64_t stock_units = 0;
  for (const catalog::Product& p : catalog->products()) {
    if (p.model_id != model_id) continue;
    for (const catalog::StockUnit* u : catalog->StockOf(p.id)) {
      if (u->configuration.empty()) continue;
      add(Selections(u->configuration), u->quantity, false);
      stock_units += u->quantity;
    }
  }

  json::array options;
  for (size_t i = 0; i < model.options.size(); ++i) {
    json::array values;
    for (size_t v = 0; v < model.options[i].values.size(); ++v) {
      json::object o;
      o["id"] = model.options[i].values[v].id;
      o["label"] = model.options[i].values[v].label;
      o["ordered"] = counts[i][v].first;
      o["in_stock"] = counts[i][v].second;
      values.push_back(std::move(o));
    }
    json::object o;
    o["id"] = model.options[i].id;
    o["label"] = model.options[i].label;
    o["values"] = std::move(values);
    options.push_back(std::move(o));
  }
  json::array models;
  for (const auto& [id, compiled] : registry->by_id) {
    json::object m;
    m["id"] = id;
    m["name"] = compiled->model().name;
    models.push_back(std::move(m));
  }
  json::object body;
  body["model"] = json::object{{"id", model.id}, {"name", model.name}, {"version", model.version}};
  body["models"] = std::move(models);
  body["options"] = std::move(options);
  body["ordered_units"] = ordered_units;
  body["stock_units"] = stock_units;
  body["sources"] =
      json::object{{"ordered", "configured order lines (orders not cancelled), by units"},
                   {"in_stock", "configured stock units at dealers and other locations, by quantity"}};
  return JsonResponse(body);
}

Response Fulfilment(Services& services) {
  auto orders = services.db->Query(
      "SELECT fulfilment, COUNT(*), SUM(total_amount), MIN(currency) FROM orders WHERE status <> 'cancelled' "
      "GROUP BY fulfilment");
  if (!orders.ok()) return ErrorResponse(orders.error());
  auto lines = services.db->Query(
      "SELECT l.source, SUM(l.quantity) FROM order_lines l JOIN orders o ON o.id = l.order_id "
      "WHERE o.status <> 'cancelled' GROUP BY l.source");
  if (!lines.ok()) return ErrorResponse(lines.error());
  int64_t total = 0;
  for (const store::Row& r : *orders) total += r.Int(1);
  json::object by_kind;
  for (const char* kind : {"stock", "build_to_order"}) {
    json::object o;
    o["orders"] = 0;
    o["share"] = 0.0;
    o["revenue"] = MoneyJson(Money{0, "USD"});
    o["line_units"] = 0;
    by_kind[kind] = std::move(o);
  }
  for (const store::Row& r : *orders) {
    json::object* o = by_kind.if_contains(r.Text(0)) ? &by_kind.at(r.Text(0)).as_object() : nullptr;
    if (o == nullptr) continue;
    (*o)["orders"] = r.Int(1);
    (*o)["share"] = total > 0 ? static_cast<double>(r.Int(1)) / static_cast<double>(total) : 0.0;
    (*o)["revenue"] = MoneyJson(Money{r.Int(2), r.Text(3)});
  }
  for (const store::Row& r : *lines) {
    if (json::value* o = by_kind.if_contains(r.Text(0))) o->as_object()["line_units"] = r.Int(1);
  }
  json::object body;
  body["total_orders"] = total;
  body["by_fulfilment"] = std::move(by_kind);
  body["source"] =
      "orders placed in the shop (not cancelled); an order counts as build-to-order when any line is";
  return JsonResponse(body);
}

Response Recommendations(Services& services) {
  auto rows = services.db->Query("SELECT type, COUNT(*), COUNT(DISTINCT user_id) FROM events GROUP BY type");
  if (!rows.ok()) return ErrorResponse(rows.error());
  std::map<std::string, std::pair<int64_t, int64_t>> counts{
      {"view", {0, 0}}, {"cart", {0, 0}}, {"purchase", {0, 0}}, {"search", {0, 0}}};
  for (const store::Row& r : *rows) counts[r.Text(0)] = {r.Int(1), r.Int(2)};
  json::object events;
  for (const auto& [type, c] : counts) {
    events[type] = json::object{{"events", c.first}, {"users", c.second}};
  }
  auto rate = [](int64_t num, int64_t den) {
    return den > 0 ? json::value(double(num) / double(den)) : json::value(nullptr);
  };
  // Impressions and clicks the storefront reported (recommend_routes.cc,
  // POST /api/v1/recommendations/feedback): per surface, and per day for
  // the last 30 days of reports.
  auto shown = services.db->Query("SELECT surface, COUNT(*), SUM(items) FROM rec_impressions GROUP BY surface");
  if (!shown.ok()) return ErrorResponse(shown.error());
  auto clicked = services.db->Query("SELECT surface, COUNT(*) FROM rec_clicks GROUP BY surface");
  if (!clicked.ok()) return ErrorResponse(clicked.error());
  struct Tally {
    int64_t lists = 0, items = 0, clicks = 0;
  };
  std::map<std::string, Tally> surfaces;
  Tally all;
  for (const store::Row& r : *shown) {
    Tally& t = surfaces[r.Text(0)];
    t.lists = r.Int(1);
    t.items = r.Int(2);
    all.lists += t.lists;
    all.items += t.items;
  }
  for (const store::Row& r : *clicked) {
    surfaces[r.Text(0)].clicks = r.Int(1);
    all.clicks += r.Int(1);
  }
  auto tally_json = [&rate](const Tally& t) {
    return json::object{{"lists", t.lists}, {"items_shown", t.items}, {"clicks", t.clicks},
                        {"click_through", rate(t.clicks, t.items)}};
  };
  json::object by_surface;
  for (const auto& [surface, t] : surfaces) by_surface[surface] = tally_json(t);

  std::map<int64_t, Tally> days;  // days since the epoch
  auto last = services.db->Query("SELECT MAX(ts) FROM rec_impressions");
  if (!last.ok()) return ErrorResponse(last.error());
  const int64_t newest_day = last->empty() || last->front().IsNull(0) ? 0 : last->front().Int(0) / 86400;
  const int64_t since = (newest_day - 29) * 86400;
  auto daily_shown = services.db->Query(
      "SELECT ts / 86400, SUM(items) FROM rec_impressions WHERE ts >= ? GROUP BY ts / 86400", {since});
  if (!daily_shown.ok()) return ErrorResponse(daily_shown.error());
  auto daily_clicked =
      services.db->Query("SELECT ts / 86400, COUNT(*) FROM rec_clicks WHERE ts >= ? GROUP BY ts / 86400", {since});
  if (!daily_clicked.ok()) return ErrorResponse(daily_clicked.error());
  for (const store::Row& r : *daily_shown) days[r.Int(0)].items = r.Int(1);
  for (const store::Row& r : *daily_clicked) days[r.Int(0)].clicks = r.Int(1);
  json::array daily;
  for (const auto& [day, t] : days) {
    daily.push_back(json::object{{"day", orders::FormatDay(day)},
                                 {"items_shown", t.items},
                                 {"clicks", t.clicks},
                                 {"click_through", rate(t.clicks, t.items)}});
  }

  json::object body;
  body["impressions_measured"] = all.lists > 0;
  body["impressions"] = tally_json(all);
  body["click_through"] = rate(all.clicks, all.items);
  body["by_surface"] = std::move(by_surface);
  body["daily"] = std::move(daily);
  body["note"] =
      "Impressions are the recommendation lists the storefront reported as shown (once per list), clicks the "
      "items of those lists a shopper opened (once per list and item); click-through = clicks / items shown. "
      "Also shown: events by type and the view-to-cart and cart-to-purchase rates over the whole log.";
  body["events"] = std::move(events);
  body["view_to_cart"] = rate(counts["cart"].first, counts["view"].first);
  body["cart_to_purchase"] = rate(counts["purchase"].first, counts["cart"].first);
  json::object model;
  if (auto rec = services.recommender.Get()) {
    model["loaded"] = true;
    model["items"] = static_cast<int64_t>(rec->num_items());
    model["users"] = static_cast<int64_t>(rec->num_users());
    model["for_you"] = std::string(rec->for_you_kind());
  } else {
    model["loaded"] = false;
  }
  body["recommender"] = std::move(model);
  return JsonResponse(body);
}

// ---- plants: capacity calendar ---------------------------------------------

// A "2026-12-04" date as days since the epoch; nullopt when malformed.
std::optional<int64_t> ParseDate(std::string_view text) {
  unsigned y = 0, m = 0, d = 0;
  char tail = 0;
  if (text.size() != 10 ||
      std::sscanf(std::string(text).c_str(), "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3) {
    return std::nullopt;
  }
  const std::chrono::year_month_day ymd{std::chrono::year{static_cast<int>(y)}, std::chrono::month{m},
                                        std::chrono::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days{ymd}.time_since_epoch().count();
}

// The date member/parameter `name` as a day; `fallback` when absent.
Result<int64_t> DateValue(std::string_view text, std::string_view name, int64_t fallback) {
  if (text.empty()) return fallback;
  std::optional<int64_t> day = ParseDate(text);
  if (!day) return Error::InvalidArgument("expected a date like 2026-12-04", std::string(name));
  return *day;
}

Response Plants(Services& services) {
  auto catalog = services.catalog.Get();
  if (!catalog) return CatalogUnavailable();
  auto rows = services.db->Query(
      "SELECT l.code, c.product_line, c.units_per_day FROM plant_capacity c "
      "JOIN locations l ON l.id = c.plant_id ORDER BY l.code, c.product_line");
  if (!rows.ok()) return ErrorResponse(rows.error());
  std::map<std::string, json::array, std::less<>> lines;
  for (const auto& row : *rows) {
    json::object line;
    line["product_line"] = row.Text(1);
    line["units_per_day"] = row.Int(2);
    lines[row.Text(0)].push_back(std::move(line));
  }
  json::array plants;
  for (const catalog::Location& l : catalog->locations()) {
    if (l.type != catalog::LocationType::kPlant) continue;
    json::object o = LocationJson(l);
    auto it = lines.find(l.code);
    o["lines"] = it == lines.end() ? json::array{} : it->second;
    plants.push_back(std::move(o));
  }
  json::object body;
  body["plants"] = std::move(plants);
  return JsonResponse(body);
}

Response PlantCalendar(Services& services, const Request& request) {
  if (!services.scheduler) return ErrorResponse(Error::Unavailable("plant schedules are not available"));
  const int64_t today = orders::DayOf(orders::SystemClock()());
  auto from = DateValue(TextParam(request, "from"), "from", today);
  if (!from.ok()) return ErrorResponse(from.error());
  auto days = IntParam(request, "days", 28, 1, orders::Scheduler::kMaxCalendarDays);
  if (!days.ok()) return ErrorResponse(days.error());
  auto calendar = services.scheduler->Calendar(request.PathParam("code"), *from, static_cast<int>(*days));
  if (!calendar.ok()) return ErrorResponse(calendar.error());
  json::array out_days;
  for (const orders::CalendarDay& d : calendar->days) {
    json::object day;
    day["date"] = d.date;
    day["closed"] = d.closed;
    json::array lines;
    for (const orders::CalendarLine& l : d.lines) {
      json::object line;
      line["product_line"] = l.product_line;
      line["capacity"] = l.capacity;
      line["booked"] = l.booked;
      lines.push_back(std::move(line));
    }
    day["lines"] = std::move(lines);
    out_days.push_back(std::move(day));
  }
  json::object body;
  body["plant"] = calendar->plant_code;
  body["from"] = orders::FormatDay(*from);
  body["today"] = orders::FormatDay(today);
  body["days"] = std::move(out_days);
  return JsonResponse(body);
}

// {"date": "2026-12-24", "closed": true}: closes or reopens a day. Booked
// slots stay booked (the orders that hold them are the merchant's to move).
Response SetPlantClosure(Services& services, const Request& request) {
  if (!services.scheduler) return ErrorResponse(Error::Unavailable("plant schedules are not available"));
  auto body = ParseJsonBody(request);
  if (!body.ok()) return ErrorResponse(body.error());
  if (!body->is_object()) return ErrorResponse(Error::InvalidArgument("expected a JSON object", "body"));
  const json::object& o = body->as_object();
  const json::value* date = o.if_contains("date");
  if (!date || !date->is_string()) {
    return ErrorResponse(Error::InvalidArgument("date is required, like 2026-12-04", "date"));
  }
  std::optional<int64_t> day = ParseDate(date->as_string());
  if (!day) return ErrorResponse(Error::InvalidArgument("expected a date like 2026-12-04", "date"));
  const json::value* closed = o.if_contains("closed");
  if (!closed || !closed->is_bool()) {
    return ErrorResponse(Error::InvalidArgument("closed must be true or false", "closed"));
  }
  Status s = services.scheduler->SetClosed(request.PathParam("code"), *day, closed->as_bool());
  if (!s.ok()) return ErrorResponse(s.error());
  json::object out;
  out["plant"] = std::string(request.PathParam("code"));
  out["date"] = orders::FormatDay(*day);
  out["closed"] = closed->as_bool();
  return JsonResponse(out);
}

// {"product_line": "suv", "units_per_day": 12}
Response SetPlantCapacity(Services& services, const Request& request) {
  if (!services.scheduler) return ErrorResponse(Error::Unavailable("plant schedules are not available"));
  auto body = ParseJsonBody(request);
  if (!body.ok()) return ErrorResponse(body.error());
  if (!body->is_object()) return ErrorResponse(Error::InvalidArgument("expected a JSON object", "body"));
  const json::object& o = body->as_object();
  const json::value* line = o.if_contains("product_line");
  if (!line || !line->is_string() || line->as_string().empty()) {
    return ErrorResponse(Error::InvalidArgument("product_line is required", "product_line"));
  }
  if (const json::value* u = o.if_contains("units_per_day"); !u || u->is_null()) {
    return ErrorResponse(Error::InvalidArgument("units_per_day is required", "units_per_day"));
  }
  auto units = IntMember(o, "units_per_day", 0, 0, 1'000'000);
  if (!units.ok()) return ErrorResponse(units.error());
  Status s = services.scheduler->SetCapacity(request.PathParam("code"), line->as_string(), *units);
  if (!s.ok()) return ErrorResponse(s.error());
  json::object out;
  out["plant"] = std::string(request.PathParam("code"));
  out["product_line"] = std::string(line->as_string());
  out["units_per_day"] = *units;
  return JsonResponse(out);
}

}  // namespace

void RegisterAdminRoutes(Router& router, Services& services) {
  using orders::ApiScope;
  router.Get("/api/v1/admin/locations",
             WithScope(services, ApiScope::kCatalog, [&services](Request&) { return Locations(services); }));
  router.Get("/api/v1/admin/stock", WithScope(services, ApiScope::kCatalog, [&services](Request& request) {
               return Stock(services, request);
             }));
  router.Post("/api/v1/admin/stock", WithScope(services, ApiScope::kCatalog, [&services](Request& request) {
                return ChangeStock(services, request);
              }));
  router.Add("PATCH", "/api/v1/admin/products/{id}",
             WithScope(services, ApiScope::kCatalog,
                       [&services](Request& request) { return EditProduct(services, request); }));
  router.Post("/api/v1/admin/models/validate", WithScope(services, ApiScope::kModels, [](Request& request) {
                return ValidateModel(request);
              }));
  router.Post("/api/v1/admin/models", WithScope(services, ApiScope::kModels, [&services](Request& request) {
                return PublishModel(services, request);
              }));
  router.Post(
      "/api/v1/admin/recommender/reload",
      WithScope(services, ApiScope::kModels, [&services](Request&) { return ReloadRecommender(services); }));
  router.Get("/api/v1/admin/plants",
             WithScope(services, ApiScope::kOrders, [&services](Request&) { return Plants(services); }));
  router.Get("/api/v1/admin/plants/{code}/calendar",
             WithScope(services, ApiScope::kOrders,
                       [&services](Request& request) { return PlantCalendar(services, request); }));
  router.Post("/api/v1/admin/plants/{code}/closures",
              WithScope(services, ApiScope::kOrders,
                        [&services](Request& request) { return SetPlantClosure(services, request); }));
  router.Post("/api/v1/admin/plants/{code}/capacity",
              WithScope(services, ApiScope::kOrders,
                        [&services](Request& request) { return SetPlantCapacity(services, request); }));
  router.Get("/api/v1/admin/analytics/sales",
             WithScope(services, ApiScope::kAnalytics,
                       [&services](Request& request) { return Sales(services, request); }));
  router.Get("/api/v1/admin/analytics/bought-together",
             WithScope(services, ApiScope::kAnalytics,
                       [&services](Request& request) { return BoughtTogetherPairs(services, request); }));
  router.Get("/api/v1/admin/analytics/options",
             WithScope(services, ApiScope::kAnalytics,
                       [&services](Request& request) { return OptionPopularity(services, request); }));
  router.Get(
      "/api/v1/admin/analytics/fulfilment",
      WithScope(services, ApiScope::kAnalytics, [&services](Request&) { return Fulfilment(services); }));
  router.Get(
      "/api/v1/admin/analytics/recommendations",
      WithScope(services, ApiScope::kAnalytics, [&services](Request&) { return Recommendations(services); }));
}

}  // namespace atelier::server
