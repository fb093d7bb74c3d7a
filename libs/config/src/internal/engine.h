#pragma once
// Engines behind CompiledModel: a finite-domain problem (options plus
// auxiliary variables for price adjustments) answered by a BDD-derived
// multi-valued decision diagram or by incremental SAT. Not a public header.

#include <gmpxx.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "atelier/config/model.h"
#include "atelier/core/result.h"

namespace atelier::config::internal {

// Variables [0, num_options) are the model's options (same indices); the rest
// are auxiliaries that engines treat like any other variable. Constraints are
// Rules over variable indices; constraint i < model.rules.size() is rule i.
struct Problem {
  std::vector<int> domain;
  int num_options = 0;
  std::vector<std::vector<int64_t>> cost;  // cost[var][value], minor units
  std::vector<Rule> constraints;
  int num_rule_constraints = 0;  // the first ones; the rest define auxiliaries
};

// Lowers a model: each price adjustment becomes a 0/1 auxiliary variable
// a <-> when, with the adjustment's delta as the cost of a = 1. Auxiliaries are
// functionally determined, so counts over all variables equal counts over options.
Problem BuildProblem(const ProductModel& model);

// The variables a constraint mentions, ascending.
std::vector<int> ScopeOf(const Rule& r);

// Per variable: the fixed value, or -1.
using Assignment = std::vector<int>;

struct CostBounds {
  int64_t min = 0;
  int64_t max = 0;
  std::vector<int> cheapest;  // a complete assignment of all variables reaching `min`
};

// Thread-safety: every method may be called concurrently.
class Engine {
 public:
  virtual ~Engine() = default;
  virtual const char* Name() const = 0;
  // Fills (*supported)[var][value] = 1 when `fixed` plus var=value has a
  // completion (for every variable). Returns false when `fixed` has none.
  virtual bool Supported(const Assignment& fixed, std::vector<std::vector<char>>* supported) const = 0;
  virtual bool Feasible(const Assignment& fixed) const = 0;
  // Exact number of completions of `fixed`; nullopt when this engine cannot count.
  virtual std::optional<mpz_class> Count(const Assignment& fixed) const = 0;
  // Min/max cost over completions; nullopt when unknown or infeasible.
  virtual std::optional<CostBounds> Cost(const Assignment& fixed) const = 0;
  // Some completion (cheap-leaning where the engine cannot optimize); nullopt when infeasible.
  virtual std::optional<std::vector<int>> Complete(const Assignment& fixed) const = 0;
};

struct BddBudget {
  int64_t max_nodes = 4'000'000;
  double max_seconds = 10;
  // CPU time of the compiling thread (the work done, whatever the machine's
  // load); 0 = no limit.
  double max_cpu_seconds = 0;
  const std::atomic<bool>* cancel = nullptr;  // checked between operations
};

struct BddStats {
  int64_t bdd_nodes = 0;   // nodes of the final BDD
  int64_t mdd_nodes = 0;
  int64_t peak_nodes = 0;  // live BuDDy nodes at the largest point
  double seconds = 0;
  int bdd_vars = 0;
};

// Compiles with BuDDy (process-wide lock; BuDDy is a global library) using a
// constraint-graph variable order. kUnavailable when the budget is exceeded.
Result<std::unique_ptr<Engine>> CompileBdd(const Problem& problem, const BddBudget& budget, BddStats* stats);

// A budget of SAT search work for everything the calling thread does while
// the scope lives: every CaDiCaL solve (engine and explainer) counts its
// conflicts against it, and once it is spent every solve, this one and
// the following ones, stops at once as if unknown. Results computed after
// exhaustion are wrong and must be discarded (Exhausted() says so); the SAT
// engine does not cache them. Scopes nest (the inner one applies until it
// ends). A budget <= 0 is unlimited. Deterministic: conflicts, not time.
class WorkScope {
 public:
  explicit WorkScope(int64_t budget);
  ~WorkScope();
  WorkScope(const WorkScope&) = delete;
  WorkScope& operator=(const WorkScope&) = delete;
  // True when the innermost scope of this thread has run out.
  static bool Exhausted();

 private:
  int64_t saved_remaining_;
  int64_t saved_budget_;
  bool saved_exhausted_;
};

struct SatOptions {
  // A problem stated mostly in tables (a car line's compatibility tables)
  // reaches many values only through CaDiCaL, one model per value at tens
  // of milliseconds each: when a step leaves at least this many values to
  // the solver, variable elimination finds which of them are valid all at
  // once (EliminationCounter::ValidDomains, exact; some 25 ms a step on
  // the big car, 0.23 s without picks). 0 = never.
  int elimination_min_uncovered = 1;
  // Per step; a step that runs out falls back to the solver, and the
  // engine stops trying elimination.
  double elimination_seconds = 2;
  // Tests: use elimination on any problem, not only mostly tables.
  bool elimination_any_problem = false;
};

// Incremental CaDiCaL engine; never fails to build.
std::unique_ptr<Engine> MakeSatEngine(const Problem& problem, const SatOptions& options = {});

// True when most constraints of `problem` are tables.
bool MostlyTables(const Problem& problem);

// Finds a minimal set of constraints that together with `assumed` (var, value)
// pairs is unsatisfiable, by SAT with one selector per rule constraint.
// Thread-safety: one call at a time per object (the caller serializes).
class RuleExplainer {
 public:
  explicit RuleExplainer(const Problem& problem);
  ~RuleExplainer();
  // Empty when satisfiable. Indices into problem.constraints.
  std::vector<int> MinimalRuleCore(const std::vector<std::pair<int, int>>& assumed);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The constraint-graph variable order used for BDDs: the FORCE heuristic
// (centre of gravity over constraint scopes) started from the model's order.
std::vector<int> ConstraintGraphOrder(const Problem& problem);

}  // namespace atelier::config::internal
