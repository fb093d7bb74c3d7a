// Basket completion by multinomial logistic regression ("completion"):
//
//   P(i | Q) = exp(z_i) / sum over k not in Q of exp(z_k),
//   z_i = b_i + s_i * log|Q| + x . W[:, i] + sum over h of V[h][i] * relu(x . U[:, h] + c_h),
//   x = |Q|^-context_exponent times the indicator vector of Q,
//
// the probability that i is the item missing from a basket whose other items
// are Q. It is fitted on exactly that task: every training basket with at
// least 2 items (every user's item set for logs without baskets) gives one
// example per item, that item held out and the rest as Q. The loss is the
// weighted mean negative log-likelihood plus l2/2 * ||W[j]||^2 on each row j
// an example touches (likewise U[j] and the rows of V of the active units);
// the optimiser is Adagrad over `epochs` shuffled passes (a seeded
// generator, so a fit is deterministic), and the model kept is the average of
// the parameters after each epoch of the second half (iterate averaging, which
// smooths the last steps' noise). b starts at log(popularity), W and s at 0.
// With seeds = S > 1 the model is an ensemble of S members fitted
// independently: member k draws its hidden-weight initialisation and then its
// shuffles from a generator seeded 42 + k (member 0 is exactly the seeds = 1
// fit), and P(i | Q) is the mean over the members of their own probabilities.
// Predictions, not parameters, are averaged: with a hidden layer the members'
// units need not correspond, and even without one the mean of softmaxes is
// not the softmax of mean logits.
// s (with size_feature = 1) lets the prior depend on the basket's size.
// The hidden layer (U, c, V with `hidden` > 0 units; none by default) lets a
// combination of context items move an item's odds by more or less than the
// sum of their pairwise effects: W sees items one at a time.
// An example from a basket of n items is weighted n^-example_weight (the
// weights rescaled to average 1): with example_weight = 1 every basket counts
// once, as every test basket gives one case, instead of large baskets giving
// most of the examples.
// Unlike a similarity model it learns an item prior (b) and how much each
// context item shifts it, so a popular staple and a rare complement are
// weighed on one scale.
//
// Score() returns P(i | context), context = the user's training items and the
// query items; 0 for items outside the training set and for context items.
//
// Params: l2 >= 0, learning_rate > 0, epochs >= 1, context_exponent in
// [0, 1], size_feature 0 or 1, seeds in [1, 64], hidden in [0, 256],
// example_weight in [0, 1]. Memory: `seeds` dense float matrices of the
// training item count squared to serve (one per member), seeds + 2 while
// fitting; more than kMaxItems training items is kTooLarge. Fitting and
// scoring take `seeds` times as long as one member. Each member's epoch
// visits at most kMaxWorkPerEpoch (example x item) terms; larger logs are
// sampled.
//
// Artifact state: the members one after another, each as b, s, W and, with
// a hidden layer, U, c, V (so seeds = 1 is the single-fit format); Load
// takes the member count from `seeds` as it takes `hidden` from its param.

#include <algorithm>
#include <cmath>
#include <random>

#include "internal/binary_io.h"
#include "internal/models.h"

namespace atelier::recommend::internal {
namespace {

constexpr uint32_t kMaxItems = 6000;
constexpr uint64_t kMaxWorkPerEpoch = 400'000'000;
constexpr uint32_t kMaxHidden = 256;
constexpr int kMaxSeeds = 64;

class Completion : public ModelBase {
 public:
  using ModelBase::ModelBase;
  std::string_view kind() const override { return "completion"; }

