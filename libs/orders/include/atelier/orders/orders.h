#pragma once
// Orders after checkout: reading, tracking, the production pipeline and
// cancellation.
//
// Lifecycle (each step appends a timestamped row to order_events):
//   build to order:  placed -> in_production -> built -> shipped -> delivered
//   from stock:      placed -> shipped -> delivered
//   cancelled: a build-to-order order only while `placed` (before production
//   starts), a stock order only before it ships, i.e. also only while
//   `placed`. An order with any build-to-order line is a build-to-order
//   order: it ships whole when the last line is built.
// Cancelling puts reserved stock back on the unit it came from, frees the
// plant slots, and voids the pending payment, in one transaction.
//
// Shoppers only ever see their own orders: another shopper's order id is
// reported as kNotFound, never kForbidden, so ids leak nothing.
//
// Thread-safety: all members are safe to call concurrently; transitions are
// conditional updates, so two merchants moving one order race safely (one
// wins, the other gets kConflict).

#include <cstdint>
#include <string>
#include <vector>

#include "atelier/core/money.h"
#include "atelier/core/result.h"
#include "atelier/orders/carts.h"
#include "atelier/orders/schedule.h"
#include "atelier/orders/types.h"
#include "atelier/store/database.h"

namespace atelier::orders {

enum class OrderStatus { kPlaced, kInProduction, kBuilt, kShipped, kDelivered, kCancelled };
// "placed", "in_production", "built", "shipped", "delivered", "cancelled".
const char* OrderStatusName(OrderStatus status);
// kInvalidArgument (field "status") for any other text.
Result<OrderStatus> ParseOrderStatus(std::string_view text);

enum class Fulfilment { kStock, kBuildToOrder };
const char* FulfilmentName(Fulfilment f);  // "stock", "build_to_order"

struct OrderLine {
  int line_no = 0;
  CartItemKind kind = CartItemKind::kProduct;
  std::string sku;            // kProduct
  ConfiguredItem configured;  // kConfigured
  int64_t quantity = 0;
  Money unit_price;
  Money line_total;
  Fulfilment source = Fulfilment::kStock;
  int64_t stock_unit_id = 0;  // source kStock: the unit it was taken from
  int64_t location_id = 0;    // ships from (stock location or plant)
  std::string location_code;
  std::string product_line;  // build to order
  int64_t build_day = 0;     // build to order: the booked plant slot
  int64_t delivery_day = 0;
};

struct OrderEvent {
  OrderStatus status = OrderStatus::kPlaced;
  int64_t at = 0;     // unix seconds
  std::string actor;  // "shopper:12", "merchant:<key name>", ...
  std::string note;
};

// Where an order is delivered. All empty when the checkout named no
// address (a client that ships by region only).
struct ShippingAddress {
  std::string name;         // who receives it
  std::string line1;        // street and number; or the whole address as one text
  std::string line2;        // optional: flat, floor, c/o
  std::string city;
  std::string postal_code;
  std::string country;      // ISO 3166-1 alpha-2, upper case ("US")
  // State, province or territory: a postal code, upper case ("NY", "QC",
  // "NSW"), required for US, CA and AU; free text elsewhere, optional.
  // Last, so that older brace-initialised addresses stay valid.
  std::string state;

