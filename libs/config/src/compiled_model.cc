#include "atelier/config/compiled_model.h"

#include <algorithm>
#include <chrono>

#include "internal/counter.h"
#include "internal/engine.h"

namespace atelier::config {

namespace {

std::string JoinIds(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out;
}

}  // namespace

CompiledModel::CompiledModel() = default;

CompiledModel::~CompiledModel() {
  cancel_ = true;
  std::lock_guard<std::mutex> lock(background_mu_);
  if (background_.joinable()) background_.join();
}

std::shared_ptr<const internal::Engine> CompiledModel::engine() const {
  return engine_.load(std::memory_order_acquire);
}

std::string CompiledModel::backend() const { return engine()->Name(); }

void CompiledModel::WaitForBackground() const {
  std::lock_guard<std::mutex> lock(background_mu_);
  if (background_.joinable()) background_.join();
}

Result<std::shared_ptr<const CompiledModel>> CompiledModel::Compile(ProductModel model,
                                                                    const CompileOptions& options) {
  std::shared_ptr<CompiledModel> cm(new CompiledModel());
  cm->model_ = std::move(model);
  cm->problem_ = std::make_unique<internal::Problem>(internal::BuildProblem(cm->model_));
  const internal::Problem& problem = *cm->problem_;
  // The SAT engine cannot count; variable elimination counts for it.
  internal::CountBudget count_budget;
  count_budget.max_seconds = options.count_time_budget_seconds;
  count_budget.max_rows = options.count_row_budget;
  count_budget.cancel = &cm->cancel_;
  internal::SatOptions sat_options;
  if (!options.sat_elimination) sat_options.elimination_min_uncovered = 0;
  std::shared_ptr<const internal::Engine> sat =
      internal::WithExactCounter(internal::MakeSatEngine(problem, sat_options), &problem, count_budget);
  // The SAT checks below (and the rule core of a rejection) run under the
  // work budget; the BDD compilation has budgets of its own.
  internal::WorkScope work(options.sat_work_budget);
  const Error too_hard = Error::TooLarge(
      "model '" + cm->model_.id + "' is too hard to configure: checking that it has a valid configuration took more than " +
          std::to_string(options.sat_work_budget) + " solver conflicts; simplify its rules",
      "rules");
  auto reject = [&]() -> Error {
    std::vector<std::string> ids = cm->RuleIds({});
    if (internal::WorkScope::Exhausted()) return too_hard;
    return Error::Conflict("model '" + cm->model_.id + "' has no valid configuration: rules " + JoinIds(ids) +
                               " cannot all hold",
                           "rules: " + JoinIds(ids));
  };
  internal::BddBudget budget;
  budget.max_nodes = options.bdd_node_budget;
  budget.max_seconds = options.bdd_time_budget_seconds;
  budget.cancel = &cm->cancel_;
  using Backend = CompileOptions::Backend;
  const bool bdd_now = options.backend == Backend::kBdd || (options.backend == Backend::kAuto && !options.background_bdd);
  if (!bdd_now) {
    // The SAT engine serves first: check satisfiability with it.
    if (options.reject_unsatisfiable && !sat->Feasible(internal::Assignment(problem.domain.size(), -1))) {
      return internal::WorkScope::Exhausted() ? too_hard : reject();
    }
    cm->engine_.store(sat);
    if (options.backend == Backend::kAuto) {
      CompiledModel* self = cm.get();
      cm->background_ = std::thread([self, budget] {
        auto bdd = internal::CompileBdd(*self->problem_, budget, nullptr);
        if (bdd.ok()) self->engine_.store(std::shared_ptr<const internal::Engine>(std::move(bdd).value()));
      });
    }
    return std::shared_ptr<const CompiledModel>(std::move(cm));
  }
  auto bdd = internal::CompileBdd(problem, budget, nullptr);
  if (bdd.ok()) {
    cm->engine_.store(std::shared_ptr<const internal::Engine>(std::move(bdd).value()));
  } else if (bdd.error().code == ErrorCode::kConflict) {
    // The BDD proved there is no configuration at all.
    if (options.reject_unsatisfiable) return reject();
    cm->engine_.store(sat);
  } else if (options.backend == Backend::kBdd) {
    return bdd.error();
  } else {
    if (options.reject_unsatisfiable && !sat->Feasible(internal::Assignment(problem.domain.size(), -1))) {
      return internal::WorkScope::Exhausted() ? too_hard : reject();
    }
    cm->engine_.store(sat);
  }
  return std::shared_ptr<const CompiledModel>(std::move(cm));
}

Result<std::vector<int>> CompiledModel::ResolveSelections(const std::map<std::string, std::string>& selections) const {
  std::vector<int> picks(model_.options.size(), -1);
  for (const auto& [option_id, value_id] : selections) {
    int o = model_.OptionIndex(option_id);
    if (o < 0) return Error::InvalidArgument("unknown option '" + option_id + "'", "selections." + option_id);
    int v = model_.options[o].ValueIndex(value_id);
    if (v < 0) {
      return Error::InvalidArgument("option '" + option_id + "' has no value '" + value_id + "'",
                                    "selections." + option_id);
    }
    picks[o] = v;
  }
  return picks;
}

namespace {
internal::Assignment Extend(const std::vector<int>& picks, size_t vars) {
  internal::Assignment a(vars, -1);
  std::copy(picks.begin(), picks.end(), a.begin());
  return a;
}
}  // namespace

bool CompiledModel::ValidDomains(const std::vector<int>& picks, std::vector<std::vector<char>>* available) const {
  bool ok = engine()->Supported(Extend(picks, problem_->domain.size()), available);
  available->resize(model_.options.size());
  return ok;
}

bool CompiledModel::IsConsistent(const std::vector<int>& picks) const {
  return engine()->Feasible(Extend(picks, problem_->domain.size()));
}

std::optional<std::string> CompiledModel::CountConfigurations() const {
  auto c = engine()->Count(internal::Assignment(problem_->domain.size(), -1));
  if (!c) return std::nullopt;
  return c->get_str();
}

namespace {

// A problem stated mostly as tables of allowed or forbidden value tuples (a
// car line's compatibility matrices, XCSP instances), as opposed to one
// stated in clauses and expressions (feature models). Tables of many rows
// make large BDDs, while variable elimination reads them as they are.

}  // namespace

std::optional<std::string> CountConfigurations(const ProductModel& model, const CountOptions& options,
                                               std::string* method) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  auto left = [&] { return options.seconds - std::chrono::duration<double>(Clock::now() - start).count(); };
  const internal::Problem problem = internal::BuildProblem(model);
  const internal::Assignment open(problem.domain.size(), -1);
  // A BDD, when it fits, is built quickly (feature models of Boolean
  // options, whose clauses make wide tables); give it a short slice first,
  // then variable elimination (multi-valued tables such as a car line's),
  // then the BDD again with whatever time is left. A problem stated mostly
  // in tables goes to variable elimination at once: the Renault cars count
  // in about 0.1 s that way, and big has no BDD within the node budget.
  auto try_bdd = [&](double seconds, double cpu_seconds) -> std::optional<std::string> {
    if (seconds <= 0) return std::nullopt;
    internal::BddBudget bdd_budget;
    bdd_budget.max_nodes = options.bdd_node_budget;
    bdd_budget.max_seconds = seconds;
    bdd_budget.max_cpu_seconds = cpu_seconds;
    auto bdd = internal::CompileBdd(problem, bdd_budget, nullptr);
    if (!bdd.ok()) {
      if (bdd.error().code != ErrorCode::kConflict) return std::nullopt;
      if (method) *method = "bdd";
      return "0";  // the BDD proved there is no configuration
    }
    auto c = (*bdd)->Count(open);
    if (!c) return std::nullopt;
    if (method) *method = "bdd";
    return c->get_str();
  };
  if (options.first_bdd_cpu_seconds > 0 && !internal::MostlyTables(problem)) {
    if (auto c = try_bdd(options.seconds, options.first_bdd_cpu_seconds)) return c;
  }
  internal::EliminationCounter counter(problem);
  internal::CountBudget budget;
  budget.max_seconds = left();
  budget.max_rows = options.row_budget;
  if (counter.usable() && budget.max_seconds > 0) {
    if (auto c = counter.Count(open, budget)) {
      if (method) *method = "elimination";
      return c->get_str();
    }
  }
  return try_bdd(left(), 0);
}

