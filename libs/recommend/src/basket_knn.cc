// Basket neighbours ("basketknn"): the training baskets most like the query
// vote for their items, so items that go with the query's items jointly (not
// just one at a time, as item-to-item models see them) rise.
//
//   sim(C, B) = |C n B| / |B|^beta        for a training basket B
//   score(i)  = sum over the `neighbours` baskets B with the highest sim that
//               hold i of sim(C, B), divided by popularity(i)^gamma
//
// C is the query's context: the query items and the user's training items,
// or with recent_baskets = m > 0 only the items of the user's m latest
// training baskets (what a shopper buys next follows their latest baskets).
// Rows are baskets; for logs without baskets, each user's item set is a row.
// Ties among baskets break by row index. An item held by more than
// kMaxPostings rows contributes only its kMaxPostings latest rows, which
// bounds a query's work on a large history (at 10,000, a bought-together
// top-20 for a 3-item cart on 100k generated items takes 0.34 ms of CPU on
// average, 1.2 ms at the 99th percentile; see BENCHMARKS.md).
//
// Params: neighbours >= 1, beta in [0, 1], gamma in [0, 1], recent_baskets >= 0.

#include <algorithm>
#include <cmath>

#include "internal/models.h"

namespace atelier::recommend::internal {
namespace {

constexpr uint64_t kMaxPostings = 10'000;

class BasketKnn : public ModelBase {
 public:
  using ModelBase::ModelBase;
  std::string_view kind() const override { return "basketknn"; }

  Status Fit(std::shared_ptr<const History> history) override {
    history_ = std::move(history);
    if (P("neighbours") < 1) return Error::InvalidArgument("neighbours must be >= 1", "neighbours");
    if (!(P("beta") >= 0 && P("beta") <= 1)) return Error::InvalidArgument("beta must be in [0, 1]", "beta");
    if (!(P("gamma") >= 0 && P("gamma") <= 1)) return Error::InvalidArgument("gamma must be in [0, 1]", "gamma");
    if (P("recent_baskets") < 0) return Error::InvalidArgument("recent_baskets must be >= 0", "recent_baskets");
    Index();
    return Ok();
  }

  void Score(const Query& q, std::span<float> scores) const override {
    std::fill(scores.begin(), scores.end(), 0.0f);
    thread_local std::vector<uint32_t> context, touched, scored;
    thread_local std::vector<float> overlap;
    struct Neighbour {
      float sim;
      uint32_t row;
    };
    thread_local std::vector<Neighbour> cands;
    Context(q, context);
    const size_t rows = RowCount();
    if (overlap.size() != rows) overlap.assign(rows, 0.0f);
    touched.clear();
    for (uint32_t j : context) {
      if (j >= inv_begin_.size() - 1) continue;
      const uint64_t from = inv_begin_[j + 1] - std::min(inv_begin_[j + 1] - inv_begin_[j], kMaxPostings);
      for (uint64_t p = from; p < inv_begin_[j + 1]; ++p) {
        const uint32_t r = inv_[p];
        if (overlap[r] == 0.0f) touched.push_back(r);
        overlap[r] += 1.0f;
      }
    }
    cands.clear();
    for (uint32_t r : touched) {
      cands.push_back({overlap[r] * length_weight_[r], r});
      overlap[r] = 0.0f;
    }
    const size_t k = neighbours_;
    auto better = [](const Neighbour& a, const Neighbour& b) { return a.sim != b.sim ? a.sim > b.sim : a.row < b.row; };
    if (cands.size() > k) {
      std::nth_element(cands.begin(), cands.begin() + static_cast<int64_t>(k), cands.end(), better);
      cands.resize(k);
    }
    // Similarities are positive: an item is new to the list while its score is 0.
    // Only those items are weighted, not the whole catalogue.
    scored.clear();
    for (const Neighbour& c : cands) {
      for (uint32_t item : Row(c.row)) {
        if (scores[item] == 0.0f) scored.push_back(item);
        scores[item] += c.sim;
      }
    }
    for (uint32_t item : scored) scores[item] *= item_weight_[item];
  }

  // The state is derived from the History alone: rebuilt on load.
  Status Save(std::ostream&) const override { return Ok(); }
  Status Load(std::istream&, std::shared_ptr<const History> history) override {
    history_ = std::move(history);
    Index();
    return Ok();
  }

 private:
  void Context(const Query& q, std::vector<uint32_t>& out) const {
    const auto recent = static_cast<uint64_t>(P("recent_baskets"));
    const Interactions& d = history_->data;
    if (recent == 0 || q.user == kNone || q.user >= d.num_users) {
      ContextItems(*history_, q, out);
      return;
    }
    out.assign(q.items.begin(), q.items.end());
    const uint64_t first = d.user_begin[q.user], last = d.user_begin[q.user + 1];
    for (uint64_t b = last - std::min(last - first, recent); b < last; ++b) {
      for (uint32_t item : d.BasketItems(b)) out.push_back(item);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }
  bool ByUser() const { return !history_->data.has_baskets && history_->data.has_users; }
  size_t RowCount() const {
    return ByUser() ? history_->user_items.begin.size() - 1 : history_->data.num_baskets();
  }
  std::span<const uint32_t> Row(uint32_t r) const {
    return ByUser() ? history_->user_items.Of(r) : history_->data.BasketItems(r);
  }

  void Index() {
    const uint32_t n = history_->data.num_items;
    const size_t rows = RowCount();
    const double beta = P("beta"), gamma = P("gamma");
    neighbours_ = static_cast<size_t>(P("neighbours"));
    inv_begin_.assign(n + 1, 0);
    length_weight_.assign(rows, 0.0f);
    for (uint32_t r = 0; r < rows; ++r) {
      auto row = Row(r);
      for (uint32_t item : row) ++inv_begin_[item + 1];
      length_weight_[r] = static_cast<float>(std::pow(static_cast<double>(std::max<size_t>(row.size(), 1)), -beta));
    }
    for (uint32_t i = 0; i < n; ++i) inv_begin_[i + 1] += inv_begin_[i];
    inv_.resize(inv_begin_[n]);
    std::vector<uint64_t> fill(inv_begin_.begin(), inv_begin_.end() - 1);
    for (uint32_t r = 0; r < rows; ++r) {
      for (uint32_t item : Row(r)) inv_[fill[item]++] = r;
    }
    item_weight_.assign(n, 0.0f);
    for (uint32_t i = 0; i < n; ++i) {
      const uint32_t pop = history_->popularity[i];
      if (pop > 0) item_weight_[i] = static_cast<float>(std::pow(static_cast<double>(pop), -gamma));
    }
  }

  std::vector<uint64_t> inv_begin_;   // item -> range of inv_
  std::vector<uint32_t> inv_;         // rows holding the item, increasing
  std::vector<float> length_weight_;  // per row: |B|^-beta
  std::vector<float> item_weight_;    // per item: popularity^-gamma
  size_t neighbours_ = 0;             // P("neighbours"), read once: Score is on the serving path
};

}  // namespace

std::unique_ptr<Model> MakeBasketKnn(const Params& p) { return std::make_unique<BasketKnn>(p); }

}  // namespace atelier::recommend::internal
