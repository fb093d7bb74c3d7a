// Buying over real HTTP: accounts and sessions, carts, checkout, orders,
// the merchant pipeline and availability, against the demo test shop, with
// every error of the contract (wrong password, expired session, missing
// CSRF token, another shopper's order or cart item, invalid configuration,
// empty cart, out of stock, admin keys).

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "atelier/orders/accounts.h"
#include "atelier/server/services.h"
#include "http_client.h"
#include "shop_api.h"
#include "test_shop.h"

namespace atelier::testing {
namespace {

namespace json = boost::json;

class BuyingHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    shop_ = TestShop::Get();
    ASSERT_NE(shop_, nullptr);
    client_ = std::make_unique<HttpClient>(shop_->port());
    ASSERT_TRUE(client_->Connect());
  }

  HttpReply Send(const std::string& method, const std::string& target, const std::string& body = {},
                 Headers headers = {}) {
    return Call(*client_, method, target, body, std::move(headers));
  }
  HttpReply As(const Shopper& s, const std::string& method, const std::string& target,
               const std::string& body = {}, Headers headers = {}) {
    return testing::As(*client_, s, method, target, body, std::move(headers));
  }
  Shopper Register() { return RegisterShopper(*client_); }
  // POST /api/v1/checkout as `s` under `key`, waiting out the per-address
  // checkout rate limit (shared by every test in this process) as a client
  // would: on 429, after its Retry-After.
  HttpReply CheckoutAs(const Shopper& s, const std::string& body, const std::string& key) {
    for (int attempt = 0;; ++attempt) {
      HttpReply r = As(s, "POST", "/api/v1/checkout", body, {{"Idempotency-Key", key}});
      if (r.status != 429 || attempt == 5) return r;
      const std::string wait = r.Header("retry-after");
      std::this_thread::sleep_for(std::chrono::seconds(wait.empty() ? 2 : std::stoi(wait)));
    }
  }

  // A SKU of a standard product with at least `min_units` in stock (or, with
  // `sold_out`, none anywhere).
  std::string StandardSku(bool sold_out) {
    auto rows = shop_->services().db->Query(
        std::string("SELECT p.sku FROM products p JOIN stock_units s ON s.product_id = p.id "
                    "WHERE p.model_id IS NULL OR p.model_id = '' GROUP BY p.sku HAVING SUM(s.quantity) ") +
        (sold_out ? "= 0" : ">= 20") + " ORDER BY p.sku LIMIT 1");
    EXPECT_TRUE(rows.ok() && !rows->empty());
    return rows.ok() && !rows->empty() ? (*rows)[0].Text(0) : std::string();
  }

  // A complete valid configuration of the demo SUV in red with the towing
  // package (the configurator's cheapest completion of those two picks).
  json::object RedSuvWithTowing() {
    HttpReply r = Send("POST", "/api/v1/models/suv/configure",
                       R"({"selections":{"colour":"red","towing":"true"}})");
    EXPECT_EQ(r.status, 200) << r.body;
    json::value v = Json(r);
    json::object selections = v.at("cheapest_completion").as_object();
    selections["colour"] = "red";
    selections["towing"] = "true";
    return selections;
  }

  std::string CartItemBody(const json::object& selections, int quantity = 1) {
    json::object body;
    body["model_id"] = "suv";
    body["selections"] = selections;
    body["quantity"] = quantity;
    return json::serialize(body);
  }

  std::string CreateApiKey(const std::vector<orders::ApiScope>& scopes) {
    auto key = shop_->services().accounts->CreateApiKey("test-" + std::to_string(scopes.size()), scopes);
    EXPECT_TRUE(key.ok());
    return key.ok() ? key->key : std::string();
  }

  TestShop* shop_ = nullptr;
  std::unique_ptr<HttpClient> client_;
};

// --- accounts and sessions --------------------------------------------------

TEST_F(BuyingHttpTest, RegisterLogsInWithAnHttpOnlyLaxCookie) {
  std::string email = UniqueEmail();
  HttpReply r = Send("POST", "/api/v1/auth/register",
                     R"({"email":")" + email + R"(","password":")" + kShopperPassword + R"("})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string cookie = r.Header("set-cookie");
  EXPECT_NE(cookie.find("atelier_session="), std::string::npos);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos);
  EXPECT_NE(cookie.find("Path=/"), std::string::npos);
  EXPECT_EQ(cookie.find("Secure"), std::string::npos);  // plain HTTP
  json::value v = Json(r);
  EXPECT_EQ(v.at("account").at("email").as_string(), email);
  EXPECT_EQ(v.at("account").at("role").as_string(), "shopper");
  EXPECT_FALSE(v.at("csrf_token").as_string().empty());
}

