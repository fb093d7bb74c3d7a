#pragma once
// The personal shopper's find tool: catalog items and configurations of
// configurable products that meet a shopper's hard specs, ranked by their
// soft preferences, within a budget; and, when nothing meets every hard spec,
// the smallest relaxations that would.
//
// Candidates are (a) catalog products in stock at some location, including
// configured units of a configurable product in stock (an SUV at a dealer:
// a stock unit whose configuration is a complete, valid configuration of the
// product's model, priced by the configurator), and (b) catalog products that
// carry a product model (model_id) present in the compiled models, built to
// order: such a product counts when some valid configuration whose price is
// within the budget meets every hard spec. The configurator is asked
// for the cheapest such configuration (branch and bound over the options the
// specs constrain, each node one stateless Configure call bounded by its
// price minimum); soft preferences are then added greedily, heaviest first,
// as long as the configuration stays valid and within the budget. A
// configurable product whose model is not among the compiled models is not a
// candidate. Matches rank by the weights of the preferences met, then price,
// then in stock before built to order. Prices and budgets are compared in
// minor units as they are (a shop sells in one currency).
//
// How a spec's field is read:
//   products        "price" (minor units), "brand", else the attribute whose
//                   key is the field (lower_snake_case; "color" = "colour"),
//                   else the only attribute whose key starts with "<field>_"
//                   ("heel" -> "heel_height_cm").
//   configurations  the option whose id is the field or whose label, written
//                   lower_snake_case, is ("heel_height_cm" -> "Heel height
//                   (cm)"), else an option whose id or label starts with
//                   "<field>_"; "price" is the configuration's price (a
//                   "<" or "<=" caps the search; other price ops are checked
//                   on the cheapest configuration found); any other field is
//                   read from the configurable product as above.
// How a value matches:
//   numbers         "=" within 1e-9; "<", "<=", ">", ">=" on numbers only (a
//                   text attribute that reads as a number counts; an option
//                   value's number, else its id read as a number).
//   text            case-insensitive; "=" holds when the value equals the
//                   text (an option value's id or label) or appears in it as
//                   whole words ("leather" matches "Calf leather", "black"
//                   matches "Midnight Black").
//   flags           true/false, or the texts "true"/"false".
//   "in"            any of the listed values matches by "=".
//
// Relaxations (FindResult::relaxations, only when no candidate meets every
// hard spec within the budget): sets of at most FindOptions::max_relaxed
// changes, each change dropping a spec, loosening a numeric one (to the value
// of the nearest candidate), or raising the budget (to that candidate's
// price). Only minimal sets are proposed (no proper subset yields anything),
// fewest changes first, then the most matches. Each names how many
// candidates it would yield and the best few of them.
//
// Thread-safety: Find and CandidateIndex are read-only over immutable inputs
// (a CatalogSnapshot, CompiledModels); safe to call from any number of
// threads.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "atelier/catalog/snapshot.h"
#include "atelier/catalog/types.h"
#include "atelier/config/compiled_model.h"
#include "atelier/core/money.h"
#include "atelier/core/result.h"

