#pragma once
// EVAL.md's offline evaluation protocols: last-basket, random-holdout and
// basket-completion splits, and the validation split carved from a training
// set by the same protocol.
//
// Every split is deterministic for a given input and seed. No test item of a
// case appears in the training data of that case's user (random-holdout,
// last-basket) or in training at all through the held-out basket
// (basket-completion).
//
// Thread-safety: pure functions.

#include <cstdint>
#include <string_view>
#include <vector>

#include "atelier/core/result.h"
#include "atelier/recommend/interactions.h"

namespace atelier::recommend {

enum class Protocol { kLastBasket, kRandomHoldout, kBasketCompletion };

// "last-basket", "random-holdout", "basket-completion"; kInvalidArgument otherwise.
Result<Protocol> ParseProtocol(std::string_view name);
const char* ProtocolName(Protocol protocol);

struct SplitOptions {
  // random-holdout: share of a user's distinct items held out (floor(f * n)).
  double holdout_fraction = 0.25;
  // random-holdout: users need at least this many distinct items to be tested.
  int min_user_items = 5;
  // basket-completion: share of the baskets with >= 2 distinct items that are
  // test baskets (floor(f * n)).
  double test_basket_fraction = 0.2;
  // Seed of the generator choosing test items and baskets.
  uint64_t seed = 42;
};

// One test case: recommend for `user` (kNone for basket-completion) given
// `query` items (basket-completion), and count hits against `test`.
struct EvalCase {
  uint32_t user = kNone;
  std::vector<uint32_t> query;  // sorted
  std::vector<uint32_t> test;   // sorted, distinct; may hold items unseen in training
};

struct Split {
  Protocol protocol = Protocol::kLastBasket;
  Interactions train;
  std::vector<EvalCase> cases;
  // random-holdout: items in a user's training set are excluded from their
  // recommendations. The other protocols exclude only the query items.
  bool exclude_user_history = false;
};

// Splits `data` per `protocol`. Errors: kInvalidArgument when the data cannot
// support the protocol (last-basket without users or baskets, random-holdout
// without users, basket-completion without baskets) or no case results.
Result<Split> MakeSplit(const Interactions& data, Protocol protocol, const SplitOptions& options = {});

// The generator behind the seeded choices: a bit-exact port of NumPy's
// default_rng(seed) (SeedSequence + PCG64), so that splits match those of a
// reference implementation written against NumPy.
class SplitRandom {
 public:
  explicit SplitRandom(uint64_t seed);
  uint64_t NextUint64();
  // Uniform integer in [0, high] (NumPy's masked rejection sampling).
  uint64_t Interval(uint64_t high);
  // Generator.choice(n, size=k, replace=False): k distinct indexes of [0, n).
  std::vector<uint64_t> Choose(uint64_t n, uint64_t k);
  // Generator.integers(0, n): one index of [0, n).
  uint64_t Below(uint64_t n);

 private:
  uint32_t NextUint32();
  unsigned __int128 state_ = 0;
  unsigned __int128 increment_ = 0;
  bool has_uint32_ = false;
  uint32_t uinteger_ = 0;
};

}  // namespace atelier::recommend
