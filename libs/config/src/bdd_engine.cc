// BDD compilation with BuDDy, then conversion into an immutable multi-valued
// decision diagram (one level per variable, a child per value) that answers
// every query without BuDDy, so reads are lock-free and thread-safe.

#include <bdd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <limits>
#include <mutex>
#include <unordered_map>

#include "internal/engine.h"

namespace atelier::config::internal {

namespace {

// BuDDy is one global library instance: every use goes through this lock.
std::mutex& BuddyMutex() {
  static std::mutex mu;
  return mu;
}
int g_buddy_error = 0;  // guarded by BuddyMutex()
void OnBuddyError(int code) { g_buddy_error = code; }

void EnsureBuddy(int vars) {
  if (!bdd_isrunning()) {
    bdd_init(1 << 18, 1 << 16);  // grows on demand; small start keeps small models fast
    bdd_error_hook(OnBuddyError);
    bdd_gbc_hook(nullptr);
    bdd_resize_hook(nullptr);
    bdd_setcacheratio(4);
    bdd_setmaxincrease(1 << 22);
  }
  if (bdd_varnum() < vars) bdd_setvarnum(vars);
}

int BitsFor(int domain) {
  int bits = 0;
  while ((1 << bits) < domain) ++bits;
  return bits;
}

class Mdd final : public Engine {
 public:
  const char* Name() const override { return "bdd"; }

  // Built by CompileBdd.
  std::vector<int> order_;       // position -> var
  std::vector<int> pos_of_var_;  // var -> position
  std::vector<int> domain_;      // per var
  std::vector<std::vector<int64_t>> cost_;
  // Nodes: 0 = false, 1 = true, then internal nodes with children before parents.
  std::vector<int> node_pos_;    // position of the node's variable; terminals: n
  std::vector<int> first_child_;
  std::vector<int> children_;
  int root_ = 0;

  int Positions() const { return static_cast<int>(order_.size()); }
  int NodeCount() const { return static_cast<int>(node_pos_.size()); }
  bool Allowed(const Assignment& fixed, int var, int v) const { return fixed[var] < 0 || fixed[var] == v; }

  void Good(const Assignment& fixed, std::vector<char>* good) const {
    const int nodes = NodeCount();
    good->assign(nodes, 0);
    (*good)[1] = 1;
    for (int n = 2; n < nodes; ++n) {
      int var = order_[node_pos_[n]];
      const int* ch = &children_[first_child_[n]];
      if (fixed[var] >= 0) {
        (*good)[n] = (*good)[ch[fixed[var]]];
        continue;
      }
      for (int v = 0; v < domain_[var]; ++v) {
        if ((*good)[ch[v]]) {
          (*good)[n] = 1;
          break;
        }
      }
    }
  }

  bool Feasible(const Assignment& fixed) const override {
    std::vector<char> good;
    Good(fixed, &good);
    return good[root_];
  }

  bool Supported(const Assignment& fixed, std::vector<std::vector<char>>* supported) const override {
    const int n_pos = Positions();
    supported->resize(domain_.size());
    for (size_t v = 0; v < domain_.size(); ++v) (*supported)[v].assign(domain_[v], 0);
    std::vector<char> good;
    Good(fixed, &good);
    if (!good[root_]) return false;
    const int nodes = NodeCount();
    std::vector<char> reach(nodes, 0);
    std::vector<int> cover(n_pos + 1, 0);
    reach[root_] = 1;
    cover[0] += 1;
    cover[node_pos_[root_]] -= 1;
    for (int n = nodes - 1; n >= 2; --n) {
      if (!reach[n]) continue;
      int p = node_pos_[n];
      int var = order_[p];
      const int* ch = &children_[first_child_[n]];
      auto& sup = (*supported)[var];
      for (int v = 0; v < domain_[var]; ++v) {
        int c = ch[v];
        if (!good[c] || !Allowed(fixed, var, v)) continue;
        sup[v] = 1;
        reach[c] = 1;
        if (node_pos_[c] > p + 1) {
          cover[p + 1] += 1;
          cover[node_pos_[c]] -= 1;
        }
      }
    }
    int run = 0;
    for (int p = 0; p < n_pos; ++p) {
      run += cover[p];
      if (run <= 0) continue;
      int var = order_[p];
      auto& sup = (*supported)[var];
      if (fixed[var] >= 0) {
        sup[fixed[var]] = 1;
      } else {
        std::fill(sup.begin(), sup.end(), 1);
      }
    }
    return true;
  }

