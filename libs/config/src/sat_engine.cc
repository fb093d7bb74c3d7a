// CaDiCaL engine: one-hot (booleans: one literal) encoding, rules as clauses
// (Tseitin for nested expressions). Valid domains: witnesses reused and
// repaired from one request to the next, unit propagation kept on a trail
// of picks, and CaDiCaL (phases steered toward the values not yet seen) only
// for what neither reaches; see "Valid domains on the SAT path" below.

#include <algorithm>
#include <atomic>
#include <cadical.hpp>
#include <cstdint>
#include <cstdlib>
#include <list>
#include <mutex>
#include <random>
#include <unordered_map>

#include "internal/counter.h"
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
      Clause({true_});
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

// ---------------------------------------------------------------------------
// Valid domains on the SAT path.
//
// A step (Supported) answers, for every value of every open variable, whether
// the picks plus that value have a model. It proves "yes" with a witness
// model and "no" by unit propagation, by an ancestor state (domains only
// shrink as picks are added) or by the solver. Most of the work is shared
// with the previous step:
//  - the picks' unit propagation is kept on a trail with one level per pick
//    (watched literals), so a step that adds one pick propagates only it;
//  - the ancestor's witness models (bitsets over the encoded variables) are
//    repaired to agree with the new picks by a few local flips, so they keep
//    covering almost every value they covered;
//  - values still uncovered are reached by repairing a witness toward them
//    (flip the value, then flip whatever each broken clause needs, never a
//    variable the picks decide or one flipped already), and only what no
//    repair reaches goes to CaDiCaL, steered toward every value still unseen.
// Every model is checked clause by clause (repairs) or comes from the solver;
// every refutation is unit propagation, an ancestor's exact answer, or an
// UNSAT answer of the solver: the result is exact.
// ---------------------------------------------------------------------------

inline uint32_t Code(int lit) { return 2u * static_cast<uint32_t>(std::abs(lit)) + (lit < 0 ? 1u : 0u); }

// The encoded clauses, immutable and shared by every solver instance.
struct Cnf {
  int num_vars = 0;
  bool empty_clause = false;
  std::vector<int> lits;  // clause c: lits[start[c] .. start[c + 1])
  std::vector<uint32_t> start;
  std::vector<int> units;
  std::vector<uint32_t> long_clauses;      // size >= 3
  std::vector<std::vector<int>> implied;   // by Code(l): m for every binary clause (-l or m)
  std::vector<std::vector<uint32_t>> occ;  // by Code(l): clauses (size >= 2) containing l

  Cnf(const std::vector<std::vector<int>>& clauses, int vars) : num_vars(vars) {
    implied.resize(2 * static_cast<size_t>(vars) + 2);
    occ.resize(2 * static_cast<size_t>(vars) + 2);
    start.push_back(0);
    std::vector<int> c;
    for (const auto& raw : clauses) {
      c = raw;
      std::sort(c.begin(), c.end());
      c.erase(std::unique(c.begin(), c.end()), c.end());
      bool tautology = false;
      for (size_t i = 0; i + 1 < c.size(); ++i) {
        for (size_t j = i + 1; j < c.size() && !tautology; ++j) tautology = c[i] == -c[j];
      }
      if (tautology) continue;
      if (c.empty()) {
        empty_clause = true;
        continue;
      }
      if (c.size() == 1) {
        units.push_back(c[0]);
        continue;
      }
      const uint32_t id = static_cast<uint32_t>(start.size() - 1);
      lits.insert(lits.end(), c.begin(), c.end());
      start.push_back(static_cast<uint32_t>(lits.size()));
      for (int l : c) occ[Code(l)].push_back(id);
      if (c.size() == 2) {
        implied[Code(-c[0])].push_back(c[1]);
        implied[Code(-c[1])].push_back(c[0]);
      } else {
        long_clauses.push_back(id);
      }
    }
  }
  size_t num_clauses() const { return start.size() - 1; }
};

