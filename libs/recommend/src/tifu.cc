// TIFU-KNN (Hu, He, Zhang, de Rijke; SIGIR 2020) and its personal part alone.
//
// A user's baskets, oldest first, are cut into groups of `group_size`
// baskets counted back from the latest (the oldest group may be smaller).
// Within a group the j-th of g baskets weighs within_decay^(g - j); groups
// are averaged, the i-th of G groups weighs group_decay^(G - i), and the sum
// is divided by G: the user's "personal item frequency" vector v_u.
// tifu predicts alpha * v_u + (1 - alpha) * mean of v over the `neighbours`
// users most similar to u (cosine of the v vectors); personal is alpha = 1.
//
// Params: group_size >= 1, within_decay and group_decay in (0, 1],
// neighbours >= 1, alpha in [0, 1].

#include <algorithm>
#include <cmath>
#include <thread>

#include "internal/binary_io.h"
#include "internal/models.h"

namespace atelier::recommend::internal {
namespace {

// Items kept per user beyond their own in the precomputed prediction.
constexpr size_t kExtraPredicted = 500;
// Predictions are precomputed only while users * kExtraPredicted stays under
// this many entries; beyond it the mixture is computed per request.
constexpr uint64_t kMaxPredictedEntries = 20'000'000;
// Items held by more users than this are skipped when finding neighbours:
// they say little about taste and would make the search quadratic.
constexpr uint64_t kMaxItemUsers = 5000;

struct Entry {
  uint32_t id;
  float weight;
};

class Tifu : public ModelBase {
 public:
  Tifu(Params p, std::string_view kind) : ModelBase(std::move(p)), kind_(kind) {
    if (kind_ == "personal") {
      params_["neighbours"] = 0;
      params_["alpha"] = 1;
    }
  }
  std::string_view kind() const override { return kind_; }

