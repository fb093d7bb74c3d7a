#pragma once
// Boost.JSON helpers shared by route files.
//
// Thread-safety: pure functions.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

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

}  // namespace atelier::server
