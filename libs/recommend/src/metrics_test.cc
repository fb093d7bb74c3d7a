#include "atelier/recommend/metrics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "atelier/recommend/ranking.h"

namespace atelier::recommend {
namespace {

TEST(MetricsTest, HandComputedSingleCase) {
  // Ranked 5,1,7,3; test {1,3,9}; K = 3: hit at rank 2 only.
  MetricAccumulator acc(3, 10);
  std::vector<uint32_t> ranked = {5, 1, 7, 3};
  std::vector<uint32_t> test = {1, 3, 9};
  acc.Add(ranked, test);
  Metrics m = acc.Finish(10);
  EXPECT_EQ(m.cases, 1);
  EXPECT_DOUBLE_EQ(m.recall, 1.0 / 3.0);
  double idcg = 1.0 + 1.0 / std::log2(3.0) + 0.5;
  EXPECT_DOUBLE_EQ(m.ndcg, (1.0 / std::log2(3.0)) / idcg);
  EXPECT_DOUBLE_EQ(m.hit_rate, 1.0);
  EXPECT_DOUBLE_EQ(m.mrr, 0.5);
  EXPECT_DOUBLE_EQ(m.coverage, 0.3);  // items 5, 1, 7 of 10
}

TEST(MetricsTest, RecallAndIdealDcgUseMinOfKAndTestSize) {
  // |test| = 4 > K = 2; both recommendations hit: perfect scores.
  MetricAccumulator acc(2, 10);
  std::vector<uint32_t> ranked = {2, 4};
  std::vector<uint32_t> test = {1, 2, 3, 4};
  acc.Add(ranked, test);
  Metrics m = acc.Finish(10);
  EXPECT_DOUBLE_EQ(m.recall, 1.0);
  EXPECT_DOUBLE_EQ(m.ndcg, 1.0);
}

TEST(MetricsTest, AveragesOverCasesAndCountsMisses) {
  MetricAccumulator acc(2, 4);
  std::vector<uint32_t> a = {0, 1}, b = {2, 3};
  std::vector<uint32_t> t1 = {0}, t2 = {1};  // case 1 hit at 1, case 2 miss
  acc.Add(a, t1);
  acc.Add(b, t2);
  Metrics m = acc.Finish(4);
  EXPECT_EQ(m.cases, 2);
  EXPECT_DOUBLE_EQ(m.hit_rate, 0.5);
  EXPECT_DOUBLE_EQ(m.ndcg, 0.5);
  EXPECT_DOUBLE_EQ(m.mrr, 0.5);
  EXPECT_DOUBLE_EQ(m.coverage, 1.0);
}

TEST(MetricsTest, TestItemsUnseenInTrainingStayInTheDenominator) {
  MetricAccumulator acc(10, 4);
  std::vector<uint32_t> ranked = {0};
  std::vector<uint32_t> test = {0, 99};  // 99 was never in training
  acc.Add(ranked, test);
  EXPECT_DOUBLE_EQ(acc.Finish(4).recall, 0.5);
}

TEST(RankingTest, TiesBreakByPopularityThenItemIndex) {
  std::vector<float> scores = {1, 2, 2, 2, 0};
  std::vector<uint32_t> pop = {9, 1, 5, 5, 3};
  std::vector<ScoredItem> top;
  TopK(scores, pop, 4, {}, top);
  ASSERT_EQ(top.size(), 4u);
  EXPECT_EQ(top[0].item, 2u);  // score 2, pop 5, lower index
  EXPECT_EQ(top[1].item, 3u);
  EXPECT_EQ(top[2].item, 1u);
  EXPECT_EQ(top[3].item, 0u);
}

TEST(RankingTest, SkipsExcludedItemsAndItemsOutsideTraining) {
  std::vector<float> scores = {5, 4, 3, 2};
  std::vector<uint32_t> pop = {1, 0, 1, 1};
  std::vector<uint32_t> exclude = {0};
  std::vector<ScoredItem> top;
  TopK(scores, pop, 3, exclude, top);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].item, 2u);
  EXPECT_EQ(top[1].item, 3u);
}

// A large catalogue with few distinct scores (most items tie at 0), items
// outside training and exclusions: the heap with its early exits must keep
// exactly the first K of a full sort by (score, popularity, -index).
TEST(RankingTest, AgreesWithAFullSortOnALargeCatalogue) {
  std::mt19937 gen(11);
  std::uniform_int_distribution<int> level(0, 40), pop_of(0, 6);
  const uint32_t n = 20000;
  std::vector<float> scores(n);
  std::vector<uint32_t> pop(n), exclude;
  for (uint32_t i = 0; i < n; ++i) {
    const int l = level(gen);
    scores[i] = l < 35 ? 0.0f : static_cast<float>(l - 34);
    pop[i] = static_cast<uint32_t>(pop_of(gen));
    if (i % 97 == 0) exclude.push_back(i);
  }
  std::vector<uint32_t> expected;
  for (uint32_t i = 0; i < n; ++i) {
    if (pop[i] > 0 && i % 97 != 0) expected.push_back(i);
  }
  std::sort(expected.begin(), expected.end(), [&](uint32_t a, uint32_t b) {
    if (scores[a] != scores[b]) return scores[a] > scores[b];
    if (pop[a] != pop[b]) return pop[a] > pop[b];
    return a < b;
  });
  for (size_t k : {1, 20, 500, 5000}) {
    std::vector<float> work = scores;
    std::vector<ScoredItem> top;
    TopK(work, pop, k, exclude, top);
    ASSERT_EQ(top.size(), k);
    for (size_t r = 0; r < k; ++r) ASSERT_EQ(top[r].item, expected[r]) << "k " << k << " rank " << r;
  }
}

}  // namespace
}  // namespace atelier::recommend
