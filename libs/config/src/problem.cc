#include <algorithm>
#include <numeric>

#include "internal/engine.h"

namespace atelier::config::internal {

namespace {

void CollectVars(const Expr& e, std::vector<int>* out) {
  if (e.kind == Expr::Kind::kIn) out->push_back(e.option);
  for (const Expr& c : e.children) CollectVars(c, out);
}

}  // namespace

std::vector<int> ScopeOf(const Rule& r) {
  std::vector<int> vars;
  if (r.kind == Rule::Kind::kConstraint) {
    CollectVars(r.expr, &vars);
  } else {
    vars = r.table_options;
  }
  std::sort(vars.begin(), vars.end());
  vars.erase(std::unique(vars.begin(), vars.end()), vars.end());
  return vars;
}

Problem BuildProblem(const ProductModel& model) {
  Problem p;
  p.num_options = static_cast<int>(model.options.size());
  for (const Option& o : model.options) {
    p.domain.push_back(static_cast<int>(o.values.size()));
    std::vector<int64_t> cost;
    for (const OptionValue& v : o.values) cost.push_back(v.price_delta);
    p.cost.push_back(std::move(cost));
  }
  p.constraints = model.rules;
  p.num_rule_constraints = static_cast<int>(model.rules.size());
  for (const PriceAdjustment& a : model.adjustments) {
    int aux = static_cast<int>(p.domain.size());
    p.domain.push_back(2);
    p.cost.push_back({0, a.delta});
    Rule def;
    def.id = "adjustment:" + a.id;
    def.message = a.label;
    def.kind = Rule::Kind::kConstraint;
    def.expr = Expr::Or({Expr::And({Expr::In(aux, {1}), a.when}), Expr::And({Expr::In(aux, {0}), Expr::Not(a.when)})});
    p.constraints.push_back(std::move(def));
  }
  return p;
}

std::vector<int> ConstraintGraphOrder(const Problem& problem) {
  const int n = static_cast<int>(problem.domain.size());
  std::vector<std::vector<int>> edges;
  std::vector<std::vector<int>> var_edges(n);
  for (const Rule& r : problem.constraints) {
    std::vector<int> scope = ScopeOf(r);
    if (scope.size() < 2) continue;
    int e = static_cast<int>(edges.size());
    for (int v : scope) var_edges[v].push_back(e);
    edges.push_back(std::move(scope));
  }
  // Start from the model's own order (merchants and feature trees keep related
  // options together), then improve it on the constraint hypergraph.
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  if (edges.empty()) return order;
  // FORCE (Aloul, Markov, Sakallah 2003): move each variable to the mean
  // centre of gravity of its constraints; keep the order with least total span.
  std::vector<double> pos(n);
  auto span_of = [&](const std::vector<int>& ord) {
    std::vector<int> p(n);
    for (int i = 0; i < n; ++i) p[ord[i]] = i;
    int64_t total = 0;
    for (const auto& e : edges) {
      int lo = n, hi = -1;
      for (int v : e) {
        lo = std::min(lo, p[v]);
        hi = std::max(hi, p[v]);
      }
      total += hi - lo;
    }
    return total;
  };
  std::vector<int> best = order;
  int64_t best_span = span_of(order);
  std::vector<double> cog(edges.size());
  for (int iter = 0; iter < 40; ++iter) {
    for (int i = 0; i < n; ++i) pos[order[i]] = i;
    for (size_t e = 0; e < edges.size(); ++e) {
      double s = 0;
      for (int v : edges[e]) s += pos[v];
      cog[e] = s / static_cast<double>(edges[e].size());
    }
    std::vector<double> next(n);
    for (int v = 0; v < n; ++v) {
      if (var_edges[v].empty()) {
        next[v] = pos[v];
        continue;
      }
      double s = 0;
      for (int e : var_edges[v]) s += cog[e];
      next[v] = s / static_cast<double>(var_edges[v].size());
    }
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return next[a] < next[b]; });
    int64_t span = span_of(order);
    if (span < best_span) {
      best_span = span;
      best = order;
    } else if (iter > 5 && span >= best_span) {
      break;
    }
  }
  return best;
}

}  // namespace atelier::config::internal
