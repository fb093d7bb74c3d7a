// Property tests: on small random models (fixed seeds) every engine's answers
// equal brute-force enumeration: valid domains (backtrack-free and nothing
// valid hidden), counts, price bounds, and explanations are minimal.

#include <gtest/gtest.h>

#include <random>

#include "atelier/config/compiled_model.h"
#include "internal/engine.h"

namespace atelier::config {
namespace {

using internal::Assignment;

struct RandomModelGen {
  std::mt19937 rng;
  explicit RandomModelGen(uint32_t seed) : rng(seed) {}
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

  Expr RandomAtom(const ProductModel& m) {
    int o = Uniform(0, static_cast<int>(m.options.size()) - 1);
    int d = static_cast<int>(m.options[o].values.size());
    std::vector<int> values;
    for (int v = 0; v < d; ++v) {
      if (Uniform(0, 2) == 0) values.push_back(v);
    }
    if (values.empty()) values.push_back(Uniform(0, d - 1));
    return Expr::In(o, values);
  }

  Expr RandomExpr(const ProductModel& m, int depth) {
    if (depth == 0 || Uniform(0, 3) == 0) return RandomAtom(m);
    switch (Uniform(0, 3)) {
      case 0:
        return Expr::Not(RandomExpr(m, depth - 1));
      case 1:
        return Expr::And({RandomExpr(m, depth - 1), RandomExpr(m, depth - 1)});
      case 2:
        return Expr::Or({RandomExpr(m, depth - 1), RandomExpr(m, depth - 1)});
      default:  // implication, the most common rule shape
        return Expr::Or({Expr::Not(RandomExpr(m, depth - 1)), RandomExpr(m, depth - 1)});
    }
  }