  Status Fit(std::shared_ptr<const History> history) override {
    history_ = std::move(history);
    const double l2 = P("l2"), rate = P("learning_rate"), exponent = P("context_exponent");
    const auto epochs = static_cast<int>(P("epochs"));
    if (!(l2 >= 0)) return Error::InvalidArgument("l2 must be >= 0", "l2");
    if (!(rate > 0)) return Error::InvalidArgument("learning_rate must be > 0", "learning_rate");
    if (epochs < 1) return Error::InvalidArgument("epochs must be >= 1", "epochs");
    if (!(P("seeds") >= 1 && P("seeds") <= kMaxSeeds)) {
      return Error::InvalidArgument("seeds must be in [1, " + std::to_string(kMaxSeeds) + "]", "seeds");
    }
    if (!(exponent >= 0 && exponent <= 1)) {
      return Error::InvalidArgument("context_exponent must be in [0, 1]", "context_exponent");
    }
    if (!(P("hidden") >= 0 && P("hidden") <= kMaxHidden)) {
      return Error::InvalidArgument("hidden must be in [0, " + std::to_string(kMaxHidden) + "]", "hidden");
    }
    const double example_weight = P("example_weight");
    if (!(example_weight >= 0 && example_weight <= 1)) {
      return Error::InvalidArgument("example_weight must be in [0, 1]", "example_weight");
    }
    const auto hidden = static_cast<uint32_t>(P("hidden"));
    BuildColumns();
    const uint32_t n = static_cast<uint32_t>(items_.size());
    if (n > kMaxItems) {
      return Error::TooLarge("completion supports at most " + std::to_string(kMaxItems) + " training items, got " +
                             std::to_string(n));
    }
    if (n == 0) return Error::InvalidArgument("no training items", "events");

    // Rows (in column space) and the examples they give: (row, held-out position).
    const Interactions& d = history_->data;
    std::vector<uint64_t> row_begin = {0};
    std::vector<uint32_t> row_cols;
    auto add_row = [&](std::span<const uint32_t> row) {
      if (row.size() < 2) return;
      for (uint32_t item : row) row_cols.push_back(col_[item]);
      row_begin.push_back(row_cols.size());
    };
    if (d.has_baskets || !d.has_users) {
      for (size_t b = 0; b < d.num_baskets(); ++b) add_row(d.BasketItems(b));
    } else {
      for (uint32_t u = 0; u < d.num_users; ++u) add_row(history_->user_items.Of(u));
    }
    struct Example {
      uint32_t row;
      uint32_t held;  // position within the row
    };
    std::vector<Example> examples;
    uint64_t work = 0;
    double weight_total = 0;
    for (uint32_t r = 0; r + 1 < row_begin.size(); ++r) {
      const uint64_t len = row_begin[r + 1] - row_begin[r];
      for (uint32_t p = 0; p < len; ++p) examples.push_back({r, p});
      work += len * (len + 1 + 2 * hidden) * n;
      weight_total += static_cast<double>(len) * std::pow(static_cast<double>(len), -example_weight);
    }
    // Per row: the weight of each of its examples, averaging 1 over examples.
    std::vector<float> row_weight(row_begin.size() - 1);
    for (uint32_t r = 0; r + 1 < row_begin.size(); ++r) {
      const double len = static_cast<double>(row_begin[r + 1] - row_begin[r]);
      row_weight[r] = static_cast<float>(std::pow(len, -example_weight) * static_cast<double>(examples.size()) /
                                         weight_total);
    }

    const float sexp = static_cast<float>(exponent);
    const bool use_size = P("size_feature") != 0;
    const auto seeds = static_cast<int>(P("seeds"));
    const int first_averaged = epochs / 2;
    const float inv_count = 1.0f / static_cast<float>(epochs - first_averaged);
    // `it` is a member's current iterate; members_[m] accumulates the
    // iterates of its second half of the epochs, then holds their mean.
    Member it;
    std::vector<Example> order;
    std::vector<float> w_acc, bias_acc, size_acc, u_acc, v_acc, c_acc;
    std::vector<float> act(hidden), dpre(hidden);
    std::vector<float> z(n), g(n);
    std::vector<uint8_t> in_query(n, 0);
    std::vector<uint32_t> query;
    const float lr = static_cast<float>(rate), reg = static_cast<float>(l2);
    constexpr float kEps = 1e-6f;
    // Share of the examples visited per epoch, so an epoch stays within budget.
    const double share = work > kMaxWorkPerEpoch ? static_cast<double>(kMaxWorkPerEpoch) / work : 1.0;

    members_.assign(static_cast<size_t>(seeds), Member{});
    for (int m = 0; m < seeds; ++m) {
      // Every member starts from the examples in their original order, so
      // member m depends on m alone.
      order = examples;
      std::mt19937_64 gen(42 + static_cast<uint64_t>(m));
      it.bias.assign(n, 0.0f);
      for (uint32_t c = 0; c < n; ++c) {
        it.bias[c] = static_cast<float>(std::log(static_cast<double>(history_->popularity[items_[c]])));
      }
      it.w.assign(static_cast<size_t>(n) * n, 0.0f);
      it.size.assign(n, 0.0f);
      w_acc.assign(it.w.size(), 0.0f);
      bias_acc.assign(n, 0.0f);
      size_acc.assign(n, 0.0f);
      // Small random hidden weights (zero would leave every unit identical),
      // drawn from the member's generator before its first shuffle.
      std::normal_distribution<float> init_u(0.0f, 0.1f), init_v(0.0f, 0.01f);
      it.u.resize(static_cast<size_t>(n) * hidden);
      it.v.resize(static_cast<size_t>(hidden) * n);
      for (float& x : it.u) x = init_u(gen);
      for (float& x : it.v) x = init_v(gen);
      it.c.assign(hidden, 0.0f);
      u_acc.assign(it.u.size(), 0.0f);
      v_acc.assign(it.v.size(), 0.0f);
      c_acc.assign(hidden, 0.0f);
      Member& avg = members_[static_cast<size_t>(m)];
      avg.w.assign(it.w.size(), 0.0f);
      avg.bias.assign(n, 0.0f);
      avg.size.assign(n, 0.0f);
      avg.u.assign(it.u.size(), 0.0f);
      avg.v.assign(it.v.size(), 0.0f);
      avg.c.assign(hidden, 0.0f);
      for (int epoch = 0; epoch < epochs; ++epoch) {
        for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[gen() % i]);
        const auto visit = static_cast<size_t>(std::ceil(share * static_cast<double>(order.size())));
        for (size_t e = 0; e < visit; ++e) {
          const Example& ex = order[e];
          const uint32_t* row = row_cols.data() + row_begin[ex.row];
          const uint32_t len = static_cast<uint32_t>(row_begin[ex.row + 1] - row_begin[ex.row]);
          const uint32_t target = row[ex.held];
          query.clear();
          for (uint32_t p = 0; p < len; ++p) {
            if (p != ex.held) query.push_back(row[p]);
          }
          const float scale = std::pow(static_cast<float>(query.size()), -sexp);
          const float log_size = std::log(static_cast<float>(query.size()));
          for (uint32_t i = 0; i < n; ++i) z[i] = it.bias[i] + log_size * it.size[i];
          for (uint32_t j : query) {
            const float* wj = it.w.data() + static_cast<size_t>(j) * n;
            for (uint32_t i = 0; i < n; ++i) z[i] += scale * wj[i];
            in_query[j] = 1;
          }
          if (hidden > 0) HiddenForward(it, query, scale, act, z);
          float top = -INFINITY;
          for (uint32_t i = 0; i < n; ++i) {
            if (!in_query[i]) top = std::max(top, z[i]);
          }
          double total = 0;
          for (uint32_t i = 0; i < n; ++i) {
            g[i] = in_query[i] ? 0.0f : std::exp(z[i] - top);
            total += g[i];
          }
          const float weight = row_weight[ex.row];
          const float inv = static_cast<float>(weight / total);
          for (uint32_t i = 0; i < n; ++i) g[i] *= inv;
          g[target] -= weight;
          if (hidden > 0) {
            // Backward through V (reading each weight before its update), c and U.
            for (uint32_t h = 0; h < hidden; ++h) {
              dpre[h] = 0.0f;
              if (act[h] <= 0.0f) continue;
              float* vh = it.v.data() + static_cast<size_t>(h) * n;
              float* ah = v_acc.data() + static_cast<size_t>(h) * n;
              float back = 0.0f;
              for (uint32_t i = 0; i < n; ++i) {
                back += vh[i] * g[i];
                const float grad = act[h] * g[i] + reg * vh[i];
                ah[i] += grad * grad;
                vh[i] -= lr * grad / (std::sqrt(ah[i]) + kEps);
              }
              dpre[h] = back;
              c_acc[h] += back * back;
              it.c[h] -= lr * back / (std::sqrt(c_acc[h]) + kEps);
            }
            for (uint32_t j : query) {
              float* uj = it.u.data() + static_cast<size_t>(j) * hidden;
              float* aj = u_acc.data() + static_cast<size_t>(j) * hidden;
              for (uint32_t h = 0; h < hidden; ++h) {
                const float grad = scale * dpre[h] + reg * uj[h];
                aj[h] += grad * grad;
                uj[h] -= lr * grad / (std::sqrt(aj[h]) + kEps);
              }
            }
          }
          for (uint32_t i = 0; i < n; ++i) {
            bias_acc[i] += g[i] * g[i];
            it.bias[i] -= lr * g[i] / (std::sqrt(bias_acc[i]) + kEps);
          }
          if (use_size && log_size > 0) {
            for (uint32_t i = 0; i < n; ++i) {
              const float grad = log_size * g[i] + reg * it.size[i];
              size_acc[i] += grad * grad;
              it.size[i] -= lr * grad / (std::sqrt(size_acc[i]) + kEps);
            }
          }
          for (uint32_t j : query) {
            float* wj = it.w.data() + static_cast<size_t>(j) * n;
            float* aj = w_acc.data() + static_cast<size_t>(j) * n;
            for (uint32_t i = 0; i < n; ++i) {
              const float grad = scale * g[i] + reg * wj[i];
              aj[i] += grad * grad;
              wj[i] -= lr * grad / (std::sqrt(aj[i]) + kEps);
            }
            in_query[j] = 0;
          }
        }
        if (epoch >= first_averaged) {
          for (size_t i = 0; i < it.w.size(); ++i) avg.w[i] += it.w[i];
          for (uint32_t i = 0; i < n; ++i) {
            avg.bias[i] += it.bias[i];
            avg.size[i] += it.size[i];
          }
          for (size_t i = 0; i < it.u.size(); ++i) avg.u[i] += it.u[i];
          for (size_t i = 0; i < it.v.size(); ++i) avg.v[i] += it.v[i];
          for (uint32_t h = 0; h < hidden; ++h) avg.c[h] += it.c[h];
        }
      }
      for (float& x : avg.w) x *= inv_count;
      for (float& x : avg.bias) x *= inv_count;
      for (float& x : avg.size) x *= inv_count;
      for (float& x : avg.u) x *= inv_count;
      for (float& x : avg.v) x *= inv_count;
      for (float& x : avg.c) x *= inv_count;
    }
    return Ok();
  }

