#include "atelier/shopper/find.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <set>

#include "atelier/config/json.h"
#include "atelier/core/strings.h"
#include "internal/matching.h"
#include "internal/model_search.h"

namespace atelier::shopper {

const char* SpecOpName(SpecOp op) {
  switch (op) {
    case SpecOp::kEq:
      return "=";
    case SpecOp::kIn:
      return "in";
    case SpecOp::kLe:
      return "<=";
    case SpecOp::kGe:
      return ">=";
    case SpecOp::kLt:
      return "<";
    case SpecOp::kGt:
      return ">";
  }
  return "?";
}

bool ParseSpecOp(std::string_view text, SpecOp* op) {
  static constexpr std::pair<std::string_view, SpecOp> kOps[] = {
      {"=", SpecOp::kEq},  {"==", SpecOp::kEq}, {"in", SpecOp::kIn}, {"<=", SpecOp::kLe},
      {">=", SpecOp::kGe}, {"<", SpecOp::kLt},  {">", SpecOp::kGt},
  };
  for (const auto& [name, value] : kOps) {
    if (text == name) {
      *op = value;
      return true;
    }
  }
  return false;
}

namespace {

// A stock unit's configuration when it is a complete, valid configuration of
// `model`, with its price; one Configure call.
std::optional<StockConfiguration> ResolveStockUnit(const config::CompiledModel& model,
                                                   const catalog::StockUnit& unit) {
  auto parsed = config::ParseConfigureRequestJson("{\"selections\": " + unit.configuration + "}");
  if (!parsed.ok()) return std::nullopt;
  auto values = model.ResolveSelections(parsed->selections);
  if (!values.ok() || std::count(values->begin(), values->end(), -1) != 0) return std::nullopt;
  config::ConfigureOptions price_only;
  price_only.explain = false;
  price_only.count = false;
  price_only.price_range = false;
  price_only.alternatives_for_picked = false;
  auto state = model.Configure(*parsed, price_only);
  if (!state.ok() || !state->consistent) return std::nullopt;
  return StockConfiguration{&unit, std::move(*values), std::move(parsed->selections), state->price_now};
}

bool IsConfiguredUnit(const catalog::StockUnit& unit) {
  return unit.quantity > 0 && !unit.configuration.empty();
}

}  // namespace

CandidateIndex::CandidateIndex(const catalog::CatalogSnapshot& catalog, const CompiledModels& models)
    : catalog_(catalog), models_(models) {
  for (const catalog::Product& p : catalog.products()) {
    if (p.model_id.empty() && catalog.TotalStock(p.id) <= 0) continue;
    all_.push_back(&p);
    for (const catalog::Category* c : catalog.CategoryPath(p.category_id)) by_category_[c->id].push_back(&p);
    auto model = models_.find(p.model_id);
    if (model == models_.end() || !model->second) continue;
    std::vector<StockConfiguration>& units = stock_configurations_[p.id];
    for (const catalog::StockUnit* unit : catalog.StockOf(p.id)) {
      if (!IsConfiguredUnit(*unit)) continue;
      if (auto resolved = ResolveStockUnit(*model->second, *unit)) units.push_back(std::move(*resolved));
    }
  }
}

const std::vector<StockConfiguration>* CandidateIndex::StockConfigurations(
    int64_t product_id, const config::CompiledModel* model) const {
  const catalog::Product* product = catalog_.FindProduct(product_id);
  if (!product) return nullptr;
  auto it = models_.find(product->model_id);
  if (it == models_.end() || it->second.get() != model) return nullptr;
  auto units = stock_configurations_.find(product_id);
  return units == stock_configurations_.end() ? nullptr : &units->second;
}

const std::vector<const catalog::Product*>& CandidateIndex::Under(int64_t category_id) const {
  static const std::vector<const catalog::Product*> kNone;
  if (category_id == 0) return all_;
  auto it = by_category_.find(category_id);
  return it == by_category_.end() ? kNone : it->second;
}

namespace {

using internal::CallBudget;
using internal::Condition;
using internal::ValueView;

using Mask = uint32_t;  // bit i: spec i; bit specs.size(): the budget
constexpr int kMaxSpecs = 30;

// The request after validation, with canonical field names.
struct Prepared {
  std::vector<Condition> specs;
  std::vector<Condition> prefs;
  std::vector<double> weights;
  std::vector<std::string> spec_names;  // as the shopper wrote them
  std::vector<std::string> pref_names;
  std::optional<int64_t> budget;
  Mask budget_bit = 0;  // 0 without a budget

