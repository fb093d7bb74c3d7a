// Personal shoppers over HTTP (styling_routes.h has the routes and shapes).
// The rules live in orders::StylingDesk; these handlers authenticate the
// session, parse, call it and encode.

#include "atelier/server/styling_routes.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <string>

#include "atelier/orders/styling.h"
#include "atelier/server/auth.h"
#include "atelier/server/errors.h"
#include "atelier/server/json.h"
#include "atelier/server/params.h"

namespace atelier::server {

namespace {

namespace json = boost::json;

Response StylingUnavailable() {
  return ErrorResponse(Error::Unavailable("the buying services are not running"));
}

bool Ready(const Services& services) {
  return services.db != nullptr && services.accounts && services.carts && services.checkout &&
         services.pricer;
}

orders::StylingDesk DeskOf(Services& services) {
  return orders::StylingDesk(
      *services.db, [&services] { return services.catalog.Get(); }, *services.pricer, *services.carts,
      *services.checkout);
}

orders::StylingCaller CallerOf(const orders::SessionInfo& session) {
  return {session.account.id, session.account.role};
}

Result<json::object> ObjectBody(const Request& request) {
  ATELIER_ASSIGN_OR_RETURN(json::value body, ParseJsonBody(request));
  if (!body.is_object()) return Error::InvalidArgument("the body must be a JSON object", "body");
  return std::move(body.as_object());
}

Result<std::string> TextMember(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr || v->is_null()) return std::string();
  if (!v->is_string())
    return Error::InvalidArgument(std::string(name) + " must be a string", std::string(name));
  return std::string(v->as_string());
}

// --- encodings ----------------------------------------------------------------

json::object PersonJson(int64_t id, const std::string& email) {
  json::object o;
  o["id"] = id;
  o["email"] = email;
  return o;
}

json::object PickJson(const orders::StylePick& pick) {
  json::object o;
  o["id"] = pick.id;
  const bool configured = pick.kind == orders::CartItemKind::kConfigured;
  o["kind"] = configured ? "configured" : "product";
  o["title"] = pick.title;
  o["sku"] = configured ? json::value(nullptr) : json::value(pick.sku);
  o["product_id"] = pick.product_id > 0 ? json::value(pick.product_id) : json::value(nullptr);
  if (configured) {
    json::object selections;
    for (const auto& [k, v] : pick.configured.selections) selections[k] = v;
    o["model_id"] = pick.configured.model_id;
    o["model_version"] = pick.configured.model_version;
    o["selections"] = std::move(selections);
  } else {
    o["model_id"] = nullptr;
    o["model_version"] = nullptr;
    o["selections"] = nullptr;
  }
  o["note"] = pick.note;
  o["price"] = pick.problem.empty() ? json::value(MoneyJson(pick.price)) : json::value(nullptr);
  o["problem"] = pick.problem.empty() ? json::value(nullptr) : json::value(pick.problem);
  json::array order_ids;
  for (int64_t id : pick.order_ids) order_ids.push_back(id);
  o["order_ids"] = std::move(order_ids);
  o["created_at"] = pick.created_at;
  return o;
}

json::object MessageJson(const orders::StyleMessage& m, int64_t viewer_id) {
  json::object o;
  o["id"] = m.id;
  o["author"] = orders::RoleName(m.author_role);
  o["mine"] = m.author_id == viewer_id;
  o["body"] = m.body;
  o["created_at"] = m.created_at;
  return o;
}

json::object RequestJson(const orders::StyleRequest& r, int64_t viewer_id, bool full) {
  json::object o;
  o["id"] = r.id;
  o["state"] = orders::StyleRequestStateName(r.state);
  o["shopper"] = PersonJson(r.shopper_id, r.shopper_email);
  o["stylist"] =
      r.stylist_id > 0 ? json::value(PersonJson(r.stylist_id, r.stylist_email)) : json::value(nullptr);
  o["spec_sheet"] = orders::SpecSheetObject(r.sheet);
  o["created_at"] = r.created_at;
  o["updated_at"] = r.updated_at;
  if (full) {
    json::array picks;
    for (const auto& p : r.picks) picks.push_back(PickJson(p));
    json::array messages;
    for (const auto& m : r.messages) messages.push_back(MessageJson(m, viewer_id));
    o["pick_count"] = static_cast<int64_t>(r.picks.size());
    o["message_count"] = static_cast<int64_t>(r.messages.size());
    o["picks"] = std::move(picks);
    o["messages"] = std::move(messages);
  } else {
    o["pick_count"] = r.pick_count;
    o["message_count"] = r.message_count;
  }
  return o;
}

// --- parsing --------------------------------------------------------------------

// The spec sheet of a POST body; the parser names the member at fault.
Result<orders::SpecSheet> SheetOf(const json::object& body) {
  for (const auto& [key, value] : body) {
    static constexpr std::string_view kKnown[] = {"category", "size",     "width",  "colour",
                                                  "likes",    "dislikes", "budget", "notes"};
    if (std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown)) {
      return Error::InvalidArgument(
          "unknown member \"" + std::string(key) +
              "\": expected category, size, width, colour, likes, dislikes, budget, notes",
          std::string(key));
    }
  }
  return orders::ParseSpecSheetJson(json::serialize(body));
}

