#include "atelier/recommend/model.h"

#include <algorithm>

#include "internal/models.h"

namespace atelier::recommend {

std::shared_ptr<const History> History::Build(Interactions data) {
  auto h = std::make_shared<History>();
  h->data = std::move(data);
  h->popularity = ItemPopularity(h->data);
  h->user_items = DistinctUserItems(h->data);
  h->training_items = static_cast<uint32_t>(
      std::count_if(h->popularity.begin(), h->popularity.end(), [](uint32_t p) { return p > 0; }));
  h->now = h->data.MaxTime();
  return h;
}

const std::vector<ModelInfo>& ModelKinds() {
  static const std::vector<ModelInfo> kKinds = {
      {"popular", "training popularity (EVAL.md baseline)", {}},
      {"repeat", "the user's own items by basket count, then recency (EVAL.md baseline)", {}},
      {"trending", "time-decayed popularity", {{"half_life_days", {30, 7, 90, 365}}}},
      {"cooccurrence",
       "item-to-item co-occurrence, asymmetric cosine association",
       {{"alpha", {0.5, 0.25, 0.75, 1.0}}, {"user_level", {0, 1}}, {"neighbours", {200}}}},
      {"ease", "EASE linear autoencoder (Steck 2019)", {{"lambda", {200, 50, 100, 500, 1000, 2000}}}},
      {"als",
       "implicit ALS with a conjugate-gradient solver (Hu et al. 2008, Takacs et al. 2011)",
       {{"factors", {64}}, {"regularization", {1, 0.1, 10, 50}}, {"alpha", {10, 2, 40}},
        {"iterations", {15}}}},
      {"personal",
       "the user's own purchase frequency with time decay (repeat purchases)",
       {{"group_size", {7, 1, 3, 14}}, {"within_decay", {0.9, 0.6, 1.0}},
        {"group_decay", {0.7, 0.5, 0.9, 1.0}}}},
      {"tifu",
       "TIFU-KNN next-basket model (Hu et al. SIGIR 2020): personal frequency, decay, neighbours",
       {{"group_size", {7, 1, 2, 3, 5, 10, 14}}, {"within_decay", {0.9, 0.6, 0.8, 1.0}},
        {"group_decay", {0.7, 0.5, 0.6, 0.8, 0.9, 1.0}}, {"neighbours", {300, 100, 50, 600, 1000}},
        {"alpha", {0.7, 0.5, 0.8, 0.9, 0.95, 1.0}}}},
      {"completion",
       "basket completion: multinomial logistic regression of a basket's missing item on the rest",
       {{"l2", {1e-3, 3e-4, 3e-3, 1e-4, 1e-2}}, {"learning_rate", {0.1, 0.05, 0.2}}, {"epochs", {10, 5, 20}},
        {"context_exponent", {0.75, 0.5, 0.25}}, {"size_feature", {0, 1}}, {"seeds", {1, 3}},
        {"example_weight", {0, 1}}, {"hidden", {0, 32}}},
       {"hidden", "epochs", "l2"}},
      {"basketknn",
       "basket neighbours: the training baskets most like the query vote for their items",
       {{"neighbours", {200, 50, 100, 500, 1000, 2000}}, {"beta", {0.5, 0, 0.25, 0.75, 1}},
        {"gamma", {0, 0.1, 0.25, 0.5}}, {"recent_baskets", {0, 1, 3}}}},
  };
  return kKinds;
}

Result<Params> ResolveParams(std::string_view kind, const Params& params) {
  for (const ModelInfo& info : ModelKinds()) {
    if (info.kind != kind) continue;
    Params out;
    for (const auto& [name, values] : info.grid) out[name] = values.front();
    for (const auto& [name, value] : params) {
      if (out.find(name) == out.end()) {
        return Error::InvalidArgument("model '" + std::string(kind) + "' has no parameter '" + name + "'",
                                      name);
      }
      out[name] = value;
    }
    return out;
  }
  return Error::NotFound("unknown model '" + std::string(kind) + "'", "model");
}

Result<std::unique_ptr<Model>> CreateModel(std::string_view kind, const Params& params) {
  ATELIER_ASSIGN_OR_RETURN(Params p, ResolveParams(kind, params));
  if (kind == "popular") return internal::MakePopular(p);
  if (kind == "repeat") return internal::MakeRepeat(p);
  if (kind == "trending") return internal::MakeTrending(p);
  if (kind == "cooccurrence") return internal::MakeCooccurrence(p);
  if (kind == "ease") return internal::MakeEase(p);
  if (kind == "als") return internal::MakeAls(p);
  if (kind == "completion") return internal::MakeCompletion(p);
  if (kind == "basketknn") return internal::MakeBasketKnn(p);
  if (kind == "personal" || kind == "tifu") return internal::MakeTifu(p, kind);
  return Error::NotFound("unknown model '" + std::string(kind) + "'", "model");
}

namespace internal {

void TrainedItemColumns(const History& h, std::vector<uint32_t>& col, std::vector<uint32_t>& items) {
  col.assign(h.popularity.size(), kNone);
  items.clear();
  for (uint32_t i = 0; i < h.popularity.size(); ++i) {
    if (h.popularity[i] > 0) {
      col[i] = static_cast<uint32_t>(items.size());
      items.push_back(i);
    }
  }
}

void ContextItems(const History& h, const Query& q, std::vector<uint32_t>& out) {
  out.clear();
  if (q.user != kNone && q.user < h.data.num_users) {
    auto own = h.user_items.Of(q.user);
    out.assign(own.begin(), own.end());
  }
  if (!q.items.empty()) {
    size_t mid = out.size();
    out.insert(out.end(), q.items.begin(), q.items.end());
    std::inplace_merge(out.begin(), out.begin() + static_cast<int64_t>(mid), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }
}

}  // namespace internal
}  // namespace atelier::recommend
