#include "atelier/orders/styling.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>

#include "atelier/core/strings.h"
#include "atelier/orders/addresses.h"
#include "internal/order_rows.h"

namespace atelier::orders {

namespace {

namespace json = boost::json;

constexpr const char* kRequestColumns =
    "r.id, r.shopper_id, sh.email, COALESCE(r.stylist_id, 0), COALESCE(st.email, ''), r.state, r.spec_sheet, "
    "r.created_at, r.updated_at, "
    "(SELECT COUNT(*) FROM style_picks p WHERE p.request_id = r.id), "
    "(SELECT COUNT(*) FROM style_messages m WHERE m.request_id = r.id)";
constexpr const char* kRequestFrom =
    " FROM style_requests r JOIN accounts sh ON sh.id = r.shopper_id "
    "LEFT JOIN accounts st ON st.id = r.stylist_id ";

constexpr const char* kPickColumns =
    "id, request_id, stylist_id, kind, sku, model_id, model_version, selections, note, created_at";

Result<StyleRequestState> ParseState(std::string_view text) {
  if (text == "open") return StyleRequestState::kOpen;
  if (text == "assigned") return StyleRequestState::kAssigned;
  if (text == "closed") return StyleRequestState::kClosed;
  return Error::Internal("unknown style request state '" + std::string(text) + "'");
}

Result<StyleRequest> RequestFromRow(const store::Row& r) {
  StyleRequest q;
  q.id = r.Int(0);
  q.shopper_id = r.Int(1);
  q.shopper_email = r.Text(2);
  q.stylist_id = r.Int(3);
  q.stylist_email = r.Text(4);
  ATELIER_ASSIGN_OR_RETURN(q.state, ParseState(r.Text(5)));
  ATELIER_ASSIGN_OR_RETURN(q.sheet, ParseSpecSheetJson(r.Text(6)));
  q.created_at = r.Int(7);
  q.updated_at = r.Int(8);
  q.pick_count = r.Int(9);
  q.message_count = r.Int(10);
  return q;
}

Result<StylePick> PickFromRow(const store::Row& r) {
  StylePick p;
  p.id = r.Int(0);
  p.request_id = r.Int(1);
  p.stylist_id = r.Int(2);
  p.kind = r.Text(3) == "configured" ? CartItemKind::kConfigured : CartItemKind::kProduct;
  p.sku = r.Text(4);
  if (p.kind == CartItemKind::kConfigured) {
    p.configured.model_id = r.Text(5);
    p.configured.model_version = static_cast<int>(r.Int(6));
    ATELIER_ASSIGN_OR_RETURN(p.configured.selections, ParseSelections(r.Text(7)));
  }
  p.note = r.Text(8);
  p.created_at = r.Int(9);
  return p;
}

// The caller may see the request: its shopper, or the stylist it is
// assigned to.
bool Owns(const StylingCaller& caller, const StyleRequest& request) {
  if (caller.role == Role::kShopper) return request.shopper_id == caller.account_id;
  if (caller.role == Role::kStylist) return request.stylist_id == caller.account_id;
  return false;
}

Error NoSuchRequest(int64_t id) { return Error::NotFound("no style request " + std::to_string(id), "id"); }

Status CheckText(std::string_view text, size_t max, const std::string& field) {
  if (text.size() > max) {
    return Error::InvalidArgument(field + " is longer than " + std::to_string(max) + " bytes", field);
  }
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') {
      return Error::InvalidArgument(field + " has a control character", field);
    }
  }
  return Ok();
}

