#include "atelier/orders/availability.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <unordered_map>

#include "atelier/core/strings.h"

namespace atelier::orders {

namespace {

// The unit's value of an option; an option it does not mention is absent.
std::string UnitValue(const Selections& config, const std::string& option) {
  auto it = config.find(option);
  return it == config.end() ? "none" : it->second;
}

Difference Describe(const OptionDescription& option, const std::string& wanted, const std::string& offered) {
  const ValueDescription* w = option.FindValue(wanted);
  const ValueDescription* o = option.FindValue(offered);
  const std::string name = ToLower(option.label.empty() ? option.id : option.label);
  const std::string wanted_label = ToLower(w ? w->label : wanted);
  const std::string offered_label = ToLower(o ? o->label : offered);
  const bool offered_absent = o ? o->absent : offered == "none";
  const bool wanted_absent = w ? w->absent : wanted == "none";
  Difference d{option.id, wanted, offered, ""};
  if (offered_absent) {
    d.text = "no " + name;
  } else if (wanted_absent) {
    d.text = "with " + name + ": " + offered_label;
  } else {
    d.text = name + ": " + offered_label + " instead of " + wanted_label;
  }
  return d;
}

}  // namespace

AvailabilityFinder::AvailabilityFinder(store::Database& db, ConfigurationPricer& pricer, Scheduler& scheduler,
                                       AvailabilityOptions options)
    : db_(db), pricer_(pricer), scheduler_(scheduler), options_(std::move(options)) {}

Result<ConfiguredItem> AvailabilityFinder::ConfigurationOfStockUnit(int64_t stock_unit_id,
                                                                    int model_version) {
  ATELIER_ASSIGN_OR_RETURN(auto rows, db_.Query("SELECT p.model_id, su.configuration FROM stock_units su "
                                                "JOIN products p ON p.id = su.product_id WHERE su.id = ?",
                                                {stock_unit_id}));
  const Error missing =
      Error::NotFound("no configured stock unit " + std::to_string(stock_unit_id), "stock_unit_id");
  if (rows.empty() || rows[0].Text(0).empty() || rows[0].Text(1).empty()) return missing;
  auto selections = ParseSelections(rows[0].Text(1), "configuration");
  if (!selections.ok()) return missing;
  return ConfiguredItem{rows[0].Text(0), model_version, *selections, {}, 0};
}

Status AvailabilityFinder::SetOptionWeight(std::string_view model_id, std::string_view option_id,
                                           double weight) {
  if (!std::isfinite(weight) || weight < 0) return Error::InvalidArgument("weight must be >= 0", "weight");
  if (model_id.empty() || option_id.empty()) {
    return Error::InvalidArgument("model and option are required", "option_id");
  }
  return db_.Transact([&](store::Session& s) -> Status {
    ATELIER_RETURN_IF_ERROR(
        s.Exec("INSERT INTO option_weights (model_id, option_id, weight) VALUES (?, ?, ?) "
               "ON CONFLICT (model_id, option_id) DO UPDATE SET weight = excluded.weight",
               {std::string(model_id), std::string(option_id), weight}));
    return Ok();
  });
}

Result<std::map<std::string, double>> AvailabilityFinder::OptionWeights(std::string_view model_id) {
  ATELIER_ASSIGN_OR_RETURN(
      auto rows,
      db_.Query("SELECT option_id, weight FROM option_weights WHERE model_id = ?", {std::string(model_id)}));
  std::map<std::string, double> out;
  for (const auto& r : rows) out[r.Text(0)] = r.Real(1);
  return out;
}

Result<Availability> AvailabilityFinder::Find(const AvailabilityRequest& request) {
  if (request.model_id.empty()) return Error::InvalidArgument("model_id is required", "model_id");
  if (request.budget && *request.budget < 0) return Error::InvalidArgument("budget must be >= 0", "budget");
  ATELIER_ASSIGN_OR_RETURN(ModelDescription model, pricer_.Describe(request.model_id, request.model_version));
  for (const auto& [option, value] : request.selections) {
    const OptionDescription* o = model.FindOption(option);
    if (o == nullptr) {
      return Error::InvalidArgument("model '" + request.model_id + "' has no option '" + option + "'",
                                    "selections." + option);
    }
    if (o->FindValue(value) == nullptr) {
      return Error::InvalidArgument("option '" + option + "' has no value '" + value + "'",
                                    "selections." + option);
    }
  }
  ATELIER_ASSIGN_OR_RETURN(auto weights, OptionWeights(request.model_id));
  auto weight_of = [&weights](const std::string& option) {
    auto it = weights.find(option);
    return it == weights.end() ? 1.0 : it->second;
  };
  const int64_t today = DayOf(options_.clock());
  auto in_budget = [&](int64_t amount) { return !request.budget || amount <= *request.budget; };

  ATELIER_ASSIGN_OR_RETURN(
      auto units, db_.Query("SELECT su.id, p.sku, l.id, l.code, l.name, l.type, l.region, su.quantity, "
                            "su.configuration FROM stock_units su JOIN products p ON p.id = su.product_id "
                            "JOIN locations l ON l.id = su.location_id "
                            "WHERE p.model_id = ? AND su.quantity > 0 AND su.configuration <> '' "
                            "AND l.type IN ('distribution_centre','dealer','store') ORDER BY su.id",
                            {request.model_id}));
  Availability out;
  // Many units share a configuration and a location: parse, price and look
  // up transit once per distinct value.
  struct Variant {
    bool valid = false;
    Selections config;
    Money price;
  };
  std::unordered_map<std::string, Variant> variants;
  std::unordered_map<int64_t, int> transit;
  for (const auto& r : units) {
    const std::string text = r.Text(8);
    auto [vit, fresh] = variants.try_emplace(text);
    Variant& variant = vit->second;
    if (fresh) {
      auto config = ParseSelections(text, "configuration");
      if (config.ok()) {
        auto priced = pricer_.Price(request.model_id, request.model_version, *config, {});
        if (priced.ok()) variant = Variant{true, std::move(*config), priced->unit_price};
      }
    }
    if (!variant.valid) {
      ++out.skipped_units;
      continue;
    }
    StockOffer offer;
    offer.stock_unit_id = r.Int(0);
    offer.sku = r.Text(1);
    offer.location_code = r.Text(3);
    offer.location_name = r.Text(4);
    offer.location_type = r.Text(5);
    offer.location_region = r.Text(6);
    offer.quantity = r.Int(7);
    offer.configuration = variant.config;
    offer.price = variant.price;
    offer.within_budget = in_budget(offer.price.amount);
    auto [tit, new_location] = transit.try_emplace(r.Int(2), 0);
    if (new_location) {
      ATELIER_ASSIGN_OR_RETURN(tit->second, scheduler_.TransitDays(db_, r.Int(2), request.region));
    }
    offer.transit_days = tit->second;
    offer.delivery_day = today + offer.transit_days;
    offer.delivery_date = FormatDay(offer.delivery_day);

    double distance = 0;
    bool exact = true;
    for (const auto& [option, wanted] : request.selections) {
      if (UnitValue(variant.config, option) == wanted) continue;
      distance += weight_of(option);
      exact = false;
    }
    if (exact) {
      out.exact.push_back(std::move(offer));
    } else if (offer.within_budget) {
      Alternative alt;
      alt.distance = distance;
      alt.offer = std::move(offer);
      out.alternatives.push_back(std::move(alt));
    }
  }

  std::sort(out.exact.begin(), out.exact.end(), [](const StockOffer& a, const StockOffer& b) {
    return std::tie(a.price.amount, a.delivery_day, a.stock_unit_id) <
           std::tie(b.price.amount, b.delivery_day, b.stock_unit_id);
  });
  if (out.exact.size() > options_.max_exact) out.exact.resize(options_.max_exact);
  std::sort(out.alternatives.begin(), out.alternatives.end(), [](const Alternative& a, const Alternative& b) {
    return std::tie(a.distance, a.offer.price.amount, a.offer.delivery_day, a.offer.stock_unit_id) <
           std::tie(b.distance, b.offer.price.amount, b.offer.delivery_day, b.offer.stock_unit_id);
  });
  if (out.alternatives.size() > request.max_alternatives) out.alternatives.resize(request.max_alternatives);

  // Explain the alternatives that made the list.
  for (Alternative& alt : out.alternatives) {
    const Selections& config = alt.offer.configuration;
    std::vector<std::string> parts;
    for (const auto& [option, wanted] : request.selections) {
      const std::string offered = UnitValue(config, option);
      if (offered == wanted) continue;
      alt.differences.push_back(Describe(*model.FindOption(option), wanted, offered));
      parts.push_back(alt.differences.back().text);
    }
    Selections with_picks = config;
    for (const auto& [option, wanted] : request.selections) with_picks[option] = wanted;
    auto picks_price = pricer_.Price(request.model_id, request.model_version, with_picks, {});
    if (picks_price.ok() && picks_price->unit_price.currency == alt.offer.price.currency) {
      const int64_t diff = alt.offer.price.amount - picks_price->unit_price.amount;
      alt.price_difference = diff;
      if (diff != 0) {
        parts.push_back(FormatMoney(Money{diff < 0 ? -diff : diff, alt.offer.price.currency}) +
                        (diff < 0 ? " less" : " more"));
      }
    }
    alt.summary = Join(parts, ", ");
  }

  auto priced = pricer_.Price(request.model_id, request.model_version, request.selections, {});
  if (!priced.ok()) {
    out.build_to_order_unavailable =
        "complete the configuration for a build-to-order quote: " + priced.error().message;
    return out;
  }
  auto quote = scheduler_.Quote(
      BuildRequest{priced->product_line, priced->plant_codes, priced->lead_time_days, 1, request.region},
      today);
  if (!quote.ok()) {
    out.build_to_order_unavailable = quote.error().message;
    return out;
  }
  out.build_to_order = BuildToOrderOffer{priced->unit_price, in_budget(priced->unit_price.amount), *quote};
  return out;
}

}  // namespace atelier::orders
