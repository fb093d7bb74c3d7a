#pragma once
// The combiner: a weighted sum of fitted component models, each component's
// scores divided by its largest score over the training items (when
// positive) so weights are comparable. Weights are tuned on a validation
// split by the evaluation harness and by training (recommender.cc).

#include <memory>
#include <vector>

#include "atelier/recommend/model.h"

namespace atelier::recommend::internal {

class Blend : public Model {
 public:
  Blend() = default;
  // REQUIRES: components fitted on the same History; weights.size() == components.size().
  Blend(std::vector<std::shared_ptr<Model>> components, std::vector<float> weights);
  std::string_view kind() const override { return "blend"; }
  const Params& params() const override { return params_; }
  // Refits every component on `history`.
  Status Fit(std::shared_ptr<const History> history) override;
  void Score(const Query& query, std::span<float> scores) const override;
  Status Save(std::ostream& out) const override;
  Status Load(std::istream& in, std::shared_ptr<const History> history) override;

  const std::vector<std::shared_ptr<Model>>& components() const { return components_; }
  const std::vector<float>& weights() const { return weights_; }

  // Writes component c's normalized scores for `query` into `scores`.
  static void NormalizedScores(const Model& component, const History& history, const Query& query,
                               std::span<float> scores);

 private:
  void UpdateParams();
  std::vector<std::shared_ptr<Model>> components_;
  std::vector<float> weights_;
  std::shared_ptr<const History> history_;
  Params params_;
};

}  // namespace atelier::recommend::internal
