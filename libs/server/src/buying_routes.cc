// Buying over HTTP: accounts and sessions, carts, checkout, orders and
// tracking, the merchant's order pipeline, and availability (stock, near
// alternatives, build to order) of a configuration.
//
// The rules live in the orders library (libs/orders); these handlers parse,
// authenticate (auth.h), call it and encode. Conventions (documented in
// openapi/buying.json):
//   - a cookie-authenticated write needs X-CSRF-Token; a guest write needs
//     Content-Type: application/json (auth.h);
//   - checkout needs an account (no guest checkout: a guest registers or
//     logs in, and the guest cart moves into the account);
//   - a retried checkout (same Idempotency-Key, same cart) answers 201 with
//     the order the first attempt placed;
//   - another shopper's cart item or order is 404, never 403.

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <string>

#include "atelier/config/json.h"
#include "atelier/core/strings.h"
#include "atelier/orders/addresses.h"
#include "atelier/server/auth.h"
#include "atelier/server/errors.h"
#include "atelier/server/json.h"
#include "atelier/server/params.h"
#include "atelier/server/routes.h"
#include "atelier/server/uploads.h"
#include "internal/buying.h"

namespace atelier::server {

namespace {

namespace json = boost::json;

constexpr size_t kMaxTextLength = 512;
constexpr int64_t kMaxQuantity = 99;
// When the one-text shipping `address` was deprecated (2026-12-02), as an
// RFC 9745 Deprecation header value.
constexpr char kOneTextAddressDeprecation[] = "@1796169600";

Response BuyingUnavailable() { return ErrorResponse(Error::Unavailable("the buying services are not running")); }

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// --- request bodies ---------------------------------------------------------

Result<json::object> ObjectBody(const Request& request) {
  ATELIER_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(request));
  if (!body.is_object()) return Error::InvalidArgument("the body must be a JSON object", "body");
  return std::move(body.as_object());
}

// A string member; "" when absent and not `required`.
Result<std::string> StringField(const json::object& o, std::string_view name, bool required,
                                std::string_view field_prefix = {}) {
  const std::string field = std::string(field_prefix) + std::string(name);
  const json::value* v = o.if_contains(name);
  if (v == nullptr || v->is_null()) {
    if (required) return Error::InvalidArgument(field + " is required", field);
    return std::string();
  }
  if (!v->is_string()) return Error::InvalidArgument(field + " must be a string", field);
  if (v->as_string().size() > kMaxTextLength) {
    return Error::InvalidArgument(field + " is longer than " + std::to_string(kMaxTextLength) + " bytes", field);
  }
  return std::string(v->as_string());
}

// An object member of option/field id -> value (orders::ParseSelections).
Result<orders::Selections> SelectionsField(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr || v->is_null()) return orders::Selections{};
  return orders::ParseSelections(json::serialize(*v), name);
}

// The address in a checkout's `shipping` object: in fields (name, line1,
// line2, city, state, postal_code, country), or as name + one free-text `address`
// (deprecated: what older clients send; kept in line1 unchecked beyond its
// length, and answered with a Deprecation header); none at all when only
// `region` is sent.
Result<orders::ShippingAddress> ShippingAddressField(const json::object& shipping) {
  orders::ShippingAddress a;
  std::string text;
  const std::pair<std::string_view, std::string*> members[] = {
      {"name", &a.name},       {"line1", &a.line1}, {"line2", &a.line2},
      {"city", &a.city},       {"state", &a.state}, {"postal_code", &a.postal_code},
      {"country", &a.country}, {"address", &text}};
  for (const auto& [name, out] : members) {
    const json::value* v = shipping.if_contains(name);
    const std::string field = "shipping." + std::string(name);
    if (v == nullptr || v->is_null()) continue;
    if (!v->is_string()) return Error::InvalidArgument(field + " must be a string", field);
    *out = std::string(v->as_string());
  }
  const bool structured = !Trim(a.line1).empty() || !Trim(a.line2).empty() || !Trim(a.city).empty() ||
                          !Trim(a.state).empty() || !Trim(a.postal_code).empty() || !Trim(a.country).empty();
  const json::value* one_text = shipping.if_contains("address");
  const bool has_text = one_text != nullptr && !one_text->is_null();
  if (has_text && structured) {
    return Error::InvalidArgument("send the address either as one text or in fields (line1, city, ...), not both",
                                  "shipping.address");
  }
  if (has_text) {
    a.line1 = std::move(text);
    return orders::CheckShippingAddress(std::move(a), orders::AddressForm::kOneText);
  }
  if (!structured && Trim(a.name).empty()) return orders::ShippingAddress{};  // ships by region
  return orders::CheckShippingAddress(std::move(a), orders::AddressForm::kStructured);
}

// A boolean member; `fallback` when absent or null.
Result<bool> BoolField(const json::object& o, std::string_view name, bool fallback) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr || v->is_null()) return fallback;
  if (!v->is_bool())
    return Error::InvalidArgument(std::string(name) + " must be true or false", std::string(name));
  return v->as_bool();
}

// --- encodings --------------------------------------------------------------

// A saved address (GET/PUT /api/v1/account/address): the address fields and
// when it was saved.
json::object SavedAddressJson(const orders::SavedAddress& saved) {
  const orders::ShippingAddress& a = saved.address;
  return json::object{{"name", a.name},       {"line1", a.line1},
                      {"line2", a.line2},     {"city", a.city},
                      {"state", a.state},     {"postal_code", a.postal_code},
                      {"country", a.country}, {"updated_at", saved.updated_at}};
}

json::object SelectionsJson(const orders::Selections& selections) {
  json::object o;
  for (const auto& [k, v] : selections) o[k] = v;
  return o;
}

json::object AccountJson(const orders::Account& account) {
  json::object o;
  o["id"] = account.id;
  o["email"] = account.email;
  o["role"] = orders::RoleName(account.role);
  o["region"] = account.region;
  return o;
}

