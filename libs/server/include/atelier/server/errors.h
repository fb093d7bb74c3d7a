#pragma once
// The one place where error codes become HTTP statuses.
//
//   invalid_argument 400, unauthorized 401, forbidden 403, not_found 404,
//   conflict 409, too_large 413, internal 500, unavailable 503.
//
// Every error response has the body
//   {"error": {"code": "...", "message": "...", "field": "..." | null}}
// Handlers return ErrorResponse(error) and never pick a status themselves;
// the few statuses that do not come from an ErrorCode (405, 431, a
// malformed request) have their own constructors here.
//
// Thread-safety: pure functions.

#include <string>
#include <string_view>

#include "atelier/core/result.h"
#include "atelier/server/http.h"

namespace atelier::server {

int HttpStatusFor(ErrorCode code);

Response ErrorResponse(const Error& error);

// 405 with the Allow header listing `allowed` ("GET, POST").
Response MethodNotAllowedResponse(std::string_view method, std::string_view allowed);
// 431: the request's header section is larger than the server accepts.
Response HeaderTooLargeResponse(size_t limit_bytes);
// 413: the body is larger than the server accepts.
Response BodyTooLargeResponse(size_t limit_bytes);
// 400: the request could not be parsed as HTTP/1.1.
Response MalformedRequestResponse(std::string_view reason);

// The JSON error body for a code name, message and field (empty: null).
std::string ErrorBody(std::string_view code, std::string_view message, std::string_view field);

}  // namespace atelier::server
