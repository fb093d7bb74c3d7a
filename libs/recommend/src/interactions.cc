#include "atelier/recommend/interactions.h"

#include <algorithm>
#include <numeric>
#include <unordered_map>

namespace atelier::recommend {

int64_t Interactions::MaxTime() const {
  int64_t t = 0;
  for (int64_t x : basket_time) t = std::max(t, x);
  return t;
}

Interactions BuildInteractions(const EventLog& log, const InteractionOptions& options) {
  auto counts = [&](EventType t) {
    switch (t) {
      case EventType::kPurchase: return options.purchases;
      case EventType::kCart: return options.carts;
      case EventType::kView: return options.views;
      case EventType::kSearch: return false;
    }
    return false;
  };
  // Rank of each basket id in text order.
  std::vector<uint32_t> basket_rank(log.basket_ids.size());
  {
    std::vector<uint32_t> order(log.basket_ids.size());
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(),
              [&](uint32_t a, uint32_t b) { return log.basket_ids[a] < log.basket_ids[b]; });
    for (uint32_t i = 0; i < order.size(); ++i) basket_rank[order[i]] = i;
  }

  struct Group {
    uint32_t user;
    int64_t time;
    uint32_t key;
    uint32_t count;
  };
  std::vector<Group> groups;
  std::vector<uint32_t> event_group(log.events.size(), kNone);
  std::unordered_map<uint64_t, uint32_t> by_key;
  for (size_t i = 0; i < log.events.size(); ++i) {
    const Event& e = log.events[i];
    if (!counts(e.type)) continue;
    uint32_t g;
    if (e.basket != kNone) {
      uint64_t key = (static_cast<uint64_t>(e.user) << 32) | e.basket;
      auto [it, inserted] = by_key.try_emplace(key, static_cast<uint32_t>(groups.size()));
      if (inserted) {
        uint32_t order_key = e.user != kNone ? basket_rank[e.basket] : e.basket;
        groups.push_back({e.user, e.ts, order_key, 0});
      }
      g = it->second;
      groups[g].time = std::min(groups[g].time, e.ts);
    } else {
      g = static_cast<uint32_t>(groups.size());
      groups.push_back({e.user, e.ts, static_cast<uint32_t>(i), 0});
    }
    ++groups[g].count;
    event_group[i] = g;
  }
  by_key = {};

  std::vector<uint32_t> order(groups.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const Group& x = groups[a];
    const Group& y = groups[b];
    if (x.user != y.user) return x.user < y.user;  // kNone sorts last
    if (x.time != y.time) return x.time < y.time;
    return x.key < y.key;
  });
  std::vector<uint32_t> position(groups.size());
  for (uint32_t i = 0; i < order.size(); ++i) position[order[i]] = i;

  Interactions out;
  out.num_users = static_cast<uint32_t>(log.user_ids.size());
  out.num_items = static_cast<uint32_t>(log.item_ids.size());
  out.has_users = log.has_users;
  out.has_baskets = log.has_baskets;
  size_t nb = groups.size();
  out.basket_user.resize(nb);
  out.basket_time.resize(nb);
  out.basket_key.resize(nb);
  std::vector<uint64_t> raw_begin(nb + 1, 0);
  for (size_t i = 0; i < nb; ++i) {
    const Group& g = groups[order[i]];
    out.basket_user[i] = g.user;
    out.basket_time[i] = g.time;
    out.basket_key[i] = g.key;
    raw_begin[i + 1] = raw_begin[i] + g.count;
  }
  groups = {};
  struct Raw {
    uint32_t item;
    uint32_t seq;  // position among the basket's rows
    float quantity;
  };
  std::vector<Raw> raw(raw_begin[nb]);
  std::vector<uint64_t> fill(raw_begin.begin(), raw_begin.end() - 1);
  for (size_t i = 0; i < log.events.size(); ++i) {
    if (event_group[i] == kNone) continue;
    uint32_t b = position[event_group[i]];
    raw[fill[b]] = {log.events[i].item, static_cast<uint32_t>(fill[b] - raw_begin[b]), log.events[i].quantity};
    ++fill[b];
  }
  event_group = {};
  out.basket_begin.reserve(nb + 1);
  out.basket_begin.push_back(0);
  out.items.reserve(raw.size());
  out.quantities.reserve(raw.size());
  out.arrival.reserve(raw.size());
  for (size_t b = 0; b < nb; ++b) {
    auto first = raw.begin() + static_cast<int64_t>(raw_begin[b]);
    auto last = raw.begin() + static_cast<int64_t>(raw_begin[b + 1]);
    std::sort(first, last, [](const Raw& x, const Raw& y) { return x.item != y.item ? x.item < y.item : x.seq < y.seq; });
    for (auto it = first; it != last; ++it) {
      if (out.items.size() > out.basket_begin.back() && out.items.back() == it->item) {
        out.quantities.back() += it->quantity;
      } else {
        out.items.push_back(it->item);
        out.quantities.push_back(it->quantity);
        out.arrival.push_back(it->seq);
      }
    }
    out.basket_begin.push_back(out.items.size());
  }
  out.user_begin.assign(out.num_users + 2, nb);
  // user_begin[u] = first basket with user >= u.
  size_t b = 0;
  for (uint32_t u = 0; u <= out.num_users; ++u) {
    while (b < nb && out.basket_user[b] != kNone && out.basket_user[b] < u) ++b;
    out.user_begin[u] = b;
  }
  // Baskets without a user occupy [user_begin[num_users], nb).
  size_t first_anonymous = nb;
  while (first_anonymous > 0 && out.basket_user[first_anonymous - 1] == kNone) --first_anonymous;
  out.user_begin[out.num_users] = first_anonymous;
  out.user_begin[out.num_users + 1] = nb;
  return out;
}

std::vector<uint32_t> ItemPopularity(const Interactions& data) {
  std::vector<uint32_t> pop(data.num_items, 0);
  if (data.has_baskets || !data.has_users) {
    for (uint32_t item : data.items) ++pop[item];
    return pop;
  }
  UserItems ui = DistinctUserItems(data);
  for (uint32_t item : ui.items) ++pop[item];
  return pop;
}

UserItems DistinctUserItems(const Interactions& data) {
  UserItems out;
  out.begin.assign(data.num_users + 1, 0);
  std::vector<uint32_t> scratch;
  for (uint32_t u = 0; u < data.num_users; ++u) {
    scratch.clear();
    for (uint64_t b = data.user_begin[u]; b < data.user_begin[u + 1]; ++b) {
      auto items = data.BasketItems(b);
      scratch.insert(scratch.end(), items.begin(), items.end());
    }
    std::sort(scratch.begin(), scratch.end());
    scratch.erase(std::unique(scratch.begin(), scratch.end()), scratch.end());
    out.items.insert(out.items.end(), scratch.begin(), scratch.end());
    out.begin[u + 1] = out.items.size();
  }
  return out;
}

}  // namespace atelier::recommend