TEST_F(BuyingHttpTest, CookieIsSecureBehindTls) {
  Shopper s = Register();
  HttpReply r = Send("POST", "/api/v1/auth/login",
                     R"({"email":")" + s.email + R"(","password":")" + kShopperPassword + R"("})",
                     {{"X-Forwarded-Proto", "https"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.Header("set-cookie").find("; Secure"), std::string::npos);
}

TEST_F(BuyingHttpTest, MeLogoutAndTheOldCookie) {
  Shopper s = Register();
  HttpReply me = As(s, "GET", "/api/v1/auth/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(Json(me).at("account").at("id").as_int64(), s.id);
  EXPECT_EQ(Json(me).at("csrf_token").as_string(), s.csrf);

  EXPECT_EQ(As(s, "POST", "/api/v1/auth/logout").status, 204);
  EXPECT_EQ(As(s, "GET", "/api/v1/auth/me").status, 401);
}

TEST_F(BuyingHttpTest, WrongPasswordIs401) {
  Shopper s = Register();
  HttpReply r = Send("POST", "/api/v1/auth/login", R"({"email":")" + s.email + R"(","password":"wrong password!"})");
  EXPECT_EQ(r.status, 401) << r.body;
  HttpReply unknown = Send("POST", "/api/v1/auth/login",
                           R"({"email":"nobody-here@example.com","password":"wrong password!"})");
  EXPECT_EQ(unknown.status, 401) << unknown.body;
}

// Login attempts per (email, client) are a token bucket: once it is empty
// even the right password answers 429 rate_limited naming "login".
TEST_F(BuyingHttpTest, TooManyLoginAttemptsAre429) {
  Shopper s = Register();
  int limited = 0;
  for (int i = 0; i < 12; ++i) {
    HttpReply r = Send("POST", "/api/v1/auth/login", R"({"email":")" + s.email + R"(","password":"wrong password!"})");
    if (r.status == 429) ++limited;
  }
  EXPECT_GE(limited, 1);
  HttpReply r = Send("POST", "/api/v1/auth/login",
                     R"({"email":")" + s.email + R"(","password":"correct horse battery staple"})");
  ASSERT_EQ(r.status, 429) << r.body;
  json::value body = Json(r);
  EXPECT_EQ(body.at("error").at("code"), "rate_limited");
  EXPECT_EQ(body.at("error").at("field"), "login");
}

TEST_F(BuyingHttpTest, UnknownAndExpiredSessionsAre401) {
  Shopper ghost;
  ghost.session = "not-a-session";
  EXPECT_EQ(As(ghost, "GET", "/api/v1/auth/me").status, 401);
  EXPECT_EQ(Send("GET", "/api/v1/orders").status, 401);

  Shopper s = Register();
  ASSERT_EQ(As(s, "GET", "/api/v1/orders").status, 200);
  auto expired = shop_->services().db->Exec("UPDATE sessions SET expires_at = 1 WHERE account_id = ?", {s.id});
  ASSERT_TRUE(expired.ok());
  HttpReply r = As(s, "GET", "/api/v1/orders");
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(Json(r).at("error").at("code").as_string(), "unauthorized");
}

TEST_F(BuyingHttpTest, LoginIssuesANewSessionId) {
  Shopper s = Register();
  HttpReply r = Send("POST", "/api/v1/auth/login",
                     R"({"email":")" + s.email + R"(","password":")" + kShopperPassword + R"("})",
                     {{"Cookie", "atelier_session=" + s.session}});
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string fresh = r.SetCookie("atelier_session");
  EXPECT_FALSE(fresh.empty());
  EXPECT_NE(fresh, s.session);
  // The session the client came with is over.
  EXPECT_EQ(As(s, "GET", "/api/v1/auth/me").status, 401);
  Shopper again = s;
  again.session = fresh;
  EXPECT_EQ(As(again, "GET", "/api/v1/auth/me").status, 200);
}

TEST_F(BuyingHttpTest, CookieWritesWithoutTheCsrfTokenAre403) {
  Shopper s = Register();
  const std::string body = R"({"sku":")" + StandardSku(false) + R"(","quantity":1})";
  HttpReply r = Send("POST", "/api/v1/cart/items", body, {{"Cookie", "atelier_session=" + s.session}});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(Json(r).at("error").at("code").as_string(), "forbidden");
  EXPECT_EQ(ErrorField(r), "csrf_token");
  HttpReply wrong = Send("POST", "/api/v1/cart/items", body,
                         {{"Cookie", "atelier_session=" + s.session}, {"X-CSRF-Token", "guess"}});
  EXPECT_EQ(wrong.status, 403);
  HttpReply checkout = Send("POST", "/api/v1/checkout", "{}",
                            {{"Cookie", "atelier_session=" + s.session}, {"Idempotency-Key", "k1"}});
  EXPECT_EQ(checkout.status, 403);
  // Nothing was added.
  EXPECT_EQ(Json(As(s, "GET", "/api/v1/cart")).at("item_count").as_int64(), 0);
}

TEST_F(BuyingHttpTest, GuestWritesMustBeJson) {
  HttpReply r = Send("POST", "/api/v1/cart/items", R"({"sku":")" + StandardSku(false) + R"("})",
                     {{"Content-Type", "text/plain"}});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(ErrorField(r), "content_type");
}

// --- carts --------------------------------------------------------------------

TEST_F(BuyingHttpTest, GuestCartMergesIntoTheAccountAtLogin) {
  Shopper s = Register();
  ASSERT_EQ(As(s, "POST", "/api/v1/auth/logout").status, 204);

  const std::string sku = StandardSku(false);
  HttpReply added = Send("POST", "/api/v1/cart/items", R"({"sku":")" + sku + R"(","quantity":2})");
  ASSERT_EQ(added.status, 201) << added.body;
  const std::string guest = added.SetCookie("atelier_cart");
  ASSERT_FALSE(guest.empty());
  EXPECT_EQ(Json(added).at("item_count").as_int64(), 2);

  HttpReply login = Send("POST", "/api/v1/auth/login",
                         R"({"email":")" + s.email + R"(","password":")" + kShopperPassword + R"("})",
                         {{"Cookie", "atelier_cart=" + guest}});
  ASSERT_EQ(login.status, 200) << login.body;
  s.session = login.SetCookie("atelier_session");
  s.csrf = std::string(Json(login).at("csrf_token").as_string());
  json::value cart = Json(As(s, "GET", "/api/v1/cart"));
  ASSERT_EQ(cart.at("lines").as_array().size(), 1u) << cart;
  EXPECT_EQ(cart.at("lines").at(0).at("sku").as_string(), sku);
  EXPECT_EQ(cart.at("lines").at(0).at("quantity").as_int64(), 2);
  // The guest cart is gone.
  HttpReply stale = Send("GET", "/api/v1/cart", {}, {{"Cookie", "atelier_cart=" + guest}});
  EXPECT_EQ(Json(stale).at("item_count").as_int64(), 0);
}

TEST_F(BuyingHttpTest, CartHoldsAProductAndAConfiguredSuv) {
  Shopper s = Register();
  const std::string sku = StandardSku(false);
  ASSERT_EQ(As(s, "POST", "/api/v1/cart/items", R"({"sku":")" + sku + R"(","quantity":1})").status, 201);
  HttpReply r = As(s, "POST", "/api/v1/cart/items", CartItemBody(RedSuvWithTowing()));
  ASSERT_EQ(r.status, 201) << r.body;
  json::value cart = Json(r);
  ASSERT_EQ(cart.at("lines").as_array().size(), 2u);
  const json::value* suv = nullptr;
  for (const auto& line : cart.at("lines").as_array()) {
    if (line.at("kind").as_string() == "configured") suv = &line;
  }
  ASSERT_NE(suv, nullptr);
  EXPECT_EQ(suv->at("configured").at("model_id").as_string(), "suv");
  EXPECT_EQ(suv->at("configured").at("model_version").as_int64(), 1);
  EXPECT_EQ(suv->at("configured").at("selections").at("colour").as_string(), "red");
  EXPECT_TRUE(suv->at("problem").is_null());
  EXPECT_GT(suv->at("unit_price").at("amount").as_int64(), 3'400'000);
  EXPECT_EQ(cart.at("item_count").as_int64(), 2);
  EXPECT_GT(cart.at("subtotal").at("amount").as_int64(), suv->at("line_total").at("amount").as_int64());

  const int64_t item = suv->at("id").as_int64();
  HttpReply patched = As(s, "PATCH", "/api/v1/cart/items/" + std::to_string(item), R"({"quantity":2})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(Json(patched).at("item_count").as_int64(), 3);
  HttpReply removed = As(s, "DELETE", "/api/v1/cart/items/" + std::to_string(item));
  ASSERT_EQ(removed.status, 200) << removed.body;
  EXPECT_EQ(Json(removed).at("item_count").as_int64(), 1);
}

TEST_F(BuyingHttpTest, InvalidConfigurationInACartIsRejectedNamingTheField) {
  Shopper s = Register();
  json::object selections = RedSuvWithTowing();
  selections["engine"] = "i4";  // towing needs the V6 or the hybrid
  HttpReply r = As(s, "POST", "/api/v1/cart/items", CartItemBody(selections));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorField(r).rfind("selections.", 0), 0u) << r.body;

  json::object incomplete;
  incomplete["colour"] = "red";
  HttpReply partial = As(s, "POST", "/api/v1/cart/items", CartItemBody(incomplete));
  EXPECT_EQ(partial.status, 400) << partial.body;
  EXPECT_EQ(ErrorField(partial).rfind("selections.", 0), 0u) << partial.body;

  selections = RedSuvWithTowing();
  selections["colour"] = "chartreuse";
  HttpReply unknown = As(s, "POST", "/api/v1/cart/items", CartItemBody(selections));
  EXPECT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_EQ(ErrorField(unknown), "selections.colour");
  EXPECT_EQ(Json(As(s, "GET", "/api/v1/cart")).at("item_count").as_int64(), 0);
}

TEST_F(BuyingHttpTest, AnotherShoppersCartItemIs404) {
  Shopper alice = Register();
  Shopper bob = Register();
  HttpReply r = As(alice, "POST", "/api/v1/cart/items", R"({"sku":")" + StandardSku(false) + R"("})");
  ASSERT_EQ(r.status, 201);
  const int64_t item = Json(r).at("lines").at(0).at("id").as_int64();
  EXPECT_EQ(As(bob, "PATCH", "/api/v1/cart/items/" + std::to_string(item), R"({"quantity":5})").status, 404);
  EXPECT_EQ(As(bob, "DELETE", "/api/v1/cart/items/" + std::to_string(item)).status, 404);
  json::value cart = Json(As(alice, "GET", "/api/v1/cart"));
  EXPECT_EQ(cart.at("lines").at(0).at("quantity").as_int64(), 1);
}

// --- checkout and orders --------------------------------------------------------

TEST_F(BuyingHttpTest, CheckoutNeedsAnAccountAndAnIdempotencyKey) {
  EXPECT_EQ(Send("POST", "/api/v1/checkout", "{}", {{"Idempotency-Key", "x"}}).status, 401);
  Shopper s = Register();
  HttpReply r = As(s, "POST", "/api/v1/checkout", "{}");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorField(r), "idempotency_key");
}

TEST_F(BuyingHttpTest, CheckoutOfAnEmptyCartIsAnError) {
  Shopper s = Register();
  HttpReply r = As(s, "POST", "/api/v1/checkout", R"({"shipping":{"region":"us-east"}})", {{"Idempotency-Key", "empty-1"}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorField(r), "cart");
}

TEST_F(BuyingHttpTest, RetriedCheckoutReturnsTheSameOrder) {
  Shopper s = Register();
  const std::string sku = StandardSku(false);
  ASSERT_EQ(As(s, "POST", "/api/v1/cart/items", R"({"sku":")" + sku + R"(","quantity":1})").status, 201);
  const std::string body = R"({"shipping":{"name":"Ada Lovelace","address":"1 Main St","region":"us-east"}})";
  HttpReply first = As(s, "POST", "/api/v1/checkout", body, {{"Idempotency-Key", "order-1"}});
  ASSERT_EQ(first.status, 201) << first.body;
  HttpReply again = As(s, "POST", "/api/v1/checkout", body, {{"Idempotency-Key", "order-1"}});
  ASSERT_EQ(again.status, 201) << again.body;
  const int64_t id = Json(first).at("id").as_int64();
  EXPECT_EQ(Json(again).at("id").as_int64(), id);

  json::value list = Json(As(s, "GET", "/api/v1/orders"));
  EXPECT_EQ(list.at("total").as_int64(), 1);
  json::value order = Json(As(s, "GET", "/api/v1/orders/" + std::to_string(id)));
  EXPECT_EQ(order.at("status").as_string(), "placed");
  EXPECT_EQ(order.at("lines").at(0).at("sku").as_string(), sku);
  // Lines carry the product for display, not only the frozen SKU.
  EXPECT_TRUE(order.at("lines").at(0).at("product_id").is_int64()) << order;
  EXPECT_NE(order.at("lines").at(0).at("title").as_string(), sku) << order;
  EXPECT_FALSE(order.at("lines").at(0).at("title").as_string().empty()) << order;
  EXPECT_FALSE(order.at("expected_delivery_date").is_null());
  EXPECT_TRUE(order.at("tracking").at(0).at("done").as_bool());
  EXPECT_TRUE(order.at("timestamps").as_object().contains("placed"));
  // The cart is empty afterwards.
  EXPECT_EQ(Json(As(s, "GET", "/api/v1/cart")).at("item_count").as_int64(), 0);
}

TEST_F(BuyingHttpTest, OutOfStockCheckoutIs409NamingTheSku) {
  Shopper s = Register();
  const std::string sku = StandardSku(true);
  ASSERT_EQ(As(s, "POST", "/api/v1/cart/items", R"({"sku":")" + sku + R"("})").status, 201);
  HttpReply r = As(s, "POST", "/api/v1/checkout", "{}", {{"Idempotency-Key", "oos-1"}});
  EXPECT_EQ(r.status, 409) << r.body;
  json::value v = Json(r);
  EXPECT_EQ(v.at("error").at("code").as_string(), "conflict");
  EXPECT_NE(std::string(v.at("error").at("message").as_string()).find(sku), std::string::npos);
  EXPECT_EQ(v.at("out_of_stock_items").as_array().size(), 1u);
  EXPECT_EQ(Json(As(s, "GET", "/api/v1/orders")).at("total").as_int64(), 0);
}

TEST_F(BuyingHttpTest, AnotherShoppersOrderIs404) {
  Shopper alice = Register();
  Shopper bob = Register();
  ASSERT_EQ(As(alice, "POST", "/api/v1/cart/items", R"({"sku":")" + StandardSku(false) + R"("})").status, 201);
  HttpReply placed = As(alice, "POST", "/api/v1/checkout", "{}", {{"Idempotency-Key", "a-1"}});
  ASSERT_EQ(placed.status, 201) << placed.body;
  const std::string id = std::to_string(Json(placed).at("id").as_int64());
  EXPECT_EQ(As(bob, "GET", "/api/v1/orders/" + id).status, 404);
  EXPECT_EQ(As(bob, "POST", "/api/v1/orders/" + id + "/cancel").status, 404);
  EXPECT_EQ(As(bob, "GET", "/api/v1/orders/999999999").status, 404);
  EXPECT_EQ(Json(As(alice, "GET", "/api/v1/orders/" + id)).at("status").as_string(), "placed");
  // The owner may cancel while it is placed.
  HttpReply cancelled = As(alice, "POST", "/api/v1/orders/" + id + "/cancel");
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(Json(cancelled).at("status").as_string(), "cancelled");
}

// --- the merchant ---------------------------------------------------------------

TEST_F(BuyingHttpTest, AdminRoutesNeedAKeyWithTheOrdersScope) {
  EXPECT_EQ(Send("GET", "/api/v1/admin/orders").status, 401);
  EXPECT_EQ(Send("GET", "/api/v1/admin/orders", {}, {{"Authorization", "Bearer atk_unknown"}}).status, 401);
  const std::string catalog_key = CreateApiKey({orders::ApiScope::kCatalog});
  HttpReply wrong = Send("GET", "/api/v1/admin/orders", {}, {{"Authorization", "Bearer " + catalog_key}});
  EXPECT_EQ(wrong.status, 403) << wrong.body;
  const std::string key = CreateApiKey({orders::ApiScope::kOrders});
  HttpReply ok = Send("GET", "/api/v1/admin/orders?status=placed", {}, {{"Authorization", "Bearer " + key}});
  EXPECT_EQ(ok.status, 200) << ok.body;
  // A shopper's session is no key.
  Shopper s = Register();
  EXPECT_EQ(As(s, "GET", "/api/v1/admin/orders").status, 401);
}

TEST_F(BuyingHttpTest, MerchantMovesABuildToOrderThroughProduction) {
  Shopper s = Register();
  ASSERT_EQ(As(s, "POST", "/api/v1/cart/items", CartItemBody(RedSuvWithTowing())).status, 201);
  HttpReply placed = As(s, "POST", "/api/v1/checkout", R"({"shipping":{"region":"us-east"}})",
                        {{"Idempotency-Key", "suv-1"}});
  ASSERT_EQ(placed.status, 201) << placed.body;
  json::value order = Json(placed);
  EXPECT_EQ(order.at("fulfilment").as_string(), "build_to_order");
  EXPECT_EQ(order.at("tracking").as_array().size(), 5u);
  EXPECT_FALSE(order.at("lines").at(0).at("build_date").is_null());
  EXPECT_EQ(order.at("lines").at(0).at("title").as_string(), "Atelier Trailhead SUV") << order;
  const std::string id = std::to_string(order.at("id").as_int64());

  const Headers key = {{"Authorization", "Bearer " + CreateApiKey({orders::ApiScope::kOrders})}};
  HttpReply listed = Send("GET", "/api/v1/admin/orders?status=placed&per_page=100", {}, key);
  ASSERT_EQ(listed.status, 200);
  bool found = false;
  const json::value listed_body = Json(listed);
  for (const auto& o : listed_body.at("items").as_array()) found |= o.at("id").as_int64() == std::stoll(id);
  EXPECT_TRUE(found);

  HttpReply skip = Send("POST", "/api/v1/admin/orders/" + id + "/transition", R"({"status":"shipped"})", key);
  EXPECT_EQ(skip.status, 409) << skip.body;
  HttpReply moved =
      Send("POST", "/api/v1/admin/orders/" + id + "/transition", R"({"status":"in_production"})", key);
  ASSERT_EQ(moved.status, 200) << moved.body;

  json::value seen = Json(As(s, "GET", "/api/v1/orders/" + id));
  EXPECT_EQ(seen.at("status").as_string(), "in_production");
  EXPECT_TRUE(seen.at("timestamps").as_object().contains("in_production"));
  EXPECT_TRUE(seen.at("tracking").at(1).at("done").as_bool());
  // Production started: the shopper can no longer cancel.
  EXPECT_EQ(As(s, "POST", "/api/v1/orders/" + id + "/cancel").status, 409);
}

// --- availability and "the same, but in red" -------------------------------------

TEST_F(BuyingHttpTest, RedSuvWithTowingIsNotInStockButNearAlternativesAreAndOneIsQuoted) {
  json::object body;
  body["selections"] = RedSuvWithTowing();
  body["region"] = "us-east";
  body["budget"] = nullptr;
  HttpReply r = Send("POST", "/api/v1/models/suv/availability", json::serialize(body));
  ASSERT_EQ(r.status, 200) << r.body;
  json::value v = Json(r);
  EXPECT_TRUE(v.at("exact").as_array().empty()) << v;
  const json::array& alternatives = v.at("alternatives").as_array();
  ASSERT_FALSE(alternatives.empty());
  const json::value& nearest = alternatives.at(0);
  EXPECT_FALSE(nearest.at("differences").as_array().empty());
  EXPECT_FALSE(nearest.at("summary").as_string().empty());
  EXPECT_FALSE(nearest.at("offer").at("location").at("code").as_string().empty());
  EXPECT_FALSE(nearest.at("offer").at("delivery_date").as_string().empty());
  ASSERT_TRUE(v.at("build_to_order").is_object()) << v;
  EXPECT_FALSE(v.at("build_to_order").at("delivery_date").as_string().empty());
  EXPECT_GT(v.at("build_to_order").at("price").at("amount").as_int64(), 0);
  const std::string plant(v.at("build_to_order").at("plant").as_string());
  EXPECT_TRUE(plant == "detroit" || plant == "leipzig") << plant;
}

TEST_F(BuyingHttpTest, AvailabilityRejectsUnknownModelsAndValues) {
  EXPECT_EQ(Send("POST", "/api/v1/models/zeppelin/availability", R"({"selections":{}})").status, 404);
  HttpReply bad = Send("POST", "/api/v1/models/suv/availability", R"({"selections":{"colour":"plaid"}})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(ErrorField(bad), "selections.colour");
  HttpReply conflict = Send("POST", "/api/v1/models/suv/availability",
                            R"({"selections":{"towing":"true","engine":"i4"}})");
  ASSERT_EQ(conflict.status, 200) << conflict.body;
  EXPECT_TRUE(Json(conflict).at("build_to_order").is_null());
  EXPECT_FALSE(Json(conflict).at("build_to_order_unavailable").as_string().empty());
}

TEST_F(BuyingHttpTest, PartialPicksAreQuotedOnTheirCheapestCompletion) {
  HttpReply r = Send("POST", "/api/v1/models/suv/availability",
                     R"({"selections":{"colour":"red","towing":"true"},"region":"us-east"})");
  ASSERT_EQ(r.status, 200) << r.body;
  json::value v = Json(r);
  EXPECT_TRUE(v.at("exact").as_array().empty());
  EXPECT_FALSE(v.at("alternatives").as_array().empty());
  ASSERT_TRUE(v.at("build_to_order").is_object()) << v;
  EXPECT_TRUE(v.at("build_to_order").at("completed").as_bool());
  const json::object& quoted = v.at("build_to_order").at("configuration").as_object();
  EXPECT_EQ(quoted.at("colour").as_string(), "red");
  EXPECT_EQ(quoted.at("towing").as_string(), "true");
  EXPECT_GT(quoted.size(), 2u);
  EXPECT_FALSE(v.at("build_to_order").at("delivery_date").as_string().empty());
}

TEST_F(BuyingHttpTest, TheSameStockUnitButInRed) {
  json::object find;
  find["selections"] = RedSuvWithTowing();
  HttpReply available = Send("POST", "/api/v1/models/suv/availability", json::serialize(find));
  ASSERT_EQ(available.status, 200);
  const json::value available_body = Json(available);
  const json::array& alternatives = available_body.at("alternatives").as_array();
  ASSERT_FALSE(alternatives.empty());
  const int64_t unit = alternatives.at(0).at("offer").at("stock_unit_id").as_int64();

  HttpReply r = Send("POST", "/api/v1/models/suv/configure",
                     R"({"from_stock_unit":)" + std::to_string(unit) + R"(,"selections":{"colour":"red"},"region":"us-east"})");
  ASSERT_EQ(r.status, 200) << r.body;
  json::value v = Json(r);
  EXPECT_EQ(v.at("source").at("stock_unit_id").as_int64(), unit);
  bool red = false;
  for (const auto& option : v.at("options").as_array()) {
    if (option.at("id").as_string() == "colour") red = option.at("selected") == json::value("red");
  }
  EXPECT_TRUE(red) << v;
  EXPECT_TRUE(v.at("availability").is_object());
  EXPECT_TRUE(v.at("availability").as_object().contains("alternatives"));

  HttpReply missing = Send("POST", "/api/v1/models/suv/configure", R"({"from_stock_unit":999999999})");
  EXPECT_EQ(missing.status, 404) << missing.body;
}

TEST_F(BuyingHttpTest, AChangeThatForcesOthersListsWhatItDroppedAndWhy) {
  auto rows = shop_->services().db->Query(
      "SELECT id FROM stock_units WHERE configuration LIKE '%\"towing\":\"true\"%' ORDER BY id LIMIT 1");
  ASSERT_TRUE(rows.ok() && !rows->empty());
  const int64_t unit = (*rows)[0].Int(0);
  // The 4-cylinder cannot tow: the unit's towing package has to go.
  HttpReply r = Send("POST", "/api/v1/models/suv/configure",
                     R"({"from_stock_unit":)" + std::to_string(unit) + R"(,"selections":{"engine":"i4"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  json::value v = Json(r);
  EXPECT_EQ(v.at("status").as_string(), "ok");
  bool dropped_towing = false;
  for (const auto& c : v.at("changed").as_array()) {
    if (c.at("option_id").as_string() != "towing") continue;
    dropped_towing = true;
    EXPECT_EQ(c.at("was").as_string(), "true");
    EXPECT_FALSE(c.at("reason").as_string().empty()) << c;
  }
  EXPECT_TRUE(dropped_towing) << v.at("changed");
}

TEST_F(BuyingHttpTest, TheSameOrderLineButInRed) {
  Shopper s = Register();
  json::object selections = RedSuvWithTowing();
  selections["colour"] = "graphite";
  ASSERT_EQ(As(s, "POST", "/api/v1/cart/items", CartItemBody(selections)).status, 201);
  HttpReply placed = As(s, "POST", "/api/v1/checkout", "{}", {{"Idempotency-Key", "grey-1"}});
  ASSERT_EQ(placed.status, 201) << placed.body;
  const std::string id = std::to_string(Json(placed).at("id").as_int64());
  HttpReply r = As(s, "POST", "/api/v1/models/suv/configure",
                   R"({"from_order":{"order_id":)" + id + R"(},"selections":{"colour":"red"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).at("complete").as_bool(), true);
  // Another shopper cannot start from it.
  Shopper bob = Register();
  EXPECT_EQ(As(bob, "POST", "/api/v1/models/suv/configure",
               R"({"from_order":{"order_id":)" + id + R"(},"selections":{"colour":"red"}})")
                .status,
            404);
}

// --- shipping addresses ----------------------------------------------------

// The address in fields is checked, stored with the order and shown to the
// shopper (GET /api/v1/orders/{id}) and the merchant (admin order views).
TEST_F(BuyingHttpTest, CheckoutStoresTheShippingAddressForShopperAndMerchant) {
  Shopper s = Register();
  const std::string sku = StandardSku(false);
  ASSERT_EQ(As(s, "POST", "/api/v1/cart/items", R"({"sku":")" + sku + R"(","quantity":1})").status, 201);
  HttpReply placed = CheckoutAs(
      s,
      R"({"shipping":{"name":" Grace Hopper ","line1":"1 Navy Yard","line2":"Building 4",)"
      R"("city":"Arlington","state":"va","postal_code":"22202","country":"us","region":"us-east"}})",
      "ship-fields-1");
  ASSERT_EQ(placed.status, 201) << placed.body;
  const int64_t id = Json(placed).at("id").as_int64();
  const json::object expected = {{"name", "Grace Hopper"}, {"line1", "1 Navy Yard"}, {"line2", "Building 4"},
                                 {"city", "Arlington"},    {"state", "VA"},          {"postal_code", "22202"},
                                 {"region", "us-east"},    {"country", "US"}};
  EXPECT_EQ(Json(placed).at("shipping"), expected);
  EXPECT_EQ(placed.Header("deprecation"), "");
  EXPECT_EQ(Json(As(s, "GET", "/api/v1/orders/" + std::to_string(id))).at("shipping"), expected);

  const Headers merchant = {{"Authorization", "Bearer " + CreateApiKey({orders::ApiScope::kOrders})}};
  HttpReply one = Send("GET", "/api/v1/admin/orders/" + std::to_string(id), {}, merchant);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(Json(one).at("shipping"), expected);
  HttpReply listed = Send("GET", "/api/v1/admin/orders?status=placed&per_page=100", {}, merchant);
  ASSERT_EQ(listed.status, 200) << listed.body;
  bool found = false;
  const json::value list = Json(listed);
  for (const json::value& order : list.at("items").as_array()) {
    if (order.at("id").as_int64() != id) continue;
    found = true;
    EXPECT_EQ(order.at("shipping"), expected);
  }
  EXPECT_TRUE(found) << "order " << id << " is not on the merchant's list";

  // Retried with the same key and another address: a different request.
  HttpReply moved = CheckoutAs(s,
                               R"({"shipping":{"name":"Grace Hopper","line1":"1 Navy Yard","city":"Boston",)"
                               R"("state":"VA","postal_code":"22202","country":"US","region":"us-east"}})",
                               "ship-fields-1");
  EXPECT_EQ(moved.status, 409) << moved.body;
  EXPECT_EQ(ErrorField(moved), "idempotency_key");
}

// The one-text address older clients send (deprecated, still taken and
// marked so), and a checkout that ships by region only (no address:
// `shipping` is null).
TEST_F(BuyingHttpTest, CheckoutTakesAnAddressAsOneTextOrNone) {
  Shopper s = Register();
  const std::string sku = StandardSku(false);
  ASSERT_EQ(As(s, "POST", "/api/v1/cart/items", R"({"sku":")" + sku + R"(","quantity":1})").status, 201);
  HttpReply text = CheckoutAs(
      s,
      R"({"shipping":{"name":"Ada Lovelace","address":"1 Infinite Loop\nCupertino, CA 95014","region":"us-east"}})",
      "ship-text-1");
  ASSERT_EQ(text.status, 201) << text.body;
  const json::value shipping = Json(text).at("shipping");
  EXPECT_EQ(shipping.at("name"), "Ada Lovelace");
  EXPECT_EQ(shipping.at("line1"), "1 Infinite Loop\nCupertino, CA 95014");
  EXPECT_EQ(shipping.at("city"), "");
  EXPECT_EQ(text.Header("deprecation"), "@1796169600");  // RFC 9745: when it was deprecated

  ASSERT_EQ(As(s, "POST", "/api/v1/cart/items", R"({"sku":")" + sku + R"(","quantity":1})").status, 201);
  HttpReply none = CheckoutAs(s, R"({"shipping":{"region":"us-east"}})", "ship-none-1");
  ASSERT_EQ(none.status, 201) << none.body;
  EXPECT_TRUE(Json(none).at("shipping").is_null()) << none.body;
  EXPECT_EQ(none.Header("deprecation"), "");
}

// Each field is checked: a 400 names it, and nothing is ordered.
TEST_F(BuyingHttpTest, CheckoutNamesTheShippingFieldAtFault) {
  Shopper s = Register();
  const std::string sku = StandardSku(false);
  ASSERT_EQ(As(s, "POST", "/api/v1/cart/items", R"({"sku":")" + sku + R"(","quantity":1})").status, 201);
  const std::string good = R"("name":"Grace Hopper","line1":"1 Navy Yard","city":"Arlington",)"
                           R"("state":"VA","postal_code":"22202","country":"US")";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"shipping":{"line1":"1 Navy Yard","city":"Arlington","postal_code":"22202","country":"US"}})",
       "shipping.name"},
      {R"({"shipping":{"name":"Grace Hopper","city":"Arlington","postal_code":"22202","country":"US"}})",
       "shipping.line1"},
      {R"({"shipping":{"name":"Grace Hopper","line1":"1 Navy Yard","postal_code":"22202","country":"US"}})",
       "shipping.city"},
      {R"({"shipping":{"name":"Grace Hopper","line1":"1 Navy Yard","city":"Arlington","country":"US"}})",
       "shipping.postal_code"},
      {R"({"shipping":{"name":"Grace Hopper","line1":"1 Navy Yard","city":"Arlington","postal_code":"<22202>","country":"US"}})",
       "shipping.postal_code"},
      {R"({"shipping":{"name":"Grace Hopper","line1":"1 Navy Yard","city":"Arlington","postal_code":"22202"}})",
       "shipping.country"},
      {R"({"shipping":{"name":"Grace Hopper","line1":"1 Navy Yard","city":"Arlington","postal_code":"22202","country":"USA"}})",
       "shipping.country"},
      {"{\"shipping\":{" + good + R"(,"line2":7}})", "shipping.line2"},
      {"{\"shipping\":{" + good + R"(,"address":"1 Navy Yard, Arlington"}})", "shipping.address"},
      {R"({"shipping":{"name":"Ada","address":"  "}})", "shipping.address"},
      {R"({"shipping":{"name":"Ada","address":"1 Navy Yard, Arlington","state":"VA"}})", "shipping.address"},
      // The state: required for the US, Canada and Australia, as a code.
      {R"({"shipping":{"name":"Grace Hopper","line1":"1 Navy Yard","city":"Arlington","postal_code":"22202","country":"US"}})",
       "shipping.state"},
      {R"({"shipping":{"name":"Grace Hopper","line1":"1 Navy Yard","city":"Arlington","state":"Virginia","postal_code":"22202","country":"US"}})",
       "shipping.state"},
      {R"({"shipping":{"name":"Grace Hopper","line1":"1 Navy Yard","city":"Toronto","state":"NY","postal_code":"M5J 2N8","country":"CA"}})",
       "shipping.state"},
      {R"({"shipping":{"name":"Grace Hopper","line1":"1 Navy Yard","city":"Sydney","postal_code":"2000","country":"AU"}})",
       "shipping.state"},
      {R"({"shipping":{"name":"Grace Hopper","line1":"1 Navy Yard","city":"Arlington","state":7,"postal_code":"22202","country":"US"}})",
       "shipping.state"},
      {"{\"shipping\":{" + good + R"(},"save_address":"yes"})", "save_address"},
      {R"({"shipping":"1 Navy Yard"})", "shipping"},
  };
  int n = 0;
  for (const auto& [body, field] : cases) {
    HttpReply r = CheckoutAs(s, body, "ship-bad-" + std::to_string(++n));
    EXPECT_EQ(r.status, 400) << body << " -> " << r.body;
    EXPECT_EQ(ErrorField(r), field) << body << " -> " << r.body;
    if (field == "shipping.state") {
      EXPECT_NE(ErrorMember(r, "message").find("shipping.state"), std::string::npos) << r.body;
    }
  }
  EXPECT_EQ(Json(As(s, "GET", "/api/v1/orders")).at("total").as_int64(), 0);
  EXPECT_EQ(Json(As(s, "GET", "/api/v1/cart")).at("item_count").as_int64(), 1);
}

// Elsewhere the state is optional; an Australian address takes its
// three-letter code.
TEST_F(BuyingHttpTest, TheStateIsOptionalOutsideTheUsCanadaAndAustralia) {
  Shopper s = Register();
  const std::string sku = StandardSku(false);
  ASSERT_EQ(As(s, "POST", "/api/v1/cart/items", R"({"sku":")" + sku + R"(","quantity":1})").status, 201);
  HttpReply mx = CheckoutAs(s,
                            R"({"shipping":{"name":"Frida Kahlo","line1":"Londres 247","city":"Coyoacán",)"
                            R"("postal_code":"04100","country":"MX","region":"us-west"}})",
                            "ship-mx-1");
  ASSERT_EQ(mx.status, 201) << mx.body;
  EXPECT_EQ(Json(mx).at("shipping").at("state").as_string(), "");
  ASSERT_EQ(As(s, "POST", "/api/v1/cart/items", R"({"sku":")" + sku + R"(","quantity":1})").status, 201);
  HttpReply au =
      CheckoutAs(s,
                 R"({"shipping":{"name":"Ada","line1":"1 George St","city":"Sydney","state":"nsw",)"
                 R"("postal_code":"2000","country":"AU"}})",
                 "ship-au-1");
  ASSERT_EQ(au.status, 201) << au.body;
  EXPECT_EQ(Json(au).at("shipping").at("state").as_string(), "NSW");
}

// --- the saved address ----------------------------------------------------

// "Save this address for next time": a checkout with save_address saves its
// address on the account; one without leaves the saved one as it was; the
// deprecated one-text form is never saved.
TEST_F(BuyingHttpTest, ACheckoutThatAsksSavesItsAddressOnTheAccount) {
  Shopper s = Register();
  HttpReply none = As(s, "GET", "/api/v1/account/address");
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_TRUE(Json(none).at("address").is_null()) << none.body;
  EXPECT_EQ(none.Header("cache-control"), "no-store");

  const std::string sku = StandardSku(false);
  ASSERT_EQ(As(s, "POST", "/api/v1/cart/items", R"({"sku":")" + sku + R"(","quantity":1})").status, 201);
  HttpReply placed = CheckoutAs(
      s,
      R"({"save_address":true,"shipping":{"name":"Grace Hopper","line1":"1 Navy Yard",)"
      R"("city":"Arlington","state":"va","postal_code":"22202","country":"US","region":"us-east"}})",
      "save-1");
  ASSERT_EQ(placed.status, 201) << placed.body;
  const json::value saved = Json(As(s, "GET", "/api/v1/account/address")).at("address");
  ASSERT_TRUE(saved.is_object()) << saved;
  EXPECT_EQ(saved.at("name").as_string(), "Grace Hopper");
  EXPECT_EQ(saved.at("line1").as_string(), "1 Navy Yard");
  EXPECT_EQ(saved.at("line2").as_string(), "");
  EXPECT_EQ(saved.at("city").as_string(), "Arlington");
  EXPECT_EQ(saved.at("state").as_string(), "VA");
  EXPECT_EQ(saved.at("postal_code").as_string(), "22202");
  EXPECT_EQ(saved.at("country").as_string(), "US");
  EXPECT_GT(saved.at("updated_at").as_int64(), 0);

  // Not asked: the saved address stays.
  ASSERT_EQ(As(s, "POST", "/api/v1/cart/items", R"({"sku":")" + sku + R"(","quantity":1})").status, 201);
  ASSERT_EQ(
      CheckoutAs(s,
                 R"({"shipping":{"name":"Someone Else","line1":"9 Gift Rd","city":"Austin","state":"TX",)"
                 R"("postal_code":"78701","country":"US"}})",
                 "save-2")
          .status,
      201);
  // A one-text address is not saved, even when asked.
  ASSERT_EQ(As(s, "POST", "/api/v1/cart/items", R"({"sku":")" + sku + R"(","quantity":1})").status, 201);
  HttpReply text = CheckoutAs(
      s, R"({"save_address":true,"shipping":{"name":"Ada","address":"1 Infinite Loop\nCupertino"}})",
      "save-3");
  ASSERT_EQ(text.status, 201) << text.body;
  EXPECT_EQ(text.Header("deprecation"), "@1796169600");
  EXPECT_EQ(Json(As(s, "GET", "/api/v1/account/address")).at("address").at("name").as_string(),
            "Grace Hopper");
  // A checkout that fails saves nothing.
  HttpReply failed =
      CheckoutAs(s,
                 R"({"save_address":true,"shipping":{"name":"Nobody","line1":"1 Empty Cart Way",)"
                 R"("city":"Arlington","state":"VA","postal_code":"22202","country":"US"}})",
                 "save-4");
  EXPECT_EQ(failed.status, 400) << failed.body;
  EXPECT_EQ(Json(As(s, "GET", "/api/v1/account/address")).at("address").at("name").as_string(),
            "Grace Hopper");
}

// GET/PUT/DELETE /api/v1/account/address: checked like a checkout's
// address, the shopper's own, CSRF-protected.
TEST_F(BuyingHttpTest, TheAccountAddressIsReadChangedAndForgotten) {
  EXPECT_EQ(Send("GET", "/api/v1/account/address").status, 401);
  Shopper s = Register();
  HttpReply no_state =
      As(s, "PUT", "/api/v1/account/address",
         R"({"name":"Ada","line1":"1 Main St","city":"Boston","postal_code":"02108","country":"US"})");
  EXPECT_EQ(no_state.status, 400) << no_state.body;
  EXPECT_EQ(ErrorField(no_state), "shipping.state");
  HttpReply one_text =
      As(s, "PUT", "/api/v1/account/address", R"({"name":"Ada","address":"1 Main St, Boston"})");
  EXPECT_EQ(one_text.status, 400) << one_text.body;
  EXPECT_EQ(ErrorField(one_text), "shipping.address");
  HttpReply no_csrf = Send("PUT", "/api/v1/account/address", kSampleAddressJson,
                           {{"Cookie", "atelier_session=" + s.session}});
  EXPECT_EQ(no_csrf.status, 403);
  EXPECT_EQ(ErrorField(no_csrf), "csrf_token");
  EXPECT_TRUE(Json(As(s, "GET", "/api/v1/account/address")).at("address").is_null());

  HttpReply put = As(s, "PUT", "/api/v1/account/address",
                     R"({"name":" Ada Lovelace ","line1":"1 Main St","city":"Boston","state":"ma",)"
                     R"("postal_code":"02108","country":"us"})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(Json(put).at("address").at("name").as_string(), "Ada Lovelace");
  EXPECT_EQ(Json(put).at("address").at("state").as_string(), "MA");
  EXPECT_EQ(Json(As(s, "GET", "/api/v1/account/address")).at("address"), Json(put).at("address"));
  // Another shopper does not see it.
  Shopper other = Register();
  EXPECT_TRUE(Json(As(other, "GET", "/api/v1/account/address")).at("address").is_null());

  EXPECT_EQ(
      Send("DELETE", "/api/v1/account/address", {}, {{"Cookie", "atelier_session=" + s.session}}).status,
      403);
  EXPECT_EQ(As(s, "DELETE", "/api/v1/account/address").status, 204);
  EXPECT_TRUE(Json(As(s, "GET", "/api/v1/account/address")).at("address").is_null());
  EXPECT_EQ(As(s, "DELETE", "/api/v1/account/address").status, 204);
}

}  // namespace
}  // namespace atelier::testing