  Status Fit(std::shared_ptr<const History> history) override {
    history_ = std::move(history);
    const double group_size = P("group_size"), rb = P("within_decay"), rg = P("group_decay");
    if (group_size < 1) return Error::InvalidArgument("group_size must be >= 1", "group_size");
    if (!(rb > 0 && rb <= 1)) return Error::InvalidArgument("within_decay must be in (0, 1]", "within_decay");
    if (!(rg > 0 && rg <= 1)) return Error::InvalidArgument("group_decay must be in (0, 1]", "group_decay");
    if (P("alpha") < 0 || P("alpha") > 1) return Error::InvalidArgument("alpha must be in [0, 1]", "alpha");
    const Interactions& d = history_->data;
    const uint32_t users = d.num_users, n = d.num_items;
    const auto m = static_cast<uint64_t>(group_size);

    // Personal vectors.
    vec_begin_.assign(users + 1, 0);
    vec_.clear();
    norm_.assign(users, 0.0f);
    std::vector<double> acc(n, 0.0);
    std::vector<uint32_t> touched;
    for (uint32_t u = 0; u < users; ++u) {
      const uint64_t first = d.user_begin[u], last = d.user_begin[u + 1], count = last - first;
      touched.clear();
      if (count > 0) {
        const uint64_t groups = (count + m - 1) / m;
        for (uint64_t b = first; b < last; ++b) {
          const uint64_t back = last - 1 - b;          // 0 for the latest basket
          const uint64_t group_from_end = back / m;    // 0 for the latest group
          const uint64_t pos_from_end = back % m;      // 0 for the group's latest basket
          // Size of this group: full, except possibly the oldest one.
          const uint64_t group_len = group_from_end + 1 < groups ? m : count - (groups - 1) * m;
          const double w = std::pow(rb, static_cast<double>(pos_from_end)) / static_cast<double>(group_len) *
                           std::pow(rg, static_cast<double>(group_from_end)) / static_cast<double>(groups);
          for (uint32_t item : d.BasketItems(b)) {
            if (acc[item] == 0.0) touched.push_back(item);
            acc[item] += w;
          }
        }
      }
      std::sort(touched.begin(), touched.end());
      double sq = 0;
      for (uint32_t item : touched) {
        vec_.push_back({item, static_cast<float>(acc[item])});
        sq += acc[item] * acc[item];
        acc[item] = 0.0;
      }
      norm_[u] = static_cast<float>(std::sqrt(sq));
      vec_begin_[u + 1] = vec_.size();
    }

    neighbour_begin_.assign(users + 1, 0);
    neighbours_.clear();
    pred_begin_.clear();
    pred_.clear();
    inv_begin_.clear();
    inv_.clear();
    const auto k = static_cast<size_t>(P("neighbours"));
    if (k == 0 || P("alpha") >= 1.0) return Ok();

    // Inverted index item -> (user, weight).
    inv_begin_.assign(n + 1, 0);
    for (const Entry& e : vec_) ++inv_begin_[e.id + 1];
    for (uint32_t i = 0; i < n; ++i) inv_begin_[i + 1] += inv_begin_[i];
    inv_.resize(vec_.size());
    {
      std::vector<uint64_t> fill(inv_begin_.begin(), inv_begin_.end() - 1);
      for (uint32_t u = 0; u < users; ++u) {
        for (uint64_t p = vec_begin_[u]; p < vec_begin_[u + 1]; ++p) {
          inv_[fill[vec_[p].id]++] = {u, vec_[p].weight};
        }
      }
    }
    // Neighbour lists, computed on two threads.
    std::vector<std::vector<uint32_t>> lists(users);
    auto work = [&](uint32_t from, uint32_t to) {
      std::vector<float> sims(users, 0.0f);
      std::vector<uint32_t> touched_users, out;
      for (uint32_t u = from; u < to; ++u) {
        FindNeighbours(std::span<const Entry>(vec_.data() + vec_begin_[u], vec_.data() + vec_begin_[u + 1]),
                       norm_[u], u, k, sims, touched_users, out);
        lists[u] = out;
      }
    };
    const unsigned threads = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) {
      pool.emplace_back(work, static_cast<uint32_t>(uint64_t{users} * t / threads),
                        static_cast<uint32_t>(uint64_t{users} * (t + 1) / threads));
    }
    for (auto& th : pool) th.join();
    for (uint32_t u = 0; u < users; ++u) {
      neighbours_.insert(neighbours_.end(), lists[u].begin(), lists[u].end());
      neighbour_begin_[u + 1] = neighbours_.size();
      std::vector<uint32_t>().swap(lists[u]);
    }
    if (uint64_t{users} * kExtraPredicted > kMaxPredictedEntries) return Ok();
    // Each known user's prediction, computed once so serving is a scatter of
    // a short list: the user's own items plus the kExtraPredicted strongest
    // others (an item outside the list scores 0, below every item in it).
    std::vector<std::vector<Entry>> preds(users);
    auto predict = [&](uint32_t from, uint32_t to) {
      std::vector<float> dense(n, 0.0f);
      std::vector<uint32_t> touched_items;
      for (uint32_t u = from; u < to; ++u) {
        Mix(u, dense, touched_items);
        auto& out = preds[u];
        out.clear();
        for (uint32_t item : touched_items) {
          out.push_back({item, dense[item]});
          dense[item] = 0.0f;
        }
        const size_t keep = (vec_begin_[u + 1] - vec_begin_[u]) + kExtraPredicted;
        auto stronger = [](const Entry& a, const Entry& b) { return a.weight != b.weight ? a.weight > b.weight : a.id < b.id; };
        if (out.size() > keep) {
          std::nth_element(out.begin(), out.begin() + static_cast<int64_t>(keep), out.end(), stronger);
          out.resize(keep);
        }
        out.shrink_to_fit();
      }
    };
    pool.clear();
    for (unsigned t = 0; t < threads; ++t) {
      pool.emplace_back(predict, static_cast<uint32_t>(uint64_t{users} * t / threads),
                        static_cast<uint32_t>(uint64_t{users} * (t + 1) / threads));
    }
    for (auto& th : pool) th.join();
    pred_begin_.assign(users + 1, 0);
    pred_.clear();
    for (uint32_t u = 0; u < users; ++u) {
      pred_.insert(pred_.end(), preds[u].begin(), preds[u].end());
      pred_begin_[u + 1] = pred_.size();
    }
    return Ok();
  }