std::vector<std::string> CompiledModel::RuleIds(const std::vector<std::pair<int, int>>& assumed) const {
  std::lock_guard<std::mutex> lock(explain_mu_);
  if (!explainer_) explainer_ = std::make_unique<internal::RuleExplainer>(*problem_);
  std::vector<std::string> ids;
  for (int r : explainer_->MinimalRuleCore(assumed)) {
    if (r < problem_->num_rule_constraints) ids.push_back(model_.rules[r].id);
  }
  return ids;
}

namespace {
std::string RuleMessages(const ProductModel& m, const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) {
    int r = m.RuleIndex(id);
    std::string msg = r >= 0 ? m.rules[r].message : id;
    if (!out.empty()) out += "; ";
    out += msg;
  }
  return out;
}
std::string PickList(const ProductModel& m, const std::vector<int>& picks, const std::vector<int>& which) {
  std::string out;
  for (int o : which) {
    if (!out.empty()) out += ", ";
    out += m.options[o].label + ": " + m.options[o].values[picks[o]].label;
  }
  return out;
}
}  // namespace

Reason CompiledModel::Explain(const std::vector<int>& picks, int option, int value) const {
  const auto eng = engine();
  std::vector<int> cur;
  for (size_t o = 0; o < picks.size(); ++o) {
    if (picks[o] >= 0 && static_cast<int>(o) != option) cur.push_back(static_cast<int>(o));
  }
  // Deletion: drop every pick that is not needed for the exclusion.
  for (size_t i = cur.size(); i-- > 0 && !internal::WorkScope::Exhausted();) {
    internal::Assignment a(problem_->domain.size(), -1);
    for (size_t j = 0; j < cur.size(); ++j) {
      if (j != i) a[cur[j]] = picks[cur[j]];
    }
    a[option] = value;
    if (!eng->Feasible(a)) cur.erase(cur.begin() + static_cast<long>(i));
  }
  std::vector<std::pair<int, int>> assumed{{option, value}};
  for (int o : cur) assumed.push_back({o, picks[o]});
  Reason reason;
  reason.rule_ids = RuleIds(assumed);
  for (int o : cur) reason.picks_to_drop.push_back(model_.options[o].id);
  reason.message = RuleMessages(model_, reason.rule_ids);
  if (!cur.empty()) reason.message += (reason.message.empty() ? "" : " ") + std::string("(remove ") +
                                      PickList(model_, picks, cur) + ")";
  return reason;
}

