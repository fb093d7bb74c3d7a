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
// Thread-safety: register everything before serving; Handle() is then safe
// to call concurrently (the router is read-only).

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "atelier/server/http.h"

namespace atelier::server {

using Handler = std::function<Response(Request&)>;
using Filter = std::function<std::optional<Response>(Request&)>;

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
  };

  // True when `route` matches the split path; fills `params` (decoded).
  static bool Matches(const Route& route, const std::vector<std::string_view>& parts,
                      std::vector<std::pair<std::string, std::string>>* params);
  std::optional<Response> RunFilters(Request& request) const;

  std::vector<Route> routes_;
  std::vector<Filter> filters_;
  Handler fallback_;
};

}  // namespace atelier::server
