#include "atelier/recommend/evaluate.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>
#include <sstream>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "atelier/recommend/ranking.h"
#include "internal/blend.h"

namespace atelier::recommend {

namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

bool NeedsUsers(std::string_view kind) { return kind == "repeat" || kind == "personal" || kind == "tifu"; }

// Models fitted to complete a basket from its other items: "all" runs them
// only where the cases carry such a query (basket-completion).
bool NeedsQuery(std::string_view kind) { return kind == "completion"; }

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t idx = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size()))) - 1;
  return v[std::min(idx, v.size() - 1)];
}

// The exclusion list of a case: its query items, plus the user's training
// items under random-holdout.
void CaseExclusions(const History& history, const EvalCase& c, bool exclude_user_history,
                    std::vector<uint32_t>& out) {
  out.assign(c.query.begin(), c.query.end());
  if (exclude_user_history && c.user != kNone && c.user < history.data.num_users) {
    auto own = history.user_items.Of(c.user);
    out.insert(out.end(), own.begin(), own.end());
  }
}

struct Tuned {
  std::string kind;
  Params params;
  std::shared_ptr<Model> validation_model;  // fitted on the validation training set
  double validation_ndcg = -1;
  double seconds = 0;
  std::string error;
};

}  // namespace

std::vector<Metrics> EvaluateCases(const Model& model, const History& history, const std::vector<EvalCase>& cases,
                                   bool exclude_user_history, const std::vector<int>& ks,
                                   std::vector<double>* latencies_ms) {
  std::vector<MetricAccumulator> acc;
  int max_k = 0;
  for (int k : ks) {
    acc.emplace_back(k, history.data.num_items);
    max_k = std::max(max_k, k);
  }
  std::vector<float> scores(history.data.num_items);
  std::vector<uint32_t> exclude, ranked;
  std::vector<ScoredItem> top;
  if (latencies_ms) latencies_ms->clear();
  for (const EvalCase& c : cases) {
    CaseExclusions(history, c, exclude_user_history, exclude);
    auto t0 = Clock::now();
    Query q{c.user, c.query};
    model.Score(q, scores);
    TopK(scores, history.popularity, static_cast<size_t>(max_k), exclude, top);
    if (latencies_ms) latencies_ms->push_back(SecondsSince(t0) * 1000.0);
    ranked.clear();
    for (const ScoredItem& s : top) ranked.push_back(s.item);
    for (auto& a : acc) a.Add(ranked, c.test);
  }
  std::vector<Metrics> out;
  for (auto& a : acc) out.push_back(a.Finish(history.training_items));
  return out;
}