namespace atelier::shopper {

enum class SpecOp { kEq, kIn, kLe, kGe, kLt, kGt };

// "=", "in", "<=", ">=", "<", ">".
const char* SpecOpName(SpecOp op);
// Parses a name above; false for anything else.
bool ParseSpecOp(std::string_view text, SpecOp* op);

// A value in a spec: text, number or flag (the catalog's attribute values).
using SpecValue = catalog::AttributeValue;

// A hard spec: every match meets it.
struct Spec {
  std::string field;  // "size", "width", "heel_height_cm", "material", "price", "brand"
  SpecOp op = SpecOp::kEq;
  std::vector<SpecValue> values;  // one value; one or more for kIn
};

// A soft preference: matches that meet it score `weight` more.
struct Preference {
  std::string field;
  SpecOp op = SpecOp::kEq;
  std::vector<SpecValue> values;
  double weight = 1;  // > 0
};

enum class KindFilter { kAny, kProducts, kConfigurations };

struct FindRequest {
  std::vector<Spec> specs;
  std::vector<Preference> preferences;
  // Minor units of the shop currency; nullopt: no budget. Products and
  // configurations priced above it are not matches.
  std::optional<int64_t> budget;
  // A category slug or name ("shoes", "Dress Shoes & Heels"); empty: all.
  // Products below the category count too.
  std::string category;
  KindFilter kind = KindFilter::kAny;
  int limit = 10;  // matches returned (the count covers all)
};

// Tunables of Find; the defaults keep a request on the demo shop within a few
// milliseconds.
struct FindOptions {
  int max_specs = 20;       // more specs or preferences: kInvalidArgument
  int max_limit = 100;      // FindRequest::limit must be 1..max_limit
  int max_relaxed = 2;      // changes per relaxation (1 or 2)
  int max_relaxations = 5;  // relaxations returned
  int examples_per_relaxation = 3;
  // Configure calls for one configuration search (one model, one set of
  // constraints); a search that runs out keeps the best configuration found.
  int max_configure_calls_per_search = 256;
  // Configure calls for the whole request; model searches beyond it are
  // skipped (the model is then not a candidate).
  int max_configure_calls = 6000;
};

// One line of "how it meets": {"size 10.5 ✓", ok}.
struct SpecCheck {
  int index = 0;  // into FindRequest::specs (or preferences)
  std::string text;
  bool ok = false;
};

struct Match {
  // kProduct: in stock now; kConfiguration: built to order.
  enum class Kind { kProduct, kConfiguration };
  Kind kind = Kind::kProduct;
  // The product in stock, or the configurable product the configuration is
  // of. Points into the CatalogSnapshot searched; valid while it lives.
  const catalog::Product* product = nullptr;
  // A configured unit in stock (kProduct of a configurable product), else
  // null. Points into the snapshot.
  const catalog::StockUnit* stock_unit = nullptr;
  // kConfiguration, and kProduct with a stock_unit: the model and the
  // configuration (option id -> value id).
  std::string model_id;
  std::map<std::string, std::string> configuration;
  Money price;
  double score = 0;                // sum of the weights of the preferences met
  std::vector<SpecCheck> meets;    // one per hard spec, in request order
  std::vector<SpecCheck> prefers;  // one per preference, in request order
};

struct RelaxChange {
  enum class Kind { kDrop, kLoosen, kRaiseBudget };
  Kind kind = Kind::kDrop;
  int spec = -1;                 // kDrop, kLoosen: index into FindRequest::specs
  std::optional<Spec> loosened;  // kLoosen: the spec as loosened
  int64_t new_budget = 0;        // kRaiseBudget
  int64_t raise_by = 0;          // kRaiseBudget
  std::string text;  // "drop width = W", "heel_height_cm <= 2.5 instead of <= 2", "raise the budget by 12.00
                     // to 162.00"
};

struct Relaxation {
  std::string description;           // the changes' texts joined with "; "
  std::vector<RelaxChange> changes;  // 1 .. max_relaxed
  int64_t yield_count = 0;           // candidates that would match
  std::vector<Match> examples;       // the best few, checked against the original specs
};

struct FindResult {
  std::vector<Match> matches;  // best first: score, then price; at most limit
  int64_t total_matches = 0;
  std::vector<Relaxation> relaxations;  // only when total_matches == 0
  int64_t candidates = 0;               // candidates examined (after the category filter)
  int64_t configure_calls = 0;          // configurator calls made
};

// Compiled models by model id (the server's ProductModelRegistry::by_id).
using CompiledModels = std::map<std::string, std::shared_ptr<const config::CompiledModel>, std::less<>>;

// A configured unit of a configurable product in stock, resolved against
// its product model and priced by the configurator.
struct StockConfiguration {
  const catalog::StockUnit* unit = nullptr;
  std::vector<int> values;  // one value index per option
  std::map<std::string, std::string> selections;
  int64_t price = 0;  // minor units of the model currency
};

// Candidates of a catalog snapshot indexed by category: products in stock
// somewhere and configurable products, under each category and all of its
// ancestors. Build once per snapshot (and set of models) and reuse it for
// every request.
class CandidateIndex {
 public:
  // REQUIRES: `catalog` outlives the index. With `models`, the configured
  // units in stock of configurable products are resolved and priced here,
  // once (Find does it per request for a model the index was not built
  // with); the index shares ownership of the models.
  explicit CandidateIndex(const catalog::CatalogSnapshot& catalog, const CompiledModels& models = {});

  const catalog::CatalogSnapshot& catalog() const { return catalog_; }
  // Candidates below `category_id` (0: all), in catalog order.
  const std::vector<const catalog::Product*>& Under(int64_t category_id) const;
  // The valid configured units in stock of `product_id` under `model`;
  // nullptr when the index was not built with that compiled model.
  const std::vector<StockConfiguration>* StockConfigurations(int64_t product_id,
                                                             const config::CompiledModel* model) const;

 private:
  const catalog::CatalogSnapshot& catalog_;
  CompiledModels models_;
  std::vector<const catalog::Product*> all_;
  std::unordered_map<int64_t, std::vector<const catalog::Product*>> by_category_;
  std::unordered_map<int64_t, std::vector<StockConfiguration>> stock_configurations_;
};

// Finds matches for `request`. Errors: kInvalidArgument naming the field at
// fault ("specs[2].op", "specs[0].values", "preferences[1].weight", "budget",
// "limit", "category" for an unknown category).
Result<FindResult> Find(const FindRequest& request, const CandidateIndex& index, const CompiledModels& models,
                        const FindOptions& options = {});

// The same over a snapshot, indexing it (with `models`) first, for one-off
// calls and tests.
Result<FindResult> Find(const FindRequest& request, const catalog::CatalogSnapshot& catalog,
                        const CompiledModels& models, const FindOptions& options = {});

}  // namespace atelier::shopper