  Mask AllItems() const { return static_cast<Mask>((Mask{1} << specs.size()) - 1) | budget_bit; }
};

Prepared Prepare(const FindRequest& request) {
  Prepared p;
  for (const Spec& s : request.specs) {
    p.specs.push_back(internal::MakeCondition(s.field, s.op, s.values));
    p.spec_names.push_back(std::string(Trim(s.field)));
  }
  for (const Preference& s : request.preferences) {
    p.prefs.push_back(internal::MakeCondition(s.field, s.op, s.values));
    p.pref_names.push_back(std::string(Trim(s.field)));
    p.weights.push_back(s.weight);
  }
  p.budget = request.budget;
  if (p.budget) p.budget_bit = Mask{1} << p.specs.size();
  return p;
}

// A candidate checked against the request: a product in stock, or the best
// configuration found for a configurable product.
struct Evaluated {
  const catalog::Product* product = nullptr;
  const catalog::StockUnit* stock_unit = nullptr;  // a configured unit in stock
  bool configuration = false;                      // built to order
  std::map<std::string, std::string> selections;
  int64_t price = 0;
  std::string currency;
  Mask fails = 0;                              // specs (and budget) not met
  std::vector<std::optional<double>> numbers;  // per spec: the number read, if any
  double score = 0;
  bool has_text = false;  // meets and prefers filled
  std::vector<SpecCheck> meets;
  std::vector<SpecCheck> prefers;
};

// Best first: preferences met, then price, then products before
// configurations, then SKU (for a stable order).
bool Better(const Evaluated& a, const Evaluated& b) {
  if (a.score != b.score) return a.score > b.score;
  if (a.price != b.price) return a.price < b.price;
  if (a.configuration != b.configuration) return !a.configuration;
  if (a.product->sku != b.product->sku) return a.product->sku < b.product->sku;
  return (a.stock_unit ? a.stock_unit->id : 0) < (b.stock_unit ? b.stock_unit->id : 0);
}

Evaluated EvaluateProduct(const Prepared& req, const catalog::Product& product, bool with_text);

// The match of a candidate, with its "how it meets" lines (products are
// checked without them while searching, and again with them here).
Match ToMatch(const Prepared& req, const Evaluated& e) {
  if (!e.has_text) {
    Evaluated full = EvaluateProduct(req, *e.product, /*with_text=*/true);
    full.score = e.score;
    return ToMatch(req, full);
  }
  Match m;
  m.kind = e.configuration ? Match::Kind::kConfiguration : Match::Kind::kProduct;
  m.product = e.product;
  m.stock_unit = e.stock_unit;
  if (e.configuration || e.stock_unit) {
    m.model_id = e.product->model_id;
    m.configuration = e.selections;
  }
  m.price = Money{e.price, e.currency};
  m.score = e.score;
  m.meets = e.meets;
  m.prefers = e.prefers;
  return m;
}

bool IsNumericOp(SpecOp op) {
  return op == SpecOp::kLe || op == SpecOp::kGe || op == SpecOp::kLt || op == SpecOp::kGt;
}

std::string Indexed(const char* list, size_t i, const char* member) {
  return std::string(list) + "[" + std::to_string(i) + "]." + member;
}

Status ValidateCondition(const char* list, size_t i, const std::string& field, SpecOp op,
                         const std::vector<SpecValue>& values) {
  if (Trim(field).empty()) return Error::InvalidArgument("must name a field", Indexed(list, i, "field"));
  if (values.empty()) return Error::InvalidArgument("needs a value", Indexed(list, i, "value"));
  if (op != SpecOp::kIn && values.size() != 1) {
    return Error::InvalidArgument(
        std::string("'") + SpecOpName(op) + "' takes one value; use 'in' for a list",
        Indexed(list, i, "value"));
  }
  const bool price = internal::CanonicalField(field) == "price";
  for (const auto& v : values) {
    if ((IsNumericOp(op) || price) && !std::holds_alternative<double>(v)) {
      return Error::InvalidArgument(std::string("'") + SpecOpName(op) + "' on " +
                                        (price ? "price" : "a field") + " needs a number" +
                                        (price ? " (minor units)" : ""),
                                    Indexed(list, i, "value"));
    }
    if (const double* d = std::get_if<double>(&v); d && !std::isfinite(*d)) {
      return Error::InvalidArgument("must be a finite number", Indexed(list, i, "value"));
    }
  }
  return Ok();
}

Status Validate(const FindRequest& request, const FindOptions& options) {
  // Specs and the budget are bits of a Mask.
  const int max_specs = std::min(options.max_specs, kMaxSpecs);
  if (static_cast<int>(request.specs.size()) > max_specs) {
    return Error::InvalidArgument("at most " + std::to_string(max_specs) + " specs", "specs");
  }
  if (static_cast<int>(request.preferences.size()) > max_specs) {
    return Error::InvalidArgument("at most " + std::to_string(max_specs) + " preferences", "preferences");
  }
  for (size_t i = 0; i < request.specs.size(); ++i) {
    const Spec& s = request.specs[i];
    ATELIER_RETURN_IF_ERROR(ValidateCondition("specs", i, s.field, s.op, s.values));
  }
  for (size_t i = 0; i < request.preferences.size(); ++i) {
    const Preference& p = request.preferences[i];
    ATELIER_RETURN_IF_ERROR(ValidateCondition("preferences", i, p.field, p.op, p.values));
    if (!(p.weight > 0) || !std::isfinite(p.weight)) {
      return Error::InvalidArgument("must be a positive number", Indexed("preferences", i, "weight"));
    }
  }
  if (request.budget && *request.budget < 0) return Error::InvalidArgument("must not be negative", "budget");
  if (request.limit < 1 || request.limit > options.max_limit) {
    return Error::InvalidArgument("must be between 1 and " + std::to_string(options.max_limit), "limit");
  }
  return Ok();
}

Result<int64_t> ResolveCategory(const catalog::CatalogSnapshot& catalog, const std::string& category) {
  const std::string_view text = Trim(category);
  if (text.empty()) return int64_t{0};
  if (const catalog::Category* c = catalog.FindCategoryBySlug(text)) return c->id;
  if (const catalog::Category* c = catalog.FindCategoryBySlug(Slugify(text))) return c->id;
  const std::string lower = ToLower(text);
  for (const catalog::Category& c : catalog.categories()) {
    if (ToLower(c.name) == lower) return c.id;
  }
  return Error::InvalidArgument("no category \"" + std::string(text) + "\"", "category");
}

// The value a product gives a field (find.h, "How a spec's field is read").
std::optional<ValueView> ProductField(const catalog::Product& product, const Condition& c,
                                      bool with_display) {
  if (c.field == "price") return internal::ViewOfPrice(product.price.amount, with_display);
  if (c.field == "brand") {
    if (product.brand.empty()) return std::nullopt;
    ValueView view;
    view.texts[view.text_count++] = product.brand;
    if (with_display) view.display = product.brand;
    return view;
  }
  const catalog::Attribute* prefixed = nullptr;
  for (const auto& a : product.attributes) {
    if (a.key == c.field) return internal::ViewOf(a.value, with_display);
    if (StartsWith(a.key, c.prefix)) {
      if (prefixed) return std::nullopt;  // ambiguous
      prefixed = &a;
    }
  }
  if (prefixed) return internal::ViewOf(prefixed->value, with_display);
  return std::nullopt;
}

// The option of `model` a field names, or -1.
int OptionFor(const config::ProductModel& model, const std::string& field) {
  for (size_t o = 0; o < model.options.size(); ++o) {
    const config::Option& opt = model.options[o];
    if (internal::CanonicalField(opt.id) == field || internal::SnakeCase(opt.label) == field) {
      return static_cast<int>(o);
    }
  }
  for (size_t o = 0; o < model.options.size(); ++o) {
    const config::Option& opt = model.options[o];
    if (StartsWith(internal::CanonicalField(opt.id), field + "_") ||
        StartsWith(internal::SnakeCase(opt.label), field + "_")) {
      return static_cast<int>(o);
    }
  }
  return -1;
}

// One condition against a configurable product: read from an option
// (restricting its values), from the configuration's price, or statically
// from the product.
struct MappedCondition {
  int option = -1;
  std::vector<char> allowed;  // option >= 0: per value
  bool price = false;
  bool static_ok = false;  // option < 0 && !price
  std::optional<ValueView> static_view;
};

MappedCondition Map(const Condition& c, const catalog::Product& product, const config::ProductModel& model) {
  MappedCondition m;
  if (c.field == "price") {
    m.price = true;
    return m;
  }
  m.option = OptionFor(model, c.field);
  if (m.option >= 0) {
    const config::Option& opt = model.options[m.option];
    m.allowed.resize(opt.values.size());
    for (size_t v = 0; v < opt.values.size(); ++v) {
      m.allowed[v] = internal::Meets(c, internal::ViewOf(opt.values[v], /*with_display=*/false)) ? 1 : 0;
    }
    return m;
  }
  m.static_view = ProductField(product, c, /*with_display=*/true);
  m.static_ok = m.static_view && internal::Meets(c, *m.static_view);
  return m;
}

// Checks a product candidate: fails, numbers and score; with `with_text`,
// also the "how it meets" lines.
Evaluated EvaluateProduct(const Prepared& req, const catalog::Product& product, bool with_text) {
  Evaluated e;
  e.has_text = with_text;
  e.product = &product;
  e.price = product.price.amount;
  e.currency = product.price.currency;
  e.numbers.resize(req.specs.size());
  for (size_t i = 0; i < req.specs.size(); ++i) {
    std::optional<ValueView> view = ProductField(product, req.specs[i], with_text);
    const bool ok = view && internal::Meets(req.specs[i], *view);
    if (view) e.numbers[i] = view->number;
    if (!ok) e.fails |= Mask{1} << i;
    if (!with_text) continue;
    e.meets.push_back({static_cast<int>(i),
                       internal::CheckText(req.spec_names[i], req.specs[i], view ? &*view : nullptr, ok),
                       ok});
  }
  if (req.budget && e.price > *req.budget) e.fails |= req.budget_bit;
  for (size_t i = 0; i < req.prefs.size(); ++i) {
    std::optional<ValueView> view = ProductField(product, req.prefs[i], with_text);
    const bool ok = view && internal::Meets(req.prefs[i], *view);
    if (ok) e.score += req.weights[i];
    if (!with_text) continue;
    e.prefers.push_back({static_cast<int>(i),
                         internal::CheckText(req.pref_names[i], req.prefs[i], view ? &*view : nullptr, ok),
                         ok});
  }
  return e;
}

// A configurable product and its model, with the request's conditions mapped
// onto the model once; configurations are searched per set of relaxed items.
class ModelCandidate {
 public:
  ModelCandidate(const Prepared& req, const catalog::Product& product, const config::CompiledModel& model)
      : req_(req), product_(product), model_(model) {
    const config::ProductModel& m = model.model();
    for (size_t i = 0; i < req.specs.size(); ++i) {
      specs_.push_back(Map(req.specs[i], product, m));
      if (specs_.back().option < 0 && !specs_.back().price && !specs_.back().static_ok)
        static_fails_ |= Mask{1} << i;
    }
    for (const Condition& c : req.prefs) prefs_.push_back(Map(c, product, m));
  }

