#pragma once
// Boost.JSON helpers shared by route files.
//
// Thread-safety: pure functions.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <string_view>

#include "atelier/core/money.h"
#include "atelier/core/result.h"
#include "atelier/server/http.h"

namespace atelier::server {

// `value` serialized as a JSON response.
Response JsonResponse(const boost::json::value& value, int status = 200);

// The request body parsed as JSON. Errors: kInvalidArgument (field "body")
// for an empty or malformed body, naming the offset of the fault.
Result<boost::json::value> ParseJsonBody(const Request& request);

// {"amount": 4999, "currency": "USD"}
boost::json::object MoneyJson(const Money& money);

// The integer member `name` of a request body object, in [min_value,
// max_value]; `default_value` when absent or null. Errors: kInvalidArgument
// naming `name` for a non-integer or out-of-range value.
Result<int64_t> IntMember(const boost::json::object& o, std::string_view name, int64_t default_value,
                          int64_t min_value, int64_t max_value);

}  // namespace atelier::server
