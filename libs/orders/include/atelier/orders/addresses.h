#pragma once
// A shopper's saved default shipping address: at most one per account
// (table account_addresses, migration 9). A checkout that asks for it
// (CheckoutRequest::save_address) saves its address with the order; the
// account page reads and changes it; a one-click buy of a stylist's pick
// (StylingDesk::BuyPick) ships to it.
//
// Only structured addresses (orders.h, AddressForm::kStructured) are saved:
// every saved address passed CheckShippingAddress, state included.
//
// Thread-safety: safe to call concurrently; state lives in the store.

#include <cstdint>
#include <optional>

#include "atelier/core/result.h"
#include "atelier/orders/orders.h"
#include "atelier/orders/types.h"
#include "atelier/store/database.h"

namespace atelier::orders {

struct SavedAddress {
  ShippingAddress address;
  int64_t updated_at = 0;  // unix seconds
};

// The account's saved address inside a transaction; nullopt when none.
Result<std::optional<SavedAddress>> LoadSavedAddress(store::Session& s, int64_t account_id);
// Replaces the account's saved address inside a transaction.
// REQUIRES: `address` came from CheckShippingAddress(kStructured).
Status SaveAddress(store::Session& s, int64_t account_id, const ShippingAddress& address, int64_t now);

class AddressBook {
 public:
  // REQUIRES: `db` outlives this object.
  explicit AddressBook(store::Database& db, Clock clock = SystemClock());

  // nullopt when the account has no saved address.
  Result<std::optional<SavedAddress>> Get(int64_t account_id);
  // Checks `address` as CheckShippingAddress(kStructured) does and saves it
  // as the account's address, replacing any. Errors: those of
  // CheckShippingAddress (kInvalidArgument naming "shipping.<member>").
  Result<SavedAddress> Put(int64_t account_id, ShippingAddress address);
  // Forgets the saved address; none saved is not an error.
  Status Remove(int64_t account_id);

 private:
  store::Database& db_;
  Clock clock_;
};

}  // namespace atelier::orders