Result<orders::NewPick> PickOf(Services& services, const json::object& body) {
  orders::NewPick pick;
  ATELIER_ASSIGN_OR_RETURN(pick.note, TextMember(body, "note"));
  if (body.contains("sku")) {
    pick.kind = orders::CartItemKind::kProduct;
    ATELIER_ASSIGN_OR_RETURN(pick.sku, TextMember(body, "sku"));
    return pick;
  }
  if (!body.contains("model_id")) {
    return Error::InvalidArgument("send either \"sku\" or \"model_id\" with \"selections\"", "sku");
  }
  pick.kind = orders::CartItemKind::kConfigured;
  ATELIER_ASSIGN_OR_RETURN(pick.configured.model_id, TextMember(body, "model_id"));
  ATELIER_ASSIGN_OR_RETURN(int64_t version, IntMember(body, "model_version", 0, 0, 1'000'000));
  if (version == 0) {
    ATELIER_ASSIGN_OR_RETURN(orders::ModelDescription current,
                             services.pricer->Describe(pick.configured.model_id, 0));
    version = current.version;
  }
  pick.configured.model_version = static_cast<int>(version);
  const json::value* selections = body.if_contains("selections");
  if (selections == nullptr || selections->is_null()) {
    return Error::InvalidArgument("selections is required with model_id", "selections");
  }
  ATELIER_ASSIGN_OR_RETURN(pick.configured.selections, orders::ParseSelections(json::serialize(*selections)));
  return pick;
}

// The session of a request, and for writes its CSRF check.
Result<orders::SessionInfo> SessionOf(Services& services, const Request& request, bool write) {
  ATELIER_ASSIGN_OR_RETURN(orders::SessionInfo session, RequireSession(services, request));
  if (write) ATELIER_RETURN_IF_ERROR(CheckWrite(request, &session));
  return session;
}

Response NoStore(Response r) {
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

// Runs `handler` for the signed-in caller (`write`: with a valid CSRF token)
// and the request id of the path: the preamble every /{id} route shares.
template <typename Fn>
Handler ForRequest(Services& services, bool write, Fn handler) {
  return [&services, write, handler = std::move(handler)](Request& request) -> Response {
    if (!Ready(services)) return StylingUnavailable();
    auto session = SessionOf(services, request, write);
    if (!session.ok()) return ErrorResponse(session.error());
    auto id = PathIdParam(request, "id");
    if (!id.ok()) return ErrorResponse(id.error());
    return handler(request, *session, *id);
  };
}

}  // namespace

