// Hardening over real HTTP: each test opens a hole on purpose (an injection,
// a traversal, another shopper's ids, a missing key or CSRF token, a planted
// session id, a slow or oversized request, a hostile product model) and
// fails if the server lets it through.
//
// Most tests run against the shared demo test shop; those that need other
// settings (default password cost, tight rate limits, short timeouts) start
// a second server of their own (SideShop) on an empty store.

#include <gtest/gtest.h>
#include <sodium.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "atelier/orders/accounts.h"
#include "atelier/server/http_server.h"
#include "atelier/server/routes.h"
#include "atelier/server/services.h"
#include "atelier/store/database.h"
#include "hostile_models.h"
#include "http_client.h"
#include "shop_api.h"
#include "test_shop.h"

namespace atelier::testing {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using orders::ApiScope;
constexpr const char* kPassword = kShopperPassword;

// A second server over its own empty SQLite store, for settings the shared
// test shop does not have.
class SideShop {
 public:
  SideShop(server::BuyingOptions buying, server::RateLimitOptions limits, server::HttpServerOptions http) {
    static std::atomic<int> n{0};
    directory_ = (fs::temp_directory_path() /
                  ("atelier-sec-" + std::to_string(::getpid()) + "-" + std::to_string(++n)))
                     .string();
    fs::remove_all(directory_);
    fs::create_directories(directory_);
    auto db = store::OpenDatabase("sqlite://" + directory_ + "/atelier.db");
    if (!db.ok()) {
      ADD_FAILURE() << db.error().ToString();
      return;
    }
    db_ = std::move(*db);
    services_ = std::make_unique<server::Services>();
    services_->db = db_.get();
    services_->rate_limits = limits;
    server::StartBuying(*services_, buying);
    router_ = std::make_unique<server::Router>();
    server::RegisterAllRoutes(*router_, *services_, "");
    http.port = 0;
    http.access_log = false;
    server_ = std::make_unique<server::HttpServer>(http, *router_, services_->metrics);
    if (Status started = server_->Start(); !started.ok()) {
      ADD_FAILURE() << started.error().ToString();
      server_.reset();
    }
  }
  ~SideShop() {
    if (server_) server_->Shutdown();
    server_.reset();
    router_.reset();
    services_.reset();
    db_.reset();
    std::error_code ec;
    fs::remove_all(directory_, ec);
  }
  bool ok() const { return server_ != nullptr; }
  uint16_t port() const { return server_->port(); }
  store::Database& db() { return *db_; }
  server::HttpServer& server() { return *server_; }

 private:
  std::string directory_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<server::Services> services_;
  std::unique_ptr<server::Router> router_;
  std::unique_ptr<server::HttpServer> server_;
};

server::BuyingOptions CheapHashing() {
  server::BuyingOptions buying;
  buying.accounts.pwhash_opslimit = 1;
  buying.accounts.pwhash_memlimit = 8192;
  return buying;
}

// One documented operation of the OpenAPI document.
struct Operation {
  std::string method;  // upper case
  std::string path;    // with {placeholders}
  std::vector<std::string> path_params;
  std::vector<std::string> query_params;
  std::vector<std::string> header_params;
  std::vector<std::string> body_fields;  // top-level JSON members
  bool json_body = false;
  bool raw_body = false;  // a non-JSON body (model YAML)
};

class SecurityHttpTest : public ::testing::Test {
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
  HttpReply As(const Shopper& s, const std::string& method, const std::string& target, const std::string& body = {},
               Headers headers = {}) {
    return testing::As(*client_, s, method, target, body, std::move(headers));
  }
  Shopper Register() { return RegisterShopper(*client_); }

  // Raw request bytes; the reply or nullopt when the server hung up.
  std::optional<HttpReply> Raw(const std::string& bytes) {
    HttpClient raw(shop_->port());
    if (!raw.Connect() || !raw.WriteRaw(bytes)) return std::nullopt;
    return raw.ReadReply();
  }

  std::string CreateApiKey(const std::vector<ApiScope>& scopes) {
    auto key = shop_->services().accounts->CreateApiKey("security-test", scopes);
    EXPECT_TRUE(key.ok());
    return key.ok() ? key->key : std::string();
  }

  std::string StandardSku() {
    auto rows = shop_->services().db->Query(
        "SELECT p.sku FROM products p JOIN stock_units s ON s.product_id = p.id "
        "WHERE p.model_id IS NULL OR p.model_id = '' GROUP BY p.sku HAVING SUM(s.quantity) >= 50 "
        "ORDER BY p.sku LIMIT 1");
    EXPECT_TRUE(rows.ok() && !rows->empty());
    return rows.ok() && !rows->empty() ? (*rows)[0].Text(0) : std::string();
  }

  int64_t Count(const std::string& table) {
    auto rows = shop_->services().db->Query("SELECT COUNT(*) FROM " + table);
    EXPECT_TRUE(rows.ok()) << table;
    return rows.ok() ? (*rows)[0].Int(0) : -1;
  }