// Unit propagation with watched literals, one instance per solver instance.
// A trail with marks: Push assigns a literal and propagates, undoing itself
// on conflict; Undo returns to a mark taken at a propagated state.
class Bcp {
 public:
  explicit Bcp(const Cnf* cnf) : cnf_(cnf) {
    val_.assign(cnf->num_vars + 1, 0);
    clits_ = cnf->lits;
    watches_.resize(2 * static_cast<size_t>(cnf->num_vars) + 2);
    for (uint32_t c : cnf->long_clauses) {
      const int* l = &clits_[cnf->start[c]];
      watches_[Code(l[0])].push_back({c, l[1]});
      watches_[Code(l[1])].push_back({c, l[0]});
    }
    root_conflict_ = cnf->empty_clause;
    for (int u : cnf->units) {
      if (!root_conflict_ && !Push(u)) root_conflict_ = true;
    }
  }
  bool root_conflict() const { return root_conflict_; }
  // +1 true, -1 false, 0 unassigned.
  int Value(int lit) const {
    const int v = val_[std::abs(lit)];
    return lit > 0 ? v : -v;
  }
  int8_t VarValue(int var) const { return val_[var]; }
  size_t Mark() const { return trail_.size(); }

  bool Push(int lit) {
    const int v = Value(lit);
    if (v > 0) return true;
    if (v < 0) return false;
    const size_t mark = trail_.size();
    Assign(lit);
    if (Propagate()) return true;
    Undo(mark);
    return false;
  }
  void Undo(size_t mark) {
    while (trail_.size() > mark) {
      val_[std::abs(trail_.back())] = 0;
      trail_.pop_back();
    }
    head_ = trail_.size();
  }

 private:
  struct Watch {
    uint32_t clause;
    int blocker;
  };
  void Assign(int lit) {
    val_[std::abs(lit)] = lit > 0 ? 1 : -1;
    trail_.push_back(lit);
  }
  bool Propagate() {
    while (head_ < trail_.size()) {
      const int p = trail_[head_++];
      for (int m : cnf_->implied[Code(p)]) {
        const int v = Value(m);
        if (v < 0) return false;
        if (v == 0) Assign(m);
      }
      auto& ws = watches_[Code(-p)];
      size_t i = 0, j = 0;
      const size_t end = ws.size();
      bool ok = true;
      while (i < end) {
        const Watch w = ws[i++];
        if (Value(w.blocker) > 0) {
          ws[j++] = w;
          continue;
        }
        int* c = &clits_[cnf_->start[w.clause]];
        const int size = static_cast<int>(cnf_->start[w.clause + 1] - cnf_->start[w.clause]);
        if (c[0] == -p) std::swap(c[0], c[1]);
        if (Value(c[0]) > 0) {
          ws[j++] = {w.clause, c[0]};
          continue;
        }
        bool moved = false;
        for (int k = 2; k < size; ++k) {
          if (Value(c[k]) >= 0) {
            std::swap(c[1], c[k]);
            watches_[Code(c[1])].push_back({w.clause, c[0]});
            moved = true;
            break;
          }
        }
        if (moved) continue;
        ws[j++] = {w.clause, c[0]};
        if (Value(c[0]) < 0) {
          ok = false;
          while (i < end) ws[j++] = ws[i++];
          break;
        }
        Assign(c[0]);
      }
      ws.resize(j);
      if (!ok) return false;
    }
    return true;
  }

  const Cnf* cnf_;
  std::vector<int8_t> val_;
  std::vector<int> trail_;
  size_t head_ = 0;
  std::vector<int> clits_;
  std::vector<std::vector<Watch>> watches_;
  bool root_conflict_ = false;
};

// Models as bitsets over the encoded variables (bit v set: variable v true).
inline bool LitTrue(const uint64_t* m, int lit) {
  const int v = std::abs(lit);
  const bool bit = (m[v >> 6] >> (v & 63)) & 1u;
  return lit > 0 ? bit : !bit;
}
inline void FlipVar(uint64_t* m, int v) { m[v >> 6] ^= uint64_t{1} << (v & 63); }

// Local repair of a model toward a literal (see the header comment).
class Repairer {
 public:
  explicit Repairer(const Cnf* cnf) : cnf_(cnf), stamp_(cnf->num_vars + 1, 0) {}

