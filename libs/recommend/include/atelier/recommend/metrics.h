#pragma once
// EVAL.md's ranking metrics with binary relevance, averaged over cases:
//   Recall@K  = hits / min(K, |test|)
//   NDCG@K    = DCG / ideal DCG over min(K, |test|) hits, DCG = sum 1/log2(rank+1)
//   HitRate@K = share of cases with at least one hit
//   MRR@K     = mean of 1/rank of the first hit (0 without a hit)
//   Coverage@K = distinct items recommended across all cases / training items
//
// Thread-safety: a MetricAccumulator is used by one thread; Merge() combines.

#include <cstdint>
#include <span>
#include <vector>

namespace atelier::recommend {

struct Metrics {
  int k = 0;
  int64_t cases = 0;
  double recall = 0;
  double ndcg = 0;
  double hit_rate = 0;
  double mrr = 0;
  double coverage = 0;
};

class MetricAccumulator {
 public:
  // REQUIRES: k > 0; num_items is the size of the item index space.
  MetricAccumulator(int k, uint32_t num_items);
  // `ranked`: recommended items, best first (only the first k count).
  // `test`: the case's relevant items, sorted and distinct (items unseen in
  // training count in |test|). A case with an empty `test` is ignored.
  void Add(std::span<const uint32_t> ranked, std::span<const uint32_t> test);
  // `training_items`: the size of the training item set (Coverage's denominator).
  Metrics Finish(uint32_t training_items) const;

 private:
  int k_;
  int64_t cases_ = 0;
  double recall_ = 0, ndcg_ = 0, hits_ = 0, mrr_ = 0;
  std::vector<uint8_t> recommended_;
};

}  // namespace atelier::recommend
