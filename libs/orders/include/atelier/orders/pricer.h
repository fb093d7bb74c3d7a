#pragma once
// The seam between buying and the configurator.
//
// Carts, checkout and availability need three things from a product model:
// is this configuration valid, what does it cost, and who can build it how
// fast. They ask through ConfigurationPricer, implemented over the config
// module's compiled models by the layer that wires the two (the server), and
// by small fakes in tests. Keeping the seam here lets the buying module build
// and be tested without the configurator, and keeps the direction of
// dependencies one way.
//
// Thread-safety: implementations must be safe to call from many threads at
// once, and must not touch the store (checkout calls Price() inside its
// write transaction).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "atelier/core/money.h"
#include "atelier/core/result.h"
#include "atelier/orders/types.h"

namespace atelier::orders {

// A configuration that the model accepted, with its server-side price.
struct PricedConfiguration {
  Money unit_price;        // base + option deltas + adjustments + personalization
  int lead_time_days = 0;  // days from order to the earliest build day
  // The line whose plant capacity the build consumes ("suv", "shoes").
  std::string product_line;
  std::vector<std::string> plant_codes;  // plants that can build it (locations.code)
};

// Labels of one value of an option, for explaining differences.
struct ValueDescription {
  std::string id;
  std::string label;
  bool absent = false;  // the "none" value of an optional option ("no tow package")
};

struct OptionDescription {
  std::string id;
  std::string label;
  std::vector<ValueDescription> values;

  // The value with `id`, or nullptr.
  const ValueDescription* FindValue(std::string_view value_id) const;
};

struct ModelDescription {
  std::string model_id;
  int version = 0;
  std::string name;
  std::vector<OptionDescription> options;

  const OptionDescription* FindOption(std::string_view option_id) const;
};

class ConfigurationPricer {
 public:
  virtual ~ConfigurationPricer() = default;

  // Validates a complete configuration plus personalization of
  // `model_id`@`model_version` and prices it.
  // Errors: kNotFound (field "model_id") for an unknown model or version;
  // kInvalidArgument naming the option or personalization field at fault for
  // an incomplete or invalid configuration.
  virtual Result<PricedConfiguration> Price(std::string_view model_id, int model_version,
                                            const Selections& selections,
                                            const Personalization& personalization) = 0;

  // Options and values of a model version with their labels.
  // Errors: kNotFound (field "model_id").
  virtual Result<ModelDescription> Describe(std::string_view model_id, int model_version) = 0;
};

}  // namespace atelier::orders
