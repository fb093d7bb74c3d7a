#include "internal/counter.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <set>
#include <utility>

namespace atelier::config::internal {

namespace {

using U128 = unsigned __int128;
using Clock = std::chrono::steady_clock;
using Relation = EliminationCounter::Relation;

// Every tuple of the product of `domains`, in lexicographic order, through
// `visit(tuple)`; stops early when visit returns false.
template <class Visit>
void ForEachTuple(const std::vector<int>& domains, Visit visit) {
  std::vector<int> t(domains.size(), 0);
  for (int d : domains) {
    if (d == 0) return;
  }
  while (true) {
    if (!visit(t)) return;
    size_t i = t.size();
    while (i > 0) {
      --i;
      if (++t[i] < domains[i]) break;
      t[i] = 0;
      if (i == 0) return;
    }
    if (t.empty()) return;
  }
}

// The full tuples over `scope` (ascending variables) matched by one table
// row; a variable named by two columns must agree. Appends to `out`.
bool ExpandRow(const Rule& r, const std::vector<int>& row, const std::vector<int>& scope, const std::vector<int>& domain,
               int64_t limit, std::vector<std::vector<int>>* out) {
  std::vector<int> fixed(scope.size(), kAnyValue);
  for (size_t c = 0; c < row.size(); ++c) {
    if (row[c] == kAnyValue) continue;
    size_t i = std::lower_bound(scope.begin(), scope.end(), r.table_options[c]) - scope.begin();
    if (row[c] < 0 || row[c] >= domain[scope[i]]) return true;  // matches nothing
    if (fixed[i] != kAnyValue && fixed[i] != row[c]) return true;
    fixed[i] = row[c];
  }
  std::vector<int> free_domains;
  int64_t n = 1;
  for (size_t i = 0; i < scope.size(); ++i) {
    if (fixed[i] != kAnyValue) continue;
    free_domains.push_back(domain[scope[i]]);
    n *= domain[scope[i]];
    if (n > limit) return false;
  }
  ForEachTuple(free_domains, [&](const std::vector<int>& t) {
    std::vector<int> full = fixed;
    size_t k = 0;
    for (int& v : full) {
      if (v == kAnyValue) v = t[k++];
    }
    out->push_back(std::move(full));
    return true;
  });
  return static_cast<int64_t>(out->size()) <= limit;
}

// Tabulates one constraint as its allowed tuples; nullopt when its scope has
// more than `limit` tuples to enumerate.
std::optional<Relation> Tabulate(const Rule& r, const std::vector<int>& domain, int64_t limit) {
  Relation rel;
  rel.scope = ScopeOf(r);
  std::vector<int> scope_domains;
  int64_t product = 1;
  for (int v : rel.scope) {
    scope_domains.push_back(domain[v]);
    product = std::min<int64_t>(product * domain[v], limit + 1);
  }
  std::vector<std::vector<int>> tuples;
  if (r.kind == Rule::Kind::kAllowedTable) {
    for (const auto& row : r.rows) {
      if (!ExpandRow(r, row, rel.scope, domain, limit, &tuples)) return std::nullopt;
    }
    std::sort(tuples.begin(), tuples.end());
    tuples.erase(std::unique(tuples.begin(), tuples.end()), tuples.end());
  } else {
    if (product > limit) return std::nullopt;
    std::vector<std::vector<int>> forbidden;
    if (r.kind == Rule::Kind::kForbiddenTable) {
      for (const auto& row : r.rows) {
        if (!ExpandRow(r, row, rel.scope, domain, limit, &forbidden)) return std::nullopt;
      }
      std::sort(forbidden.begin(), forbidden.end());
    }
    std::vector<int> assignment(domain.size(), 0);
    ForEachTuple(scope_domains, [&](const std::vector<int>& t) {
      bool ok;
      if (r.kind == Rule::Kind::kForbiddenTable) {
        ok = !std::binary_search(forbidden.begin(), forbidden.end(), t);
      } else {
        for (size_t i = 0; i < t.size(); ++i) assignment[rel.scope[i]] = t[i];
        ok = Evaluate(r.expr, assignment);
      }
      if (ok) tuples.push_back(t);
      return true;
    });
  }
  for (const auto& t : tuples) {
    for (int v : t) rel.cells.push_back(static_cast<uint16_t>(v));
  }
  rel.rows = static_cast<int64_t>(tuples.size());
  return rel;
}

// Open-addressing map from packed keys to dense ids 0, 1, 2, ...
class KeyIndex {
 public:
  explicit KeyIndex(size_t expected) {
    size_t cap = 16;
    while (cap < expected * 2) cap <<= 1;
    keys_.resize(cap);
    ids_.assign(cap, -1);
    mask_ = cap - 1;
  }
  // The id of `key`, or -1.
  int32_t Find(U128 key) const {
    for (size_t i = Hash(key) & mask_;; i = (i + 1) & mask_) {
      if (ids_[i] < 0) return -1;
      if (keys_[i] == key) return ids_[i];
    }
  }
  // The id of `key`, assigning the next one when new (*inserted = true).
  int32_t Insert(U128 key, bool* inserted) {
    if ((size_ + 1) * 2 > ids_.size()) Grow();
    for (size_t i = Hash(key) & mask_;; i = (i + 1) & mask_) {
      if (ids_[i] < 0) {
        keys_[i] = key;
        ids_[i] = static_cast<int32_t>(size_++);
        *inserted = true;
        return ids_[i];
      }
      if (keys_[i] == key) {
        *inserted = false;
        return ids_[i];
      }
    }
  }
  size_t size() const { return size_; }

