#pragma once
// Personal shoppers (stylists): a shopper asks for one with a spec sheet, a
// stylist is assigned, sends curated picks with a note, the two exchange
// messages, and the shopper buys a pick in one click.
//
// Who sees what. A style request belongs to one shopper and, once assigned,
// to one stylist (an account with Role::kStylist, created with `atelier
// admin create-staff --role stylist`; staff log in like shoppers). Every call
// names its caller; a request that is not the caller's (another shopper's,
// or a stylist's not assigned to them) is kNotFound, never kForbidden, so
// ids reveal nothing.
//
// States: open (no stylist yet) -> assigned -> closed. A request is assigned
// when it is opened, to the least-loaded stylist: the fewest requests in
// state assigned, ties broken by the lowest account id. The count and the
// insert run in one store transaction (serializable: SQLite's single writer,
// PostgreSQL's SSI with retries), so two requests opened at once never both
// see the same stale load. With no stylist on staff the request stays open;
// AssignOpenRequests() assigns the waiting ones (oldest first) once there is
// one (the stylist routes call it when a stylist looks at the queue).
// Either side may close a request; a closed request takes no more picks or
// messages, but its picks can still be bought.
//
// Picks are a catalog product (SKU) or a configuration of a configurable
// product (model id + version + selections, validated and priced by the
// ConfigurationPricer): "no stock shoe is a wide 10.5 in green, so here is
// the custom shoe in exactly that". Prices are never stored: every read
// prices the picks again, like carts do.
//
// One-click buy places an order for the pick alone (Checkout::PlaceItems,
// one of it, with the shopper's Idempotency-Key), shipped to the shopper's
// saved address (addresses.h), and leaves the shopper's cart as it is:
// whatever the cart holds is neither bought nor removed. Without a saved
// address it is kConflict (field "shipping"). A retry with the same key
// returns the same order (also when the saved address changed meanwhile); a
// key already used for another pick or a cart checkout is kConflict.
//
// Thread-safety: safe to call concurrently; state lives in the store. A
// StylingDesk holds references only and is cheap to construct per request.

#include <cstdint>
#include <optional>
#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "atelier/core/money.h"
#include "atelier/core/result.h"
#include "atelier/orders/carts.h"
#include "atelier/orders/checkout.h"
#include "atelier/orders/orders.h"
#include "atelier/orders/pricer.h"
#include "atelier/orders/types.h"
#include "atelier/store/database.h"

namespace atelier::orders {

// What the shopper tells the stylist. Every member is optional; texts are
// trimmed.
struct SpecSheet {
  std::string category;               // "shoes"
  std::string size;                   // "10.5"
  std::string width;                  // "W"
  std::string colour;                 // "green"
  std::vector<std::string> likes;     // "leather", "low heels"
  std::vector<std::string> dislikes;  // "suede"
  std::optional<int64_t> budget;      // minor units of the shop currency
  std::string notes;                  // free text
};

enum class StyleRequestState { kOpen, kAssigned, kClosed };
// "open", "assigned", "closed".
const char* StyleRequestStateName(StyleRequestState state);

// Who is calling: an account id and its role (from the session).
struct StylingCaller {
  int64_t account_id = 0;
  Role role = Role::kShopper;
};

struct StylePick {
  int64_t id = 0;
  int64_t request_id = 0;
  int64_t stylist_id = 0;
  CartItemKind kind = CartItemKind::kProduct;
  std::string sku;            // kProduct
  ConfiguredItem configured;  // kConfigured (no personalization, no stock unit)
  std::string note;
  int64_t created_at = 0;
  // Filled on read: the product's title or the model's name, the price now
  // (zero with `problem` set when it can no longer be bought), and the
  // orders the shopper placed by buying it in one click.
  std::string title;
  int64_t product_id = 0;  // kProduct: the catalog product; 0 when gone
  Money price;
  std::string problem;
  std::vector<int64_t> order_ids;
};

struct StyleMessage {
  int64_t id = 0;
  int64_t author_id = 0;
  Role author_role = Role::kShopper;
  std::string body;
  int64_t created_at = 0;
};

struct StyleRequest {
  int64_t id = 0;
  int64_t shopper_id = 0;
  std::string shopper_email;
  int64_t stylist_id = 0;  // 0 while open
  std::string stylist_email;
  StyleRequestState state = StyleRequestState::kOpen;
  SpecSheet sheet;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  // Filled by Get; lists leave them empty and fill the counts.
  std::vector<StylePick> picks;
  std::vector<StyleMessage> messages;
  int64_t pick_count = 0;
  int64_t message_count = 0;
};

// A pick as the stylist sends it: `sku`, or `configured` (model id, version
// and complete selections).
struct NewPick {
  CartItemKind kind = CartItemKind::kProduct;
  std::string sku;
  ConfiguredItem configured;
  std::string note;
};

struct StylingOptions {
  size_t max_text_length = 2000;  // notes, messages, spec sheet notes (bytes)
  size_t max_field_length = 64;   // category, size, width, colour, each like/dislike
  size_t max_list_items = 20;     // likes, dislikes
  // Open (not closed) requests one shopper may hold at once.
  int64_t max_active_requests_per_shopper = 5;
  Clock clock = SystemClock();
};

class StylingDesk {
 public:
  // REQUIRES: every reference outlives this object.
  StylingDesk(store::Database& db, CatalogSource catalog, ConfigurationPricer& pricer, Carts& carts,
              Checkout& checkout, StylingOptions options = {});

