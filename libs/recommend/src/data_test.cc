// EVAL.md's baselines on the public data sets must reproduce the reference
// figures of issue 5 to +-0.001. Skipped when the data is absent.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "atelier/recommend/evaluate.h"
#include "atelier/recommend/event_log.h"

namespace atelier::recommend {
namespace {

std::string DataDir() {
  const char* env = std::getenv("ATELIER_DATA_DIR");
  return env != nullptr ? env : std::string(ATELIER_SOURCE_DIR) + "/../shared/data";
}

EvalReport Baselines(const std::string& rel, EventFormat format, Protocol protocol, std::vector<int> ks) {
  std::string path = DataDir() + "/" + rel;
  LoadReport report;
  auto log = LoadEventLog(path, format, {}, report);
  EXPECT_TRUE(log.ok()) << log.error().ToString();
  EXPECT_EQ(report.bad, 0);
  auto split = MakeSplit(BuildInteractions(*log), protocol);
  EXPECT_TRUE(split.ok());
  EvalOptions options;
  options.ks = ks;
  options.tune = false;
  auto r = Evaluate(*split, {}, options);
  EXPECT_TRUE(r.ok());
  return *r;
}

#define REQUIRE_DATA(rel)                                                  \
  if (!std::filesystem::exists(DataDir() + "/" + (rel))) {                \
    GTEST_SKIP() << "data set absent: " << DataDir() << "/" << (rel);     \
  }

TEST(DataTest, OnlineRetailLastBasketBaselinesMatchTheReference) {
  REQUIRE_DATA("uci-online-retail/online_retail.csv.gz");
  EvalReport r = Baselines("uci-online-retail/online_retail.csv.gz", EventFormat::kUciOnlineRetail,
                           Protocol::kLastBasket, {20});
  EXPECT_EQ(r.cases, 2829);
  ASSERT_EQ(r.models.size(), 2u);
  EXPECT_NEAR(r.models[0].metrics[0].ndcg, 0.0693, 0.001);  // popular
  EXPECT_NEAR(r.models[1].metrics[0].ndcg, 0.2705, 0.001);  // repeat
}

TEST(DataTest, MovieLens100kRandomHoldoutPopularMatchesTheReference) {
  REQUIRE_DATA("movielens-100k/u.data");
  EvalReport r = Baselines("movielens-100k/u.data", EventFormat::kMovieLens100k, Protocol::kRandomHoldout, {10});
  EXPECT_EQ(r.cases, 943);
  EXPECT_NEAR(r.models[0].metrics[0].ndcg, 0.2531, 0.001);
}

TEST(DataTest, GroceriesBasketCompletionPopularMatchesTheReference) {
  REQUIRE_DATA("groceries-arules/groceries.csv");
  EvalReport r = Baselines("groceries-arules/groceries.csv", EventFormat::kGroceries, Protocol::kBasketCompletion, {10});
  EXPECT_EQ(r.cases, 1535);
  EXPECT_NEAR(r.models[0].metrics[0].hit_rate, 0.3870, 0.001);
}

TEST(DataTest, GroceriesEaseReproducesTheReferenceImplementation) {
  // EASE lambda=500 on the same split: the reference's NDCG@20 0.2794 and
  // HitRate@10 0.4046 (issue 5) confirm split, hidden-item choice and metrics.
  REQUIRE_DATA("groceries-arules/groceries.csv");
  LoadReport report;
  auto log = LoadEventLog(DataDir() + "/groceries-arules/groceries.csv", EventFormat::kGroceries, {}, report);
  ASSERT_TRUE(log.ok());
  auto split = MakeSplit(BuildInteractions(*log), Protocol::kBasketCompletion);
  ASSERT_TRUE(split.ok());
  auto history = History::Build(split->train);
  auto ease = CreateModel("ease", {{"lambda", 500}}).value();
  ASSERT_TRUE(ease->Fit(history).ok());
  auto m = EvaluateCases(*ease, *history, split->cases, split->exclude_user_history, {10, 20});
  EXPECT_NEAR(m[0].hit_rate, 0.4046, 0.001);
  EXPECT_NEAR(m[1].ndcg, 0.2794, 0.001);
}

TEST(DataTest, MovieLensLatestLoadsEveryRating) {
  REQUIRE_DATA("movielens-latest-small/ratings.csv");
  LoadReport report;
  auto log = LoadEventLog(DataDir() + "/movielens-latest-small/ratings.csv", EventFormat::kMovieLensLatest, {}, report);
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(report.loaded, 100836);
  EXPECT_EQ(log->user_ids.size(), 610u);
}

}  // namespace
}  // namespace atelier::recommend
