#pragma once
// Where a configuration can come from: exact stock, near alternatives, or a
// build-to-order quote (POST /api/v1/models/{id}/availability).
//
// Given a (possibly partial) configuration — the options the shopper picked —
// a budget and the shopper's region, Find() looks at every configured stock
// unit of the model's products (products.model_id) with quantity > 0 at a
// distribution centre, dealer or store, and returns:
//
//  * exact matches: units whose configuration has every picked value (the
//    options the shopper left open may be anything), budget or not, each
//    flagged `within_budget`;
//  * nearest alternatives: the other units within the budget, ranked by
//
//        distance(unit) = sum over picked options o of  w(o) * [unit(o) != pick(o)]
//
//    where w(o) is the merchant-set weight of option o for the model (table
//    option_weights, set with SetOptionWeight; default 1, 0 = "don't care").
//    Ties go to the cheaper unit, then the earlier delivery, then the lower
//    unit id. Each lists how it differs, in the shop's words through the
//    pricer's labels ("colour: grey instead of red", "no tow package") and the
//    price difference against the shopper's picks applied to that unit's
//    configuration (so it measures exactly what the differences cost);
//  * a build-to-order quote (schedule.h) when the configuration is complete
//    and valid, with its price; otherwise the reason there is none.
//
// Delivery for stock: today + transit days from the unit's location to the
// region. Units whose configuration the model version rejects are skipped
// (counted in `skipped_units`).
//
// Thread-safety: safe to call concurrently (read-only apart from
// SetOptionWeight).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "atelier/core/money.h"
#include "atelier/core/result.h"
#include "atelier/orders/carts.h"
#include "atelier/orders/pricer.h"
#include "atelier/orders/schedule.h"
#include "atelier/orders/types.h"
#include "atelier/store/database.h"

namespace atelier::orders {

struct AvailabilityRequest {
  std::string model_id;
  int model_version = 0;
  Selections selections;          // picked options; may be partial
  std::optional<int64_t> budget;  // minor units of the model's currency; none = no limit
  std::string region;
  size_t max_alternatives = 5;
};

struct StockOffer {
  int64_t stock_unit_id = 0;
  std::string sku;
  std::string location_code;
  std::string location_name;
  std::string location_type;  // "dealer", "distribution_centre", "store"
  std::string location_region;
  int64_t quantity = 0;
  Selections configuration;
  Money price;
  bool within_budget = true;
  int transit_days = 0;
  int64_t delivery_day = 0;
  std::string delivery_date;
};

struct Difference {
  std::string option_id;
  std::string wanted;   // value id picked ("red")
  std::string offered;  // value id of the unit ("grey"; "none" when absent)
  std::string text;     // "colour: grey instead of red"
};

struct Alternative {
  StockOffer offer;
  double distance = 0;
  std::vector<Difference> differences;
  // offer price minus the price of the picks applied to this unit; absent
  // when that configuration is not valid (the picks force other changes).
  std::optional<int64_t> price_difference;
  std::string summary;  // "grey instead of red, no tow package, $1200.00 less"
};

struct BuildToOrderOffer {
  Money price;
  bool within_budget = true;
  DeliveryQuote quote;
};

struct Availability {
  std::vector<StockOffer> exact;          // cheapest first
  std::vector<Alternative> alternatives;  // nearest first
  std::optional<BuildToOrderOffer> build_to_order;
  std::string build_to_order_unavailable;  // why there is no quote, when none
  int64_t skipped_units = 0;
};

struct AvailabilityOptions {
  Clock clock = SystemClock();  // "today" for delivery dates
  size_t max_exact = 20;
};

class AvailabilityFinder {
 public:
  // REQUIRES: `db`, `pricer` and `scheduler` outlive this object.
  AvailabilityFinder(store::Database& db, ConfigurationPricer& pricer, Scheduler& scheduler,
                     AvailabilityOptions options = {});

  // Errors: kInvalidArgument (field "model_id") for an empty model id,
  // (field "budget") for a negative budget; the pricer's kNotFound for an
  // unknown model; kInvalidArgument (field "selections.<option>") for an
  // option or value the model does not have.
  Result<Availability> Find(const AvailabilityRequest& request);

  // "The same, but in red" from a unit in stock (the configure handler's
  // `from_stock_unit`): the unit's model and configuration, with
  // `model_version` as given by the caller (stock carries no version).
  // Errors: kNotFound (field "stock_unit_id") for an unknown unit or one
  // that is not a configured product.
  Result<ConfiguredItem> ConfigurationOfStockUnit(int64_t stock_unit_id, int model_version);

  // Merchant-set weight of an option in the distance. Errors:
  // kInvalidArgument (field "weight") for a negative or non-finite weight.
  Status SetOptionWeight(std::string_view model_id, std::string_view option_id, double weight);
  // Weights set for the model (options without a row weigh 1).
  Result<std::map<std::string, double>> OptionWeights(std::string_view model_id);

 private:
  store::Database& db_;
  ConfigurationPricer& pricer_;
  Scheduler& scheduler_;
  AvailabilityOptions options_;
};

}  // namespace atelier::orders
