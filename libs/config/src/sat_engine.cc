// CaDiCaL engine: one-hot (booleans: one literal) encoding, rules as clauses
// (Tseitin for nested expressions), valid domains by solving under
// assumptions, reusing every model found and steering the solver's phases
// toward values not yet seen so each solve covers as many open values as it can.

#include <cadical.hpp>

#include <algorithm>
#include <deque>
#include <mutex>
#include <random>
#include <unordered_map>

#include "internal/engine.h"

namespace atelier::config::internal {

namespace {

// The calling thread's WorkScope (budget 0: none active).
struct WorkState {
  int64_t budget = 0;
  int64_t remaining = 0;
  bool exhausted = false;
};
thread_local WorkState work;

// One stateless meter for every solver, acting on the thread running the
// solve: CaDiCaL reports each learned clause (one per conflict, the unit of
// search work) and asks whether to stop between its search steps.
class WorkMeter final : public CaDiCaL::Terminator, public CaDiCaL::Learner {
 public:
  bool terminate() override { return work.budget > 0 && work.exhausted; }
  bool learning(int) override {
    if (work.budget > 0 && --work.remaining < 0) work.exhausted = true;
    return false;  // count it, never export it
  }
  void learn(int) override {}
};
WorkMeter work_meter;

class Encoder {
 public:
  Encoder(CaDiCaL::Solver* solver) : s_(solver) {}

  int NewVar() { return ++vars_; }

  int True() {
    if (!true_) {
      true_ = NewVar();
      s_->add(true_);
      s_->add(0);
    }
    return true_;
  }

  void Clause(const std::vector<int>& lits) {
    for (int l : lits) s_->add(l);
    s_->add(0);
    if (record_) record_->push_back(lits);
  }
  // Also keeps a copy of every clause in `out` (for unit propagation).
  void Record(std::vector<std::vector<int>>* out) { record_ = out; }
  int NumVars() const { return vars_; }

  void EncodeVars(const std::vector<int>& domain) {
    lit_.resize(domain.size());
    for (size_t var = 0; var < domain.size(); ++var) {
      const int d = domain[var];
      auto& lits = lit_[var];
      if (d == 1) {
        lits = {True()};
      } else if (d == 2) {
        int x = NewVar();
        lits = {-x, x};
      } else {
        for (int v = 0; v < d; ++v) lits.push_back(NewVar());
        Clause(lits);
        if (d <= 6) {
          for (int a = 0; a < d; ++a) {
            for (int b = a + 1; b < d; ++b) Clause({-lits[a], -lits[b]});
          }
        } else {
          // Sequential at-most-one (Sinz 2005).
          std::vector<int> aux(d - 1);
          for (auto& a : aux) a = NewVar();
          Clause({-lits[0], aux[0]});
          for (int i = 1; i < d - 1; ++i) {
            Clause({-lits[i], aux[i]});
            Clause({-aux[i - 1], aux[i]});
            Clause({-lits[i], -aux[i - 1]});
          }
          Clause({-lits[d - 1], -aux[d - 2]});
        }
      }
    }
  }

  const std::vector<std::vector<int>>& lits() const { return lit_; }
  int Lit(int var, int value) const { return lit_[var][value]; }

  // Literals whose disjunction means "var in values".
  void InLits(int var, const std::vector<int>& values, bool negate, std::vector<int>* out) {
    const int d = static_cast<int>(lit_[var].size());
    std::vector<char> in(d, 0);
    for (int v : values) in[v] = 1;
    if (d == 2) {
      int count = in[0] + in[1];
      bool want[2] = {negate ? !in[0] : static_cast<bool>(in[0]), negate ? !in[1] : static_cast<bool>(in[1])};
      if (count == 0 || count == 2) {
        if (want[0] && want[1]) out->push_back(True());
        return;  // false: contributes nothing to the disjunction
      }
      out->push_back(want[1] ? lit_[var][1] : lit_[var][0]);
      return;
    }
    for (int v = 0; v < d; ++v) {
      if (static_cast<bool>(in[v]) != negate) out->push_back(lit_[var][v]);
    }
  }

