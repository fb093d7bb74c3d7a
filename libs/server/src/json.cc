#include "atelier/server/json.h"

#include <boost/json/parser.hpp>
#include <boost/json/serialize.hpp>

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

}  // namespace atelier::server