  std::optional<mpz_class> Count(const Assignment& fixed) const override {
    const int n_pos = Positions();
    // prefix[p] = product of free-domain sizes of positions < p.
    std::vector<mpz_class> prefix(n_pos + 1);
    prefix[0] = 1;
    for (int p = 0; p < n_pos; ++p) {
      int var = order_[p];
      prefix[p + 1] = prefix[p] * (fixed[var] >= 0 ? 1 : domain_[var]);
    }
    auto span = [&](int a, int b, mpz_class* out) {  // product over [a, b)
      mpz_divexact(out->get_mpz_t(), prefix[b].get_mpz_t(), prefix[a].get_mpz_t());
    };
    const int nodes = NodeCount();
    std::vector<mpz_class> cnt(nodes);
    cnt[0] = 0;
    cnt[1] = 1;
    mpz_class factor;
    for (int n = 2; n < nodes; ++n) {
      int p = node_pos_[n];
      int var = order_[p];
      const int* ch = &children_[first_child_[n]];
      mpz_class& acc = cnt[n];
      acc = 0;
      for (int v = 0; v < domain_[var]; ++v) {
        int c = ch[v];
        if (c == 0 || !Allowed(fixed, var, v)) continue;
        int cp = node_pos_[c];
        if (cp > p + 1) {
          span(p + 1, cp, &factor);
          acc += cnt[c] * factor;
        } else {
          acc += cnt[c];
        }
      }
    }
    mpz_class top;
    span(0, node_pos_[root_], &top);
    return cnt[root_] * top;
  }

  std::optional<CostBounds> Cost(const Assignment& fixed) const override {
    const int n_pos = Positions();
    constexpr int64_t kInf = std::numeric_limits<int64_t>::max() / 4;
    std::vector<int64_t> free_min(n_pos + 1, 0), free_max(n_pos + 1, 0);  // prefix sums
    std::vector<int> free_argmin(n_pos, 0);
    for (int p = 0; p < n_pos; ++p) {
      int var = order_[p];
      int64_t lo = kInf, hi = -kInf;
      for (int v = 0; v < domain_[var]; ++v) {
        if (!Allowed(fixed, var, v)) continue;
        if (cost_[var][v] < lo) {
          lo = cost_[var][v];
          free_argmin[p] = v;
        }
        hi = std::max(hi, cost_[var][v]);
      }
      free_min[p + 1] = free_min[p] + lo;
      free_max[p + 1] = free_max[p] + hi;
    }
    const int nodes = NodeCount();
    std::vector<int64_t> lo(nodes, kInf), hi(nodes, -kInf);
    std::vector<int> best(nodes, -1);
    lo[1] = hi[1] = 0;
    for (int n = 2; n < nodes; ++n) {
      int p = node_pos_[n];
      int var = order_[p];
      const int* ch = &children_[first_child_[n]];
      for (int v = 0; v < domain_[var]; ++v) {
        int c = ch[v];
        if (!Allowed(fixed, var, v) || lo[c] == kInf) continue;
        int cp = node_pos_[c];
        int64_t skip_lo = free_min[cp] - free_min[p + 1];
        int64_t skip_hi = free_max[cp] - free_max[p + 1];
        int64_t a = cost_[var][v] + lo[c] + skip_lo;
        int64_t b = cost_[var][v] + hi[c] + skip_hi;
        if (a < lo[n]) {
          lo[n] = a;
          best[n] = v;
        }
        hi[n] = std::max(hi[n], b);
      }
    }
    if (lo[root_] == kInf) return std::nullopt;
    CostBounds out;
    int rp = node_pos_[root_];
    out.min = lo[root_] + free_min[rp];
    out.max = hi[root_] + free_max[rp];
    out.cheapest.assign(domain_.size(), 0);
    // Skipped positions take their cheapest allowed value.
    for (int p = 0; p < n_pos; ++p) out.cheapest[order_[p]] = free_argmin[p];
    for (int n = root_; n >= 2;) {
      int var = order_[node_pos_[n]];
      out.cheapest[var] = best[n];
      n = children_[first_child_[n] + best[n]];
    }
    return out;
  }

  std::optional<std::vector<int>> Complete(const Assignment& fixed) const override {
    auto c = Cost(fixed);
    if (!c) return std::nullopt;
    return c->cheapest;
  }
};

bdd Minterm(int level, int bits, int value) {
  bdd r = bddtrue;
  for (int b = bits - 1; b >= 0; --b) {
    int lv = level + (bits - 1 - b);
    r &= ((value >> b) & 1) ? bdd_ithvar(lv) : bdd_nithvar(lv);
  }
  return r;
}

class Builder {
 public:
  Builder(const Problem& p, const std::vector<int>& order) : p_(p) {
    level_.assign(p.domain.size(), 0);
    bits_.assign(p.domain.size(), 0);
    int level = 0;
    for (int var : order) {
      level_[var] = level;
      bits_[var] = BitsFor(p.domain[var]);
      level += bits_[var];
    }
    total_bits_ = level;
  }
  int total_bits() const { return total_bits_; }