  // A literal equivalent to `e`.
  int Tseitin(const Expr& e) {
    switch (e.kind) {
      case Expr::Kind::kTrue:
        return True();
      case Expr::Kind::kFalse:
        return -True();
      case Expr::Kind::kNot:
        return -Tseitin(e.children[0]);
      case Expr::Kind::kIn: {
        std::vector<int> lits;
        InLits(e.option, e.values, false, &lits);
        if (lits.empty()) return -True();
        if (lits.size() == 1) return lits[0];
        return Define(lits, /*is_and=*/false);
      }
      case Expr::Kind::kAnd:
      case Expr::Kind::kOr: {
        std::vector<int> lits;
        for (const Expr& c : e.children) lits.push_back(Tseitin(c));
        return Define(lits, e.kind == Expr::Kind::kAnd);
      }
    }
    return True();
  }

  // Adds `e` as a hard constraint, guarded by `selector` when non-zero.
  void AddExpr(const Expr& e, int selector) {
    if (e.kind == Expr::Kind::kAnd) {
      for (const Expr& c : e.children) AddExpr(c, selector);
      return;
    }
    if (e.kind == Expr::Kind::kTrue) return;
    std::vector<int> clause;
    if (selector) clause.push_back(-selector);
    auto add_disjunct = [&](const Expr& c) {
      if (c.kind == Expr::Kind::kIn) {
        InLits(c.option, c.values, false, &clause);
      } else if (c.kind == Expr::Kind::kNot && c.children[0].kind == Expr::Kind::kIn) {
        InLits(c.children[0].option, c.children[0].values, true, &clause);
      } else if (c.kind != Expr::Kind::kFalse) {
        clause.push_back(Tseitin(c));
      }
    };
    if (e.kind == Expr::Kind::kOr) {
      for (const Expr& c : e.children) add_disjunct(c);
    } else {
      add_disjunct(e);
    }
    Clause(clause);
  }

  void AddRule(const Rule& r, int selector) {
    if (r.kind == Rule::Kind::kConstraint) {
      AddExpr(r.expr, selector);
      return;
    }
    if (r.kind == Rule::Kind::kForbiddenTable) {
      for (const auto& row : r.rows) {
        std::vector<int> clause;
        if (selector) clause.push_back(-selector);
        for (size_t c = 0; c < row.size(); ++c) {
          if (row[c] != kAnyValue) clause.push_back(-Lit(r.table_options[c], row[c]));
        }
        Clause(clause);
      }
      return;
    }
    std::vector<int> any;
    if (selector) any.push_back(-selector);
    for (const auto& row : r.rows) {
      int t = NewVar();
      any.push_back(t);
      for (size_t c = 0; c < row.size(); ++c) {
        if (row[c] != kAnyValue) Clause({-t, Lit(r.table_options[c], row[c])});
      }
    }
    Clause(any);
  }

 private:
  int Define(const std::vector<int>& lits, bool is_and) {
    int a = NewVar();
    // is_and: a <-> AND(lits); else a <-> OR(lits).
    std::vector<int> big{is_and ? a : -a};
    for (int l : lits) {
      if (is_and) {
        Clause({-a, l});
        big.push_back(-l);
      } else {
        Clause({a, -l});
        big.push_back(l);
      }
    }
    Clause(big);
    return a;
  }

  CaDiCaL::Solver* s_;
  std::vector<std::vector<int>>* record_ = nullptr;
  int vars_ = 0;
  int true_ = 0;
  std::vector<std::vector<int>> lit_;
};

// Unit propagation over the encoded clauses (occurrence lists, immutable, so
// shared by all solver instances). Values refuted by propagation under the
// picks, or whose own assignment propagates to a conflict, need no solver call.
class Propagator {
 public:
  Propagator(std::vector<std::vector<int>> clauses, int vars) : clauses_(std::move(clauses)), occ_(2 * (vars + 1)) {
    for (size_t c = 0; c < clauses_.size(); ++c) {
      for (int l : clauses_[c]) occ_[Code(l)].push_back(static_cast<int>(c));
    }
    num_vars_ = vars;
  }
  int num_vars() const { return num_vars_; }