  // alpha * v_u + (1 - alpha) * mean of the neighbours' v, into `dense`;
  // `touched` lists the nonzero items.
  void Mix(uint32_t u, std::vector<float>& dense, std::vector<uint32_t>& touched) const {
    touched.clear();
    const float alpha = static_cast<float>(P("alpha"));
    auto add = [&](uint32_t item, float w) {
      if (dense[item] == 0.0f) touched.push_back(item);
      dense[item] += w;
      if (dense[item] == 0.0f) dense[item] = 1e-30f;  // keep "touched" exact
    };
    for (uint64_t p = vec_begin_[u]; p < vec_begin_[u + 1]; ++p) add(vec_[p].id, alpha * vec_[p].weight);
    const uint64_t nb = neighbour_begin_[u + 1] - neighbour_begin_[u];
    if (nb == 0) return;
    const float w = (1.0f - alpha) / static_cast<float>(nb);
    for (uint64_t q = neighbour_begin_[u]; q < neighbour_begin_[u + 1]; ++q) {
      const uint32_t v = neighbours_[q];
      for (uint64_t p = vec_begin_[v]; p < vec_begin_[v + 1]; ++p) add(vec_[p].id, w * vec_[p].weight);
    }
  }

  void Score(const Query& q, std::span<float> scores) const override {
    std::fill(scores.begin(), scores.end(), 0.0f);
    const float alpha = static_cast<float>(P("alpha"));
    const Interactions& d = history_->data;
    std::span<const Entry> own;
    std::span<const uint32_t> nbrs;
    thread_local std::vector<Entry> query_vec;
    thread_local std::vector<uint32_t> query_nbrs, touched_users;
    thread_local std::vector<float> sims;
    if (q.user != kNone && q.user < d.num_users && !pred_begin_.empty()) {
      for (uint64_t p = pred_begin_[q.user]; p < pred_begin_[q.user + 1]; ++p) scores[pred_[p].id] = pred_[p].weight;
      return;
    }
    if (q.user != kNone && q.user < d.num_users && !neighbours_.empty()) {
      thread_local std::vector<float> dense;
      thread_local std::vector<uint32_t> touched_items;
      if (dense.size() != d.num_items) dense.assign(d.num_items, 0.0f);
      Mix(q.user, dense, touched_items);
      for (uint32_t item : touched_items) {
        scores[item] = dense[item];
        dense[item] = 0.0f;
      }
      return;
    }
    if (q.user != kNone && q.user < d.num_users) {
      own = {vec_.data() + vec_begin_[q.user], vec_.data() + vec_begin_[q.user + 1]};
      nbrs = {neighbours_.data() + neighbour_begin_[q.user], neighbours_.data() + neighbour_begin_[q.user + 1]};
    } else if (!q.items.empty()) {
      // An anonymous query is one basket.
      query_vec.clear();
      for (uint32_t item : q.items) query_vec.push_back({item, 1.0f});
      own = query_vec;
      const auto k = static_cast<size_t>(P("neighbours"));
      if (k > 0 && alpha < 1.0f && !inv_begin_.empty()) {
        sims.resize(d.num_users, 0.0f);
        FindNeighbours(own, std::sqrt(static_cast<float>(query_vec.size())), kNone, k, sims, touched_users,
                       query_nbrs);
        nbrs = query_nbrs;
      }
    }
    for (const Entry& e : own) scores[e.id] += alpha * e.weight;
    if (!nbrs.empty()) {
      const float w = (1.0f - alpha) / static_cast<float>(nbrs.size());
      for (uint32_t v : nbrs) {
        for (uint64_t p = vec_begin_[v]; p < vec_begin_[v + 1]; ++p) scores[vec_[p].id] += w * vec_[p].weight;
      }
    }
  }