json::object SessionJson(const orders::Account& account, const std::string& csrf_token) {
  json::object o;
  o["account"] = AccountJson(account);
  o["csrf_token"] = csrf_token;
  return o;
}

json::value ConfiguredJson(const orders::ConfiguredItem& item) {
  json::object o;
  o["model_id"] = item.model_id;
  o["model_version"] = item.model_version;
  o["selections"] = SelectionsJson(item.selections);
  o["personalization"] = SelectionsJson(item.personalization);
  if (item.stock_unit_id > 0) {
    o["stock_unit_id"] = item.stock_unit_id;
  } else {
    o["stock_unit_id"] = nullptr;
  }
  return o;
}

const char* KindName(orders::CartItemKind kind) {
  return kind == orders::CartItemKind::kProduct ? "product" : "configured";
}

json::object CartJson(const orders::CartView& cart) {
  json::array lines;
  for (const orders::CartLine& line : cart.lines) {
    json::object l;
    l["id"] = line.item_id;
    l["kind"] = KindName(line.kind);
    l["sku"] = line.sku;
    l["title"] = line.title;
    l["quantity"] = line.quantity;
    l["unit_price"] = MoneyJson(line.unit_price);
    l["line_total"] = MoneyJson(line.line_total);
    if (line.problem.empty()) {
      l["problem"] = nullptr;
    } else {
      l["problem"] = line.problem;
    }
    if (line.kind == orders::CartItemKind::kConfigured) {
      l["configured"] = ConfiguredJson(line.configured);
    } else {
      l["configured"] = nullptr;
    }
    lines.push_back(std::move(l));
  }
  json::object o;
  o["id"] = cart.cart_id;
  o["lines"] = std::move(lines);
  o["subtotal"] = MoneyJson(cart.subtotal);
  o["item_count"] = cart.item_count;
  return o;
}

json::value DayJson(int64_t day) {
  if (day <= 0) return nullptr;
  return json::value(orders::FormatDay(day));
}

// An order as the shopper and the merchant see it. Lines carry what the
// order froze (SKU, configuration, prices) plus, for display, the current
// title and product id of the SKU (null when the catalog no longer has it)
// or the configured model's name.
json::object OrderJson(Services& services, const orders::Order& order) {
  auto catalog = services.catalog.Get();
  auto models = services.product_models.Get();
  json::array lines;
  for (const orders::OrderLine& line : order.lines) {
    json::object l;
    l["line_no"] = line.line_no;
    l["kind"] = KindName(line.kind);
    l["sku"] = line.sku;
    const catalog::Product* product = catalog && !line.sku.empty() ? catalog->FindProductBySku(line.sku) : nullptr;
    l["product_id"] = product != nullptr ? json::value(product->id) : json::value(nullptr);
    std::string title = product != nullptr ? product->title : line.sku;
    if (line.kind == orders::CartItemKind::kConfigured && models) {
      if (auto it = models->by_id.find(line.configured.model_id); it != models->by_id.end()) {
        title = it->second->model().name;
      }
    }
    l["title"] = title;
    if (line.kind == orders::CartItemKind::kConfigured) {
      l["configured"] = ConfiguredJson(line.configured);
    } else {
      l["configured"] = nullptr;
    }
    l["quantity"] = line.quantity;
    l["unit_price"] = MoneyJson(line.unit_price);
    l["line_total"] = MoneyJson(line.line_total);
    l["fulfilment"] = orders::FulfilmentName(line.source);
    l["ships_from"] = line.location_code;
    l["product_line"] = line.product_line;
    l["build_date"] = DayJson(line.build_day);
    l["delivery_date"] = DayJson(line.delivery_day);
    lines.push_back(std::move(l));
  }
  json::array events;
  json::object timestamps;
  for (const orders::OrderEvent& e : order.events) {
    json::object ev;
    ev["status"] = orders::OrderStatusName(e.status);
    ev["at"] = e.at;
    ev["note"] = e.note;
    events.push_back(std::move(ev));
    timestamps[orders::OrderStatusName(e.status)] = e.at;
  }
  // The steps of this order's lifecycle, done or still ahead.
  using S = orders::OrderStatus;
  std::vector<S> steps = order.fulfilment == orders::Fulfilment::kBuildToOrder
                             ? std::vector<S>{S::kPlaced, S::kInProduction, S::kBuilt, S::kShipped, S::kDelivered}
                             : std::vector<S>{S::kPlaced, S::kShipped, S::kDelivered};
  if (order.status == S::kCancelled) steps = {S::kPlaced, S::kCancelled};
  json::array tracking;
  for (S step : steps) {
    json::object t;
    const char* name = orders::OrderStatusName(step);
    t["status"] = name;
    const json::value* at = timestamps.if_contains(name);
    t["done"] = at != nullptr;
    t["at"] = at != nullptr ? *at : json::value(nullptr);
    tracking.push_back(std::move(t));
  }
  json::object o;
  o["id"] = order.id;
  o["status"] = orders::OrderStatusName(order.status);
  o["fulfilment"] = orders::FulfilmentName(order.fulfilment);
  o["region"] = order.region;
  if (order.shipping.empty()) {
    o["shipping"] = nullptr;
  } else {
    const orders::ShippingAddress& a = order.shipping;
    o["shipping"] =
        json::object{{"name", a.name},         {"line1", a.line1},    {"line2", a.line2},
                     {"city", a.city},         {"state", a.state},    {"postal_code", a.postal_code},
                     {"region", order.region}, {"country", a.country}};
  }
  o["total"] = MoneyJson(order.total);
  o["expected_delivery_date"] = order.expected_delivery_date.empty() ? json::value(nullptr)
                                                                     : json::value(order.expected_delivery_date);
  o["payment_status"] = order.payment_status;
  o["created_at"] = order.created_at;
  o["updated_at"] = order.updated_at;
  o["lines"] = std::move(lines);
  o["timestamps"] = std::move(timestamps);
  o["events"] = std::move(events);
  o["tracking"] = std::move(tracking);
  return o;
}