  // Per-call state, owned by one solver instance.
  struct State {
    std::vector<int8_t> val;  // by var: 0 unassigned, 1 true, -1 false
    std::vector<int> trail;
    bool Value(int lit) const {
      int8_t v = val[std::abs(lit)];
      return lit > 0 ? v > 0 : v < 0;
    }
    bool IsFalse(int lit) const { return Value(-lit); }
  };

  void Reset(State* st) const {
    st->val.assign(num_vars_ + 1, 0);
    st->trail.clear();
    // Root units.
    for (const auto& c : clauses_) {
      if (c.size() == 1) Assign(st, c[0]);
    }
    size_t head = 0;
    Run(st, &head);
  }

  // Assigns `lit` and propagates; false on conflict (the state is then
  // inconsistent until Undo).
  bool Push(State* st, int lit) const {
    if (st->Value(lit)) return true;
    if (st->IsFalse(lit)) return false;
    size_t head = st->trail.size();
    Assign(st, lit);
    return Run(st, &head);
  }
  void Undo(State* st, size_t to) const {
    while (st->trail.size() > to) {
      st->val[std::abs(st->trail.back())] = 0;
      st->trail.pop_back();
    }
  }

 private:
  static size_t Code(int lit) { return 2 * static_cast<size_t>(std::abs(lit)) + (lit < 0 ? 1 : 0); }
  static void Assign(State* st, int lit) {
    st->val[std::abs(lit)] = lit > 0 ? 1 : -1;
    st->trail.push_back(lit);
  }
  bool Run(State* st, size_t* head) const {
    while (*head < st->trail.size()) {
      int lit = st->trail[(*head)++];
      for (int c : occ_[Code(-lit)]) {
        int unassigned = 0, last = 0;
        bool sat = false;
        for (int l : clauses_[c]) {
          if (st->Value(l)) {
            sat = true;
            break;
          }
          if (!st->IsFalse(l)) {
            ++unassigned;
            last = l;
          }
        }
        if (sat) continue;
        if (unassigned == 0) return false;
        if (unassigned == 1) Assign(st, last);
      }
    }
    return true;
  }

  std::vector<std::vector<int>> clauses_;
  std::vector<std::vector<int>> occ_;
  int num_vars_ = 0;
};

struct Instance {
  CaDiCaL::Solver solver;
  Encoder encoder{&solver};
  Propagator::State bcp;
};

// Builds a solver instance; the first build also records the clauses into
// `*propagator` (later builds produce the same clauses, so they share it).
std::unique_ptr<Instance> Build(const Problem& p, std::shared_ptr<const Propagator>* propagator) {
  auto inst = std::make_unique<Instance>();
  inst->solver.set("quiet", 1);
  inst->solver.connect_terminator(&work_meter);
  inst->solver.connect_learner(&work_meter);
  std::vector<std::vector<int>> clauses;
  if (!*propagator) inst->encoder.Record(&clauses);
  inst->encoder.EncodeVars(p.domain);
  for (const Rule& r : p.constraints) inst->encoder.AddRule(r, 0);
  inst->encoder.Record(nullptr);
  if (!*propagator) *propagator = std::make_shared<const Propagator>(std::move(clauses), inst->encoder.NumVars());
  (*propagator)->Reset(&inst->bcp);
  return inst;
}

// Valid domains only shrink when picks are added, so the state of the same
// picks minus one pick (the shopper's previous request) bounds the new one:
// its unsupported values need no solver call. States are cached by a Zobrist
// hash of the picks; a bounded FIFO keeps memory flat.
class DomainCache {
 public:
  explicit DomainCache(const std::vector<int>& domain)
      : capacity_(std::clamp<size_t>(kBudgetInts / ((kModelsPerEntry + 2) * std::max<size_t>(1, domain.size())), 16, 4096)) {
    std::mt19937_64 rng(0x5eed);
    zobrist_.resize(domain.size());
    for (size_t v = 0; v < domain.size(); ++v) {
      zobrist_[v].resize(domain[v]);
      for (auto& z : zobrist_[v]) z = rng();
    }
  }
  uint64_t Hash(const Assignment& a) const {
    uint64_t h = 0;
    for (size_t v = 0; v < a.size(); ++v) {
      if (a[v] >= 0) h ^= zobrist_[v][a[v]];
    }
    return h;
  }
  uint64_t Without(uint64_t h, int var, int value) const { return h ^ zobrist_[var][value]; }

