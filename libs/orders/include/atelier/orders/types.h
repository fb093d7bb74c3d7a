#pragma once
// Vocabulary shared by the buying module: configurations, clocks, roles, days.
//
// A configuration travels as a JSON object of option id -> value id
// ({"colour":"red","tow_package":"none"}); personalization as a JSON object of
// field id -> text (an image field carries the upload's reference). Both are
// held here as sorted maps, so their canonical JSON (SelectionsToJson) is the
// same text for the same choices whatever order the client sent them in: that
// text is what carts, orders and stock units store and compare.
//
// Thread-safety: values and pure functions.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "atelier/core/result.h"

namespace atelier::orders {

using Selections = std::map<std::string, std::string>;       // option id -> value id
using Personalization = std::map<std::string, std::string>;  // field id -> text

// Parses a JSON object whose values are strings (numbers and booleans are
// accepted and kept in their JSON spelling: 10.5 -> "10.5", true -> "true").
// Empty text is the empty configuration. Errors: kInvalidArgument naming
// `field` (or "<field>.<key>") for malformed JSON, a non-object, or a nested
// array/object/null value.
Result<Selections> ParseSelections(std::string_view json, std::string_view field = "selections");

// Canonical JSON text: keys sorted, no whitespace: {"colour":"red"}.
std::string SelectionsToJson(const Selections& selections);

// Wall clock in unix milliseconds. Injected through each Options struct so
// tests control time; the default reads the system clock.
using Clock = std::function<int64_t()>;
Clock SystemClock();

// Days since the Unix epoch (UTC) of a unix-millisecond instant.
int64_t DayOf(int64_t unix_millis);
// "2026-11-23" for a day number.
std::string FormatDay(int64_t day);

enum class Role { kShopper, kStylist, kMerchant };
// "shopper", "stylist", "merchant".
const char* RoleName(Role role);
// kInvalidArgument (field "role") for any other text.
Result<Role> ParseRole(std::string_view text);

}  // namespace atelier::orders
