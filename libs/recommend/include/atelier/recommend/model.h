#pragma once
// The model interface every recommender implements, and the registry that
// builds models by name.
//
// A model is fitted on a History (training interactions plus what every model
// needs from them) and then scores queries: a dense score per item, higher is
// better. Ranking (ranking.h) turns scores into a top-K list the same way for
// evaluation and serving. A fitted model is immutable: Score() is const and
// safe to call from many threads at once.

#include <cstdint>
#include <iosfwd>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "atelier/core/result.h"
#include "atelier/recommend/interactions.h"

namespace atelier::recommend {

// Training interactions and their derived views, shared by all models fitted
// on them. Immutable once built.
struct History {
  Interactions data;
  std::vector<uint32_t> popularity;  // ItemPopularity(data)
  UserItems user_items;              // DistinctUserItems(data)
  uint32_t training_items = 0;       // items with popularity > 0
  int64_t now = 0;                   // latest basket time (reference for time decay)

  static std::shared_ptr<const History> Build(Interactions data);
};

// What to recommend for: a known user (training index) and/or context items
// (a cart, the rest of a basket). Either may be empty.
struct Query {
  uint32_t user = kNone;
  std::span<const uint32_t> items;  // sorted, distinct
};

// Hyper-parameters by name. Each model documents its own and their defaults.
using Params = std::map<std::string, double>;

class Model {
 public:
  virtual ~Model() = default;
  // Registry name: "popular", "repeat", "trending", "cooccurrence", "ease",
  // "als", "personal", "tifu", "completion", "basketknn", "blend".
  virtual std::string_view kind() const = 0;
  virtual const Params& params() const = 0;
  // Fits on `history`, which must outlive the model's use (the model may keep
  // a pointer to it). Errors: kInvalidArgument for hyper-parameters out of
  // range, kTooLarge when the model cannot be built within its memory bounds.
  virtual Status Fit(std::shared_ptr<const History> history) = 0;
  // Overwrites `scores` (size history.data.num_items) with the scores for
  // `query`. REQUIRES: Fit() succeeded.
  virtual void Score(const Query& query, std::span<float> scores) const = 0;
  // Learned state, for model artifacts (the History is saved separately).
  virtual Status Save(std::ostream& out) const = 0;
  virtual Status Load(std::istream& in, std::shared_ptr<const History> history) = 0;
};

// The hyper-parameter values tried on the validation split, per parameter;
// the first value of each list is the default.
using ParamGrid = std::vector<std::pair<std::string, std::vector<double>>>;

struct ModelInfo {
  std::string kind;
  std::string description;
  ParamGrid grid;
  // Parameters whose effects interact: after coordinate descent, every
  // combination of their grid values is tried from the best setting found
  // (each one alone may not improve while a joint move does).
  std::vector<std::string> joint = {};
};

// All registered model kinds, in the order `atelier eval --model all` runs them.
const std::vector<ModelInfo>& ModelKinds();

// Builds an unfitted model. Missing params take the grid's defaults.
// Errors: kNotFound for an unknown kind, kInvalidArgument for an unknown param.
Result<std::unique_ptr<Model>> CreateModel(std::string_view kind, const Params& params = {});

// The defaults of `kind` overlaid with `params`.
Result<Params> ResolveParams(std::string_view kind, const Params& params);

}  // namespace atelier::recommend