  ProductModel Model() {
    ProductModel m;
    m.id = "random";
    m.base_price = 1000;
    int n = Uniform(2, 6);
    for (int o = 0; o < n; ++o) {
      Option opt;
      opt.id = "o" + std::to_string(o);
      opt.label = opt.id;
      int d = Uniform(1, 5);
      for (int v = 0; v < d; ++v) {
        OptionValue val;
        val.id = "v" + std::to_string(v);
        val.label = val.id;
        val.price_delta = Uniform(0, 4) * 100;
        opt.values.push_back(val);
      }
      m.options.push_back(std::move(opt));
    }
    int rules = Uniform(1, 5);
    for (int r = 0; r < rules; ++r) {
      Rule rule;
      rule.id = "r" + std::to_string(r);
      rule.message = "rule " + rule.id;
      int kind = Uniform(0, 4);
      if (kind <= 2) {
        rule.kind = Rule::Kind::kConstraint;
        rule.expr = RandomExpr(m, 2);
      } else {
        rule.kind = kind == 3 ? Rule::Kind::kAllowedTable : Rule::Kind::kForbiddenTable;
        int arity = std::min(n, Uniform(1, 3));
        std::vector<int> cols;
        while (static_cast<int>(cols.size()) < arity) {
          int o = Uniform(0, n - 1);
          if (std::find(cols.begin(), cols.end(), o) == cols.end()) cols.push_back(o);
        }
        rule.table_options = cols;
        int rows = Uniform(1, 6);
        for (int i = 0; i < rows; ++i) {
          std::vector<int> row;
          for (int o : cols) {
            int d = static_cast<int>(m.options[o].values.size());
            row.push_back(Uniform(0, 4) == 0 ? kAnyValue : Uniform(0, d - 1));
          }
          rule.rows.push_back(row);
        }
      }
      m.rules.push_back(std::move(rule));
    }
    if (Uniform(0, 1)) {
      PriceAdjustment a;
      a.id = "bundle";
      a.label = "Bundle";
      a.when = RandomExpr(m, 1);
      a.delta = -Uniform(1, 3) * 50;
      m.adjustments.push_back(a);
    }
    return m;
  }
};

// All complete assignments of the model's options.
std::vector<std::vector<int>> Enumerate(const ProductModel& m) {
  std::vector<std::vector<int>> out;
  std::vector<int> a(m.options.size(), 0);
  while (true) {
    out.push_back(a);
    size_t o = 0;
    while (o < a.size() && ++a[o] == static_cast<int>(m.options[o].values.size())) a[o++] = 0;
    if (o == a.size()) break;
  }
  return out;
}

bool Valid(const ProductModel& m, const std::vector<int>& a, const std::vector<int>* only_rules = nullptr) {
  for (size_t r = 0; r < m.rules.size(); ++r) {
    if (only_rules && std::find(only_rules->begin(), only_rules->end(), static_cast<int>(r)) == only_rules->end()) {
      continue;
    }
    if (!Satisfies(m.rules[r], a)) return false;
  }
  return true;
}

int64_t Price(const ProductModel& m, const std::vector<int>& a) {
  int64_t p = m.base_price;
  for (size_t o = 0; o < a.size(); ++o) p += m.options[o].values[a[o]].price_delta;
  for (const auto& adj : m.adjustments) {
    if (Evaluate(adj.when, a)) p += adj.delta;
  }
  return p;
}

bool Agrees(const std::vector<int>& a, const std::vector<int>& picks) {
  for (size_t o = 0; o < a.size(); ++o) {
    if (picks[o] >= 0 && picks[o] != a[o]) return false;
  }
  return true;
}

std::vector<int> RandomPicks(RandomModelGen& g, const ProductModel& m) {
  std::vector<int> picks(m.options.size(), -1);
  for (size_t o = 0; o < m.options.size(); ++o) {
    if (g.Uniform(0, 2) == 0) picks[o] = g.Uniform(0, static_cast<int>(m.options[o].values.size()) - 1);
  }
  return picks;
}

TEST(PropertyTest, EnginesMatchBruteForceOnRandomModels) {
  int models_checked = 0, satisfiable = 0, picks_checked = 0;
  for (uint32_t seed = 1; seed <= 300; ++seed) {
    RandomModelGen g(seed);
    ProductModel m = g.Model();
    auto all = Enumerate(m);
    std::vector<std::vector<int>> valid;
    for (const auto& a : all) {
      if (Valid(m, a)) valid.push_back(a);
    }
    internal::Problem p = internal::BuildProblem(m);
    auto sat = internal::MakeSatEngine(p);
    // The SAT engine deciding every value left to the solver by variable
    // elimination (valid domains by bucket-tree calibration), on any model.
    internal::SatOptions eliminate;
    eliminate.elimination_min_uncovered = 1;
    eliminate.elimination_any_problem = true;
    auto sat_elim = internal::MakeSatEngine(p, eliminate);
    const Assignment open(p.domain.size(), -1);
    auto bdd = internal::CompileBdd(p, {}, nullptr);
    ++models_checked;
    if (valid.empty()) {
      EXPECT_FALSE(sat->Feasible(open)) << "seed " << seed;
      EXPECT_FALSE(sat_elim->Feasible(open)) << "seed " << seed;
      EXPECT_FALSE(bdd.ok()) << "seed " << seed;
      continue;
    }
    ++satisfiable;
    ASSERT_TRUE(bdd.ok()) << "seed " << seed << ": " << bdd.error().message;
    EXPECT_EQ((*bdd)->Count(open)->get_str(), std::to_string(valid.size())) << "seed " << seed;
    for (int trial = 0; trial < 8; ++trial) {
      std::vector<int> picks = RandomPicks(g, m);
      Assignment fixed = open;
      std::copy(picks.begin(), picks.end(), fixed.begin());
      std::vector<std::vector<char>> expect(m.options.size());
      int64_t count = 0, lo = INT64_MAX, hi = INT64_MIN;
      for (size_t o = 0; o < m.options.size(); ++o) expect[o].assign(m.options[o].values.size(), 0);
      for (const auto& a : valid) {
        if (!Agrees(a, picks)) continue;
        ++count;
        lo = std::min(lo, Price(m, a));
        hi = std::max(hi, Price(m, a));
        for (size_t o = 0; o < a.size(); ++o) expect[o][a[o]] = 1;
      }
      for (const internal::Engine* e : {sat.get(), sat_elim.get(), bdd->get()}) {
        std::vector<std::vector<char>> got;
        bool feasible = e->Supported(fixed, &got);
        ASSERT_EQ(feasible, count > 0) << e->Name() << " seed " << seed;
        EXPECT_EQ(e->Feasible(fixed), count > 0) << e->Name() << " seed " << seed;
        if (!feasible) continue;
        for (size_t o = 0; o < m.options.size(); ++o) {
          EXPECT_EQ(got[o], expect[o]) << e->Name() << " seed " << seed << " option " << o;
        }
        auto completion = e->Complete(fixed);
        ASSERT_TRUE(completion.has_value());
        std::vector<int> opts(completion->begin(), completion->begin() + static_cast<long>(m.options.size()));
        EXPECT_TRUE(Valid(m, opts) && Agrees(opts, picks)) << e->Name() << " seed " << seed;
      }
      if (count > 0) {
        EXPECT_EQ((*bdd)->Count(fixed)->get_str(), std::to_string(count)) << "seed " << seed;
        auto cost = (*bdd)->Cost(fixed);
        ASSERT_TRUE(cost.has_value());
        EXPECT_EQ(m.base_price + cost->min, lo) << "seed " << seed;
        EXPECT_EQ(m.base_price + cost->max, hi) << "seed " << seed;
        std::vector<int> cheapest(cost->cheapest.begin(), cost->cheapest.begin() + static_cast<long>(m.options.size()));
        EXPECT_TRUE(Valid(m, cheapest) && Agrees(cheapest, picks));
        EXPECT_EQ(Price(m, cheapest), lo) << "seed " << seed;
      }
      ++picks_checked;
    }
  }
  EXPECT_EQ(models_checked, 300);
  EXPECT_GT(satisfiable, 150);  // the generator must mostly produce usable models
  EXPECT_GT(picks_checked, 1000);
}

// A feature model as the DIMACS instances write it: boolean features in a
// tree (child requires parent), mandatory children, alternative and or
// groups, and cross-tree clauses; every rule one clause (as ImportDimacs).
ProductModel RandomFeatureModel(RandomModelGen& g) {
  ProductModel m;
  m.id = "features";
  const int n = g.Uniform(8, 14);
  for (int f = 0; f < n; ++f) {
    Option o;
    o.id = "f" + std::to_string(f);
    o.label = o.id;
    for (const char* v : {"false", "true"}) {
      OptionValue val;
      val.id = v;
      val.label = v;
      o.values.push_back(val);
    }
    m.options.push_back(std::move(o));
  }
  auto lit = [](int f, bool positive) { return Expr::In(f, {positive ? 1 : 0}); };
  auto clause = [&](std::vector<Expr> lits) {
    Rule r;
    r.id = "c" + std::to_string(m.rules.size() + 1);
    r.message = r.id;
    r.kind = Rule::Kind::kConstraint;
    r.expr = Expr::Or(std::move(lits));
    m.rules.push_back(std::move(r));
  };
  clause({lit(0, true)});  // the root
  std::vector<std::vector<int>> children(n);
  for (int f = 1; f < n; ++f) {
    const int parent = g.Uniform(0, f - 1);
    children[parent].push_back(f);
    clause({lit(f, false), lit(parent, true)});
  }
  for (int p = 0; p < n; ++p) {
    const auto& c = children[p];
    if (c.empty()) continue;
    switch (g.Uniform(0, 3)) {
      case 0:  // a mandatory child
        clause({lit(p, false), lit(c[0], true)});
        break;
      case 1:  // alternative: exactly one child when the parent is on
        for (size_t a = 0; a < c.size(); ++a) {
          for (size_t b = a + 1; b < c.size(); ++b) clause({lit(c[a], false), lit(c[b], false)});
        }
        [[fallthrough]];
      case 2: {  // or: at least one child
        std::vector<Expr> any{lit(p, false)};
        for (int f : c) any.push_back(lit(f, true));
        clause(std::move(any));
        break;
      }
      default:
        break;  // optional children
    }
  }
  for (int k = g.Uniform(0, 4); k > 0; --k) {  // cross-tree constraints
    std::vector<Expr> lits;
    for (int i = g.Uniform(2, 3); i > 0; --i) lits.push_back(lit(g.Uniform(1, n - 1), g.Uniform(0, 1) == 1));
    clause(std::move(lits));
  }
  return m;
}

// The SAT engine reuses work from one request to the next (the picks'
// propagation trail, the witnesses and domains of earlier states, repaired
// witnesses). Sessions that add picks, drop them, pick values not shown (an
// infeasible state) and interleave with a second session must still get
// exactly the brute-force answer at every step.
void ExpectSatEngineMatchesBruteForceAlongWalks(const internal::SatOptions& options) {
  int steps = 0, infeasible = 0, models = 0;
  for (uint32_t seed = 1; seed <= 300; ++seed) {
    RandomModelGen g(seed * 7919);
    ProductModel m = seed % 2 ? RandomFeatureModel(g) : g.Model();
    std::vector<std::vector<int>> valid;
    for (const auto& a : Enumerate(m)) {
      if (Valid(m, a)) valid.push_back(a);
    }
    if (valid.empty()) continue;
    ++models;
    internal::Problem p = internal::BuildProblem(m);
    auto sat = internal::MakeSatEngine(p, options);
    const size_t n = m.options.size();
    std::vector<std::vector<int>> sessions(2, std::vector<int>(n, -1));
    for (int step = 0; step < 12 * static_cast<int>(n); ++step) {
      std::vector<int>& picks = sessions[g.Uniform(0, 3) == 0 ? 1 : 0];
      Assignment fixed(p.domain.size(), -1);
      std::copy(picks.begin(), picks.end(), fixed.begin());
      std::vector<std::vector<char>> expect(n);
      for (size_t o = 0; o < n; ++o) expect[o].assign(m.options[o].values.size(), 0);
      bool any = false;
      for (const auto& a : valid) {
        if (!Agrees(a, picks)) continue;
        any = true;
        for (size_t o = 0; o < n; ++o) expect[o][a[o]] = 1;
      }
      std::vector<std::vector<char>> got;
      const bool feasible = sat->Supported(fixed, &got);
      ASSERT_EQ(feasible, any) << "seed " << seed << " step " << step;
      EXPECT_EQ(sat->Feasible(fixed), any) << "seed " << seed << " step " << step;
      if (feasible) {
        for (size_t o = 0; o < n; ++o) {
          ASSERT_EQ(got[o], expect[o]) << "seed " << seed << " step " << step << " option " << o;
        }
      } else {
        ++infeasible;
      }
      ++steps;
      // Next: usually pick a shown value of an open option; sometimes drop a
      // pick, or pick any value at all (possibly not shown).
      std::vector<int> open, picked;
      for (size_t o = 0; o < n; ++o) (picks[o] < 0 ? open : picked).push_back(static_cast<int>(o));
      const int move = g.Uniform(0, 9);
      if (!feasible || open.empty() || (move < 3 && !picked.empty())) {
        if (!picked.empty()) picks[picked[g.Uniform(0, static_cast<int>(picked.size()) - 1)]] = -1;
      } else {
        const int o = open[g.Uniform(0, static_cast<int>(open.size()) - 1)];
        std::vector<int> shown;
        for (size_t v = 0; v < got[o].size(); ++v) {
          if (got[o][v] || move == 9) shown.push_back(static_cast<int>(v));
        }
        if (!shown.empty()) picks[o] = shown[g.Uniform(0, static_cast<int>(shown.size()) - 1)];
      }
    }
  }
  EXPECT_GT(models, 200);
  EXPECT_GT(steps, 20000);
  EXPECT_GT(infeasible, 50);
}

TEST(PropertyTest, SatEngineMatchesBruteForceAlongWalksThatAddAndDropPicks) {
  ExpectSatEngineMatchesBruteForceAlongWalks({});
}

// The same walks with every value left to the solver decided by variable
// elimination instead (as on a table-heavy model such as the Renault cars).
TEST(PropertyTest, SatEngineWithEliminationMatchesBruteForceAlongWalks) {
  internal::SatOptions eliminate;
  eliminate.elimination_min_uncovered = 1;
  eliminate.elimination_any_problem = true;
  ExpectSatEngineMatchesBruteForceAlongWalks(eliminate);
}

TEST(PropertyTest, ExplanationsAreMinimalAndSufficient) {
  int explained = 0;
  for (uint32_t seed = 1000; seed < 1150; ++seed) {
    RandomModelGen g(seed);
    ProductModel m = g.Model();
    auto compiled = CompiledModel::Compile(m);
    if (!compiled.ok()) continue;
    auto all = Enumerate(m);
    for (int trial = 0; trial < 4; ++trial) {
      std::vector<int> picks = RandomPicks(g, m);
      if (!(*compiled)->IsConsistent(picks)) continue;
      ConfigureRequest req;
      for (size_t o = 0; o < m.options.size(); ++o) {
        if (picks[o] >= 0) req.selections[m.options[o].id] = m.options[o].values[picks[o]].id;
      }
      auto st = (*compiled)->Configure(req);
      ASSERT_TRUE(st.ok());
      ASSERT_TRUE(st->consistent);
      for (size_t o = 0; o < m.options.size(); ++o) {
        for (size_t v = 0; v < m.options[o].values.size(); ++v) {
          const ValueState& vs = st->options[o].values[v];
          if (vs.available) continue;
          ASSERT_TRUE(vs.reason.has_value());
          // The kept picks plus this value, under the named rules only, have no solution.
          std::vector<int> sub(m.options.size(), -1);
          for (const auto& id : vs.reason->picks_to_drop) {
            int po = m.OptionIndex(id);
            ASSERT_NE(po, static_cast<int>(o));
            sub[po] = picks[po];
          }
          sub[o] = static_cast<int>(v);
          std::vector<int> rules;
          for (const auto& id : vs.reason->rule_ids) rules.push_back(m.RuleIndex(id));
          auto solvable = [&](const std::vector<int>& s, const std::vector<int>& rs) {
            for (const auto& a : all) {
              if (Agrees(a, s) && Valid(m, a, &rs)) return true;
            }
            return false;
          };
          EXPECT_FALSE(solvable(sub, rules)) << "seed " << seed;
          // Minimal: dropping any one rule or any one pick makes it solvable.
          for (size_t i = 0; i < rules.size(); ++i) {
            std::vector<int> fewer = rules;
            fewer.erase(fewer.begin() + static_cast<long>(i));
            EXPECT_TRUE(solvable(sub, fewer)) << "seed " << seed << " rule not needed";
          }
          for (const auto& id : vs.reason->picks_to_drop) {
            std::vector<int> s2 = sub;
            s2[m.OptionIndex(id)] = -1;
            bool all_rules_ok = false;
            std::vector<int> every(m.rules.size());
            for (size_t r = 0; r < every.size(); ++r) every[r] = static_cast<int>(r);
            all_rules_ok = solvable(s2, every);
            EXPECT_TRUE(all_rules_ok) << "seed " << seed << " pick not needed";
          }
          ++explained;
        }
      }
    }
  }
  EXPECT_GT(explained, 100);
}

}  // namespace
}  // namespace atelier::config
