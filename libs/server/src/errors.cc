#include "atelier/server/errors.h"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <string>

namespace atelier::server {

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kUnauthorized:
      return 401;
    case ErrorCode::kForbidden:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kTooLarge:
      return 413;
    case ErrorCode::kRateLimited:
      return 429;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

std::string ErrorBody(std::string_view code, std::string_view message, std::string_view field) {
  boost::json::object inner;
  inner["code"] = code;
  inner["message"] = message;
  if (field.empty()) {
    inner["field"] = nullptr;
  } else {
    inner["field"] = field;
  }
  boost::json::object outer;
  outer["error"] = std::move(inner);
  return boost::json::serialize(outer);
}

Response ErrorResponse(const Error& error) {
  Response r = JsonText(ErrorBody(ErrorCodeName(error.code), error.message, error.field), HttpStatusFor(error.code));
  // Every 429 says when to come back: the seconds until the bucket that
  // refused holds a token again (1 when the error does not say).
  if (error.code == ErrorCode::kRateLimited) {
    r.SetHeader("Retry-After", std::to_string(std::max<int64_t>(1, error.retry_after_seconds)));
  }
  return r;
}

Response MethodNotAllowedResponse(std::string_view method, std::string_view allowed) {
  Response r = JsonText(ErrorBody("method_not_allowed",
                                  std::string(method) + " is not allowed here; use " + std::string(allowed),
                                  "method"),
                        405);
  r.SetHeader("Allow", std::string(allowed));
  return r;
}

Response HeaderTooLargeResponse(size_t limit_bytes) {
  return JsonText(ErrorBody("too_large",
                            "the request header section exceeds " + std::to_string(limit_bytes) + " bytes",
                            "headers"),
                  431);
}

Response BodyTooLargeResponse(size_t limit_bytes) {
  return ErrorResponse(
      Error::TooLarge("the request body exceeds " + std::to_string(limit_bytes) + " bytes", "body"));
}

Response MalformedRequestResponse(std::string_view reason) {
  return ErrorResponse(Error::InvalidArgument("malformed HTTP request: " + std::string(reason)));
}

}  // namespace atelier::server
