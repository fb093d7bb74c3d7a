#pragma once
// The server's view of one HTTP exchange, free of the transport library.
//
// A Request is built by the HttpServer from the wire and handed to a route
// handler; the handler returns a Response. Handlers never see Boost.Beast, so
// route files compile fast and can be unit-tested without a socket.
//
// Thread-safety: values; a Request belongs to the thread handling it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace atelier::server {

using HeaderField = std::pair<std::string, std::string>;

struct Request {
  std::string method;  // "GET", "POST", ... (upper case, as sent)
  std::string target;  // raw request target: "/api/v1/search?q=red%20shoes"
  std::string path;    // target before '?', still percent-encoded
  // Decoded query parameters in order of appearance ('+' decodes to a space).
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<HeaderField> headers;  // names as sent
  std::string body;
  std::string remote;  // peer address "127.0.0.1:53412"
  // Filled by the Router: the matched pattern ("/api/v1/products/{id}") and
  // the decoded values of its {placeholders}.
  std::string route;
  std::vector<std::pair<std::string, std::string>> path_params;

  // Case-insensitive header lookup; nullopt when absent.
  std::optional<std::string_view> Header(std::string_view name) const;
  // First query parameter named `name`; nullopt when absent.
  std::optional<std::string_view> Query(std::string_view name) const;
  // Value of a path placeholder; "" when the route has none of that name.
  std::string_view PathParam(std::string_view name) const;

  // Splits `target` into `path` and decoded `query`. Returns false when the
  // target is not origin-form (does not start with '/') or has a malformed
  // percent-escape.
  bool ParseTarget(std::string target_text);
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<HeaderField> headers;  // extra headers (Cache-Control, Set-Cookie, ...)
  std::string body;

  Response& SetHeader(std::string name, std::string value);
  // Value of an extra header (case-insensitive); nullopt when absent.
  std::optional<std::string_view> Header(std::string_view name) const;
};

// A 200 (or `status`) response with a JSON body already serialized. Bytes
// that are not well-formed UTF-8 become U+FFFD, so the body stays valid JSON
// whatever client text it quotes.
Response JsonText(std::string json, int status = 200);

// Percent-decodes `in` into `out`; with `plus_is_space`, '+' becomes ' '
// (query strings). Returns false on a malformed escape ("%G1", "%2").
bool PercentDecode(std::string_view in, std::string& out, bool plus_is_space);

}  // namespace atelier::server
