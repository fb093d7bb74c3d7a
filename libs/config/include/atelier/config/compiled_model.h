#pragma once
// The configurator: a product model compiled once, then asked statelessly
// "given these picks, what is still possible, what does it cost, why not?".
//
// Behind CompiledModel is either a BDD (BuDDy, constraint-graph variable
// order, node budget) turned into an immutable decision diagram, or
// incremental SAT (CaDiCaL) with assumptions when no BDD fits the budget. The
// caller never chooses or sees which, except through backend() for
// diagnostics. With `background_bdd`, Compile returns at once with the SAT
// engine and swaps in the BDD engine atomically when it is built.
//
// Proposed JSON for POST /api/v1/models/{id}/configure (built from
// ConfigureState; the server owns the exact encoding):
//
//   request:  {"selections": {"engine": "v6", "colour": "red"},
//              "personalization": [{"field": "engraving", "text": "Ada\nLovelace",
//                                   "font": "serif"},
//                                  {"field": "photo", "content_type": "image/png",
//                                   "bytes": 123456, "width": 800, "height": 800}]}
//   response: {"model": "suv", "version": 3, "status": "ok" | "conflict",
//              "conflict": {"picks": ["towing", "suspension"], "rule_ids": ["towing-sport"],
//                           "message": "..."},                      // when status = conflict
//              "options": [{"id": "engine", "label": "Engine", "selected": "v6",
//                           "values": [{"id": "i4", "label": "...", "available": false,
//                                       "price_delta": {"amount": 0, "currency": "USD"},
//                                       "reason": {"rule_ids": ["towing-engine"],
//                                                  "message": "Towing needs the V6 or the hybrid engine.",
//                                                  "picks_to_drop": ["towing"]},
//                                       "popular": false}, ...]}, ...],
//              "price": {"now": {"amount":..,"currency":..}, "min": {...}, "max": {...}},
//              "count": "123456789012345678901",   // decimal string; null when unknown
//              "complete": false,
//              "cheapest_completion": {"engine": "v6", ...},
//              "lead_time_days": 24, "plants": ["detroit"],
//              "personalization_errors": [{"field": "engraving", "code": "emoji_font",
//                                          "message": "..."}]}
//
// Thread-safety: a CompiledModel is immutable after Compile (apart from the
// internal engine swap, which is atomic); every const method may be called
// from any number of threads. ModelCache is thread-safe.

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "atelier/config/model.h"
#include "atelier/config/personalization.h"
#include "atelier/core/result.h"