void RegisterStylingRoutes(Router& router, Services& services) {
  router.Post("/api/v1/stylist-requests", [&services](Request& request) {
    if (!Ready(services)) return StylingUnavailable();
    auto session = SessionOf(services, request, true);
    if (!session.ok()) return ErrorResponse(session.error());
    auto body = ObjectBody(request);
    if (!body.ok()) return ErrorResponse(body.error());
    auto sheet = SheetOf(*body);
    if (!sheet.ok()) return ErrorResponse(sheet.error());
    auto opened = DeskOf(services).Open(CallerOf(*session), *sheet);
    if (!opened.ok()) return ErrorResponse(opened.error());
    Response r = JsonResponse(RequestJson(*opened, session->account.id, true), 201);
    r.SetHeader("Location", "/api/v1/stylist-requests/" + std::to_string(opened->id));
    return NoStore(std::move(r));
  });

  router.Get("/api/v1/stylist-requests", [&services](Request& request) {
    if (!Ready(services)) return StylingUnavailable();
    auto session = SessionOf(services, request, false);
    if (!session.ok()) return ErrorResponse(session.error());
    auto state = EnumParam(request, "state", "all", {"all", "active"});
    if (!state.ok()) return ErrorResponse(state.error());
    orders::StylingDesk desk = DeskOf(services);
    if (session->account.role == orders::Role::kStylist) {
      // Requests that waited for a stylist are handed out now.
      if (auto assigned = desk.AssignOpenRequests(); !assigned.ok()) return ErrorResponse(assigned.error());
    }
    auto list = desk.List(CallerOf(*session), *state == "all");
    if (!list.ok()) return ErrorResponse(list.error());
    json::array items;
    for (const auto& r : *list) items.push_back(RequestJson(r, session->account.id, false));
    json::object o;
    o["total"] = static_cast<int64_t>(list->size());
    o["items"] = std::move(items);
    return NoStore(JsonResponse(o));
  });

  router.Get(
      "/api/v1/stylist-requests/{id}",
      ForRequest(services, false, [&services](Request&, const orders::SessionInfo& session, int64_t id) {
        auto got = DeskOf(services).Get(CallerOf(session), id);
        if (!got.ok()) return ErrorResponse(got.error());
        return NoStore(JsonResponse(RequestJson(*got, session.account.id, true)));
      }));

  router.Post("/api/v1/stylist-requests/{id}/picks",
              ForRequest(services, true,
                         [&services](Request& request, const orders::SessionInfo& session, int64_t id) {
                           auto body = ObjectBody(request);
                           if (!body.ok()) return ErrorResponse(body.error());
                           auto pick = PickOf(services, *body);
                           if (!pick.ok()) return ErrorResponse(pick.error());
                           auto added = DeskOf(services).AddPick(CallerOf(session), id, *pick);
                           if (!added.ok()) return ErrorResponse(added.error());
                           return NoStore(JsonResponse(PickJson(*added), 201));
                         }));

  router.Post("/api/v1/stylist-requests/{id}/messages",
              ForRequest(services, true,
                         [&services](Request& request, const orders::SessionInfo& session, int64_t id) {
                           auto body = ObjectBody(request);
                           if (!body.ok()) return ErrorResponse(body.error());
                           auto text = TextMember(*body, "body");
                           if (!text.ok()) return ErrorResponse(text.error());
                           auto posted = DeskOf(services).PostMessage(CallerOf(session), id, *text);
                           if (!posted.ok()) return ErrorResponse(posted.error());
                           return NoStore(JsonResponse(MessageJson(*posted, session.account.id), 201));
                         }));

  router.Post(
      "/api/v1/stylist-requests/{id}/close",
      ForRequest(services, true, [&services](Request&, const orders::SessionInfo& session, int64_t id) {
        auto closed = DeskOf(services).Close(CallerOf(session), id);
        if (!closed.ok()) return ErrorResponse(closed.error());
        return NoStore(JsonResponse(RequestJson(*closed, session.account.id, true)));
      }));

  router.Post("/api/v1/stylist-requests/{id}/picks/{pick_id}/cart",
              ForRequest(services, true,
                         [&services](Request& request, const orders::SessionInfo& session, int64_t id) {
                           auto pick_id = PathIdParam(request, "pick_id");
                           if (!pick_id.ok()) return ErrorResponse(pick_id.error());
                           auto item = DeskOf(services).AddPickToCart(CallerOf(session), id, *pick_id);
                           if (!item.ok()) return ErrorResponse(item.error());
                           json::object o;
                           o["cart_item_id"] = *item;
                           return NoStore(JsonResponse(o, 201));
                         }));

  router.Post(
      "/api/v1/stylist-requests/{id}/picks/{pick_id}/buy",
      ForRequest(
          services, true, [&services](Request& request, const orders::SessionInfo& session, int64_t id) {
            auto pick_id = PathIdParam(request, "pick_id");
            if (!pick_id.ok()) return ErrorResponse(pick_id.error());
            auto key = request.Header("Idempotency-Key");
            if (!key || key->empty()) {
              return ErrorResponse(Error::InvalidArgument(
                  "send an Idempotency-Key header (a fresh random value per purchase; resend it on retries)",
                  "idempotency_key"));
            }
            auto order = DeskOf(services).BuyPick(CallerOf(session), id, *pick_id, *key);
            if (!order.ok()) return ErrorResponse(order.error());
            // A configured sale changes the "popular choice" marks of its model.
            for (const orders::OrderLine& line : order->lines) {
              if (line.kind != orders::CartItemKind::kConfigured) continue;
              (void)RefreshSalesHistories(services);
              break;
            }
            json::object o;
            o["id"] = order->id;
            o["status"] = orders::OrderStatusName(order->status);
            o["total"] = MoneyJson(order->total);
            o["expected_delivery_date"] = order->expected_delivery_date.empty()
                                              ? json::value(nullptr)
                                              : json::value(order->expected_delivery_date);
            // Where it ships: the saved address it was bought with.
            const orders::ShippingAddress& a = order->shipping;
            o["shipping"] =
                json::object{{"name", a.name},      {"line1", a.line1}, {"line2", a.line2},
                             {"city", a.city},      {"state", a.state}, {"postal_code", a.postal_code},
                             {"country", a.country}};
            json::object body;
            body["order"] = std::move(o);
            body["pick_id"] = *pick_id;
            Response r = JsonResponse(body, 201);
            r.SetHeader("Location", "/api/v1/orders/" + std::to_string(order->id));
            return NoStore(std::move(r));
          }));
}

}  // namespace atelier::server
