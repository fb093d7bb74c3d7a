#include <gtest/gtest.h>

#include <gmpxx.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <thread>

#include "atelier/config/compiled_model.h"
#include "atelier/config/demo_models.h"
#include "atelier/config/importers.h"
#include "atelier/config/parser.h"
#include "hostile_models.h"
#include "internal/engine.h"

namespace atelier::config {
namespace {

ProductModel Demo(const std::string& id) {
  auto models = DemoModels();
  EXPECT_TRUE(models.ok()) << (models.ok() ? "" : models.error().message);
  for (auto& m : *models) {
    if (m.id == id) return m;
  }
  ADD_FAILURE() << "no demo model " << id;
  return {};
}

std::shared_ptr<const CompiledModel> CompileOk(const ProductModel& m, CompileOptions opts = {}) {
  auto c = CompiledModel::Compile(m, opts);
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
  return c.ok() ? *c : nullptr;
}

const ValueState& ValueOf(const ConfigureState& st, const std::string& option, const std::string& value) {
  for (const auto& o : st.options) {
    if (o.id != option) continue;
    for (const auto& v : o.values) {
      if (v.id == value) return v;
    }
  }
  static ValueState missing;
  ADD_FAILURE() << "no value " << option << "=" << value;
  return missing;
}

ConfigureState ConfigureOk(const CompiledModel& cm, std::map<std::string, std::string> selections,
                           const ConfigureOptions& options = {}) {
  ConfigureRequest req;
  req.selections = std::move(selections);
  auto st = cm.Configure(req, options);
  EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
  return st.ok() ? *st : ConfigureState{};
}

TEST(EngineTest, TowingNeedsV6OrHybridAndSaysWhy) {
  auto cm = CompileOk(Demo("suv"));
  ConfigureState st = ConfigureOk(*cm, {{"towing", "true"}});
  ASSERT_TRUE(st.consistent);
  EXPECT_TRUE(ValueOf(st, "engine", "v6").available);
  EXPECT_TRUE(ValueOf(st, "engine", "hybrid").available);
  const ValueState& i4 = ValueOf(st, "engine", "i4");
  EXPECT_FALSE(i4.available);
  ASSERT_TRUE(i4.reason.has_value());
  EXPECT_EQ(i4.reason->rule_ids, std::vector<std::string>{"towing-engine"});
  EXPECT_EQ(i4.reason->picks_to_drop, std::vector<std::string>{"towing"});
  EXPECT_NE(i4.reason->message.find("V6 or the hybrid"), std::string::npos) << i4.reason->message;
  const ValueState& sport = ValueOf(st, "suspension", "sport");
  EXPECT_FALSE(sport.available);
  ASSERT_TRUE(sport.reason.has_value());
  EXPECT_EQ(sport.reason->rule_ids, std::vector<std::string>{"towing-suspension"});
}

TEST(EngineTest, WinterPackageWithFrontDriveIsExplainedByTheDrivePick) {
  auto cm = CompileOk(Demo("suv"));
  ConfigureState st = ConfigureOk(*cm, {{"drive", "fwd"}, {"colour", "red"}});
  const ValueState& winter = ValueOf(st, "winter_package", "true");
  EXPECT_FALSE(winter.available);
  ASSERT_TRUE(winter.reason.has_value());
  EXPECT_EQ(winter.reason->picks_to_drop, std::vector<std::string>{"drive"});
  EXPECT_EQ(winter.reason->rule_ids, std::vector<std::string>{"winter-awd"});
}

TEST(EngineTest, PickedOptionStillShowsItsAlternatives) {
  auto cm = CompileOk(Demo("suv"));
  ConfigureState st = ConfigureOk(*cm, {{"engine", "i4"}});
  EXPECT_EQ(st.options[1].selected, "i4");
  EXPECT_TRUE(ValueOf(st, "engine", "v6").available);
  EXPECT_TRUE(ValueOf(st, "engine", "i4").available);
}

TEST(EngineTest, ConflictingPicksAreAnsweredWithTheConflict) {
  auto cm = CompileOk(Demo("suv"));
  ConfigureState st = ConfigureOk(*cm, {{"towing", "true"}, {"suspension", "sport"}, {"colour", "red"}});
  EXPECT_FALSE(st.consistent);
  ASSERT_TRUE(st.conflict.has_value());
  EXPECT_EQ(st.conflict->picks, (std::vector<std::string>{"suspension", "towing"}));
  EXPECT_EQ(st.conflict->rule_ids, std::vector<std::string>{"towing-suspension"});
  EXPECT_FALSE(st.complete);
}

TEST(EngineTest, UnknownOptionOrValueIsAnInvalidArgument) {
  auto cm = CompileOk(Demo("suv"));
  ConfigureRequest req;
  req.selections = {{"engine", "v12"}};
  auto st = cm->Configure(req);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(st.error().field, "selections.engine");
  req.selections = {{"warp_drive", "true"}};
  st = cm->Configure(req);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().field, "selections.warp_drive");
}

TEST(EngineTest, SuvHasAtLeastAMillionConfigurations) {
  ProductModel m = Demo("suv");
  EXPECT_GE(m.options.size(), 20u);
  const Option& colour = m.options[m.OptionIndex("colour")];
  EXPECT_GE(colour.values.size(), 8u);
  EXPECT_GE(colour.ValueIndex("red"), 0);
  auto cm = CompileOk(m);
  EXPECT_EQ(cm->backend(), "bdd");
  auto count = cm->CountConfigurations();
  ASSERT_TRUE(count.has_value());
  EXPECT_GE(mpz_class(*count), mpz_class(1000000)) << *count;
}

TEST(EngineTest, CountsOfEachValueSumToTheTotal) {
  auto cm = CompileOk(Demo("suv"));
  ConfigureState all = ConfigureOk(*cm, {{"trim", "sport"}});
  ASSERT_TRUE(all.count.has_value());
  mpz_class sum = 0;
  for (const auto& v : cm->model().options[1].values) {
    ConfigureState st = ConfigureOk(*cm, {{"trim", "sport"}, {"engine", v.id}}, {false, true, false, false});
    if (st.consistent && st.count) sum += mpz_class(*st.count);
  }
  EXPECT_EQ(sum, mpz_class(*all.count));
}

TEST(EngineTest, CheapestCompletionIsCompleteAndCostsTheMinimum) {
  auto cm = CompileOk(Demo("suv"));
  ConfigureState st = ConfigureOk(*cm, {{"towing", "true"}, {"colour", "red"}});
  ASSERT_TRUE(st.price_min && st.price_max);
  EXPECT_LT(*st.price_min, *st.price_max);
  EXPECT_TRUE(st.cheapest_exact);
  ConfigureState done = ConfigureOk(*cm, st.cheapest_completion);
  ASSERT_TRUE(done.consistent);
  EXPECT_TRUE(done.complete);
  EXPECT_EQ(done.count, "1");
  EXPECT_EQ(done.price_now, *st.price_min);
  EXPECT_EQ(*done.price_min, *done.price_max);
}

TEST(EngineTest, PackageDiscountAppliesWhenItsOptionsAreChosen) {
  auto cm = CompileOk(Demo("tablet"));
  ConfigureState without = ConfigureOk(*cm, {{"pencil", "true"}, {"case", "folio"}});
  ConfigureState with = ConfigureOk(*cm, {{"pencil", "true"}, {"case", "keyboard"}});
  EXPECT_EQ(without.price_now, 44900 + 9900 + 7900);
  EXPECT_EQ(with.price_now, 44900 + 9900 + 29900 - 5000);
}

TEST(EngineTest, ShoeSizeRulesUseNumericComparisons) {
  auto cm = CompileOk(Demo("shoes"));
  ConfigureState big = ConfigureOk(*cm, {{"size", "13"}});
  EXPECT_FALSE(ValueOf(big, "width", "N").available);
  EXPECT_EQ(ValueOf(big, "width", "N").reason->rule_ids, std::vector<std::string>{"large-narrow"});
  ConfigureState mid = ConfigureOk(*cm, {{"size", "12.5"}});
  EXPECT_TRUE(ValueOf(mid, "width", "N").available);
  ConfigureState small = ConfigureOk(*cm, {{"size", "5.5"}});
  EXPECT_FALSE(ValueOf(small, "width", "XW").available);
}

TEST(EngineTest, ImpliedValueIsReportedWhenOnlyOneRemains) {
  auto cm = CompileOk(Demo("suv"));
  ConfigureState st = ConfigureOk(*cm, {{"trim", "trailhead"}});
  EXPECT_EQ(st.options[3].id, "drive");
  EXPECT_EQ(st.options[3].implied, "awd");
}

// Walks that pick a shown value of a random open option and now and then
// drop a pick (a shopper changing their mind): both engines must show the
// same values at every step. Returns the number of steps compared.
int ExpectEnginesAgreeAlongWalks(const ProductModel& m, int walks, uint32_t seed) {
  CompileOptions bdd_opts, sat_opts;
  bdd_opts.backend = CompileOptions::Backend::kBdd;
  sat_opts.backend = CompileOptions::Backend::kSat;
  auto bdd = CompileOk(m, bdd_opts);
  auto sat = CompileOk(m, sat_opts);
  if (!bdd || !sat) return 0;
  EXPECT_EQ(sat->backend(), "sat");
  std::mt19937 rng(seed);
  int steps = 0;
  for (int walk = 0; walk < walks; ++walk) {
    std::vector<int> picks(m.options.size(), -1);
    for (int guard = 0; guard < 10 * static_cast<int>(m.options.size()) + 10; ++guard) {
      std::vector<std::vector<char>> a, b;
      EXPECT_TRUE(bdd->ValidDomains(picks, &a)) << m.id;
      EXPECT_TRUE(sat->ValidDomains(picks, &b)) << m.id;
      if (a != b) {
        ADD_FAILURE() << m.id << ": engines disagree at walk " << walk << " step " << guard;
        return steps;
      }
      ++steps;
      std::vector<int> open, picked;
      for (size_t o = 0; o < picks.size(); ++o) {
        int shown = 0;
        for (char c : a[o]) shown += c ? 1 : 0;
        if (picks[o] >= 0) {
          picked.push_back(static_cast<int>(o));
        } else if (shown > 1) {
          open.push_back(static_cast<int>(o));
        }
      }
      if (open.empty()) break;
      if (!picked.empty() && rng() % 6 == 0) {
        picks[picked[rng() % picked.size()]] = -1;
        continue;
      }
      int o = open[rng() % open.size()];
      std::vector<int> shown;
      for (size_t v = 0; v < a[o].size(); ++v) {
        if (a[o][v]) shown.push_back(static_cast<int>(v));
      }
      picks[o] = shown[rng() % shown.size()];
    }
  }
  return steps;
}

TEST(EngineTest, SatAndBddBackendsAgreeAlongRandomWalks) {
  auto models = DemoModels();
  ASSERT_TRUE(models.ok());
  int steps = 0;
  for (const ProductModel& m : *models) steps += ExpectEnginesAgreeAlongWalks(m, 8, 7);
  EXPECT_GT(steps, 300);
}

std::string DataPath(const std::string& rel) {
  const char* env = std::getenv("ATELIER_DATA_DIR");
  std::filesystem::path base = env ? std::filesystem::path(env)
                                   : std::filesystem::path(ATELIER_SOURCE_DIR) / ".." / "shared" / "data";
  return (base / "config" / rel).string();
}

TEST(EngineTest, SatAndBddBackendsAgreeAlongWalksOnPublicFeatureModels) {
  int steps = 0;
  for (const char* rel : {"fm-eshop-lau2006/eshop.dimacs", "fm-pc-richmond-sprey2020/pc-richmond.dimacs"}) {
    const std::string path = DataPath(rel);
    if (!std::filesystem::exists(path)) continue;
    auto m = LoadModel(path);
    ASSERT_TRUE(m.ok()) << m.error().message;
    steps += ExpectEnginesAgreeAlongWalks(*m, 6, 11);
  }
  if (steps == 0) GTEST_SKIP() << "data absent: " << DataPath("");
  EXPECT_GT(steps, 200);
}

// The SAT engine deciding every value it would leave to CaDiCaL by variable
// elimination (as it does on table-heavy models) agrees with the BDD along
// walks on the demo models.
TEST(EngineTest, SatWithEliminationAndBddAgreeAlongWalksOnDemoModels) {
  auto models = DemoModels();
  ASSERT_TRUE(models.ok());
  internal::SatOptions eliminate;
  eliminate.elimination_min_uncovered = 1;
  eliminate.elimination_any_problem = true;
  int steps = 0;
  for (const ProductModel& m : *models) {
    const internal::Problem p = internal::BuildProblem(m);
    auto sat = internal::MakeSatEngine(p, eliminate);
    auto bdd = internal::CompileBdd(p, {}, nullptr);
    ASSERT_TRUE(bdd.ok()) << m.id;
    std::mt19937 rng(5);
    for (int walk = 0; walk < 8; ++walk) {
      internal::Assignment picks(p.domain.size(), -1);
      for (int guard = 0; guard < 4 * static_cast<int>(p.domain.size()) + 10; ++guard) {
        std::vector<std::vector<char>> a, b;
        ASSERT_TRUE((*bdd)->Supported(picks, &a)) << m.id;
        ASSERT_TRUE(sat->Supported(picks, &b)) << m.id;
        ASSERT_EQ(a, b) << m.id << " walk " << walk << " step " << guard;
        ++steps;
        std::vector<int> open, picked;
        for (int o = 0; o < static_cast<int>(m.options.size()); ++o) {
          int shown = 0;
          for (char c : a[o]) shown += c ? 1 : 0;
          if (picks[o] >= 0) {
            picked.push_back(o);
          } else if (shown > 1) {
            open.push_back(o);
          }
        }
        if (open.empty()) break;
        if (!picked.empty() && rng() % 6 == 0) {
          picks[picked[rng() % picked.size()]] = -1;
          continue;
        }
        const int o = open[rng() % open.size()];
        std::vector<int> shown;
        for (size_t v = 0; v < a[o].size(); ++v) {
          if (a[o][v]) shown.push_back(static_cast<int>(v));
        }
        picks[o] = shown[rng() % shown.size()];
      }
    }
  }
  EXPECT_GT(steps, 300);
}

// Renault medium (XCSP tables) on the SAT path decides its first states by
// elimination (many values left to the solver); it must agree with the BDD.
TEST(EngineTest, SatAndBddBackendsAgreeAlongWalksOnRenaultMedium) {
  const std::string path = DataPath("renault-br4cp/medium_domainsorted.xml");
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "data absent: " << path;
  auto m = LoadModel(path);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_GT(ExpectEnginesAgreeAlongWalks(*m, 4, 13), 40);
}

// Sessions on several threads share the SAT engine's solvers and cache of
// states; each must still get the exact answer.
TEST(EngineTest, SatEngineAnswersConcurrentSessionsExactly) {
  ProductModel m = Demo("suv");
  CompileOptions sat_opts;
  sat_opts.backend = CompileOptions::Backend::kSat;
  auto bdd = CompileOk(m);
  auto sat = CompileOk(m, sat_opts);
  ASSERT_TRUE(bdd && sat);
  std::atomic<int> mismatches{0}, steps{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(100 + t);
      for (int walk = 0; walk < 6; ++walk) {
        std::vector<int> picks(m.options.size(), -1);
        while (true) {
          std::vector<std::vector<char>> a, b;
          bdd->ValidDomains(picks, &a);
          sat->ValidDomains(picks, &b);
          ++steps;
          if (a != b) {
            ++mismatches;
            return;
          }
          std::vector<int> open;
          for (size_t o = 0; o < picks.size(); ++o) {
            if (picks[o] < 0) open.push_back(static_cast<int>(o));
          }
          if (open.empty()) break;
          int o = open[rng() % open.size()];
          std::vector<int> shown;
          for (size_t v = 0; v < a[o].size(); ++v) {
            if (a[o][v]) shown.push_back(static_cast<int>(v));
          }
          picks[o] = shown[rng() % shown.size()];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_GT(steps.load(), 400);
}

TEST(EngineTest, ModelWithoutAnyConfigurationIsRejectedWithItsRules) {
  auto m = ParseProductModel(R"(model: broken
options:
  - {id: a, type: bool}
  - {id: b, type: bool}
  - {id: c, values: [x, y]}
rules:
  - {id: need-a, rule: a}
  - {id: a-not-b, rule: a excludes b}
  - {id: need-b, rule: b}
  - {id: harmless, rule: c = x or c = y}
)",
                             "broken.yaml");
  ASSERT_TRUE(m.ok());
  auto c = CompiledModel::Compile(*m);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ErrorCode::kConflict);
  EXPECT_EQ(c.error().field, "rules: need-a, a-not-b, need-b");
}

TEST(EngineTest, BackgroundBddBuildSwitchesEngine) {
  CompileOptions opts;
  opts.background_bdd = true;
  auto cm = CompileOk(Demo("suv"), opts);
  // Serving works immediately, whichever engine answers.
  ConfigureState st = ConfigureOk(*cm, {{"towing", "true"}});
  EXPECT_FALSE(ValueOf(st, "engine", "i4").available);
  cm->WaitForBackground();
  EXPECT_EQ(cm->backend(), "bdd");
  ConfigureState after = ConfigureOk(*cm, {{"towing", "true"}});
  EXPECT_FALSE(ValueOf(after, "engine", "i4").available);
  EXPECT_TRUE(after.count.has_value());
}

TEST(EngineTest, TinyNodeBudgetFallsBackToSat) {
  CompileOptions opts;
  opts.bdd_node_budget = 50;
  auto cm = CompileOk(Demo("suv"), opts);
  EXPECT_EQ(cm->backend(), "sat");
  // Without a BDD the count comes from variable elimination: the same figure.
  EXPECT_EQ(cm->CountConfigurations(), CompileOk(Demo("suv"))->CountConfigurations());
  ConfigureState st = ConfigureOk(*cm, {{"towing", "true"}});
  EXPECT_EQ(st.count, ConfigureOk(*CompileOk(Demo("suv")), {{"towing", "true"}}).count);
  EXPECT_FALSE(ValueOf(st, "engine", "i4").available);
  // Past the count budget: unknown, never guessed.
  opts.count_row_budget = 1;
  auto starved = CompileOk(Demo("suv"), opts);
  EXPECT_FALSE(starved->CountConfigurations().has_value());
  EXPECT_FALSE(ConfigureOk(*starved, {{"towing", "true"}}).count.has_value());
  opts.backend = CompileOptions::Backend::kBdd;
  auto strict = CompiledModel::Compile(Demo("suv"), opts);
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.error().code, ErrorCode::kUnavailable);
}

TEST(EngineTest, CacheCompilesEachVersionOnce) {
  ModelCache cache;
  ProductModel m = Demo("tablet");
  auto a = cache.Get(m);
  auto b = cache.Get(m);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->get(), b->get());
  m.version = 2;
  auto c = cache.Get(m);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(a->get(), c->get());
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.Find("tablet", 1).get(), a->get());
  EXPECT_EQ(cache.Find("tablet", 3), nullptr);
}