namespace atelier::config {

namespace internal {
class Engine;
struct Problem;
class RuleExplainer;
}  // namespace internal

struct CompileOptions {
  enum class Backend { kAuto, kBdd, kSat };
  // kAuto: BDD when it fits the budgets, SAT otherwise. kBdd fails with
  // kUnavailable when the BDD does not fit; kSat never builds a BDD.
  Backend backend = Backend::kAuto;
  int64_t bdd_node_budget = 4'000'000;  // live BuDDy nodes
  double bdd_time_budget_seconds = 10;
  // kAuto only: return at once with SAT and build the BDD on a background
  // thread, switching when ready (serving never waits for compilation).
  bool background_bdd = false;
  // Reject a model without any valid configuration (kConflict naming the
  // minimal set of rules in conflict).
  bool reject_unsatisfiable = true;
  // SAT conflicts (CaDiCaL's unit of search work) the
  // satisfiability check and the conflict explanation of a model may use;
  // beyond it Compile fails with kTooLarge (field "rules") instead of
  // searching on: a model built to be hard (a pigeonhole) cannot hold a
  // thread. <= 0: unlimited. A few seconds of search at most (tens of
  // thousands of conflicts a second on one core).
  int64_t sat_work_budget = 20'000;
  // Exact counting when no BDD fits (the SAT path): variable elimination over
  // the rules as tables, given at most this long and this many table rows per
  // count (Configure's count and CountConfigurations); beyond either the
  // count is unknown.
  double count_time_budget_seconds = 2;
  int64_t count_row_budget = 12'000'000;
  // The SAT path on a model stated mostly in tables: a step that leaves
  // many values to CaDiCaL (the first states of the Renault "big" car, one
  // model per value) decides them by variable elimination instead, exact
  // (valid domains by bucket-tree calibration). false: always the solver
  // (the engine as before; for comparisons).
  bool sat_elimination = true;
};

// Budgets of CountConfigurations(model, options).
struct CountOptions {
  double seconds = 60;                  // the whole count; beyond it, unknown
  int64_t bdd_node_budget = 8'000'000;  // live BuDDy nodes
  int64_t row_budget = 12'000'000;      // table rows held by variable elimination
  // The BDD's first, short attempt, in CPU seconds of the counting thread
  // (so that a loaded machine does not cut it short); 0 skips it.
  double first_bdd_cpu_seconds = 0.25;
};

// Exact number of valid complete configurations of `model` as a decimal
// string, without building a configurator. A model made mostly of tables
// (an XCSP car line) goes to variable elimination over the rules at once,
// then a BDD with the time left; any other first gets a BDD when one is
// built within a short first attempt (feature models), else elimination,
// else a BDD with the time left. nullopt when none finishes within the
// budgets. `method` (may be null) receives "elimination" or "bdd" for
// diagnostics. Thread-safe.
std::optional<std::string> CountConfigurations(const ProductModel& model, const CountOptions& options = {},
                                               std::string* method = nullptr);

// Why a value is not available under the current picks.
struct Reason {
  std::vector<std::string> rule_ids;       // a minimal set of rules excluding it
  std::vector<std::string> picks_to_drop;  // a minimal set of the shopper's picks (option ids)
  std::string message;                     // "needs ...; remove Engine: 2.0 4-cylinder"
};

struct ValueState {
  std::string id;
  std::string label;
  int64_t price_delta = 0;
  bool available = false;
  std::optional<Reason> reason;  // set for unavailable values when explanations are on
  bool popular = false;          // the top-ranked value of the option (sales history)
  double share = 0;              // share of agreeing sold configurations with this value
};

struct OptionState {
  std::string id;
  std::string label;
  std::optional<std::string> selected;  // the shopper's pick
  std::optional<std::string> implied;   // the only value left, when not picked
  std::vector<ValueState> values;
};

struct Conflict {
  std::vector<std::string> picks;     // option ids whose picks cannot go together (minimal)
  std::vector<std::string> rule_ids;  // the rules that forbid them (minimal)
  std::string message;
};

struct ConfigureState {
  std::string model_id;
  int version = 0;
  bool consistent = true;            // false: see `conflict`; options carry no availability
  std::optional<Conflict> conflict;
  std::vector<OptionState> options;  // in model order
  std::string currency;
  int64_t price_now = 0;             // base + picked deltas + decided adjustments + personalization
  std::optional<int64_t> price_min;  // over valid completions (incl. personalization now)
  std::optional<int64_t> price_max;
  std::optional<std::string> count;  // completions, exact decimal; nullopt = unknown
  bool complete = false;             // every option picked (or implied) and personalization valid
  std::map<std::string, std::string> cheapest_completion;
  bool cheapest_exact = false;       // false when the engine cannot prove it is the cheapest
  int lead_time_days = 0;            // base + deltas of the picked values
  std::vector<std::string> plants;
  std::vector<FieldError> personalization_errors;
};

struct ConfigureRequest {
  std::map<std::string, std::string> selections;  // option id -> value id
  std::vector<PersonalizationInput> personalization;
};

struct ConfigureOptions {
  bool explain = true;                  // reasons for unavailable values
  bool count = true;                    // exact completion count (null when over the count budget)
  bool price_range = true;              // min/max and cheapest completion
  bool alternatives_for_picked = true;  // availability of other values of picked options
  // SAT conflicts one Configure call may use over all its solves (valid
  // domains, explanations, conflicts). Beyond it Configure fails with
  // kTooLarge (field "selections") rather than hold the thread: the demo
  // models need a few thousand; a hostile model or selection set gets an
  // error within a second or two. Not used by the BDD engine, whose work is
  // bounded by its compiled size. <= 0: unlimited.
  int64_t work_budget = 10'000;
};

// Counts of sold configurations, for the "popular choice" ranking.
class SalesHistory;

class CompiledModel {
 public:
  // Compiles `model`. Errors: kConflict when the model has no valid
  // configuration (message and field name the conflicting rule ids);
  // kUnavailable for Backend::kBdd when the BDD does not fit; kTooLarge
  // (field "rules") when no BDD fits and the SAT check exceeds
  // options.sat_work_budget.
  static Result<std::shared_ptr<const CompiledModel>> Compile(ProductModel model, const CompileOptions& options = {});

