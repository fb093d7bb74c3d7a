#pragma once
// Model implementations behind the registry (model.h). Internal: callers use
// CreateModel().

#include <memory>

#include "atelier/recommend/model.h"

namespace atelier::recommend::internal {

std::unique_ptr<Model> MakePopular(const Params& p);
std::unique_ptr<Model> MakeRepeat(const Params& p);
std::unique_ptr<Model> MakeTrending(const Params& p);
std::unique_ptr<Model> MakeCooccurrence(const Params& p);
std::unique_ptr<Model> MakeEase(const Params& p);
std::unique_ptr<Model> MakeAls(const Params& p);
std::unique_ptr<Model> MakeCompletion(const Params& p);
std::unique_ptr<Model> MakeBasketKnn(const Params& p);
std::unique_ptr<Model> MakeTifu(const Params& p, std::string_view kind);

// The context items of a query: the user's training items merged with the
// query items, sorted and distinct, into `out`.
void ContextItems(const History& h, const Query& q, std::vector<uint32_t>& out);

// Dense columns over the items seen in training (popularity > 0), for the
// models that keep an item x item matrix: col[item] is its column (kNone for
// an item never seen), items[column] the item.
void TrainedItemColumns(const History& h, std::vector<uint32_t>& col, std::vector<uint32_t>& items);

// Base with the params and history bookkeeping every model shares.
class ModelBase : public Model {
 public:
  explicit ModelBase(Params p) : params_(std::move(p)) {}
  const Params& params() const override { return params_; }

 protected:
  double P(const char* name) const { return params_.at(name); }
  Params params_;
  std::shared_ptr<const History> history_;
};

}  // namespace atelier::recommend::internal
