// Exact counting by variable elimination: equal to brute-force enumeration on
// small random models (fixed seeds), equal to the BDD on the demo models, and
// "unknown" (never a guess) when its budget runs out.

#include "internal/counter.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <thread>

#include "atelier/config/compiled_model.h"
#include "atelier/config/demo_models.h"
#include "internal/engine.h"

namespace atelier::config {
namespace {

using internal::Assignment;
using internal::CountBudget;
using internal::EliminationCounter;

OptionValue Value(std::string id) {
  OptionValue v;
  v.id = std::move(id);
  v.label = v.id;
  return v;
}

// Option "o<index>" with the values "v0" ... "v<count - 1>", as the grid
// models of these tests are made of.
Option GridOption(int index, int count) {
  Option opt;
  opt.id = "o" + std::to_string(index);
  for (int v = 0; v < count; ++v) opt.values.push_back(Value("v" + std::to_string(v)));
  return opt;
}

// Random models with several shapes of rules: expressions, allowed and
// forbidden tables with wildcards (also a column named twice), unary rules.
class RandomModels {
 public:
  explicit RandomModels(uint32_t seed) : rng_(seed) {}
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  ProductModel Next() {
    ProductModel m;
    m.id = "random";
    const int n = Uniform(1, 8);
    for (int o = 0; o < n; ++o) {
      m.options.push_back(GridOption(o, Uniform(1, 4)));
    }
    const int rules = Uniform(0, 8);
    for (int r = 0; r < rules; ++r) {
      Rule rule;
      rule.id = "r" + std::to_string(r);
      const int kind = Uniform(0, 2);
      if (kind == 0) {
        rule.kind = Rule::Kind::kConstraint;
        rule.expr = Expression(m, 2);
      } else {
        rule.kind = kind == 1 ? Rule::Kind::kAllowedTable : Rule::Kind::kForbiddenTable;
        const int arity = Uniform(1, 4);
        for (int c = 0; c < arity; ++c) rule.table_options.push_back(Uniform(0, n - 1));
        const int rows = Uniform(0, 12);
        for (int i = 0; i < rows; ++i) {
          std::vector<int> row;
          for (int o : rule.table_options) {
            const int d = static_cast<int>(m.options[o].values.size());
            row.push_back(Uniform(0, 5) == 0 ? kAnyValue : Uniform(0, d - 1));
          }
          rule.rows.push_back(std::move(row));
        }
      }
      m.rules.push_back(std::move(rule));
    }
    return m;
  }

 private:
  Expr Expression(const ProductModel& m, int depth) {
    if (depth == 0 || Uniform(0, 3) == 0) {
      const int o = Uniform(0, static_cast<int>(m.options.size()) - 1);
      std::vector<int> values;
      for (int v = 0; v < static_cast<int>(m.options[o].values.size()); ++v) {
        if (Uniform(0, 1)) values.push_back(v);
      }
      return Expr::In(o, values);
    }
    switch (Uniform(0, 2)) {
      case 0:
        return Expr::Not(Expression(m, depth - 1));
      case 1:
        return Expr::And({Expression(m, depth - 1), Expression(m, depth - 1)});
      default:
        return Expr::Or({Expression(m, depth - 1), Expression(m, depth - 1)});
    }
  }

