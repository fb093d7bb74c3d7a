#pragma once
// Interactions: an event log grouped into baskets, the form every split,
// model and baseline works on.
//
// Baskets are stored compressed (CSR): basket b holds the distinct items
// items[basket_begin[b] .. basket_begin[b+1]) in increasing index order.
// Baskets are grouped by user (users in index order, then the baskets without
// a user), and a user's baskets are ordered by (time, basket id as text) per
// EVAL.md; a basket's time is the earliest timestamp of its rows. A log
// without basket ids gets one basket per event, so "baskets" then means
// single interactions and `has_baskets` is false.
//
// Thread-safety: a value; share read-only.

#include <cstdint>
#include <span>
#include <vector>

#include "atelier/recommend/event_log.h"

namespace atelier::recommend {

struct Interactions {
  uint32_t num_users = 0;  // user index space (that of the EventLog)
  uint32_t num_items = 0;  // item index space (that of the EventLog)
  bool has_users = false;
  bool has_baskets = false;

  std::vector<uint32_t> basket_user;   // kNone for baskets without a user
  std::vector<int64_t> basket_time;    // earliest timestamp of the basket's rows
  std::vector<uint32_t> basket_key;    // order among equal times: rank of the basket id text
                                       // (users) or first-seen order (no users)
  std::vector<uint64_t> basket_begin;  // size num_baskets() + 1
  std::vector<uint32_t> items;         // distinct per basket, increasing
  std::vector<float> quantities;       // summed quantity, parallel to `items`
  std::vector<uint32_t> arrival;       // parallel to `items`: order of first appearance
                                       // within the basket (input row order)
  std::vector<uint64_t> user_begin;    // size num_users + 2: user u's baskets are
                                       // [user_begin[u], user_begin[u+1]); the last
                                       // range holds the baskets without a user

  size_t num_baskets() const { return basket_user.size(); }
  std::span<const uint32_t> BasketItems(size_t b) const {
    return {items.data() + basket_begin[b], items.data() + basket_begin[b + 1]};
  }
  std::span<const float> BasketQuantities(size_t b) const {
    return {quantities.data() + basket_begin[b], quantities.data() + basket_begin[b + 1]};
  }
  size_t UserBasketCount(uint32_t u) const { return user_begin[u + 1] - user_begin[u]; }
  int64_t MaxTime() const;
};

struct InteractionOptions {
  // Which event types count as interactions. EVAL.md's protocols use
  // purchases; a live shop may add carts and views.
  bool purchases = true;
  bool carts = false;
  bool views = false;
};

// Groups `log` into baskets. Events of excluded types and searches are dropped.
Interactions BuildInteractions(const EventLog& log, const InteractionOptions& options = {});

// Builds a new Interactions from `in` keeping, for each basket b that
// `keep_basket(b)` accepts, the items `keep_item(b, item)` accepts. Baskets
// left empty are dropped. Order and keys are preserved.
template <typename KeepBasket, typename KeepItem>
Interactions FilterInteractions(const Interactions& in, KeepBasket keep_basket, KeepItem keep_item) {
  Interactions out;
  out.num_users = in.num_users;
  out.num_items = in.num_items;
  out.has_users = in.has_users;
  out.has_baskets = in.has_baskets;
  out.user_begin.assign(in.num_users + 2, 0);
  out.basket_begin.push_back(0);
  for (uint32_t g = 0; g <= in.num_users; ++g) {
    out.user_begin[g] = out.basket_user.size();
    for (uint64_t b = in.user_begin[g]; b < in.user_begin[g + 1]; ++b) {
      if (!keep_basket(b)) continue;
      size_t before = out.items.size();
      for (uint64_t p = in.basket_begin[b]; p < in.basket_begin[b + 1]; ++p) {
        if (keep_item(b, in.items[p])) {
          out.items.push_back(in.items[p]);
          out.quantities.push_back(in.quantities[p]);
          out.arrival.push_back(in.arrival[p]);
        }
      }
      if (out.items.size() == before) continue;
      out.basket_user.push_back(in.basket_user[b]);
      out.basket_time.push_back(in.basket_time[b]);
      out.basket_key.push_back(in.basket_key[b]);
      out.basket_begin.push_back(out.items.size());
    }
  }
  out.user_begin[in.num_users + 1] = out.basket_user.size();
  return out;
}

// Training popularity per item (EVAL.md): the number of baskets containing
// the item, or the number of distinct users for logs without baskets.
// 0 means the item is not in the training item set.
std::vector<uint32_t> ItemPopularity(const Interactions& data);

// Each user's distinct items (sorted), as CSR: user u's items are
// items[begin[u] .. begin[u+1]). Users without a user id are not included.
struct UserItems {
  std::vector<uint64_t> begin;
  std::vector<uint32_t> items;
  std::span<const uint32_t> Of(uint32_t u) const {
    return {items.data() + begin[u], items.data() + begin[u + 1]};
  }
};
UserItems DistinctUserItems(const Interactions& data);

}  // namespace atelier::recommend