  bool empty() const { return name.empty() && line1.empty(); }
  friend bool operator==(const ShippingAddress&, const ShippingAddress&) = default;
};

// How a checkout sent its address: in fields (line1, line2, city, state,
// postal_code, country), or as one free text (the storefront's single
// address box, kept in `line1`).
enum class AddressForm { kStructured, kOneText };

inline constexpr size_t kMaxAddressLineBytes = 200;
inline constexpr size_t kMaxOneTextAddressBytes = 500;
inline constexpr size_t kMaxStateBytes = 100;

// Whether addresses in `country` (ISO alpha-2, upper case) need a state,
// province or territory: US, CA and AU.
bool CountryNeedsState(std::string_view country);

// `address` trimmed and checked: name and line1 always; with kStructured
// also city, postal_code (2 to 12 letters, digits, spaces or hyphens),
// country (two letters, returned upper-cased) and state: for US, CA and AU
// required and one of the country's postal codes for its states, provinces
// and territories (2 or 3 letters: "NY", "QC", "NSW"; returned upper-cased),
// elsewhere optional and at most kMaxStateBytes; no control characters
// (newlines only in a one-text address); each line at most
// kMaxAddressLineBytes (a one-text address kMaxOneTextAddressBytes).
// Errors: kInvalidArgument naming the field as "shipping.<member>".
Result<ShippingAddress> CheckShippingAddress(ShippingAddress address, AddressForm form);

struct Order {
  int64_t id = 0;
  int64_t account_id = 0;
  OrderStatus status = OrderStatus::kPlaced;
  Fulfilment fulfilment = Fulfilment::kStock;
  std::string region;
  ShippingAddress shipping;  // empty when the checkout named none
  Money total;
  int64_t expected_delivery_day = 0;
  std::string expected_delivery_date;  // "2026-12-04"
  std::string payment_status;          // "pending" or "voided"
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::vector<OrderLine> lines;
  std::vector<OrderEvent> events;  // oldest first: the tracking timeline
};

struct OrderPage {
  std::vector<Order> orders;  // newest first; lines and events included
  int64_t total = 0;          // over all pages
};

struct OrderBookOptions {
  int max_per_page = 100;
  Clock clock = SystemClock();
};

class OrderBook {
 public:
  // REQUIRES: `db` and `scheduler` outlive this object.
  OrderBook(store::Database& db, Scheduler& scheduler, OrderBookOptions options = {});

  // The shopper's own order. Errors: kNotFound for a missing order and for
  // another shopper's order alike.
  Result<Order> GetOrder(int64_t account_id, int64_t order_id);
  // The shopper's orders, newest first; `page` from 1. Errors:
  // kInvalidArgument (field "page"/"per_page").
  Result<OrderPage> ListOrders(int64_t account_id, int page, int per_page);

  // "The same, but in red": the configuration of line `line_no` (from 1) of
  // the shopper's own order, to start a new configuration from (the
  // configure handler's `from_order`). The stock unit pin is cleared.
  // Errors: kNotFound for another shopper's order or a missing line;
  // kInvalidArgument (field "line_no") for a line that is not configured.
  Result<ConfiguredItem> ConfigurationFromOrder(int64_t account_id, int64_t order_id, int line_no);

  // Merchant views (behind an API key with the `orders` scope).
  Result<Order> GetOrderForMerchant(int64_t order_id);
  Result<OrderPage> ListByStatus(OrderStatus status, int page, int per_page);

  // Moves an order one step along its lifecycle. Errors: kNotFound;
  // kConflict (field "status") when `to` is not the next step of the
  // order's lifecycle from its current status (cancel with Cancel()).
  Result<Order> Advance(int64_t order_id, OrderStatus to, std::string_view actor, std::string_view note = {});

  // Merchant cancellation. Errors: kNotFound; kConflict (field "status")
  // once production started / the order shipped, or when already cancelled.
  Result<Order> Cancel(int64_t order_id, std::string_view actor, std::string_view note = {});
  // Shopper cancellation of their own order: as Cancel, and kNotFound for
  // another shopper's order.
  Result<Order> CancelForShopper(int64_t account_id, int64_t order_id);

 private:
  Result<Order> CancelImpl(int64_t order_id, int64_t account_id, std::string_view actor,
                           std::string_view note);
  Result<OrderPage> List(const std::string& where, const store::Value& filter, int page, int per_page);

  store::Database& db_;
  Scheduler& scheduler_;
  OrderBookOptions options_;
};

}  // namespace atelier::orders
