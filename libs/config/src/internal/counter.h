#pragma once
// Exact counting of a finite-domain problem without a BDD: variable
// elimination (bucket elimination) over the constraints as sparse tables of
// allowed tuples, after generalized arc consistency, eliminating next the
// variable whose joined table promises to be smallest. When a table grows
// past a cap, the problem is split on the values of its most constrained
// variable and each part counted the same way (conditioning, as a tree
// search over a decomposition does). The cost grows with the tables met
// (tree width of the constraint graph, tightness of the tables), not with
// the number of solutions, so it counts product lines whose BDD does not fit
// (the Renault "big" car). Counts are exact: 128-bit integers, redone in GMP
// on overflow. Not a public header.

#include <gmpxx.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <cstdint>
#include <optional>
#include <vector>

#include "internal/engine.h"

namespace atelier::config::internal {

struct CountBudget {
  double max_seconds = 10;
  // Rows held by all tables at once (each a few tens of bytes); the count
  // gives up beyond it rather than exhaust memory.
  int64_t max_rows = 12'000'000;
  const std::atomic<bool>* cancel = nullptr;  // checked while joining
  // A table larger than this splits the (sub)problem on a variable's values,
  // up to `max_split_depth` nested splits; deeper, tables grow up to max_rows.
  int64_t split_table_rows = 100'000;
  int max_split_depth = 3;
};

struct CountStats {
  int width = 0;               // largest table scope met (variables)
  int64_t largest_table = 0;   // rows of the largest table built
  int eliminated = 0;          // variables summed out (before giving up, if so)
  int splits = 0;              // subproblems split on a variable's values
  double seconds = 0;
};

// Thread-safety: immutable after construction; Count may be called
// concurrently.
class EliminationCounter {
 public:
  // Tabulates every constraint of `problem` (expressions and forbidden
  // tables by enumerating their scope, up to `max_enumerated` tuples each).
  // A constraint over a larger scope makes the counter unusable.
  explicit EliminationCounter(const Problem& problem, int64_t max_enumerated = 1 << 20);

  // False when some constraint could not be tabulated: Count always gives up.
  bool usable() const { return usable_; }

  // Exact number of complete assignments extending `fixed` (-1 = open) that
  // satisfy every constraint; nullopt when the budget (time, rows,
  // cancellation) runs out first.
  std::optional<mpz_class> Count(const Assignment& fixed, const CountBudget& budget,
                                 CountStats* stats = nullptr) const;

  struct Relation {
    std::vector<int> scope;        // distinct variables, ascending
    std::vector<uint16_t> cells;   // rows x scope.size(), value indices
    int64_t rows = 0;
  };

 private:
  std::vector<int> domain_;
  std::vector<Relation> relations_;
  bool usable_ = true;
};

// An engine that answers like `inner` but, when `inner` cannot count, counts
// by variable elimination over `problem` (tabulated on the first count) under
// `budget` per call. REQUIRES: *problem (and budget.cancel) outlive the engine.
std::unique_ptr<Engine> WithExactCounter(std::shared_ptr<const Engine> inner, const Problem* problem,
                                         CountBudget budget);

}  // namespace atelier::config::internal
