// popular, repeat (EVAL.md baselines) and trending (time-decayed popularity).

#include <algorithm>
#include <cmath>

#include "internal/binary_io.h"
#include "internal/models.h"

namespace atelier::recommend::internal {
namespace {

class Popular : public ModelBase {
 public:
  using ModelBase::ModelBase;
  std::string_view kind() const override { return "popular"; }
  Status Fit(std::shared_ptr<const History> history) override {
    history_ = std::move(history);
    return Ok();
  }
  void Score(const Query&, std::span<float> scores) const override {
    const auto& pop = history_->popularity;
    for (size_t i = 0; i < scores.size(); ++i) scores[i] = static_cast<float>(pop[i]);
  }
  Status Save(std::ostream&) const override { return Ok(); }
  Status Load(std::istream&, std::shared_ptr<const History> history) override {
    history_ = std::move(history);
    return Ok();
  }
};

// The user's items ranked by the number of their baskets containing the item,
// ties by the latest such basket, then (through ranking.h) by popularity; all
// other items score 0, so popular items fill the rest of the list.
class Repeat : public ModelBase {
 public:
  using ModelBase::ModelBase;
  std::string_view kind() const override { return "repeat"; }
  Status Fit(std::shared_ptr<const History> history) override {
    history_ = std::move(history);
    return Ok();
  }
  void Score(const Query& q, std::span<float> scores) const override {
    std::fill(scores.begin(), scores.end(), 0.0f);
    const Interactions& d = history_->data;
    if (q.user == kNone || q.user >= d.num_users) return;
    const uint64_t first = d.user_begin[q.user], last = d.user_begin[q.user + 1];
    const double span = static_cast<double>(last - first) + 1.0;
    // score = count * span + (position of latest basket + 1): exact in float
    // while count * span < 2^24.
    for (uint64_t b = first; b < last; ++b) {
      const double position = static_cast<double>(b - first) + 1.0;
      for (uint32_t item : d.BasketItems(b)) {
        double count = std::floor(scores[item] / span);
        scores[item] = static_cast<float>((count + 1.0) * span + position);
      }
    }
  }
  Status Save(std::ostream&) const override { return Ok(); }
  Status Load(std::istream&, std::shared_ptr<const History> history) override {
    history_ = std::move(history);
    return Ok();
  }
};

// Params: half_life_days (> 0). score(i) = sum over training baskets with i of
// 0.5^(age / half_life), age measured from the latest training time.
class Trending : public ModelBase {
 public:
  using ModelBase::ModelBase;
  std::string_view kind() const override { return "trending"; }
  Status Fit(std::shared_ptr<const History> history) override {
    history_ = std::move(history);
    double half_life = P("half_life_days") * 86400.0;
    if (!(half_life > 0)) return Error::InvalidArgument("half_life_days must be > 0", "half_life_days");
    const Interactions& d = history_->data;
    weight_.assign(d.num_items, 0.0f);
    std::vector<double> acc(d.num_items, 0.0);
    for (size_t b = 0; b < d.num_baskets(); ++b) {
      double age = static_cast<double>(history_->now - d.basket_time[b]);
      double w = std::exp2(-std::max(age, 0.0) / half_life);
      for (uint32_t item : d.BasketItems(b)) acc[item] += w;
    }
    for (size_t i = 0; i < acc.size(); ++i) weight_[i] = static_cast<float>(acc[i]);
    return Ok();
  }
  void Score(const Query&, std::span<float> scores) const override {
    std::copy(weight_.begin(), weight_.end(), scores.begin());
  }
  Status Save(std::ostream& out) const override {
    WriteVector(out, weight_);
    return Ok();
  }
  Status Load(std::istream& in, std::shared_ptr<const History> history) override {
    history_ = std::move(history);
    if (!ReadVector(in, weight_) || weight_.size() != history_->data.num_items) {
      return Error::InvalidArgument("corrupt trending model state", "artifact");
    }
    return Ok();
  }

 private:
  std::vector<float> weight_;
};

}  // namespace

std::unique_ptr<Model> MakePopular(const Params& p) { return std::make_unique<Popular>(p); }
std::unique_ptr<Model> MakeRepeat(const Params& p) { return std::make_unique<Repeat>(p); }
std::unique_ptr<Model> MakeTrending(const Params& p) { return std::make_unique<Trending>(p); }

}  // namespace atelier::recommend::internal
