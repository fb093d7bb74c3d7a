#include "atelier/orders/addresses.h"

namespace atelier::orders {

Result<std::optional<SavedAddress>> LoadSavedAddress(store::Session& s, int64_t account_id) {
  ATELIER_ASSIGN_OR_RETURN(auto rows,
                           s.Query("SELECT name, line1, line2, city, postal_code, country, state, updated_at "
                                   "FROM account_addresses WHERE account_id = ?",
                                   {account_id}));
  if (rows.empty()) return std::optional<SavedAddress>();
  const store::Row& r = rows[0];
  SavedAddress saved;
  saved.address = {r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Text(6)};
  saved.updated_at = r.Int(7);
  return std::optional<SavedAddress>(std::move(saved));
}

Status SaveAddress(store::Session& s, int64_t account_id, const ShippingAddress& a, int64_t now) {
  ATELIER_RETURN_IF_ERROR(s.Exec(
      "INSERT INTO account_addresses (account_id, name, line1, line2, city, state, postal_code, country, "
      "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET "
      "name = excluded.name, line1 = excluded.line1, line2 = excluded.line2, city = excluded.city, "
      "state = excluded.state, postal_code = excluded.postal_code, country = excluded.country, "
      "updated_at = excluded.updated_at",
      {account_id, a.name, a.line1, a.line2, a.city, a.state, a.postal_code, a.country, now}));
  return Ok();
}

AddressBook::AddressBook(store::Database& db, Clock clock) : db_(db), clock_(std::move(clock)) {}

Result<std::optional<SavedAddress>> AddressBook::Get(int64_t account_id) {
  std::optional<SavedAddress> out;
  ATELIER_RETURN_IF_ERROR(db_.Transact([&](store::Session& s) -> Status {
    ATELIER_ASSIGN_OR_RETURN(out, LoadSavedAddress(s, account_id));
    return Ok();
  }));
  return out;
}

Result<SavedAddress> AddressBook::Put(int64_t account_id, ShippingAddress address) {
  ATELIER_ASSIGN_OR_RETURN(ShippingAddress checked,
                           CheckShippingAddress(std::move(address), AddressForm::kStructured));
  SavedAddress saved{std::move(checked), clock_() / 1000};
  ATELIER_RETURN_IF_ERROR(db_.Transact([&](store::Session& s) -> Status {
    return SaveAddress(s, account_id, saved.address, saved.updated_at);
  }));
  return saved;
}

Status AddressBook::Remove(int64_t account_id) {
  return db_.Transact([&](store::Session& s) -> Status {
    ATELIER_RETURN_IF_ERROR(s.Exec("DELETE FROM account_addresses WHERE account_id = ?", {account_id}));
    return Ok();
  });
}

}  // namespace atelier::orders