TEST(EngineTest, PopularChoiceFollowsAgreeingSales) {
  ProductModel m = Demo("tablet");
  auto cm = CompileOk(m);
  SalesHistory history(static_cast<int>(m.options.size()));
  // model, storage, colour, connectivity, pencil, case
  history.Add({1, 1, 0, 0, 1, 2});
  history.Add({1, 2, 4, 1, 1, 1});
  history.Add({1, 2, 4, 0, 0, 1});
  history.Add({2, 3, 2, 1, 1, 1});
  ConfigureRequest req;
  req.selections = {{"model", "s11"}};
  auto st = cm->Configure(req, {}, &history);
  ASSERT_TRUE(st.ok());
  EXPECT_TRUE(ValueOf(*st, "storage", "256gb").popular);
  EXPECT_FALSE(ValueOf(*st, "storage", "512gb").popular);
  EXPECT_TRUE(ValueOf(*st, "colour", "sky_blue").popular);
}

std::string Pigeonhole(int holes, bool gated) { return testing::PigeonholeModel("pigeons", holes, gated); }

ProductModel ParseOk(const std::string& yaml) {
  auto m = ParseProductModel(yaml, "pigeons.yaml");
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().ToString());
  return m.ok() ? *m : ProductModel{};
}

TEST(EngineTest, AModelTooHardToCheckIsRefusedWithinTheWorkBudget) {
  CompileOptions options;
  options.backend = CompileOptions::Backend::kSat;
  options.sat_work_budget = 5'000;
  auto c = CompiledModel::Compile(ParseOk(Pigeonhole(12, false)), options);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ErrorCode::kTooLarge) << c.error().ToString();
  EXPECT_EQ(c.error().field, "rules");
}