  struct Entry {
    Assignment picks;
    std::vector<std::vector<char>> supported;  // empty = infeasible
    std::vector<std::vector<int>> models;      // witnesses found, reusable by extensions
  };
  std::shared_ptr<const Entry> Find(uint64_t h) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = map_.find(h);
    return it == map_.end() ? nullptr : it->second;
  }
  void Put(uint64_t h, std::shared_ptr<const Entry> e) {
    std::lock_guard<std::mutex> lock(mu_);
    if (map_.count(h)) return;
    if (fifo_.size() >= capacity_) {
      map_.erase(fifo_.front());
      fifo_.pop_front();
    }
    map_.emplace(h, std::move(e));
    fifo_.push_back(h);
  }

 private:
  static constexpr size_t kBudgetInts = 16 << 20;  // ~64 MB of cached states per model

 public:
  static constexpr size_t kModelsPerEntry = 24;

 private:
  size_t capacity_;
  std::vector<std::vector<uint64_t>> zobrist_;
  mutable std::mutex mu_;
  std::unordered_map<uint64_t, std::shared_ptr<const Entry>> map_;  // guarded by mu_
  std::deque<uint64_t> fifo_;                                        // guarded by mu_
};

class SatEngine final : public Engine {
 public:
  explicit SatEngine(const Problem& p) : p_(p), cache_(p.domain) {}
  const char* Name() const override { return "sat"; }

  bool Supported(const Assignment& fixed, std::vector<std::vector<char>>* supported) const override {
    const int n = static_cast<int>(p_.domain.size());
    const uint64_t h = cache_.Hash(fixed);
    if (auto hit = cache_.Find(h); hit && hit->picks == fixed) {
      if (hit->supported.empty()) return false;
      *supported = hit->supported;
      return true;
    }
    // Values unsupported under a subset of the picks stay unsupported.
    std::shared_ptr<const DomainCache::Entry> parent;
    for (int var = 0; var < n && !parent; ++var) {
      if (fixed[var] < 0) continue;
      auto e = cache_.Find(cache_.Without(h, var, fixed[var]));
      if (!e || e->supported.empty()) continue;
      bool subset = true;
      for (int v = 0; v < n && subset; ++v) {
        if (e->picks[v] >= 0 && e->picks[v] != fixed[v]) subset = false;
      }
      if (subset) parent = e;
    }
    Lease lease(this);
    Instance& in = *lease.inst;
    supported->resize(n);
    for (int v = 0; v < n; ++v) supported->at(v).assign(p_.domain[v], 0);
    std::vector<std::vector<int>>* found = nullptr;
    auto store = [&](bool feasible) {
      if (WorkScope::Exhausted()) return feasible;  // not a real answer: keep it out of the cache
      auto e = std::make_shared<DomainCache::Entry>();
      e->picks = fixed;
      if (feasible) e->supported = *supported;
      if (feasible && found) e->models = std::move(*found);
      cache_.Put(h, std::move(e));
      return feasible;
    };
    // Unit propagation under the picks first: refutes many values for free.
    const Propagator& bcp = *propagator_;
    const size_t root = in.bcp.trail.size();
    bool consistent = true;
    for (int var = 0; var < n && consistent; ++var) {
      if (fixed[var] >= 0) consistent = bcp.Push(&in.bcp, in.encoder.Lit(var, fixed[var]));
    }
    struct UndoAtExit {
      const Propagator& p;
      Propagator::State* st;
      size_t to;
      ~UndoAtExit() { p.Undo(st, to); }
    } undo{bcp, &in.bcp, root};
    if (!consistent) return store(false);
    std::vector<std::vector<int>> models;
    auto keep = [&](std::vector<int> model) {
      for (int var = 0; var < n; ++var) (*supported)[var][model[var]] = 1;
      if (models.size() < DomainCache::kModelsPerEntry) models.push_back(std::move(model));
    };
    auto mark = [&] {
      std::vector<int> model(n, 0);
      for (int var = 0; var < n; ++var) {
        const auto& lits = in.encoder.lits()[var];
        if (lits.size() == 2 && lits[0] == -lits[1]) {
          model[var] = in.solver.val(lits[1]) > 0 ? 1 : 0;
          continue;
        }
        for (size_t v = 0; v < lits.size(); ++v) {
          if (in.solver.val(lits[v]) > 0) model[var] = static_cast<int>(v);
        }
      }
      keep(std::move(model));
    };
    // The parent's witnesses that agree with the new picks are still models.
    if (parent) {
      for (const auto& model : parent->models) {
        bool agrees = true;
        for (int var = 0; var < n && agrees; ++var) {
          if (fixed[var] >= 0 && model[var] != fixed[var]) agrees = false;
        }
        if (agrees) keep(model);
      }
    }
    if (models.empty()) {
      if (Solve(in, fixed, 0) != 10) return store(false);
      mark();
    }
    for (int var = 0; var < n; ++var) {
      if (fixed[var] >= 0) continue;
      for (int v = 0; v < p_.domain[var]; ++v) {
        if ((*supported)[var][v]) continue;
        if (parent && !parent->supported[var][v]) continue;
        const int lit = in.encoder.Lit(var, v);
        if (in.solver.fixed(lit) < 0 || in.bcp.IsFalse(lit)) continue;
        const size_t mark_at = in.bcp.trail.size();
        const bool probe_ok = bcp.Push(&in.bcp, lit);
        bcp.Undo(&in.bcp, mark_at);
        if (!probe_ok) continue;  // failed literal: propagation alone refutes it
        if (WorkScope::Exhausted()) return store(true);
        SteerToUnseen(in, fixed, *supported, parent.get());
        if (Solve(in, fixed, lit) == 10) mark();
      }
    }
    found = &models;
    return store(true);
  }

