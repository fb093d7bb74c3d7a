#include "atelier/orders/checkout.h"

#include <algorithm>
#include <tuple>
#include <vector>

#include "atelier/orders/addresses.h"
#include "atelier/store/events.h"
#include "internal/cart_rows.h"
#include "internal/crypto.h"
#include "internal/order_rows.h"

namespace atelier::orders {

namespace {

Status CheckIdempotencyKey(const std::string& key) {
  if (key.empty() || key.size() > 128) {
    return Error::InvalidArgument("Idempotency-Key must be 1 to 128 characters", "idempotency_key");
  }
  for (char c : key) {
    if (c < 0x21 || c > 0x7e) {
      return Error::InvalidArgument("Idempotency-Key must be printable ASCII without spaces",
                                    "idempotency_key");
    }
  }
  return Ok();
}

// What makes two checkout requests "the same" for idempotency: for a
// direct purchase, also what it buys (a cart checkout has no item lines, so
// the two never hash alike).
std::string RequestHash(const CheckoutRequest& r, const std::vector<DirectItem>* direct) {
  std::string text = "region=" + r.region;
  if (!r.shipping.empty()) {
    const ShippingAddress& a = r.shipping;
    for (const std::string* part : {&a.name, &a.line1, &a.line2, &a.city, &a.postal_code, &a.country}) {
      text += "\nship=" + std::to_string(part->size()) + ":" + *part;
    }
    // Only when present, so that the hashes of orders placed before there
    // was a state stay as they were (their retries still match).
    if (!a.state.empty()) text += "\nstate=" + a.state;
  }
  for (const auto& [item, q] : r.accepted_quotes) {
    text += "\nquote=" + std::to_string(item) + "," + std::to_string(q.plant_id) + "," + q.product_line +
            "," + std::to_string(q.build_day);
  }
  if (direct != nullptr) {
    for (const DirectItem& item : *direct) {
      const std::string line = item.kind == CartItemKind::kProduct ? internal::ProductLineKey(item.sku)
                                                                    : internal::ConfiguredLineKey(item.configured);
      text += "\nitem=" + std::to_string(item.quantity) + "," + line;
    }
  }
  return internal::Sha256Hex(text);
}

std::string ItemField(int64_t item_id) { return "items[" + std::to_string(item_id) + "]"; }

// A line ready to insert.
struct PlacedLine {
  const internal::CartItemRow* item = nullptr;
  int64_t product_id = 0;
  Money unit_price;
  Fulfilment source = Fulfilment::kStock;
  int64_t stock_unit_id = 0;
  int64_t location_id = 0;
  std::string product_line;
  int64_t build_day = 0;
  int64_t delivery_day = 0;
};

struct StockCandidate {
  int64_t stock_unit_id = 0;
  int64_t location_id = 0;
  int group = 0;  // 0: DC in the shopper's region, 1: other DC, 2: other location
  int transit_days = 0;
};

}  // namespace

Checkout::Checkout(store::Database& db, ConfigurationPricer& pricer, Scheduler& scheduler,
                   CheckoutOptions options)
    : db_(db), pricer_(pricer), scheduler_(scheduler), options_(std::move(options)) {}

std::string ShopperEventUser(int64_t account_id) { return "acct:" + std::to_string(account_id); }

Result<Order> Checkout::Place(const CheckoutRequest& request, CheckoutFailure* failure) {
  return PlaceOrder(request, nullptr, failure);
}

Result<Order> Checkout::PlaceItems(const CheckoutRequest& request, const std::vector<DirectItem>& items,
                                   CheckoutFailure* failure) {
  if (items.empty()) return Error::InvalidArgument("there is nothing to buy", "items");
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].quantity <= 0) {
      return Error::InvalidArgument("quantity must be at least 1", ItemField(static_cast<int64_t>(i + 1)));
    }
  }
  return PlaceOrder(request, &items, failure);
}