namespace {

double NdcgAt(const std::vector<Metrics>& m) { return m.empty() ? 0.0 : m.front().ndcg; }

// Coordinate descent over the model's grid on the validation split.
Tuned Tune(const std::string& kind, const Split& validation, const std::shared_ptr<const History>& vhistory,
           const EvalOptions& options, int tune_k) {
  Tuned t;
  t.kind = kind;
  auto t0 = Clock::now();
  const ModelInfo* info = nullptr;
  for (const ModelInfo& m : ModelKinds()) {
    if (m.kind == kind) info = &m;
  }
  auto resolved = ResolveParams(kind, {});
  if (!resolved.ok() || info == nullptr) {
    t.error = resolved.ok() ? "unknown model" : resolved.error().ToString();
    return t;
  }
  t.params = *resolved;
  std::set<Params> tried;  // fits are deterministic: a setting is fitted once
  auto try_params = [&](const Params& p) -> double {
    if (!tried.insert(p).second) return -1;
    auto model = CreateModel(kind, p);
    if (!model.ok()) return -1;
    Status s = (*model)->Fit(vhistory);
    if (!s.ok()) {
      t.error = s.error().ToString();
      return -1;
    }
    double v = NdcgAt(EvaluateCases(**model, *vhistory, validation.cases, validation.exclude_user_history, {tune_k}));
    if (options.log) {
      std::string desc;
      for (const auto& [name, value] : p) desc += fmt::format(" {}={}", name, value);
      options.log(fmt::format("  validate {}{}: NDCG@{} {:.4f}", kind, desc, tune_k, v));
    }
    if (v > t.validation_ndcg) {
      t.validation_ndcg = v;
      t.params = p;
      t.validation_model = std::shared_ptr<Model>(std::move(*model));
      t.error.clear();
    }
    return v;
  };
  try_params(t.params);
  bool tunable = false;
  for (const auto& [name, values] : info->grid) tunable |= values.size() > 1;
  if (options.tune && tunable) {
    auto coordinate_descent = [&] {
      for (int pass = 0; pass < options.tuning_passes; ++pass) {
        bool improved = false;
        for (const auto& [name, values] : info->grid) {
          if (values.size() < 2) continue;
          for (double v : values) {
            if (t.params.at(name) == v) continue;
            Params p = t.params;
            p[name] = v;
            double before = t.validation_ndcg;
            try_params(p);
            improved |= t.validation_ndcg > before;
          }
        }
        if (!improved) break;
      }
    };
    coordinate_descent();
    // Joint search over the interacting parameters, from the best setting;
    // when it moves, coordinate descent again from there.
    std::vector<std::pair<std::string, std::vector<double>>> joint;
    for (const std::string& name : info->joint) {
      for (const auto& [gname, values] : info->grid) {
        if (gname == name && values.size() > 1) joint.emplace_back(name, values);
      }
    }
    if (joint.size() >= 2) {
      const Params start = t.params;
      std::vector<size_t> at(joint.size(), 0);
      while (true) {
        Params p = start;
        for (size_t k = 0; k < joint.size(); ++k) p[joint[k].first] = joint[k].second[at[k]];
        try_params(p);
        size_t k = 0;
        while (k < joint.size() && ++at[k] == joint[k].second.size()) at[k++] = 0;
        if (k == joint.size()) break;
      }
      if (t.params != start) coordinate_descent();
    }
  }
  t.seconds = SecondsSince(t0);
  return t;
}

struct BlendCandidates {
  // Per case: candidate items and, per component, their normalized scores.
  std::vector<std::vector<uint32_t>> items;
  std::vector<std::vector<float>> scores;  // [case][component * items + i]
};

// Tunes blend weights on the validation split by coordinate descent, the
// best single component fixed at weight 1.
std::vector<float> TuneBlendWeights(const std::vector<Tuned>& parts, const Split& validation,
                                    const History& vhistory, int tune_k, const EvalOptions& options) {
  const size_t nc = parts.size();
  const uint32_t n = vhistory.data.num_items;
  constexpr size_t kPool = 100;
  BlendCandidates cand;
  std::vector<std::vector<float>> dense(nc, std::vector<float>(n));
  std::vector<float> tmp(n);
  std::vector<uint32_t> exclude;
  std::vector<ScoredItem> top;
  std::vector<uint8_t> mark(n, 0);
  for (const EvalCase& c : validation.cases) {
    Query q{c.user, c.query};
    CaseExclusions(vhistory, c, validation.exclude_user_history, exclude);
    std::vector<uint32_t> items;
    for (size_t k = 0; k < nc; ++k) {
      internal::Blend::NormalizedScores(*parts[k].validation_model, vhistory, q, dense[k]);
      tmp = dense[k];
      TopK(tmp, vhistory.popularity, kPool, exclude, top);
      for (const ScoredItem& s : top) {
        if (!mark[s.item]) {
          mark[s.item] = 1;
          items.push_back(s.item);
        }
      }
    }
    std::vector<float> sc(nc * items.size());
    for (size_t k = 0; k < nc; ++k) {
      for (size_t i = 0; i < items.size(); ++i) sc[k * items.size() + i] = dense[k][items[i]];
    }
    for (uint32_t item : items) mark[item] = 0;
    cand.items.push_back(std::move(items));
    cand.scores.push_back(std::move(sc));
  }
  auto evaluate = [&](const std::vector<float>& w) {
    MetricAccumulator acc(tune_k, n);
    std::vector<ScoredItem> ranked;
    std::vector<uint32_t> ids;
    for (size_t ci = 0; ci < validation.cases.size(); ++ci) {
      const auto& items = cand.items[ci];
      const auto& sc = cand.scores[ci];
      ranked.clear();
      for (size_t i = 0; i < items.size(); ++i) {
        float s = 0;
        for (size_t k = 0; k < nc; ++k) s += w[k] * sc[k * items.size() + i];
        ranked.push_back({items[i], s});
      }
      auto better = [&](const ScoredItem& a, const ScoredItem& b) {
        if (a.score != b.score) return a.score > b.score;
        uint32_t pa = vhistory.popularity[a.item], pb = vhistory.popularity[b.item];
        if (pa != pb) return pa > pb;
        return a.item < b.item;
      };
      size_t k = std::min(ranked.size(), static_cast<size_t>(tune_k));
      std::partial_sort(ranked.begin(), ranked.begin() + static_cast<int64_t>(k), ranked.end(), better);
      ids.clear();
      for (size_t i = 0; i < k; ++i) ids.push_back(ranked[i].item);
      acc.Add(ids, validation.cases[ci].test);
    }
    return acc.Finish(vhistory.training_items).ndcg;
  };
  size_t best_single = 0;
  for (size_t k = 1; k < nc; ++k) {
    if (parts[k].validation_ndcg > parts[best_single].validation_ndcg) best_single = k;
  }
  std::vector<float> w(nc, 0.0f);
  w[best_single] = 1.0f;
  double best = evaluate(w);
  auto say = [&](const char* phase) {
    if (!options.log) return;
    std::string desc;
    for (size_t k = 0; k < nc; ++k) desc += fmt::format(" {}={:.4g}", parts[k].kind, w[k]);
    options.log(fmt::format("  validate blend ({}){}: NDCG@{} {:.4f}", phase, desc, tune_k, best));
  };
  // Tries `v` as component k's weight; keeps it when validation NDCG rises.
  auto try_weight = [&](size_t k, float v) {
    if (v == w[k] || v < 0.0f) return false;
    std::vector<float> trial = w;
    trial[k] = v;
    double score = evaluate(trial);
    if (score > best + 1e-9) {
      best = score;
      w = std::move(trial);
      return true;
    }
    return false;
  };
  // Coarse: coordinate descent over a fixed grid.
  const std::vector<float> grid = {0.0f, 0.02f, 0.05f, 0.1f, 0.2f, 0.35f, 0.5f, 0.75f, 1.0f, 1.5f, 2.0f, 3.0f};
  for (int pass = 0; pass < std::max(options.tuning_passes, 1) + 1; ++pass) {
    bool improved = false;
    for (size_t k = 0; k < nc; ++k) {
      if (k == best_single) continue;
      for (float v : grid) improved |= try_weight(k, v);
    }
    say("grid");
    if (!improved) break;
  }
  // Fine: multiplicative steps around each nonzero weight, until none helps.
  const std::vector<float> steps = {0.5f, 0.7f, 0.85f, 1.15f, 1.4f, 2.0f};
  for (int pass = 0; pass < 4 * std::max(options.tuning_passes, 1); ++pass) {
    bool improved = false;
    for (size_t k = 0; k < nc; ++k) {
      if (k == best_single || w[k] == 0.0f) continue;
      for (float f : steps) improved |= try_weight(k, w[k] * f);
    }
    if (!improved) break;
    say("refine");
  }
  return w;
}

ModelReport FinalRun(const std::string& name, std::shared_ptr<Model> model, const Params& params,
                     const std::shared_ptr<const History>& history, const Split& split, const EvalOptions& options,
                     double tune_seconds, bool fit) {
  ModelReport r;
  r.model = name;
  r.params = params;
  r.tune_seconds = tune_seconds;
  if (fit) {
    auto t0 = Clock::now();
    Status s = model->Fit(history);
    r.fit_seconds = SecondsSince(t0);
    if (!s.ok()) {
      r.error = s.error().ToString();
      return r;
    }
  }
  std::vector<double> lat;
  r.metrics = EvaluateCases(*model, *history, split.cases, split.exclude_user_history, options.ks, &lat);
  r.latency_p50_ms = Percentile(lat, 0.5);
  r.latency_p99_ms = Percentile(lat, 0.99);
  return r;
}

}  // namespace

