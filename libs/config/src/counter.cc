#include "internal/counter.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <exception>
#include <future>
#include <list>
#include <map>
#include <numeric>
#include <utility>

namespace atelier::config::internal {

namespace {

using U128 = unsigned __int128;
using Clock = std::chrono::steady_clock;
using Relation = EliminationCounter::Relation;

std::atomic<int64_t> g_elimination_runs{0};

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

// Bits of a packed value index of each variable.
std::vector<int> ValueBits(const std::vector<int>& domain) {
  std::vector<int> bits(domain.size(), 1);
  for (size_t v = 0; v < domain.size(); ++v) {
    bits[v] = std::max(1, static_cast<int>(std::bit_width(static_cast<unsigned>(std::max(domain[v], 1) - 1))));
  }
  return bits;
}

// Sorts the rows of `cells` (rows x arity) and drops repeated ones.
void SortUniqueRows(const std::vector<int>& scope, const std::vector<int>& bits, std::vector<uint16_t>* cells,
                    int64_t* rows) {
  const size_t arity = scope.size();
  const size_t n = static_cast<size_t>(*rows);
  if (arity == 0) {
    *rows = std::min<int64_t>(*rows, 1);
    return;
  }
  int total = 0;
  for (int v : scope) total += bits[v];
  if (total <= 128) {
    // Packed keys, the first column most significant: sorted keys are
    // lexicographically sorted rows.
    std::vector<U128> keys(n);
    for (size_t r = 0; r < n; ++r) {
      const uint16_t* row = cells->data() + r * arity;
      U128 k = 0;
      for (size_t c = 0; c < arity; ++c) k = (k << bits[scope[c]]) | row[c];
      keys[r] = k;
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    cells->resize(keys.size() * arity);
    for (size_t r = 0; r < keys.size(); ++r) {
      U128 k = keys[r];
      for (size_t c = arity; c-- > 0;) {
        (*cells)[r * arity + c] = static_cast<uint16_t>(k & ((U128(1) << bits[scope[c]]) - 1));
        k >>= bits[scope[c]];
      }
    }
    *rows = static_cast<int64_t>(keys.size());
    return;
  }
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  const uint16_t* base = cells->data();
  auto less = [&](uint32_t a, uint32_t b) {
    return std::lexicographical_compare(base + a * arity, base + (a + 1) * arity, base + b * arity,
                                        base + (b + 1) * arity);
  };
  std::sort(order.begin(), order.end(), less);
  std::vector<uint16_t> out;
  out.reserve(cells->size());
  for (size_t i = 0; i < n; ++i) {
    if (i > 0 && !less(order[i - 1], order[i])) continue;
    out.insert(out.end(), base + order[i] * arity, base + (order[i] + 1) * arity);
  }
  *rows = static_cast<int64_t>(out.size() / arity);
  *cells = std::move(out);
}

// Appends to `cells` the full tuples over `scope` (ascending variables)
// matched by one table row (wildcards expanded); a variable named by two
// columns must agree. False when more than `limit` rows would be held.
bool ExpandRow(const Rule& r, const std::vector<int>& row, const std::vector<int>& scope,
               const std::vector<int>& domain, int64_t limit, std::vector<uint16_t>* cells, int64_t* rows) {
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
    if (*rows + n > limit) return false;
  }
  ForEachTuple(free_domains, [&](const std::vector<int>& t) {
    size_t k = 0;
    for (int v : fixed) cells->push_back(static_cast<uint16_t>(v == kAnyValue ? t[k++] : v));
    ++*rows;
    return true;
  });
  return *rows <= limit;
}

// Tabulates one constraint as its allowed tuples (rows sorted, distinct);
// nullopt when it would hold more than `limit` tuples.
std::optional<Relation> Tabulate(const Rule& r, const std::vector<int>& domain, const std::vector<int>& bits,
                                 int64_t limit) {
  Relation rel;
  rel.scope = ScopeOf(r);
  const size_t arity = rel.scope.size();
  std::vector<int> scope_domains;
  int64_t product = 1;
  for (int v : rel.scope) {
    scope_domains.push_back(domain[v]);
    product = std::min<int64_t>(product * domain[v], limit + 1);
  }
  if (r.kind == Rule::Kind::kAllowedTable) {
    // Where each column goes; a table naming each variable once with no
    // wildcard (the common case, as in XCSP) is copied row by row.
    std::vector<size_t> pos(r.table_options.size());
    for (size_t c = 0; c < pos.size(); ++c) {
      pos[c] = std::lower_bound(rel.scope.begin(), rel.scope.end(), r.table_options[c]) - rel.scope.begin();
    }
    const bool distinct = r.table_options.size() == arity;
    rel.cells.reserve(r.rows.size() * arity);
    std::vector<uint16_t> plain(arity);
    for (const auto& row : r.rows) {
      bool simple = distinct && row.size() == arity;
      bool matches = true;
      for (size_t c = 0; c < row.size() && simple; ++c) {
        if (row[c] == kAnyValue) {
          simple = false;
        } else if (row[c] < 0 || row[c] >= domain[rel.scope[pos[c]]]) {
          matches = false;
        } else {
          plain[pos[c]] = static_cast<uint16_t>(row[c]);
        }
      }
      if (simple) {
        if (!matches) continue;
        rel.cells.insert(rel.cells.end(), plain.begin(), plain.end());
        if (++rel.rows > limit) return std::nullopt;
      } else if (!ExpandRow(r, row, rel.scope, domain, limit, &rel.cells, &rel.rows)) {
        return std::nullopt;
      }
    }
    SortUniqueRows(rel.scope, bits, &rel.cells, &rel.rows);
    return rel;
  }
  if (product > limit) return std::nullopt;
  Relation forbidden;
  if (r.kind == Rule::Kind::kForbiddenTable) {
    forbidden.scope = rel.scope;
    for (const auto& row : r.rows) {
      if (!ExpandRow(r, row, rel.scope, domain, limit, &forbidden.cells, &forbidden.rows)) return std::nullopt;
    }
    SortUniqueRows(forbidden.scope, bits, &forbidden.cells, &forbidden.rows);
  }
  // Both sorted lexicographically: walk the forbidden rows alongside.
  int64_t next_forbidden = 0;
  std::vector<int> assignment(domain.size(), 0);
  std::vector<uint16_t> t16(arity);
  ForEachTuple(scope_domains, [&](const std::vector<int>& t) {
    bool ok;
    if (r.kind == Rule::Kind::kForbiddenTable) {
      for (size_t i = 0; i < arity; ++i) t16[i] = static_cast<uint16_t>(t[i]);
      ok = true;
      while (next_forbidden < forbidden.rows) {
        const uint16_t* f = forbidden.cells.data() + next_forbidden * arity;
        if (std::lexicographical_compare(f, f + arity, t16.begin(), t16.end())) {
          ++next_forbidden;
          continue;
        }
        ok = !std::equal(f, f + arity, t16.begin());
        break;
      }
    } else {
      for (size_t i = 0; i < t.size(); ++i) assignment[rel.scope[i]] = t[i];
      ok = Evaluate(r.expr, assignment);
    }
    if (ok) {
      for (int v : t) rel.cells.push_back(static_cast<uint16_t>(v));
      ++rel.rows;
    }
    return true;
  });
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

// Whether any row is left (valid domains: the existential semiring).
struct BoolArith {
  using Num = uint8_t;
  static Num One() { return 1; }
  static void AddTo(Num& a, const Num& b, bool*) { a |= b; }
  static Num Mul(const Num& a, const Num& b, bool*) { return a & b; }
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

  // A table of rows over `scope` with a weight per row; the rows are the
  // caller's (a relation, borrowed) or its own.
  struct Factor {
    std::vector<int> scope;  // ascending
    std::vector<uint16_t> own;
    const uint16_t* cells = nullptr;
    size_t n = 0;
    std::vector<Num> weight;  // empty: every row weighs one
    double log_rows = 0;

    Factor() = default;
    Factor(Factor&&) = default;
    Factor& operator=(Factor&&) = default;
    size_t rows() const { return n; }
    const uint16_t* row(size_t r) const { return cells + r * scope.size(); }
    Num W(size_t r) const { return weight.empty() ? Arith::One() : weight[r]; }
    void Seal() {  // after building `own` and `weight`
      cells = own.data();
      n = weight.size();
      log_rows = std::log2(static_cast<double>(std::max<size_t>(n, 1)));
    }
  };

  Eliminator(const std::vector<int>& bits, const std::vector<double>& domain_log, const CountBudget& budget,
             int64_t max_table_rows, Clock::time_point deadline)
      : bits_(bits), domain_log_(domain_log), budget_(budget), max_table_rows_(max_table_rows), deadline_(deadline) {}

  // Valid domains instead of a count (Arith = BoolArith): Run keeps every
  // bucket and, when some solution exists, sets supports[offset[v] + value]
  // for the values of the eliminated variables that some solution has.
  void FindSupports(const std::vector<int>* offset, std::vector<char>* supports) {
    offset_ = offset;
    supports_ = supports;
  }

  // Counts the solutions of `relations` (each row weighing one), which must
  // outlive the call.
  Outcome Run(const std::vector<const Relation*>& relations, Num* result, CountStats* stats) {
    stats_ = stats;
    const int n = static_cast<int>(domain_log_.size());
    // Factors stay in their slots; an eliminated one is emptied (dead).
    std::vector<Factor> factors;
    factors.reserve(relations.size() * 2);
    std::vector<char> dead;
    // Per slot: the bucket whose message it is, or -1 (valid domains only).
    std::vector<int32_t> origin;
    // The factors over each variable (dead ones dropped lazily), each
    // variable's cost, and the variables still to eliminate, ascending.
    std::vector<std::vector<int32_t>> over(n);
    cost_.assign(n, 0);
    neighbours_.assign(n, 0);
    mark_.assign(n, 0);
    std::vector<int> todo;
    for (const Relation* rp : relations) {
      const Relation& r = *rp;
      Factor f;
      f.scope = r.scope;
      f.cells = r.cells.data();
      f.n = static_cast<size_t>(r.rows);
      f.log_rows = std::log2(static_cast<double>(std::max<int64_t>(r.rows, 1)));
      held_ += r.rows;
      for (int v : f.scope) {
        if (over[v].empty()) todo.push_back(v);
        over[v].push_back(static_cast<int32_t>(factors.size()));
      }
      factors.push_back(std::move(f));
      dead.push_back(0);
      origin.push_back(-1);
    }
    std::sort(todo.begin(), todo.end());
    for (int v : todo) UpdateCost(v, factors, dead, &over[v]);
    std::vector<Factor> bucket;
    std::vector<int32_t> bucket_slots;
    while (!todo.empty()) {
      // The variable whose elimination promises the smallest table: the
      // least of two bounds on the rows of the result, the product of the
      // neighbours' domains and the product of the rows of the tables
      // joined. Ties: fewer neighbours, then the lowest index.
      size_t pick = 0;
      for (size_t i = 1; i < todo.size(); ++i) {
        const int v = todo[i], b = todo[pick];
        if (cost_[v] < cost_[b] - 1e-9 || (cost_[v] < cost_[b] + 1e-9 && neighbours_[v] < neighbours_[b])) pick = i;
      }
      const int x = todo[pick];
      todo.erase(todo.begin() + static_cast<long>(pick));
      bucket.clear();
      bucket_slots.clear();
      for (int32_t f : over[x]) {
        if (dead[f]) continue;
        dead[f] = 1;
        bucket_slots.push_back(f);
      }
      over[x].clear();
      // In slot order, as the factors were made.
      std::sort(bucket_slots.begin(), bucket_slots.end());
      // Kept for the downward pass when finding valid domains.
      for (int32_t f : bucket_slots) bucket.push_back(supports_ ? View(factors[f]) : std::move(factors[f]));
      if (bucket.empty()) continue;
      Factor out;
      Outcome o = Eliminate(x, &bucket, &out);
      if (o != Outcome::kDone) return o;
      if (stats_) ++stats_->eliminated;
      if (out.rows() == 0) {
        *result = Num(0);
        return Outcome::kDone;
      }
      const int32_t slot = static_cast<int32_t>(factors.size());
      if (supports_) buckets_.push_back({x, bucket_slots, slot});
      origin.push_back(supports_ ? static_cast<int32_t>(buckets_.size()) - 1 : -1);
      for (int v : out.scope) over[v].push_back(slot);
      factors.push_back(std::move(out));
      dead.push_back(0);
      // Only the costs of x's neighbours changed.
      for (int v : factors[slot].scope) UpdateCost(v, factors, dead, &over[v]);
    }
    Num total = Arith::One();
    for (size_t f = 0; f < factors.size(); ++f) {
      // Only factors without variables are left: one row each.
      if (dead[f]) continue;
      Num sum(0);
      for (size_t r = 0; r < factors[f].rows(); ++r) Arith::AddTo(sum, factors[f].W(r), &overflow_);
      total = Arith::Mul(total, sum, &overflow_);
    }
    if (overflow_) return Outcome::kOverflow;
    *result = total;
    if (supports_ && total != Num(0)) return Calibrate(factors, origin);
    return Outcome::kDone;
  }

 private:
  // A factor reading `f`'s rows (every row weighing one: BoolArith only).
  static Factor View(const Factor& f) {
    Factor v;
    v.scope = f.scope;
    v.cells = f.cells;
    v.n = f.n;
    v.log_rows = f.log_rows;
    return v;
  }

  U128 KeyOf(const uint16_t* t, const std::vector<int>& cols, const std::vector<int>& vars) const {
    U128 key = 0;
    for (size_t k = 0; k < cols.size(); ++k) key = (key << bits_[vars[k]]) | t[cols[k]];
    return key;
  }

  // The downward pass of the bucket tree (existential semiring), from the
  // last bucket back to the first: a bucket's tuples (the join of its
  // tables) that extend to a solution are those whose projection on its
  // message's scope is one its parent found extensible (`down`, none for a
  // root, whose message has no variables); they give its variable's
  // supported values and, projected on each child's message, the child's
  // `down`. The join is streamed, never stored: its last table is joined
  // on the fly, as in the forward pass.
  Outcome Calibrate(const std::vector<Factor>& factors, const std::vector<int32_t>& origin) {
    const size_t nb = buckets_.size();
    std::vector<std::optional<KeyIndex>> down(nb);
    std::vector<Factor> views;
    struct Projection {
      KeyIndex* into;
      std::vector<int> cols, vars;
    };
    std::vector<Projection> children;
    std::vector<uint16_t> tuple;
    for (size_t b = nb; b-- > 0;) {
      const Bucket& bk = buckets_[b];
      const Factor& message = factors[bk.message];
      views.clear();
      for (int32_t slot : bk.slots) views.push_back(View(factors[slot]));
      std::stable_sort(views.begin(), views.end(),
                       [](const Factor& a, const Factor& c) { return a.rows() < c.rows(); });
      Factor cur = std::move(views[0]);
      for (size_t i = 1; i + 1 < views.size(); ++i) {
        Factor next;
        Outcome o = Join(cur, views[i], -1, &next);
        if (o != Outcome::kDone) return o;
        cur = std::move(next);
      }
      const Factor* last = views.size() > 1 ? &views.back() : nullptr;
      std::vector<int> joined = cur.scope;
      if (last) {
        joined.clear();
        std::set_union(cur.scope.begin(), cur.scope.end(), last->scope.begin(), last->scope.end(),
                       std::back_inserter(joined));
      }
      auto cols_of = [&](const std::vector<int>& vars) {
        std::vector<int> cols;
        for (int v : vars) cols.push_back(static_cast<int>(std::lower_bound(joined.begin(), joined.end(), v) - joined.begin()));
        return cols;
      };
      const int xcol = cols_of({bk.x})[0];
      char* mark = supports_->data() + (*offset_)[bk.x];
      const KeyIndex* filter = down[b] ? &*down[b] : nullptr;
      const std::vector<int> filter_cols = cols_of(message.scope);
      children.clear();
      for (int32_t slot : bk.slots) {
        if (origin[slot] < 0) continue;
        down[origin[slot]].emplace(std::min<size_t>(factors[slot].rows(), 1 << 20));
        children.push_back({&*down[origin[slot]], cols_of(factors[slot].scope), factors[slot].scope});
      }
      auto visit = [&](const uint16_t* t) {
        if (filter && filter->Find(KeyOf(t, filter_cols, message.scope)) < 0) return;
        mark[t[xcol]] = 1;
        for (Projection& c : children) {
          bool inserted = false;
          c.into->Insert(KeyOf(t, c.cols, c.vars), &inserted);
        }
      };
      if (!last) {
        for (size_t r = 0; r < cur.rows(); ++r) {
          if (OutOfBudget()) return Outcome::kGaveUp;
          visit(cur.row(r));
        }
        continue;
      }
      // The join of cur and last, row by row: last's rows grouped by the
      // shared variables.
      std::vector<int> shared_cur, shared_last, shared_vars;
      for (size_t c = 0; c < cur.scope.size(); ++c) {
        auto it = std::lower_bound(last->scope.begin(), last->scope.end(), cur.scope[c]);
        if (it != last->scope.end() && *it == cur.scope[c]) {
          shared_cur.push_back(static_cast<int>(c));
          shared_last.push_back(static_cast<int>(it - last->scope.begin()));
          shared_vars.push_back(cur.scope[c]);
        }
      }
      const std::vector<int> from_cur = cols_of(cur.scope), from_last = cols_of(last->scope);
      KeyIndex groups(std::min<size_t>(last->rows(), 1 << 20));
      std::vector<int32_t> head, next(last->rows(), -1);
      for (size_t r = 0; r < last->rows(); ++r) {
        bool inserted = false;
        const int32_t g = groups.Insert(KeyOf(last->row(r), shared_last, shared_vars), &inserted);
        if (inserted) head.push_back(-1);
        next[r] = head[g];
        head[g] = static_cast<int32_t>(r);
      }
      tuple.assign(joined.size(), 0);
      for (size_t r = 0; r < cur.rows(); ++r) {
        const uint16_t* rc = cur.row(r);
        const int32_t g = groups.Find(KeyOf(rc, shared_cur, shared_vars));
        if (g < 0) continue;
        for (size_t c = 0; c < from_cur.size(); ++c) tuple[from_cur[c]] = rc[c];
        for (int32_t s = head[g]; s >= 0; s = next[s]) {
          if (OutOfBudget()) return Outcome::kGaveUp;
          const uint16_t* rl = last->row(static_cast<size_t>(s));
          for (size_t c = 0; c < from_last.size(); ++c) tuple[from_last[c]] = rl[c];
          visit(tuple.data());
        }
      }
    }
    return Outcome::kDone;
  }

  // Recomputes x's cost from its live factors (dropping dead ones from `over`).
  void UpdateCost(int x, const std::vector<Factor>& factors, const std::vector<char>& dead,
                  std::vector<int32_t>* over) {
    const uint64_t stamp = ++stamp_;
    double by_rows = 0, by_domains = 0;
    int scope = 0;
    size_t k = 0;
    for (int32_t f : *over) {
      if (dead[f]) continue;
      (*over)[k++] = f;
      by_rows += factors[f].log_rows;
      for (int v : factors[f].scope) {
        if (v == x || mark_[v] == stamp) continue;
        mark_[v] = stamp;
        by_domains += domain_log_[v];
        ++scope;
      }
    }
    over->resize(k);
    cost_[x] = std::min(by_rows, by_domains);
    neighbours_[x] = scope;
  }

  // True when the values of `vars` pack into 128 bits.
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
    // Valid domains keep the bucket's tables (intermediate joins are freed).
    if (supports_) {
      for (const Factor& f : *bucket) freed -= static_cast<int64_t>(f.rows());
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
    if (keep.empty()) {
      // One row: the sum of all weights.
      Num sum(0);
      for (size_t r = 0; r < f.rows(); ++r) Arith::AddTo(sum, f.W(r), &overflow_);
      out->weight.push_back(std::move(sum));
      ++held_;
      out->Seal();
      return overflow_ ? Outcome::kOverflow : Outcome::kDone;
    }
    KeyIndex index(std::min<size_t>(f.rows(), 1 << 20));
    for (size_t r = 0; r < f.rows(); ++r) {
      if (OutOfBudget()) return Outcome::kGaveUp;
      const uint16_t* row = f.row(r);
      U128 key = 0;
      for (int c : keep) key = (key << bits_[f.scope[c]]) | row[c];
      bool inserted = false;
      int32_t id = index.Insert(key, &inserted);
      if (inserted) {
        for (int c : keep) out->own.push_back(row[c]);
        out->weight.push_back(f.W(r));
        if (++held_ > budget_.max_rows) return Outcome::kGaveUp;
        if (static_cast<int64_t>(out->weight.size()) > max_table_rows_) return Outcome::kTooLarge;
      } else {
        Arith::AddTo(out->weight[id], f.W(r), &overflow_);
      }
    }
    out->Seal();
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
    // b's rows grouped by their values on the shared variables.
    KeyIndex groups(std::min<size_t>(b.rows(), 1 << 20));
    std::vector<int32_t> head, size, next(b.rows(), -1);
    for (size_t r = 0; r < b.rows(); ++r) {
      const uint16_t* row = b.row(r);
      U128 key = 0;
      for (size_t k = 0; k < shared_b.size(); ++k) key = (key << bits_[shared_vars[k]]) | row[shared_b[k]];
      bool inserted = false;
      int32_t g = groups.Insert(key, &inserted);
      if (inserted) {
        head.push_back(-1);
        size.push_back(0);
      }
      next[r] = head[g];
      head[g] = static_cast<int32_t>(r);
      ++size[g];
    }
    // a's rows' groups, and the size of the join: rows are distinct, so
    // summing a variable out merges at most its number of values into one.
    std::vector<int32_t> group_of(a.rows());
    int64_t joined_rows = 0;
    for (size_t r = 0; r < a.rows(); ++r) {
      const uint16_t* ra = a.row(r);
      U128 key = 0;
      for (size_t k = 0; k < shared_a.size(); ++k) key = (key << bits_[shared_vars[k]]) | ra[shared_a[k]];
      group_of[r] = groups.Find(key);
      if (group_of[r] >= 0) joined_rows += size[group_of[r]];
    }
    const bool summing = sum_out >= 0;
    const int64_t merged = summing ? std::llround(std::exp2(domain_log_[sum_out])) : 1;
    const int64_t at_least = (joined_rows + merged - 1) / std::max<int64_t>(merged, 1);
    // Too large for sure: said before building it (when the row budget
    // would not have run out first).
    if (at_least > max_table_rows_ && held_ + max_table_rows_ < budget_.max_rows) return Outcome::kTooLarge;
    // Room for the result: the join's rows, or when summing (the result
    // may be much smaller) at most the product of its variables' values.
    size_t expected = static_cast<size_t>(std::min<int64_t>(joined_rows, max_table_rows_ + 1));
    if (summing) {
      double log_values = 0;
      for (int v : out->scope) log_values += domain_log_[v];
      expected = std::min<size_t>(expected, log_values < 20 ? static_cast<size_t>(std::exp2(log_values)) + 1 : 1 << 20);
    }
    std::optional<KeyIndex> result_index;
    if (summing) result_index.emplace(std::min<size_t>(expected, 1 << 20));
    out->weight.reserve(expected);
    out->own.reserve(expected * out->scope.size());
    std::vector<uint16_t> tuple(source.size());
    for (size_t r = 0; r < a.rows(); ++r) {
      const uint16_t* ra = a.row(r);
      const int32_t g = group_of[r];
      if (g < 0) continue;
      for (int32_t s = head[g]; s >= 0; s = next[s]) {
        if (OutOfBudget()) return Outcome::kGaveUp;
        const uint16_t* rb = b.row(static_cast<size_t>(s));
        Num w = Arith::Mul(a.W(r), b.W(static_cast<size_t>(s)), &overflow_);
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
        for (uint16_t value : tuple) out->own.push_back(value);
        out->weight.push_back(std::move(w));
        if (++held_ > budget_.max_rows) return Outcome::kGaveUp;
        if (static_cast<int64_t>(out->weight.size()) > max_table_rows_) return Outcome::kTooLarge;
      }
    }
    out->Seal();
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
  // Valid domains: where they go, and every bucket (its variable, its
  // tables' slots, its message's slot).
  const std::vector<int>* offset_ = nullptr;
  std::vector<char>* supports_ = nullptr;
  struct Bucket {
    int x;
    std::vector<int32_t> slots;
    int32_t message;
  };
  std::vector<Bucket> buckets_;
  // The elimination order's state.
  std::vector<double> cost_;
  std::vector<int> neighbours_;
  std::vector<uint64_t> mark_;
  uint64_t stamp_ = 0;
};

using ColumnIndex = EliminationCounter::ColumnIndex;
constexpr int64_t kMinRowsForSets = 256;
constexpr int kMaxValuesForSets = 16;

ColumnIndex BuildIndex(const Relation& r, const std::vector<int>& domain) {
  ColumnIndex ix;
  const size_t arity = r.scope.size();
  ix.start.resize(arity);
  ix.ids.resize(arity);
  for (size_t c = 0; c < arity; ++c) {
    std::vector<int32_t>& start = ix.start[c];
    start.assign(static_cast<size_t>(domain[r.scope[c]]) + 1, 0);
    for (int64_t i = 0; i < r.rows; ++i) ++start[r.cells[i * arity + c] + 1];
    for (size_t v = 1; v < start.size(); ++v) start[v] += start[v - 1];
    std::vector<int32_t> fill(start.begin(), start.end() - 1);
    ix.ids[c].resize(static_cast<size_t>(r.rows));
    for (int64_t i = 0; i < r.rows; ++i) ix.ids[c][fill[r.cells[i * arity + c]]++] = static_cast<int32_t>(i);
  }
  // Bit sets where a column's rows per value are many and the values few
  // (a table of Boolean options, where no single column selects much).
  if (r.rows >= kMinRowsForSets && arity > 1) {
    ix.words = (static_cast<size_t>(r.rows) + 63) / 64;
    ix.sets.resize(arity);
    for (size_t c = 0; c < arity; ++c) {
      if (domain[r.scope[c]] > kMaxValuesForSets) continue;
      std::vector<uint64_t>& set = ix.sets[c];
      set.assign(static_cast<size_t>(domain[r.scope[c]]) * ix.words, 0);
      for (int64_t i = 0; i < r.rows; ++i) {
        set[r.cells[i * arity + c] * ix.words + static_cast<size_t>(i) / 64] |= uint64_t{1} << (i % 64);
      }
    }
  }
  return ix;
}

// Tables shared by every branch of a split (and by the whole count at the top).
struct TableSet {
  std::vector<const Relation*> rels;
  std::vector<const ColumnIndex*> index;  // per table; null: scanned
  std::vector<int32_t> with_start, with;  // the tables over each variable

  void Link(int num_vars) {
    with_start.assign(static_cast<size_t>(num_vars) + 1, 0);
    for (const Relation* r : rels) {
      for (int v : r->scope) ++with_start[v + 1];
    }
    for (int v = 0; v < num_vars; ++v) with_start[v + 1] += with_start[v];
    with.resize(with_start[num_vars]);
    std::vector<int32_t> fill(with_start.begin(), with_start.end() - 1);
    for (size_t t = 0; t < rels.size(); ++t) {
      for (int v : rels[t]->scope) with[fill[v]++] = static_cast<int32_t>(t);
    }
  }
};

// The values still possible in a subproblem: a flag per value, and per
// variable the list of its live values (ascending) and their number.
struct Live {
  const std::vector<int>& offset;
  std::vector<char> alive;  // [offset[v] + value]
  std::vector<int> vals;    // [offset[v], offset[v] + count[v]): v's live values
  std::vector<int> count;

  Live(const std::vector<int>& off, std::vector<char> flags) : offset(off), alive(std::move(flags)) {
    const size_t n = offset.size() - 1;
    vals.resize(alive.size());
    count.assign(n, 0);
    for (size_t v = 0; v < n; ++v) {
      for (int i = offset[v]; i < offset[v + 1]; ++i) {
        if (alive[i]) vals[offset[v] + count[v]++] = i - offset[v];
      }
    }
  }
  const int* begin(int v) const { return vals.data() + offset[v]; }
  const int* end(int v) const { return vals.data() + offset[v] + count[v]; }
};

struct Search {
  const std::vector<int>& domain;
  const std::vector<int>& offset;  // each variable's first slot in an `alive` vector
  const std::vector<int>& bits;
  const CountBudget& budget;
  Clock::time_point deadline;
  CountStats* stats;
  mutable std::vector<uint64_t> acc_, column_;  // Candidates' buffers

  bool OutOfTime() const {
    if (budget.cancel && budget.cancel->load(std::memory_order_relaxed)) return true;
    return Clock::now() > deadline;
  }

  // The rows of `r` that may still be live, read through its index: from the
  // most selective column's lists, or by intersecting the bit sets of the
  // columns that lost values, whichever reads less. False when every row
  // may be (no column lost values): the caller scans.
  bool Candidates(const Relation& r, const ColumnIndex& ix, const Live& d, std::vector<int32_t>* out) const {
    const size_t arity = r.scope.size();
    int best_c = -1;
    int64_t best = r.rows;
    int64_t set_cost = 0;  // words read by the bit-set intersection
    for (size_t c = 0; c < arity; ++c) {
      const int v = r.scope[c];
      if (d.count[v] == domain[v]) continue;
      const std::vector<int32_t>& start = ix.start[c];
      int64_t m = 0;
      for (const int* val = d.begin(v); val != d.end(v); ++val) m += start[*val + 1] - start[*val];
      if (m < best) {
        best = m;
        best_c = static_cast<int>(c);
      }
      if (!ix.sets.empty() && !ix.sets[c].empty()) {
        set_cost += static_cast<int64_t>(ix.words) * std::min(d.count[v], domain[v] - d.count[v] + 1);
      }
    }
    if (best_c < 0) return false;
    if (set_cost > 0 && set_cost * 4 < best * static_cast<int64_t>(arity)) {
      std::vector<uint64_t>& acc = acc_;
      std::vector<uint64_t>& column = column_;
      acc.assign(ix.words, ~uint64_t{0});
      column.resize(ix.words);
      for (size_t c = 0; c < arity; ++c) {
        const int v = r.scope[c];
        if (d.count[v] == domain[v] || ix.sets[c].empty()) continue;
        // The rows of the live values: their union, or all rows but those
        // of the dead values, whichever has fewer terms.
        const bool by_live = d.count[v] <= domain[v] - d.count[v];
        std::fill(column.begin(), column.end(), 0);
        for (int val = 0; val < domain[v]; ++val) {
          if ((d.alive[offset[v] + val] != 0) != by_live) continue;
          const uint64_t* set = ix.sets[c].data() + static_cast<size_t>(val) * ix.words;
          for (size_t w = 0; w < ix.words; ++w) column[w] |= set[w];
        }
        if (by_live) {
          for (size_t w = 0; w < ix.words; ++w) acc[w] &= column[w];
        } else {
          for (size_t w = 0; w < ix.words; ++w) acc[w] &= ~column[w];
        }
      }
      for (size_t w = 0; w < ix.words; ++w) {
        for (uint64_t bitsw = acc[w]; bitsw != 0; bitsw &= bitsw - 1) {
          const int64_t i = static_cast<int64_t>(w * 64) + std::countr_zero(bitsw);
          if (i < r.rows) out->push_back(static_cast<int32_t>(i));
        }
      }
      return true;
    }
    const int v = r.scope[best_c];
    const std::vector<int32_t>& start = ix.start[best_c];
    const std::vector<int32_t>& ids = ix.ids[best_c];
    for (const int* val = d.begin(v); val != d.end(v); ++val) {
      out->insert(out->end(), ids.begin() + start[*val], ids.begin() + start[*val + 1]);
    }
    return true;
  }

  // Completions of `alive` (per variable value, still possible) over the
  // tables of `ts`, counting the variables with owned[v] set (the others are
  // counted by the caller); nullopt when the budget runs out. `changed`
  // lists the variables whose values were cut since the tables were made
  // consistent; null: they never were.
  enum class Prop { kOk, kEmpty, kOutOfTime };

  // Generalized arc consistency on the tables of `ts` over the values of
  // `d` (kEmpty: a table or a domain is wiped out), then the tables to
  // eliminate (`work`, some of them made in `built`, which must outlive
  // it) and how many of them each variable is in.
  Prop Propagate(const TableSet& ts, Live& d, const std::vector<int>* changed, std::vector<Relation>& built,
                 std::vector<const Relation*>& work, std::vector<int>& tables_of) const {
    const int n = static_cast<int>(domain.size());
    const size_t num_tables = ts.rels.size();
    // Generalized arc consistency on the tables: drop rows with a dead value,
    // then values no row supports, until nothing changes. Only tables over a
    // variable that lost values (`changed`, then the propagation's) are
    // visited. A table's live rows are all of its rows (`whole`) or a list.
    std::vector<char> whole(num_tables, 1), checked(num_tables, changed != nullptr ? 1 : 0);
    std::vector<std::vector<int32_t>> live_rows(num_tables);
    std::vector<char> queued(num_tables, 0);
    std::vector<int32_t> queue;
    if (changed == nullptr) {
      queue.resize(num_tables);
      std::iota(queue.begin(), queue.end(), 0);
      std::fill(queued.begin(), queued.end(), 1);
    } else {
      for (int v : *changed) {
        for (int32_t i = ts.with_start[v]; i < ts.with_start[v + 1]; ++i) {
          if (!queued[ts.with[i]]) {
            queued[ts.with[i]] = 1;
            queue.push_back(ts.with[i]);
          }
        }
      }
    }
    const std::vector<int>& alive_count = d.count;
    std::vector<char> seen(d.alive.size(), 0);
    std::vector<int32_t> kept;
    size_t visits = 0;
    for (size_t head = 0; head < queue.size(); ++head) {
      const int t = queue[head];
      queued[t] = 0;
      const Relation& r = *ts.rels[t];
      const size_t arity = r.scope.size();
      auto live = [&](int32_t i) {
        const uint16_t* row = r.cells.data() + static_cast<size_t>(i) * arity;
        for (size_t c = 0; c < arity; ++c) {
          if (!d.alive[offset[r.scope[c]] + row[c]]) return false;
        }
        return true;
      };
      kept.clear();
      bool all_kept = false;
      if (whole[t]) {
        const ColumnIndex* ix = ts.index.empty() ? nullptr : ts.index[t];
        if (ix == nullptr || !Candidates(r, *ix, d, &kept)) {
          for (int64_t i = 0; i < r.rows; ++i) {
            if (live(static_cast<int32_t>(i))) kept.push_back(static_cast<int32_t>(i));
          }
          all_kept = static_cast<int64_t>(kept.size()) == r.rows;
        } else {
          // Candidates are checked on every column.
          size_t k = 0;
          for (int32_t i : kept) {
            if (live(i)) kept[k++] = i;
          }
          kept.resize(k);
        }
      } else {
        for (int32_t i : live_rows[t]) {
          if (live(i)) kept.push_back(i);
        }
        all_kept = kept.size() == live_rows[t].size();
      }
      if (kept.empty()) return Prop::kEmpty;
      if (!all_kept) {
        whole[t] = 0;
        live_rows[t].assign(kept.begin(), kept.end());
      }
      if (++visits % 256 == 0 && OutOfTime()) return Prop::kOutOfTime;
      // Unchanged rows support what they supported when last checked.
      if (all_kept && checked[t]) continue;
      checked[t] = 1;
      for (int32_t i : kept) {
        const uint16_t* row = r.cells.data() + static_cast<size_t>(i) * arity;
        for (size_t c = 0; c < arity; ++c) seen[offset[r.scope[c]] + row[c]] = 1;
      }
      for (size_t c = 0; c < arity; ++c) {
        const int v = r.scope[c];
        // Live rows have live values only: `seen` is reset over v's list.
        int* list = d.vals.data() + offset[v];
        int left = 0;
        for (int k = 0; k < d.count[v]; ++k) {
          const int slot = offset[v] + list[k];
          if (seen[slot]) {
            seen[slot] = 0;
            list[left++] = list[k];
          } else {
            d.alive[slot] = 0;
          }
        }
        const bool lost = left < d.count[v];
        d.count[v] = left;
        if (!lost) continue;
        for (int32_t i = ts.with_start[v]; i < ts.with_start[v + 1]; ++i) {
          const int u = ts.with[i];
          if (u != t && !queued[u]) {
            queued[u] = 1;
            queue.push_back(u);
          }
        }
      }
    }
    // Variables with one value left are dropped from the tables (their column
    // is constant). Rows stay distinct, so a table left without variables
    // holds one row and goes; an unchanged table is used as it is.
    built.reserve(num_tables);
    tables_of.assign(n, 0);
    std::vector<int> keep;
    for (size_t t = 0; t < num_tables; ++t) {
      const Relation& r = *ts.rels[t];
      const size_t arity = r.scope.size();
      keep.clear();
      for (size_t c = 0; c < arity; ++c) {
        if (alive_count[r.scope[c]] > 1) keep.push_back(static_cast<int>(c));
      }
      if (keep.empty()) continue;
      for (int c : keep) ++tables_of[r.scope[c]];
      if (keep.size() == arity && whole[t]) {
        work.push_back(&r);
        continue;
      }
      Relation w;
      for (int c : keep) w.scope.push_back(r.scope[c]);
      auto add = [&](size_t i) {
        const uint16_t* row = r.cells.data() + i * arity;
        for (int c : keep) w.cells.push_back(row[c]);
      };
      if (whole[t]) {
        w.cells.reserve(static_cast<size_t>(r.rows) * keep.size());
        for (int64_t i = 0; i < r.rows; ++i) add(static_cast<size_t>(i));
        w.rows = r.rows;
      } else {
        w.cells.reserve(live_rows[t].size() * keep.size());
        for (int32_t i : live_rows[t]) add(static_cast<size_t>(i));
        w.rows = static_cast<int64_t>(live_rows[t].size());
      }
      built.push_back(std::move(w));
      work.push_back(&built.back());
    }
    return Prop::kOk;
  }

  std::optional<mpz_class> Solve(const TableSet& ts, std::vector<char> alive, const std::vector<char>& owned,
                                 const std::vector<int>* changed, int depth) {
    const int n = static_cast<int>(domain.size());
    Live d(offset, std::move(alive));
    const std::vector<int>& alive_count = d.count;
    std::vector<Relation> built;
    std::vector<const Relation*> work;
    std::vector<int> tables_of;
    switch (Propagate(ts, d, changed, built, work, tables_of)) {
      case Prop::kEmpty:
        return mpz_class(0);
      case Prop::kOutOfTime:
        return std::nullopt;
      case Prop::kOk:
        break;
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
      Eliminator<WideArith> e(bits, domain_log, budget, table_cap, deadline);
      U128 result = 0;
      o = e.Run(work, &result, stats);
      if (o == Outcome::kDone) return WideArith::ToMpz(result) * free_product;
    }
    if (o == Outcome::kOverflow) {
      Eliminator<BigArith> e(bits, domain_log, budget, table_cap, deadline);
      mpz_class result;
      o = e.Run(work, &result, stats);
      if (o == Outcome::kDone) return result * free_product;
    }
    if (o != Outcome::kTooLarge) return std::nullopt;
    // Too large to eliminate at once: split on the variable met by the most
    // tables, weighted by its values (a model's central option, such as a
    // car's version, whose every value simplifies the rest). The branches
    // share the tables, read through an index of their columns.
    const int split = SplitVariable(d, tables_of);
    if (stats) ++stats->splits;
    std::vector<ColumnIndex> indexes;
    indexes.reserve(work.size());
    TableSet parts;
    parts.rels = work;
    for (const Relation* r : work) {
      indexes.push_back(BuildIndex(*r, domain));
      parts.index.push_back(&indexes.back());
    }
    parts.Link(n);
    std::vector<char> in_tables(n, 0);
    for (int v = 0; v < n; ++v) in_tables[v] = tables_of[v] > 0;
    const std::vector<int> cut{split};
    mpz_class total = 0;
    for (const int* it = d.begin(split); it != d.end(split); ++it) {
      const int val = *it;
      std::vector<char> branch = d.alive;
      std::fill(branch.begin() + offset[split], branch.begin() + offset[split] + domain[split], 0);
      branch[offset[split] + val] = 1;
      auto c = Solve(parts, std::move(branch), in_tables, &cut, depth + 1);
      if (!c) return std::nullopt;
      total += *c;
    }
    return total * free_product;
  }

  // The variable met by the most tables, weighted by its values.
  int SplitVariable(const Live& d, const std::vector<int>& tables_of) const {
    int split = -1;
    for (int v = 0; v < static_cast<int>(tables_of.size()); ++v) {
      if (tables_of[v] == 0) continue;
      if (split < 0 || static_cast<int64_t>(tables_of[v]) * d.count[v] >
                           static_cast<int64_t>(tables_of[split]) * d.count[split]) {
        split = v;
      }
    }
    return split;
  }

  // Valid domains: sets supports[offset[v] + value] for every value of
  // `alive` that some solution over the tables of `ts` has (the others are
  // left as they are). False when there is no solution, nullopt when the
  // budget runs out. As Solve, with the existential semiring and a downward
  // pass over the eliminated buckets; a split's branches add their values.
  std::optional<bool> Supports(const TableSet& ts, std::vector<char> alive, const std::vector<int>* changed,
                               int depth, std::vector<char>* supports) {
    const int n = static_cast<int>(domain.size());
    Live d(offset, std::move(alive));
    std::vector<Relation> built;
    std::vector<const Relation*> work;
    std::vector<int> tables_of;
    switch (Propagate(ts, d, changed, built, work, tables_of)) {
      case Prop::kEmpty:
        return false;
      case Prop::kOutOfTime:
        return std::nullopt;
      case Prop::kOk:
        break;
    }
    std::vector<double> domain_log(n, 0);
    for (int v = 0; v < n; ++v) domain_log[v] = std::log2(static_cast<double>(std::max(d.count[v], 1)));
    const int64_t table_cap = depth < budget.max_split_depth ? budget.split_table_rows : budget.max_rows;
    Outcome o;
    {
      std::vector<char> found(d.alive.size(), 0);
      Eliminator<BoolArith> e(bits, domain_log, budget, table_cap, deadline);
      e.FindSupports(&offset, &found);
      uint8_t result = 0;
      o = e.Run(work, &result, stats);
      if (o == Outcome::kDone) {
        if (result == 0) return false;
        // Variables in no table (one value left, or unconstrained): all
        // their live values.
        for (int v = 0; v < n; ++v) {
          if (tables_of[v] > 0) continue;
          for (const int* it = d.begin(v); it != d.end(v); ++it) found[offset[v] + *it] = 1;
        }
        for (size_t i = 0; i < found.size(); ++i) (*supports)[i] |= found[i];
        return true;
      }
    }
    if (o != Outcome::kTooLarge) return std::nullopt;
    const int split = SplitVariable(d, tables_of);
    if (stats) ++stats->splits;
    std::vector<ColumnIndex> indexes;
    indexes.reserve(work.size());
    TableSet parts;
    parts.rels = work;
    for (const Relation* r : work) {
      indexes.push_back(BuildIndex(*r, domain));
      parts.index.push_back(&indexes.back());
    }
    parts.Link(n);
    const std::vector<int> cut{split};
    bool any = false;
    for (const int* it = d.begin(split); it != d.end(split); ++it) {
      std::vector<char> branch = d.alive;
      std::fill(branch.begin() + offset[split], branch.begin() + offset[split] + domain[split], 0);
      branch[offset[split] + *it] = 1;
      auto r = Supports(parts, std::move(branch), &cut, depth + 1, supports);
      if (!r) return std::nullopt;
      any = any || *r;
    }
    return any;
  }
};

}  // namespace

EliminationCounter::EliminationCounter(const Problem& problem, int64_t max_enumerated) : domain_(problem.domain) {
  for (int d : domain_) {
    if (d > 65535) usable_ = false;
  }
  if (!usable_) return;
  const std::vector<int> bits = ValueBits(domain_);
  relations_.reserve(problem.constraints.size());
  for (const Rule& r : problem.constraints) {
    auto rel = Tabulate(r, domain_, bits, max_enumerated);
    if (!rel) {
      usable_ = false;
      relations_.clear();
      return;
    }
    relations_.push_back(std::move(*rel));
  }
}

EliminationCounter::~EliminationCounter() = default;

int64_t EliminationCounter::RunsStarted() { return g_elimination_runs.load(); }

std::optional<mpz_class> EliminationCounter::Count(const Assignment& fixed, const CountBudget& budget,
                                                   CountStats* stats) const {
  if (!usable_) return std::nullopt;
  g_elimination_runs.fetch_add(1);
  const auto start = Clock::now();
  const int n = static_cast<int>(domain_.size());
  std::vector<int> offset(n + 1, 0);
  for (int v = 0; v < n; ++v) offset[v + 1] = offset[v] + domain_[v];
  std::vector<char> alive(offset[n], 1);
  bool picks = false;
  for (int v = 0; v < n && v < static_cast<int>(fixed.size()); ++v) {
    if (fixed[v] < 0) continue;
    if (fixed[v] >= domain_[v]) return mpz_class(0);
    std::fill(alive.begin() + offset[v], alive.begin() + offset[v + 1], 0);
    alive[offset[v] + fixed[v]] = 1;
    picks = true;
  }
  const std::vector<int> bits = ValueBits(domain_);
  TableSet top;
  for (const Relation& r : relations_) top.rels.push_back(&r);
  if (picks) {
    // Picks make a few columns selective: read the tables through the index.
    std::call_once(index_once_, [this] {
      index_ = std::make_unique<std::vector<ColumnIndex>>();
      index_->reserve(relations_.size());
      for (const Relation& r : relations_) index_->push_back(BuildIndex(r, domain_));
    });
    for (const ColumnIndex& ix : *index_) top.index.push_back(&ix);
  }
  top.Link(n);
  CountStats local;
  const double seconds = std::clamp(budget.max_seconds, 0.0, 1e7);
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  Search search{domain_, offset, bits, budget, deadline, &local, {}, {}};
  auto count = search.Solve(top, std::move(alive), std::vector<char>(n, 1), nullptr, 0);
  local.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (stats) *stats = local;
  return count;
}

std::optional<bool> EliminationCounter::ValidDomains(const Assignment& fixed, const CountBudget& budget,
                                                    std::vector<std::vector<char>>* supported,
                                                    CountStats* stats) const {
  if (!usable_) return std::nullopt;
  const auto start = Clock::now();
  const int n = static_cast<int>(domain_.size());
  supported->resize(n);
  for (int v = 0; v < n; ++v) (*supported)[v].assign(domain_[v], 0);
  std::vector<int> offset(n + 1, 0);
  for (int v = 0; v < n; ++v) offset[v + 1] = offset[v] + domain_[v];
  std::vector<char> alive(offset[n], 1);
  bool picks = false;
  for (int v = 0; v < n && v < static_cast<int>(fixed.size()); ++v) {
    if (fixed[v] < 0) continue;
    if (fixed[v] >= domain_[v]) return false;
    std::fill(alive.begin() + offset[v], alive.begin() + offset[v + 1], 0);
    alive[offset[v] + fixed[v]] = 1;
    picks = true;
  }
  const std::vector<int> bits = ValueBits(domain_);
  TableSet top;
  for (const Relation& r : relations_) top.rels.push_back(&r);
  if (picks) {
    std::call_once(index_once_, [this] {
      index_ = std::make_unique<std::vector<ColumnIndex>>();
      index_->reserve(relations_.size());
      for (const Relation& r : relations_) index_->push_back(BuildIndex(r, domain_));
    });
    for (const ColumnIndex& ix : *index_) top.index.push_back(&ix);
  }
  top.Link(n);
  CountStats local;
  const double seconds = std::clamp(budget.max_seconds, 0.0, 1e7);
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  Search search{domain_, offset, bits, budget, deadline, &local, {}, {}};
  std::vector<char> flat(offset[n], 0);
  auto feasible = search.Supports(top, std::move(alive), nullptr, 0, &flat);
  local.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (stats) *stats = local;
  if (!feasible || !*feasible) return feasible;
  for (int v = 0; v < n; ++v) {
    std::copy(flat.begin() + offset[v], flat.begin() + offset[v + 1], (*supported)[v].begin());
  }
  return true;
}

namespace {

// Counts for the SAT engine, which cannot. Whole-model counts cost seconds
// on a large model and every Configure request asks for one, mostly with the
// same picks (none, at first): recent counts are kept, keyed by the fixed
// assignment, and a count in progress is waited for instead of redone.
class CountingEngine : public Engine {
 public:
  static constexpr size_t kCachedCounts = 64;

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
    if (!counter_->usable()) return std::nullopt;
    std::promise<std::optional<mpz_class>> mine;
    std::shared_future<std::optional<mpz_class>> known;
    uint64_t generation = 0;
    {
      std::lock_guard<std::mutex> lock(cache_mu_);
      auto it = cache_.find(fixed);
      if (it != cache_.end()) {
        lru_.splice(lru_.begin(), lru_, it->second.recent);
        known = it->second.count;
      } else {
        generation = ++generation_;
        lru_.push_front(fixed);
        cache_.emplace(fixed, Entry{mine.get_future().share(), lru_.begin(), generation});
        while (cache_.size() > kCachedCounts) {
          cache_.erase(lru_.back());
          lru_.pop_back();
        }
      }
    }
    // Known or being counted by another request: its answer, waited for
    // outside the lock.
    if (known.valid()) return known.get();
    std::optional<mpz_class> c;
    try {
      c = counter_->Count(fixed, budget_);
    } catch (...) {
      mine.set_exception(std::current_exception());
      Forget(fixed, generation);
      throw;
    }
    mine.set_value(c);
    // "Unknown" is not kept: the next request may have the time it lacked.
    if (!c) Forget(fixed, generation);
    return c;
  }
  std::optional<CostBounds> Cost(const Assignment& fixed) const override { return inner_->Cost(fixed); }
  std::optional<std::vector<int>> Complete(const Assignment& fixed) const override { return inner_->Complete(fixed); }

 private:
  struct Entry {
    std::shared_future<std::optional<mpz_class>> count;
    std::list<Assignment>::iterator recent;  // in lru_
    uint64_t generation;
  };

  void Forget(const Assignment& fixed, uint64_t generation) const {
    std::lock_guard<std::mutex> lock(cache_mu_);
    auto it = cache_.find(fixed);
    if (it == cache_.end() || it->second.generation != generation) return;
    lru_.erase(it->second.recent);
    cache_.erase(it);
  }

  std::shared_ptr<const Engine> inner_;
  const Problem* problem_;
  CountBudget budget_;
  mutable std::once_flag counter_once_;
  mutable std::unique_ptr<EliminationCounter> counter_;  // built once under counter_once_
  mutable std::mutex cache_mu_;                          // guards the three below
  mutable std::map<Assignment, Entry> cache_;
  mutable std::list<Assignment> lru_;  // most recently asked first
  mutable uint64_t generation_ = 0;
};

}  // namespace

std::unique_ptr<Engine> WithExactCounter(std::shared_ptr<const Engine> inner, const Problem* problem,
                                         CountBudget budget) {
  return std::make_unique<CountingEngine>(std::move(inner), problem, budget);
}

}  // namespace atelier::config::internal