  ~CompiledModel();
  CompiledModel(const CompiledModel&) = delete;
  CompiledModel& operator=(const CompiledModel&) = delete;

  const ProductModel& model() const { return model_; }
  // "bdd" or "sat": diagnostics and benchmarks only.
  std::string backend() const;
  // Blocks until a background BDD build (if any) has finished or given up.
  void WaitForBackground() const;

  // The full configurator state for `request`. Errors: kInvalidArgument for an
  // unknown option or value id (field "selections.<option>"); kTooLarge
  // (field "selections") when answering needs more than options.work_budget.
  // Picks that conflict are not an error: the state has consistent = false
  // and a Conflict.
  // `history` (may be null) marks popular values.
  Result<ConfigureState> Configure(const ConfigureRequest& request, const ConfigureOptions& options = {},
                                   const SalesHistory* history = nullptr) const;

  // Exact number of valid complete configurations, as a decimal string;
  // nullopt when it cannot be counted within the compile options' count
  // budgets (no BDD and variable elimination too large).
  std::optional<std::string> CountConfigurations() const;

  // Low-level interface for walks, replays and benchmarks, on value indices
  // (-1 = open). ValidDomains fills (*available)[option][value]; returns false
  // when `picks` has no valid completion.
  bool ValidDomains(const std::vector<int>& picks, std::vector<std::vector<char>>* available) const;
  bool IsConsistent(const std::vector<int>& picks) const;

  // Maps selections to value indices (-1 = open). Errors as Configure.
  Result<std::vector<int>> ResolveSelections(const std::map<std::string, std::string>& selections) const;

 private:
  CompiledModel();
  std::shared_ptr<const internal::Engine> engine() const;
  Reason Explain(const std::vector<int>& picks, int option, int value) const;
  Conflict ExplainConflict(const std::vector<int>& picks) const;
  std::vector<std::string> RuleIds(const std::vector<std::pair<int, int>>& assumed) const;

  ProductModel model_;
  std::unique_ptr<internal::Problem> problem_;
  std::atomic<std::shared_ptr<const internal::Engine>> engine_;
  mutable std::mutex explain_mu_;
  mutable std::unique_ptr<internal::RuleExplainer> explainer_;  // guarded by explain_mu_; built lazily
  std::atomic<bool> cancel_{false};
  mutable std::thread background_;
  mutable std::mutex background_mu_;
};

// Sold configurations of one model (value indices per option, -1 = unknown),
// for next-choice ranking: values ranked by how often they were chosen in sold
// configurations agreeing with the current picks.
class SalesHistory {
 public:
  explicit SalesHistory(int num_options) : num_options_(num_options) {}
  // REQUIRES: sale.size() == num_options.
  void Add(std::vector<int> sale) { sales_.push_back(std::move(sale)); }
  size_t size() const { return sales_.size(); }
  // counts[value] of `option` over the sales agreeing with every pick
  // (picks[i] >= 0, i != option); over all sales when none agree.
  std::vector<int64_t> ValueCounts(const std::vector<int>& picks, int option, int domain_size) const;

 private:
  int num_options_;
  std::vector<std::vector<int>> sales_;
};

// Compiled models keyed by (model id, version); compiles on first use.
class ModelCache {
 public:
  explicit ModelCache(CompileOptions options = {}) : options_(options) {}
  // Returns the cached compiled model for model.id/model.version, compiling it
  // when absent. Errors as CompiledModel::Compile (not cached).
  Result<std::shared_ptr<const CompiledModel>> Get(const ProductModel& model);
  // Cached entry or nullptr.
  std::shared_ptr<const CompiledModel> Find(const std::string& model_id, int version) const;
  size_t size() const;

 private:
  CompileOptions options_;
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, std::shared_ptr<const CompiledModel>> models_;  // guarded by mu_
};

}  // namespace atelier::config