Result<EvalReport> Evaluate(const Split& split, const std::vector<std::string>& models, const EvalOptions& options) {
  if (options.ks.empty()) return Error::InvalidArgument("no K given", "k");
  for (int k : options.ks) {
    if (k <= 0 || k > 10000) return Error::InvalidArgument("K must be in [1, 10000]", "k");
  }
  const int tune_k = options.tune_k > 0 ? options.tune_k : *std::max_element(options.ks.begin(), options.ks.end());
  const bool has_users = split.train.has_users && split.protocol != Protocol::kBasketCompletion;

  // Expand the model list; baselines first.
  std::vector<std::string> kinds = {"popular"};
  if (split.protocol == Protocol::kLastBasket) kinds.push_back("repeat");
  bool want_blend = false;
  for (const std::string& m : models) {
    if (m == "all") {
      for (const ModelInfo& info : ModelKinds()) {
        if (info.kind == "popular" || info.kind == "repeat") continue;
        if (NeedsUsers(info.kind) && !has_users) continue;
        if (NeedsQuery(info.kind) && split.protocol != Protocol::kBasketCompletion) continue;
        kinds.push_back(info.kind);
      }
      want_blend = true;
    } else if (m == "blend") {
      want_blend = true;
    } else {
      ATELIER_ASSIGN_OR_RETURN(Params unused, ResolveParams(m, {}));
      (void)unused;
      if (std::find(kinds.begin(), kinds.end(), m) == kinds.end()) kinds.push_back(m);
    }
  }

  EvalReport report;
  report.protocol = split.protocol;
  report.cases = static_cast<int64_t>(split.cases.size());
  auto history = History::Build(split.train);
  report.training_items = history->training_items;

  // The validation split, carved from the training data by the same protocol.
  std::shared_ptr<const History> vhistory;
  Split validation;
  const bool need_validation = options.tune || want_blend;
  if (need_validation) {
    auto v = MakeSplit(split.train, split.protocol, options.split);
    if (!v.ok()) return v.error();
    validation = std::move(*v);
    vhistory = History::Build(validation.train);
    report.validation_cases = static_cast<int64_t>(validation.cases.size());
  }

  std::vector<Tuned> tuned;
  for (const std::string& kind : kinds) {
    if (options.log) options.log("model " + kind);
    Tuned t;
    if (need_validation) {
      t = Tune(kind, validation, vhistory, options, tune_k);
    } else {
      t.kind = kind;
      t.params = ResolveParams(kind, {}).value();
    }
    auto model = CreateModel(kind, t.params);
    if (!model.ok()) return model.error();
    ModelReport r = FinalRun(kind, std::shared_ptr<Model>(std::move(*model)), t.params, history, split, options,
                             t.seconds, true);
    if (!t.error.empty() && r.error.empty() && t.validation_model == nullptr) r.error = t.error;
    report.models.push_back(std::move(r));
    if (t.validation_model) tuned.push_back(std::move(t));
  }

  if (want_blend && tuned.size() >= 2) {
    if (options.log) options.log("model blend");
    auto t0 = Clock::now();
    std::vector<float> w = TuneBlendWeights(tuned, validation, *vhistory, tune_k, options);
    double tune_seconds = SecondsSince(t0);
    std::vector<std::shared_ptr<Model>> parts;
    std::vector<float> weights;
    Params params;
    for (size_t k = 0; k < tuned.size(); ++k) {
      if (w[k] == 0.0f) continue;
      auto m = CreateModel(tuned[k].kind, tuned[k].params);
      if (!m.ok()) return m.error();
      parts.push_back(std::shared_ptr<Model>(std::move(*m)));
      weights.push_back(w[k]);
      params["w_" + tuned[k].kind] = std::round(static_cast<double>(w[k]) * 1e4) / 1e4;
    }
    auto blend = std::make_shared<internal::Blend>(std::move(parts), std::move(weights));
    report.models.push_back(FinalRun("blend", blend, params, history, split, options, tune_seconds, true));
  }
  return report;
}