  bdd Value(int var, int value) const { return Minterm(level_[var], bits_[var], value); }

  bdd In(int var, const std::vector<int>& values) const {
    const int d = p_.domain[var];
    if (static_cast<int>(values.size()) * 2 <= d) {
      bdd r = bddfalse;
      for (int v : values) r |= Value(var, v);
      return r;
    }
    std::vector<char> in(d, 0);
    for (int v : values) in[v] = 1;
    bdd r = bddfalse;
    for (int v = 0; v < d; ++v) {
      if (!in[v]) r |= Value(var, v);
    }
    return !r;  // codes >= domain are excluded by the domain constraint
  }

  bdd Domain(int var) const {
    const int d = p_.domain[var];
    if (d == (1 << bits_[var])) return bddtrue;
    bdd r = bddfalse;
    for (int v = 0; v < d; ++v) r |= Value(var, v);
    return r;
  }

  bdd FromExpr(const Expr& e) const {
    switch (e.kind) {
      case Expr::Kind::kTrue:
        return bddtrue;
      case Expr::Kind::kFalse:
        return bddfalse;
      case Expr::Kind::kIn:
        return In(e.option, e.values);
      case Expr::Kind::kNot:
        return !FromExpr(e.children[0]);
      case Expr::Kind::kAnd: {
        bdd r = bddtrue;
        for (const Expr& c : e.children) r &= FromExpr(c);
        return r;
      }
      case Expr::Kind::kOr: {
        bdd r = bddfalse;
        for (const Expr& c : e.children) r |= FromExpr(c);
        return r;
      }
    }
    return bddfalse;
  }

  bdd FromRule(const Rule& r) const {
    if (r.kind == Rule::Kind::kConstraint) return FromExpr(r.expr);
    bdd any = bddfalse;
    for (const auto& row : r.rows) {
      bdd t = bddtrue;
      for (size_t c = 0; c < row.size(); ++c) {
        if (row[c] != kAnyValue) t &= Value(r.table_options[c], row[c]);
      }
      any |= t;
    }
    return r.kind == Rule::Kind::kAllowedTable ? any : !any;
  }

  int Level(int var) const { return level_[var]; }
  int Bits(int var) const { return bits_[var]; }

 private:
  const Problem& p_;
  std::vector<int> level_;
  std::vector<int> bits_;
  int total_bits_ = 0;
};

void ScopeVars(const Expr& e, std::vector<int>* out) {
  if (e.kind == Expr::Kind::kIn) out->push_back(e.option);
  for (const Expr& c : e.children) ScopeVars(c, out);
}

}  // namespace

Result<std::unique_ptr<Engine>> CompileBdd(const Problem& problem, const BddBudget& budget, BddStats* stats) {
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  auto thread_cpu = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  };
  const double cpu_start = thread_cpu();
  const std::vector<int> order = ConstraintGraphOrder(problem);
  const int n = static_cast<int>(problem.domain.size());
  std::vector<int> pos_of_var(n);
  for (int p = 0; p < n; ++p) pos_of_var[order[p]] = p;

  std::lock_guard<std::mutex> lock(BuddyMutex());
  Builder builder(problem, order);
  EnsureBuddy(std::max(1, builder.total_bits()));
  g_buddy_error = 0;
  bdd_setmaxnodenum(static_cast<int>(std::min<int64_t>(budget.max_nodes, std::numeric_limits<int>::max())));
  int64_t peak = 0;

  // Constraints sorted by the deepest position they touch, so the BDD grows
  // from the bottom of the order upwards.
  std::vector<std::pair<std::pair<int, int>, int>> keyed;
  for (size_t i = 0; i < problem.constraints.size(); ++i) {
    const Rule& r = problem.constraints[i];
    std::vector<int> vars;
    if (r.kind == Rule::Kind::kConstraint) {
      ScopeVars(r.expr, &vars);
    } else {
      vars = r.table_options;
    }
    int hi = -1, lo = n;
    for (int v : vars) {
      hi = std::max(hi, pos_of_var[v]);
      lo = std::min(lo, pos_of_var[v]);
    }
    keyed.push_back({{-hi, -lo}, static_cast<int>(i)});
  }
  std::sort(keyed.begin(), keyed.end());