Conflict CompiledModel::ExplainConflict(const std::vector<int>& picks) const {
  const auto eng = engine();
  std::vector<int> cur;
  for (size_t o = 0; o < picks.size(); ++o) {
    if (picks[o] >= 0) cur.push_back(static_cast<int>(o));
  }
  for (size_t i = cur.size(); i-- > 0 && !internal::WorkScope::Exhausted();) {
    internal::Assignment a(problem_->domain.size(), -1);
    for (size_t j = 0; j < cur.size(); ++j) {
      if (j != i) a[cur[j]] = picks[cur[j]];
    }
    if (!eng->Feasible(a)) cur.erase(cur.begin() + static_cast<long>(i));
  }
  std::vector<std::pair<int, int>> assumed;
  for (int o : cur) assumed.push_back({o, picks[o]});
  Conflict c;
  c.rule_ids = RuleIds(assumed);
  for (int o : cur) c.picks.push_back(model_.options[o].id);
  c.message = PickList(model_, picks, cur) + " cannot be combined";
  std::string rules = RuleMessages(model_, c.rule_ids);
  if (!rules.empty()) c.message += ": " + rules;
  return c;
}

Result<ConfigureState> CompiledModel::Configure(const ConfigureRequest& request, const ConfigureOptions& options,
                                                const SalesHistory* history) const {
  ATELIER_ASSIGN_OR_RETURN(std::vector<int> picks, ResolveSelections(request.selections));
  // Every solve below counts against one budget; past it the answer is
  // wrong, so the request fails instead.
  internal::WorkScope work(options.work_budget);
  auto too_complex = [&]() -> Error {
    return Error::TooLarge("answering for these selections of model '" + model_.id + "' needs more than " +
                               std::to_string(options.work_budget) +
                               " solver conflicts; pick fewer conflicting values or ask the merchant to simplify the model",
                           "selections");
  };
  const auto eng = engine();
  const size_t n_vars = problem_->domain.size();
  const int n_opts = static_cast<int>(model_.options.size());
  ConfigureState st;
  st.model_id = model_.id;
  st.version = model_.version;
  st.currency = model_.currency;
  st.plants = model_.plants;
  PersonalizationResult pers = ValidatePersonalization(model_, request.personalization);
  st.personalization_errors = pers.errors;

  st.price_now = model_.base_price + pers.price_delta;
  st.lead_time_days = model_.base_lead_time_days;
  for (int o = 0; o < n_opts; ++o) {
    if (picks[o] < 0) continue;
    st.price_now += model_.options[o].values[picks[o]].price_delta;
    st.lead_time_days += model_.options[o].values[picks[o]].lead_time_days;
  }
  for (const auto& adj : model_.adjustments) {
    if (EvaluatePartial(adj.when, picks).value_or(false)) st.price_now += adj.delta;
  }

  st.options.resize(n_opts);
  for (int o = 0; o < n_opts; ++o) {
    const Option& opt = model_.options[o];
    OptionState& os = st.options[o];
    os.id = opt.id;
    os.label = opt.label;
    if (picks[o] >= 0) os.selected = opt.values[picks[o]].id;
    for (const OptionValue& v : opt.values) {
      ValueState vs;
      vs.id = v.id;
      vs.label = v.label;
      vs.price_delta = v.price_delta;
      os.values.push_back(std::move(vs));
    }
  }

  const internal::Assignment fixed = Extend(picks, n_vars);
  std::vector<std::vector<char>> supported;
  if (!eng->Supported(fixed, &supported)) {
    if (internal::WorkScope::Exhausted()) return too_complex();
    st.consistent = false;
    st.conflict = ExplainConflict(picks);
    if (internal::WorkScope::Exhausted()) return too_complex();
    return st;
  }
  if (internal::WorkScope::Exhausted()) return too_complex();
  bool all_decided = true;
  for (int o = 0; o < n_opts; ++o) {
    OptionState& os = st.options[o];
    std::vector<char> avail = supported[o];
    std::vector<int> base_picks = picks;
    if (picks[o] >= 0) {
      if (options.alternatives_for_picked) {
        base_picks[o] = -1;
        std::vector<std::vector<char>> alt;
        eng->Supported(Extend(base_picks, n_vars), &alt);
        avail = alt[o];
      } else {
        std::fill(avail.begin(), avail.end(), 0);
        avail[picks[o]] = 1;
      }
    }
    int n_avail = 0;
    for (size_t v = 0; v < avail.size(); ++v) {
      os.values[v].available = avail[v] != 0;
      n_avail += avail[v] ? 1 : 0;
      if (!avail[v] && options.explain) os.values[v].reason = Explain(base_picks, o, static_cast<int>(v));
      if (internal::WorkScope::Exhausted()) return too_complex();
    }
    if (picks[o] < 0) {
      if (n_avail == 1) {
        for (size_t v = 0; v < avail.size(); ++v) {
          if (avail[v]) os.implied = os.values[v].id;
        }
      } else {
        all_decided = false;
      }
    }
    if (history && history->size() > 0) {
      std::vector<int64_t> counts = history->ValueCounts(picks, o, static_cast<int>(avail.size()));
      int64_t total = 0;
      int best = -1;
      for (size_t v = 0; v < counts.size(); ++v) {
        total += counts[v];
        if (avail[v] && counts[v] > 0 && (best < 0 || counts[v] > counts[best])) best = static_cast<int>(v);
      }
      for (size_t v = 0; v < counts.size(); ++v) {
        os.values[v].share = total ? static_cast<double>(counts[v]) / static_cast<double>(total) : 0;
      }
      if (best >= 0) os.values[best].popular = true;
    }
  }
  if (options.count) {
    if (auto c = eng->Count(fixed)) st.count = c->get_str();
  }
  if (options.price_range) {
    if (auto cost = eng->Cost(fixed)) {
      st.price_min = model_.base_price + pers.price_delta + cost->min;
      st.price_max = model_.base_price + pers.price_delta + cost->max;
      for (int o = 0; o < n_opts; ++o) {
        st.cheapest_completion[model_.options[o].id] = model_.options[o].values[cost->cheapest[o]].id;
      }
      st.cheapest_exact = true;
    } else if (auto any = eng->Complete(fixed)) {
      for (int o = 0; o < n_opts; ++o) {
        st.cheapest_completion[model_.options[o].id] = model_.options[o].values[(*any)[o]].id;
      }
    }
  }
  if (internal::WorkScope::Exhausted()) return too_complex();
  st.complete = all_decided && st.personalization_errors.empty();
  return st;
}

