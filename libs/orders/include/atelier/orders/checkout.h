#pragma once
// Checkout: turns an account's cart into an order in one store transaction.
//
// Inside that one transaction Checkout
//   1. looks up (account, Idempotency-Key): a previous order with the same
//      request is returned as is (a retried POST gets the same order, also
//      when the retries race: the store serializes them and the unique
//      (account_id, idempotency_key) index backs it up); the same key with a
//      different request is kConflict;
//   2. prices every line on the server: products from the products table,
//      configured items through the ConfigurationPricer;
//   3. reserves stock with conditional updates
//        UPDATE stock_units SET quantity = quantity - n WHERE id = ? AND quantity >= n
//      checking the changed-row count (never read-then-write), trying for a
//      standard product a distribution centre in the shopper's region first,
//      then the other distribution centres, then other non-plant locations
//      (fewest transit days first, then location id); a line ships whole
//      from one location. A configured item pinned to a stock unit takes that
//      exact unit; any other configured item is built to order and books a
//      plant slot (schedule.h) — the accepted quote's slot when the request
//      carries one, else the earliest;
//   4. inserts the order, its lines, its `placed` event and its pending
//      payment record, and empties the cart.
// PlaceItems does the same for a list of items given by the caller instead
// of the cart (a stylist's pick bought in one click), and leaves the cart
// as it is.
// Any failure rolls all of it back, so a failed checkout leaves no order, no
// payment and no reservation. The order is returned only after the commit
// (with synchronous=FULL on SQLite: durable), never before.
//
// Thread-safety: safe to call concurrently (the store serializes the
// transactions and retries them on conflict).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "atelier/core/result.h"
#include "atelier/orders/carts.h"
#include "atelier/orders/orders.h"
#include "atelier/orders/pricer.h"
#include "atelier/orders/schedule.h"
#include "atelier/store/database.h"

namespace atelier::orders {

// The user id a shop account has in the event log ("acct:42"): placing an
// order records its lines there as purchase events (basket "order:<id>"),
// so the recommender learns from the shop's own orders and can answer
// "for you" for the signed-in shopper.
std::string ShopperEventUser(int64_t account_id);

struct CheckoutRequest {
  int64_t account_id = 0;
  // The Idempotency-Key header: 1..128 printable ASCII characters.
  std::string idempotency_key;
  // Where it ships; empty: the account's region.
  std::string region;
  // Who and where it is delivered to, as CheckShippingAddress returned it;
  // empty: none (the order ships by region).
  ShippingAddress shipping;
  // Also make `shipping` the account's saved address (addresses.h), in the
  // order's transaction, when the order is placed (not on a retry that
  // returns the first attempt's order). Ignored without a structured
  // address. Not part of the request for idempotency.
  bool save_address = false;
  // Delivery quotes the shopper accepted, by cart item id (build-to-order
  // items). Checkout books exactly that plant and day or fails with
  // kConflict and a fresh quote in CheckoutFailure::new_quotes.
  std::map<int64_t, DeliveryQuote> accepted_quotes;
};

// An item bought outside the cart (PlaceItems): what a cart line holds.
struct DirectItem {
  CartItemKind kind = CartItemKind::kProduct;
  std::string sku;            // kProduct
  ConfiguredItem configured;  // kConfigured
  int64_t quantity = 1;
};

// Details of a kConflict from Checkout, for the response body.
struct CheckoutFailure {
  // Ids of the cart items whose stock ran out (PlaceItems: positions in its
  // list, from 1).
  std::vector<int64_t> out_of_stock_items;
  // Cart item id -> the quote it would get now, for accepted quotes whose
  // slot filled up.
  std::map<int64_t, DeliveryQuote> new_quotes;
};

struct CheckoutOptions {
  // Clock for order timestamps and for "today" in delivery quotes.
  Clock clock = SystemClock();
};

class Checkout {
 public:
  // REQUIRES: `db`, `pricer` and `scheduler` outlive this object.
  Checkout(store::Database& db, ConfigurationPricer& pricer, Scheduler& scheduler,
           CheckoutOptions options = {});

  // Places the order. Errors:
  //   kInvalidArgument (field "idempotency_key") for a missing or malformed
  //     key; (field "cart") for an empty cart; (field "items[<id>]") for a
  //     line that cannot be bought (unknown SKU, invalid configuration,
  //     mixed currencies) — the pricer's message included;
  //   kConflict (field "idempotency_key") for a reused key with a different
  //     request; (field "stock") when stock ran out — the message starts with
  //     "out_of_stock:" and `failure` lists the items; (field "delivery")
  //     when an accepted quote's slot is gone — `failure` has new quotes;
  //   kUnavailable (field "plants") when nothing can build a configured item;
  //   the store's kUnavailable.
  // `failure` (optional) is filled on kConflict.
  Result<Order> Place(const CheckoutRequest& request, CheckoutFailure* failure = nullptr);

  // Places an order for exactly `items`, as Place does for the cart, without
  // reading or changing the account's cart. The items are part of the
  // request: a retry with the same key and items returns the same order,
  // the same key with other items (or a cart checkout's key) is kConflict
  // (field "idempotency_key"). `accepted_quotes` are keyed by position in
  // `items` (from 1). Errors: those of Place, with "items[<n>]" counting the
  // list from 1; kInvalidArgument (field "items") for an empty list, and
  // (field "items[<n>]") for a quantity below 1.
  Result<Order> PlaceItems(const CheckoutRequest& request, const std::vector<DirectItem>& items,
                           CheckoutFailure* failure = nullptr);

 private:
  // Place (`direct` null) and PlaceItems.
  Result<Order> PlaceOrder(const CheckoutRequest& request, const std::vector<DirectItem>* direct,
                           CheckoutFailure* failure);

  store::Database& db_;
  ConfigurationPricer& pricer_;
  Scheduler& scheduler_;
  CheckoutOptions options_;
};

}  // namespace atelier::orders