  bool Feasible(const Assignment& fixed) const override {
    Lease lease(this);
    return Solve(*lease.inst, fixed, 0) == 10;
  }

  std::optional<mpz_class> Count(const Assignment&) const override { return std::nullopt; }
  std::optional<CostBounds> Cost(const Assignment&) const override { return std::nullopt; }

  std::optional<std::vector<int>> Complete(const Assignment& fixed) const override {
    Lease lease(this);
    Instance& in = *lease.inst;
    // Lean toward each variable's cheapest value.
    for (size_t var = 0; var < p_.domain.size(); ++var) {
      const auto& c = p_.cost[var];
      int best = static_cast<int>(std::min_element(c.begin(), c.end()) - c.begin());
      in.solver.phase(in.encoder.Lit(static_cast<int>(var), best));
    }
    if (Solve(in, fixed, 0) != 10) return std::nullopt;
    std::vector<int> out(p_.domain.size(), 0);
    for (size_t var = 0; var < p_.domain.size(); ++var) {
      const auto& lits = in.encoder.lits()[var];
      for (size_t v = 0; v < lits.size(); ++v) {
        if (in.solver.val(lits[v]) > 0) out[var] = static_cast<int>(v);
      }
    }
    return out;
  }

 private:
  // Borrows a solver from the pool (building one when all are busy).
  struct Lease {
    explicit Lease(const SatEngine* e) : engine(e) {
      std::lock_guard<std::mutex> lock(e->mu_);
      if (!e->pool_.empty()) {
        inst = std::move(e->pool_.back());
        e->pool_.pop_back();
      }
      if (!inst) inst = Build(e->p_, &e->propagator_);
    }
    ~Lease() {
      std::lock_guard<std::mutex> lock(engine->mu_);
      engine->pool_.push_back(std::move(inst));
    }
    const SatEngine* engine;
    std::unique_ptr<Instance> inst;
  };