  void Score(const Query& q, std::span<float> scores) const override {
    std::fill(scores.begin(), scores.end(), 0.0f);
    thread_local std::vector<uint32_t> context, cols;
    thread_local std::vector<float> z, act, sum;
    ContextItems(*history_, q, context);
    const size_t n = items_.size();
    cols.clear();
    for (uint32_t j : context) {
      if (j < col_.size() && col_[j] != kNone) cols.push_back(col_[j]);
    }
    const float scale = std::pow(static_cast<float>(cols.size()), -static_cast<float>(P("context_exponent")));
    const float log_size = std::log(static_cast<float>(cols.size()));
    const bool ensemble = members_.size() > 1;
    if (ensemble) sum.assign(n, 0.0f);
    for (const Member& m : members_) {
      z.assign(m.bias.begin(), m.bias.end());
      if (cols.size() > 1) {
        for (size_t i = 0; i < n; ++i) z[i] += log_size * m.size[i];
      }
      if (!cols.empty()) {
        for (uint32_t j : cols) {
          const float* wj = m.w.data() + static_cast<size_t>(j) * n;
          for (size_t i = 0; i < n; ++i) z[i] += scale * wj[i];
        }
        if (!m.c.empty()) {
          act.resize(m.c.size());
          HiddenForward(m, cols, scale, act, z);
        }
      }
      for (uint32_t j : cols) z[j] = -INFINITY;
      float top = -INFINITY;
      for (float v : z) top = std::max(top, v);
      if (top == -INFINITY) return;  // every training item is in the context
      double total = 0;
      for (float& v : z) {
        v = std::exp(v - top);
        total += v;
      }
      const float inv = static_cast<float>(1.0 / total);
      if (!ensemble) {
        for (size_t i = 0; i < n; ++i) scores[items_[i]] = z[i] * inv;
        return;
      }
      for (size_t i = 0; i < n; ++i) sum[i] += z[i] * inv;
    }
    const float members = static_cast<float>(members_.size());
    for (size_t i = 0; i < n; ++i) scores[items_[i]] = sum[i] / members;
  }