Result<Order> Checkout::PlaceOrder(const CheckoutRequest& request, const std::vector<DirectItem>* direct,
                                   CheckoutFailure* failure) {
  ATELIER_RETURN_IF_ERROR(CheckIdempotencyKey(request.idempotency_key));
  if (request.account_id <= 0) return Error::Unauthorized("checkout needs a logged-in account");
  const int64_t now_ms = options_.clock();
  const int64_t now = now_ms / 1000;
  const int64_t today = DayOf(now_ms);
  const std::string request_hash = RequestHash(request, direct);
  const std::string actor = "shopper:" + std::to_string(request.account_id);

  // Returns the order already placed under this key, if any.
  auto find_previous = [&](store::Session& s) -> Result<std::optional<Order>> {
    ATELIER_ASSIGN_OR_RETURN(
        auto rows, s.Query("SELECT id, request_hash FROM orders WHERE account_id = ? AND idempotency_key = ?",
                           {request.account_id, request.idempotency_key}));
    if (rows.empty()) return std::optional<Order>();
    if (rows[0].Text(1) != request_hash) {
      return Error::Conflict("Idempotency-Key was already used for a different checkout request",
                             "idempotency_key");
    }
    ATELIER_ASSIGN_OR_RETURN(Order o, internal::LoadOrder(s, rows[0].Int(0)));
    return std::optional<Order>(std::move(o));
  };

  CheckoutFailure local_failure;
  Order result;
  Status st = db_.Transact([&](store::Session& s) -> Status {
    local_failure = {};  // the body may run more than once
    ATELIER_ASSIGN_OR_RETURN(auto previous, find_previous(s));
    if (previous) {
      result = std::move(*previous);
      return Ok();
    }

    ATELIER_ASSIGN_OR_RETURN(auto account,
                             s.Query("SELECT region FROM accounts WHERE id = ?", {request.account_id}));
    if (account.empty()) return Error::Unauthorized("checkout needs a logged-in account");
    const std::string region = request.region.empty() ? account[0].Text(0) : request.region;

    int64_t cart_id = 0;
    std::vector<internal::CartItemRow> items;
    if (direct != nullptr) {
      for (const DirectItem& d : *direct) {
        internal::CartItemRow row;
        row.id = static_cast<int64_t>(items.size()) + 1;
        row.kind = d.kind;
        row.sku = d.sku;
        row.configured = d.configured;
        row.quantity = d.quantity;
        items.push_back(std::move(row));
      }
    } else {
      ATELIER_ASSIGN_OR_RETURN(cart_id, internal::FindCartId(s, CartOwner::Account(request.account_id)));
      if (cart_id != 0) {
        ATELIER_ASSIGN_OR_RETURN(items, internal::LoadCartItems(s, cart_id));
      }
      if (items.empty()) return Error::InvalidArgument("the cart is empty", "cart");
    }

    std::vector<PlacedLine> lines;
    std::string currency;
    for (const auto& item : items) {
      PlacedLine line;
      line.item = &item;
      const std::string field = ItemField(item.id);
      if (item.kind == CartItemKind::kProduct) {
        ATELIER_ASSIGN_OR_RETURN(
            auto product,
            s.Query("SELECT id, price_amount, currency, model_id FROM products WHERE sku = ?", {item.sku}));
        if (product.empty() || !product[0].Text(3).empty()) {
          return Error::InvalidArgument("product '" + item.sku + "' is no longer sold", field);
        }
        line.product_id = product[0].Int(0);
        line.unit_price = Money{product[0].Int(1), product[0].Text(2)};
      } else {
        auto priced = pricer_.Price(item.configured.model_id, item.configured.model_version,
                                    item.configured.selections, item.configured.personalization);
        if (!priced.ok()) return Error::InvalidArgument(priced.error().message, field);
        line.unit_price = priced->unit_price;
        line.product_line = priced->product_line;
        if (item.configured.stock_unit_id == 0) {
          line.source = Fulfilment::kBuildToOrder;
          const BuildRequest build{priced->product_line, priced->plant_codes, priced->lead_time_days,
                                   item.quantity, region};
          auto accepted = request.accepted_quotes.find(item.id);
          if (accepted != request.accepted_quotes.end()) {
            const DeliveryQuote& q = accepted->second;
            // The client sent the quote back: trust only its plant and day,
            // and only when that plant may build this configuration.
            ATELIER_ASSIGN_OR_RETURN(
                auto plant, s.Query("SELECT code FROM locations WHERE id = ? AND type = 'plant'", {q.plant_id}));
            const bool plausible =
                !plant.empty() && q.build_day >= today + priced->lead_time_days &&
                std::find(priced->plant_codes.begin(), priced->plant_codes.end(), plant[0].Text(0)) !=
                    priced->plant_codes.end();
            bool booked = false;
            if (plausible) {
              DeliveryQuote slot = q;
              slot.product_line = priced->product_line;
              ATELIER_ASSIGN_OR_RETURN(booked, scheduler_.Reserve(s, slot, item.quantity));
            }
            if (!booked) {
              ATELIER_ASSIGN_OR_RETURN(DeliveryQuote fresh, scheduler_.Quote(s, build, today));
              local_failure.new_quotes[item.id] = fresh;
              continue;
            }
            line.location_id = q.plant_id;
            line.build_day = q.build_day;
            ATELIER_ASSIGN_OR_RETURN(int transit, scheduler_.TransitDays(s, q.plant_id, region));
            line.delivery_day = q.build_day + transit;
          } else {
            ATELIER_ASSIGN_OR_RETURN(DeliveryQuote q, scheduler_.Quote(s, build, today));
            ATELIER_ASSIGN_OR_RETURN(bool booked, scheduler_.Reserve(s, q, item.quantity));
            if (!booked) return Error::Internal("a slot quoted inside the transaction could not be booked");
            line.location_id = q.plant_id;
            line.build_day = q.build_day;
            line.delivery_day = q.delivery_day;
          }
        } else {
          Status unit = internal::CheckConfiguredStockUnit(s, item.configured);
          if (!unit.ok()) return Error{unit.error().code, unit.error().message, field};
        }
      }
      if (currency.empty()) currency = line.unit_price.currency;
      if (line.unit_price.currency != currency) {
        return Error::InvalidArgument(
            "items priced in " + line.unit_price.currency + " and " + currency + " cannot be bought together",
            field);
      }

      if (line.source == Fulfilment::kStock) {
        // Candidate units, best first; the conditional UPDATE decides.
        std::vector<StockCandidate> candidates;
        if (item.kind == CartItemKind::kConfigured) {
          ATELIER_ASSIGN_OR_RETURN(auto unit, s.Query("SELECT location_id FROM stock_units WHERE id = ?",
                                                      {item.configured.stock_unit_id}));
          candidates.push_back({item.configured.stock_unit_id, unit.at(0).Int(0), 0, 0});
        } else {
          ATELIER_ASSIGN_OR_RETURN(
              auto units, s.Query("SELECT su.id, su.location_id, l.type, l.region FROM stock_units su "
                                  "JOIN locations l ON l.id = su.location_id "
                                  "WHERE su.product_id = ? AND su.configuration = '' AND l.type <> 'plant' "
                                  "AND su.quantity >= ?",
                                  {line.product_id, item.quantity}));
          for (const auto& u : units) {
            StockCandidate c{u.Int(0), u.Int(1), 2, 0};
            if (u.Text(2) == "distribution_centre") c.group = u.Text(3) == region ? 0 : 1;
            candidates.push_back(c);
          }
        }
        for (auto& c : candidates) {
          ATELIER_ASSIGN_OR_RETURN(c.transit_days, scheduler_.TransitDays(s, c.location_id, region));
        }
        std::sort(candidates.begin(), candidates.end(), [](const StockCandidate& a, const StockCandidate& b) {
          return std::tie(a.group, a.transit_days, a.location_id) <
                 std::tie(b.group, b.transit_days, b.location_id);
        });
        bool reserved = false;
        for (const auto& c : candidates) {
          ATELIER_ASSIGN_OR_RETURN(int64_t changed,
                                   s.Exec("UPDATE stock_units SET quantity = quantity - ?, updated_at = ? "
                                          "WHERE id = ? AND quantity >= ?",
                                          {item.quantity, now, c.stock_unit_id, item.quantity}));
          if (changed == 1) {
            line.stock_unit_id = c.stock_unit_id;
            line.location_id = c.location_id;
            line.delivery_day = today + c.transit_days;
            reserved = true;
            break;
          }
        }
        if (!reserved) {
          local_failure.out_of_stock_items.push_back(item.id);
          continue;
        }
      }
      lines.push_back(std::move(line));
    }

    if (!local_failure.out_of_stock_items.empty()) {
      std::string which;
      for (int64_t id : local_failure.out_of_stock_items) {
        const auto it = std::find_if(items.begin(), items.end(), [id](const auto& i) { return i.id == id; });
        if (!which.empty()) which += ", ";
        which += it->kind == CartItemKind::kProduct ? it->sku : it->configured.model_id;
      }
      return Error::Conflict("out_of_stock: not enough stock for " + which, "stock");
    }
    if (!local_failure.new_quotes.empty()) {
      const DeliveryQuote& q = local_failure.new_quotes.begin()->second;
      return Error::Conflict(
          "the accepted delivery slot is no longer free; the earliest delivery now is " + q.delivery_date,
          "delivery");
    }

    int64_t total = 0;
    int64_t expected = 0;
    bool build_to_order = false;
    for (const auto& l : lines) {
      total += l.unit_price.amount * l.item->quantity;
      expected = std::max(expected, l.delivery_day);
      build_to_order = build_to_order || l.source == Fulfilment::kBuildToOrder;
    }
    ATELIER_ASSIGN_OR_RETURN(
        auto inserted,
        s.Query("INSERT INTO orders (account_id, idempotency_key, request_hash, status, fulfilment, region, "
                "total_amount, currency, expected_delivery_day, created_at, updated_at, shipping_name, "
                "shipping_line1, shipping_line2, shipping_city, shipping_postal_code, shipping_country, "
                "shipping_state) "
                "VALUES (?, ?, ?, 'placed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                {request.account_id, request.idempotency_key, request_hash,
                 std::string(FulfilmentName(build_to_order ? Fulfilment::kBuildToOrder : Fulfilment::kStock)),
                 region, total, currency, expected, now, now, request.shipping.name, request.shipping.line1,
                 request.shipping.line2, request.shipping.city, request.shipping.postal_code,
                 request.shipping.country, request.shipping.state}));
    const int64_t order_id = inserted.at(0).Int(0);
    int64_t line_no = 0;
    for (const auto& l : lines) {
      const auto& item = *l.item;
      ATELIER_RETURN_IF_ERROR(s.Exec(
          "INSERT INTO order_lines (order_id, line_no, kind, sku, product_id, model_id, model_version, "
          "selections, "
          "personalization, quantity, unit_amount, currency, source, stock_unit_id, location_id, "
          "product_line, "
          "production_day, delivery_day) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {order_id, ++line_no, std::string(item.kind == CartItemKind::kProduct ? "product" : "configured"),
           item.sku, l.product_id ? store::Value(l.product_id) : store::Value(), item.configured.model_id,
           static_cast<int64_t>(item.configured.model_version), SelectionsToJson(item.configured.selections),
           SelectionsToJson(item.configured.personalization), item.quantity, l.unit_price.amount, currency,
           std::string(l.source == Fulfilment::kStock ? "stock" : "build_to_order"),
           l.stock_unit_id ? store::Value(l.stock_unit_id) : store::Value(), l.location_id, l.product_line,
           l.build_day, l.delivery_day}));
    }
    // The order is also the recommender's history: one purchase event per
    // line, in the same transaction (an acknowledged order is always in
    // the next training's data), the order as the basket.
    std::vector<store::EventRow> purchases;
    for (const auto& l : lines) {
      purchases.push_back({"order:" + std::to_string(order_id) + ":" + std::to_string(purchases.size() + 1),
                           "purchase", ShopperEventUser(request.account_id), l.item->sku,
                           "order:" + std::to_string(order_id), l.item->quantity, "", now});
    }
    ATELIER_RETURN_IF_ERROR(store::InsertEvents(s, purchases));
    ATELIER_RETURN_IF_ERROR(internal::AddOrderEvent(s, order_id, OrderStatus::kPlaced, now, actor, ""));
    ATELIER_RETURN_IF_ERROR(
        s.Exec("INSERT INTO payments (order_id, amount, currency, status, created_at, updated_at) "
               "VALUES (?, ?, ?, 'pending', ?, ?)",
               {order_id, total, currency, now, now}));
    if (direct == nullptr) {
      ATELIER_RETURN_IF_ERROR(s.Exec("DELETE FROM cart_items WHERE cart_id = ?", {cart_id}));
    }
    // "Save this address for next time": with the order, so an order that
    // rolls back saves nothing. A one-text address (no city, no country)
    // is never saved.
    if (request.save_address && !request.shipping.empty() && !request.shipping.country.empty()) {
      ATELIER_RETURN_IF_ERROR(SaveAddress(s, request.account_id, request.shipping, now));
    }
    ATELIER_ASSIGN_OR_RETURN(result, internal::LoadOrder(s, order_id));
    return Ok();
  });

  if (!st.ok()) {
    // A concurrent retry on another replica may have won the unique
    // (account_id, idempotency_key) race; its order is ours.
    if (st.error().code == ErrorCode::kConflict && st.error().field.empty()) {
      auto previous = find_previous(db_);
      if (previous.ok() && *previous) return std::move(**previous);
    }
    if (failure != nullptr && st.error().code == ErrorCode::kConflict) *failure = std::move(local_failure);
    return st.error();
  }
  return result;
}

}  // namespace atelier::orders
