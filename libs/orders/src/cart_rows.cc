#include "internal/cart_rows.h"

#include "internal/crypto.h"

namespace atelier::orders::internal {

Result<int64_t> FindCartId(store::Session& s, const CartOwner& owner) {
  if (owner.account_id != 0) {
    ATELIER_ASSIGN_OR_RETURN(auto rows,
                             s.Query("SELECT id FROM carts WHERE account_id = ?", {owner.account_id}));
    return rows.empty() ? int64_t{0} : rows[0].Int(0);
  }
  if (owner.guest_token.empty())
    return Error::InvalidArgument("no cart: neither an account nor a cart token", "cart");
  ATELIER_ASSIGN_OR_RETURN(
      auto rows, s.Query("SELECT id FROM carts WHERE token_hash = ?", {Sha256Hex(owner.guest_token)}));
  if (rows.empty()) return Error::NotFound("unknown cart token", "cart");
  return rows[0].Int(0);
}

Result<int64_t> EnsureAccountCart(store::Session& s, int64_t account_id, int64_t now) {
  ATELIER_RETURN_IF_ERROR(
      s.Exec("INSERT INTO carts (account_id, created_at, updated_at) VALUES (?, ?, ?) ON CONFLICT "
             "(account_id) DO NOTHING",
             {account_id, now, now}));
  ATELIER_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT id FROM carts WHERE account_id = ?", {account_id}));
  if (rows.empty()) return Error::Internal("account cart vanished");
  return rows[0].Int(0);
}

Result<std::vector<CartItemRow>> LoadCartItems(store::Session& s, int64_t cart_id) {
  ATELIER_ASSIGN_OR_RETURN(
      auto rows, s.Query("SELECT id, kind, sku, model_id, model_version, selections, personalization, "
                         "stock_unit_id, quantity, line_key FROM cart_items WHERE cart_id = ? ORDER BY id",
                         {cart_id}));
  std::vector<CartItemRow> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    CartItemRow item;
    item.id = r.Int(0);
    item.kind = r.Text(1) == "configured" ? CartItemKind::kConfigured : CartItemKind::kProduct;
    item.sku = r.Text(2);
    item.configured.model_id = r.Text(3);
    item.configured.model_version = static_cast<int>(r.Int(4));
    // Written by this module in canonical form; a parse failure cannot happen.
    item.configured.selections = ParseSelections(r.Text(5)).ok() ? *ParseSelections(r.Text(5)) : Selections{};
    item.configured.personalization =
        ParseSelections(r.Text(6)).ok() ? *ParseSelections(r.Text(6)) : Personalization{};
    item.configured.stock_unit_id = r.Int(7);
    item.quantity = r.Int(8);
    item.line_key = r.Text(9);
    out.push_back(std::move(item));
  }
  return out;
}

std::string ProductLineKey(const std::string& sku) { return "p:" + sku; }

std::string ConfiguredLineKey(const ConfiguredItem& item) {
  return "c:" + Sha256Hex(item.model_id + "\n" + std::to_string(item.model_version) + "\n" +
                          SelectionsToJson(item.selections) + "\n" + SelectionsToJson(item.personalization) +
                          "\n" + std::to_string(item.stock_unit_id));
}

Status CheckConfiguredStockUnit(store::Session& s, const ConfiguredItem& item) {
  ATELIER_ASSIGN_OR_RETURN(
      auto rows, s.Query("SELECT p.model_id, su.configuration, l.type FROM stock_units su "
                         "JOIN products p ON p.id = su.product_id JOIN locations l ON l.id = su.location_id "
                         "WHERE su.id = ?",
                         {item.stock_unit_id}));
  if (rows.empty()) {
    return Error::NotFound("no stock unit " + std::to_string(item.stock_unit_id), "stock_unit_id");
  }
  if (rows[0].Text(0) != item.model_id || rows[0].Text(2) == "plant") {
    return Error::InvalidArgument(
        "stock unit " + std::to_string(item.stock_unit_id) + " is not a " + item.model_id, "stock_unit_id");
  }
  auto config = ParseSelections(rows[0].Text(1), "stock_unit.configuration");
  if (!config.ok() || *config != item.selections) {
    return Error::InvalidArgument(
        "stock unit " + std::to_string(item.stock_unit_id) + " is not configured as requested",
        "stock_unit_id");
  }
  return Ok();
}

}  // namespace atelier::orders::internal