Result<Params> TuneParams(std::string_view kind, const Interactions& data, Protocol protocol,
                          const EvalOptions& options) {
  ATELIER_ASSIGN_OR_RETURN(Split validation, MakeSplit(data, protocol, options.split));
  auto vhistory = History::Build(validation.train);
  const int tune_k = options.tune_k > 0 ? options.tune_k : *std::max_element(options.ks.begin(), options.ks.end());
  Tuned t = Tune(std::string(kind), validation, vhistory, options, tune_k);
  if (t.validation_model == nullptr) return Error::Internal("no setting of " + std::string(kind) + " fits: " + t.error);
  return t.params;
}

std::string FormatReportTable(const EvalReport& report) {
  std::ostringstream out;
  out << fmt::format("protocol {}: {} test cases, {} validation cases, {} training items\n",
                     ProtocolName(report.protocol), report.cases, report.validation_cases, report.training_items);
  out << fmt::format("{:<13} {:>4} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9} {:>9} {:>9} {:>9}\n", "model", "K",
                     "Recall", "NDCG", "HitRate", "MRR", "Coverage", "fit s", "tune s", "p50 ms", "p99 ms");
  for (const ModelReport& m : report.models) {
    if (!m.error.empty()) {
      out << fmt::format("{:<13} error: {}\n", m.model, m.error);
      continue;
    }
    for (const Metrics& x : m.metrics) {
      out << fmt::format("{:<13} {:>4} {:>8.4f} {:>8.4f} {:>8.4f} {:>8.4f} {:>8.4f} {:>9.3f} {:>9.1f} {:>9.3f} {:>9.3f}\n",
                         m.model, x.k, x.recall, x.ndcg, x.hit_rate, x.mrr, x.coverage, m.fit_seconds,
                         m.tune_seconds, m.latency_p50_ms, m.latency_p99_ms);
    }
    if (!m.params.empty()) {
      std::string desc;
      for (const auto& [name, value] : m.params) desc += fmt::format(" {}={:.4g}", name, value);
      out << fmt::format("{:<13}   params:{}\n", "", desc);
    }
  }
  return out.str();
}