  auto fail = [&](const std::string& why) -> Error {
    bdd_setmaxnodenum(0);
    g_buddy_error = 0;
    bdd_gbc();
    return Error::Unavailable("BDD compilation stopped: " + why);
  };
  std::unique_ptr<Mdd> mdd = std::make_unique<Mdd>();
  {
    bdd acc = bddtrue;
    for (int var = 0; var < n; ++var) acc &= builder.Domain(var);
    for (const auto& [key, i] : keyed) {
      bdd c = builder.FromRule(problem.constraints[i]);
      acc &= c;
      peak = std::max<int64_t>(peak, bdd_getnodenum());
      if (g_buddy_error) return fail("node budget of " + std::to_string(budget.max_nodes) + " exceeded");
      if (elapsed() > budget.max_seconds) return fail("time budget exceeded");
      if (budget.max_cpu_seconds > 0 && thread_cpu() - cpu_start > budget.max_cpu_seconds) {
        return fail("CPU time budget exceeded");
      }
      if (budget.cancel && budget.cancel->load()) return fail("cancelled");
    }
    if (g_buddy_error) return fail("node budget of " + std::to_string(budget.max_nodes) + " exceeded");
    if (acc == bddfalse) {
      bdd_setmaxnodenum(0);
      return Error::Conflict("the model has no valid configuration");
    }
    // Export the BDD into plain arrays.
    std::unordered_map<int, int> index;  // BuDDy node -> exported id
    std::vector<int> level{-1, -1}, lo{0, 0}, hi{1, 1};
    index[bddfalse.id()] = 0;
    index[bddtrue.id()] = 1;
    std::vector<std::pair<bdd, bool>> stack{{acc, false}};
    while (!stack.empty()) {
      auto [node, expanded] = stack.back();
      stack.pop_back();
      if (index.count(node.id())) continue;
      bdd l = bdd_low(node), h = bdd_high(node);
      if (!expanded) {
        stack.push_back({node, true});
        if (!index.count(h.id())) stack.push_back({h, false});
        if (!index.count(l.id())) stack.push_back({l, false});
        continue;
      }
      index[node.id()] = static_cast<int>(level.size());
      level.push_back(bdd_var(node));
      lo.push_back(index.at(l.id()));
      hi.push_back(index.at(h.id()));
    }
    const int root_bdd = index.at(acc.id());
    if (stats) stats->bdd_nodes = static_cast<int64_t>(level.size());

    // Multi-valued view: a node per BDD node that is the target of a value
    // edge (or the root); its children follow each value's bits.
    std::vector<int> block_pos(builder.total_bits() + 1, n);
    for (int var = 0; var < n; ++var) {
      for (int b = 0; b < builder.Bits(var); ++b) block_pos[builder.Level(var) + b] = pos_of_var[var];
    }
    auto pos_of_node = [&](int b) { return b < 2 ? n : block_pos[level[b]]; };
    auto descend = [&](int b, int var, int value) {
      const int p = pos_of_var[var];
      const int bits = builder.Bits(var);
      while (b >= 2 && pos_of_node(b) == p) {
        int k = level[b] - builder.Level(var);
        b = ((value >> (bits - 1 - k)) & 1) ? hi[b] : lo[b];
      }
      return b;
    };
    mdd->order_ = order;
    mdd->pos_of_var_ = pos_of_var;
    mdd->domain_ = problem.domain;
    mdd->cost_ = problem.cost;
    mdd->node_pos_ = {n, n};
    mdd->first_child_ = {0, 0};
    std::unordered_map<int, int> mdd_index{{0, 0}, {1, 1}};
    std::vector<std::pair<int, bool>> work{{root_bdd, false}};
    std::vector<int> kids;
    while (!work.empty()) {
      auto [b, expanded] = work.back();
      work.pop_back();
      if (mdd_index.count(b)) continue;
      const int var = order[pos_of_node(b)];
      if (!expanded) {
        work.push_back({b, true});
        for (int v = 0; v < problem.domain[var]; ++v) {
          int c = descend(b, var, v);
          if (!mdd_index.count(c)) work.push_back({c, false});
        }
        continue;
      }
      int id = static_cast<int>(mdd->node_pos_.size());
      mdd_index[b] = id;
      mdd->node_pos_.push_back(pos_of_node(b));
      mdd->first_child_.push_back(static_cast<int>(mdd->children_.size()));
      for (int v = 0; v < problem.domain[var]; ++v) mdd->children_.push_back(mdd_index.at(descend(b, var, v)));
    }
    mdd->root_ = mdd_index.at(root_bdd);
  }
  bdd_setmaxnodenum(0);
  bdd_gbc();
  if (stats) {
    stats->mdd_nodes = mdd->NodeCount();
    stats->peak_nodes = peak;
    stats->seconds = elapsed();
    stats->bdd_vars = builder.total_bits();
  }
  return std::unique_ptr<Engine>(std::move(mdd));
}

}  // namespace atelier::config::internal