json::object OrderPageJson(Services& services, const orders::OrderPage& page, const PageParams& params) {
  json::array items;
  for (const orders::Order& order : page.orders) items.push_back(OrderJson(services, order));
  json::object o;
  o["items"] = std::move(items);
  o["total"] = page.total;
  o["page"] = params.page;
  o["per_page"] = params.per_page;
  return o;
}

json::object OfferJson(const orders::StockOffer& offer) {
  json::object location;
  location["code"] = offer.location_code;
  location["name"] = offer.location_name;
  location["type"] = offer.location_type;
  location["region"] = offer.location_region;
  json::object o;
  o["stock_unit_id"] = offer.stock_unit_id;
  o["sku"] = offer.sku;
  o["location"] = std::move(location);
  o["quantity"] = offer.quantity;
  o["configuration"] = SelectionsJson(offer.configuration);
  o["price"] = MoneyJson(offer.price);
  o["within_budget"] = offer.within_budget;
  o["transit_days"] = offer.transit_days;
  o["delivery_date"] = offer.delivery_date;
  return o;
}

// Availability with the configuration the build-to-order quote is for.
struct QuotedAvailability {
  orders::Availability availability;
  orders::Selections quoted;  // the picks, or their cheapest completion
  bool completed = false;     // `quoted` completes partial picks
};

json::object AvailabilityJson(const QuotedAvailability& q) {
  const orders::Availability& a = q.availability;
  json::array exact;
  for (const auto& offer : a.exact) exact.push_back(OfferJson(offer));
  json::array alternatives;
  for (const orders::Alternative& alt : a.alternatives) {
    json::array differences;
    for (const orders::Difference& d : alt.differences) {
      json::object dj;
      dj["option_id"] = d.option_id;
      dj["wanted"] = d.wanted;
      dj["offered"] = d.offered;
      dj["text"] = d.text;
      differences.push_back(std::move(dj));
    }
    json::object aj;
    aj["offer"] = OfferJson(alt.offer);
    aj["distance"] = alt.distance;
    aj["differences"] = std::move(differences);
    if (alt.price_difference) {
      aj["price_difference"] = MoneyJson(Money{*alt.price_difference, alt.offer.price.currency});
    } else {
      aj["price_difference"] = nullptr;
    }
    aj["summary"] = alt.summary;
    alternatives.push_back(std::move(aj));
  }
  json::object o;
  o["exact"] = std::move(exact);
  o["alternatives"] = std::move(alternatives);
  if (a.build_to_order) {
    const orders::BuildToOrderOffer& b = *a.build_to_order;
    json::object bj;
    bj["price"] = MoneyJson(b.price);
    bj["within_budget"] = b.within_budget;
    bj["plant"] = b.quote.plant_code;
    bj["product_line"] = b.quote.product_line;
    bj["build_date"] = orders::FormatDay(b.quote.build_day);
    bj["transit_days"] = b.quote.transit_days;
    bj["delivery_date"] = b.quote.delivery_date;
    bj["configuration"] = SelectionsJson(q.quoted);
    bj["completed"] = q.completed;
    o["build_to_order"] = std::move(bj);
    o["build_to_order_unavailable"] = nullptr;
  } else {
    o["build_to_order"] = nullptr;
    o["build_to_order_unavailable"] = a.build_to_order_unavailable;
  }
  o["skipped_units"] = a.skipped_units;
  return o;
}

// An error response with extra top-level members beside "error".
Response ErrorWith(const Error& error, json::object extra) {
  json::value body = json::parse(ErrorBody(ErrorCodeName(error.code), error.message, error.field));
  for (auto& [k, v] : extra) body.as_object()[k] = std::move(v);
  return JsonResponse(body, HttpStatusFor(error.code));
}

// --- sessions and carts -----------------------------------------------------