std::string FormatReportJson(const EvalReport& report) {
  boost::json::object root;
  root["protocol"] = ProtocolName(report.protocol);
  root["cases"] = report.cases;
  root["validation_cases"] = report.validation_cases;
  root["training_items"] = report.training_items;
  boost::json::array models;
  for (const ModelReport& m : report.models) {
    boost::json::object o;
    o["model"] = m.model;
    if (!m.error.empty()) o["error"] = m.error;
    boost::json::object params;
    for (const auto& [name, value] : m.params) params[name] = value;
    o["params"] = params;
    o["fit_seconds"] = m.fit_seconds;
    o["tune_seconds"] = m.tune_seconds;
    o["latency_p50_ms"] = m.latency_p50_ms;
    o["latency_p99_ms"] = m.latency_p99_ms;
    boost::json::array metrics;
    for (const Metrics& x : m.metrics) {
      metrics.push_back(boost::json::object{{"k", x.k},
                                            {"cases", x.cases},
                                            {"recall", x.recall},
                                            {"ndcg", x.ndcg},
                                            {"hit_rate", x.hit_rate},
                                            {"mrr", x.mrr},
                                            {"coverage", x.coverage}});
    }
    o["metrics"] = metrics;
    models.push_back(o);
  }
  root["models"] = models;
  return boost::json::serialize(root) + "\n";
}

}  // namespace atelier::recommend