  // `m` satisfies every clause; on success it still does and has `lit` true
  // (and every variable unit propagation of the picks assigned at its
  // value, once the model agrees with all the picks); on failure it is
  // unchanged.
  bool Repair(uint64_t* m, int lit, const Bcp& bcp) {
    if (LitTrue(m, lit)) return true;
    if (++epoch_ == 0) {
      std::fill(stamp_.begin(), stamp_.end(), 0);
      epoch_ = 1;
    }
    flipped_.clear();
    queue_.clear();
    int64_t work = 0;
    Flip(m, std::abs(lit));
    while (!queue_.empty()) {
      const uint32_t c = queue_.back();
      queue_.pop_back();
      const int* l = &cnf_->lits[cnf_->start[c]];
      const int size = static_cast<int>(cnf_->start[c + 1] - cnf_->start[c]);
      work += size;
      bool sat = false;
      for (int k = 0; k < size && !sat; ++k) sat = LitTrue(m, l[k]);
      if (sat) continue;
      // Broken: make one of its literals true, the one whose flip breaks
      // the fewest other clauses.
      int best = 0;
      int64_t best_breaks = INT64_MAX;
      for (int k = 0; k < size && best_breaks > 0; ++k) {
        const int v = std::abs(l[k]);
        if (Locked(m, v, bcp)) continue;
        const int64_t breaks = Breaks(m, l[k], best_breaks, &work);
        if (breaks < best_breaks) {
          best_breaks = breaks;
          best = l[k];
        }
      }
      if (!best || static_cast<int>(flipped_.size()) >= kMaxFlips || work > kMaxWork) {
        for (int v : flipped_) FlipVar(m, v);
        return false;
      }
      Flip(m, std::abs(best));
    }
    return true;
  }

 private:
  // A repair that needs more is left to the solver: successful repairs of
  // the benchmark feature models flip 2 variables at the median and 40 at
  // the 99th percentile, and failed ones (mostly values that propagation
  // refutes) would otherwise cost more than all the successes.
  static constexpr int kMaxFlips = 64;
  static constexpr int64_t kMaxWork = 6'000;

  // Picks and their consequences stay as they are, once the model has them;
  // a variable flips at most once per repair.
  bool Locked(const uint64_t* m, int v, const Bcp& bcp) const {
    if (stamp_[v] == epoch_) return true;
    const int8_t b = bcp.VarValue(v);
    return b != 0 && LitTrue(m, b > 0 ? v : -v);
  }
  // Clauses that only `-lit` satisfies (flipping lit's variable breaks them).
  int64_t Breaks(const uint64_t* m, int lit, int64_t cap, int64_t* work) const {
    int64_t n = 0;
    for (uint32_t c : cnf_->occ[Code(-lit)]) {
      const int* l = &cnf_->lits[cnf_->start[c]];
      const int size = static_cast<int>(cnf_->start[c + 1] - cnf_->start[c]);
      *work += size;
      bool other = false;
      for (int k = 0; k < size && !other; ++k) other = l[k] != -lit && LitTrue(m, l[k]);
      if (!other && ++n >= cap) return n;
    }
    return n;
  }
  void Flip(uint64_t* m, int v) {
    FlipVar(m, v);
    stamp_[v] = epoch_;
    flipped_.push_back(v);
    const int now_false = LitTrue(m, v) ? -v : v;
    for (uint32_t c : cnf_->occ[Code(now_false)]) queue_.push_back(c);
  }

  const Cnf* cnf_;
  std::vector<uint32_t> stamp_;
  uint32_t epoch_ = 0;
  std::vector<int> flipped_;
  std::vector<uint32_t> queue_;
};

// A computed state: the exact valid domains of `picks` (flat, by value
// index) and the witness models found, which the states of more picks
// repair and reuse.
struct DomainEntry {
  Assignment picks;
  bool feasible = false;
  std::vector<char> supported;
  int num_models = 0;
  std::vector<uint64_t> models;  // num_models x words
};

// Valid domains only shrink when picks are added, so a cached state of a
// subset of the picks (the shopper's previous request) bounds the new one.
// States are cached by a Zobrist hash of the picks, within a memory budget.
class DomainCache {
 public:
  DomainCache(const std::vector<int>& domain, size_t bytes_per_entry)
      : capacity_(std::clamp<size_t>(kBudgetBytes / std::max<size_t>(1, bytes_per_entry), 16, 4096)) {
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

  // Least recently used first out: the state without picks, where every
  // session starts, stays.
  std::shared_ptr<const DomainEntry> Find(uint64_t h) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = map_.find(h);
    if (it == map_.end()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second.second);
    return it->second.first;
  }
  void Put(uint64_t h, std::shared_ptr<const DomainEntry> e) {
    std::lock_guard<std::mutex> lock(mu_);
    if (map_.count(h)) return;
    if (map_.size() >= capacity_) {
      map_.erase(lru_.back());
      lru_.pop_back();
    }
    lru_.push_front(h);
    map_.emplace(h, std::make_pair(std::move(e), lru_.begin()));
  }

