// Item-to-item co-occurrence with an asymmetric cosine association:
//   sim(j -> i) = C(i, j) / (c(j)^alpha * c(i)^(1 - alpha))
// where C counts the rows (baskets, or users with user_level = 1) holding both
// items and c counts the rows holding one. alpha = 0.5 is cosine; alpha = 1 is
// the conditional probability P(i | j). Each item keeps its `neighbours`
// strongest associations. A query scores sum over its context items j of
// sim(j -> i).

#include <algorithm>
#include <cmath>

#include "internal/binary_io.h"
#include "internal/models.h"

namespace atelier::recommend::internal {
namespace {

class Cooccurrence : public ModelBase {
 public:
  using ModelBase::ModelBase;
  std::string_view kind() const override { return "cooccurrence"; }

  Status Fit(std::shared_ptr<const History> history) override {
    history_ = std::move(history);
    const double alpha = P("alpha");
    const auto keep = static_cast<size_t>(P("neighbours"));
    if (alpha < 0 || alpha > 1) return Error::InvalidArgument("alpha must be in [0, 1]", "alpha");
    if (keep == 0) return Error::InvalidArgument("neighbours must be > 0", "neighbours");
    const Interactions& d = history_->data;
    const bool by_user = d.has_users && (P("user_level") != 0 || !d.has_baskets);
    const uint32_t n = d.num_items;

    // Rows as CSR.
    std::span<const uint64_t> row_begin;
    std::span<const uint32_t> row_items;
    if (by_user) {
      row_begin = history_->user_items.begin;
      row_items = history_->user_items.items;
    } else {
      row_begin = d.basket_begin;
      row_items = d.items;
    }
    const size_t rows = row_begin.size() - 1;
    // Inverted index item -> rows.
    std::vector<uint64_t> inv_begin(n + 1, 0);
    for (uint32_t item : row_items) ++inv_begin[item + 1];
    for (uint32_t i = 0; i < n; ++i) inv_begin[i + 1] += inv_begin[i];
    std::vector<uint32_t> inv(row_items.size());
    {
      std::vector<uint64_t> fill(inv_begin.begin(), inv_begin.end() - 1);
      for (size_t r = 0; r < rows; ++r) {
        for (uint64_t p = row_begin[r]; p < row_begin[r + 1]; ++p) inv[fill[row_items[p]]++] = static_cast<uint32_t>(r);
      }
    }
    std::vector<double> count(n);
    for (uint32_t i = 0; i < n; ++i) count[i] = static_cast<double>(inv_begin[i + 1] - inv_begin[i]);

    begin_.assign(n + 1, 0);
    neighbour_.clear();
    weight_.clear();
    std::vector<uint32_t> acc(n, 0);
    std::vector<uint32_t> touched;
    std::vector<ScoredPair> pairs;
    for (uint32_t j = 0; j < n; ++j) {
      touched.clear();
      for (uint64_t p = inv_begin[j]; p < inv_begin[j + 1]; ++p) {
        uint32_t r = inv[p];
        for (uint64_t q = row_begin[r]; q < row_begin[r + 1]; ++q) {
          uint32_t i = row_items[q];
          if (i == j) continue;
          if (acc[i]++ == 0) touched.push_back(i);
        }
      }
      pairs.clear();
      const double cj = std::pow(count[j], alpha);
      for (uint32_t i : touched) {
        double s = acc[i] / (cj * std::pow(count[i], 1.0 - alpha));
        pairs.push_back({i, static_cast<float>(s)});
        acc[i] = 0;
      }
      if (pairs.size() > keep) {
        std::nth_element(pairs.begin(), pairs.begin() + static_cast<int64_t>(keep), pairs.end(), Stronger);
        pairs.resize(keep);
      }
      std::sort(pairs.begin(), pairs.end(), Stronger);
      for (const auto& pr : pairs) {
        neighbour_.push_back(pr.item);
        weight_.push_back(pr.weight);
      }
      begin_[j + 1] = neighbour_.size();
    }
    return Ok();
  }

  void Score(const Query& q, std::span<float> scores) const override {
    std::fill(scores.begin(), scores.end(), 0.0f);
    thread_local std::vector<uint32_t> context;
    ContextItems(*history_, q, context);
    for (uint32_t j : context) {
      for (uint64_t p = begin_[j]; p < begin_[j + 1]; ++p) scores[neighbour_[p]] += weight_[p];
    }
  }

  Status Save(std::ostream& out) const override {
    WriteVector(out, begin_);
    WriteVector(out, neighbour_);
    WriteVector(out, weight_);
    return Ok();
  }
  Status Load(std::istream& in, std::shared_ptr<const History> history) override {
    history_ = std::move(history);
    if (!ReadVector(in, begin_) || !ReadVector(in, neighbour_) || !ReadVector(in, weight_) ||
        begin_.size() != history_->data.num_items + 1 || neighbour_.size() != weight_.size() ||
        begin_.back() != neighbour_.size()) {
      return Error::InvalidArgument("corrupt cooccurrence model state", "artifact");
    }
    for (uint32_t i : neighbour_) {
      if (i >= history_->data.num_items) return Error::InvalidArgument("corrupt cooccurrence model state", "artifact");
    }
    return Ok();
  }

 private:
  struct ScoredPair {
    uint32_t item;
    float weight;
  };
  static bool Stronger(const ScoredPair& a, const ScoredPair& b) {
    return a.weight != b.weight ? a.weight > b.weight : a.item < b.item;
  }
  std::vector<uint64_t> begin_;
  std::vector<uint32_t> neighbour_;
  std::vector<float> weight_;
};

}  // namespace

std::unique_ptr<Model> MakeCooccurrence(const Params& p) { return std::make_unique<Cooccurrence>(p); }

}  // namespace atelier::recommend::internal