std::vector<int64_t> SalesHistory::ValueCounts(const std::vector<int>& picks, int option, int domain_size) const {
  std::vector<int64_t> counts(domain_size, 0);
  int64_t agreeing = 0;
  for (const auto& sale : sales_) {
    bool agree = true;
    for (int o = 0; o < num_options_ && agree; ++o) {
      if (o != option && picks[o] >= 0 && sale[o] >= 0 && sale[o] != picks[o]) agree = false;
    }
    if (!agree) continue;
    int v = sale[option];
    if (v >= 0 && v < domain_size) {
      ++counts[v];
      ++agreeing;
    }
  }
  if (agreeing == 0) {
    for (const auto& sale : sales_) {
      int v = sale[option];
      if (v >= 0 && v < domain_size) ++counts[v];
    }
  }
  return counts;
}

Result<std::shared_ptr<const CompiledModel>> ModelCache::Get(const ProductModel& model) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = models_.find({model.id, model.version});
    if (it != models_.end()) return it->second;
  }
  // Compile outside the lock so other models stay servable meanwhile.
  ATELIER_ASSIGN_OR_RETURN(auto compiled, CompiledModel::Compile(model, options_));
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = models_.emplace(std::make_pair(model.id, model.version), compiled);
  return it->second;
}

std::shared_ptr<const CompiledModel> ModelCache::Find(const std::string& model_id, int version) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = models_.find({model_id, version});
  return it == models_.end() ? nullptr : it->second;
}

size_t ModelCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return models_.size();
}

}  // namespace atelier::config
