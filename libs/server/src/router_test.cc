#include "atelier/server/router.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "atelier/server/http_server.h"

namespace atelier::server {
namespace {

Response Text(std::string body) {
  Response r;
  r.content_type = "text/plain";
  r.body = std::move(body);
  return r;
}

Request Make(std::string method, std::string target) {
  Request r;
  r.method = std::move(method);
  EXPECT_TRUE(r.ParseTarget(std::move(target)));
  return r;
}

Router SampleRouter() {
  Router router;
  router.Get("/api/v1/products", [](Request&) { return Text("list"); });
  router.Get("/api/v1/products/{id}", [](Request& r) { return Text("product " + std::string(r.PathParam("id"))); });
  router.Post("/api/v1/models/{id}/configure", [](Request& r) { return Text("configure " + std::string(r.PathParam("id"))); });
  router.Get("/api/v1/models/{id}", [](Request&) { return Text("model"); });
  router.Get("/api/v1/models/popular", [](Request&) { return Text("popular"); });
  return router;
}

TEST(RouterTest, MatchesLiteralAndPlaceholderSegments) {
  Router router = SampleRouter();
  Request list = Make("GET", "/api/v1/products?page=2");
  EXPECT_EQ(router.Handle(list).body, "list");
  EXPECT_EQ(list.route, "/api/v1/products");
  Request one = Make("GET", "/api/v1/products/42");
  EXPECT_EQ(router.Handle(one).body, "product 42");
  EXPECT_EQ(one.route, "/api/v1/products/{id}");
}

TEST(RouterTest, DecodesPlaceholderValues) {
  Router router = SampleRouter();
  Request r = Make("POST", "/api/v1/models/suv%20x/configure");
  EXPECT_EQ(router.Handle(r).body, "configure suv x");
}

TEST(RouterTest, PrefersTheMostLiteralPattern) {
  Router router = SampleRouter();
  Request popular = Make("GET", "/api/v1/models/popular");
  EXPECT_EQ(router.Handle(popular).body, "popular");
  Request other = Make("GET", "/api/v1/models/suv");
  EXPECT_EQ(router.Handle(other).body, "model");
}

TEST(RouterTest, UnknownRouteIs404Json) {
  Router router = SampleRouter();
  Request r = Make("GET", "/api/v1/nothing");
  Response response = router.Handle(r);
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_NE(response.body.find("\"not_found\""), std::string::npos);
  EXPECT_EQ(r.route, Router::kUnmatchedRoute);
}

TEST(RouterTest, PlaceholderDoesNotMatchAnEmptySegmentOrExtraSegments) {
  Router router = SampleRouter();
  Request empty = Make("GET", "/api/v1/products/");
  EXPECT_EQ(router.Handle(empty).status, 404);
  Request deeper = Make("GET", "/api/v1/products/1/2");
  EXPECT_EQ(router.Handle(deeper).status, 404);
}

TEST(RouterTest, WrongMethodIs405WithAllow) {
  Router router = SampleRouter();
  Request r = Make("DELETE", "/api/v1/products/7");
  Response response = router.Handle(r);
  EXPECT_EQ(response.status, 405);
  ASSERT_TRUE(response.Header("allow").has_value());
  EXPECT_EQ(*response.Header("Allow"), "GET, HEAD");
  EXPECT_NE(response.body.find("\"method_not_allowed\""), std::string::npos);
}

TEST(RouterTest, HeadIsServedByGet) {
  Router router = SampleRouter();
  Request r = Make("HEAD", "/api/v1/products");
  EXPECT_EQ(router.Handle(r).body, "list");
}

TEST(RouterTest, FallbackServesUnmatchedGetsOutsideTheApi) {
  Router router = SampleRouter();
  router.SetFallback([](Request&) { return Text("page"); });
  Request page = Make("GET", "/products/42");
  EXPECT_EQ(router.Handle(page).body, "page");
  EXPECT_EQ(page.route, Router::kFallbackRoute);
  Request api = Make("GET", "/api/v1/unknown");
  EXPECT_EQ(router.Handle(api).status, 404);
  Request post = Make("POST", "/products/42");
  EXPECT_EQ(router.Handle(post).status, 404);
}

TEST(RouterTest, FiltersMayAnswerInsteadOfTheHandler) {
  Router router = SampleRouter();
  router.AddFilter([](Request& r) -> std::optional<Response> {
    if (r.Header("X-Block")) return Text("blocked");
    return std::nullopt;
  });
  Request blocked = Make("GET", "/api/v1/products");
  blocked.headers.emplace_back("x-block", "1");
  EXPECT_EQ(router.Handle(blocked).body, "blocked");
  Request passed = Make("GET", "/api/v1/products");
  EXPECT_EQ(router.Handle(passed).body, "list");
}

TEST(RouterTest, ListsRoutesInRegistrationOrder) {
  Router router = SampleRouter();
  auto routes = router.routes();
  ASSERT_EQ(routes.size(), 5u);
  EXPECT_EQ(routes[2].method, "POST");
  EXPECT_EQ(routes[2].pattern, "/api/v1/models/{id}/configure");
}

TEST(RequestTest, ParsesTheQueryString) {
  Request r;
  ASSERT_TRUE(r.ParseTarget("/api/v1/search?q=red+shoes&brand=Nike&brand=Adidas%20Originals&empty="));
  EXPECT_EQ(r.path, "/api/v1/search");
  EXPECT_EQ(*r.Query("q"), "red shoes");
  EXPECT_EQ(*r.Query("brand"), "Nike");
  EXPECT_EQ(r.query[2].second, "Adidas Originals");
  EXPECT_EQ(*r.Query("empty"), "");
  EXPECT_FALSE(r.Query("missing").has_value());
}

TEST(RequestTest, RejectsMalformedTargets) {
  Request r;
  EXPECT_FALSE(r.ParseTarget("http://example.com/"));
  EXPECT_FALSE(r.ParseTarget("/search?q=%G1"));
  EXPECT_FALSE(r.ParseTarget("/search?q=%2"));
}

// The bytes a connection reads, parsed as HttpServer does (ParseWireRequest).
// Found by fuzz_http_request (fuzz/regressions/fuzz_http_request/
// body-shorter-than-content-length): a body shorter than its Content-Length
// made the parse loop spin forever instead of waiting for more bytes.
TEST(WireRequestTest, ABodyShorterThanItsLengthWaitsForMore) {
  const std::string wire = "POST /api/v1/checkout HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n{}";
  WireRequest r = ParseWireRequest(wire, HttpServerOptions{});
  EXPECT_EQ(r.state, WireRequest::State::kIncomplete);
  EXPECT_EQ(r.consumed, wire.size());
}

// Found by fuzz_http_request (fuzz/regressions/fuzz_http_request/
// beast-chunk-header-assertion): a chunked body whose last chunk's header
// arrived without the CRLF that ends the trailer was handed to Beast a second
// time with no new bytes, which trips Beast's `n >= 5` assertion. A
// connection waits for more bytes instead.
TEST(WireRequestTest, AFinalChunkWithoutItsTrailerWaitsForMore) {
  const std::string wire =
      "POST /api/i HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0;\r\n";
  WireRequest r = ParseWireRequest(wire, HttpServerOptions{});
  EXPECT_EQ(r.state, WireRequest::State::kIncomplete);
  const std::string whole = "POST /api/i HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n";
  WireRequest done = ParseWireRequest(whole, HttpServerOptions{});
  ASSERT_EQ(done.state, WireRequest::State::kComplete);
  EXPECT_EQ(done.request.body, "{}");
  EXPECT_EQ(done.consumed, whole.size());
}

TEST(WireRequestTest, ParsesPipelinedRequestsAndAppliesTheLimits) {
  const std::string first = "POST /api/v1/events?x=a%20b HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}";
  WireRequest r = ParseWireRequest(first + "GET /healthz HTTP/1.1\r\n\r\n", HttpServerOptions{});
  ASSERT_EQ(r.state, WireRequest::State::kComplete);
  EXPECT_EQ(r.consumed, first.size());
  EXPECT_TRUE(r.keep_alive);
  EXPECT_EQ(r.request.path, "/api/v1/events");
  EXPECT_EQ(r.request.Query("x"), "a b");
  EXPECT_EQ(r.request.body, "{}");

  HttpServerOptions small_body;
  small_body.body_limit = 1;
  EXPECT_EQ(ParseWireRequest(first, small_body).response.status, 413);
  HttpServerOptions small_header;
  small_header.header_limit = 64;
  EXPECT_EQ(ParseWireRequest("GET / HTTP/1.1\r\nX: " + std::string(100, 'a') + "\r\n\r\n", small_header).response.status,
            431);
  WireRequest bad = ParseWireRequest("GET /a?q=%zz HTTP/1.1\r\n\r\n", HttpServerOptions{});
  EXPECT_EQ(bad.state, WireRequest::State::kAnswered);
  EXPECT_EQ(bad.response.status, 400);
  EXPECT_EQ(ParseWireRequest("GET\x01 / HTTP/1.1\r\n\r\n", HttpServerOptions{}).state, WireRequest::State::kRejected);
}

TEST(RouterTest, GivesABodyLimitOnlyToTheRouteThatDeclaresOne) {
  Router router = SampleRouter();
  router.Post("/api/v1/uploads", [](Request&) { return Text("stored"); });
  router.SetBodyLimit("POST", "/api/v1/uploads", [](const Request& head) -> std::optional<BodyLimit> {
    if (head.Query("field") == "none") return std::nullopt;
    return BodyLimit{head.Query("field") == "small" ? 10u : 5'000'000u, "Printed picture"};
  });
  std::optional<BodyLimit> upload = router.BodyLimitFor(Make("POST", "/api/v1/uploads?field=picture"));
  ASSERT_TRUE(upload.has_value());
  EXPECT_EQ(upload->bytes, 5'000'000u);
  EXPECT_EQ(upload->what, "Printed picture");
  EXPECT_EQ(router.BodyLimitFor(Make("POST", "/api/v1/uploads?field=small"))->bytes, 10u);
  // The rule may leave the server's limit in place; other routes, other
  // methods and unknown paths keep it.
  EXPECT_FALSE(router.BodyLimitFor(Make("POST", "/api/v1/uploads?field=none")).has_value());
  EXPECT_FALSE(router.BodyLimitFor(Make("POST", "/api/v1/models/suv/configure")).has_value());
  EXPECT_FALSE(router.BodyLimitFor(Make("GET", "/api/v1/uploads")).has_value());
  EXPECT_FALSE(router.BodyLimitFor(Make("POST", "/api/v1/uploads/x")).has_value());
}

// A request to `target` whose Content-Length says `length` and whose body is
// `body`.
std::string Post(const std::string& target, size_t length, const std::string& body) {
  return "POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(length) + "\r\n\r\n" + body;
}

std::string Chunked(const std::string& target, const std::string& body) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx", body.size());
  return "POST " + target + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + size + "\r\n" + body +
         "\r\n0\r\n\r\n";
}

TEST(WireRequestTest, ARouteMayTakeALargerBodyThanTheServerWhileOthersKeepTheLimit) {
  Router router = SampleRouter();
  router.Post("/api/v1/uploads", [](Request&) { return Text("stored"); });
  router.SetBodyLimit("POST", "/api/v1/uploads", [](const Request&) -> std::optional<BodyLimit> {
    return BodyLimit{64, "Printed picture"};
  });
  HttpServerOptions options;
  options.body_limit = 16;
  const std::string big(40, 'x');

  // The upload route takes 40 bytes, with a length or chunked.
  for (const std::string& wire : {Post("/api/v1/uploads?model=candy", big.size(), big), Chunked("/api/v1/uploads", big)}) {
    WireRequest r = ParseWireRequest(wire, options, &router);
    ASSERT_EQ(r.state, WireRequest::State::kComplete) << wire;
    EXPECT_EQ(r.request.body, big);
    EXPECT_EQ(r.consumed, wire.size());
  }
  // Any other route refuses them, as does every route without the router.
  for (const std::string& wire : {Post("/api/v1/models/suv/configure", big.size(), big), Chunked("/api/v1/models/suv/configure", big)}) {
    WireRequest r = ParseWireRequest(wire, options, &router);
    ASSERT_EQ(r.state, WireRequest::State::kRejected) << wire;
    EXPECT_EQ(r.response.status, 413);
    EXPECT_NE(r.response.body.find("exceeds 16 bytes"), std::string::npos) << r.response.body;
  }
  EXPECT_EQ(ParseWireRequest(Post("/api/v1/uploads", big.size(), big), options).response.status, 413);

  // Beyond the route's own limit: refused from the Content-Length alone,
  // before any of the body arrives, naming what the body is; chunked, once
  // the chunks pass it.
  const std::string huge(100, 'x');
  WireRequest early = ParseWireRequest(Post("/api/v1/uploads", huge.size(), ""), options, &router);
  ASSERT_EQ(early.state, WireRequest::State::kRejected);
  EXPECT_EQ(early.response.status, 413);
  EXPECT_NE(early.response.body.find("\"too_large\""), std::string::npos);
  EXPECT_NE(early.response.body.find("Printed picture: the request body exceeds 64 bytes"), std::string::npos)
      << early.response.body;
  EXPECT_NE(early.response.body.find("\"field\":\"body\""), std::string::npos) << early.response.body;
  WireRequest chunked = ParseWireRequest(Chunked("/api/v1/uploads", huge), options, &router);
  ASSERT_EQ(chunked.state, WireRequest::State::kRejected);
  EXPECT_EQ(chunked.response.status, 413);
  EXPECT_NE(chunked.response.body.find("Printed picture"), std::string::npos);

  // A large upload still arriving waits for more; a small request after a
  // large one on the same connection gets the server's limit again.
  EXPECT_EQ(ParseWireRequest(Post("/api/v1/uploads", big.size(), big.substr(0, 10)), options, &router).state,
            WireRequest::State::kIncomplete);
  const std::string first = Post("/api/v1/uploads", big.size(), big);
  WireRequest pipelined = ParseWireRequest(first + Post("/api/v1/models/suv/configure", 20, std::string(20, 'y')), options, &router);
  ASSERT_EQ(pipelined.state, WireRequest::State::kComplete);
  EXPECT_EQ(pipelined.consumed, first.size());
  EXPECT_EQ(ParseWireRequest(Post("/api/v1/models/suv/configure", 20, std::string(20, 'y')), options, &router).response.status,
            413);
}

}  // namespace
}  // namespace atelier::server
