#include "atelier/server/json.h"

#include <boost/json/parser.hpp>
#include <boost/json/serialize.hpp>
#include <cstdint>
#include <optional>
#include <string>

namespace atelier::server {

Response JsonResponse(const boost::json::value& value, int status) {
  return JsonText(boost::json::serialize(value), status);
}

Result<boost::json::value> ParseJsonBody(const Request& request) {
  if (request.body.empty()) return Error::InvalidArgument("the request body must be JSON", "body");
  boost::system::error_code ec;
  boost::json::parser parser;
  // write() wants one complete JSON text: trailing data or a truncated text
  // is an error.
  size_t consumed = parser.write(request.body.data(), request.body.size(), ec);
  if (ec) {
    return Error::InvalidArgument("the request body is not valid JSON (" + ec.message() + " at byte " +
                                      std::to_string(consumed) + ")",
                                  "body");
  }
  return parser.release();
}

boost::json::object MoneyJson(const Money& money) {
  boost::json::object o;
  o["amount"] = money.amount;
  o["currency"] = money.currency;
  return o;
}

Result<int64_t> IntMember(const boost::json::object& o, std::string_view name, int64_t default_value,
                          int64_t min_value, int64_t max_value) {
  const boost::json::value* v = o.if_contains(name);
  if (v == nullptr || v->is_null()) return default_value;
  std::optional<int64_t> n;
  if (v->is_int64()) n = v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= static_cast<uint64_t>(INT64_MAX)) n = static_cast<int64_t>(v->as_uint64());
  if (!n || *n < min_value || *n > max_value) {
    return Error::InvalidArgument(std::string(name) + " must be an integer from " + std::to_string(min_value) +
                                      " to " + std::to_string(max_value),
                                  std::string(name));
  }
  return *n;
}

}  // namespace atelier::server
