#include "atelier/config/walk.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "atelier/config/demo_models.h"

namespace atelier::config {
namespace {

std::shared_ptr<const CompiledModel> CompileDemo(const std::string& id, CompileOptions opts = {}) {
  auto models = DemoModels();
  EXPECT_TRUE(models.ok());
  for (const auto& m : *models) {
    if (m.id == id) return *CompiledModel::Compile(m, opts);
  }
  return nullptr;
}

std::string Case(const std::string& name) {
  return (std::filesystem::path(ATELIER_SOURCE_DIR) / "tests/cases/config/sales" / name).string();
}

TEST(WalkTest, PercentilesUseNearestRank) {
  std::vector<double> s;
  for (int i = 100; i >= 1; --i) s.push_back(i);
  LatencyStats st = Summarize(&s);
  EXPECT_EQ(st.steps, 100);
  EXPECT_EQ(st.p50_ms, 50);
  EXPECT_EQ(st.p99_ms, 99);
  EXPECT_EQ(st.max_ms, 100);
}

TEST(WalkTest, EveryShownValueCompletesOnBothEngines) {
  for (auto backend : {CompileOptions::Backend::kBdd, CompileOptions::Backend::kSat}) {
    CompileOptions opts;
    opts.backend = backend;
    for (const char* id : {"suv", "shoes", "candy", "tablet"}) {
      auto cm = CompileDemo(id, opts);
      ASSERT_NE(cm, nullptr);
      WalkOptions wo;
      wo.walks = 4;
      wo.verify = true;
      auto r = RandomWalks(*cm, wo);
      ASSERT_TRUE(r.ok()) << r.error().message;
      EXPECT_EQ(r->verify_failures, 0) << id << " " << cm->backend();
      EXPECT_GT(r->picks, 4) << id;
      EXPECT_EQ(r->latency.steps, r->picks + wo.walks);
    }
  }
}

TEST(WalkTest, SameSeedsGiveTheSameWalks) {
  auto cm = CompileDemo("suv");
  WalkOptions wo;
  wo.walks = 3;
  wo.first_seed = 11;
  auto a = RandomWalks(*cm, wo);
  auto b = RandomWalks(*cm, wo);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->picks, b->picks);
}

// The hook benchmarks use to time a reference on the same walks: once per
// timed step, with the picks of the step and the domains shown. Both engines
// show the same domains, so their walks take the same steps.
TEST(WalkTest, OnStepSeesEveryStepAndBothEnginesWalkTheSameWay) {
  std::vector<std::vector<int>> seen[2];
  int64_t steps[2] = {0, 0};
  int i = 0;
  for (auto backend : {CompileOptions::Backend::kBdd, CompileOptions::Backend::kSat}) {
    CompileOptions opts;
    opts.backend = backend;
    auto cm = CompileDemo("suv", opts);
    ASSERT_NE(cm, nullptr);
    WalkOptions wo;
    wo.walks = 5;
    wo.on_step = [&](const std::vector<int>& picks, const std::vector<std::vector<char>>& available) {
      std::vector<std::vector<char>> again;
      ASSERT_TRUE(cm->ValidDomains(picks, &again));
      EXPECT_EQ(again, available);
      seen[i].push_back(picks);
    };
    auto r = RandomWalks(*cm, wo);
    ASSERT_TRUE(r.ok());
    steps[i] = r->latency.steps;
    EXPECT_EQ(static_cast<int64_t>(seen[i].size()), r->latency.steps);
    ++i;
  }
  EXPECT_EQ(steps[0], steps[1]);
  EXPECT_EQ(seen[0], seen[1]);
}

TEST(WalkTest, ReplayOffersEverySoldConfigurationAndRanksByAgreeingSales) {
  auto cm = CompileDemo("tablet");
  auto sales = LoadSalesTable(*cm, Case("tablet_sales.txt"));
  ASSERT_TRUE(sales.ok()) << sales.error().message;
  ASSERT_EQ(sales->rows.size(), 4u);
  auto folds = LoadFolds(Case("tablet_folds.txt"), sales->rows.size());
  ASSERT_TRUE(folds.ok());
  auto r = ReplaySales(*cm, *sales, *folds);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->not_offered, 0);
  EXPECT_EQ(r->cars, 4);
  EXPECT_EQ(r->predictions, 12);
  // Worked by hand (ties go to the first value in model order):
  // car 0 (s11 256gb sky_blue), trained on cars 1-3: model tie -> mini (miss);
  //   among s11 sales (car 1): 256gb (hit), silver (miss).
  // car 1 (s11 256gb silver): mini (miss), 256gb (hit), sky_blue (miss).
  // car 2 (mini 128gb rose_gold): s11 (miss); no training car agrees, so the
  //   ranking backs off to all training cars: 256gb (miss), silver (miss).
  // car 3 (s13 512gb midnight): s11 (miss), 256gb (miss), silver (miss).
  EXPECT_EQ(r->hits, 2);
  EXPECT_EQ(r->free_predictions, 12);
}

TEST(WalkTest, SalesHistoryErrorsNameLineAndOption) {
  auto cm = CompileDemo("tablet");
  auto bad = LoadSalesTable(*cm, Case("tablet_sales_bad_value.txt"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message,
            Case("tablet_sales_bad_value.txt") + ":2: '2tb' is not a value of option 'storage'");
  auto missing = LoadSalesTable(*cm, Case("no_such_file.txt"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace atelier::config
