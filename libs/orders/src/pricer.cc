#include "atelier/orders/pricer.h"

namespace atelier::orders {

const ValueDescription* OptionDescription::FindValue(std::string_view value_id) const {
  for (const auto& v : values) {
    if (v.id == value_id) return &v;
  }
  return nullptr;
}

const OptionDescription* ModelDescription::FindOption(std::string_view option_id) const {
  for (const auto& o : options) {
    if (o.id == option_id) return &o;
  }
  return nullptr;
}

}  // namespace atelier::orders