Status CheckSheet(const SpecSheet& sheet, const StylingOptions& options) {
  const std::pair<const std::string*, const char*> fields[] = {{&sheet.category, "category"},
                                                               {&sheet.size, "size"},
                                                               {&sheet.width, "width"},
                                                               {&sheet.colour, "colour"}};
  for (const auto& [value, name] : fields) {
    ATELIER_RETURN_IF_ERROR(CheckText(*value, options.max_field_length, name));
  }
  for (const auto& [list, name] :
       {std::pair{&sheet.likes, "likes"}, std::pair{&sheet.dislikes, "dislikes"}}) {
    if (list->size() > options.max_list_items) {
      return Error::InvalidArgument(
          std::string(name) + " has more than " + std::to_string(options.max_list_items) + " items", name);
    }
    for (size_t i = 0; i < list->size(); ++i) {
      const std::string field = std::string(name) + "[" + std::to_string(i) + "]";
      if ((*list)[i].empty()) return Error::InvalidArgument(field + " is empty", field);
      ATELIER_RETURN_IF_ERROR(CheckText((*list)[i], options.max_field_length, field));
    }
  }
  if (sheet.budget && *sheet.budget <= 0) return Error::InvalidArgument("budget must be positive", "budget");
  ATELIER_RETURN_IF_ERROR(CheckText(sheet.notes, options.max_text_length, "notes"));
  const bool empty = sheet.category.empty() && sheet.size.empty() && sheet.width.empty() &&
                     sheet.colour.empty() && sheet.likes.empty() && sheet.dislikes.empty() && !sheet.budget &&
                     sheet.notes.empty();
  if (empty) {
    return Error::InvalidArgument("tell the stylist something: a size, what you like, a budget or a note",
                                  "notes");
  }
  return Ok();
}

SpecSheet Trimmed(SpecSheet sheet) {
  for (std::string* s : {&sheet.category, &sheet.size, &sheet.width, &sheet.colour, &sheet.notes}) {
    *s = std::string(Trim(*s));
  }
  for (auto* list : {&sheet.likes, &sheet.dislikes}) {
    for (std::string& s : *list) s = std::string(Trim(s));
  }
  return sheet;
}

// The stylist with the fewest assigned requests, ties by lowest id; 0 when
// there is none. Inside the caller's transaction.
Result<int64_t> LeastLoadedStylist(store::Session& s) {
  ATELIER_ASSIGN_OR_RETURN(
      auto rows, s.Query("SELECT a.id, (SELECT COUNT(*) FROM style_requests r WHERE r.stylist_id = a.id AND "
                         "r.state = 'assigned') AS load FROM accounts a WHERE a.role = 'stylist' "
                         "ORDER BY load, a.id LIMIT 1"));
  return rows.empty() ? int64_t{0} : rows[0].Int(0);
}

Status CheckIdempotencyKeyShape(std::string_view key) {
  if (key.empty() || key.size() > 128) {
    return Error::InvalidArgument("Idempotency-Key must be 1 to 128 characters", "idempotency_key");
  }
  return Ok();
}

}  // namespace

const char* StyleRequestStateName(StyleRequestState state) {
  switch (state) {
    case StyleRequestState::kOpen:
      return "open";
    case StyleRequestState::kAssigned:
      return "assigned";
    case StyleRequestState::kClosed:
      return "closed";
  }
  return "open";
}

json::object SpecSheetObject(const SpecSheet& sheet) {
  json::object o;
  o["category"] = sheet.category;
  o["size"] = sheet.size;
  o["width"] = sheet.width;
  o["colour"] = sheet.colour;
  json::array likes;
  for (const auto& s : sheet.likes) likes.push_back(json::value(s));
  json::array dislikes;
  for (const auto& s : sheet.dislikes) dislikes.push_back(json::value(s));
  o["likes"] = std::move(likes);
  o["dislikes"] = std::move(dislikes);
  o["budget"] = sheet.budget ? json::value(*sheet.budget) : json::value(nullptr);
  o["notes"] = sheet.notes;
  return o;
}

std::string SpecSheetToJson(const SpecSheet& sheet) { return json::serialize(SpecSheetObject(sheet)); }