  int Solve(Instance& in, const Assignment& fixed, int extra) const {
    for (size_t var = 0; var < fixed.size(); ++var) {
      if (fixed[var] >= 0) in.solver.assume(in.encoder.Lit(static_cast<int>(var), fixed[var]));
    }
    if (extra) in.solver.assume(extra);
    return in.solver.solve();
  }

  void SteerToUnseen(Instance& in, const Assignment& fixed, const std::vector<std::vector<char>>& seen,
                     const DomainCache::Entry* parent) const {
    for (size_t var = 0; var < seen.size(); ++var) {
      if (fixed[var] >= 0) continue;
      const auto& s = seen[var];
      for (size_t v = 0; v < s.size(); ++v) {
        if (!s[v] && (!parent || parent->supported[var][v])) {
          in.solver.phase(in.encoder.Lit(static_cast<int>(var), static_cast<int>(v)));
          break;
        }
      }
    }
  }

  Problem p_;
  mutable DomainCache cache_;
  mutable std::shared_ptr<const Propagator> propagator_;  // guarded by mu_ until built
  mutable std::mutex mu_;
  mutable std::vector<std::unique_ptr<Instance>> pool_;  // guarded by mu_
};

}  // namespace

WorkScope::WorkScope(int64_t budget)
    : saved_remaining_(work.remaining), saved_budget_(work.budget), saved_exhausted_(work.exhausted) {
  work.budget = budget > 0 ? budget : 0;
  work.remaining = work.budget;
  work.exhausted = false;
}

WorkScope::~WorkScope() {
  work.budget = saved_budget_;
  work.remaining = saved_remaining_;
  work.exhausted = saved_exhausted_;
}

bool WorkScope::Exhausted() { return work.exhausted; }

std::unique_ptr<Engine> MakeSatEngine(const Problem& problem) { return std::make_unique<SatEngine>(problem); }

struct RuleExplainer::Impl {
  CaDiCaL::Solver solver;
  Encoder encoder{&solver};
  std::vector<int> selector;  // per constraint; 0 = always on
};

RuleExplainer::RuleExplainer(const Problem& p) : impl_(std::make_unique<Impl>()) {
  impl_->solver.set("quiet", 1);
  impl_->solver.connect_terminator(&work_meter);
  impl_->solver.connect_learner(&work_meter);
  impl_->encoder.EncodeVars(p.domain);
  impl_->selector.assign(p.constraints.size(), 0);
  for (size_t i = 0; i < p.constraints.size(); ++i) {
    int sel = static_cast<int>(i) < p.num_rule_constraints ? impl_->encoder.NewVar() : 0;
    impl_->selector[i] = sel;
    impl_->encoder.AddRule(p.constraints[i], sel);
  }
}

RuleExplainer::~RuleExplainer() = default;

std::vector<int> RuleExplainer::MinimalRuleCore(const std::vector<std::pair<int, int>>& assumed) {
  auto& s = impl_->solver;
  auto solve_with = [&](const std::vector<int>& rules) {
    for (auto [var, value] : assumed) s.assume(impl_->encoder.Lit(var, value));
    for (int r : rules) s.assume(impl_->selector[r]);
    return s.solve();
  };
  std::vector<int> all;
  for (size_t i = 0; i < impl_->selector.size(); ++i) {
    if (impl_->selector[i]) all.push_back(static_cast<int>(i));
  }
  if (solve_with(all) != 20) return {};  // satisfiable, or out of budget (0)
  std::vector<int> core;
  for (int r : all) {
    if (s.failed(impl_->selector[r])) core.push_back(r);
  }
  // Deletion-based minimization.
  for (size_t i = 0; i < core.size() && !WorkScope::Exhausted();) {
    std::vector<int> without = core;
    without.erase(without.begin() + static_cast<long>(i));
    if (solve_with(without) == 20) {
      std::vector<int> next;
      for (int r : without) {
        if (s.failed(impl_->selector[r])) next.push_back(r);
      }
      core = next;
      i = std::min(i, core.size());
      // Restart the scan only over rules still in the core at or after i.
    } else {
      ++i;
    }
  }
  return core;
}

}  // namespace atelier::config::internal