 private:
  static size_t Hash(U128 key) {
    uint64_t x = static_cast<uint64_t>(key) ^ (static_cast<uint64_t>(key >> 64) * 0x9E3779B97F4A7C15ull);
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 29;
    return static_cast<size_t>(x);
  }
  void Grow() {
    std::vector<U128> keys = std::move(keys_);
    std::vector<int32_t> ids = std::move(ids_);
    keys_.assign(keys.size() * 2, 0);
    ids_.assign(ids.size() * 2, -1);
    mask_ = ids_.size() - 1;
    for (size_t j = 0; j < ids.size(); ++j) {
      if (ids[j] < 0) continue;
      size_t i = Hash(keys[j]) & mask_;
      while (ids_[i] >= 0) i = (i + 1) & mask_;
      keys_[i] = keys[j];
      ids_[i] = ids[j];
    }
  }
  std::vector<U128> keys_;
  std::vector<int32_t> ids_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

// Counts in 128 bits, flagging overflow (then the count is redone with GMP).
struct WideArith {
  using Num = U128;
  static Num One() { return 1; }
  static void AddTo(Num& a, const Num& b, bool* overflow) {
    if (__builtin_add_overflow(a, b, &a)) *overflow = true;
  }
  static Num Mul(const Num& a, const Num& b, bool* overflow) {
    Num r;
    if (__builtin_mul_overflow(a, b, &r)) *overflow = true;
    return r;
  }
  static mpz_class ToMpz(const Num& n) {
    mpz_class hi = static_cast<unsigned long>(static_cast<uint64_t>(n >> 64));
    mpz_class lo = static_cast<unsigned long>(static_cast<uint64_t>(n));
    return (hi << 64) + lo;
  }
};

struct BigArith {
  using Num = mpz_class;
  static Num One() { return 1; }
  static void AddTo(Num& a, const Num& b, bool*) { a += b; }
  static Num Mul(const Num& a, const Num& b, bool*) { return a * b; }
  static mpz_class ToMpz(const Num& n) { return n; }
};

// kTooLarge: a table outgrew the run's cap (the caller may split the problem
// on a variable's values instead); kGaveUp: the budget ran out.
enum class Outcome { kDone, kGaveUp, kOverflow, kTooLarge };

// Bucket elimination over weighted sparse tables.
template <class Arith>
class Eliminator {
 public:
  using Num = typename Arith::Num;

  struct Factor {
    std::vector<int> scope;  // ascending
    std::vector<uint16_t> cells;
    std::vector<Num> weight;
    size_t rows() const { return weight.size(); }
  };

  Eliminator(const std::vector<int>& bits, const std::vector<double>& domain_log, const CountBudget& budget,
             int64_t max_table_rows, Clock::time_point start)
      : bits_(bits), domain_log_(domain_log), budget_(budget), max_table_rows_(max_table_rows), deadline_(start + std::chrono::duration_cast<Clock::duration>(
                                                            std::chrono::duration<double>(budget.max_seconds))) {}

