#pragma once
// Maps method + path to a handler.
//
// Patterns are '/'-separated segments, each a literal or a "{name}"
// placeholder that matches one non-empty segment: "/api/v1/products/{id}".
// When several patterns match a path, the one with the most literal segments
// wins, left to right ("/api/v1/models/popular" beats "/api/v1/models/{id}").
// Each module registers its routes from its own file
// (Register<Module>Routes(Router&, Services&), routes.h).
//
// Handle() answers:
//   - the matched handler's response (HEAD is served by the GET handler with
//     the body dropped by the transport);
//   - 405 JSON with an Allow header when the path matches but the method not;
//   - the fallback's response for an unmatched GET/HEAD outside /api/
//     (static files and the storefront's client-side routes);
//   - 404 JSON otherwise.
// Filters run before every matched handler and fallback and may answer in its
// place (authentication, rate limits).
//
// A route may declare how large a body it takes (SetBodyLimit): the server
// asks BodyLimitFor() once a request's head is read and before its body is,
// and every other request keeps the server's own limit
// (HttpServerOptions::body_limit).
//
// Thread-safety: register everything before serving; Handle() is then safe
// to call concurrently (the router is read-only).

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "atelier/server/http.h"

namespace atelier::server {

using Handler = std::function<Response(Request&)>;
using Filter = std::function<std::optional<Response>(Request&)>;

// A route's own body limit for one request.
struct BodyLimit {
  size_t bytes = 0;
  // What the body is, for the 413 answer ("Printed picture"); empty: "the
  // request body".
  std::string what;
};
// Decides a request's body limit from its head: method, target (path and
// decoded query) and headers, never the body; nullopt: the server's own
// limit. Called on server threads, possibly concurrently: it must be
// thread-safe.
using BodyLimitRule = std::function<std::optional<BodyLimit>(const Request& head)>;

struct RouteInfo {
  std::string method;
  std::string pattern;
};

class Router {
 public:
  // Names the router gives `Request::route` when no pattern matched.
  static constexpr std::string_view kFallbackRoute = "(static)";
  static constexpr std::string_view kUnmatchedRoute = "(unmatched)";

  // REQUIRES: `pattern` starts with '/', placeholders are "{name}" whole
  // segments, and (method, pattern) is not registered yet.
  void Add(std::string method, std::string pattern, Handler handler);
  void Get(std::string pattern, Handler handler) { Add("GET", std::move(pattern), std::move(handler)); }
  void Post(std::string pattern, Handler handler) { Add("POST", std::move(pattern), std::move(handler)); }
  void Put(std::string pattern, Handler handler) { Add("PUT", std::move(pattern), std::move(handler)); }
  void Delete(std::string pattern, Handler handler) { Add("DELETE", std::move(pattern), std::move(handler)); }

  // Gives the route (method, pattern) its own body limit, larger or smaller
  // than the server's. REQUIRES: the route is registered.
  void SetBodyLimit(std::string_view method, std::string_view pattern, BodyLimitRule rule);

  // The body limit of the route Handle() would pick for `head` (method and
  // parsed target; HEAD as GET), or nullopt when that route declared none,
  // its rule gave none, or no route matches: the server's own limit applies.
  std::optional<BodyLimit> BodyLimitFor(const Request& head) const;

  void AddFilter(Filter filter) { filters_.push_back(std::move(filter)); }
  void SetFallback(Handler handler) { fallback_ = std::move(handler); }

  // Routes in registration order.
  std::vector<RouteInfo> routes() const;

  // Dispatches `request`; fills request.route (the pattern, or one of the
  // k*Route names) and request.path_params.
  Response Handle(Request& request) const;

 private:
  struct Segment {
    std::string text;  // literal text, or the placeholder's name
    bool placeholder = false;
  };
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<Segment> segments;
    int literals = 0;
    Handler handler;
    BodyLimitRule body_limit;  // empty: the server's
  };

  // True when `route` matches the split path; fills `params` (decoded).
  static bool Matches(const Route& route, const std::vector<std::string_view>& parts,
                      std::vector<std::pair<std::string, std::string>>* params);
  std::optional<Response> RunFilters(Request& request) const;
  // The most specific route for the split path and `method` (HEAD as GET);
  // sets *path_known when any route matches the path.
  const Route* Best(std::string_view method, const std::vector<std::string_view>& parts, bool* path_known) const;

  std::vector<Route> routes_;
  std::vector<Filter> filters_;
  Handler fallback_;
};

}  // namespace atelier::server