  // Opens a request for `shopper` and assigns it (see the file comment).
  // Errors: kForbidden unless the caller is a shopper; kInvalidArgument
  // naming the spec sheet field ("size", "likes[2]", "budget", "notes");
  // kConflict (field "requests") past max_active_requests_per_shopper.
  Result<StyleRequest> Open(const StylingCaller& shopper, const SpecSheet& sheet);

  // Assigns every open request, oldest first, each to the stylist least
  // loaded at that moment. Returns how many were assigned.
  Result<int64_t> AssignOpenRequests();

  // A shopper's own requests, or a stylist's assigned ones (with closed ones
  // when `include_closed`), newest first, without picks and messages.
  // Errors: kForbidden for a merchant.
  Result<std::vector<StyleRequest>> List(const StylingCaller& caller, bool include_closed = true);

  // One request with its picks (priced now) and messages, oldest first.
  // Errors: kNotFound (field "id") unless it is the caller's.
  Result<StyleRequest> Get(const StylingCaller& caller, int64_t request_id);

  // The assigned stylist sends a pick. Errors: kNotFound (field "id") unless
  // the request is assigned to the caller; kConflict (field "state") when
  // closed; kInvalidArgument/kNotFound naming "sku", "model_id",
  // "selections.<option>" or "note" for a pick that cannot be bought.
  Result<StylePick> AddPick(const StylingCaller& stylist, int64_t request_id, const NewPick& pick);

  // Either side writes in the thread. Errors: kNotFound (field "id");
  // kInvalidArgument (field "body") for an empty or too long text;
  // kConflict (field "state") when closed.
  Result<StyleMessage> PostMessage(const StylingCaller& caller, int64_t request_id, std::string_view body);

  // Either side closes the request (closing twice is not an error).
  // Errors: kNotFound (field "id").
  Result<StyleRequest> Close(const StylingCaller& caller, int64_t request_id);

  // Adds the pick to the shopper's cart (quantity 1). Errors: kNotFound
  // (field "id" or "pick_id") unless the request is the shopper's and the
  // pick is on it; those of Carts::AddProduct/AddConfigured.
  Result<int64_t> AddPickToCart(const StylingCaller& shopper, int64_t request_id, int64_t pick_id);

  // One-click buy (see the file comment). Errors: kNotFound (field "id" or
  // "pick_id") unless the request is the shopper's and the pick is on it;
  // kConflict (field "idempotency_key") for a key used for another pick or
  // checkout; kConflict (field "shipping") when the shopper has no saved
  // address, the message saying to add one; those of Checkout::PlaceItems (the key is freed again when it
  // fails).
  Result<Order> BuyPick(const StylingCaller& shopper, int64_t request_id, int64_t pick_id,
                        std::string_view idempotency_key, CheckoutFailure* failure = nullptr);

 private:
  Result<StyleRequest> LoadOwned(store::Session& s, const StylingCaller& caller, int64_t request_id);
  Result<StylePick> LoadPick(const StylingCaller& shopper, int64_t request_id, int64_t pick_id);
  void PricePick(StylePick& pick);

  store::Database& db_;
  CatalogSource catalog_;
  ConfigurationPricer& pricer_;
  Carts& carts_;
  Checkout& checkout_;
  StylingOptions options_;
};

// The spec sheet as canonical JSON text (stored in style_requests) and back.
// ParseSpecSheetJson errors: kInvalidArgument naming the member.
std::string SpecSheetToJson(const SpecSheet& sheet);
// The same, as an object (the API answers embed it).
boost::json::object SpecSheetObject(const SpecSheet& sheet);
Result<SpecSheet> ParseSpecSheetJson(std::string_view json);

}  // namespace atelier::orders
