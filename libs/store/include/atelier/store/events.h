#pragma once
// The shop's interaction history, table `events`: the views, cart adds,
// purchases and searches the recommender trains on. Every writer of the
// table goes through InsertEvents: the API's event batches, `atelier import
// events`, the demo shop's seeded history, and checkout (one purchase per
// order line, in the order's own transaction, so an acknowledged order is
// always in the next training's data).
//
// Thread-safety: a free function over the caller's session.

#include <cstdint>
#include <span>
#include <string>

#include "atelier/core/result.h"
#include "atelier/store/database.h"

namespace atelier::store {

struct EventRow {
  std::string event_id;  // unique: a row whose id is stored already is skipped
  std::string type;      // view, cart, purchase or search (the table checks it)
  std::string user_id;   // "" for none
  std::string item_id;   // "" for a search
  std::string basket_id;
  int64_t quantity = 1;
  std::string query;  // a search's text
  int64_t ts = 0;     // unix seconds
};

// Inserts `rows` through `tx` (multi-row statements), skipping those whose
// event_id is already stored (so a retried batch or a re-import adds
// nothing). Returns how many rows it stored. Errors: those of the store (a
// type outside the four fails the table's check and with it the statement).
Result<int64_t> InsertEvents(Session& tx, std::span<const EventRow> rows);

}  // namespace atelier::store