  Outcome Run(const std::vector<Relation>& relations, Num* result, CountStats* stats) {
    std::vector<Factor> factors;
    for (const Relation& r : relations) {
      Factor f;
      f.scope = r.scope;
      f.cells = r.cells;
      f.weight.assign(r.rows, Arith::One());
      held_ += static_cast<int64_t>(f.rows());
      factors.push_back(std::move(f));
    }
    stats_ = stats;
    while (true) {
      const int x = NextVariable(factors);
      if (x < 0) break;
      std::vector<Factor> bucket;
      for (size_t i = 0; i < factors.size();) {
        if (std::binary_search(factors[i].scope.begin(), factors[i].scope.end(), x)) {
          bucket.push_back(std::move(factors[i]));
          factors[i] = std::move(factors.back());
          factors.pop_back();
        } else {
          ++i;
        }
      }
      if (bucket.empty()) continue;
      Factor out;
      Outcome o = Eliminate(x, &bucket, &out);
      if (o != Outcome::kDone) return o;
      if (stats_) ++stats_->eliminated;
      if (out.rows() == 0) {
        *result = Num(0);
        return Outcome::kDone;
      }
      factors.push_back(std::move(out));
    }
    Num total = Arith::One();
    for (const Factor& f : factors) {
      // Only empty scopes are left: one row each.
      Num sum(0);
      for (const Num& w : f.weight) Arith::AddTo(sum, w, &overflow_);
      total = Arith::Mul(total, sum, &overflow_);
    }
    if (overflow_) return Outcome::kOverflow;
    *result = total;
    return Outcome::kDone;
  }

 private:
  // The variable whose elimination promises the smallest table: the least of
  // two bounds on the rows of the result, the product of the neighbours'
  // domains and the product of the rows of the tables joined.
  int NextVariable(const std::vector<Factor>& factors) {
    std::vector<std::vector<int>> incident(domain_log_.size());
    for (size_t f = 0; f < factors.size(); ++f) {
      for (int v : factors[f].scope) incident[v].push_back(static_cast<int>(f));
    }
    int best = -1;
    double best_cost = 0;
    size_t best_scope = 0;
    std::vector<int> mark(domain_log_.size(), -1);
    for (int x = 0; x < static_cast<int>(incident.size()); ++x) {
      if (incident[x].empty()) continue;
      double by_rows = 0, by_domains = 0;
      size_t scope = 0;
      for (int f : incident[x]) {
        by_rows += std::log2(static_cast<double>(std::max<size_t>(factors[f].rows(), 1)));
        for (int v : factors[f].scope) {
          if (v == x || mark[v] == x) continue;
          mark[v] = x;
          by_domains += domain_log_[v];
          ++scope;
        }
      }
      const double cost = std::min(by_rows, by_domains);
      if (best < 0 || cost < best_cost - 1e-9 || (cost < best_cost + 1e-9 && scope < best_scope)) {
        best = x;
        best_cost = cost;
        best_scope = scope;
      }
    }
    return best;
  }

  // Packs the values of `cols` of `tuple` into one key; false when wider than 128 bits.
  bool KeyBits(const std::vector<int>& vars) const {
    int total = 0;
    for (int v : vars) total += bits_[v];
    return total <= 128;
  }

  bool OutOfBudget() {
    if (++ticks_ % 4096 != 0) return false;
    if (budget_.cancel && budget_.cancel->load(std::memory_order_relaxed)) return true;
    return Clock::now() > deadline_ || overflow_;
  }

  // Joins the bucket of `x` and sums `x` out into *out.
  Outcome Eliminate(int x, std::vector<Factor>* bucket, Factor* out) {
    std::sort(bucket->begin(), bucket->end(), [](const Factor& a, const Factor& b) { return a.rows() < b.rows(); });
    int64_t freed = 0;
    for (const Factor& f : *bucket) freed += static_cast<int64_t>(f.rows());
    if (bucket->size() == 1) {
      Outcome o = SumOut((*bucket)[0], x, out);
      if (o != Outcome::kDone) return o;
    } else {
      Factor cur = std::move((*bucket)[0]);
      for (size_t i = 1; i < bucket->size(); ++i) {
        const bool last = i + 1 == bucket->size();
        Factor next;
        Outcome o = Join(cur, (*bucket)[i], last ? x : -1, &next);
        if (o != Outcome::kDone) return o;
        if (i > 1) freed += static_cast<int64_t>(cur.rows());
        cur = std::move(next);
      }
      *out = std::move(cur);
    }
    held_ -= freed;
    if (stats_) {
      stats_->width = std::max(stats_->width, static_cast<int>(out->scope.size()) + 1);
      stats_->largest_table = std::max(stats_->largest_table, static_cast<int64_t>(out->rows()));
    }
    return Outcome::kDone;
  }

