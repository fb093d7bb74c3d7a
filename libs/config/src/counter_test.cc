// Exact counting by variable elimination: equal to brute-force enumeration on
// small random models (fixed seeds), equal to the BDD on the demo models, and
// "unknown" (never a guess) when its budget runs out.

#include "internal/counter.h"

#include <gtest/gtest.h>

#include <random>

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
      Option opt;
      opt.id = "o" + std::to_string(o);
      const int d = Uniform(1, 4);
      for (int v = 0; v < d; ++v) opt.values.push_back(Value("v" + std::to_string(v)));
      m.options.push_back(std::move(opt));
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

// Many independent pairs of 4-valued options: 16^40 = 2^160 configurations,
// past 128 bits, so the count is finished in arbitrary precision.
TEST(CounterTest, CountsBeyond128Bits) {
  ProductModel m;
  m.id = "wide";
  for (int o = 0; o < 80; ++o) {
    Option opt;
    opt.id = "o" + std::to_string(o);
    for (int v = 0; v < 4; ++v) opt.values.push_back(Value("v" + std::to_string(v)));
    m.options.push_back(std::move(opt));
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
