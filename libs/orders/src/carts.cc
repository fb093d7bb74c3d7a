#include "atelier/orders/carts.h"

#include "internal/cart_rows.h"
#include "internal/crypto.h"

namespace atelier::orders {

namespace {

Status CheckQuantity(int64_t quantity, int64_t max, bool allow_zero) {
  if (quantity < (allow_zero ? 0 : 1) || quantity > max) {
    return Error::InvalidArgument("quantity must be between " + std::string(allow_zero ? "0" : "1") +
                                      " and " + std::to_string(max) + " (got " + std::to_string(quantity) +
                                      ")",
                                  "quantity");
  }
  return Ok();
}

}  // namespace

Carts::Carts(store::Database& db, CatalogSource catalog, ConfigurationPricer& pricer, CartsOptions options)
    : db_(db), catalog_(std::move(catalog)), pricer_(pricer), options_(std::move(options)) {
  internal::EnsureSodium();
}

Result<std::string> Carts::CreateGuestCart() {
  std::string token = internal::RandomToken();
  const int64_t now = options_.clock() / 1000;
  ATELIER_RETURN_IF_ERROR(db_.Transact([&](store::Session& s) -> Status {
    ATELIER_RETURN_IF_ERROR(s.Exec("INSERT INTO carts (token_hash, created_at, updated_at) VALUES (?, ?, ?)",
                                   {internal::Sha256Hex(token), now, now}));
    return Ok();
  }));
  return token;
}

Result<int64_t> Carts::AddLine(const CartOwner& owner, const std::string& line_key, CartItemKind kind,
                               const std::string& sku, const ConfiguredItem& item, int64_t quantity) {
  ATELIER_RETURN_IF_ERROR(CheckQuantity(quantity, options_.max_quantity_per_line, false));
  const int64_t now = options_.clock() / 1000;
  int64_t item_id = 0;
  ATELIER_RETURN_IF_ERROR(db_.Transact([&](store::Session& s) -> Status {
    int64_t cart_id = 0;
    if (owner.account_id != 0) {
      ATELIER_ASSIGN_OR_RETURN(cart_id, internal::EnsureAccountCart(s, owner.account_id, now));
    } else {
      ATELIER_ASSIGN_OR_RETURN(cart_id, internal::FindCartId(s, owner));
    }
    if (item.stock_unit_id != 0) ATELIER_RETURN_IF_ERROR(internal::CheckConfiguredStockUnit(s, item));
    ATELIER_ASSIGN_OR_RETURN(
        auto existing,
        s.Query("SELECT id FROM cart_items WHERE cart_id = ? AND line_key = ?", {cart_id, line_key}));
    if (existing.empty()) {
      ATELIER_ASSIGN_OR_RETURN(auto count,
                               s.Query("SELECT COUNT(*) FROM cart_items WHERE cart_id = ?", {cart_id}));
      if (count[0].Int(0) >= options_.max_lines) {
        return Error::TooLarge("a cart holds at most " + std::to_string(options_.max_lines) + " lines",
                               "items");
      }
    }
    ATELIER_ASSIGN_OR_RETURN(
        auto rows,
        s.Query(
            "INSERT INTO cart_items (cart_id, line_key, kind, sku, model_id, model_version, selections, "
            "personalization, stock_unit_id, quantity, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (cart_id, line_key) DO UPDATE SET quantity = cart_items.quantity + "
            "excluded.quantity "
            "RETURNING id, quantity",
            {cart_id, line_key, std::string(kind == CartItemKind::kProduct ? "product" : "configured"), sku,
             item.model_id, static_cast<int64_t>(item.model_version), SelectionsToJson(item.selections),
             SelectionsToJson(item.personalization),
             item.stock_unit_id != 0 ? store::Value(item.stock_unit_id) : store::Value(), quantity, now}));
    ATELIER_RETURN_IF_ERROR(CheckQuantity(rows.at(0).Int(1), options_.max_quantity_per_line, false));
    item_id = rows[0].Int(0);
    ATELIER_RETURN_IF_ERROR(s.Exec("UPDATE carts SET updated_at = ? WHERE id = ?", {now, cart_id}));
    return Ok();
  }));
  return item_id;
}

Result<int64_t> Carts::AddProduct(const CartOwner& owner, std::string_view sku, int64_t quantity) {
  auto snapshot = catalog_();
  const catalog::Product* product = snapshot ? snapshot->FindProductBySku(sku) : nullptr;
  if (product == nullptr) return Error::NotFound("no product with SKU '" + std::string(sku) + "'", "sku");
  if (!product->model_id.empty()) {
    return Error::InvalidArgument("SKU '" + std::string(sku) +
                                      "' is configurable: add a configuration of model '" +
                                      product->model_id + "' instead",
                                  "sku");
  }
  return AddLine(owner, internal::ProductLineKey(product->sku), CartItemKind::kProduct, product->sku, {},
                 quantity);
}

Result<int64_t> Carts::AddConfigured(const CartOwner& owner, const ConfiguredItem& item, int64_t quantity) {
  if (item.model_id.empty()) return Error::InvalidArgument("model_id is required", "model_id");
  ATELIER_RETURN_IF_ERROR(
      pricer_.Price(item.model_id, item.model_version, item.selections, item.personalization));
  return AddLine(owner, internal::ConfiguredLineKey(item), CartItemKind::kConfigured, "", item, quantity);
}

Status Carts::SetQuantity(const CartOwner& owner, int64_t item_id, int64_t quantity) {
  ATELIER_RETURN_IF_ERROR(CheckQuantity(quantity, options_.max_quantity_per_line, true));
  const int64_t now = options_.clock() / 1000;
  return db_.Transact([&](store::Session& s) -> Status {
    auto cart_id = internal::FindCartId(s, owner);
    const Error missing = Error::NotFound("no item " + std::to_string(item_id) + " in this cart", "item_id");
    if (!cart_id.ok()) return cart_id.error();
    if (*cart_id == 0) return missing;
    ATELIER_ASSIGN_OR_RETURN(
        int64_t changed,
        quantity == 0 ? s.Exec("DELETE FROM cart_items WHERE id = ? AND cart_id = ?", {item_id, *cart_id})
                      : s.Exec("UPDATE cart_items SET quantity = ? WHERE id = ? AND cart_id = ?",
                               {quantity, item_id, *cart_id}));
    if (changed == 0) return missing;
    ATELIER_RETURN_IF_ERROR(s.Exec("UPDATE carts SET updated_at = ? WHERE id = ?", {now, *cart_id}));
    return Ok();
  });
}

Status Carts::Clear(const CartOwner& owner) {
  return db_.Transact([&](store::Session& s) -> Status {
    ATELIER_ASSIGN_OR_RETURN(int64_t cart_id, internal::FindCartId(s, owner));
    if (cart_id != 0) ATELIER_RETURN_IF_ERROR(s.Exec("DELETE FROM cart_items WHERE cart_id = ?", {cart_id}));
    return Ok();
  });
}

Result<CartView> Carts::Get(const CartOwner& owner) {
  CartView view;
  ATELIER_ASSIGN_OR_RETURN(view.cart_id, internal::FindCartId(db_, owner));
  if (view.cart_id == 0) return view;
  ATELIER_ASSIGN_OR_RETURN(auto items, internal::LoadCartItems(db_, view.cart_id));
  auto snapshot = catalog_();
  bool currency_set = false;
  for (const auto& item : items) {
    CartLine line;
    line.item_id = item.id;
    line.kind = item.kind;
    line.quantity = item.quantity;
    if (item.kind == CartItemKind::kProduct) {
      line.sku = item.sku;
      const catalog::Product* p = snapshot ? snapshot->FindProductBySku(item.sku) : nullptr;
      if (p == nullptr) {
        line.title = item.sku;
        line.problem = "product is no longer sold";
      } else {
        line.title = p->title;
        line.unit_price = p->price;
      }
    } else {
      line.configured = item.configured;
      line.title = item.configured.model_id;
      auto priced = pricer_.Price(item.configured.model_id, item.configured.model_version,
                                  item.configured.selections, item.configured.personalization);
      if (!priced.ok()) {
        line.problem = priced.error().message;
      } else {
        line.unit_price = priced->unit_price;
      }
    }
    line.line_total = Money{line.unit_price.amount * line.quantity, line.unit_price.currency};
    if (line.problem.empty()) {
      if (!currency_set) {
        view.subtotal.currency = line.unit_price.currency;
        currency_set = true;
      }
      if (line.unit_price.currency != view.subtotal.currency) {
        line.problem = "priced in " + line.unit_price.currency + ", the cart in " + view.subtotal.currency;
      } else {
        view.subtotal.amount += line.line_total.amount;
        view.item_count += line.quantity;
      }
    }
    view.lines.push_back(std::move(line));
  }
  return view;
}

Status Carts::MergeGuestCart(std::string_view guest_token, int64_t account_id) {
  if (guest_token.empty()) return Ok();
  const int64_t now = options_.clock() / 1000;
  const int64_t cap = options_.max_quantity_per_line;
  return db_.Transact([&](store::Session& s) -> Status {
    auto guest = internal::FindCartId(s, CartOwner::Guest(std::string(guest_token)));
    if (!guest.ok()) return guest.error().code == ErrorCode::kNotFound ? Ok() : Status(guest.error());
    ATELIER_ASSIGN_OR_RETURN(auto items, internal::LoadCartItems(s, *guest));
    if (!items.empty()) {
      ATELIER_ASSIGN_OR_RETURN(int64_t target, internal::EnsureAccountCart(s, account_id, now));
      for (const auto& item : items) {
        ATELIER_RETURN_IF_ERROR(s.Exec(
            "INSERT INTO cart_items (cart_id, line_key, kind, sku, model_id, model_version, selections, "
            "personalization, stock_unit_id, quantity, created_at) "
            "SELECT ?, line_key, kind, sku, model_id, model_version, selections, personalization, "
            "stock_unit_id, "
            "quantity, ? FROM cart_items WHERE id = ? "
            "ON CONFLICT (cart_id, line_key) DO UPDATE SET quantity = CASE "
            "WHEN cart_items.quantity + excluded.quantity > ? THEN ? "
            "ELSE cart_items.quantity + excluded.quantity END",
            {target, now, item.id, cap, cap}));
      }
      ATELIER_RETURN_IF_ERROR(s.Exec("UPDATE carts SET updated_at = ? WHERE id = ?", {now, target}));
    }
    ATELIER_RETURN_IF_ERROR(s.Exec("DELETE FROM cart_items WHERE cart_id = ?", {*guest}));
    ATELIER_RETURN_IF_ERROR(s.Exec("DELETE FROM carts WHERE id = ?", {*guest}));
    return Ok();
  });
}

}  // namespace atelier::orders