  // Items (specs, budget) that must be relaxed for this product to match at
  // all: specs it cannot meet whatever the configuration.
  Mask static_fails() const { return static_fails_; }

  // A configured unit of the product in stock, checked like a product.
  Evaluated InStock(const StockConfiguration& unit) const {
    Evaluated e = Describe({unit.values, unit.selections, unit.price});
    e.configuration = false;
    e.stock_unit = unit.unit;
    return e;
  }

  // The cheapest configuration meeting every spec outside `relaxed` (and the
  // budget unless relaxed); with `prefer`, improved greedily by preferences.
  std::optional<Evaluated> Evaluate(Mask relaxed, bool prefer, const FindOptions& options,
                                    CallBudget* budget) {
    if ((static_fails_ & ~relaxed) != 0) return std::nullopt;
    internal::ModelConstraints constraints;
    constraints.allowed.resize(model_.model().options.size());
    for (size_t i = 0; i < specs_.size(); ++i) {
      if (relaxed & (Mask{1} << i)) continue;
      const MappedCondition& m = specs_[i];
      if (m.option >= 0) Restrict(&constraints.allowed[m.option], m.allowed);
      if (m.price) Cap(&constraints.price_cap, req_.specs[i]);
    }
    if (req_.budget && !(relaxed & req_.budget_bit)) {
      constraints.price_cap = std::min(constraints.price_cap.value_or(*req_.budget), *req_.budget);
    }
    auto found =
        internal::CheapestConfiguration(model_, constraints, options.max_configure_calls_per_search, budget);
    if (!found) return std::nullopt;
    if (prefer) {
      std::vector<size_t> order(prefs_.size());
      for (size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::stable_sort(order.begin(), order.end(),
                       [&](size_t a, size_t b) { return req_.weights[a] > req_.weights[b]; });
      for (size_t i : order) {
        const MappedCondition& m = prefs_[i];
        if (m.option < 0 || m.allowed[found->values[m.option]]) continue;  // static, or already met
        internal::ModelConstraints tighter = constraints;
        Restrict(&tighter.allowed[m.option], m.allowed);
        auto better =
            internal::CheapestConfiguration(model_, tighter, options.max_configure_calls_per_search, budget);
        if (better) {
          found = std::move(better);
          constraints = std::move(tighter);
        }
      }
    }
    Evaluated e = Describe(*found);
    // Price specs that do not cap the price ("price >= 20000") are only
    // checked on the configuration found.
    if ((e.fails & ~relaxed) != 0) return std::nullopt;
    return e;
  }

 private:
  static void Restrict(std::vector<char>* allowed, const std::vector<char>& by) {
    if (allowed->empty()) {
      *allowed = by;
      return;
    }
    for (size_t v = 0; v < allowed->size(); ++v) (*allowed)[v] = ((*allowed)[v] && by[v]) ? 1 : 0;
  }

  static void Cap(std::optional<int64_t>* cap, const Condition& c) {
    const double bound = std::get<double>(c.values.front());
    int64_t limit = 0;
    if (c.op == SpecOp::kLe) {
      limit = static_cast<int64_t>(std::floor(bound));
    } else if (c.op == SpecOp::kLt) {
      limit = static_cast<int64_t>(std::ceil(bound)) - 1;
    } else {
      return;
    }
    *cap = cap->has_value() ? std::min(**cap, limit) : limit;
  }

  // The value a mapped condition reads from configuration `values`.
  std::optional<ValueView> Read(const MappedCondition& m, const internal::FoundConfiguration& c) const {
    if (m.price) return internal::ViewOfPrice(c.price, /*with_display=*/true);
    if (m.option >= 0) {
      return internal::ViewOf(model_.model().options[m.option].values[c.values[m.option]],
                              /*with_display=*/true);
    }
    return m.static_view;
  }

  Evaluated Describe(const internal::FoundConfiguration& c) const {
    Evaluated e;
    e.product = &product_;
    e.configuration = true;
    e.has_text = true;
    e.selections = c.selections;
    e.price = c.price;
    e.currency = model_.model().currency;
    e.numbers.resize(specs_.size());
    for (size_t i = 0; i < specs_.size(); ++i) {
      std::optional<ValueView> view = Read(specs_[i], c);
      const bool ok = view && internal::Meets(req_.specs[i], *view);
      if (view) e.numbers[i] = view->number;
      if (!ok) e.fails |= Mask{1} << i;
      e.meets.push_back({static_cast<int>(i),
                         internal::CheckText(req_.spec_names[i], req_.specs[i], view ? &*view : nullptr, ok),
                         ok});
    }
    if (req_.budget && e.price > *req_.budget) e.fails |= req_.budget_bit;
    for (size_t i = 0; i < prefs_.size(); ++i) {
      std::optional<ValueView> view = Read(prefs_[i], c);
      const bool ok = view && internal::Meets(req_.prefs[i], *view);
      if (ok) e.score += req_.weights[i];
      e.prefers.push_back(
          {static_cast<int>(i),
           internal::CheckText(req_.pref_names[i], req_.prefs[i], view ? &*view : nullptr, ok), ok});
    }
    return e;
  }

  const Prepared& req_;
  const catalog::Product& product_;
  const config::CompiledModel& model_;
  std::vector<MappedCondition> specs_;
  std::vector<MappedCondition> prefs_;
  Mask static_fails_ = 0;
};

// A spec that can be loosened to the value of a candidate rather than dropped.
bool Loosenable(const Condition& c) {
  if (c.field == "price") return false;  // the budget is the price knob
  if (IsNumericOp(c.op)) return true;
  return c.op == SpecOp::kEq && std::holds_alternative<double>(c.values.front());
}

// How far a candidate with number `x` is from meeting `c`, relative to the
// bound (0 when it meets it; infinity without a number).
double Distance(const Condition& c, const std::optional<double>& x) {
  if (!x) return std::numeric_limits<double>::infinity();
  const double b = std::get<double>(c.values.front());
  double d = 0;
  switch (c.op) {
    case SpecOp::kLe:
    case SpecOp::kLt:
      d = std::max(0.0, *x - b);
      break;
    case SpecOp::kGe:
    case SpecOp::kGt:
      d = std::max(0.0, b - *x);
      break;
    default:
      d = std::fabs(*x - b);
  }
  return d / std::max(1.0, std::fabs(b));
}

// Builds the relaxation of `items` from the candidates it admits: changes
// taken from the candidate that needs the least loosening, and the
// candidates that the loosened request admits.
Relaxation BuildRelaxation(const Prepared& req, Mask items, std::vector<const Evaluated*> admitted,
                           const FindOptions& options) {
  std::sort(admitted.begin(), admitted.end(),
            [](const Evaluated* a, const Evaluated* b) { return Better(*a, *b); });
  auto cost = [&](const Evaluated& e) {
    double total = 0;
    for (size_t i = 0; i < req.specs.size(); ++i) {
      if ((items & (Mask{1} << i)) && Loosenable(req.specs[i])) {
        const double d = Distance(req.specs[i], e.numbers[i]);
        total += std::isinf(d) ? 1e6 : d;
      }
    }
    if ((items & req.budget_bit) && req.budget) {
      total += static_cast<double>(std::max<int64_t>(0, e.price - *req.budget)) /
               static_cast<double>(std::max<int64_t>(1, *req.budget));
    }
    return total;
  };
  const Evaluated* target = admitted.front();
  double best_cost = cost(*target);
  for (const Evaluated* e : admitted) {
    const double c = cost(*e);
    if (c < best_cost) {
      best_cost = c;
      target = e;
    }
  }

  // The target fixes how far each spec is loosened (a spec it meets anyway
  // needs no change) and the new budget; the yield is every admitted
  // candidate within those.
  auto relaxed = [&](size_t i) { return (items & (Mask{1} << i)) && (target->fails & (Mask{1} << i)); };
  std::vector<std::optional<double>> within(req.specs.size());
  for (size_t i = 0; i < req.specs.size(); ++i) {
    if (!relaxed(i) || !Loosenable(req.specs[i])) continue;
    const double d = Distance(req.specs[i], target->numbers[i]);
    if (!std::isinf(d)) within[i] = d;
  }
  int64_t new_budget = req.budget.value_or(0);
  if ((items & req.budget_bit) && req.budget) new_budget = std::max(new_budget, target->price);
  std::vector<const Evaluated*> yield;
  for (const Evaluated* e : admitted) {
    bool ok = true;
    for (size_t i = 0; i < req.specs.size() && ok; ++i) {
      if (within[i]) ok = Distance(req.specs[i], e->numbers[i]) <= *within[i] + 1e-12;
    }
    if (ok && (items & req.budget_bit)) ok = e->price <= new_budget;
    if (ok) yield.push_back(e);
  }

  Relaxation r;
  for (size_t i = 0; i < req.specs.size(); ++i) {
    if (!relaxed(i)) continue;
    const Condition& c = req.specs[i];
    RelaxChange change;
    change.spec = static_cast<int>(i);
    if (!within[i]) {
      change.kind = RelaxChange::Kind::kDrop;
      change.text = "drop " + req.spec_names[i] + " " + internal::ConditionText(c.op, c.values);
    } else {
      change.kind = RelaxChange::Kind::kLoosen;
      Spec loosened{req.spec_names[i], c.op, {}};
      if (c.op == SpecOp::kEq) {
        // "size 10.5" becomes the sizes the yield has within the distance.
        std::set<double> values;
        for (const Evaluated* e : yield) values.insert(*e->numbers[i]);
        loosened.op = values.size() == 1 ? SpecOp::kEq : SpecOp::kIn;
        for (double v : values) loosened.values.push_back(v);
      } else {
        loosened.op = (c.op == SpecOp::kLe || c.op == SpecOp::kLt) ? SpecOp::kLe : SpecOp::kGe;
        loosened.values.push_back(*target->numbers[i]);
      }
      change.text = req.spec_names[i] + " " + internal::ConditionText(loosened.op, loosened.values) +
                    " instead of " + internal::ConditionText(c.op, c.values);
      change.loosened = std::move(loosened);
    }
    r.changes.push_back(std::move(change));
  }
  if (new_budget > req.budget.value_or(0)) {
    RelaxChange change;
    change.kind = RelaxChange::Kind::kRaiseBudget;
    change.new_budget = new_budget;
    change.raise_by = new_budget - *req.budget;
    change.text =
        "raise the budget by " + FormatMinorUnits(change.raise_by) + " to " + FormatMinorUnits(new_budget);
    r.changes.push_back(std::move(change));
  }
  std::vector<std::string> texts;
  for (const auto& c : r.changes) texts.push_back(c.text);
  r.description = Join(texts, "; ");
  r.yield_count = static_cast<int64_t>(yield.size());
  for (const Evaluated* e : yield) {
    if (static_cast<int>(r.examples.size()) >= options.examples_per_relaxation) break;
    r.examples.push_back(ToMatch(req, *e));
  }
  return r;
}

}  // namespace

Result<FindResult> Find(const FindRequest& request, const CandidateIndex& index, const CompiledModels& models,
                        const FindOptions& options) {
  ATELIER_RETURN_IF_ERROR(Validate(request, options));
  ATELIER_ASSIGN_OR_RETURN(int64_t category_id, ResolveCategory(index.catalog(), request.category));
  const Prepared req = Prepare(request);
  CallBudget budget{options.max_configure_calls, 0};

  FindResult result;
  std::vector<Evaluated> products;  // every product candidate, checked
  std::vector<ModelCandidate> configurable;
  const std::vector<const catalog::Product*>& candidates = index.Under(category_id);
  products.reserve(candidates.size());
  for (const catalog::Product* p : candidates) {
    if (!p->model_id.empty()) {
      auto it = models.find(p->model_id);
      if (it == models.end() || !it->second) continue;
      ModelCandidate model(req, *p, *it->second);
      if (request.kind != KindFilter::kConfigurations) {
        const std::vector<StockConfiguration>* units = index.StockConfigurations(p->id, it->second.get());
        std::vector<StockConfiguration> resolved;  // when the index was built without this model
        if (!units) {
          for (const catalog::StockUnit* unit : index.catalog().StockOf(p->id)) {
            if (!IsConfiguredUnit(*unit) || !budget.Take()) continue;
            if (auto r = ResolveStockUnit(*it->second, *unit)) resolved.push_back(std::move(*r));
          }
          units = &resolved;
        }
        for (const StockConfiguration& unit : *units) {
          products.push_back(model.InStock(unit));
          ++result.candidates;
        }
      }
      if (request.kind != KindFilter::kProducts) {
        configurable.push_back(std::move(model));
        ++result.candidates;
      }
      continue;
    }
    if (request.kind == KindFilter::kConfigurations) continue;
    products.push_back(EvaluateProduct(req, *p, /*with_text=*/false));
    ++result.candidates;
  }

  std::vector<const Evaluated*> matches;
  for (const Evaluated& e : products) {
    if (e.fails == 0) matches.push_back(&e);
  }
  std::vector<Evaluated> configurations;  // found for the request as is
  configurations.reserve(configurable.size());
  for (ModelCandidate& m : configurable) {
    if (auto e = m.Evaluate(0, /*prefer=*/true, options, &budget)) configurations.push_back(std::move(*e));
  }
  for (const Evaluated& e : configurations) matches.push_back(&e);
  std::sort(matches.begin(), matches.end(),
            [](const Evaluated* a, const Evaluated* b) { return Better(*a, *b); });
  result.total_matches = static_cast<int64_t>(matches.size());
  for (size_t i = 0; i < matches.size() && static_cast<int>(i) < request.limit; ++i) {
    result.matches.push_back(ToMatch(req, *matches[i]));
  }

  if (matches.empty() && req.AllItems() != 0) {
    // Products grouped by what they fail, for those within max_relaxed items.
    std::map<Mask, std::vector<const Evaluated*>> by_fails;
    for (const Evaluated& e : products) {
      if (std::popcount(e.fails) <= options.max_relaxed) by_fails[e.fails].push_back(&e);
    }
    std::vector<std::unique_ptr<Evaluated>> relaxed_configurations;
    auto admitted_by = [&](Mask items) {
      std::vector<const Evaluated*> admitted;
      for (const auto& [fails, list] : by_fails) {
        if ((fails & ~items) == 0) admitted.insert(admitted.end(), list.begin(), list.end());
      }
      for (ModelCandidate& m : configurable) {
        if ((m.static_fails() & ~items) != 0) continue;
        if (auto e = m.Evaluate(items, /*prefer=*/false, options, &budget)) {
          relaxed_configurations.push_back(std::make_unique<Evaluated>(std::move(*e)));
          admitted.push_back(relaxed_configurations.back().get());
        }
      }
      return admitted;
    };
    std::vector<Mask> singles;
    for (Mask bit = 1; bit != 0 && bit <= req.AllItems(); bit <<= 1) {
      if (req.AllItems() & bit) singles.push_back(bit);
    }
    std::vector<Mask> yielding;  // items that yield on their own
    for (Mask item : singles) {
      auto admitted = admitted_by(item);
      if (admitted.empty()) continue;
      yielding.push_back(item);
      result.relaxations.push_back(BuildRelaxation(req, item, std::move(admitted), options));
    }
    if (options.max_relaxed >= 2) {
      for (size_t a = 0; a < singles.size(); ++a) {
        for (size_t b = a + 1; b < singles.size(); ++b) {
          const bool minimal = std::find(yielding.begin(), yielding.end(), singles[a]) == yielding.end() &&
                               std::find(yielding.begin(), yielding.end(), singles[b]) == yielding.end();
          if (!minimal) continue;
          const Mask items = singles[a] | singles[b];
          auto admitted = admitted_by(items);
          if (admitted.empty()) continue;
          result.relaxations.push_back(BuildRelaxation(req, items, std::move(admitted), options));
        }
      }
    }
    std::stable_sort(result.relaxations.begin(), result.relaxations.end(),
                     [](const Relaxation& a, const Relaxation& b) {
                       if (a.changes.size() != b.changes.size()) return a.changes.size() < b.changes.size();
                       return a.yield_count > b.yield_count;
                     });
    if (static_cast<int>(result.relaxations.size()) > options.max_relaxations) {
      result.relaxations.resize(options.max_relaxations);
    }
  }
  result.configure_calls = budget.used;
  return result;
}

Result<FindResult> Find(const FindRequest& request, const catalog::CatalogSnapshot& catalog,
                        const CompiledModels& models, const FindOptions& options) {
  CandidateIndex index(catalog, models);
  return Find(request, index, models, options);
}

}  // namespace atelier::shopper
