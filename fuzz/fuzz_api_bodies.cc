// libFuzzer target: the JSON bodies of every POST (and PATCH) route, through
// the real Router with every module's routes over a small demo shop in an
// in-memory store (demo products, the demo product models, the buying
// services, one shopper session and one merchant API key).
//
// Input: a first line naming the route ("POST /api/v1/events"; any other
// line picks one by its hash), then one byte that picks the path parameters,
// the content type (bit 7: text/yaml, else JSON) and whether the caller is
// the signed-in shopper, a guest or the merchant (bits 0-1); the rest is the
// request body. A handler may refuse any body, but never with a 500, never
// by throwing, and always with a JSON body that parses (204 aside).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <boost/json/parse.hpp>

#include "atelier/demo/demo_shop.h"
#include "atelier/server/auth.h"
#include "atelier/server/router.h"
#include "atelier/server/routes.h"
#include "atelier/server/services.h"
#include "atelier/store/database.h"

namespace {

namespace server = atelier::server;

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_api_bodies: %s\n%s\n", what, detail.c_str());
  std::abort();
}

template <typename T>
T Must(atelier::Result<T> result, const char* what) {
  if (!result.ok()) Fail(what, result.error().ToString());
  return std::move(*result);
}

void Must(atelier::Status status, const char* what) {
  if (!status.ok()) Fail(what, status.error().ToString());
}

// A value for a path placeholder: demo model ids, plant codes, small ids.
constexpr const char* kParamValues[] = {"1", "2", "3", "suv", "tablet", "candy", "shoes",
                                        "leipzig", "detroit", "0", "999999", "x"};

struct Shop {
  std::unique_ptr<atelier::store::Database> db;
  std::unique_ptr<server::Services> services;
  server::Router router;
  std::vector<server::RouteInfo> body_routes;  // every POST, PUT and PATCH route, by pattern
  std::string session_token;
  std::string csrf_token;
  std::string api_key;
};

Shop& TheShop() {
  static Shop* shop = [] {
    auto* s = new Shop();
    s->db = Must(atelier::store::OpenDatabase("sqlite::memory:"), "cannot open the store");
    atelier::demo::DemoOptions demo;
    demo.product_count = 100;
    demo.user_count = 20;
    demo.history_days = 30;
    demo.suv_units = 8;
    Must(atelier::demo::SeedDemoShop(*s->db, demo), "cannot seed the demo shop");
    s->services = std::make_unique<server::Services>();
    s->services->db = s->db.get();
    Must(server::LoadSnapshots(*s->services, {}), "cannot load the snapshots");
    Must(server::LoadDemoProductModels(*s->services), "cannot load the demo models");
    server::BuyingOptions buying;
    buying.accounts.pwhash_opslimit = 1;  // libsodium's minimum cost: logins in microseconds
    buying.accounts.pwhash_memlimit = 8192;
    server::StartBuying(*s->services, buying);
    server::RegisterAllRoutes(s->router, *s->services, "");
    for (const server::RouteInfo& r : s->router.routes()) {
      if (r.method == "POST" || r.method == "PUT" || r.method == "PATCH") s->body_routes.push_back(r);
    }
    std::sort(s->body_routes.begin(), s->body_routes.end(), [](const auto& a, const auto& b) {
      return std::tie(a.pattern, a.method) < std::tie(b.pattern, b.method);
    });
    if (s->body_routes.empty()) Fail("no route takes a body", "");

    atelier::orders::RegisterRequest account;
    account.email = "fuzz@example.com";
    account.password = "fuzzing-password";
    Must(s->services->accounts->Register(account), "cannot register the shopper");
    auto login = Must(s->services->accounts->Login(account.email, account.password, "127.0.0.1"),
                      "cannot sign in the shopper");
    s->session_token = login.session_token;
    s->csrf_token = login.csrf_token;
    using atelier::orders::ApiScope;
    s->api_key = Must(s->services->accounts->CreateApiKey(
                          "fuzz", {ApiScope::kCatalog, ApiScope::kOrders, ApiScope::kModels, ApiScope::kAnalytics}),
                      "cannot create the API key")
                     .key;
    return s;
  }();
  return *shop;
}

// The route named by `line` ("POST /api/v1/events"), else one picked by
// the line's hash, so that every input reaches some route.
const server::RouteInfo& PickRoute(const Shop& shop, std::string_view line) {
  uint32_t hash = 2166136261u;
  for (const server::RouteInfo& r : shop.body_routes) {
    if (line.size() == r.method.size() + 1 + r.pattern.size() && line.starts_with(r.method) &&
        line[r.method.size()] == ' ' && line.ends_with(r.pattern)) {
      return r;
    }
  }
  for (char c : line) hash = (hash ^ static_cast<uint8_t>(c)) * 16777619u;
  return shop.body_routes[hash % shop.body_routes.size()];
}

// The pattern with each placeholder replaced by a value picked by `pick`.
std::string PathFor(const std::string& pattern, uint8_t pick) {
  std::string path;
  size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] == '{') {
      const size_t close = pattern.find('}', i);
      path += kParamValues[pick % std::size(kParamValues)];
      pick = static_cast<uint8_t>(pick / 3 + 1);
      i = close + 1;
    } else {
      path.push_back(pattern[i++]);
    }
  }
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  TheShop();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Shop& shop = TheShop();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  if (newline == std::string_view::npos || newline + 1 >= input.size()) return 0;
  const server::RouteInfo& route = PickRoute(shop, input.substr(0, newline));
  const uint8_t pick = static_cast<uint8_t>(input[newline + 1]);
  server::Request request;
  request.method = route.method;
  if (!request.ParseTarget(PathFor(route.pattern, pick >> 2))) Fail("a bad route path", route.pattern);
  request.remote = "127.0.0.1:40000";
  // Model uploads also take the YAML text itself as the body.
  request.headers.emplace_back("Content-Type", (pick & 0x80) ? "text/yaml" : "application/json");
  switch (pick & 3) {
    case 0:  // the signed-in shopper
      request.headers.emplace_back("Cookie", std::string(server::kSessionCookie) + "=" + shop.session_token);
      request.headers.emplace_back(std::string(server::kCsrfHeader), shop.csrf_token);
      break;
    case 1:  // the merchant
      request.headers.emplace_back("Authorization", "Bearer " + shop.api_key);
      break;
    case 2:  // a guest with an idempotency key (checkout)
      request.headers.emplace_back("Idempotency-Key", "fuzz-" + std::to_string(size));
      break;
    default:  // a guest
      break;
  }
  request.body = std::string(input.substr(newline + 2));
  const std::string summary = route.method + " " + request.path;

  server::Response response = shop.router.Handle(request);
  if (response.status >= 500 && response.status != 503) {
    Fail("a 5xx answer", summary + " -> " + std::to_string(response.status) + "\n" + response.body);
  }
  if (response.content_type.starts_with("application/json") && response.status != 204) {
    boost::system::error_code ec;
    boost::json::parse(response.body, ec);
    if (ec) Fail("an answer that is not JSON", summary + "\n" + response.body);
  }
  return 0;
}