  std::mt19937 rng_;
};

// Completions of `fixed` satisfying every rule, by enumeration.
int64_t BruteForceCount(const ProductModel& m, const Assignment& fixed) {
  int64_t count = 0;
  std::vector<int> a(m.options.size(), 0);
  while (true) {
    bool ok = true;
    for (size_t o = 0; o < a.size() && ok; ++o) ok = fixed[o] < 0 || fixed[o] == a[o];
    for (size_t r = 0; r < m.rules.size() && ok; ++r) ok = Satisfies(m.rules[r], a);
    count += ok ? 1 : 0;
    size_t o = 0;
    while (o < a.size() && ++a[o] == static_cast<int>(m.options[o].values.size())) a[o++] = 0;
    if (o == a.size()) break;
  }
  return count;
}

// Valid domains of `fixed` by enumeration (all 0 when it has no completion).
std::vector<std::vector<char>> BruteForceDomains(const ProductModel& m, const Assignment& fixed, bool* any) {
  std::vector<std::vector<char>> out(m.options.size());
  for (size_t o = 0; o < out.size(); ++o) out[o].assign(m.options[o].values.size(), 0);
  *any = false;
  std::vector<int> a(m.options.size(), 0);
  while (true) {
    bool ok = true;
    for (size_t o = 0; o < a.size() && ok; ++o) ok = fixed[o] < 0 || fixed[o] == a[o];
    for (size_t r = 0; r < m.rules.size() && ok; ++r) ok = Satisfies(m.rules[r], a);
    if (ok) {
      *any = true;
      for (size_t o = 0; o < a.size(); ++o) out[o][a[o]] = 1;
    }
    size_t o = 0;
    while (o < a.size() && ++a[o] == static_cast<int>(m.options[o].values.size())) a[o++] = 0;
    if (o == a.size()) break;
  }
  return out;
}

// Valid domains by elimination and bucket-tree calibration: exactly the
// values of some solution, with and without picks, with and without splits
// (forced at every table by a cap of one row).
TEST(CounterTest, ValidDomainsEqualBruteForceOnRandomModels) {
  int feasible = 0, splits = 0;
  for (uint32_t seed = 1; seed <= 400; ++seed) {
    RandomModels gen(seed);
    ProductModel m = gen.Next();
    const internal::Problem p = internal::BuildProblem(m);
    EliminationCounter counter(p);
    ASSERT_TRUE(counter.usable());
    Assignment open(m.options.size(), -1);
    Assignment fixed = open;
    for (size_t o = 0; o < fixed.size(); ++o) {
      if (gen.Uniform(0, 2) == 0) fixed[o] = gen.Uniform(0, static_cast<int>(m.options[o].values.size()) - 1);
    }
    for (const Assignment& picks : {open, fixed}) {
      bool any = false;
      const auto expected = BruteForceDomains(m, picks, &any);
      feasible += any ? 1 : 0;
      for (const int64_t cap : {int64_t{1}, int64_t{100'000}}) {
        CountBudget budget;
        budget.split_table_rows = cap;
        internal::CountStats stats;
        std::vector<std::vector<char>> got;
        auto ok = counter.ValidDomains(picks, budget, &got, &stats);
        ASSERT_TRUE(ok.has_value()) << "seed " << seed;
        ASSERT_EQ(*ok, any) << "seed " << seed << " cap " << cap;
        splits += stats.splits;
        if (!any) continue;
        for (size_t o = 0; o < m.options.size(); ++o) {
          EXPECT_EQ(got[o], expected[o]) << "seed " << seed << " cap " << cap << " option " << o;
        }
      }
    }
  }
  EXPECT_GT(feasible, 200);
  EXPECT_GT(splits, 50);
}

// Chains and trees of binary tables over many options (deep bucket trees,
// where a value's support is decided far from where it is eliminated).
TEST(CounterTest, ValidDomainsEqualBruteForceOnTreesOfTables) {
  int checked = 0;
  for (uint32_t seed = 1; seed <= 150; ++seed) {
    std::mt19937 rng(seed);
    auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    ProductModel m;
    m.id = "tree";
    const int n = uniform(6, 10);
    for (int o = 0; o < n; ++o) {
      m.options.push_back(GridOption(o, uniform(2, 4)));
    }
    // Each option after the first is tied to an earlier one, plus a few
    // extra ternary tables (cycles).
    const int extra = uniform(0, 2);
    for (int t = 1; t < n + extra; ++t) {
      Rule rule;
      rule.id = "t" + std::to_string(t);
      rule.kind = Rule::Kind::kAllowedTable;
      if (t < n) {
        rule.table_options = {uniform(0, t - 1), t};
      } else {
        rule.table_options = {uniform(0, n - 1), uniform(0, n - 1), uniform(0, n - 1)};
      }
      std::vector<int> tuple(rule.table_options.size(), 0);
      while (true) {
        if (uniform(0, 9) < 6) rule.rows.push_back(tuple);
        size_t c = 0;
        while (c < tuple.size() &&
               ++tuple[c] == static_cast<int>(m.options[rule.table_options[c]].values.size())) {
          tuple[c++] = 0;
        }
        if (c == tuple.size()) break;
      }
      m.rules.push_back(std::move(rule));
    }
    const internal::Problem p = internal::BuildProblem(m);
    EliminationCounter counter(p);
    ASSERT_TRUE(counter.usable());
    Assignment picks(n, -1);
    for (int k = 0; k < 3; ++k) {
      bool any = false;
      const auto expected = BruteForceDomains(m, picks, &any);
      for (const int64_t cap : {int64_t{1}, int64_t{8}, int64_t{100'000}}) {
        CountBudget budget;
        budget.split_table_rows = cap;
        std::vector<std::vector<char>> got;
        auto ok = counter.ValidDomains(picks, budget, &got);
        ASSERT_TRUE(ok.has_value()) << "seed " << seed;
        ASSERT_EQ(*ok, any) << "seed " << seed << " cap " << cap;
        if (!any) continue;
        ++checked;
        for (int o = 0; o < n; ++o) {
          EXPECT_EQ(got[o], expected[o]) << "seed " << seed << " cap " << cap << " option " << o;
        }
      }
      if (!any) break;
      // Pick a valid value of an open option.
      const int o = uniform(0, n - 1);
      std::vector<int> shown;
      for (size_t v = 0; v < expected[o].size(); ++v) {
        if (expected[o][v]) shown.push_back(static_cast<int>(v));
      }
      picks[o] = shown[uniform(0, static_cast<int>(shown.size()) - 1)];
    }
  }
  EXPECT_GT(checked, 300);
}

TEST(CounterTest, EqualsBruteForceOnRandomModels) {
  int nonzero = 0;
  for (uint32_t seed = 1; seed <= 400; ++seed) {
    RandomModels gen(seed);
    ProductModel m = gen.Next();
    const internal::Problem p = internal::BuildProblem(m);
    EliminationCounter counter(p);
    ASSERT_TRUE(counter.usable());
    Assignment open(m.options.size(), -1);
    const int64_t expected = BruteForceCount(m, open);
    nonzero += expected > 0 ? 1 : 0;
    auto got = counter.Count(open, CountBudget{});
    ASSERT_TRUE(got.has_value()) << "seed " << seed;
    EXPECT_EQ(got->get_str(), std::to_string(expected)) << "seed " << seed;
    // And with some options picked.
    Assignment fixed = open;
    for (size_t o = 0; o < fixed.size(); ++o) {
      if (gen.Uniform(0, 2) == 0) fixed[o] = gen.Uniform(0, static_cast<int>(m.options[o].values.size()) - 1);
    }
    got = counter.Count(fixed, CountBudget{});
    ASSERT_TRUE(got.has_value()) << "seed " << seed;
    EXPECT_EQ(got->get_str(), std::to_string(BruteForceCount(m, fixed))) << "seed " << seed << " with picks";
  }
  // The seeds cover satisfiable models, not only empty ones.
  EXPECT_GT(nonzero, 100);
}

// Splitting on values (forced here at every table) gives the same counts.
TEST(CounterTest, SplittingOnValuesEqualsBruteForce) {
  CountBudget split_always;
  split_always.split_table_rows = 1;
  int splits = 0;
  for (uint32_t seed = 1; seed <= 200; ++seed) {
    RandomModels gen(seed);
    ProductModel m = gen.Next();
    const internal::Problem p = internal::BuildProblem(m);
    internal::CountStats stats;
    auto got = EliminationCounter(p).Count(Assignment(m.options.size(), -1), split_always, &stats);
    ASSERT_TRUE(got.has_value()) << "seed " << seed;
    EXPECT_EQ(got->get_str(), std::to_string(BruteForceCount(m, Assignment(m.options.size(), -1)))) << "seed " << seed;
    splits += stats.splits;
  }
  EXPECT_GT(splits, 50);
}

// Tables large enough to be read through their row index and bit sets
// (256 rows and more), split at every level, with and without picks.
TEST(CounterTest, LargeTablesSplitAndPickedEqualBruteForce) {
  int splits = 0;
  for (uint32_t seed = 1; seed <= 12; ++seed) {
    std::mt19937 rng(seed);
    auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    ProductModel m;
    m.id = "large-tables";
    const int n = 8;
    for (int o = 0; o < n; ++o) {
      m.options.push_back(GridOption(o, o == 0 ? 6 : uniform(2, 4)));
    }
    for (int t = 0; t < 3; ++t) {
      Rule rule;
      rule.id = "t" + std::to_string(t);
      rule.kind = Rule::Kind::kAllowedTable;
      std::vector<int> all(n);
      for (int o = 0; o < n; ++o) all[o] = o;
      std::shuffle(all.begin(), all.end(), rng);
      rule.table_options.assign(all.begin(), all.begin() + 6);
      // Most tuples of the scope's product, in random order.
      std::vector<int> domains;
      for (int o : rule.table_options) domains.push_back(static_cast<int>(m.options[o].values.size()));
      std::vector<int> tuple(6, 0);
      while (true) {
        if (uniform(0, 9) < 8) rule.rows.push_back(tuple);
        size_t c = 0;
        while (c < tuple.size() && ++tuple[c] == domains[c]) tuple[c++] = 0;
        if (c == tuple.size()) break;
      }
      std::shuffle(rule.rows.begin(), rule.rows.end(), rng);
      m.rules.push_back(std::move(rule));
    }
    // Brute force, with the tables as sets of rows.
    std::vector<std::set<std::vector<int>>> allowed;
    for (const Rule& r : m.rules) allowed.emplace_back(r.rows.begin(), r.rows.end());
    auto brute_force = [&](const Assignment& fixed) {
      int64_t count = 0;
      std::vector<int> a(n, 0), t(6);
      while (true) {
        bool ok = true;
        for (int o = 0; o < n && ok; ++o) ok = fixed[o] < 0 || fixed[o] == a[o];
        for (size_t r = 0; r < m.rules.size() && ok; ++r) {
          for (size_t c = 0; c < 6; ++c) t[c] = a[m.rules[r].table_options[c]];
          ok = allowed[r].count(t) > 0;
        }
        count += ok ? 1 : 0;
        int o = 0;
        while (o < n && ++a[o] == static_cast<int>(m.options[o].values.size())) a[o++] = 0;
        if (o == n) break;
      }
      return std::to_string(count);
    };
    const Assignment open(n, -1);
    Assignment fixed = open;
    fixed[0] = static_cast<int>(seed % 6);
    fixed[1 + seed % 7] = 1;
    const std::string expected_open = brute_force(open), expected_fixed = brute_force(fixed);
    const internal::Problem p = internal::BuildProblem(m);
    EliminationCounter counter(p);
    ASSERT_TRUE(counter.usable());
    for (const int64_t cap : {int64_t{1}, int64_t{40}, int64_t{100'000}}) {
      CountBudget budget;
      budget.split_table_rows = cap;
      internal::CountStats stats;
      auto got = counter.Count(open, budget, &stats);
      ASSERT_TRUE(got.has_value()) << "seed " << seed;
      EXPECT_EQ(got->get_str(), expected_open) << "seed " << seed << " cap " << cap;
      splits += stats.splits;
      got = counter.Count(fixed, budget);
      ASSERT_TRUE(got.has_value()) << "seed " << seed;
      EXPECT_EQ(got->get_str(), expected_fixed) << "seed " << seed << " cap " << cap << " picked";
    }
  }
  EXPECT_GT(splits, 12);
}

// Many independent pairs of 4-valued options: 16^40 = 2^160 configurations,
// past 128 bits, so the count is finished in arbitrary precision.
TEST(CounterTest, CountsBeyond128Bits) {
  ProductModel m;
  m.id = "wide";
  for (int o = 0; o < 80; ++o) {
    m.options.push_back(GridOption(o, 4));
  }
  for (int o = 0; o < 80; o += 2) {
    Rule r;
    r.id = "pair" + std::to_string(o);
    r.kind = Rule::Kind::kForbiddenTable;
    r.table_options = {o, o + 1};
    r.rows = {{0, 0}};  // 15 of the 16 pairs remain
    m.rules.push_back(std::move(r));
  }
  const internal::Problem p = internal::BuildProblem(m);
  auto got = EliminationCounter(p).Count(Assignment(80, -1), CountBudget{});
  ASSERT_TRUE(got.has_value());
  mpz_class expected;
  mpz_ui_pow_ui(expected.get_mpz_t(), 15, 40);
  EXPECT_EQ(*got, expected);
}

TEST(CounterTest, EqualsTheBddOnDemoModels) {
  auto models = DemoModels();
  ASSERT_TRUE(models.ok());
  for (const ProductModel& m : *models) {
    const internal::Problem p = internal::BuildProblem(m);
    auto bdd = internal::CompileBdd(p, internal::BddBudget{}, nullptr);
    ASSERT_TRUE(bdd.ok()) << m.id;
    EliminationCounter counter(p);
    ASSERT_TRUE(counter.usable()) << m.id;
    Assignment open(p.domain.size(), -1);
    auto expected = (*bdd)->Count(open);
    ASSERT_TRUE(expected.has_value());
    EXPECT_EQ(counter.Count(open, CountBudget{}), expected) << m.id;
    // The first value of every other option picked.
    Assignment fixed = open;
    for (int o = 0; o < p.num_options; o += 2) fixed[o] = 0;
    EXPECT_EQ(counter.Count(fixed, CountBudget{}), (*bdd)->Count(fixed)) << m.id << " with picks";
  }
}

TEST(CounterTest, SatPathCountsAndSaysUnknownPastItsBudget) {
  auto models = DemoModels();
  ASSERT_TRUE(models.ok());
  const ProductModel& suv = (*models)[0];
  auto bdd = CompiledModel::Compile(suv);
  ASSERT_TRUE(bdd.ok());
  ASSERT_EQ((*bdd)->backend(), "bdd");
  CompileOptions sat_options;
  sat_options.backend = CompileOptions::Backend::kSat;
  auto sat = CompiledModel::Compile(suv, sat_options);
  ASSERT_TRUE(sat.ok());
  ASSERT_EQ((*sat)->backend(), "sat");
  EXPECT_EQ((*sat)->CountConfigurations(), (*bdd)->CountConfigurations());
  // Configure's count on the SAT path too, with a pick.
  ConfigureRequest req;
  req.selections[suv.options[0].id] = suv.options[0].values[0].id;
  ConfigureOptions quick;
  quick.explain = false;
  auto via_sat = (*sat)->Configure(req, quick);
  auto via_bdd = (*bdd)->Configure(req, quick);
  ASSERT_TRUE(via_sat.ok() && via_bdd.ok());
  ASSERT_TRUE(via_bdd->count.has_value());
  EXPECT_EQ(via_sat->count, via_bdd->count);
  // A row budget too small for the model: unknown, not a wrong number.
  sat_options.count_row_budget = 10;
  auto starved = CompiledModel::Compile(suv, sat_options);
  ASSERT_TRUE(starved.ok());
  EXPECT_FALSE((*starved)->CountConfigurations().has_value());
}

// The SAT path's counts are kept per fixed assignment: asking again does
// not run the elimination again, and a kept count equals a fresh one.
TEST(CounterTest, SatPathCountsAreCachedPerPicks) {
  auto models = DemoModels();
  ASSERT_TRUE(models.ok());
  const ProductModel& demo = (*models)[0];
  const internal::Problem p = internal::BuildProblem(demo);
  auto engine = internal::WithExactCounter(internal::MakeSatEngine(p), &p, CountBudget{});
  EliminationCounter fresh(p);
  const Assignment open(p.domain.size(), -1);
  Assignment picked = open;
  picked[0] = 0;
  picked[2] = 1;
  const int64_t before = EliminationCounter::RunsStarted();
  auto first = engine->Count(open);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(EliminationCounter::RunsStarted(), before + 1);
  auto again = engine->Count(open);
  EXPECT_EQ(EliminationCounter::RunsStarted(), before + 1);  // from the cache
  EXPECT_EQ(again, first);
  auto with_picks = engine->Count(picked);
  EXPECT_EQ(EliminationCounter::RunsStarted(), before + 2);  // other picks: counted
  EXPECT_EQ(engine->Count(picked), with_picks);
  EXPECT_EQ(engine->Count(open), first);
  EXPECT_EQ(EliminationCounter::RunsStarted(), before + 2);
  // The kept answers are the fresh ones (and the BDD's).
  EXPECT_EQ(first, fresh.Count(open, CountBudget{}));
  EXPECT_EQ(with_picks, fresh.Count(picked, CountBudget{}));
  auto bdd = internal::CompileBdd(p, internal::BddBudget{}, nullptr);
  ASSERT_TRUE(bdd.ok());
  EXPECT_EQ(first, (*bdd)->Count(open));
  EXPECT_EQ(with_picks, (*bdd)->Count(picked));
}

// Through the compiled configurator: Configure without picks and the whole
// count share one elimination run.
TEST(CounterTest, ConfigureOnTheSatPathCountsOncePerPicks) {
  auto models = DemoModels();
  ASSERT_TRUE(models.ok());
  const ProductModel& demo = (*models)[0];
  CompileOptions sat_options;
  sat_options.backend = CompileOptions::Backend::kSat;
  auto sat = CompiledModel::Compile(demo, sat_options);
  ASSERT_TRUE(sat.ok());
  auto bdd = CompiledModel::Compile(demo);
  ASSERT_TRUE(bdd.ok());
  ConfigureOptions quick;
  quick.explain = false;
  const int64_t before = EliminationCounter::RunsStarted();
  auto none = (*sat)->Configure(ConfigureRequest{}, quick);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(EliminationCounter::RunsStarted(), before + 1);
  for (int i = 0; i < 3; ++i) {
    auto again = (*sat)->Configure(ConfigureRequest{}, quick);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->count, none->count);
  }
  EXPECT_EQ((*sat)->CountConfigurations(), none->count);
  EXPECT_EQ(EliminationCounter::RunsStarted(), before + 1);
  EXPECT_EQ(none->count, (*bdd)->CountConfigurations());
  ConfigureRequest req;
  req.selections[demo.options[0].id] = demo.options[0].values[1].id;
  auto one = (*sat)->Configure(req, quick);
  auto one_again = (*sat)->Configure(req, quick);
  auto via_bdd = (*bdd)->Configure(req, quick);
  ASSERT_TRUE(one.ok() && one_again.ok() && via_bdd.ok());
  EXPECT_EQ(EliminationCounter::RunsStarted(), before + 2);
  EXPECT_EQ(one->count, via_bdd->count);
  EXPECT_EQ(one_again->count, via_bdd->count);
}

// Request threads share one engine: concurrent counts of the same picks
// run the elimination once, and every thread gets the fresh count; more
// picks than the cache holds are counted again, still right; an unknown
// count is not kept.
TEST(CounterTest, CachedCountsAreSharedAcrossThreadsAndBounded) {
  auto models = DemoModels();
  ASSERT_TRUE(models.ok());
  const ProductModel& demo = (*models)[0];
  const internal::Problem p = internal::BuildProblem(demo);
  auto engine = internal::WithExactCounter(internal::MakeSatEngine(p), &p, CountBudget{});
  EliminationCounter fresh(p);
  std::vector<Assignment> picks;
  for (int o = 0; o < 4; ++o) {
    Assignment a(p.domain.size(), -1);
    a[o] = 0;
    picks.push_back(a);
  }
  std::vector<std::optional<mpz_class>> expected;
  for (const Assignment& a : picks) expected.push_back(fresh.Count(a, CountBudget{}));
  const int64_t before = EliminationCounter::RunsStarted();
  std::vector<std::thread> threads;
  std::vector<std::vector<std::optional<mpz_class>>> got(8);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        for (size_t i = 0; i < picks.size(); ++i) got[t].push_back(engine->Count(picks[(i + t) % picks.size()]));
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(EliminationCounter::RunsStarted(), before + static_cast<int64_t>(picks.size()));
  for (int t = 0; t < 8; ++t) {
    for (size_t k = 0; k < got[t].size(); ++k) {
      const size_t i = (k % picks.size() + static_cast<size_t>(t)) % picks.size();
      ASSERT_TRUE(got[t][k].has_value());
      EXPECT_EQ(got[t][k], expected[i]) << "thread " << t;
    }
  }
  // Past the cache's size the oldest counts are dropped and recounted.
  std::vector<Assignment> many;
  for (int o = 0; o < p.num_options && many.size() < 80; ++o) {
    for (int u = o + 1; u < p.num_options && many.size() < 80; ++u) {
      for (int v = 0; v < p.domain[o] && many.size() < 80; ++v) {
        for (int w = 0; w < p.domain[u] && many.size() < 80; ++w) {
          Assignment a(p.domain.size(), -1);
          a[o] = v;
          a[u] = w;
          many.push_back(a);
        }
      }
    }
  }
  ASSERT_EQ(many.size(), 80u);
  for (const Assignment& a : many) engine->Count(a);
  const int64_t after_many = EliminationCounter::RunsStarted();
  EXPECT_EQ(engine->Count(many[0]), fresh.Count(many[0], CountBudget{}));
  EXPECT_EQ(EliminationCounter::RunsStarted(), after_many + 2);  // recounted (and the fresh count)
  // A budget too small: unknown each time, counted each time.
  CountBudget starved;
  starved.max_rows = 10;
  auto poor = internal::WithExactCounter(internal::MakeSatEngine(p), &p, starved);
  const int64_t before_poor = EliminationCounter::RunsStarted();
  EXPECT_FALSE(poor->Count(picks[0]).has_value());
  EXPECT_FALSE(poor->Count(picks[0]).has_value());
  EXPECT_EQ(EliminationCounter::RunsStarted(), before_poor + 2);
}

TEST(CounterTest, CountConfigurationsOfAModelEqualsTheCompiledCount) {
  auto models = DemoModels();
  ASSERT_TRUE(models.ok());
  for (const ProductModel& m : *models) {
    auto cm = CompiledModel::Compile(m);
    ASSERT_TRUE(cm.ok());
    std::string method;
    EXPECT_EQ(CountConfigurations(m, {}, &method), (*cm)->CountConfigurations()) << m.id;
    EXPECT_EQ(method, "bdd") << m.id;  // small enough for the BDD's first attempt
    CountOptions no_bdd_first;
    no_bdd_first.first_bdd_cpu_seconds = 0;
    EXPECT_EQ(CountConfigurations(m, no_bdd_first, &method), (*cm)->CountConfigurations()) << m.id;
    EXPECT_EQ(method, "elimination") << m.id;
  }
}

// A model stated mostly in tables (as the XCSP cars are) is counted by
// variable elimination without the BDD's first attempt; one stated in
// expressions still tries the BDD first (the demo models, above).
TEST(CounterTest, ModelsOfTablesAreCountedByEliminationFirst) {
  ProductModel m;
  m.id = "tables";
  for (int o = 0; o < 6; ++o) {
    m.options.push_back(GridOption(o, 3));
  }
  for (int o = 0; o + 1 < 6; ++o) {
    Rule r;
    r.id = "next" + std::to_string(o);
    r.kind = Rule::Kind::kAllowedTable;
    r.table_options = {o, o + 1};
    r.rows = {{0, 0}, {0, 1}, {1, 2}, {2, 0}, {2, 2}};
    m.rules.push_back(std::move(r));
  }
  Rule clause;
  clause.id = "not-all-zero";
  clause.expr = Expr::Or({Expr::In(0, {1, 2}), Expr::In(5, {1, 2})});
  m.rules.push_back(clause);
  std::string method;
  auto count = CountConfigurations(m, {}, &method);
  EXPECT_EQ(method, "elimination");
  EXPECT_EQ(count, std::optional<std::string>(std::to_string(BruteForceCount(m, Assignment(6, -1)))));
  auto bdd = CompiledModel::Compile(m);
  ASSERT_TRUE(bdd.ok());
  ASSERT_EQ((*bdd)->backend(), "bdd");
  EXPECT_EQ(count, (*bdd)->CountConfigurations());
}

TEST(CounterTest, ConstraintTooWideToTabulateMakesTheCounterUnusable) {
  ProductModel m;
  m.id = "wide-clause";
  Expr clause = Expr::False();
  std::vector<Expr> literals;
  for (int o = 0; o < 24; ++o) {
    Option opt;
    opt.id = "o" + std::to_string(o);
    opt.values = {Value("false"), Value("true")};
    m.options.push_back(std::move(opt));
    literals.push_back(Expr::In(o, {1}));
  }
  Rule r;
  r.id = "any";
  r.expr = Expr::Or(literals);
  m.rules.push_back(r);
  const internal::Problem p = internal::BuildProblem(m);
  EliminationCounter counter(p, /*max_enumerated=*/1 << 16);
  EXPECT_FALSE(counter.usable());
  EXPECT_FALSE(counter.Count(Assignment(24, -1), CountBudget{}).has_value());
  // The whole count still answers, through the BDD: 2^24 - 1.
  EXPECT_EQ(CountConfigurations(m), std::optional<std::string>("16777215"));
}

}  // namespace
}  // namespace atelier::config