Result<SpecSheet> ParseSpecSheetJson(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object())
    return Error::InvalidArgument("the spec sheet must be a JSON object", "spec_sheet");
  const json::object& o = v.as_object();
  SpecSheet sheet;
  for (const auto& [name, target] : {std::pair<const char*, std::string*>{"category", &sheet.category},
                                     {"size", &sheet.size},
                                     {"width", &sheet.width},
                                     {"colour", &sheet.colour},
                                     {"notes", &sheet.notes}}) {
    const json::value* m = o.if_contains(name);
    if (m == nullptr || m->is_null()) continue;
    if (m->is_string()) {
      *target = std::string(m->as_string());
    } else if (m->is_double()) {
      char text[32];  // a size sent as 10.5
      std::snprintf(text, sizeof text, "%g", m->as_double());
      *target = text;
    } else if (m->is_number()) {
      *target = json::serialize(*m);
    } else {
      return Error::InvalidArgument(std::string(name) + " must be a string", name);
    }
  }
  for (const auto& [name, target] : {std::pair<const char*, std::vector<std::string>*>{"likes", &sheet.likes},
                                     {"dislikes", &sheet.dislikes}}) {
    const json::value* m = o.if_contains(name);
    if (m == nullptr || m->is_null()) continue;
    if (!m->is_array()) return Error::InvalidArgument(std::string(name) + " must be a list of texts", name);
    for (size_t i = 0; i < m->as_array().size(); ++i) {
      const json::value& item = m->as_array()[i];
      const std::string field = std::string(name) + "[" + std::to_string(i) + "]";
      if (!item.is_string()) return Error::InvalidArgument(field + " must be a string", field);
      target->push_back(std::string(item.as_string()));
    }
  }
  if (const json::value* b = o.if_contains("budget"); b != nullptr && !b->is_null()) {
    if (!b->is_int64() && !b->is_uint64()) {
      return Error::InvalidArgument("budget must be an integer amount in minor units", "budget");
    }
    if (b->is_uint64() && b->as_uint64() > static_cast<uint64_t>(INT64_MAX)) {
      return Error::InvalidArgument("budget is too large", "budget");
    }
    sheet.budget = b->is_int64() ? b->as_int64() : static_cast<int64_t>(b->as_uint64());
  }
  return sheet;
}

StylingDesk::StylingDesk(store::Database& db, CatalogSource catalog, ConfigurationPricer& pricer,
                         Carts& carts, Checkout& checkout, StylingOptions options)
    : db_(db),
      catalog_(std::move(catalog)),
      pricer_(pricer),
      carts_(carts),
      checkout_(checkout),
      options_(std::move(options)) {}

Result<StyleRequest> StylingDesk::Open(const StylingCaller& shopper, const SpecSheet& raw_sheet) {
  if (shopper.role != Role::kShopper) return Error::Forbidden("only shoppers ask for a personal shopper");
  const SpecSheet sheet = Trimmed(raw_sheet);
  ATELIER_RETURN_IF_ERROR(CheckSheet(sheet, options_));
  const int64_t now = options_.clock() / 1000;
  int64_t id = 0;
  Status st = db_.Transact([&](store::Session& s) -> Status {
    ATELIER_ASSIGN_OR_RETURN(
        auto active, s.Query("SELECT COUNT(*) FROM style_requests WHERE shopper_id = ? AND state <> 'closed'",
                             {shopper.account_id}));
    if (active.at(0).Int(0) >= options_.max_active_requests_per_shopper) {
      return Error::Conflict("you already have " + std::to_string(active[0].Int(0)) +
                                 " open requests; close one before asking again",
                             "requests");
    }
    ATELIER_ASSIGN_OR_RETURN(int64_t stylist, LeastLoadedStylist(s));
    ATELIER_ASSIGN_OR_RETURN(
        auto rows,
        s.Query(
            "INSERT INTO style_requests (shopper_id, stylist_id, state, spec_sheet, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            {shopper.account_id, stylist == 0 ? store::Value() : store::Value(stylist),
             std::string(stylist == 0 ? "open" : "assigned"), SpecSheetToJson(sheet), now, now}));
    id = rows.at(0).Int(0);
    return Ok();
  });
  if (!st.ok()) return st.error();
  return Get(shopper, id);
}

