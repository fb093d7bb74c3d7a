#pragma once
// Reading orders from the store; shared by Checkout and OrderBook.

#include <cstdint>

#include "atelier/orders/orders.h"
#include "atelier/store/database.h"

namespace atelier::orders::internal {

// The order with its lines and events. Errors: kNotFound (field "order_id").
Result<Order> LoadOrder(store::Session& s, int64_t order_id);

// Appends an order_events row.
Status AddOrderEvent(store::Session& s, int64_t order_id, OrderStatus status, int64_t at,
                     std::string_view actor, std::string_view note);

}  // namespace atelier::orders::internal
