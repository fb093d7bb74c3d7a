#pragma once
// Reading and writing cart rows; shared by Carts and Checkout.

#include <cstdint>
#include <string>
#include <vector>

#include "atelier/orders/carts.h"
#include "atelier/store/database.h"

namespace atelier::orders::internal {

struct CartItemRow {
  int64_t id = 0;
  CartItemKind kind = CartItemKind::kProduct;
  std::string sku;
  ConfiguredItem configured;
  int64_t quantity = 0;
  std::string line_key;
};

// The owner's cart id, or 0 when an account has no cart yet.
// Errors: kNotFound (field "cart") for an unknown guest token; kInvalidArgument
// (field "cart") when the owner names neither an account nor a token.
Result<int64_t> FindCartId(store::Session& s, const CartOwner& owner);

// The account's cart id, created when missing. REQUIRES: inside a transaction.
Result<int64_t> EnsureAccountCart(store::Session& s, int64_t account_id, int64_t now);

// Items in insertion order.
Result<std::vector<CartItemRow>> LoadCartItems(store::Session& s, int64_t cart_id);

// Equal lines share a key: "p:<sku>" or "c:<hash of model, version,
// selections, personalization, stock unit>".
std::string ProductLineKey(const std::string& sku);
std::string ConfiguredLineKey(const ConfiguredItem& item);

// Checks that stock unit `stock_unit_id` holds exactly `item`'s configuration
// of its model. Errors: kNotFound / kInvalidArgument (field "stock_unit_id").
Status CheckConfiguredStockUnit(store::Session& s, const ConfiguredItem& item);

}  // namespace atelier::orders::internal