Result<int64_t> StylingDesk::AssignOpenRequests() {
  const int64_t now = options_.clock() / 1000;
  int64_t assigned = 0;
  Status st = db_.Transact([&](store::Session& s) -> Status {
    assigned = 0;
    ATELIER_ASSIGN_OR_RETURN(auto open,
                             s.Query("SELECT id FROM style_requests WHERE state = 'open' ORDER BY id"));
    for (const auto& row : open) {
      ATELIER_ASSIGN_OR_RETURN(int64_t stylist, LeastLoadedStylist(s));
      if (stylist == 0) return Ok();
      ATELIER_RETURN_IF_ERROR(s.Exec(
          "UPDATE style_requests SET stylist_id = ?, state = 'assigned', updated_at = ? WHERE id = ? AND "
          "state = 'open'",
          {stylist, now, row.Int(0)}));
      ++assigned;
    }
    return Ok();
  });
  if (!st.ok()) return st.error();
  return assigned;
}

Result<std::vector<StyleRequest>> StylingDesk::List(const StylingCaller& caller, bool include_closed) {
  std::string where;
  if (caller.role == Role::kShopper) {
    where = "WHERE r.shopper_id = ?";
  } else if (caller.role == Role::kStylist) {
    where = "WHERE r.stylist_id = ?";
  } else {
    return Error::Forbidden("style requests are for shoppers and stylists");
  }
  if (!include_closed) where += " AND r.state <> 'closed'";
  ATELIER_ASSIGN_OR_RETURN(auto rows, db_.Query(std::string("SELECT ") + kRequestColumns + kRequestFrom +
                                                    where + " ORDER BY r.id DESC",
                                                {caller.account_id}));
  std::vector<StyleRequest> out;
  for (const auto& row : rows) {
    ATELIER_ASSIGN_OR_RETURN(StyleRequest q, RequestFromRow(row));
    out.push_back(std::move(q));
  }
  return out;
}

Result<StyleRequest> StylingDesk::LoadOwned(store::Session& s, const StylingCaller& caller,
                                            int64_t request_id) {
  ATELIER_ASSIGN_OR_RETURN(
      auto rows,
      s.Query(std::string("SELECT ") + kRequestColumns + kRequestFrom + "WHERE r.id = ?", {request_id}));
  if (rows.empty()) return NoSuchRequest(request_id);
  ATELIER_ASSIGN_OR_RETURN(StyleRequest q, RequestFromRow(rows[0]));
  if (!Owns(caller, q)) return NoSuchRequest(request_id);
  return q;
}

void StylingDesk::PricePick(StylePick& pick) {
  if (pick.kind == CartItemKind::kProduct) {
    auto catalog = catalog_ ? catalog_() : nullptr;
    const catalog::Product* product = catalog ? catalog->FindProductBySku(pick.sku) : nullptr;
    if (product == nullptr) {
      pick.title = pick.sku;
      pick.problem = "this product is no longer sold";
      return;
    }
    pick.title = product->title;
    pick.product_id = product->id;
    pick.price = product->price;
    return;
  }
  const ConfiguredItem& c = pick.configured;
  auto model = pricer_.Describe(c.model_id, c.model_version);
  pick.title = model.ok() ? model->name : c.model_id;
  auto priced = pricer_.Price(c.model_id, c.model_version, c.selections, {});
  if (!priced.ok()) {
    pick.problem = priced.error().message;
    return;
  }
  pick.price = priced->unit_price;
}