  // Projects `f` onto its scope without `x`, adding weights of rows that meet.
  Outcome SumOut(const Factor& f, int x, Factor* out) {
    std::vector<int> keep;
    for (size_t c = 0; c < f.scope.size(); ++c) {
      if (f.scope[c] != x) keep.push_back(static_cast<int>(c));
    }
    for (int c : keep) out->scope.push_back(f.scope[c]);
    if (!KeyBits(out->scope)) return Outcome::kGaveUp;
    const size_t arity = f.scope.size();
    KeyIndex index(std::min<size_t>(f.rows(), 1 << 20));
    for (size_t r = 0; r < f.rows(); ++r) {
      if (OutOfBudget()) return Outcome::kGaveUp;
      const uint16_t* row = f.cells.data() + r * arity;
      U128 key = 0;
      for (int c : keep) key = (key << bits_[f.scope[c]]) | row[c];
      bool inserted = false;
      int32_t id = index.Insert(key, &inserted);
      if (inserted) {
        for (int c : keep) out->cells.push_back(row[c]);
        out->weight.push_back(f.weight[r]);
        if (++held_ > budget_.max_rows) return Outcome::kGaveUp;
        if (static_cast<int64_t>(out->rows()) > max_table_rows_) return Outcome::kTooLarge;
      } else {
        Arith::AddTo(out->weight[id], f.weight[r], &overflow_);
      }
    }
    return overflow_ ? Outcome::kOverflow : Outcome::kDone;
  }

  // The natural join of a and b (weights multiplied); when sum_out >= 0 that
  // variable is summed out of the result on the fly.
  Outcome Join(const Factor& a, const Factor& b, int sum_out, Factor* out) {
    std::vector<int> joined;
    std::set_union(a.scope.begin(), a.scope.end(), b.scope.begin(), b.scope.end(), std::back_inserter(joined));
    // Where each column of the result comes from: (side, column).
    std::vector<std::pair<int, int>> source;
    for (int v : joined) {
      if (v == sum_out) continue;
      auto ia = std::lower_bound(a.scope.begin(), a.scope.end(), v);
      if (ia != a.scope.end() && *ia == v) {
        source.push_back({0, static_cast<int>(ia - a.scope.begin())});
      } else {
        source.push_back({1, static_cast<int>(std::lower_bound(b.scope.begin(), b.scope.end(), v) - b.scope.begin())});
      }
      out->scope.push_back(v);
    }
    std::vector<int> shared_a, shared_b;
    std::vector<int> shared_vars;
    for (size_t c = 0; c < a.scope.size(); ++c) {
      auto ib = std::lower_bound(b.scope.begin(), b.scope.end(), a.scope[c]);
      if (ib != b.scope.end() && *ib == a.scope[c]) {
        shared_a.push_back(static_cast<int>(c));
        shared_b.push_back(static_cast<int>(ib - b.scope.begin()));
        shared_vars.push_back(a.scope[c]);
      }
    }
    if (!KeyBits(shared_vars) || !KeyBits(out->scope)) return Outcome::kGaveUp;
    const size_t arity_a = a.scope.size(), arity_b = b.scope.size();
    // b's rows grouped by their values on the shared variables.
    KeyIndex groups(std::min<size_t>(b.rows(), 1 << 20));
    std::vector<int32_t> head, next(b.rows(), -1);
    for (size_t r = 0; r < b.rows(); ++r) {
      const uint16_t* row = b.cells.data() + r * arity_b;
      U128 key = 0;
      for (size_t k = 0; k < shared_b.size(); ++k) key = (key << bits_[shared_vars[k]]) | row[shared_b[k]];
      bool inserted = false;
      int32_t g = groups.Insert(key, &inserted);
      if (inserted) head.push_back(-1);
      next[r] = head[g];
      head[g] = static_cast<int32_t>(r);
    }
    const bool summing = sum_out >= 0;
    std::optional<KeyIndex> result_index;
    if (summing) result_index.emplace(std::min<size_t>(a.rows(), 1 << 20));
    std::vector<uint16_t> tuple(source.size());
    for (size_t r = 0; r < a.rows(); ++r) {
      const uint16_t* ra = a.cells.data() + r * arity_a;
      U128 key = 0;
      for (size_t k = 0; k < shared_a.size(); ++k) key = (key << bits_[shared_vars[k]]) | ra[shared_a[k]];
      int32_t g = groups.Find(key);
      if (g < 0) continue;
      for (int32_t s = head[g]; s >= 0; s = next[s]) {
        if (OutOfBudget()) return Outcome::kGaveUp;
        const uint16_t* rb = b.cells.data() + static_cast<size_t>(s) * arity_b;
        Num w = Arith::Mul(a.weight[r], b.weight[s], &overflow_);
        if (summing) {
          U128 out_key = 0;
          for (size_t c = 0; c < source.size(); ++c) {
            tuple[c] = source[c].first == 0 ? ra[source[c].second] : rb[source[c].second];
            out_key = (out_key << bits_[out->scope[c]]) | tuple[c];
          }
          bool inserted = false;
          int32_t id = result_index->Insert(out_key, &inserted);
          if (!inserted) {
            Arith::AddTo(out->weight[id], w, &overflow_);
            continue;
          }
        } else {
          for (size_t c = 0; c < source.size(); ++c) {
            tuple[c] = source[c].first == 0 ? ra[source[c].second] : rb[source[c].second];
          }
        }
        out->cells.insert(out->cells.end(), tuple.begin(), tuple.end());
        out->weight.push_back(std::move(w));
        if (++held_ > budget_.max_rows) return Outcome::kGaveUp;
        if (static_cast<int64_t>(out->rows()) > max_table_rows_) return Outcome::kTooLarge;
      }
    }
    return overflow_ ? Outcome::kOverflow : Outcome::kDone;
  }