  Status Save(std::ostream& out) const override {
    for (const Member& m : members_) {
      WriteVector(out, m.bias);
      WriteVector(out, m.size);
      WriteVector(out, m.w);
      if (!m.c.empty()) {
        WriteVector(out, m.u);
        WriteVector(out, m.c);
        WriteVector(out, m.v);
      }
    }
    return Ok();
  }
  Status Load(std::istream& in, std::shared_ptr<const History> history) override {
    history_ = std::move(history);
    BuildColumns();
    const auto corrupt = [] { return Error::InvalidArgument("corrupt completion model state", "artifact"); };
    if (!(P("seeds") >= 1 && P("seeds") <= kMaxSeeds)) return corrupt();
    const auto seeds = static_cast<size_t>(P("seeds"));
    const auto hidden = static_cast<size_t>(P("hidden"));
    const size_t n = items_.size();
    members_.assign(seeds, Member{});
    for (Member& m : members_) {
      if (!ReadVector(in, m.bias) || !ReadVector(in, m.size) || !ReadVector(in, m.w) || m.bias.size() != n ||
          m.size.size() != n || m.w.size() != n * n) {
        members_.clear();
        return corrupt();
      }
      if (hidden > 0 && (!ReadVector(in, m.u) || !ReadVector(in, m.c) || !ReadVector(in, m.v) ||
                         m.u.size() != n * hidden || m.c.size() != hidden || m.v.size() != hidden * n)) {
        members_.clear();
        return corrupt();
      }
    }
    return Ok();
  }