// A logged-in response: ends the session the request came with (one cookie,
// one session), merges the guest cart, sets the session cookie and clears
// the cart cookie.
Response LoggedIn(Services& services, const Request& request, const orders::LoginResult& login, int status) {
  if (auto old = CookieValue(request, kSessionCookie); old && !old->empty() && *old != login.session_token) {
    (void)services.accounts->Logout(*old);
  }
  Response r = JsonResponse(SessionJson(login.account, login.csrf_token), status);
  if (auto guest = CookieValue(request, kCartCookie); guest && !guest->empty()) {
    // A stale guest cookie is not an error; a store failure only loses the
    // guest lines' move, which the shopper sees in the cart.
    (void)services.carts->MergeGuestCart(*guest, login.account.id);
    r.headers.emplace_back("Set-Cookie", CookieHeader(request, kCartCookie, "", 0));
  }
  r.headers.emplace_back("Set-Cookie", CookieHeader(request, kSessionCookie, login.session_token,
                                                    std::max<int64_t>(0, login.expires_at - NowSeconds())));
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

// Whose cart a request names: the account's with a live session, else the
// guest cart of the cookie; nullopt for a guest without a cart yet.
struct CartCaller {
  std::optional<orders::SessionInfo> session;
  std::optional<orders::CartOwner> owner;
};

CartCaller CartCallerOf(Services& services, const Request& request) {
  CartCaller c;
  c.session = OptionalSession(services, request);
  if (c.session) {
    c.owner = orders::CartOwner::Account(c.session->account.id);
  } else if (auto token = CookieValue(request, kCartCookie); token && !token->empty()) {
    c.owner = orders::CartOwner::Guest(*token);
  }
  return c;
}

// The cart as JSON; an unknown guest token reads as an empty cart.
Response CartResponse(Services& services, const std::optional<orders::CartOwner>& owner, int status,
                      const std::string& set_cookie = {}) {
  orders::CartView view;
  if (owner) {
    auto cart = services.carts->Get(*owner);
    if (cart.ok()) {
      view = std::move(*cart);
    } else if (!(cart.error().code == ErrorCode::kNotFound && cart.error().field == "cart")) {
      return ErrorResponse(cart.error());
    }
  }
  Response r = JsonResponse(CartJson(view), status);
  if (!set_cookie.empty()) r.SetHeader("Set-Cookie", set_cookie);
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

// Turns the upload id a shopper gives for each picture field into the
// picture's reference (uploads.h) once the upload is found to be the
// caller's, made for this model's field, and within the field's limits.
// Errors: kUnauthorized for a guest (pictures belong to accounts),
// kNotFound / kInvalidArgument naming "personalization.<field>".
Status ResolvePictures(Services& services, const orders::CartOwner& owner, orders::ConfiguredItem& item) {
  std::shared_ptr<const config::CompiledModel> compiled;
  if (auto registry = services.product_models.Get()) {
    auto it = registry->by_id.find(item.model_id);
    if (it != registry->by_id.end() && it->second->model().version == item.model_version) compiled = it->second;
  }
  if (!compiled) compiled = services.model_cache.Find(item.model_id, item.model_version);
  if (!compiled) return Ok();  // the pricer reports the unknown model
  for (auto& [key, value] : item.personalization) {
    const config::PersonalizationField* field = nullptr;
    for (const config::PersonalizationField& f : compiled->model().personalization) {
      if (f.id == key && f.kind == config::PersonalizationField::Kind::kImage) field = &f;
    }
    if (field == nullptr) continue;
    const std::string name = "personalization." + key;
    if (owner.account_id == 0) return Error::Unauthorized("log in to add a picture: uploads belong to an account");
    if (!IsUploadId(value)) {
      return Error::InvalidArgument("send the id of a picture uploaded for this field (POST /api/v1/uploads)", name);
    }
    ATELIER_ASSIGN_OR_RETURN(Upload upload, FindUpload(*services.db, value, owner.account_id, name));
    if (upload.model_id != item.model_id || upload.field != key) {
      return Error::InvalidArgument("picture " + upload.id + " was uploaded for " + upload.model_id + " field " +
                                        upload.field + ", not " + item.model_id + " field " + key,
                                    name);
    }
    ATELIER_RETURN_IF_ERROR(CheckPictureFits(*field, upload, name));
    value = PictureReference(upload);
  }
  return Ok();
}

Result<int64_t> AddToCart(Services& services, const orders::CartOwner& owner, const json::object& body) {
  ATELIER_ASSIGN_OR_RETURN(int64_t quantity, IntMember(body, "quantity", 1, 1, kMaxQuantity));
  if (body.contains("sku")) {
    ATELIER_ASSIGN_OR_RETURN(std::string sku, StringField(body, "sku", true));
    return services.carts->AddProduct(owner, sku, quantity);
  }
  if (!body.contains("model_id")) {
    return Error::InvalidArgument("send either \"sku\" or \"model_id\" with \"selections\"", "sku");
  }
  orders::ConfiguredItem item;
  ATELIER_ASSIGN_OR_RETURN(item.model_id, StringField(body, "model_id", true));
  ATELIER_ASSIGN_OR_RETURN(int64_t version, IntMember(body, "model_version", 0, 0, 1'000'000));
  if (version == 0) {
    ATELIER_ASSIGN_OR_RETURN(orders::ModelDescription current, services.pricer->Describe(item.model_id, 0));
    version = current.version;
  }
  item.model_version = static_cast<int>(version);
  ATELIER_ASSIGN_OR_RETURN(item.selections, SelectionsField(body, "selections"));
  ATELIER_ASSIGN_OR_RETURN(item.personalization, SelectionsField(body, "personalization"));
  ATELIER_RETURN_IF_ERROR(ResolvePictures(services, owner, item));
  ATELIER_ASSIGN_OR_RETURN(item.stock_unit_id, IntMember(body, "stock_unit_id", 0, 0, INT64_MAX));
  return services.carts->AddConfigured(owner, item, quantity);
}

// --- handlers -----------------------------------------------------------------

void RegisterAuthRoutes(Router& router, Services& services) {
  router.Post("/api/v1/auth/register", [&services](Request& request) {
    if (!services.accounts) return BuyingUnavailable();
    if (Status ok = CheckWrite(request, nullptr); !ok.ok()) return ErrorResponse(ok.error());
    if (Status ok = TakeIpToken(services, request, "login", services.rate_limits.login); !ok.ok()) {
      return ErrorResponse(ok.error());
    }
    auto body = ObjectBody(request);
    if (!body.ok()) return ErrorResponse(body.error());
    orders::RegisterRequest reg;
    auto email = StringField(*body, "email", true);
    if (!email.ok()) return ErrorResponse(email.error());
    auto password = StringField(*body, "password", true);
    if (!password.ok()) return ErrorResponse(password.error());
    auto region = StringField(*body, "region", false);
    if (!region.ok()) return ErrorResponse(region.error());
    reg.email = *email;
    reg.password = *password;
    reg.region = *region;
    auto account = services.accounts->Register(reg);
    if (!account.ok()) return ErrorResponse(account.error());
    auto login = services.accounts->Login(reg.email, reg.password, ClientIp(request));
    if (!login.ok()) return ErrorResponse(login.error());
    return LoggedIn(services, request, *login, 201);
  });

  router.Post("/api/v1/auth/login", [&services](Request& request) {
    if (!services.accounts) return BuyingUnavailable();
    if (Status ok = CheckWrite(request, nullptr); !ok.ok()) return ErrorResponse(ok.error());
    if (Status ok = TakeIpToken(services, request, "login", services.rate_limits.login); !ok.ok()) {
      return ErrorResponse(ok.error());
    }
    auto body = ObjectBody(request);
    if (!body.ok()) return ErrorResponse(body.error());
    auto email = StringField(*body, "email", true);
    if (!email.ok()) return ErrorResponse(email.error());
    auto password = StringField(*body, "password", true);
    if (!password.ok()) return ErrorResponse(password.error());
    auto login = services.accounts->Login(*email, *password, ClientIp(request));
    if (!login.ok()) return ErrorResponse(login.error());
    return LoggedIn(services, request, *login, 200);
  });

  router.Post("/api/v1/auth/logout", [&services](Request& request) {
    if (!services.accounts) return BuyingUnavailable();
    if (auto session = OptionalSession(services, request)) {
      if (Status ok = CheckWrite(request, &*session); !ok.ok()) return ErrorResponse(ok.error());
      if (Status out = services.accounts->Logout(*CookieValue(request, kSessionCookie)); !out.ok()) {
        return ErrorResponse(out.error());
      }
    }
    Response r;
    r.status = 204;
    r.SetHeader("Set-Cookie", CookieHeader(request, kSessionCookie, "", 0));
    return r;
  });

  router.Get("/api/v1/auth/me", [&services](Request& request) {
    if (!services.accounts) return BuyingUnavailable();
    auto session = RequireSession(services, request);
    if (!session.ok()) return ErrorResponse(session.error());
    Response r = JsonResponse(SessionJson(session->account, session->csrf_token));
    r.SetHeader("Cache-Control", "no-store");
    return r;
  });
}

// The shopper's saved default shipping address (orders/addresses.h): what
// the checkout page fills in and one-click buys ship to.
void RegisterAccountRoutes(Router& router, Services& services) {
  router.Get("/api/v1/account/address", [&services](Request& request) {
    if (!services.accounts || services.db == nullptr) return BuyingUnavailable();
    auto session = RequireSession(services, request);
    if (!session.ok()) return ErrorResponse(session.error());
    auto saved = orders::AddressBook(*services.db).Get(session->account.id);
    if (!saved.ok()) return ErrorResponse(saved.error());
    json::object o;
    o["address"] = *saved ? json::value(SavedAddressJson(**saved)) : json::value(nullptr);
    Response r = JsonResponse(o);
    r.SetHeader("Cache-Control", "no-store");
    return r;
  });

  router.Put("/api/v1/account/address", [&services](Request& request) {
    if (!services.accounts || services.db == nullptr) return BuyingUnavailable();
    auto session = RequireSession(services, request);
    if (!session.ok()) return ErrorResponse(session.error());
    if (Status ok = CheckWrite(request, &*session); !ok.ok()) return ErrorResponse(ok.error());
    auto body = ObjectBody(request);
    if (!body.ok()) return ErrorResponse(body.error());
    if (body->contains("address")) {
      return ErrorResponse(Error::InvalidArgument(
          "a saved address is sent in fields (name, line1, line2, city, state, postal_code, country)",
          "shipping.address"));
    }
    orders::ShippingAddress a;
    const std::pair<std::string_view, std::string*> members[] = {
        {"name", &a.name},      {"line1", &a.line1}, {"line2", &a.line2},
        {"city", &a.city},      {"state", &a.state}, {"postal_code", &a.postal_code},
        {"country", &a.country}};
    for (const auto& [name, out] : members) {
      auto value = StringField(*body, name, false, "shipping.");
      if (!value.ok()) return ErrorResponse(value.error());
      *out = std::move(*value);
    }
    auto saved = orders::AddressBook(*services.db).Put(session->account.id, std::move(a));
    if (!saved.ok()) return ErrorResponse(saved.error());
    json::object o;
    o["address"] = SavedAddressJson(*saved);
    Response r = JsonResponse(o);
    r.SetHeader("Cache-Control", "no-store");
    return r;
  });

  router.Delete("/api/v1/account/address", [&services](Request& request) {
    if (!services.accounts || services.db == nullptr) return BuyingUnavailable();
    auto session = RequireSession(services, request);
    if (!session.ok()) return ErrorResponse(session.error());
    if (Status ok = CheckWrite(request, &*session); !ok.ok()) return ErrorResponse(ok.error());
    if (Status removed = orders::AddressBook(*services.db).Remove(session->account.id); !removed.ok()) {
      return ErrorResponse(removed.error());
    }
    Response r;
    r.status = 204;
    return r;
  });
}

void RegisterCartRoutes(Router& router, Services& services) {
  router.Get("/api/v1/cart", [&services](Request& request) {
    if (!services.carts) return BuyingUnavailable();
    return CartResponse(services, CartCallerOf(services, request).owner, 200);
  });

  router.Post("/api/v1/cart/items", [&services](Request& request) {
    if (!services.carts) return BuyingUnavailable();
    CartCaller caller = CartCallerOf(services, request);
    if (Status ok = CheckWrite(request, caller.session ? &*caller.session : nullptr); !ok.ok()) {
      return ErrorResponse(ok.error());
    }
    auto body = ObjectBody(request);
    if (!body.ok()) return ErrorResponse(body.error());
    std::string set_cookie;
    auto new_guest_cart = [&]() -> Status {
      ATELIER_ASSIGN_OR_RETURN(std::string token, services.carts->CreateGuestCart());
      caller.owner = orders::CartOwner::Guest(token);
      set_cookie = CookieHeader(request, kCartCookie, token, 30 * 24 * 3600);
      return Ok();
    };
    if (!caller.owner) {
      if (Status made = new_guest_cart(); !made.ok()) return ErrorResponse(made.error());
    }
    auto added = AddToCart(services, *caller.owner, *body);
    if (!added.ok() && !caller.session && added.error().code == ErrorCode::kNotFound &&
        added.error().field == "cart") {
      // The guest cookie names a cart that is gone: start a new one.
      if (Status made = new_guest_cart(); !made.ok()) return ErrorResponse(made.error());
      added = AddToCart(services, *caller.owner, *body);
    }
    if (!added.ok()) return ErrorResponse(added.error());
    return CartResponse(services, caller.owner, 201, set_cookie);
  });

  auto change = [&services](Request& request, bool remove) {
    if (!services.carts) return BuyingUnavailable();
    CartCaller caller = CartCallerOf(services, request);
    if (Status ok = CheckWrite(request, caller.session ? &*caller.session : nullptr); !ok.ok()) {
      return ErrorResponse(ok.error());
    }
    auto item_id = PathIdParam(request, "item_id");
    if (!item_id.ok()) return ErrorResponse(item_id.error());
    if (!caller.owner) return ErrorResponse(Error::NotFound("no such item in your cart", "item_id"));
    int64_t quantity = 0;
    if (!remove) {
      auto body = ObjectBody(request);
      if (!body.ok()) return ErrorResponse(body.error());
      if (!body->contains("quantity")) return ErrorResponse(Error::InvalidArgument("quantity is required", "quantity"));
      auto q = IntMember(*body, "quantity", 0, 0, kMaxQuantity);
      if (!q.ok()) return ErrorResponse(q.error());
      quantity = *q;
    }
    Status changed = services.carts->SetQuantity(*caller.owner, *item_id, quantity);
    if (!changed.ok()) {
      Error error = changed.error();
      // A guest cookie naming no cart has no items either.
      if (error.code == ErrorCode::kNotFound) error = Error::NotFound("no such item in your cart", "item_id");
      return ErrorResponse(error);
    }
    return CartResponse(services, caller.owner, 200);
  };
  router.Add("PATCH", "/api/v1/cart/items/{item_id}", [change](Request& request) { return change(request, false); });
  router.Delete("/api/v1/cart/items/{item_id}", [change](Request& request) { return change(request, true); });
}

void RegisterCheckoutRoutes(Router& router, Services& services) {
  router.Post("/api/v1/checkout", [&services](Request& request) {
    if (!services.checkout) return BuyingUnavailable();
    auto session = RequireSession(services, request);
    if (!session.ok()) return ErrorResponse(session.error());
    if (Status ok = CheckWrite(request, &*session); !ok.ok()) return ErrorResponse(ok.error());
    if (Status ok = TakeIpToken(services, request, "checkout", services.rate_limits.checkout); !ok.ok()) {
      return ErrorResponse(ok.error());
    }
    auto key = request.Header("Idempotency-Key");
    if (!key || key->empty()) {
      return ErrorResponse(Error::InvalidArgument(
          "send an Idempotency-Key header (a fresh random value per order; resend it on retries)",
          "idempotency_key"));
    }
    orders::CheckoutRequest checkout;
    checkout.account_id = session->account.id;
    checkout.idempotency_key = std::string(*key);
    bool one_text_address = false;
    if (!request.body.empty()) {
      auto body = ObjectBody(request);
      if (!body.ok()) return ErrorResponse(body.error());
      if (const json::value* shipping = body->if_contains("shipping"); shipping != nullptr && !shipping->is_null()) {
        if (!shipping->is_object()) {
          return ErrorResponse(Error::InvalidArgument("shipping must be an object", "shipping"));
        }
        auto address = ShippingAddressField(shipping->as_object());
        if (!address.ok()) return ErrorResponse(address.error());
        const json::value* text = shipping->as_object().if_contains("address");
        one_text_address = text != nullptr && !text->is_null();
        checkout.shipping = std::move(*address);
        auto region = StringField(shipping->as_object(), "region", false, "shipping.");
        if (!region.ok()) return ErrorResponse(region.error());
        checkout.region = *region;
      }
      auto save = BoolField(*body, "save_address", false);
      if (!save.ok()) return ErrorResponse(save.error());
      checkout.save_address = *save && !one_text_address;
    }
    orders::CheckoutFailure failure;
    auto order = services.checkout->Place(checkout, &failure);
    if (!order.ok()) {
      if (order.error().code != ErrorCode::kConflict) return ErrorResponse(order.error());
      json::object extra;
      json::array items;
      for (int64_t id : failure.out_of_stock_items) items.push_back(id);
      extra["out_of_stock_items"] = std::move(items);
      return ErrorWith(order.error(), std::move(extra));
    }
    // A configured sale changes the "popular choice" marks of its model.
    const bool configured = std::any_of(order->lines.begin(), order->lines.end(), [](const orders::OrderLine& line) {
      return line.kind == orders::CartItemKind::kConfigured;
    });
    if (configured) {
      if (Status refreshed = RefreshSalesHistories(services); !refreshed.ok()) {
        spdlog::warn("refreshing the sales histories after order {}: {}", order->id, refreshed.error().ToString());
      }
    }
    Response r = JsonResponse(OrderJson(services, *order), 201);
    r.SetHeader("Location", "/api/v1/orders/" + std::to_string(order->id));
    // RFC 9745: tells an old client its one-text address is on its way out.
    if (one_text_address) r.SetHeader("Deprecation", kOneTextAddressDeprecation);
    return r;
  });
}

void RegisterOrderRoutes(Router& router, Services& services) {
  router.Get("/api/v1/orders", [&services](Request& request) {
    if (!services.order_book) return BuyingUnavailable();
    auto session = RequireSession(services, request);
    if (!session.ok()) return ErrorResponse(session.error());
    auto page = PageParamsOf(request, 20, 100);
    if (!page.ok()) return ErrorResponse(page.error());
    auto orders = services.order_book->ListOrders(session->account.id, page->page, page->per_page);
    if (!orders.ok()) return ErrorResponse(orders.error());
    return JsonResponse(OrderPageJson(services, *orders, *page));
  });

  router.Get("/api/v1/orders/{id}", [&services](Request& request) {
    if (!services.order_book) return BuyingUnavailable();
    auto session = RequireSession(services, request);
    if (!session.ok()) return ErrorResponse(session.error());
    auto id = PathIdParam(request, "id");
    if (!id.ok()) return ErrorResponse(id.error());
    auto order = services.order_book->GetOrder(session->account.id, *id);
    if (!order.ok()) return ErrorResponse(order.error());
    return JsonResponse(OrderJson(services, *order));
  });

  router.Post("/api/v1/orders/{id}/cancel", [&services](Request& request) {
    if (!services.order_book) return BuyingUnavailable();
    auto session = RequireSession(services, request);
    if (!session.ok()) return ErrorResponse(session.error());
    if (Status ok = CheckWrite(request, &*session); !ok.ok()) return ErrorResponse(ok.error());
    auto id = PathIdParam(request, "id");
    if (!id.ok()) return ErrorResponse(id.error());
    auto order = services.order_book->CancelForShopper(session->account.id, *id);
    if (!order.ok()) return ErrorResponse(order.error());
    return JsonResponse(OrderJson(services, *order));
  });
}

void RegisterAdminOrderRoutes(Router& router, Services& services) {
  router.Get("/api/v1/admin/orders", [&services](Request& request) {
    if (!services.order_book) return BuyingUnavailable();
    auto key = RequireApiKey(services, request, orders::ApiScope::kOrders);
    if (!key.ok()) return ErrorResponse(key.error());
    auto status_text =
        EnumParam(request, "status", "placed",
                  {"placed", "in_production", "built", "shipped", "delivered", "cancelled"});
    if (!status_text.ok()) return ErrorResponse(status_text.error());
    auto status = orders::ParseOrderStatus(*status_text);
    if (!status.ok()) return ErrorResponse(status.error());
    auto page = PageParamsOf(request, 20, 100);
    if (!page.ok()) return ErrorResponse(page.error());
    auto orders = services.order_book->ListByStatus(*status, page->page, page->per_page);
    if (!orders.ok()) return ErrorResponse(orders.error());
    return JsonResponse(OrderPageJson(services, *orders, *page));
  });

  router.Get("/api/v1/admin/orders/{id}", [&services](Request& request) {
    if (!services.order_book) return BuyingUnavailable();
    auto key = RequireApiKey(services, request, orders::ApiScope::kOrders);
    if (!key.ok()) return ErrorResponse(key.error());
    auto id = PathIdParam(request, "id");
    if (!id.ok()) return ErrorResponse(id.error());
    auto order = services.order_book->GetOrderForMerchant(*id);
    if (!order.ok()) return ErrorResponse(order.error());
    json::object body = OrderJson(services, *order);
    body["account_id"] = order->account_id;
    return JsonResponse(body);
  });

  router.Post("/api/v1/admin/orders/{id}/transition", [&services](Request& request) {
    if (!services.order_book) return BuyingUnavailable();
    auto key = RequireApiKey(services, request, orders::ApiScope::kOrders);
    if (!key.ok()) return ErrorResponse(key.error());
    auto id = PathIdParam(request, "id");
    if (!id.ok()) return ErrorResponse(id.error());
    auto body = ObjectBody(request);
    if (!body.ok()) return ErrorResponse(body.error());
    auto status_text = StringField(*body, "status", true);
    if (!status_text.ok()) return ErrorResponse(status_text.error());
    auto note = StringField(*body, "note", false);
    if (!note.ok()) return ErrorResponse(note.error());
    auto status = orders::ParseOrderStatus(*status_text);
    if (!status.ok()) return ErrorResponse(status.error());
    const std::string actor = "merchant:" + key->name;
    auto order = *status == orders::OrderStatus::kCancelled
                     ? services.order_book->Cancel(*id, actor, *note)
                     : services.order_book->Advance(*id, *status, actor, *note);
    if (!order.ok()) return ErrorResponse(order.error());
    return JsonResponse(OrderJson(services, *order));
  });
}

// Find(), and when the picks are partial but possible, a build-to-order
// quote for their cheapest completion (what the configurator would fill in),
// so a shopper who picked only "red with towing" still sees a date.
Result<QuotedAvailability> FindWithQuote(Services& services, const orders::AvailabilityRequest& request) {
  QuotedAvailability out;
  ATELIER_ASSIGN_OR_RETURN(out.availability, services.availability->Find(request));
  out.quoted = request.selections;
  if (out.availability.build_to_order) return out;
  auto registry = services.product_models.Get();
  if (!registry) return out;
  auto it = registry->by_id.find(request.model_id);
  if (it == registry->by_id.end() || it->second->model().version != request.model_version) return out;
  config::ConfigureRequest configure;
  configure.selections = request.selections;
  config::ConfigureOptions options;
  options.explain = false;
  options.count = false;
  options.alternatives_for_picked = false;
  auto state = it->second->Configure(configure, options);
  if (!state.ok() || !state->consistent || state->cheapest_completion.empty()) return out;
  orders::AvailabilityRequest completed = request;
  for (const auto& [option, value] : state->cheapest_completion) completed.selections.emplace(option, value);
  if (completed.selections == request.selections) return out;
  completed.max_alternatives = 0;
  auto quoted = services.availability->Find(completed);
  if (!quoted.ok() || !quoted->build_to_order) return out;
  out.availability.build_to_order = std::move(quoted->build_to_order);
  out.availability.build_to_order_unavailable.clear();
  out.quoted = std::move(completed.selections);
  out.completed = true;
  return out;
}

// The availability request members shared by /availability and configure
// from a source: budget, region (default: the caller's account region) and
// max_alternatives.
Status ReadAvailabilityOptions(Services& services, const Request& request, const json::object& body,
                               orders::AvailabilityRequest* out) {
  if (const json::value* budget = body.if_contains("budget"); budget != nullptr && !budget->is_null()) {
    ATELIER_ASSIGN_OR_RETURN(int64_t b, IntMember(body, "budget", 0, 0, INT64_MAX));
    out->budget = b;
  }
  ATELIER_ASSIGN_OR_RETURN(out->region, StringField(body, "region", false));
  if (out->region.empty()) {
    if (auto session = OptionalSession(services, request)) out->region = session->account.region;
  }
  ATELIER_ASSIGN_OR_RETURN(int64_t max_alternatives, IntMember(body, "max_alternatives", 5, 0, 50));
  out->max_alternatives = static_cast<size_t>(max_alternatives);
  return Ok();
}

void RegisterAvailabilityRoutes(Router& router, Services& services) {
  router.Post("/api/v1/models/{id}/availability", [&services](Request& request) {
    if (!services.availability) return BuyingUnavailable();
    auto body = ObjectBody(request);
    if (!body.ok()) return ErrorResponse(body.error());
    orders::AvailabilityRequest find;
    find.model_id = std::string(request.PathParam("id"));
    auto model = services.pricer->Describe(find.model_id, 0);
    if (!model.ok()) {
      Error error = model.error();
      if (error.field == "model_id") error.field = "id";
      return ErrorResponse(error);
    }
    find.model_version = model->version;
    auto selections = SelectionsField(*body, "selections");
    if (!selections.ok()) return ErrorResponse(selections.error());
    find.selections = std::move(*selections);
    if (Status ok = ReadAvailabilityOptions(services, request, *body, &find); !ok.ok()) {
      return ErrorResponse(ok.error());
    }
    auto found = FindWithQuote(services, find);
    if (!found.ok()) return ErrorResponse(found.error());
    return JsonResponse(AvailabilityJson(*found));
  });
}

}  // namespace

namespace internal {

bool StartsFromSource(const json::object& body) {
  return body.contains("from_order") || body.contains("from_stock_unit");
}

Response ConfigureFrom(Services& services, const Request& request, const config::CompiledModel& compiled,
                       json::object body) {
  if (!services.availability) return BuyingUnavailable();
  const config::ProductModel& model = compiled.model();
  // The source configuration.
  orders::ConfiguredItem source;
  json::object source_json;
  if (const json::value* from = body.if_contains("from_order"); from != nullptr) {
    if (!from->is_object()) {
      return ErrorResponse(Error::InvalidArgument("from_order must be {\"order_id\", \"line_id\"}", "from_order"));
    }
    auto session = RequireSession(services, request);
    if (!session.ok()) return ErrorResponse(session.error());
    auto order_id = IntMember(from->as_object(), "order_id", 0, 1, INT64_MAX);
    if (!order_id.ok() || *order_id == 0) {
      return ErrorResponse(Error::InvalidArgument("from_order.order_id must be an order id", "from_order.order_id"));
    }
    auto line = IntMember(from->as_object(), "line_id", 1, 1, 1000);
    if (!line.ok()) return ErrorResponse(Error::InvalidArgument(line.error().message, "from_order.line_id"));
    auto item = services.order_book->ConfigurationFromOrder(session->account.id, *order_id, static_cast<int>(*line));
    if (!item.ok()) return ErrorResponse(item.error());
    source = std::move(*item);
    source_json["order_id"] = *order_id;
    source_json["line_id"] = *line;
  } else {
    auto unit = IntMember(body, "from_stock_unit", 0, 1, INT64_MAX);
    if (!unit.ok() || *unit == 0) {
      return ErrorResponse(Error::InvalidArgument("from_stock_unit must be a stock unit id", "from_stock_unit"));
    }
    auto item = services.availability->ConfigurationOfStockUnit(*unit, model.version);
    if (!item.ok()) return ErrorResponse(item.error());
    source = std::move(*item);
    source_json["stock_unit_id"] = *unit;
  }
  if (source.model_id != model.id) {
    return ErrorResponse(Error::InvalidArgument(
        "the source is a configuration of model \"" + source.model_id + "\", not \"" + model.id + "\"", "id"));
  }
  source_json["model_id"] = source.model_id;
  source_json["configuration"] = SelectionsJson(source.selections);

  // The configurator request without the source and availability members.
  orders::AvailabilityRequest find;
  if (Status ok = ReadAvailabilityOptions(services, request, body, &find); !ok.ok()) return ErrorResponse(ok.error());
  for (std::string_view member : {"from_order", "from_stock_unit", "budget", "region", "max_alternatives"}) {
    body.erase(member);
  }
  auto parsed = config::ParseConfigureRequestJson(json::serialize(body));
  if (!parsed.ok()) return ErrorResponse(parsed.error());
  config::ConfigureRequest configure = std::move(*parsed);
  const std::map<std::string, std::string> changes = configure.selections;
  // Unknown ids in the changes are the shopper's error, reported as such.
  if (auto resolved = compiled.ResolveSelections(changes); !resolved.ok()) return ErrorResponse(resolved.error());

  // The source's picks on top of the changes, in model order, each kept
  // only when it still fits: the changed picks win.
  std::map<std::string, std::string> picks = changes;
  std::vector<std::pair<std::string, std::string>> dropped;
  for (const config::Option& option : model.options) {
    auto it = source.selections.find(option.id);
    if (it == source.selections.end() || picks.contains(option.id)) continue;
    picks[option.id] = it->second;
    auto resolved = compiled.ResolveSelections(picks);
    if (!resolved.ok() || !compiled.IsConsistent(*resolved)) {
      picks.erase(option.id);
      dropped.emplace_back(option.id, it->second);
    }
  }
  configure.selections = picks;
  auto state = compiled.Configure(configure);
  if (!state.ok()) return ErrorResponse(state.error());

  json::value out = json::parse(config::ConfigureStateToJson(*state));
  json::object& o = out.as_object();
  json::array changed;
  for (const auto& [option_id, value] : dropped) {
    json::object c;
    c["option_id"] = option_id;
    c["was"] = value;
    std::string reason;
    for (const config::OptionState& os : state->options) {
      if (os.id != option_id) continue;
      for (const config::ValueState& vs : os.values) {
        if (vs.id == value && vs.reason) reason = vs.reason->message;
      }
    }
    c["reason"] = reason;
    changed.push_back(std::move(c));
  }
  o["source"] = std::move(source_json);
  o["changed"] = std::move(changed);

  find.model_id = model.id;
  find.model_version = model.version;
  find.selections = picks;
  if (state->consistent) {
    auto found = FindWithQuote(services, find);
    if (!found.ok()) return ErrorResponse(found.error());
    o["availability"] = AvailabilityJson(*found);
  } else {
    o["availability"] = nullptr;
  }
  return JsonResponse(out);
}

}  // namespace internal

void RegisterBuyingRoutes(Router& router, Services& services) {
  RegisterAuthRoutes(router, services);
  RegisterAccountRoutes(router, services);
  RegisterCartRoutes(router, services);
  RegisterCheckoutRoutes(router, services);
  RegisterOrderRoutes(router, services);
  RegisterAdminOrderRoutes(router, services);
  RegisterAvailabilityRoutes(router, services);
}

}  // namespace atelier::server