Result<StyleRequest> StylingDesk::Get(const StylingCaller& caller, int64_t request_id) {
  StyleRequest q;
  ATELIER_ASSIGN_OR_RETURN(q, LoadOwned(db_, caller, request_id));
  ATELIER_ASSIGN_OR_RETURN(auto picks, db_.Query(std::string("SELECT ") + kPickColumns +
                                                     " FROM style_picks WHERE request_id = ? ORDER BY id",
                                                 {request_id}));
  ATELIER_ASSIGN_OR_RETURN(
      auto bought,
      db_.Query("SELECT p.pick_id, o.id FROM style_pick_purchases p JOIN style_picks k ON k.id = p.pick_id "
                "JOIN orders o ON o.account_id = p.account_id AND o.idempotency_key = p.idempotency_key "
                "WHERE k.request_id = ? ORDER BY o.id",
                {request_id}));
  for (const auto& row : picks) {
    ATELIER_ASSIGN_OR_RETURN(StylePick p, PickFromRow(row));
    PricePick(p);
    for (const auto& b : bought) {
      if (b.Int(0) == p.id) p.order_ids.push_back(b.Int(1));
    }
    q.picks.push_back(std::move(p));
  }
  ATELIER_ASSIGN_OR_RETURN(
      auto messages, db_.Query("SELECT id, author_id, author_role, body, created_at FROM style_messages "
                               "WHERE request_id = ? ORDER BY id",
                               {request_id}));
  for (const auto& row : messages) {
    StyleMessage m;
    m.id = row.Int(0);
    m.author_id = row.Int(1);
    m.author_role = ParseRole(row.Text(2)).ok() ? *ParseRole(row.Text(2)) : Role::kShopper;
    m.body = row.Text(3);
    m.created_at = row.Int(4);
    q.messages.push_back(std::move(m));
  }
  return q;
}

Result<StylePick> StylingDesk::AddPick(const StylingCaller& stylist, int64_t request_id,
                                       const NewPick& pick) {
  if (stylist.role != Role::kStylist) return NoSuchRequest(request_id);
  ATELIER_RETURN_IF_ERROR(CheckText(pick.note, options_.max_text_length, "note"));
  // Validate the pick before touching the store: it must be buyable now.
  StylePick out;
  out.kind = pick.kind;
  out.note = std::string(Trim(pick.note));
  if (pick.kind == CartItemKind::kProduct) {
    const std::string sku(Trim(pick.sku));
    if (sku.empty()) return Error::InvalidArgument("sku is required", "sku");
    auto catalog = catalog_ ? catalog_() : nullptr;
    const catalog::Product* product = catalog ? catalog->FindProductBySku(sku) : nullptr;
    if (product == nullptr) return Error::NotFound("no product with SKU '" + sku + "'", "sku");
    if (!product->model_id.empty()) {
      return Error::InvalidArgument(
          "'" + sku + "' is configurable: pick a configuration of model '" + product->model_id + "' instead",
          "sku");
    }
    out.sku = sku;
  } else {
    if (pick.configured.model_id.empty()) return Error::InvalidArgument("model_id is required", "model_id");
    ATELIER_RETURN_IF_ERROR(pricer_.Price(pick.configured.model_id, pick.configured.model_version,
                                          pick.configured.selections, {}));
    out.configured.model_id = pick.configured.model_id;
    out.configured.model_version = pick.configured.model_version;
    out.configured.selections = pick.configured.selections;
  }
  const int64_t now = options_.clock() / 1000;
  Status st = db_.Transact([&](store::Session& s) -> Status {
    ATELIER_ASSIGN_OR_RETURN(StyleRequest q, LoadOwned(s, stylist, request_id));
    if (q.state == StyleRequestState::kClosed) {
      return Error::Conflict("this request is closed", "state");
    }
    ATELIER_ASSIGN_OR_RETURN(
        auto rows, s.Query("INSERT INTO style_picks (request_id, stylist_id, kind, sku, model_id, "
                           "model_version, selections, "
                           "note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                           {request_id, stylist.account_id,
                            std::string(out.kind == CartItemKind::kProduct ? "product" : "configured"),
                            out.sku, out.configured.model_id, int64_t{out.configured.model_version},
                            SelectionsToJson(out.configured.selections), out.note, now}));
    out.id = rows.at(0).Int(0);
    ATELIER_RETURN_IF_ERROR(
        s.Exec("UPDATE style_requests SET updated_at = ? WHERE id = ?", {now, request_id}));
    return Ok();
  });
  if (!st.ok()) return st.error();
  out.request_id = request_id;
  out.stylist_id = stylist.account_id;
  out.created_at = now;
  PricePick(out);
  return out;
}

