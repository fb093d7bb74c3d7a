#include "atelier/orders/orders.h"

#include <algorithm>
#include <cctype>

#include "atelier/core/strings.h"
#include "internal/order_rows.h"

namespace atelier::orders {

const char* OrderStatusName(OrderStatus status) {
  switch (status) {
    case OrderStatus::kPlaced:
      return "placed";
    case OrderStatus::kInProduction:
      return "in_production";
    case OrderStatus::kBuilt:
      return "built";
    case OrderStatus::kShipped:
      return "shipped";
    case OrderStatus::kDelivered:
      return "delivered";
    case OrderStatus::kCancelled:
      return "cancelled";
  }
  return "placed";
}

Result<OrderStatus> ParseOrderStatus(std::string_view text) {
  for (OrderStatus s : {OrderStatus::kPlaced, OrderStatus::kInProduction, OrderStatus::kBuilt,
                        OrderStatus::kShipped, OrderStatus::kDelivered, OrderStatus::kCancelled}) {
    if (text == OrderStatusName(s)) return s;
  }
  return Error::InvalidArgument("unknown order status '" + std::string(text) + "'", "status");
}

const char* FulfilmentName(Fulfilment f) { return f == Fulfilment::kStock ? "stock" : "build_to_order"; }

namespace {

bool HasControl(std::string_view text, bool newlines_allowed) {
  for (unsigned char c : text) {
    if (c == '\n' && newlines_allowed) continue;
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// `value` trimmed, checked for presence, length and control characters.
Status CheckLine(std::string& value, std::string_view member, bool required, size_t max_bytes,
                 bool newlines_allowed = false) {
  const std::string field = "shipping." + std::string(member);
  value = std::string(Trim(value));
  if (value.empty()) {
    if (required) return Error::InvalidArgument(field + " is required", field);
    return Ok();
  }
  if (value.size() > max_bytes) {
    return Error::InvalidArgument(field + " is longer than " + std::to_string(max_bytes) + " bytes", field);
  }
  if (HasControl(value, newlines_allowed)) {
    return Error::InvalidArgument(field + " must not contain control characters", field);
  }
  return Ok();
}

// Postal abbreviations of the states, provinces and territories of the
// countries whose addresses need one.
constexpr std::string_view kUsStates[] = {
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
    "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC",
    "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
    // Territories and military post offices.
    "AS", "GU", "MP", "PR", "VI", "UM", "AA", "AE", "AP"};
constexpr std::string_view kCaProvinces[] = {"AB", "BC", "MB", "NB", "NL", "NS", "NT",
                                             "NU", "ON", "PE", "QC", "SK", "YT"};
constexpr std::string_view kAuStates[] = {"ACT", "NSW", "NT", "QLD", "SA", "TAS", "VIC", "WA"};

template <size_t N>
bool Listed(const std::string_view (&codes)[N], std::string_view code) {
  return std::find(std::begin(codes), std::end(codes), code) != std::end(codes);
}

Status CheckState(std::string& state, const std::string& country) {
  ATELIER_RETURN_IF_ERROR(CheckLine(state, "state", CountryNeedsState(country), kMaxStateBytes));
  if (!CountryNeedsState(country)) return Ok();
  for (char& c : state) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const bool known = country == "US"   ? Listed(kUsStates, state)
                     : country == "CA" ? Listed(kCaProvinces, state)
                                       : Listed(kAuStates, state);
  if (!known) {
    const char* example = country == "US"   ? "a US state code like \"NY\""
                          : country == "CA" ? "a Canadian province code like \"QC\""
                                            : "an Australian state code like \"NSW\"";
    return Error::InvalidArgument("shipping.state must be " + std::string(example), "shipping.state");
  }
  return Ok();
}

}  // namespace

bool CountryNeedsState(std::string_view country) {
  return country == "US" || country == "CA" || country == "AU";
}

Result<ShippingAddress> CheckShippingAddress(ShippingAddress a, AddressForm form) {
  const bool structured = form == AddressForm::kStructured;
  ATELIER_RETURN_IF_ERROR(CheckLine(a.name, "name", true, kMaxAddressLineBytes));
  ATELIER_RETURN_IF_ERROR(CheckLine(a.line1, structured ? "line1" : "address", true,
                                    structured ? kMaxAddressLineBytes : kMaxOneTextAddressBytes, !structured));
  if (!structured) {
    if (!a.line2.empty() || !a.city.empty() || !a.postal_code.empty() || !a.country.empty() ||
        !Trim(a.state).empty()) {
      return Error::InvalidArgument("send the address either as one text or in fields (line1, city, ...), not both",
                                    "shipping.address");
    }
    return a;
  }
  ATELIER_RETURN_IF_ERROR(CheckLine(a.line2, "line2", false, kMaxAddressLineBytes));
  ATELIER_RETURN_IF_ERROR(CheckLine(a.city, "city", true, kMaxAddressLineBytes));
  ATELIER_RETURN_IF_ERROR(CheckLine(a.postal_code, "postal_code", true, kMaxAddressLineBytes));
  const bool postal_ok =
      a.postal_code.size() >= 2 && a.postal_code.size() <= 12 &&
      std::all_of(a.postal_code.begin(), a.postal_code.end(), [](unsigned char c) {
        return std::isalnum(c) || c == ' ' || c == '-';
      });
  if (!postal_ok) {
    return Error::InvalidArgument("shipping.postal_code must be 2 to 12 letters, digits, spaces or hyphens",
                                  "shipping.postal_code");
  }
  ATELIER_RETURN_IF_ERROR(CheckLine(a.country, "country", true, kMaxAddressLineBytes));
  if (a.country.size() != 2 || !std::isalpha(static_cast<unsigned char>(a.country[0])) ||
      !std::isalpha(static_cast<unsigned char>(a.country[1]))) {
    return Error::InvalidArgument("shipping.country must be a two-letter ISO 3166-1 code like \"US\"",
                                  "shipping.country");
  }
  for (char& c : a.country) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  ATELIER_RETURN_IF_ERROR(CheckState(a.state, a.country));
  return a;
}

namespace internal {

Result<Order> LoadOrder(store::Session& s, int64_t order_id) {
  ATELIER_ASSIGN_OR_RETURN(
      auto rows,
      s.Query(
          "SELECT o.id, o.account_id, o.status, o.fulfilment, o.region, o.total_amount, o.currency, "
          "o.expected_delivery_day, o.created_at, o.updated_at, p.status, o.shipping_name, "
          "o.shipping_line1, o.shipping_line2, o.shipping_city, o.shipping_postal_code, o.shipping_country, "
          "o.shipping_state FROM orders o LEFT JOIN payments p ON p.order_id = o.id WHERE o.id = ?",
          {order_id}));
  if (rows.empty()) return Error::NotFound("no order " + std::to_string(order_id), "order_id");
  const store::Row& r = rows[0];
  Order o;
  o.id = r.Int(0);
  o.account_id = r.Int(1);
  o.status = ParseOrderStatus(r.Text(2)).ok() ? *ParseOrderStatus(r.Text(2)) : OrderStatus::kPlaced;
  o.fulfilment = r.Text(3) == "stock" ? Fulfilment::kStock : Fulfilment::kBuildToOrder;
  o.region = r.Text(4);
  o.total = Money{r.Int(5), r.Text(6)};
  o.expected_delivery_day = r.Int(7);
  o.expected_delivery_date = o.expected_delivery_day ? FormatDay(o.expected_delivery_day) : "";
  o.created_at = r.Int(8);
  o.updated_at = r.Int(9);
  o.payment_status = r.Text(10);
  o.shipping = {r.Text(11), r.Text(12), r.Text(13), r.Text(14), r.Text(15), r.Text(16), r.Text(17)};

  ATELIER_ASSIGN_OR_RETURN(
      auto lines,
      s.Query("SELECT ol.line_no, ol.kind, ol.sku, ol.model_id, ol.model_version, ol.selections, "
              "ol.personalization, ol.quantity, ol.unit_amount, ol.currency, ol.source, ol.stock_unit_id, "
              "ol.location_id, l.code, ol.product_line, ol.production_day, ol.delivery_day "
              "FROM order_lines ol LEFT JOIN locations l ON l.id = ol.location_id "
              "WHERE ol.order_id = ? ORDER BY ol.line_no",
              {order_id}));
  for (const auto& lr : lines) {
    OrderLine line;
    line.line_no = static_cast<int>(lr.Int(0));
    line.kind = lr.Text(1) == "configured" ? CartItemKind::kConfigured : CartItemKind::kProduct;
    line.sku = lr.Text(2);
    line.configured.model_id = lr.Text(3);
    line.configured.model_version = static_cast<int>(lr.Int(4));
    if (auto sel = ParseSelections(lr.Text(5)); sel.ok()) line.configured.selections = *sel;
    if (auto per = ParseSelections(lr.Text(6)); per.ok()) line.configured.personalization = *per;
    line.quantity = lr.Int(7);
    line.unit_price = Money{lr.Int(8), lr.Text(9)};
    line.line_total = Money{lr.Int(8) * line.quantity, lr.Text(9)};
    line.source = lr.Text(10) == "stock" ? Fulfilment::kStock : Fulfilment::kBuildToOrder;
    line.stock_unit_id = lr.Int(11);
    line.configured.stock_unit_id = line.kind == CartItemKind::kConfigured ? line.stock_unit_id : 0;
    line.location_id = lr.Int(12);
    line.location_code = lr.Text(13);
    line.product_line = lr.Text(14);
    line.build_day = lr.Int(15);
    line.delivery_day = lr.Int(16);
    o.lines.push_back(std::move(line));
  }

  ATELIER_ASSIGN_OR_RETURN(
      auto events,
      s.Query("SELECT status, at, actor, note FROM order_events WHERE order_id = ? ORDER BY id", {order_id}));
  for (const auto& er : events) {
    OrderEvent e;
    e.status = ParseOrderStatus(er.Text(0)).ok() ? *ParseOrderStatus(er.Text(0)) : OrderStatus::kPlaced;
    e.at = er.Int(1);
    e.actor = er.Text(2);
    e.note = er.Text(3);
    o.events.push_back(std::move(e));
  }
  return o;
}

Status AddOrderEvent(store::Session& s, int64_t order_id, OrderStatus status, int64_t at,
                     std::string_view actor, std::string_view note) {
  ATELIER_RETURN_IF_ERROR(
      s.Exec("INSERT INTO order_events (order_id, status, at, actor, note) VALUES (?, ?, ?, ?, ?)",
             {order_id, std::string(OrderStatusName(status)), at, std::string(actor), std::string(note)}));
  return Ok();
}

}  // namespace internal

namespace {

// The step after `from` in the lifecycle of `f`; kCancelled when none.
OrderStatus NextStatus(Fulfilment f, OrderStatus from) {
  switch (from) {
    case OrderStatus::kPlaced:
      return f == Fulfilment::kBuildToOrder ? OrderStatus::kInProduction : OrderStatus::kShipped;
    case OrderStatus::kInProduction:
      return OrderStatus::kBuilt;
    case OrderStatus::kBuilt:
      return OrderStatus::kShipped;
    case OrderStatus::kShipped:
      return OrderStatus::kDelivered;
    case OrderStatus::kDelivered:
    case OrderStatus::kCancelled:
      return OrderStatus::kCancelled;
  }
  return OrderStatus::kCancelled;
}

}  // namespace

OrderBook::OrderBook(store::Database& db, Scheduler& scheduler, OrderBookOptions options)
    : db_(db), scheduler_(scheduler), options_(std::move(options)) {}

Result<Order> OrderBook::GetOrder(int64_t account_id, int64_t order_id) {
  auto order = internal::LoadOrder(db_, order_id);
  if (!order.ok()) return order.error();
  // Same error as a missing order: ids reveal nothing about other shoppers.
  if (order->account_id != account_id)
    return Error::NotFound("no order " + std::to_string(order_id), "order_id");
  return order;
}

Result<ConfiguredItem> OrderBook::ConfigurationFromOrder(int64_t account_id, int64_t order_id, int line_no) {
  ATELIER_ASSIGN_OR_RETURN(Order order, GetOrder(account_id, order_id));
  for (const OrderLine& line : order.lines) {
    if (line.line_no != line_no) continue;
    if (line.kind != CartItemKind::kConfigured) {
      return Error::InvalidArgument("line " + std::to_string(line_no) + " is not a configured product",
                                    "line_no");
    }
    ConfiguredItem item = line.configured;
    item.stock_unit_id = 0;
    return item;
  }
  return Error::NotFound("order " + std::to_string(order_id) + " has no line " + std::to_string(line_no),
                         "line_no");
}

Result<Order> OrderBook::GetOrderForMerchant(int64_t order_id) { return internal::LoadOrder(db_, order_id); }

Result<OrderPage> OrderBook::List(const std::string& where, const store::Value& filter, int page,
                                  int per_page) {
  if (page < 1) return Error::InvalidArgument("page starts at 1", "page");
  if (per_page < 1 || per_page > options_.max_per_page) {
    return Error::InvalidArgument("per_page must be between 1 and " + std::to_string(options_.max_per_page),
                                  "per_page");
  }
  OrderPage out;
  ATELIER_ASSIGN_OR_RETURN(auto count, db_.Query("SELECT COUNT(*) FROM orders WHERE " + where, {filter}));
  out.total = count[0].Int(0);
  const int64_t limit = per_page;
  const int64_t offset = static_cast<int64_t>(page - 1) * per_page;
  ATELIER_ASSIGN_OR_RETURN(
      auto ids, db_.Query("SELECT id FROM orders WHERE " + where + " ORDER BY id DESC LIMIT ? OFFSET ?",
                          {filter, limit, offset}));
  for (const auto& r : ids) {
    ATELIER_ASSIGN_OR_RETURN(Order o, internal::LoadOrder(db_, r.Int(0)));
    out.orders.push_back(std::move(o));
  }
  return out;
}

Result<OrderPage> OrderBook::ListOrders(int64_t account_id, int page, int per_page) {
  return List("account_id = ?", store::Value(account_id), page, per_page);
}

Result<OrderPage> OrderBook::ListByStatus(OrderStatus status, int page, int per_page) {
  return List("status = ?", store::Value(std::string(OrderStatusName(status))), page, per_page);
}

Result<Order> OrderBook::Advance(int64_t order_id, OrderStatus to, std::string_view actor,
                                 std::string_view note) {
  const int64_t now = options_.clock() / 1000;
  Order result;
  ATELIER_RETURN_IF_ERROR(db_.Transact([&](store::Session& s) -> Status {
    ATELIER_ASSIGN_OR_RETURN(Order o, internal::LoadOrder(s, order_id));
    const OrderStatus next = NextStatus(o.fulfilment, o.status);
    if (to == OrderStatus::kCancelled || next != to || next == OrderStatus::kCancelled) {
      return Error::Conflict(std::string("a ") + FulfilmentName(o.fulfilment) + " order cannot go from " +
                                 OrderStatusName(o.status) + " to " + OrderStatusName(to),
                             "status");
    }
    ATELIER_ASSIGN_OR_RETURN(
        int64_t changed,
        s.Exec("UPDATE orders SET status = ?, updated_at = ? WHERE id = ? AND status = ?",
               {std::string(OrderStatusName(to)), now, order_id, std::string(OrderStatusName(o.status))}));
    if (changed != 1) return Error::Conflict("the order changed meanwhile", "status");
    ATELIER_RETURN_IF_ERROR(internal::AddOrderEvent(s, order_id, to, now, actor, note));
    ATELIER_ASSIGN_OR_RETURN(result, internal::LoadOrder(s, order_id));
    return Ok();
  }));
  return result;
}

Result<Order> OrderBook::Cancel(int64_t order_id, std::string_view actor, std::string_view note) {
  return CancelImpl(order_id, 0, actor, note);
}

Result<Order> OrderBook::CancelForShopper(int64_t account_id, int64_t order_id) {
  return CancelImpl(order_id, account_id, "shopper:" + std::to_string(account_id), "");
}

Result<Order> OrderBook::CancelImpl(int64_t order_id, int64_t account_id, std::string_view actor,
                                    std::string_view note) {
  const int64_t now = options_.clock() / 1000;
  Order result;
  ATELIER_RETURN_IF_ERROR(db_.Transact([&](store::Session& s) -> Status {
    ATELIER_ASSIGN_OR_RETURN(Order o, internal::LoadOrder(s, order_id));
    if (account_id != 0 && o.account_id != account_id) {
      return Error::NotFound("no order " + std::to_string(order_id), "order_id");
    }
    if (o.status != OrderStatus::kPlaced) {
      return Error::Conflict(std::string("a ") + FulfilmentName(o.fulfilment) +
                                 " order can no longer be cancelled " + "once " + OrderStatusName(o.status),
                             "status");
    }
    ATELIER_ASSIGN_OR_RETURN(int64_t changed,
                             s.Exec("UPDATE orders SET status = 'cancelled', updated_at = ? WHERE id = ? "
                                    "AND status = 'placed'",
                                    {now, order_id}));
    if (changed != 1) return Error::Conflict("the order changed meanwhile", "status");
    for (const OrderLine& line : o.lines) {
      if (line.source == Fulfilment::kStock) {
        ATELIER_RETURN_IF_ERROR(
            s.Exec("UPDATE stock_units SET quantity = quantity + ?, updated_at = ? WHERE id = ?",
                   {line.quantity, now, line.stock_unit_id}));
      } else {
        ATELIER_RETURN_IF_ERROR(
            scheduler_.Release(s, line.location_id, line.product_line, line.build_day, line.quantity));
      }
    }
    ATELIER_RETURN_IF_ERROR(
        s.Exec("UPDATE payments SET status = 'voided', updated_at = ? WHERE order_id = ?", {now, order_id}));
    ATELIER_RETURN_IF_ERROR(internal::AddOrderEvent(s, order_id, OrderStatus::kCancelled, now, actor, note));
    ATELIER_ASSIGN_OR_RETURN(result, internal::LoadOrder(s, order_id));
    return Ok();
  }));
  return result;
}

}  // namespace atelier::orders