  const std::vector<int>& bits_;
  const std::vector<double>& domain_log_;  // log2 of each variable's live values
  const CountBudget& budget_;
  const int64_t max_table_rows_;  // a larger table ends the run with kTooLarge
  Clock::time_point deadline_;
  CountStats* stats_ = nullptr;
  int64_t held_ = 0;
  uint64_t ticks_ = 0;
  bool overflow_ = false;
};

}  // namespace

EliminationCounter::EliminationCounter(const Problem& problem, int64_t max_enumerated) : domain_(problem.domain) {
  for (int d : domain_) {
    if (d > 65535) usable_ = false;
  }
  if (!usable_) return;
  for (const Rule& r : problem.constraints) {
    auto rel = Tabulate(r, domain_, max_enumerated);
    if (!rel) {
      usable_ = false;
      relations_.clear();
      return;
    }
    relations_.push_back(std::move(*rel));
  }
}

namespace {

struct Search {
  const std::vector<int>& domain;
  const std::vector<int>& bits;
  const CountBudget& budget;
  Clock::time_point start;
  CountStats* stats;

  bool OutOfTime() const {
    if (budget.cancel && budget.cancel->load(std::memory_order_relaxed)) return true;
    return Clock::now() - start > std::chrono::duration<double>(budget.max_seconds);
  }

