#include "atelier/server/router.h"

#include <cassert>

#include "atelier/core/strings.h"
#include "atelier/server/errors.h"

namespace atelier::server {

namespace {

// "/a/b/" -> {"a", "b", ""}; "/" -> {""}.
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  if (!path.empty() && path[0] == '/') path.remove_prefix(1);
  while (true) {
    size_t slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

bool IsGetLike(std::string_view method) { return method == "GET" || method == "HEAD"; }

}  // namespace

void Router::Add(std::string method, std::string pattern, Handler handler) {
  assert(!pattern.empty() && pattern[0] == '/');
  Route route;
  route.method = std::move(method);
  for (std::string_view part : SplitPath(pattern)) {
    Segment segment;
    if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
      segment.placeholder = true;
      segment.text = std::string(part.substr(1, part.size() - 2));
    } else {
      assert(part.find('{') == std::string_view::npos);
      segment.text = std::string(part);
      ++route.literals;
    }
    route.segments.push_back(std::move(segment));
  }
  for ([[maybe_unused]] const Route& existing : routes_) {
    assert(!(existing.method == route.method && existing.pattern == pattern));
  }
  route.pattern = std::move(pattern);
  route.handler = std::move(handler);
  routes_.push_back(std::move(route));
}

std::vector<RouteInfo> Router::routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const Route& r : routes_) out.push_back({r.method, r.pattern});
  return out;
}

bool Router::Matches(const Route& route, const std::vector<std::string_view>& parts,
                     std::vector<std::pair<std::string, std::string>>* params) {
  if (route.segments.size() != parts.size()) return false;
  for (size_t i = 0; i < parts.size(); ++i) {
    const Segment& segment = route.segments[i];
    if (segment.placeholder) {
      if (parts[i].empty()) return false;
    } else if (segment.text != parts[i]) {
      return false;
    }
  }
  if (params != nullptr) {
    params->clear();
    for (size_t i = 0; i < parts.size(); ++i) {
      if (!route.segments[i].placeholder) continue;
      std::string value;
      if (!PercentDecode(parts[i], value, false)) return false;
      params->emplace_back(route.segments[i].text, std::move(value));
    }
  }
  return true;
}

std::optional<Response> Router::RunFilters(Request& request) const {
  for (const Filter& filter : filters_) {
    if (auto answer = filter(request)) return answer;
  }
  return std::nullopt;
}

const Router::Route* Router::Best(std::string_view method, const std::vector<std::string_view>& parts,
                                  bool* path_known) const {
  const Route* best = nullptr;
  if (method == "HEAD") method = "GET";
  for (const Route& route : routes_) {
    if (!Matches(route, parts, nullptr)) continue;
    if (path_known != nullptr) *path_known = true;
    if (route.method != method) continue;
    if (best == nullptr || route.literals > best->literals) best = &route;
  }
  return best;
}

void Router::SetBodyLimit(std::string_view method, std::string_view pattern, BodyLimitRule rule) {
  for (Route& route : routes_) {
    if (route.method == method && route.pattern == pattern) {
      route.body_limit = std::move(rule);
      return;
    }
  }
  assert(false && "SetBodyLimit on a route that is not registered");
}

std::optional<BodyLimit> Router::BodyLimitFor(const Request& head) const {
  const Route* route = Best(head.method, SplitPath(head.path), nullptr);
  if (route == nullptr || !route->body_limit) return std::nullopt;
  return route->body_limit(head);
}

Response Router::Handle(Request& request) const {
  const std::vector<std::string_view> parts = SplitPath(request.path);
  // The most specific route for this path and method, and any route for the
  // path at all (to tell 405 from 404).
  bool path_known = false;
  const Route* best = Best(request.method, parts, &path_known);
  if (best != nullptr) {
    request.route = best->pattern;
    if (!Matches(*best, parts, &request.path_params)) {
      return ErrorResponse(Error::InvalidArgument("malformed percent-escape in the path", "path"));
    }
    if (auto answer = RunFilters(request)) return std::move(*answer);
    return best->handler(request);
  }
  if (path_known) {
    request.route = std::string(kUnmatchedRoute);
    std::vector<std::string> allowed;
    for (const Route& route : routes_) {
      if (!Matches(route, parts, nullptr)) continue;
      bool seen = false;
      for (const auto& a : allowed) seen = seen || a == route.method;
      if (!seen) allowed.push_back(route.method);
      if (route.method == "GET" && !seen) allowed.push_back("HEAD");
    }
    return MethodNotAllowedResponse(request.method, Join(allowed, ", "));
  }
  if (fallback_ && IsGetLike(request.method) && !StartsWith(request.path, "/api/")) {
    request.route = std::string(kFallbackRoute);
    if (auto answer = RunFilters(request)) return std::move(*answer);
    return fallback_(request);
  }
  request.route = std::string(kUnmatchedRoute);
  return ErrorResponse(Error::NotFound("no route for " + request.method + " " + request.path, "path"));
}

}  // namespace atelier::server