  // Every operation of the served OpenAPI document, with its parameters
  // ($refs resolved) and the top-level members of its JSON body.
  std::vector<Operation> Operations() {
    HttpReply r = Send("GET", "/api/v1/openapi.json");
    EXPECT_EQ(r.status, 200);
    json::value doc = Json(r);
    std::vector<Operation> out;
    if (!doc.is_object()) return out;
    const json::object& components = doc.at("components").as_object();
    auto resolve = [&](const json::value& v) -> const json::object& {
      const json::object* o = &v.as_object();
      while (o->contains("$ref")) {
        std::string ref(o->at("$ref").as_string());
        // "#/components/<kind>/<name>"
        const size_t name_at = ref.rfind('/');
        const size_t kind_at = ref.rfind('/', name_at - 1);
        o = &components.at(ref.substr(kind_at + 1, name_at - kind_at - 1)).at(ref.substr(name_at + 1)).as_object();
      }
      return *o;
    };
    for (const auto& [path, item] : doc.at("paths").as_object()) {
      for (const auto& [method, op_value] : item.as_object()) {
        if (method == "parameters") continue;
        const json::object& op = op_value.as_object();
        Operation operation;
        operation.method = std::string(method);
        for (char& c : operation.method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        operation.path = std::string(path);
        if (const json::value* params = op.if_contains("parameters")) {
          for (const json::value& p : params->as_array()) {
            const json::object& param = resolve(p);
            const std::string name(param.at("name").as_string());
            const std::string in(param.at("in").as_string());
            if (in == "path") operation.path_params.push_back(name);
            if (in == "query") operation.query_params.push_back(name);
            if (in == "header") operation.header_params.push_back(name);
          }
        }
        if (const json::value* body = op.if_contains("requestBody")) {
          const json::object& content = resolve(*body).at("content").as_object();
          for (const auto& [type, media] : content) {
            if (type != "application/json") {
              operation.raw_body = true;
              continue;
            }
            operation.json_body = true;
            const json::object* schema = media.as_object().if_contains("schema")
                                             ? &resolve(media.at("schema"))
                                             : nullptr;
            if (schema != nullptr && schema->contains("properties")) {
              for (const auto& [name, ignored] : schema->at("properties").as_object()) {
                operation.body_fields.push_back(std::string(name));
              }
            }
          }
        }
        out.push_back(std::move(operation));
      }
    }
    return out;
  }

  // `path` with each {placeholder} replaced by `value` (already encoded).
  static std::string Fill(const std::string& path, const std::string& value) {
    std::string out;
    for (size_t i = 0; i < path.size(); ++i) {
      if (path[i] == '{') {
        i = path.find('}', i);
        out += value;
      } else {
        out.push_back(path[i]);
      }
    }
    return out;
  }

  TestShop* shop_ = nullptr;
  std::unique_ptr<HttpClient> client_;
};

// --- SQL injection ------------------------------------------------------------------

const std::vector<std::string>& SqlPayloads() {
  static const std::vector<std::string> kPayloads = {
      "' OR '1'='1",
      "1 OR 1=1",
      "1; DROP TABLE products; --",
      "'); DELETE FROM orders; --",
      "\" OR \"\"=\"",
      "1 UNION SELECT email, password_hash FROM accounts --",
      "admin'--",
      "1' AND (SELECT COUNT(*) FROM sqlite_master) > 0 --",
      "%' OR 1=1 --",
      "' || (SELECT password_hash FROM accounts LIMIT 1) || '",
  };
  return kPayloads;
}

// What a leaked row or a leaked SQL error would look like in a reply (none
// of it occurs in the payloads themselves).
void ExpectNoLeak(const HttpReply& reply, const std::string& canary_email, const std::string& what) {
  EXPECT_LT(reply.status, 500) << what << ": " << reply.body;
  EXPECT_GT(reply.status, 0) << what;
  for (const std::string& secret : {canary_email, std::string("$argon2id$"), std::string("near \""),
                                    std::string("no such table"), std::string("no such column"),
                                    std::string("SQLITE_"), std::string("unrecognized token"),
                                    std::string("sqlite3"), std::string("pqxx")}) {
    EXPECT_EQ(reply.body.find(secret), std::string::npos) << what << " leaked \"" << secret << "\": " << reply.body;
  }
}

TEST_F(SecurityHttpTest, SqlInjectionThroughEveryParameterNeitherFailsNorLeaksNorWrites) {
  const Shopper canary = Register();  // its email must never appear in a reply
  Shopper shopper = Register();
  const std::string admin_key =
      CreateApiKey({ApiScope::kCatalog, ApiScope::kOrders, ApiScope::kModels, ApiScope::kAnalytics});
  const std::vector<std::string> tables = {"products", "categories", "accounts",     "orders",
                                           "order_lines", "stock_units", "api_keys", "product_models",
                                           "payments"};
  std::map<std::string, int64_t> before;
  for (const std::string& table : tables) before[table] = Count(table);

  const std::vector<Operation> operations = Operations();
  ASSERT_GT(operations.size(), 30u);
  int requests = 0;
  for (const Operation& op : operations) {
    // Logging out or reloading would only end this test's own state.
    const bool ends_session = op.path == "/api/v1/auth/logout";
    auto send = [&](const std::string& target, const std::string& body, Headers headers, const std::string& what) {
      headers.emplace_back("Authorization", "Bearer " + admin_key);
      if (!ends_session) {
        headers.emplace_back("Cookie", "atelier_session=" + shopper.session);
        headers.emplace_back("X-CSRF-Token", shopper.csrf);
      }
      if (op.raw_body && !op.json_body) headers.emplace_back("Content-Type", "text/yaml");
      HttpReply r = Call(*client_, op.method, target, body, headers);
      ++requests;
      ExpectNoLeak(r, canary.email, op.method + " " + target + " " + what);
    };
    const std::string plain = Fill(op.path, "1");
    for (const std::string& payload : SqlPayloads()) {
      const std::string encoded = UrlEncode(payload);
      json::object payload_object;
      payload_object[payload] = payload;
      // Path parameters.
      if (!op.path_params.empty()) send(Fill(op.path, encoded), op.json_body ? "{}" : "", {}, "path");
      // Query parameters, one at a time.
      for (const std::string& name : op.query_params) {
        send(plain + "?" + name + "=" + encoded, op.json_body ? "{}" : "", {}, "query " + name);
      }
      // Headers the operation reads (Idempotency-Key, ...) and the cookies.
      for (const std::string& name : op.header_params) {
        if (name == "Authorization" || name == "X-CSRF-Token") continue;
        send(plain, op.json_body ? "{}" : "", {{name, payload}}, "header " + name);
      }
      // Body members, as a string and as an object keyed by the payload.
      for (const std::string& field : op.body_fields) {
        json::object as_string;
        as_string[field] = payload;
        send(plain, json::serialize(as_string), {}, "body " + field);
        json::object as_object;
        as_object[field] = payload_object;
        send(plain, json::serialize(as_object), {}, "body object " + field);
      }
      if (op.json_body) send(plain, json::serialize(json::value(payload)), {}, "body");
      if (op.raw_body) send(plain, payload, {{"Content-Type", "text/yaml"}}, "raw body");
    }
  }
  // The checkout and login attempts above spent this client's rate-limit
  // budget; give it back for what follows.
  ASSERT_TRUE(shop_->services().db->Exec("DELETE FROM login_limits").ok());
  // Session and cart cookies carrying payloads.
  for (const std::string& payload : SqlPayloads()) {
    for (const std::string cookie : {"atelier_session", "atelier_cart"}) {
      HttpReply r = Send("GET", "/api/v1/cart", "", {{"Cookie", cookie + "=" + payload}});
      ExpectNoLeak(r, canary.email, "cookie " + cookie);
    }
    HttpReply login = Send("POST", "/api/v1/auth/login",
                           json::serialize(json::object{{"email", canary.email}, {"password", payload}}));
    EXPECT_EQ(login.status, 401) << login.body;
  }
  EXPECT_GT(requests, 500);
  ASSERT_TRUE(shop_->services().db->Exec("DELETE FROM login_limits").ok());
  for (const std::string& table : tables) EXPECT_EQ(Count(table), before[table]) << table;
  // The shopper's own session still works and their data is theirs alone.
  HttpReply me = As(shopper, "GET", "/api/v1/auth/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(Json(me).at("account").at("email").as_string(), shopper.email);
}

// --- static files -------------------------------------------------------------------

TEST_F(SecurityHttpTest, PathTraversalNeverServesFilesOutsideTheStorefront) {
  // secret.txt sits beside the storefront directory (test_shop.cc).
  const std::vector<std::string> targets = {
      "/../secret.txt",
      "/assets/../../secret.txt",
      "/%2e%2e/secret.txt",
      "/%2E%2E/secret.txt",
      "/.%2e/secret.txt",
      "/%2e%2e%2fsecret.txt",
      "/..%2fsecret.txt",
      "/assets%2f..%2f..%2fsecret.txt",
      "/..%5csecret.txt",
      "/..\\secret.txt",
      "/%252e%252e/secret.txt",
      "/%c0%ae%c0%ae/secret.txt",
      "/....//secret.txt",
      "/assets/%2e%2e/%2e%2e/secret.txt",
      "/index.html%00.js",
      "/assets/app.5e1f.js%00",
      "/%00/../secret.txt",
      "/%2fetc%2fpasswd",
      "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
      "/.env",
      "/.git/config",
  };
  for (const std::string& target : targets) {
    auto reply = Raw("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(reply) << target;
    EXPECT_TRUE(reply->status == 400 || reply->status == 404) << target << " -> " << reply->status;
    EXPECT_EQ(reply->body.find("top secret"), std::string::npos) << target;
    EXPECT_EQ(reply->body.find("root:"), std::string::npos) << target;
  }
  // Absolute paths: a client route at best (the storefront page), never the file.
  auto index = Send("GET", "/");
  ASSERT_EQ(index.status, 200);
  for (const std::string& target :
       std::vector<std::string>{"//etc/passwd", "/etc/passwd", "///secret.txt", "http://x/../secret.txt",
                                "/" + fs::path(shop_->directory()).relative_path().string() + "/secret.txt"}) {
    auto reply = Raw("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(reply) << target;
    EXPECT_EQ(reply->body.find("top secret"), std::string::npos) << target;
    EXPECT_EQ(reply->body.find("root:"), std::string::npos) << target;
    if (reply->status == 200) {
      EXPECT_EQ(reply->body, index.body) << target;
    } else {
      EXPECT_TRUE(reply->status == 400 || reply->status == 404) << target << " -> " << reply->status;
    }
  }
}

TEST_F(SecurityHttpTest, SymlinkOutOfTheStorefrontIsNotFollowed) {
  const fs::path web = fs::path(shop_->directory()) / "web";
  std::error_code ec;
  fs::create_symlink(fs::path(shop_->directory()) / "secret.txt", web / "leak.txt", ec);
  ASSERT_FALSE(ec) << ec.message();
  HttpReply r = Send("GET", "/leak.txt");
  fs::remove(web / "leak.txt", ec);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body.find("top secret"), std::string::npos);
}

// --- another shopper's data (IDOR) --------------------------------------------------

TEST_F(SecurityHttpTest, AShopperCannotReadOrChangeAnothersCartOrdersOrAccount) {
  Shopper alice = Register();
  Shopper bob = Register();
  const std::string sku = StandardSku();
  HttpReply added = As(alice, "POST", "/api/v1/cart/items", R"({"sku":")" + sku + R"(","quantity":2})");
  ASSERT_EQ(added.status, 201) << added.body;
  const int64_t item = Json(added).at("lines").at(0).at("id").as_int64();
  const int64_t cart_id = Json(added).at("id").as_int64();

  // Alice's cart item is not Bob's to change or remove; Bob's cart is his own.
  EXPECT_EQ(As(bob, "PATCH", "/api/v1/cart/items/" + std::to_string(item), R"({"quantity":7})").status, 404);
  EXPECT_EQ(As(bob, "DELETE", "/api/v1/cart/items/" + std::to_string(item)).status, 404);
  json::value bob_cart = Json(As(bob, "GET", "/api/v1/cart"));
  EXPECT_EQ(bob_cart.at("item_count").as_int64(), 0) << bob_cart;
  // A guest naming Alice's cart id or item id as its cart cookie gets nothing.
  for (const std::string& guess : {std::to_string(cart_id), std::to_string(item), alice.session}) {
    HttpReply guest = Send("GET", "/api/v1/cart", "", {{"Cookie", "atelier_cart=" + guess}});
    ASSERT_EQ(guest.status, 200) << guest.body;
    EXPECT_EQ(Json(guest).at("item_count").as_int64(), 0) << guess;
    HttpReply change = Send("DELETE", "/api/v1/cart/items/" + std::to_string(item), "",
                            {{"Cookie", "atelier_cart=" + guess}, {"Content-Type", "application/json"}});
    EXPECT_EQ(change.status, 404) << guess;
  }
  json::value alice_cart = Json(As(alice, "GET", "/api/v1/cart"));
  ASSERT_EQ(alice_cart.at("lines").as_array().size(), 1u);
  EXPECT_EQ(alice_cart.at("lines").at(0).at("quantity").as_int64(), 2);

  // Alice's order: not readable, listable, cancellable or reusable by Bob.
  HttpReply placed = As(alice, "POST", "/api/v1/checkout", "{}", {{"Idempotency-Key", "idor-1"}});
  ASSERT_EQ(placed.status, 201) << placed.body;
  const std::string order = std::to_string(Json(placed).at("id").as_int64());
  EXPECT_EQ(As(bob, "GET", "/api/v1/orders/" + order).status, 404);
  EXPECT_EQ(As(bob, "POST", "/api/v1/orders/" + order + "/cancel").status, 404);
  EXPECT_EQ(Json(As(bob, "GET", "/api/v1/orders")).at("total").as_int64(), 0);
  // Replaying Alice's idempotency key as Bob does not hand him her order.
  HttpReply replay = As(bob, "POST", "/api/v1/checkout", "{}", {{"Idempotency-Key", "idor-1"}});
  EXPECT_NE(replay.status, 201) << replay.body;
  EXPECT_EQ(replay.body.find(alice.email), std::string::npos);
  HttpReply from_order = As(bob, "POST", "/api/v1/models/suv/configure",
                            R"({"from_order":{"order_id":)" + order + R"(,"line_id":1}})");
  EXPECT_EQ(from_order.status, 404) << from_order.body;
  EXPECT_EQ(Json(As(alice, "GET", "/api/v1/orders/" + order)).at("status").as_string(), "placed");

  // /auth/me is always the caller's own account.
  HttpReply me = As(bob, "GET", "/api/v1/auth/me");
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(Json(me).at("account").at("id").as_int64(), bob.id);
  EXPECT_EQ(me.body.find(alice.email), std::string::npos);
}

// --- merchant API keys ----------------------------------------------------------------

TEST_F(SecurityHttpTest, EveryAdminRouteNeedsAKeyWithExactlyItsScope) {
  const std::vector<ApiScope> scopes = {ApiScope::kCatalog, ApiScope::kOrders, ApiScope::kModels,
                                        ApiScope::kAnalytics};
  std::vector<std::string> single;
  for (ApiScope scope : scopes) single.push_back(CreateApiKey({scope}));
  auto revoked = shop_->services().accounts->CreateApiKey("revoked", scopes);
  ASSERT_TRUE(revoked.ok());
  ASSERT_TRUE(shop_->services().accounts->RevokeApiKey(revoked->info.id).ok());
  Shopper shopper = Register();
  ASSERT_TRUE(shop_->services().accounts->SetRole(shopper.id, orders::Role::kMerchant).ok());

  int routes = 0;
  for (const Operation& op : Operations()) {
    if (op.path.rfind("/api/v1/admin/", 0) != 0) continue;
    ++routes;
    const std::string target = Fill(op.path, "999999999");
    const std::string what = op.method + " " + op.path;
    HttpReply none = Send(op.method, target, "{}");
    EXPECT_EQ(none.status, 401) << what;
    EXPECT_EQ(ErrorCodeOf(none), "unauthorized") << what;
    for (const std::string& bad : {std::string("Bearer atk_not-a-key"), std::string("Basic YWRtaW46YWRtaW4="),
                                   std::string("Bearer "), "Bearer " + revoked->key, "bearer" + single[0]}) {
      EXPECT_EQ(Send(op.method, target, "{}", {{"Authorization", bad}}).status, 401) << what << " with " << bad;
    }
    // A shopper session, even a merchant's, is not a key.
    EXPECT_EQ(As(shopper, op.method, target, "{}").status, 401) << what;
    // Exactly one scope opens the route; the others are 403.
    int admitted = 0;
    for (size_t i = 0; i < scopes.size(); ++i) {
      HttpReply r = Send(op.method, target, "{}", {{"Authorization", "Bearer " + single[i]}});
      EXPECT_NE(r.status, 401) << what;
      EXPECT_LT(r.status, 500) << what << ": " << r.body;
      if (r.status == 403) {
        EXPECT_EQ(ErrorCodeOf(r), "forbidden") << what;
      } else {
        ++admitted;
      }
    }
    EXPECT_EQ(admitted, 1) << what;
  }
  EXPECT_GE(routes, 13);
}

// --- CSRF ---------------------------------------------------------------------------------

TEST_F(SecurityHttpTest, EveryCookieAuthenticatedWriteNeedsTheCsrfToken) {
  Shopper s = Register();
  const std::string sku = StandardSku();
  HttpReply added = As(s, "POST", "/api/v1/cart/items", R"({"sku":")" + sku + R"("})");
  ASSERT_EQ(added.status, 201);
  const std::string item = std::to_string(Json(added).at("lines").at(0).at("id").as_int64());
  int writes = 0;
  for (const Operation& op : Operations()) {
    const bool declares_csrf =
        std::find(op.header_params.begin(), op.header_params.end(), "X-CSRF-Token") != op.header_params.end();
    if (!declares_csrf) continue;
    ++writes;
    const std::string target = Fill(op.path, item);
    const std::string body = op.method == "PATCH" ? R"({"quantity":5})" : R"({"sku":")" + sku + R"("})";
    const Headers cookie = {{"Cookie", "atelier_session=" + s.session}, {"Idempotency-Key", "csrf-" + op.path}};
    for (const std::string& token : {std::string(), std::string("forged"), s.csrf + "x", s.session}) {
      Headers headers = cookie;
      if (!token.empty()) headers.emplace_back("X-CSRF-Token", token);
      HttpReply r = Send(op.method, target, body, headers);
      EXPECT_EQ(r.status, 403) << op.method << " " << op.path << " token \"" << token << "\": " << r.body;
      EXPECT_EQ(ErrorField(r), "csrf_token") << op.method << " " << op.path;
      // A form post (what another site can send without asking) fares no better.
      Headers form = headers;
      form.emplace_back("Content-Type", "application/x-www-form-urlencoded");
      EXPECT_EQ(Send(op.method, target, "quantity=5", form).status, 403) << op.method << " " << op.path;
    }
  }
  EXPECT_GE(writes, 5);
  // Nothing changed: one line, quantity 1, still logged in, no order.
  json::value cart = Json(As(s, "GET", "/api/v1/cart"));
  ASSERT_EQ(cart.at("lines").as_array().size(), 1u) << cart;
  EXPECT_EQ(cart.at("lines").at(0).at("quantity").as_int64(), 1);
  EXPECT_EQ(Json(As(s, "GET", "/api/v1/orders")).at("total").as_int64(), 0);
  // Guest writes must be JSON (a cross-site form cannot send that).
  HttpReply form = Send("POST", "/api/v1/cart/items", "sku=" + sku,
                        {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(form.status, 403);
  EXPECT_EQ(ErrorField(form), "content_type");
  HttpReply login = Send("POST", "/api/v1/auth/login", "email=" + s.email + "&password=" + kPassword,
                         {{"Content-Type", "text/plain"}});
  EXPECT_EQ(login.status, 403);
  // No CORS grant lets another origin read or write.
  HttpReply preflight = Send("OPTIONS", "/api/v1/cart/items", "",
                             {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_TRUE(preflight.Header("access-control-allow-origin").empty());
  HttpReply cross = Send("GET", "/api/v1/auth/me", "",
                         {{"Origin", "https://evil.example"}, {"Cookie", "atelier_session=" + s.session}});
  EXPECT_TRUE(cross.Header("access-control-allow-origin").empty());
  EXPECT_TRUE(cross.Header("access-control-allow-credentials").empty());
}

// --- sessions ---------------------------------------------------------------------------

TEST_F(SecurityHttpTest, LoginNeverKeepsAPlantedOrEarlierSessionId) {
  Shopper s = Register();
  // A guest with a cart: its cart token must not become a session.
  HttpReply guest = Send("POST", "/api/v1/cart/items", R"({"sku":")" + StandardSku() + R"("})");
  ASSERT_EQ(guest.status, 201);
  const std::string cart_token = guest.SetCookie("atelier_cart");
  ASSERT_FALSE(cart_token.empty());

  const std::string planted = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  for (const std::string& before : {planted, s.session, cart_token}) {
    HttpReply login = Send("POST", "/api/v1/auth/login",
                           R"({"email":")" + s.email + R"(","password":")" + kPassword + R"("})",
                           {{"Cookie", "atelier_session=" + before + "; atelier_cart=" + cart_token}});
    ASSERT_EQ(login.status, 200) << login.body;
    const std::string after = login.SetCookie("atelier_session");
    ASSERT_FALSE(after.empty());
    EXPECT_NE(after, before);
    EXPECT_NE(after, cart_token);
    EXPECT_GE(after.size(), 43u);  // 256 bits, base64url
    // Whatever the client came with is not a session afterwards.
    Shopper old = s;
    old.session = before;
    EXPECT_EQ(As(old, "GET", "/api/v1/auth/me").status, 401) << before;
    s.session = after;
    s.csrf = std::string(Json(login).at("csrf_token").as_string());
    EXPECT_EQ(As(s, "GET", "/api/v1/auth/me").status, 200);
  }
  // Session ids are stored hashed: the cookie value is nowhere in the store.
  auto rows = shop_->services().db->Query("SELECT token_hash FROM sessions WHERE account_id = ?", {s.id});
  ASSERT_TRUE(rows.ok());
  ASSERT_FALSE(rows->empty());
  for (const auto& row : *rows) EXPECT_NE(row.Text(0), s.session);
  // Logout ends the session for good.
  EXPECT_EQ(As(s, "POST", "/api/v1/auth/logout").status, 204);
  EXPECT_EQ(As(s, "GET", "/api/v1/auth/me").status, 401);
}

// --- password storage ----------------------------------------------------------------------

// The argon2id cost a fresh server uses (the shared test shop lowers it).
TEST_F(SecurityHttpTest, PasswordsAreStoredAsArgon2idAtLeastAtTheInteractiveCost) {
  ASSERT_GE(sodium_init(), 0);
  SideShop side(server::BuyingOptions{}, server::RateLimitOptions{}, server::HttpServerOptions{});
  ASSERT_TRUE(side.ok());
  HttpClient client(side.port());
  ASSERT_TRUE(client.Connect());
  Shopper s = RegisterShopper(client);
  auto rows = side.db().Query("SELECT password_hash FROM accounts WHERE id = ?", {s.id});
  ASSERT_TRUE(rows.ok() && rows->size() == 1);
  const std::string hash = (*rows)[0].Text(0);
  // $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>
  ASSERT_EQ(hash.rfind("$argon2id$v=19$m=", 0), 0u) << hash;
  EXPECT_EQ(hash.find(kPassword), std::string::npos);
  unsigned long long m = 0, t = 0, p = 0;
  ASSERT_EQ(std::sscanf(hash.c_str(), "$argon2id$v=19$m=%llu,t=%llu,p=%llu$", &m, &t, &p), 3) << hash;
  EXPECT_GE(t, crypto_pwhash_OPSLIMIT_INTERACTIVE);
  EXPECT_GE(m * 1024, crypto_pwhash_MEMLIMIT_INTERACTIVE);
  EXPECT_EQ(crypto_pwhash_str_needs_rehash(hash.c_str(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                           crypto_pwhash_MEMLIMIT_INTERACTIVE),
            0);
  // Two accounts with the same password get different salts.
  Shopper twin = RegisterShopper(client);
  auto twin_rows = side.db().Query("SELECT password_hash FROM accounts WHERE id = ?", {twin.id});
  ASSERT_TRUE(twin_rows.ok() && twin_rows->size() == 1);
  EXPECT_NE((*twin_rows)[0].Text(0), hash);
}

// --- headers ------------------------------------------------------------------------------------

void ExpectSecurityHeaders(const HttpReply& r, const std::string& what) {
  const std::string csp = r.Header("content-security-policy");
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << what << ": " << csp;
  EXPECT_NE(csp.find("default-src"), std::string::npos) << what << ": " << csp;
  EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << what;
  EXPECT_EQ(r.Header("x-content-type-options"), "nosniff") << what;
  EXPECT_FALSE(r.Header("referrer-policy").empty()) << what;
  EXPECT_EQ(r.Header("x-frame-options"), "DENY") << what;
}

TEST_F(SecurityHttpTest, PagesAndApiResponsesCarrySecurityHeaders) {
  {
    std::ofstream(fs::path(shop_->directory()) / "web" / "admin.html")
        << "<!doctype html><title>Atelier dashboard</title>";
  }
  for (const std::string page : {"/", "/admin", "/admin/orders", "/configure/suv", "/products/42"}) {
    HttpReply r = Send("GET", page);
    ASSERT_EQ(r.status, 200) << page;
    EXPECT_EQ(r.Header("content-type"), "text/html; charset=utf-8") << page;
    ExpectSecurityHeaders(r, page);
    EXPECT_EQ(r.Header("content-security-policy").find("script-src 'self' 'unsafe-inline'"), std::string::npos);
  }
  for (const std::string api : {"/api/v1/products", "/api/v1/models/suv", "/api/v1/nope", "/api/v1/cart",
                                 "/api/v1/orders", "/assets/missing.js", "/healthz"}) {
    HttpReply r = Send("GET", api);
    ASSERT_GT(r.status, 0) << api;
    ExpectSecurityHeaders(r, api);
  }
  // Errors raised before routing (a malformed request) carry them too.
  auto malformed = Raw("GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(malformed);
  EXPECT_EQ(malformed->status, 400);
  ExpectSecurityHeaders(*malformed, "malformed");
  // Responses with a session are never cached by shared caches.
  Shopper s = Register();
  EXPECT_EQ(As(s, "GET", "/api/v1/auth/me").Header("cache-control"), "no-store");
  EXPECT_EQ(As(s, "GET", "/api/v1/cart").Header("cache-control"), "no-store");
}

// --- request limits -------------------------------------------------------------------------------

TEST_F(SecurityHttpTest, OversizedHeadersAre431AndBodiesAre413) {
  auto huge_header = Raw("GET /api/v1/products HTTP/1.1\r\nHost: x\r\nX-Filler: " + std::string(16 << 10, 'a') +
                         "\r\n\r\n");
  ASSERT_TRUE(huge_header);
  EXPECT_EQ(huge_header->status, 431);
  std::string many;
  for (int i = 0; i < 2000; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
  auto many_headers = Raw("GET /api/v1/products HTTP/1.1\r\nHost: x\r\n" + many + "\r\n");
  ASSERT_TRUE(many_headers);
  EXPECT_EQ(many_headers->status, 431);
  // Declared too large: refused before the body is sent.
  auto declared = Raw("POST /api/v1/cart/items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      "Content-Length: 100000000\r\n\r\n{");
  ASSERT_TRUE(declared);
  EXPECT_EQ(declared->status, 413);
  EXPECT_EQ(ErrorCodeOf(*declared), "too_large");
  // Chunked, growing past the limit.
  std::string chunked = "POST /api/v1/cart/items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        "Transfer-Encoding: chunked\r\n\r\n";
  const std::string chunk(64 << 10, ' ');
  for (int i = 0; i < 20; ++i) chunked += "10000\r\n" + chunk + "\r\n";
  chunked += "0\r\n\r\n";
  auto grown = Raw(chunked);
  ASSERT_TRUE(grown);
  EXPECT_EQ(grown->status, 413);
  // The server still answers.
  EXPECT_EQ(Send("GET", "/healthz").status, 200);
}

TEST_F(SecurityHttpTest, SlowClientsAreDroppedWhileOthersAreServed) {
  server::HttpServerOptions http;
  http.threads = 2;
  http.read_timeout = 1500ms;
  http.idle_timeout = 3000ms;
  SideShop side(CheapHashing(), server::RateLimitOptions{}, http);
  ASSERT_TRUE(side.ok());
  // More trickling clients than worker threads, each sending its request
  // a byte at a time (4 bytes a second; about a minute for the whole
  // request) and an ordinary client asking between the bytes.
  constexpr int kSlow = 12;
  std::vector<std::unique_ptr<HttpClient>> slow;
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: " + std::string(200, 'p') + "\r\n";
  for (int i = 0; i < kSlow; ++i) {
    slow.push_back(std::make_unique<HttpClient>(side.port()));
    ASSERT_TRUE(slow.back()->Connect());
  }
  HttpClient ordinary(side.port());
  const auto start = std::chrono::steady_clock::now();
  int served = 0;
  for (size_t byte = 0; std::chrono::steady_clock::now() - start < 4s; ++byte) {
    for (auto& client : slow) (void)client->WriteRaw(request.substr(byte, 1));
    if (byte % 2 == 0) {
      const auto asked = std::chrono::steady_clock::now();
      auto reply = ordinary.Send("GET", "/healthz", "", {});
      ASSERT_TRUE(reply) << byte;
      EXPECT_EQ(reply->status, 200);
      EXPECT_LT(std::chrono::steady_clock::now() - asked, 1000ms) << byte;
      ++served;
    }
    std::this_thread::sleep_for(250ms);
  }
  EXPECT_GE(served, 6);
  // Each trickling client was dropped once its read timeout passed.
  for (int i = 0; i < kSlow; ++i) EXPECT_TRUE(slow[i]->WaitForClose(5s)) << i;
  EXPECT_LE(side.server().open_connections(), 1u);
  // A connection that never sends anything is dropped after the idle timeout.
  HttpClient silent(side.port());
  ASSERT_TRUE(silent.Connect());
  EXPECT_TRUE(silent.WaitForClose(10s));
}

// A route that takes large bodies (pictures) gives them more time to arrive,
// in proportion to their length, but not without end: a body trickling in
// slower than large_body_rate is cut off at its deadline, while the same
// body sent at an ordinary pace is taken whole.
TEST(SlowLargeBodyTest, ALargeBodyArrivingTooSlowlyIsCutOff) {
  constexpr size_t kLimit = 8 << 20;
  constexpr size_t kBody = 3 << 20;  // 2 MiB beyond the server's own 1 MiB limit
  server::Router router;
  std::atomic<int> received{0};
  router.Post("/upload", [&received](server::Request& request) {
    ++received;
    return server::JsonText("{\"bytes\":" + std::to_string(request.body.size()) + "}", 201);
  });
  router.SetBodyLimit("POST", "/upload", [](const server::Request&) {
    return std::optional<server::BodyLimit>(server::BodyLimit{kLimit, "Picture"});
  });
  server::HttpServerOptions http;
  http.port = 0;
  http.threads = 2;
  http.access_log = false;
  http.read_timeout = 1000ms;
  http.large_body_rate = 1 << 20;  // deadline: 1 s + 2 MiB / (1 MiB/s) = 3 s after the first byte
  server::Metrics metrics;
  server::HttpServer server(http, router, metrics);
  ASSERT_TRUE(server.Start().ok());
  const std::string head = "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                           "Content-Length: " + std::to_string(kBody) + "\r\n\r\n";

  // At ordinary speed the whole body is taken.
  HttpClient fast(server.port());
  ASSERT_TRUE(fast.Connect());
  ASSERT_TRUE(fast.WriteRaw(head + std::string(kBody, 'x')));
  auto reply = fast.ReadReply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 201) << reply->body;
  EXPECT_EQ(reply->body, "{\"bytes\":" + std::to_string(kBody) + "}");

  // At 256 KiB/s the body would need 12 s: the server hangs up at its
  // 3 s deadline, and the handler never sees a partial body.
  HttpClient slow(server.port());
  ASSERT_TRUE(slow.Connect());
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(slow.WriteRaw(head));
  const std::string piece(64 << 10, 'y');
  bool cut = false;
  for (size_t sent = 0; sent < kBody; sent += piece.size()) {
    if (!slow.WriteRaw(piece)) {
      cut = true;
      break;
    }
    std::this_thread::sleep_for(250ms);
    if (std::chrono::steady_clock::now() - start > 8s) break;
  }
  if (!cut) cut = slow.WaitForClose(3s);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(cut) << "a body trickling in at 256 KiB/s was not cut off";
  EXPECT_GE(elapsed, 2500ms);   // not before its deadline
  EXPECT_LT(elapsed, 7000ms);   // nor long after it
  EXPECT_EQ(received.load(), 1);
  server.Shutdown();
}

// --- rate limits --------------------------------------------------------------------------------

TEST_F(SecurityHttpTest, CheckoutsFromOneAddressAreRateLimited) {
  server::RateLimitOptions limits;
  limits.checkout = {3, 3600};
  SideShop side(CheapHashing(), limits, server::HttpServerOptions{});
  ASSERT_TRUE(side.ok());
  HttpClient client(side.port());
  Shopper a = RegisterShopper(client);
  Shopper b = RegisterShopper(client);
  // Three attempts pass the limit (and fail on the empty cart)...
  for (int i = 0; i < 3; ++i) {
    HttpReply r = testing::As(client, a, "POST", "/api/v1/checkout", "{}", {{"Idempotency-Key", "k" + std::to_string(i)}});
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(ErrorField(r), "cart");
  }
  // ...the fourth from the same address is refused, whoever sends it and
  // whatever it claims to forward for.
  for (const Shopper* s : {&a, &b}) {
    HttpReply r = testing::As(client, *s, "POST", "/api/v1/checkout", "{}",
                              {{"Idempotency-Key", "k9"}, {"X-Forwarded-For", "203.0.113.7"}, {"X-Real-IP", "203.0.113.8"}});
    EXPECT_EQ(r.status, 429) << r.body;
    EXPECT_EQ(ErrorCodeOf(r), "rate_limited");
    EXPECT_EQ(ErrorField(r), "checkout");
  }
  // Other routes are not affected.
  EXPECT_EQ(testing::As(client, a, "GET", "/api/v1/cart").status, 200);
}

TEST_F(SecurityHttpTest, LoginsFromOneAddressAreRateLimitedAcrossEmails) {
  server::RateLimitOptions limits;
  limits.login = {5, 3600};
  SideShop side(CheapHashing(), limits, server::HttpServerOptions{});
  ASSERT_TRUE(side.ok());
  HttpClient client(side.port());
  Shopper s = RegisterShopper(client);  // one attempt
  int limited = 0;
  // Password spraying: one try per email stays under each email's bucket.
  for (int i = 0; i < 6; ++i) {
    HttpReply r = Call(client, "POST", "/api/v1/auth/login",
                       R"({"email":")" + UniqueEmail() + R"(","password":"wrong password!"})");
    if (r.status == 429) {
      ++limited;
      EXPECT_EQ(ErrorField(r), "login");
    } else {
      EXPECT_EQ(r.status, 401);
    }
  }
  EXPECT_EQ(limited, 2);
  // Even the right password waits now.
  HttpReply r = Call(client, "POST", "/api/v1/auth/login",
                     R"({"email":")" + s.email + R"(","password":")" + kPassword + R"("})");
  EXPECT_EQ(r.status, 429);
}

// Every 429 says in Retry-After (whole seconds, RFC 9110 delay-seconds) how
// long until the bucket that refused holds a token again: the checkout and
// login/register buckets per address, and the login bucket per email.
TEST_F(SecurityHttpTest, RateLimitedAnswersSayWhenToRetry) {
  auto retry_after = [](const HttpReply& r) -> int64_t {
    const std::string value = r.Header("retry-after");
    if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos) return -1;
    return std::stoll(value);
  };
  server::RateLimitOptions limits;
  limits.checkout = {2, 90};
  limits.login = {4, 20};
  server::BuyingOptions buying = CheapHashing();
  buying.accounts.login_burst = 2;
  buying.accounts.login_refill_seconds = 45;
  SideShop side(buying, limits, server::HttpServerOptions{});
  ASSERT_TRUE(side.ok());
  HttpClient client(side.port());
  Shopper s = RegisterShopper(client);  // one login/register token of four

  // Checkout: two pass the limit, the third waits for one token (90 s).
  for (int i = 0; i < 2; ++i) {
    HttpReply r = testing::As(client, s, "POST", "/api/v1/checkout", "{}", {{"Idempotency-Key", "r" + std::to_string(i)}});
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_TRUE(r.Header("retry-after").empty()) << "only a 429 says when to retry";
  }
  HttpReply checkout = testing::As(client, s, "POST", "/api/v1/checkout", "{}", {{"Idempotency-Key", "r9"}});
  ASSERT_EQ(checkout.status, 429) << checkout.body;
  EXPECT_GE(retry_after(checkout), 85) << checkout.Header("retry-after");
  EXPECT_LE(retry_after(checkout), 90) << checkout.Header("retry-after");

  // Login per email: two wrong passwords, then the email's bucket (45 s).
  for (int i = 0; i < 2; ++i) {
    HttpReply r = Call(client, "POST", "/api/v1/auth/login", R"({"email":")" + s.email + R"(","password":"wrong password!"})");
    EXPECT_EQ(r.status, 401) << r.body;
  }
  HttpReply login = Call(client, "POST", "/api/v1/auth/login", R"({"email":")" + s.email + R"(","password":"wrong password!"})");
  ASSERT_EQ(login.status, 429) << login.body;
  EXPECT_EQ(ErrorField(login), "login");
  EXPECT_GE(retry_after(login), 40) << login.Header("retry-after");
  EXPECT_LE(retry_after(login), 45) << login.Header("retry-after");

  // Register: the address's login/register bucket is empty now (20 s a token).
  HttpReply registered = Call(client, "POST", "/api/v1/auth/register",
                              R"({"email":")" + UniqueEmail() + R"(","password":")" + kPassword + R"("})");
  ASSERT_EQ(registered.status, 429) << registered.body;
  EXPECT_GE(retry_after(registered), 15) << registered.Header("retry-after");
  EXPECT_LE(retry_after(registered), 20) << registered.Header("retry-after");
}

// --- hostile product models -------------------------------------------------------------------------

using config::testing::PigeonholeModel;  // testing/hostile_models.h

TEST_F(SecurityHttpTest, AHostileModelOrSelectionSetGetsAnErrorNotAHungWorker) {
  const std::string key = CreateApiKey({ApiScope::kModels});
  const Headers auth = {{"Authorization", "Bearer " + key}, {"Content-Type", "text/yaml"}};
  constexpr int kHoles = 20;
  const auto deadline = 60s;  // the BDD attempt, then the bounded SAT check

  // Validation reports it as an invalid model instead of searching on.
  auto start = std::chrono::steady_clock::now();
  HttpReply validated = Send("POST", "/api/v1/admin/models/validate", PigeonholeModel("pigeons", kHoles, false), auth);
  EXPECT_LT(std::chrono::steady_clock::now() - start, deadline);
  ASSERT_EQ(validated.status, 200) << validated.body;
  EXPECT_FALSE(Json(validated).at("ok").as_bool()) << validated.body;
  EXPECT_NE(validated.body.find("too hard"), std::string::npos) << validated.body;

  // Publishing it is refused and stores nothing.
  start = std::chrono::steady_clock::now();
  HttpReply refused = Send("POST", "/api/v1/admin/models", PigeonholeModel("pigeons", kHoles, false), auth);
  EXPECT_LT(std::chrono::steady_clock::now() - start, deadline);
  EXPECT_EQ(refused.status, 413) << refused.body;
  EXPECT_EQ(ErrorCodeOf(refused), "too_large");
  EXPECT_EQ(ErrorField(refused), "rules");
  EXPECT_EQ(Send("GET", "/api/v1/models/pigeons").status, 404);

  // The gated one has easy configurations: it is stored and served...
  HttpReply published = Send("POST", "/api/v1/admin/models", PigeonholeModel("pigeons-gated", kHoles, true), auth);
  ASSERT_EQ(published.status, 201) << published.body;
  // ...and every configure request that asks the hopeless question is
  // answered with 413 too_large naming the selections, promptly, while
  // another client is served meanwhile.
  HttpClient other(shop_->port());
  for (const std::string& body : {std::string(R"({"selections":{}})"), std::string(R"({"selections":{"mode":"hard"}})"),
                                  std::string(R"({"selections":{"mode":"hard","p0":"h0","p1":"h1"}})")}) {
    std::optional<HttpReply> hostile;
    std::thread asker([&] {
      HttpClient c(shop_->port());
      hostile = c.Send("POST", "/api/v1/models/pigeons-gated/configure", body, {{"Content-Type", "application/json"}});
    });
    start = std::chrono::steady_clock::now();
    for (int i = 0; i < 3; ++i) EXPECT_EQ(Call(other, "GET", "/api/v1/models/suv").status, 200);
    asker.join();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 20s) << body;
    ASSERT_TRUE(hostile) << body;
    EXPECT_EQ(hostile->status, 413) << body << ": " << hostile->body;
    EXPECT_EQ(ErrorCodeOf(*hostile), "too_large") << body;
    EXPECT_EQ(ErrorField(*hostile), "selections") << body;
  }
  // The demo models are unaffected.
  HttpReply suv = Send("POST", "/api/v1/models/suv/configure", R"({"selections":{"towing":"true"}})");
  EXPECT_EQ(suv.status, 200) << suv.body;
}

// --- personalization pictures ---------------------------------------------------------------------

std::string Be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

std::string PngBytes(uint32_t width, uint32_t height) {
  std::string b = "\x89PNG\r\n\x1a\n";
  b += Be32(13) + "IHDR" + Be32(width) + Be32(height) + std::string("\x08\x02\x00\x00\x00", 5) + Be32(0);
  b += Be32(0) + "IEND" + Be32(0xae426082);
  return b;
}

std::string JpegBytes(int width, int height) {
  std::string b("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x02\x00\x00\x01\x00\x01\x00\x00", 20);
  b += std::string("\xFF\xC0\x00\x0b\x08", 5);
  b += {static_cast<char>(height >> 8), static_cast<char>(height), static_cast<char>(width >> 8),
        static_cast<char>(width), '\x01', '\x01', '\x11', '\x00'};
  b += std::string("\xFF\xDA\x00\x08\x01\x01\x00\x00\x3f\x00", 10) + "\x12\x34" + std::string("\xFF\xD9", 2);
  return b;
}

TEST_F(SecurityHttpTest, PicturesAreSniffedMeasuredAndOwned) {
  const std::string target = "/api/v1/uploads?model=candy&field=picture";
  const std::string png = PngBytes(400, 320);
  EXPECT_EQ(Send("POST", target, png, {{"Content-Type", "image/png"}}).status, 401);
  Shopper s = Register();
  HttpReply no_csrf = Send("POST", target, png, {{"Content-Type", "image/png"}, {"Cookie", "atelier_session=" + s.session}});
  EXPECT_EQ(no_csrf.status, 403);
  EXPECT_EQ(ErrorField(no_csrf), "csrf_token");

  // The type comes from the bytes, not from what the client says.
  HttpReply as_jpeg = As(s, "POST", target, png, {{"Content-Type", "image/jpeg"}});
  ASSERT_EQ(as_jpeg.status, 201) << as_jpeg.body;
  json::value up = Json(as_jpeg);
  EXPECT_EQ(up.at("content_type").as_string(), "image/png");
  EXPECT_EQ(up.at("width").as_int64(), 400);
  EXPECT_EQ(up.at("height").as_int64(), 320);
  EXPECT_EQ(up.at("bytes").as_int64(), static_cast<int64_t>(png.size()));
  const std::string id(up.at("id").as_string());
  EXPECT_EQ(id.rfind("upl_", 0), 0u);
  HttpReply jpeg = As(s, "POST", target, JpegBytes(640, 480), {{"Content-Type", "image/png"}});
  ASSERT_EQ(jpeg.status, 201) << jpeg.body;
  EXPECT_EQ(Json(jpeg).at("content_type").as_string(), "image/jpeg");
  EXPECT_EQ(Json(jpeg).at("width").as_int64(), 640);

  // Stored durably, with the bytes, for this account.
  auto rows = shop_->services().db->Query("SELECT account_id, content_type, width, height, LENGTH(data) FROM uploads "
                                          "WHERE id = ?",
                                          {id});
  ASSERT_TRUE(rows.ok() && rows->size() == 1);
  EXPECT_EQ((*rows)[0].Int(0), s.id);
  EXPECT_EQ((*rows)[0].Text(1), "image/png");
  EXPECT_GE((*rows)[0].Int(4), static_cast<int64_t>(png.size()));

  // Anything else is refused whatever it is called.
  const int64_t stored = Count("uploads");
  for (const std::string& bytes :
       {std::string("GIF89a\x01\x00\x01\x00\x00\x00\x00", 13), std::string("<svg onload=alert(1)></svg>"),
        std::string("<html><script>alert(1)</script>"), std::string("\x89PNG\r\n\x1a\n", 8), png.substr(0, 20),
        std::string("\xFF\xD8\xFF\xE0\x00\x10JFIF", 10), std::string("%PDF-1.4 photo.png")}) {
    HttpReply r = As(s, "POST", target, bytes, {{"Content-Type", "image/png"}, {"Content-Disposition", "filename=photo.png"}});
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(ErrorField(r), "body") << r.body;
  }
  // Too small for the print, empty, or for a field that takes no picture.
  HttpReply small = As(s, "POST", target, PngBytes(120, 120), {{"Content-Type", "image/png"}});
  EXPECT_EQ(small.status, 400);
  EXPECT_NE(small.body.find("300x300"), std::string::npos) << small.body;
  EXPECT_EQ(As(s, "POST", target, "", {{"Content-Type", "image/png"}}).status, 400);
  HttpReply text_field = As(s, "POST", "/api/v1/uploads?model=candy&field=message", png, {{"Content-Type", "image/png"}});
  EXPECT_EQ(text_field.status, 400);
  EXPECT_EQ(ErrorField(text_field), "field");
  HttpReply no_model = As(s, "POST", "/api/v1/uploads?model=nope&field=picture", png, {{"Content-Type", "image/png"}});
  EXPECT_EQ(no_model.status, 404);
  EXPECT_EQ(ErrorField(no_model), "model");
  EXPECT_EQ(Count("uploads"), stored);

  // A cart line names the picture by its id; only its owner may.
  HttpReply configured = Send("POST", "/api/v1/models/candy/configure", R"({"selections":{}})");
  ASSERT_EQ(configured.status, 200) << configured.body;
  json::object line;
  line["model_id"] = "candy";
  line["selections"] = Json(configured).at("cheapest_completion");
  auto with_picture = [&](const std::string& value) {
    json::object body = line;
    body["personalization"] = json::object{{"picture", value}};
    return json::serialize(body);
  };
  Shopper other = Register();
  for (const std::string& value : {id, std::string("upl_00000000000000000000000000000000"),
                                   id + "|image/png|10|9000x9000", std::string("../../etc/passwd")}) {
    HttpReply r = As(other, "POST", "/api/v1/cart/items", with_picture(value));
    EXPECT_TRUE(r.status == 404 || r.status == 400) << value << ": " << r.body;
    EXPECT_EQ(ErrorField(r), "personalization.picture") << value;
  }
  HttpReply guest = Send("POST", "/api/v1/cart/items", with_picture(id));
  EXPECT_EQ(guest.status, 401) << guest.body;
  EXPECT_EQ(Json(As(other, "GET", "/api/v1/cart")).at("item_count").as_int64(), 0);
  HttpReply added = As(s, "POST", "/api/v1/cart/items", with_picture(id));
  ASSERT_EQ(added.status, 201) << added.body;
  const std::string held(
      Json(added).at("lines").at(0).at("configured").at("personalization").at("picture").as_string());
  EXPECT_EQ(held.rfind(id + "|image/png|", 0), 0u) << held;
  // A picture made for another field or too small for the print is refused.
  HttpReply tiny = As(s, "POST", "/api/v1/uploads?model=candy&field=picture", PngBytes(300, 300),
                      {{"Content-Type", "image/png"}});
  ASSERT_EQ(tiny.status, 201) << tiny.body;
}

}  // namespace
}  // namespace atelier::testing