Result<StyleMessage> StylingDesk::PostMessage(const StylingCaller& caller, int64_t request_id,
                                              std::string_view raw_body) {
  const std::string body(Trim(raw_body));
  if (body.empty()) return Error::InvalidArgument("write a message", "body");
  ATELIER_RETURN_IF_ERROR(CheckText(body, options_.max_text_length, "body"));
  StyleMessage m;
  m.author_id = caller.account_id;
  m.author_role = caller.role;
  m.body = body;
  m.created_at = options_.clock() / 1000;
  Status st = db_.Transact([&](store::Session& s) -> Status {
    ATELIER_ASSIGN_OR_RETURN(StyleRequest q, LoadOwned(s, caller, request_id));
    if (q.state == StyleRequestState::kClosed) return Error::Conflict("this request is closed", "state");
    ATELIER_ASSIGN_OR_RETURN(
        auto rows,
        s.Query("INSERT INTO style_messages (request_id, author_id, author_role, body, created_at) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id",
                {request_id, caller.account_id, std::string(RoleName(caller.role)), body, m.created_at}));
    m.id = rows.at(0).Int(0);
    ATELIER_RETURN_IF_ERROR(
        s.Exec("UPDATE style_requests SET updated_at = ? WHERE id = ?", {m.created_at, request_id}));
    return Ok();
  });
  if (!st.ok()) return st.error();
  return m;
}

Result<StyleRequest> StylingDesk::Close(const StylingCaller& caller, int64_t request_id) {
  const int64_t now = options_.clock() / 1000;
  Status st = db_.Transact([&](store::Session& s) -> Status {
    ATELIER_ASSIGN_OR_RETURN(StyleRequest q, LoadOwned(s, caller, request_id));
    if (q.state == StyleRequestState::kClosed) return Ok();
    ATELIER_RETURN_IF_ERROR(
        s.Exec("UPDATE style_requests SET state = 'closed', updated_at = ? WHERE id = ?", {now, request_id}));
    return Ok();
  });
  if (!st.ok()) return st.error();
  return Get(caller, request_id);
}

Result<StylePick> StylingDesk::LoadPick(const StylingCaller& shopper, int64_t request_id, int64_t pick_id) {
  if (shopper.role != Role::kShopper) return NoSuchRequest(request_id);
  ATELIER_RETURN_IF_ERROR(LoadOwned(db_, shopper, request_id));
  ATELIER_ASSIGN_OR_RETURN(auto rows, db_.Query(std::string("SELECT ") + kPickColumns +
                                                    " FROM style_picks WHERE id = ? AND request_id = ?",
                                                {pick_id, request_id}));
  if (rows.empty())
    return Error::NotFound("no pick " + std::to_string(pick_id) + " on this request", "pick_id");
  return PickFromRow(rows[0]);
}

Result<int64_t> StylingDesk::AddPickToCart(const StylingCaller& shopper, int64_t request_id,
                                           int64_t pick_id) {
  ATELIER_ASSIGN_OR_RETURN(StylePick pick, LoadPick(shopper, request_id, pick_id));
  const CartOwner owner = CartOwner::Account(shopper.account_id);
  if (pick.kind == CartItemKind::kProduct) return carts_.AddProduct(owner, pick.sku, 1);
  return carts_.AddConfigured(owner, pick.configured, 1);
}

namespace {

// Best effort: a failed purchase leaves its key free, so the shopper can
// try again with it.
void ReleaseClaim(store::Database& db, int64_t account_id, const std::string& key) {
  (void)db.Transact([&](store::Session& s) -> Status {
    ATELIER_RETURN_IF_ERROR(s.Exec(
        "DELETE FROM style_pick_purchases WHERE account_id = ? AND idempotency_key = ?", {account_id, key}));
    return Ok();
  });
}

}  // namespace