  // Completions of `alive` (per variable, the values still possible) over
  // the tables `rels`, counting the variables with owned[v] set (the others
  // are counted by the caller); nullopt when the budget runs out.
  // `changed` marks the variables whose values were cut since `rels` were
  // last made consistent (empty: all of them).
  std::optional<mpz_class> Solve(std::vector<Relation> rels, std::vector<std::vector<char>> alive,
                                 const std::vector<char>& owned, const std::vector<char>& changed, int depth) {
    const int n = static_cast<int>(domain.size());
    // Generalized arc consistency on the tables: drop rows with a dead value,
    // then values no row supports, until nothing changes. Only tables over a
    // variable that lost values (`changed`, then the propagation's) are
    // visited again.
    std::vector<std::vector<int>> tables_with(n);
    for (size_t t = 0; t < rels.size(); ++t) {
      for (int v : rels[t].scope) tables_with[v].push_back(static_cast<int>(t));
    }
    std::vector<char> queued(rels.size(), 0);
    std::vector<int> queue;
    for (size_t t = 0; t < rels.size(); ++t) {
      bool touched = changed.empty();
      for (int v : rels[t].scope) touched = touched || changed[v];
      if (touched) {
        queued[t] = 1;
        queue.push_back(static_cast<int>(t));
      }
    }
    size_t visits = 0;
    for (size_t head = 0; head < queue.size(); ++head) {
      const int t = queue[head];
      queued[t] = 0;
      Relation& r = rels[t];
      const size_t arity = r.scope.size();
      size_t kept = 0;
      for (int64_t i = 0; i < r.rows; ++i) {
        const uint16_t* row = r.cells.data() + i * arity;
        bool ok = true;
        for (size_t c = 0; c < arity && ok; ++c) ok = alive[r.scope[c]][row[c]];
        if (!ok) continue;
        if (kept != static_cast<size_t>(i)) std::copy(row, row + arity, r.cells.data() + kept * arity);
        ++kept;
      }
      r.rows = static_cast<int64_t>(kept);
      r.cells.resize(kept * arity);
      if (r.rows == 0) return mpz_class(0);
      for (size_t c = 0; c < arity; ++c) {
        const int v = r.scope[c];
        std::vector<char> seen(domain[v], 0);
        for (int64_t i = 0; i < r.rows; ++i) seen[r.cells[i * arity + c]] = 1;
        bool lost = false;
        for (size_t val = 0; val < seen.size(); ++val) {
          if (alive[v][val] && !seen[val]) {
            alive[v][val] = 0;
            lost = true;
          }
        }
        if (!lost) continue;
        for (int u : tables_with[v]) {
          if (u != t && !queued[u]) {
            queued[u] = 1;
            queue.push_back(u);
          }
        }
      }
      if (++visits % 256 == 0 && OutOfTime()) return std::nullopt;
    }
    // Variables with one value left are dropped from the tables (their column
    // is constant); tables left without variables hold one row and go.
    std::vector<int> alive_count(n, 0);
    for (int v = 0; v < n; ++v) alive_count[v] = static_cast<int>(std::count(alive[v].begin(), alive[v].end(), 1));
    std::vector<Relation> work;
    std::vector<int> tables_of(n, 0);
    for (Relation& r : rels) {
      std::vector<int> keep;
      for (size_t c = 0; c < r.scope.size(); ++c) {
        if (alive_count[r.scope[c]] > 1) keep.push_back(static_cast<int>(c));
      }
      if (keep.empty()) continue;
      Relation w;
      for (int c : keep) {
        w.scope.push_back(r.scope[c]);
        ++tables_of[r.scope[c]];
      }
      if (keep.size() == r.scope.size()) {
        w.cells = std::move(r.cells);
        w.rows = r.rows;
      } else {
        std::vector<std::vector<uint16_t>> tuples;
        for (int64_t i = 0; i < r.rows; ++i) {
          std::vector<uint16_t> t;
          for (int c : keep) t.push_back(r.cells[i * r.scope.size() + c]);
          tuples.push_back(std::move(t));
        }
        std::sort(tuples.begin(), tuples.end());
        tuples.erase(std::unique(tuples.begin(), tuples.end()), tuples.end());
        for (const auto& t : tuples) w.cells.insert(w.cells.end(), t.begin(), t.end());
        w.rows = static_cast<int64_t>(tuples.size());
      }
      work.push_back(std::move(w));
    }
    mpz_class free_product = 1;
    for (int v = 0; v < n; ++v) {
      if (owned[v] && tables_of[v] == 0) free_product *= alive_count[v];
    }
    std::vector<double> domain_log(n, 0);
    for (int v = 0; v < n; ++v) domain_log[v] = std::log2(static_cast<double>(std::max(alive_count[v], 1)));
    const int64_t table_cap = depth < budget.max_split_depth ? budget.split_table_rows : budget.max_rows;
    Outcome o;
    {
      Eliminator<WideArith> e(bits, domain_log, budget, table_cap, start);
      U128 result = 0;
      o = e.Run(work, &result, stats);
      if (o == Outcome::kDone) return WideArith::ToMpz(result) * free_product;
    }
    if (o == Outcome::kOverflow) {
      Eliminator<BigArith> e(bits, domain_log, budget, table_cap, start);
      mpz_class result;
      o = e.Run(work, &result, stats);
      if (o == Outcome::kDone) return result * free_product;
    }
    if (o != Outcome::kTooLarge) return std::nullopt;
    // Too large to eliminate at once: split on the variable met by the most
    // tables, weighted by its values (a model's central option, such as a
    // car's version, whose every value simplifies the rest).
    int split = -1;
    for (int v = 0; v < n; ++v) {
      if (tables_of[v] == 0) continue;
      if (split < 0 || static_cast<int64_t>(tables_of[v]) * alive_count[v] >
                           static_cast<int64_t>(tables_of[split]) * alive_count[split]) {
        split = v;
      }
    }
    if (stats) ++stats->splits;
    std::vector<char> in_tables(n, 0);
    for (int v = 0; v < n; ++v) in_tables[v] = tables_of[v] > 0;
    std::vector<char> cut(n, 0);
    cut[split] = 1;
    mpz_class total = 0;
    for (int val = 0; val < domain[split]; ++val) {
      if (!alive[split][val]) continue;
      std::vector<std::vector<char>> branch = alive;
      std::fill(branch[split].begin(), branch[split].end(), 0);
      branch[split][val] = 1;
      auto c = Solve(work, std::move(branch), in_tables, cut, depth + 1);
      if (!c) return std::nullopt;
      total += *c;
    }
    return total * free_product;
  }
};

}  // namespace

std::optional<mpz_class> EliminationCounter::Count(const Assignment& fixed, const CountBudget& budget,
                                                   CountStats* stats) const {
  if (!usable_) return std::nullopt;
  const auto start = Clock::now();
  const int n = static_cast<int>(domain_.size());
  std::vector<std::vector<char>> alive(n);
  for (int v = 0; v < n; ++v) {
    alive[v].assign(domain_[v], 1);
    if (v < static_cast<int>(fixed.size()) && fixed[v] >= 0) {
      if (fixed[v] >= domain_[v]) return mpz_class(0);
      alive[v].assign(domain_[v], 0);
      alive[v][fixed[v]] = 1;
    }
  }
  std::vector<int> bits(n, 1);
  for (int v = 0; v < n; ++v) bits[v] = std::max(1, static_cast<int>(std::bit_width(static_cast<unsigned>(domain_[v] - 1))));
  CountStats local;
  Search search{domain_, bits, budget, start, &local};
  auto count = search.Solve(relations_, std::move(alive), std::vector<char>(n, 1), {}, 0);
  local.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (stats) *stats = local;
  return count;
}

namespace {

class CountingEngine : public Engine {
 public:
  CountingEngine(std::shared_ptr<const Engine> inner, const Problem* problem, CountBudget budget)
      : inner_(std::move(inner)), problem_(problem), budget_(budget) {}
  const char* Name() const override { return inner_->Name(); }
  bool Supported(const Assignment& fixed, std::vector<std::vector<char>>* supported) const override {
    return inner_->Supported(fixed, supported);
  }
  bool Feasible(const Assignment& fixed) const override { return inner_->Feasible(fixed); }
  std::optional<mpz_class> Count(const Assignment& fixed) const override {
    if (auto c = inner_->Count(fixed)) return c;
    std::call_once(counter_once_, [this] { counter_ = std::make_unique<EliminationCounter>(*problem_); });
    return counter_->Count(fixed, budget_);
  }
  std::optional<CostBounds> Cost(const Assignment& fixed) const override { return inner_->Cost(fixed); }
  std::optional<std::vector<int>> Complete(const Assignment& fixed) const override { return inner_->Complete(fixed); }

 private:
  std::shared_ptr<const Engine> inner_;
  const Problem* problem_;
  CountBudget budget_;
  mutable std::once_flag counter_once_;
  mutable std::unique_ptr<EliminationCounter> counter_;  // built once under counter_once_
};

}  // namespace

std::unique_ptr<Engine> WithExactCounter(std::shared_ptr<const Engine> inner, const Problem* problem,
                                         CountBudget budget) {
  return std::make_unique<CountingEngine>(std::move(inner), problem, budget);
}

}  // namespace atelier::config::internal
