#pragma once
// Shopping carts: guest carts (by cart token) and account carts.
//
// A cart holds catalog products (SKU + quantity) and configured items (model
// id + version + selections + personalization, optionally pinned to one
// configured stock unit the shopper picked from availability). The cart
// stores only what the shopper chose, never a price: every read prices the
// lines again, products from the current catalog snapshot and configured
// items through the ConfigurationPricer, so a price sent by a client is never
// trusted and a price change shows up at once.
//
// A guest cart is found by a 256-bit token (cookie), stored hashed. At login
// the server calls MergeGuestCart(): the guest lines move into the account
// cart (equal lines add up, capped at max_quantity_per_line) and the guest
// cart is deleted.
//
// Every call names its cart through a CartOwner; an item id belonging to a
// different cart is reported as not found, so no shopper can read or change
// another's cart.
//
// Thread-safety: all members are safe to call concurrently; state lives in
// the store.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "atelier/catalog/snapshot.h"
#include "atelier/core/money.h"
#include "atelier/core/result.h"
#include "atelier/orders/pricer.h"
#include "atelier/orders/types.h"
#include "atelier/store/database.h"

namespace atelier::orders {

// The current catalog snapshot (e.g. SnapshotHolder<CatalogSnapshot>::Get).
using CatalogSource = std::function<std::shared_ptr<const catalog::CatalogSnapshot>()>;

// Exactly one of the two is set.
struct CartOwner {
  int64_t account_id = 0;
  std::string guest_token;

  static CartOwner Account(int64_t id) { return {id, {}}; }
  static CartOwner Guest(std::string token) { return {0, std::move(token)}; }
};

enum class CartItemKind { kProduct, kConfigured };

struct ConfiguredItem {
  std::string model_id;
  int model_version = 0;
  Selections selections;
  Personalization personalization;
  // A configured stock unit whose configuration equals `selections`, to buy
  // from stock instead of building to order; 0 = build to order.
  int64_t stock_unit_id = 0;
};

// One priced line of a cart.
struct CartLine {
  int64_t item_id = 0;
  CartItemKind kind = CartItemKind::kProduct;
  std::string sku;            // kProduct
  std::string title;          // product title, or model id for configured items
  ConfiguredItem configured;  // kConfigured
  int64_t quantity = 0;
  Money unit_price;
  Money line_total;
  // Empty when the line can be bought; otherwise why not ("product is no
  // longer sold", the configurator's reason for an invalid configuration).
  // Such lines are shown but block checkout.
  std::string problem;
};

struct CartView {
  int64_t cart_id = 0;  // 0 when the owner has no cart yet (an empty cart)
  std::vector<CartLine> lines;
  Money subtotal;  // of the lines without a problem
  int64_t item_count = 0;
};

struct CartsOptions {
  int64_t max_quantity_per_line = 99;
  int64_t max_lines = 100;
  Clock clock = SystemClock();
};

class Carts {
 public:
  // REQUIRES: `db` and `pricer` outlive this object.
  Carts(store::Database& db, CatalogSource catalog, ConfigurationPricer& pricer, CartsOptions options = {});

  // Creates an empty guest cart and returns its token (the cookie value).
  Result<std::string> CreateGuestCart();

  // Adds `quantity` of a catalog product (adding to an equal line).
  // Errors: kNotFound (field "sku") for an unknown SKU; kInvalidArgument
  // (field "quantity") outside 1..max_quantity_per_line (after adding),
  // (field "sku") for a configurable product's base SKU; kNotFound (field
  // "cart") for an unknown guest token; kTooLarge (field "items") past
  // max_lines. Returns the item id.
  Result<int64_t> AddProduct(const CartOwner& owner, std::string_view sku, int64_t quantity);

  // Adds a configured item, validated and priced through the pricer first.
  // Errors: the pricer's kInvalidArgument/kNotFound; kNotFound (field
  // "stock_unit_id") for an unknown stock unit; kInvalidArgument (field
  // "stock_unit_id") when the unit is not this model or not this exact
  // configuration; as AddProduct for quantity, cart and size.
  Result<int64_t> AddConfigured(const CartOwner& owner, const ConfiguredItem& item, int64_t quantity);

  // Sets a line's quantity; 0 removes it. Errors: kNotFound (field
  // "item_id") for an item not in this owner's cart; kInvalidArgument
  // (field "quantity") outside 0..max_quantity_per_line.
  Status SetQuantity(const CartOwner& owner, int64_t item_id, int64_t quantity);
  Status RemoveItem(const CartOwner& owner, int64_t item_id) { return SetQuantity(owner, item_id, 0); }
  // Empties the cart (no error when there is none).
  Status Clear(const CartOwner& owner);

  // The cart with prices recomputed now. An owner without a cart gets an
  // empty view. Errors: kNotFound (field "cart") for an unknown guest token.
  Result<CartView> Get(const CartOwner& owner);

  // Moves the guest cart's lines into the account's cart and deletes the
  // guest cart. An unknown or empty guest token is not an error (the cookie
  // may be stale).
  Status MergeGuestCart(std::string_view guest_token, int64_t account_id);

 private:
  Result<int64_t> AddLine(const CartOwner& owner, const std::string& line_key, CartItemKind kind,
                          const std::string& sku, const ConfiguredItem& item, int64_t quantity);

  store::Database& db_;
  CatalogSource catalog_;
  ConfigurationPricer& pricer_;
  CartsOptions options_;
};

}  // namespace atelier::orders