 private:
  static constexpr size_t kBudgetBytes = 64 << 20;  // cached states per model

  size_t capacity_;
  std::vector<std::vector<uint64_t>> zobrist_;
  mutable std::mutex mu_;
  mutable std::list<uint64_t> lru_;  // guarded by mu_; most recent first
  std::unordered_map<uint64_t, std::pair<std::shared_ptr<const DomainEntry>, std::list<uint64_t>::iterator>>
      map_;  // guarded by mu_
};

struct Instance {
  CaDiCaL::Solver solver;
  Encoder encoder{&solver};
  std::unique_ptr<Bcp> bcp;
  std::unique_ptr<Repairer> repairer;
  // The picks on the propagation trail, in push order, with the trail mark
  // before each; var_level[var] = index into levels, or -1.
  struct Level {
    int var;
    int value;
    size_t mark;
  };
  std::vector<Level> levels;
  std::vector<int> var_level;
  // The state this instance computed or used last (a likely ancestor of its
  // next request).
  std::shared_ptr<const DomainEntry> last;
  // Scratch of one step.
  std::vector<uint64_t> pool;  // models, words each
  std::vector<uint64_t> any_true, all_true;
  std::vector<int> uncovered, added, steered;
  std::vector<char> supported;
  int num_models = 0;  // models in `pool`
};

// Builds a solver instance; the first build also records the clauses into
// `*cnf` (later builds produce the same clauses, so they share it).
std::unique_ptr<Instance> Build(const Problem& p, std::shared_ptr<const Cnf>* cnf) {
  auto inst = std::make_unique<Instance>();
  inst->solver.set("quiet", 1);
  inst->solver.connect_terminator(&work_meter);
  inst->solver.connect_learner(&work_meter);
  std::vector<std::vector<int>> clauses;
  if (!*cnf) inst->encoder.Record(&clauses);
  inst->encoder.EncodeVars(p.domain);
  for (const Rule& r : p.constraints) inst->encoder.AddRule(r, 0);
  inst->encoder.Record(nullptr);
  if (!*cnf) *cnf = std::make_shared<const Cnf>(clauses, inst->encoder.NumVars());
  inst->bcp = std::make_unique<Bcp>(cnf->get());
  inst->repairer = std::make_unique<Repairer>(cnf->get());
  inst->var_level.assign(p.domain.size(), -1);
  return inst;
}

class SatEngine final : public Engine {
 public:
  SatEngine(const Problem& p, const SatOptions& options)
      : p_(p),
        options_(options),
        elimination_on_(options.elimination_min_uncovered > 0 &&
                        (options.elimination_any_problem || MostlyTables(p))) {
    const int n = static_cast<int>(p_.domain.size());
    vbase_.resize(n + 1, 0);
    for (int var = 0; var < n; ++var) vbase_[var + 1] = vbase_[var] + p_.domain[var];
    var_of_.resize(vbase_[n]);
    for (int var = 0; var < n; ++var) std::fill(var_of_.begin() + vbase_[var], var_of_.begin() + vbase_[var + 1], var);
    // Builds the first instance now: the value literals and the clauses.
    Lease lease(this);
    vlit_.resize(vbase_[n]);
    for (int var = 0; var < n; ++var) {
      for (int v = 0; v < p_.domain[var]; ++v) vlit_[vbase_[var] + v] = lease.inst->encoder.Lit(var, v);
    }
    words_ = static_cast<size_t>(cnf_->num_vars) / 64 + 1;
    cache_ =
        std::make_unique<DomainCache>(p_.domain, vbase_[n] + kModelsPerEntry * words_ * 8 + n * sizeof(int));
  }
  const char* Name() const override { return "sat"; }

