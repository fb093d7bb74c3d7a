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
// (the Renault "big" car). The parts of a split share their parent's tables
// and read them through an index of each column's values (row lists, and bit
// sets for large tables of few-valued columns), so that a part costs what its
// live rows cost, not what the whole model's do. Counts are exact: 128-bit
// integers, redone in GMP on overflow. Not a public header.

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
  ~EliminationCounter();

  // False when some constraint could not be tabulated: Count always gives up.
  bool usable() const { return usable_; }

  // Exact number of complete assignments extending `fixed` (-1 = open) that
  // satisfy every constraint; nullopt when the budget (time, rows,
  // cancellation) runs out first.
  std::optional<mpz_class> Count(const Assignment& fixed, const CountBudget& budget,
                                 CountStats* stats = nullptr) const;

  // The valid domains of `fixed`: (*supported)[v][value] = 1 when some
  // complete assignment extending `fixed` with v = value satisfies every
  // constraint (all 0 when none does). Variable elimination in the
  // existential semiring, each bucket kept, then a downward pass from the
  // last bucket to the first (bucket-tree calibration): a bucket's rows
  // that extend to a solution are those whose projection on its message
  // its parent found extensible. Splits like Count when a table outgrows
  // the cap (the branches' domains are united). False when `fixed` has no
  // completion; nullopt when the budget runs out first.
  std::optional<bool> ValidDomains(const Assignment& fixed, const CountBudget& budget,
                                   std::vector<std::vector<char>>* supported, CountStats* stats = nullptr) const;

  // Calls of Count (by any counter of the process) that ran the
  // elimination; for tests of the counts cached above it.
  static int64_t RunsStarted();

  struct Relation {
    std::vector<int> scope;        // distinct variables, ascending
    std::vector<uint16_t> cells;   // rows x scope.size(), value indices
    int64_t rows = 0;
  };
  // A relation's rows grouped by each column's value: as lists of row
  // numbers, and for a large table's columns of few values as bit sets.
  struct ColumnIndex {
    std::vector<std::vector<int32_t>> start;  // [column][value, value + 1]: a range of ids[column]
    std::vector<std::vector<int32_t>> ids;    // [column]: row numbers, by value
    size_t words = 0;                         // 64-bit words of one row set
    std::vector<std::vector<uint64_t>> sets;  // [column]: value * words + w; empty when not kept
  };

 private:
  std::vector<int> domain_;
  std::vector<Relation> relations_;  // rows distinct and sorted
  bool usable_ = true;
  // Built on the first count with picks (which reads few rows of each table).
  mutable std::once_flag index_once_;
  mutable std::unique_ptr<std::vector<ColumnIndex>> index_;
};

// An engine that answers like `inner` but, when `inner` cannot count, counts
// by variable elimination over `problem` (tabulated on the first count) under
// `budget` per call. The last 64 counts are kept, keyed by the fixed
// assignment (every Configure request asks for one, mostly with the same
// picks); a request for picks being counted waits for that count instead of
// counting again; an unknown count is not kept. Thread-safe.
// REQUIRES: *problem (and budget.cancel) outlive the engine.
std::unique_ptr<Engine> WithExactCounter(std::shared_ptr<const Engine> inner, const Problem* problem,
                                         CountBudget budget);

}  // namespace atelier::config::internal