Result<Order> StylingDesk::BuyPick(const StylingCaller& shopper, int64_t request_id, int64_t pick_id,
                                   std::string_view idempotency_key, CheckoutFailure* failure) {
  ATELIER_RETURN_IF_ERROR(CheckIdempotencyKeyShape(idempotency_key));
  ATELIER_ASSIGN_OR_RETURN(StylePick pick, LoadPick(shopper, request_id, pick_id));
  const std::string key(idempotency_key);
  CheckoutRequest checkout;
  checkout.account_id = shopper.account_id;
  checkout.idempotency_key = key;
  // It ships to the shopper's saved address: a one-click buy asks nothing.
  ATELIER_ASSIGN_OR_RETURN(std::optional<SavedAddress> saved, LoadSavedAddress(db_, shopper.account_id));
  std::optional<Order> bought_before;

  // Claim the key for this pick: the claim is how the request's picks list
  // the orders bought from them, and it keeps one key to one pick. A retry
  // finds its own claim and goes on to Checkout, which returns the order the
  // first attempt placed (the pick is part of the checkout request).
  bool claimed_now = false;
  const int64_t now = options_.clock() / 1000;
  Status claimed = db_.Transact([&](store::Session& s) -> Status {
    claimed_now = false;
    bought_before.reset();
    ATELIER_ASSIGN_OR_RETURN(auto previous,
                             s.Query("SELECT pick_id FROM style_pick_purchases WHERE account_id = ? AND "
                                     "idempotency_key = ?",
                                     {shopper.account_id, key}));
    if (!previous.empty()) {
      if (previous[0].Int(0) != pick_id) {
        return Error::Conflict("Idempotency-Key was already used to buy another pick", "idempotency_key");
      }
      // A retry of a purchase that went through gets its order, also when
      // the saved address changed in between.
      ATELIER_ASSIGN_OR_RETURN(auto placed,
                               s.Query("SELECT id FROM orders WHERE account_id = ? AND idempotency_key = ?",
                                       {shopper.account_id, key}));
      if (!placed.empty()) {
        ATELIER_ASSIGN_OR_RETURN(Order o, internal::LoadOrder(s, placed[0].Int(0)));
        bought_before = std::move(o);
      }
      return Ok();
    }
    ATELIER_ASSIGN_OR_RETURN(auto order,
                             s.Query("SELECT id FROM orders WHERE account_id = ? AND idempotency_key = ?",
                                     {shopper.account_id, key}));
    if (!order.empty()) {
      return Error::Conflict("Idempotency-Key was already used for a different checkout request",
                             "idempotency_key");
    }
    ATELIER_RETURN_IF_ERROR(
        s.Exec("INSERT INTO style_pick_purchases (account_id, idempotency_key, pick_id, created_at) "
               "VALUES (?, ?, ?, ?)",
               {shopper.account_id, key, pick_id, now}));
    claimed_now = true;
    return Ok();
  });
  if (!claimed.ok()) return claimed.error();
  if (bought_before) return std::move(*bought_before);
  if (!saved) {
    if (claimed_now) ReleaseClaim(db_, shopper.account_id, key);
    return Error::Conflict(
        "add a shipping address to your account to buy in one click: one-click orders ship to "
        "your saved address",
        "shipping");
  }
  checkout.shipping = saved->address;

  // Exactly the pick, one of it, beside the cart: the cart's lines stay
  // where they are, for the shopper's own checkout.
  DirectItem item;
  item.kind = pick.kind;
  item.sku = pick.sku;
  item.configured = pick.configured;
  item.quantity = 1;
  auto order = checkout_.PlaceItems(checkout, {item}, failure);
  if (!order.ok() && claimed_now) ReleaseClaim(db_, shopper.account_id, key);
  return order;
}

}  // namespace atelier::orders