  bool Supported(const Assignment& fixed, std::vector<std::vector<char>>* supported) const override {
    const uint64_t h = cache_->Hash(fixed);
    if (auto hit = cache_->Find(h); hit && hit->picks == fixed) return Emit(*hit, supported);
    Lease lease(this);
    Instance& in = *lease.inst;
    std::shared_ptr<const DomainEntry> parent = Ancestor(in, fixed, h);
    auto entry = std::make_shared<DomainEntry>();
    entry->picks = fixed;
    if (parent && !parent->feasible) {  // a subset of the picks has no completion
      cache_->Put(h, entry);
      return Emit(*entry, supported);
    }
    bool exhausted = false;
    entry->feasible = Compute(in, fixed, parent.get(), &exhausted);
    if (exhausted) {
      // Not a real answer: keep it out of the cache. The caller discards it.
      Emit(in.supported, entry->feasible, supported);
      return entry->feasible;
    }
    if (entry->feasible) {
      entry->supported = in.supported;
      SelectModels(in, entry.get());
    }
    in.last = entry;
    cache_->Put(h, entry);
    return Emit(*entry, supported);
  }

  bool Feasible(const Assignment& fixed) const override {
    if (auto hit = cache_->Find(cache_->Hash(fixed)); hit && hit->picks == fixed) return hit->feasible;
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
    const int res = Solve(in, fixed, 0);
    for (size_t var = 0; var < p_.domain.size(); ++var) {
      for (int lit : in.encoder.lits()[var]) in.solver.unphase(lit);
    }
    if (res != 10) return std::nullopt;
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
  static constexpr int kModelsPerEntry = 16;
  // A sweep stops repairing after this many failures in a row (the rest is
  // left to the solver, whose steered model reaches many values at once).
  static constexpr int kSweepGiveUp = 16;

  // Borrows a solver from the pool (building one when all are busy).
  struct Lease {
    explicit Lease(const SatEngine* e) : engine(e) {
      std::lock_guard<std::mutex> lock(e->mu_);
      if (!e->pool_.empty()) {
        inst = std::move(e->pool_.back());
        e->pool_.pop_back();
      }
      if (!inst) inst = Build(e->p_, &e->cnf_);
    }
    ~Lease() {
      std::lock_guard<std::mutex> lock(engine->mu_);
      engine->pool_.push_back(std::move(inst));
    }
    const SatEngine* engine;
    std::unique_ptr<Instance> inst;
  };

  bool Emit(const DomainEntry& e, std::vector<std::vector<char>>* out) const {
    return Emit(e.supported, e.feasible, out);
  }
  bool Emit(const std::vector<char>& flat, bool feasible, std::vector<std::vector<char>>* out) const {
    const size_t n = p_.domain.size();
    out->resize(n);
    for (size_t var = 0; var < n; ++var) {
      auto& o = (*out)[var];
      if (feasible && !flat.empty()) {
        o.assign(flat.begin() + vbase_[var], flat.begin() + vbase_[var + 1]);
      } else {
        o.assign(p_.domain[var], 0);
      }
    }
    return feasible;
  }

  static bool Subset(const Assignment& sub, const Assignment& of) {
    for (size_t v = 0; v < sub.size(); ++v) {
      if (sub[v] >= 0 && sub[v] != of[v]) return false;
    }
    return true;
  }

  // The closest computed state of a subset of the picks: this instance's
  // last state when it lacks just one pick, else a cached state of the picks
  // minus one, else the last state when it is a subset at all.
  std::shared_ptr<const DomainEntry> Ancestor(Instance& in, const Assignment& fixed, uint64_t h) const {
    int picks = 0;
    for (int v : fixed) picks += v >= 0 ? 1 : 0;
    std::shared_ptr<const DomainEntry> last = in.last;
    if (last && !Subset(last->picks, fixed)) last = nullptr;
    if (last) {
      int lp = 0;
      for (int v : last->picks) lp += v >= 0 ? 1 : 0;
      if (lp == picks - 1 || lp == picks) return last;
    }
    for (size_t var = 0; var < fixed.size(); ++var) {
      if (fixed[var] < 0) continue;
      auto e = cache_->Find(cache_->Without(h, static_cast<int>(var), fixed[var]));
      if (e && Subset(e->picks, fixed)) return e;
    }
    return last;
  }

  // Puts exactly the picks of `fixed` on the propagation trail (keeping the
  // longest prefix of levels that agrees). False when propagation refutes
  // them (the trail then holds a consistent prefix).
  bool SyncPicks(Instance& in, const Assignment& fixed) const {
    size_t keep = 0;
    while (keep < in.levels.size() && fixed[in.levels[keep].var] == in.levels[keep].value) ++keep;
    if (keep < in.levels.size()) {
      in.bcp->Undo(in.levels[keep].mark);
      for (size_t i = keep; i < in.levels.size(); ++i) in.var_level[in.levels[i].var] = -1;
      in.levels.resize(keep);
    }
    for (size_t var = 0; var < fixed.size(); ++var) {
      if (fixed[var] < 0 || in.var_level[var] >= 0) continue;
      const size_t mark = in.bcp->Mark();
      if (!in.bcp->Push(vlit_[vbase_[var] + fixed[var]])) return false;
      in.var_level[var] = static_cast<int>(in.levels.size());
      in.levels.push_back({static_cast<int>(var), fixed[var], mark});
    }
    return true;
  }

  uint64_t* Model(Instance& in, int k) const { return in.pool.data() + static_cast<size_t>(k) * words_; }
  // A free slot for one more model (pool[k] for k = count).
  uint64_t* Slot(Instance& in, int count) const {
    const size_t need = static_cast<size_t>(count + 1) * words_;
    if (in.pool.size() < need) in.pool.resize(need);
    return Model(in, count);
  }

  // Fills in.supported with the valid domains of `fixed`; false when it has
  // no completion. *exhausted: the work budget ran out (the answer is not
  // exact).
  bool Compute(Instance& in, const Assignment& fixed, const DomainEntry* parent, bool* exhausted) const {
    const int n = static_cast<int>(p_.domain.size());
    in.supported.assign(vlit_.size(), 0);
    if (in.bcp->root_conflict() || !SyncPicks(in, fixed)) return false;
    const Bcp& bcp = *in.bcp;
    int& models = in.num_models;
    models = 0;

    // 1. The ancestor's witnesses, repaired to agree with the new picks.
    if (parent) {
      in.added.clear();
      for (int var = 0; var < n; ++var) {
        if (fixed[var] >= 0 && parent->picks[var] < 0) in.added.push_back(vlit_[vbase_[var] + fixed[var]]);
      }
      for (int k = 0; k < parent->num_models; ++k) {
        uint64_t* m = Slot(in, models);
        std::copy_n(parent->models.data() + static_cast<size_t>(k) * words_, words_, m);
        bool ok = true;
        for (size_t i = 0; i < in.added.size() && ok; ++i) ok = in.repairer->Repair(m, in.added[i], bcp);
        if (ok) ++models;
      }
    }

    // 2. Candidates: values that neither propagation, the solver's own units
    // nor the ancestor exclude. A value some witness has is supported (one
    // pass over the union and intersection of the witnesses); the others
    // are `uncovered`.
    in.any_true.assign(words_, 0);
    in.all_true.assign(words_, ~uint64_t{0});
    for (int k = 0; k < models; ++k) {
      const uint64_t* m = Model(in, k);
      for (size_t w = 0; w < words_; ++w) {
        in.any_true[w] |= m[w];
        in.all_true[w] &= m[w];
      }
    }
    auto covered = [&](int lit) {
      if (models == 0) return false;
      const int v = std::abs(lit);
      const bool any = (in.any_true[v >> 6] >> (v & 63)) & 1u;
      const bool all = (in.all_true[v >> 6] >> (v & 63)) & 1u;
      return lit > 0 ? any : !all;
    };
    in.uncovered.clear();
    for (int var = 0; var < n; ++var) {
      const int base = vbase_[var];
      if (fixed[var] >= 0) {
        in.supported[base + fixed[var]] = 1;
        continue;
      }
      for (int v = 0; v < p_.domain[var]; ++v) {
        if (parent && !parent->supported[base + v]) continue;
        const int lit = vlit_[base + v];
        if (bcp.Value(lit) < 0) continue;
        if (covered(lit)) {
          in.supported[base + v] = 1;
        } else if (in.solver.fixed(lit) >= 0) {
          in.uncovered.push_back(base + v);
        }
      }
    }
    auto drop_supported = [&] {
      size_t j = 0;
      for (int idx : in.uncovered) {
        if (!in.supported[idx]) in.uncovered[j++] = idx;
      }
      in.uncovered.resize(j);
    };

    // 3. Repair a copy of witness `from` toward each uncovered value in turn
    // (a model after every success, so each value reached is supported);
    // after kSweepGiveUp failures in a row the rest is left to the solver.
    auto sweep = [&](int from) {
      uint64_t* m = Slot(in, models);  // may move the pool: index, not pointer
      std::copy_n(Model(in, from), words_, m);
      bool changed = false;
      int failures = 0;
      for (int idx : in.uncovered) {
        if (LitTrue(m, vlit_[idx])) {
          in.supported[idx] = 1;
        } else if (failures < kSweepGiveUp && in.repairer->Repair(m, vlit_[idx], bcp)) {
          in.supported[idx] = 1;
          changed = true;
          failures = 0;
        } else {
          ++failures;
        }
      }
      drop_supported();
      if (changed) ++models;
    };

    // 4. CaDiCaL, phases steered toward every value still uncovered.
    auto steer = [&] {
      for (int idx : in.uncovered) {
        in.solver.phase(vlit_[idx]);
        in.steered.push_back(vlit_[idx]);
      }
    };
    auto read_model = [&] {
      uint64_t* m = Slot(in, models);
      std::fill_n(m, words_, 0);
      for (int v = 1; v <= cnf_->num_vars; ++v) {
        if (in.solver.val(v) > 0) m[v >> 6] |= uint64_t{1} << (v & 63);
      }
      for (int idx : in.uncovered) {
        if (LitTrue(m, vlit_[idx])) in.supported[idx] = 1;
      }
      drop_supported();
      return models++;
    };
    struct UnsteerAtExit {
      const SatEngine* e;
      Instance& in;
      ~UnsteerAtExit() { e->Unsteer(in); }
    } unsteer{this, in};

    if (models > 0) {
      if (!in.uncovered.empty()) sweep(0);
    } else {
      // No witness yet: one model of the picks (none: no completion).
      steer();
      const int res = Solve(in, fixed, 0);
      if (res != 10) {
        if (res != 20) *exhausted = true;
        return false;
      }
      const int k = read_model();
      if (!in.uncovered.empty()) sweep(k);
    }
    // Many values left (a table-heavy model): variable elimination decides
    // them all at once (before probing each: on the table encoding one
    // probe propagates much of the model).
    if (static_cast<int>(in.uncovered.size()) >= options_.elimination_min_uncovered && elimination_on_.load()) {
      ByElimination(in, fixed);
    }
    // What neither a witness nor a repair reached: drop the failed literals,
    // then ask CaDiCaL for a model with at least one of the rest (a clause
    // for this call only). Unsatisfiable: none of them has a completion.
    {
      size_t j = 0;
      for (int idx : in.uncovered) {
        if (Probe(in, vlit_[idx])) in.uncovered[j++] = idx;
      }
      in.uncovered.resize(j);
    }
    while (!in.uncovered.empty()) {
      if (WorkScope::Exhausted()) {
        *exhausted = true;
        break;
      }
      steer();
      const int res = Solve(in, fixed, 0, &in.uncovered);
      if (res == 20) break;
      if (res != 10) {
        *exhausted = true;
        break;
      }
      const int k = read_model();
      // The new model may repair toward what it missed.
      if (!in.uncovered.empty()) sweep(k);
    }
    return true;
  }

  // Decides in.uncovered by EliminationCounter::ValidDomains (the picks have
  // a completion: a witness was found). Leaves it as it was when the
  // elimination runs out of budget, and then stops using elimination.
  void ByElimination(Instance& in, const Assignment& fixed) const {
    std::call_once(elimination_once_, [this] {
      eliminator_ = std::make_unique<EliminationCounter>(p_);
      if (!eliminator_->usable()) elimination_on_ = false;
    });
    if (!elimination_on_.load()) return;
    CountBudget budget;
    budget.max_seconds = options_.elimination_seconds;
    std::vector<std::vector<char>> valid;
    const std::optional<bool> feasible = eliminator_->ValidDomains(fixed, budget, &valid);
    if (!feasible || !*feasible) {
      // Out of budget (or, impossibly, no completion where a model was
      // found): the solver decides.
      elimination_on_ = false;
      return;
    }
    for (int idx : in.uncovered) in.supported[idx] = valid[var_of_[idx]][idx - vbase_[var_of_[idx]]];
    in.uncovered.clear();
  }

  // False when propagating `lit` under the picks conflicts (a failed
  // literal: no completion has it).
  bool Probe(Instance& in, int lit) const {
    const size_t mark = in.bcp->Mark();
    const bool ok = in.bcp->Push(lit);
    in.bcp->Undo(mark);
    return ok;
  }

  void Unsteer(Instance& in) const {
    for (int lit : in.steered) in.solver.unphase(lit);
    in.steered.clear();
  }

  // Keeps the witnesses that cover the most values no other one covers.
  void SelectModels(Instance& in, DomainEntry* e) const {
    const int count = in.num_models;
    std::vector<int> keep(count);
    for (int k = 0; k < count; ++k) keep[k] = k;
    if (count > kModelsPerEntry) {
      // Unique coverage of each model (over all encoded variables), with
      // prefix and suffix unions and intersections.
      std::vector<int64_t> unique(count, 0);
      std::vector<uint64_t> suf_any((count + 1) * words_, 0), suf_all((count + 1) * words_, ~uint64_t{0});
      for (int k = count - 1; k >= 0; --k) {
        const uint64_t* m = Model(in, k);
        for (size_t w = 0; w < words_; ++w) {
          suf_any[k * words_ + w] = suf_any[(k + 1) * words_ + w] | m[w];
          suf_all[k * words_ + w] = suf_all[(k + 1) * words_ + w] & m[w];
        }
      }
      std::vector<uint64_t> pre_any(words_, 0), pre_all(words_, ~uint64_t{0});
      for (int k = 0; k < count; ++k) {
        const uint64_t* m = Model(in, k);
        for (size_t w = 0; w < words_; ++w) {
          const uint64_t others_any = pre_any[w] | suf_any[(k + 1) * words_ + w];
          const uint64_t others_all = pre_all[w] & suf_all[(k + 1) * words_ + w];
          unique[k] += __builtin_popcountll(m[w] & ~others_any) + __builtin_popcountll(~m[w] & others_all);
          pre_any[w] |= m[w];
          pre_all[w] &= m[w];
        }
      }
      std::stable_sort(keep.begin(), keep.end(), [&](int a, int b) { return unique[a] > unique[b]; });
      keep.resize(kModelsPerEntry);
      std::sort(keep.begin(), keep.end());
    }
    e->num_models = static_cast<int>(keep.size());
    e->models.resize(keep.size() * words_);
    for (size_t i = 0; i < keep.size(); ++i) {
      std::copy_n(Model(in, keep[i]), words_, e->models.data() + i * words_);
    }
  }

  // Solves under the picks plus `extra` (0: none) and, when given, the
  // clause "one of these values" for this call only. An interrupted solve
  // (work budget) leaves its assumptions and constraint in CaDiCaL, so every
  // call starts by dropping them.
  int Solve(Instance& in, const Assignment& fixed, int extra,
            const std::vector<int>* one_of = nullptr) const {
    in.solver.reset_assumptions();
    in.solver.reset_constraint();
    for (size_t var = 0; var < fixed.size(); ++var) {
      if (fixed[var] >= 0) in.solver.assume(in.encoder.Lit(static_cast<int>(var), fixed[var]));
    }
    if (extra) in.solver.assume(extra);
    if (one_of) {
      for (int idx : *one_of) in.solver.constrain(vlit_[idx]);
      in.solver.constrain(0);
    }
    return in.solver.solve();
  }

  Problem p_;
  SatOptions options_;
  mutable std::atomic<bool> elimination_on_;
  mutable std::once_flag elimination_once_;
  mutable std::unique_ptr<EliminationCounter> eliminator_;  // built once under elimination_once_
  std::vector<int> var_of_;  // the variable of each value index
  std::vector<int> vbase_;  // value index of (var, 0)
  std::vector<int> vlit_;   // encoded literal of each value
  size_t words_ = 1;
  std::unique_ptr<DomainCache> cache_;
  mutable std::shared_ptr<const Cnf> cnf_;  // guarded by mu_ until built
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

std::unique_ptr<Engine> MakeSatEngine(const Problem& problem, const SatOptions& options) {
  return std::make_unique<SatEngine>(problem, options);
}

bool MostlyTables(const Problem& problem) {
  size_t tables = 0;
  for (const Rule& r : problem.constraints) tables += r.kind == Rule::Kind::kConstraint ? 0 : 1;
  return tables * 2 > problem.constraints.size();
}

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
    s.reset_assumptions();  // an interrupted solve leaves its own
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
