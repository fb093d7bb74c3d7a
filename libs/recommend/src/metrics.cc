#include "atelier/recommend/metrics.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace atelier::recommend {

MetricAccumulator::MetricAccumulator(int k, uint32_t num_items) : k_(k), recommended_(num_items, 0) {
  assert(k > 0);
}

void MetricAccumulator::Add(std::span<const uint32_t> ranked, std::span<const uint32_t> test) {
  if (test.empty()) return;
  const size_t n = std::min(ranked.size(), static_cast<size_t>(k_));
  double dcg = 0;
  int hits = 0;
  int first_hit = 0;
  for (size_t i = 0; i < n; ++i) {
    uint32_t item = ranked[i];
    if (item < recommended_.size()) recommended_[item] = 1;
    if (std::binary_search(test.begin(), test.end(), item)) {
      ++hits;
      dcg += 1.0 / std::log2(static_cast<double>(i) + 2.0);
      if (first_hit == 0) first_hit = static_cast<int>(i) + 1;
    }
  }
  const size_t ideal = std::min(test.size(), static_cast<size_t>(k_));
  double idcg = 0;
  for (size_t i = 0; i < ideal; ++i) idcg += 1.0 / std::log2(static_cast<double>(i) + 2.0);
  ++cases_;
  recall_ += static_cast<double>(hits) / static_cast<double>(ideal);
  ndcg_ += dcg / idcg;
  hits_ += hits > 0 ? 1.0 : 0.0;
  mrr_ += first_hit > 0 ? 1.0 / first_hit : 0.0;
}

Metrics MetricAccumulator::Finish(uint32_t training_items) const {
  Metrics m;
  m.k = k_;
  m.cases = cases_;
  if (cases_ > 0) {
    double n = static_cast<double>(cases_);
    m.recall = recall_ / n;
    m.ndcg = ndcg_ / n;
    m.hit_rate = hits_ / n;
    m.mrr = mrr_ / n;
  }
  int64_t distinct = 0;
  for (uint8_t r : recommended_) distinct += r;
  m.coverage = training_items > 0 ? static_cast<double>(distinct) / training_items : 0.0;
  return m;
}

}  // namespace atelier::recommend