TEST(EngineTest, ASmallUnsatisfiableModelIsStillAConflictUnderTheBudget) {
  CompileOptions options;
  options.backend = CompileOptions::Backend::kSat;
  auto c = CompiledModel::Compile(ParseOk(Pigeonhole(3, false)), options);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ErrorCode::kConflict) << c.error().ToString();
}

TEST(EngineTest, SelectionsTooHardToAnswerFailInsteadOfHoldingTheThread) {
  CompileOptions compile;
  compile.backend = CompileOptions::Backend::kSat;
  auto cm = CompileOk(ParseOk(Pigeonhole(12, true)), compile);
  ASSERT_NE(cm, nullptr);
  ConfigureOptions options;
  options.work_budget = 5'000;
  for (const std::map<std::string, std::string>& picks :
       std::vector<std::map<std::string, std::string>>{{}, {{"mode", "hard"}}, {{"mode", "hard"}, {"p0", "h0"}}}) {
    ConfigureRequest req;
    req.selections = picks;
    auto st = cm->Configure(req, options);
    ASSERT_FALSE(st.ok()) << picks.size();
    EXPECT_EQ(st.error().code, ErrorCode::kTooLarge);
    EXPECT_EQ(st.error().field, "selections");
  }
  // An easy question of the same model is answered (and was not poisoned by
  // the abandoned searches): with "easy" picked, neither the alternatives
  // to it nor why they are out (both the hopeless question again).
  options.alternatives_for_picked = false;
  options.explain = false;
  ConfigureRequest easy;
  easy.selections = {{"mode", "easy"}, {"p0", "h3"}};
  auto st = cm->Configure(easy, options);
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_TRUE(st->consistent);
  EXPECT_TRUE(ValueOf(*st, "p1", "h3").available);
}

TEST(EngineTest, DemoModelsStayWellWithinTheDefaultWorkBudget) {
  CompileOptions compile;
  compile.backend = CompileOptions::Backend::kSat;
  auto models = DemoModels();
  ASSERT_TRUE(models.ok());
  ConfigureOptions options;
  options.work_budget = ConfigureOptions{}.work_budget / 10;
  for (const ProductModel& m : *models) {
    auto cm = CompileOk(m, compile);
    ASSERT_NE(cm, nullptr);
    ConfigureRequest req;
    auto st = cm->Configure(req, options);
    EXPECT_TRUE(st.ok()) << m.id << ": " << (st.ok() ? "" : st.error().ToString());
  }
}

}  // namespace
}  // namespace atelier::config
