#include "atelier/catalog/types.h"

#include <cmath>
#include <cstdio>

namespace atelier::catalog {

std::string AttributeText(const AttributeValue& value) {
  if (auto s = std::get_if<std::string>(&value)) return *s;
  if (auto b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  double d = std::get<double>(value);
  if (std::floor(d) == d && std::fabs(d) < 1e15) return std::to_string(static_cast<int64_t>(d));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", d);
  return buf;
}

const Attribute* Product::FindAttribute(const std::string& key) const {
  for (const auto& a : attributes) {
    if (a.key == key) return &a;
  }
  return nullptr;
}

const char* LocationTypeName(LocationType type) {
  switch (type) {
    case LocationType::kDistributionCentre: return "distribution_centre";
    case LocationType::kDealer: return "dealer";
    case LocationType::kPlant: return "plant";
    case LocationType::kStore: return "store";
  }
  return "store";
}

bool ParseLocationType(const std::string& text, LocationType& out) {
  if (text == "distribution_centre") out = LocationType::kDistributionCentre;
  else if (text == "dealer") out = LocationType::kDealer;
  else if (text == "plant") out = LocationType::kPlant;
  else if (text == "store") out = LocationType::kStore;
  else return false;
  return true;
}

std::string_view ProductFamily(std::string_view title) {
  for (std::string_view dash : {" \u2013 ", " \u2014 ", " - "}) {
    if (size_t at = title.rfind(dash); at != std::string_view::npos && at > 0) return title.substr(0, at);
  }
  return title;
}

}  // namespace atelier::catalog