 private:
  // One fitted model; the ensemble's probability is the mean of its members'.
  struct Member {
    std::vector<float> bias;  // per column
    std::vector<float> size;  // per column: slope on log(query size)
    std::vector<float> w;     // row-major n x n: row j is what context item j adds
    std::vector<float> u;     // row-major n x hidden: row j is context item j's input to the units
    std::vector<float> c;     // per hidden unit: its bias (empty without a hidden layer)
    std::vector<float> v;     // row-major hidden x n: row h is what unit h adds per unit of activation
  };

  void BuildColumns() { TrainedItemColumns(*history_, col_, items_); }
  // Adds member m's hidden layer output to z for the context columns `query`
  // scaled by `scale`, leaving the units' activations in `act`.
  void HiddenForward(const Member& m, std::span<const uint32_t> query, float scale, std::vector<float>& act,
                     std::vector<float>& z) const {
    const size_t n = items_.size(), hidden = m.c.size();
    for (size_t h = 0; h < hidden; ++h) act[h] = m.c[h];
    for (uint32_t j : query) {
      const float* uj = m.u.data() + static_cast<size_t>(j) * hidden;
      for (size_t h = 0; h < hidden; ++h) act[h] += scale * uj[h];
    }
    for (size_t h = 0; h < hidden; ++h) {
      act[h] = std::max(act[h], 0.0f);
      if (act[h] == 0.0f) continue;
      const float* vh = m.v.data() + h * n;
      for (size_t i = 0; i < n; ++i) z[i] += act[h] * vh[i];
    }
  }
  std::vector<uint32_t> col_;    // item -> column, kNone outside the training set
  std::vector<uint32_t> items_;  // column -> item
  std::vector<Member> members_;  // `seeds` of them once fitted or loaded
};

}  // namespace

std::unique_ptr<Model> MakeCompletion(const Params& p) { return std::make_unique<Completion>(p); }

}  // namespace atelier::recommend::internal
