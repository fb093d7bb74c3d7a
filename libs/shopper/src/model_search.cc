#include "internal/model_search.h"

#include <algorithm>
#include <numeric>

namespace atelier::shopper::internal {

namespace {

class Search {
 public:
  Search(const config::CompiledModel& model, const ModelConstraints& constraints, int max_calls,
         CallBudget* budget)
      : model_(model), constraints_(constraints), calls_left_(max_calls), budget_(budget) {
    options_.explain = false;
    options_.count = false;
    options_.price_range = true;
    options_.alternatives_for_picked = false;
    const auto& opts = model_.model().options;
    picks_.assign(opts.size(), -1);
    for (size_t o = 0; o < opts.size(); ++o) {
      if (o < constraints_.allowed.size() && !constraints_.allowed[o].empty())
        order_.push_back(static_cast<int>(o));
    }
    auto allowed_count = [&](int o) {
      return std::count(constraints_.allowed[o].begin(), constraints_.allowed[o].end(), 1);
    };
    std::stable_sort(order_.begin(), order_.end(),
                     [&](int a, int b) { return allowed_count(a) < allowed_count(b); });
  }

  std::optional<FoundConfiguration> Run() {
    Visit(0);
    return std::move(best_);
  }

 private:
  std::optional<config::ConfigureState> Configure(const std::vector<int>& picks) {
    if (calls_left_ <= 0 || !budget_->Take()) return std::nullopt;
    --calls_left_;
    config::ConfigureRequest request;
    const auto& opts = model_.model().options;
    for (size_t o = 0; o < picks.size(); ++o) {
      if (picks[o] >= 0) request.selections[opts[o].id] = opts[o].values[picks[o]].id;
    }
    auto state = model_.Configure(request, options_);
    if (!state.ok()) return std::nullopt;
    return std::move(*state);
  }

  bool Affordable(int64_t price) const {
    if (constraints_.price_cap && price > *constraints_.price_cap) return false;
    return !best_ || price < best_->price;
  }

  void Visit(size_t level) {
    auto state = Configure(picks_);
    if (!state || !state->consistent) return;
    if (state->price_min && !Affordable(*state->price_min)) return;
    if (level == order_.size()) {
      Leaf(*state);
      return;
    }
    const int o = order_[level];
    const config::OptionState& option = state->options[o];
    std::vector<int> values;
    for (size_t v = 0; v < option.values.size(); ++v) {
      if (option.values[v].available && constraints_.allowed[o][v]) values.push_back(static_cast<int>(v));
    }
    std::stable_sort(values.begin(), values.end(), [&](int a, int b) {
      return option.values[a].price_delta < option.values[b].price_delta;
    });
    for (int v : values) {
      picks_[o] = v;
      Visit(level + 1);
      picks_[o] = -1;
    }
  }

  void Leaf(const config::ConfigureState& state) {
    if (state.cheapest_completion.size() != model_.model().options.size()) return;
    auto values = model_.ResolveSelections(state.cheapest_completion);
    if (!values.ok()) return;
    int64_t price = 0;
    if (state.cheapest_exact && state.price_min) {
      price = *state.price_min;
    } else {
      auto complete = Configure(*values);
      if (!complete || !complete->consistent) return;
      price = complete->price_now;
    }
    if (!Affordable(price)) return;
    best_ = FoundConfiguration{std::move(*values), state.cheapest_completion, price};
  }

  const config::CompiledModel& model_;
  const ModelConstraints& constraints_;
  int calls_left_;
  CallBudget* budget_;
  config::ConfigureOptions options_;
  std::vector<int> order_;
  std::vector<int> picks_;
  std::optional<FoundConfiguration> best_;
};

}  // namespace

std::optional<FoundConfiguration> CheapestConfiguration(const config::CompiledModel& model,
                                                        const ModelConstraints& constraints, int max_calls,
                                                        CallBudget* budget) {
  return Search(model, constraints, max_calls, budget).Run();
}

}  // namespace atelier::shopper::internal
