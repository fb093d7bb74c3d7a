#include "atelier/recommend/protocol.h"

#include <algorithm>
#include <unordered_set>

namespace atelier::recommend {

Result<Protocol> ParseProtocol(std::string_view name) {
  if (name == "last-basket") return Protocol::kLastBasket;
  if (name == "random-holdout") return Protocol::kRandomHoldout;
  if (name == "basket-completion") return Protocol::kBasketCompletion;
  return Error::InvalidArgument(
      "unknown protocol '" + std::string(name) + "' (last-basket|random-holdout|basket-completion)",
      "protocol");
}

const char* ProtocolName(Protocol protocol) {
  switch (protocol) {
    case Protocol::kLastBasket: return "last-basket";
    case Protocol::kRandomHoldout: return "random-holdout";
    case Protocol::kBasketCompletion: return "basket-completion";
  }
  return "last-basket";
}

// ---- SplitRandom: NumPy's SeedSequence + PCG64 + Generator primitives ----

namespace {

using u128 = unsigned __int128;

constexpr uint32_t kInitA = 0x43b0d7e5, kMultA = 0x931e8875;
constexpr uint32_t kInitB = 0x8b51f9dd, kMultB = 0x58f38ded;
constexpr uint32_t kMixMultL = 0xca01f9dd, kMixMultR = 0x4973f715;

uint32_t HashMix(uint32_t value, uint32_t& hash_const) {
  value ^= hash_const;
  hash_const *= kMultA;
  value *= hash_const;
  value ^= value >> 16;
  return value;
}

uint32_t Mix(uint32_t x, uint32_t y) {
  uint32_t result = kMixMultL * x - kMixMultR * y;
  result ^= result >> 16;
  return result;
}

constexpr u128 kPcgMultiplier = (static_cast<u128>(0x2360ED051FC65DA4ULL) << 64) | 0x4385DF649FCCF645ULL;

}  // namespace

SplitRandom::SplitRandom(uint64_t seed) {
  // SeedSequence(seed): the entropy as 32-bit words, pool of 4 words.
  std::vector<uint32_t> entropy;
  do {
    entropy.push_back(static_cast<uint32_t>(seed & 0xffffffffu));
    seed >>= 32;
  } while (seed != 0);
  uint32_t pool[4];
  uint32_t hash_const = kInitA;
  for (size_t i = 0; i < 4; ++i) pool[i] = HashMix(i < entropy.size() ? entropy[i] : 0, hash_const);
  for (size_t src = 0; src < 4; ++src) {
    for (size_t dst = 0; dst < 4; ++dst) {
      if (src != dst) pool[dst] = Mix(pool[dst], HashMix(pool[src], hash_const));
    }
  }
  for (size_t src = 4; src < entropy.size(); ++src) {
    for (size_t dst = 0; dst < 4; ++dst) pool[dst] = Mix(pool[dst], HashMix(entropy[src], hash_const));
  }
  // generate_state(4, uint64): 8 words, viewed little-endian as 4 uint64.
  uint32_t words[8];
  uint32_t hc = kInitB;
  for (size_t i = 0; i < 8; ++i) {
    uint32_t v = pool[i % 4];
    v ^= hc;
    hc *= kMultB;
    v *= hc;
    v ^= v >> 16;
    words[i] = v;
  }
  uint64_t s[4];
  for (size_t i = 0; i < 4; ++i) s[i] = static_cast<uint64_t>(words[2 * i]) | (static_cast<uint64_t>(words[2 * i + 1]) << 32);
  u128 init_state = (static_cast<u128>(s[0]) << 64) | s[1];
  u128 init_seq = (static_cast<u128>(s[2]) << 64) | s[3];
  state_ = 0;
  increment_ = (init_seq << 1u) | 1u;
  state_ = state_ * kPcgMultiplier + increment_;
  state_ += init_state;
  state_ = state_ * kPcgMultiplier + increment_;
}

uint64_t SplitRandom::NextUint64() {
  state_ = state_ * kPcgMultiplier + increment_;
  uint64_t value = static_cast<uint64_t>(state_ >> 64) ^ static_cast<uint64_t>(state_);
  unsigned rot = static_cast<unsigned>(state_ >> 122);
  return (value >> rot) | (value << ((64 - rot) & 63));
}

uint32_t SplitRandom::NextUint32() {
  if (has_uint32_) {
    has_uint32_ = false;
    return uinteger_;
  }
  uint64_t next = NextUint64();
  has_uint32_ = true;
  uinteger_ = static_cast<uint32_t>(next >> 32);
  return static_cast<uint32_t>(next & 0xffffffffu);
}

uint64_t SplitRandom::Interval(uint64_t high) {
  if (high == 0) return 0;
  if (high <= 0xffffffffULL) {
    if (high == 0xffffffffULL) return NextUint32();
    // Lemire's bounded generation on 32-bit draws.
    const uint32_t rng_excl = static_cast<uint32_t>(high) + 1;
    uint64_t m = static_cast<uint64_t>(NextUint32()) * rng_excl;
    uint32_t leftover = static_cast<uint32_t>(m & 0xffffffffu);
    if (leftover < rng_excl) {
      const uint32_t threshold = (UINT32_MAX - static_cast<uint32_t>(high)) % rng_excl;
      while (leftover < threshold) {
        m = static_cast<uint64_t>(NextUint32()) * rng_excl;
        leftover = static_cast<uint32_t>(m & 0xffffffffu);
      }
    }
    return m >> 32;
  }
  // 64-bit Lemire.
  const uint64_t rng_excl = high + 1;
  u128 m = static_cast<u128>(NextUint64()) * rng_excl;
  uint64_t leftover = static_cast<uint64_t>(m);
  if (leftover < rng_excl) {
    const uint64_t threshold = (UINT64_MAX - high) % rng_excl;
    while (leftover < threshold) {
      m = static_cast<u128>(NextUint64()) * rng_excl;
      leftover = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

uint64_t SplitRandom::Below(uint64_t n) { return Interval(n - 1); }

std::vector<uint64_t> SplitRandom::Choose(uint64_t n, uint64_t k) {
  std::vector<uint64_t> idx;
  if (k == 0) return idx;
  if (n > 10000 && k > n / 50) {
    // Tail shuffle: the last k of a partial Fisher-Yates over [0, n).
    std::vector<uint64_t> all(n);
    for (uint64_t i = 0; i < n; ++i) all[i] = i;
    uint64_t stop = std::max<uint64_t>(n - k, 1);
    for (uint64_t i = n - 1; i >= stop; --i) {
      uint64_t j = Interval(i);
      std::swap(all[i], all[j]);
      if (i == 0) break;
    }
    idx.assign(all.end() - static_cast<int64_t>(k), all.end());
    return idx;
  }
  // Floyd's algorithm, then a shuffle of the result.
  idx.resize(k);
  std::unordered_set<uint64_t> seen;
  seen.reserve(k * 2);
  for (uint64_t j = n - k; j < n; ++j) {
    uint64_t val = Interval(j);
    if (seen.insert(val).second) {
      idx[j - n + k] = val;
    } else {
      seen.insert(j);
      idx[j - n + k] = j;
    }
  }
  for (uint64_t i = k - 1; i >= 1; --i) {
    uint64_t j = Interval(i);
    std::swap(idx[i], idx[j]);
  }
  return idx;
}

// ---- Splits ----

namespace {

Result<Split> LastBasket(const Interactions& data) {
  if (!data.has_users || !data.has_baskets) {
    return Error::InvalidArgument("last-basket needs a log with users and baskets", "protocol");
  }
  Split split;
  split.protocol = Protocol::kLastBasket;
  std::vector<uint8_t> is_test(data.num_baskets(), 0);
  for (uint32_t u = 0; u < data.num_users; ++u) {
    if (data.UserBasketCount(u) < 2) continue;
    uint64_t last = data.user_begin[u + 1] - 1;
    is_test[last] = 1;
    auto items = data.BasketItems(last);
    split.cases.push_back({u, {}, {items.begin(), items.end()}});
  }
  split.train = FilterInteractions(
      data, [&](uint64_t b) { return is_test[b] == 0; }, [](uint64_t, uint32_t) { return true; });
  return split;
}

Result<Split> RandomHoldout(const Interactions& data, const SplitOptions& options) {
  if (!data.has_users) return Error::InvalidArgument("random-holdout needs a log with users", "protocol");
  Split split;
  split.protocol = Protocol::kRandomHoldout;
  split.exclude_user_history = true;
  UserItems ui = DistinctUserItems(data);
  SplitRandom rng(options.seed);
  // held[u] = the user's held-out items (sorted), consulted while filtering.
  std::vector<std::vector<uint32_t>> held(data.num_users);
  for (uint32_t u = 0; u < data.num_users; ++u) {
    auto items = ui.Of(u);
    uint64_t n = items.size();
    if (n < static_cast<uint64_t>(std::max(options.min_user_items, 1))) continue;
    auto k = static_cast<uint64_t>(options.holdout_fraction * static_cast<double>(n));
    if (k == 0) continue;
    std::vector<uint64_t> picked = rng.Choose(n, k);
    std::vector<uint32_t> test;
    test.reserve(k);
    for (uint64_t i : picked) test.push_back(items[i]);
    std::sort(test.begin(), test.end());
    held[u] = test;
    split.cases.push_back({u, {}, std::move(test)});
  }
  split.train = FilterInteractions(
      data, [](uint64_t) { return true; },
      [&](uint64_t b, uint32_t item) {
        uint32_t u = data.basket_user[b];
        if (u == kNone) return true;
        const auto& h = held[u];
        return !std::binary_search(h.begin(), h.end(), item);
      });
  return split;
}

Result<Split> BasketCompletion(const Interactions& data, const SplitOptions& options) {
  if (!data.has_baskets) return Error::InvalidArgument("basket-completion needs a log with baskets", "protocol");
  Split split;
  split.protocol = Protocol::kBasketCompletion;
  // Eligible baskets in stored order (users in index order, each user's
  // baskets by time; baskets without users in input order).
  std::vector<uint64_t> eligible;
  for (uint64_t b = 0; b < data.num_baskets(); ++b) {
    if (data.basket_begin[b + 1] - data.basket_begin[b] >= 2) eligible.push_back(b);
  }
  auto n_test = static_cast<uint64_t>(options.test_basket_fraction * static_cast<double>(eligible.size()));
  SplitRandom rng(options.seed);
  std::vector<uint64_t> picked = rng.Choose(eligible.size(), n_test);
  // Test baskets in stored order; the hidden item is drawn from the basket's
  // items in input order.
  std::sort(picked.begin(), picked.end());
  std::vector<uint8_t> role(data.num_baskets(), 0);  // 0 dropped, 1 train, 2 test
  for (uint64_t b : eligible) role[b] = 1;
  std::vector<std::pair<uint32_t, uint32_t>> in_order;  // (arrival, item)
  for (uint64_t i : picked) {
    uint64_t b = eligible[i];
    role[b] = 2;
    auto items = data.BasketItems(b);
    in_order.clear();
    for (uint64_t j = 0; j < items.size(); ++j) {
      uint32_t arrival = data.arrival.empty() ? static_cast<uint32_t>(j) : data.arrival[data.basket_begin[b] + j];
      in_order.push_back({arrival, items[j]});
    }
    std::sort(in_order.begin(), in_order.end());
    const uint32_t hidden = in_order[rng.Below(in_order.size())].second;
    EvalCase c;
    c.user = kNone;
    for (uint32_t item : items) {
      if (item != hidden) c.query.push_back(item);
    }
    c.test = {hidden};
    split.cases.push_back(std::move(c));
  }
  split.train = FilterInteractions(
      data, [&](uint64_t b) { return role[b] == 1; }, [](uint64_t, uint32_t) { return true; });
  return split;
}

}  // namespace

Result<Split> MakeSplit(const Interactions& data, Protocol protocol, const SplitOptions& options) {
  Result<Split> split = Error::Internal("unreachable");
  switch (protocol) {
    case Protocol::kLastBasket: split = LastBasket(data); break;
    case Protocol::kRandomHoldout: split = RandomHoldout(data, options); break;
    case Protocol::kBasketCompletion: split = BasketCompletion(data, options); break;
  }
  if (split.ok() && split->cases.empty()) {
    return Error::InvalidArgument(std::string("the log yields no test case for ") + ProtocolName(protocol),
                                  "protocol");
  }
  return split;
}

}  // namespace atelier::recommend
