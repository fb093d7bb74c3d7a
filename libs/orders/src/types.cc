#include "atelier/orders/types.h"

#include <boost/json.hpp>

#include "atelier/core/clock.h"

namespace atelier::orders {

Result<Selections> ParseSelections(std::string_view json, std::string_view field) {
  Selections out;
  if (json.empty()) return out;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(json, ec);
  if (ec)
    return Error::InvalidArgument(std::string(field) + " is not valid JSON: " + ec.message(),
                                  std::string(field));
  if (!v.is_object())
    return Error::InvalidArgument(std::string(field) + " must be a JSON object", std::string(field));
  for (const auto& [key, value] : v.as_object()) {
    const std::string name = std::string(field) + "." + std::string(key);
    if (key.empty())
      return Error::InvalidArgument(std::string(field) + " has an empty key", std::string(field));
    if (value.is_string()) {
      out[std::string(key)] = std::string(value.as_string());
    } else if (value.is_number() || value.is_bool()) {
      out[std::string(key)] = boost::json::serialize(value);
    } else {
      return Error::InvalidArgument(name + " must be a string, number or boolean", name);
    }
  }
  return out;
}

std::string SelectionsToJson(const Selections& selections) {
  boost::json::object o;
  for (const auto& [k, v] : selections) o[k] = v;
  // boost::json::object keeps insertion order; std::map iterates sorted.
  return boost::json::serialize(o);
}

Clock SystemClock() {
  return [] { return NowUnixMillis(); };
}

int64_t DayOf(int64_t unix_millis) {
  constexpr int64_t kMsPerDay = 86'400'000;
  return unix_millis >= 0 ? unix_millis / kMsPerDay : -((-unix_millis + kMsPerDay - 1) / kMsPerDay);
}

std::string FormatDay(int64_t day) { return FormatDate(day * 86'400); }

const char* RoleName(Role role) {
  switch (role) {
    case Role::kShopper:
      return "shopper";
    case Role::kStylist:
      return "stylist";
    case Role::kMerchant:
      return "merchant";
  }
  return "shopper";
}

Result<Role> ParseRole(std::string_view text) {
  if (text == "shopper") return Role::kShopper;
  if (text == "stylist") return Role::kStylist;
  if (text == "merchant") return Role::kMerchant;
  return Error::InvalidArgument(
      "unknown role '" + std::string(text) + "': expected shopper, stylist or merchant", "role");
}

}  // namespace atelier::orders