  Status Save(std::ostream& out) const override {
    WriteVector(out, vec_begin_);
    WriteVector(out, vec_);
    WriteVector(out, norm_);
    WriteVector(out, neighbour_begin_);
    WriteVector(out, neighbours_);
    WriteVector(out, inv_begin_);
    WriteVector(out, inv_);
    WriteVector(out, pred_begin_);
    WriteVector(out, pred_);
    return Ok();
  }
  Status Load(std::istream& in, std::shared_ptr<const History> history) override {
    history_ = std::move(history);
    const Interactions& d = history_->data;
    bool ok = ReadVector(in, vec_begin_) && ReadVector(in, vec_) && ReadVector(in, norm_) &&
              ReadVector(in, neighbour_begin_) && ReadVector(in, neighbours_) && ReadVector(in, inv_begin_) &&
              ReadVector(in, inv_) && ReadVector(in, pred_begin_) && ReadVector(in, pred_);
    ok = ok && vec_begin_.size() == d.num_users + 1 && vec_begin_.back() == vec_.size() &&
         neighbour_begin_.size() == d.num_users + 1 && neighbour_begin_.back() == neighbours_.size() &&
         (inv_begin_.empty() || (inv_begin_.size() == d.num_items + 1 && inv_begin_.back() == inv_.size()));
    for (size_t i = 0; ok && i < vec_.size(); ++i) ok = vec_[i].id < d.num_items;
    for (size_t i = 0; ok && i < neighbours_.size(); ++i) ok = neighbours_[i] < d.num_users;
    for (size_t i = 0; ok && i < inv_.size(); ++i) ok = inv_[i].id < d.num_users;
    ok = ok && (pred_begin_.empty() || (pred_begin_.size() == d.num_users + 1 && pred_begin_.back() == pred_.size()));
    for (size_t i = 0; ok && i < pred_.size(); ++i) ok = pred_[i].id < d.num_items;
    if (!ok) return Error::InvalidArgument("corrupt " + kind_ + " model state", "artifact");
    return Ok();
  }

 private:
  // The k users most similar (cosine) to the vector `v` with norm `norm`,
  // excluding `self`, best first; ties by user index.
  void FindNeighbours(std::span<const Entry> v, float norm, uint32_t self, size_t k, std::vector<float>& sims,
                      std::vector<uint32_t>& touched, std::vector<uint32_t>& out) const {
    out.clear();
    touched.clear();
    if (norm <= 0) return;
    for (const Entry& e : v) {
      if (inv_begin_[e.id + 1] - inv_begin_[e.id] > kMaxItemUsers) continue;
      for (uint64_t p = inv_begin_[e.id]; p < inv_begin_[e.id + 1]; ++p) {
        const Entry& o = inv_[p];
        if (sims[o.id] == 0.0f) touched.push_back(o.id);
        sims[o.id] += e.weight * o.weight;
      }
    }
    struct Cand {
      float sim;
      uint32_t user;
    };
    thread_local std::vector<Cand> cands;
    cands.clear();
    for (uint32_t u : touched) {
      if (u != self && norm_[u] > 0) cands.push_back({sims[u] / (norm * norm_[u]), u});
      sims[u] = 0.0f;
    }
    auto better = [](const Cand& a, const Cand& b) { return a.sim != b.sim ? a.sim > b.sim : a.user < b.user; };
    if (cands.size() > k) {
      std::nth_element(cands.begin(), cands.begin() + static_cast<int64_t>(k), cands.end(), better);
      cands.resize(k);
    }
    std::sort(cands.begin(), cands.end(), better);
    for (const Cand& c : cands) out.push_back(c.user);
  }

  std::string kind_;
  std::vector<uint64_t> vec_begin_;  // user -> range of vec_
  std::vector<Entry> vec_;           // (item, weight) per user, items increasing
  std::vector<float> norm_;
  std::vector<uint64_t> neighbour_begin_;
  std::vector<uint32_t> neighbours_;
  std::vector<uint64_t> inv_begin_;  // item -> range of inv_
  std::vector<Entry> inv_;           // (user, weight)
  std::vector<uint64_t> pred_begin_; // user -> range of pred_ (empty without neighbours)
  std::vector<Entry> pred_;          // (item, predicted score)
};

}  // namespace

std::unique_ptr<Model> MakeTifu(const Params& p, std::string_view kind) { return std::make_unique<Tifu>(p, kind); }

}  // namespace atelier::recommend::internal
