// Two replicas on one PostgreSQL: two real `atelier serve` processes (the
// built binary) share a throwaway PostgreSQL 15 started by the test. Orders
// and sessions placed through one are served by the other; stock, catalog
// and model changes reach the other's read snapshots within a second,
// without a restart; 200 concurrent checkouts for the last 10 units spread
// over both sell exactly 10. Skips when PostgreSQL is not installed.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <latch>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "atelier/catalog/catalog_store.h"
#include "atelier/demo/demo_shop.h"
#include "atelier/orders/accounts.h"
#include "atelier/orders/types.h"
#include "atelier/store/database.h"
#include "http_client.h"
#include "shop_api.h"
#include "testing/local_postgres.h"

namespace atelier::testing {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

constexpr char kPassword[] = "correct horse battery";
// How long a change may take to reach the other replica's snapshots.
constexpr auto kPropagation = std::chrono::seconds(1);
// How long the test polls before giving up (a bound for a loaded machine;
// the assertion is against kPropagation).
constexpr auto kPollLimit = std::chrono::seconds(30);

// One `atelier serve` child process.
struct Replica {
  pid_t pid = -1;
  uint16_t port = 0;
  std::string log;  // its stderr

  std::string LogTail() const {
    std::ifstream in(log);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    return text.size() > 4000 ? text.substr(text.size() - 4000) : text;
  }

  void Stop() {
    if (pid <= 0) return;
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    pid = -1;
  }
};

// Starts `atelier serve` and waits for its "running at" line; the error
// carries its log when it exits or stays silent.
Result<Replica> StartReplica(const std::string& name, const std::string& url, const std::string& dir) {
  Replica r;
  r.log = dir + "/" + name + ".log";
  const std::string data_dir = dir + "/" + name;
  std::vector<std::string> argv = {ATELIER_BIN, "serve",           "--port",          "0",      "--store",
                                   url,         "--data-dir",      data_dir,          "--demo", "--threads",
                                   "2",         "--no-access-log", "--no-rate-limits"};
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  int out[2];
  if (pipe(out) != 0) return Error::Unavailable("pipe failed");
  const int err = open(r.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  r.pid = fork();
  if (r.pid == 0) {
    dup2(out[1], 1);
    if (err >= 0) dup2(err, 2);
    close(out[0]);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  if (err >= 0) close(err);
  std::string line;
  const auto deadline = Clock::now() + std::chrono::minutes(5);
  while (line.find('\n') == std::string::npos && Clock::now() < deadline) {
    pollfd p{out[0], POLLIN, 0};
    if (poll(&p, 1, 1000) <= 0) continue;
    char buf[256];
    const ssize_t n = read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<size_t>(n));
  }
  close(out[0]);
  const size_t colon = line.rfind(':');
  if (line.find("Atelier is running at") == std::string::npos || colon == std::string::npos) {
    r.Stop();
    return Error::Unavailable("replica " + name + " did not start:\n" + r.LogTail());
  }
  r.port = static_cast<uint16_t>(std::stoi(line.substr(colon + 1)));
  return r;
}

std::string RunAtelier(const std::string& args) {
  std::string out;
  FILE* p = popen((std::string(ATELIER_BIN) + " " + args + " 2>/dev/null").c_str(), "r");
  if (p == nullptr) return out;
  char buf[1024];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

class ReplicasHttpTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto server = store::testing::LocalPostgres::Shared();
    if (!server.ok()) {
      (server.error().code == ErrorCode::kNotFound ? skip_ : failure_) = server.error().message;
      return;
    }
    auto url = (*server)->CreateDatabase();
    if (!url.ok()) {
      failure_ = url.error().ToString();
      return;
    }
    url_ = *url;
    char tmpl[] = "/tmp/atelier-replicas-XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto db = store::OpenDatabase(url_);
    if (!db.ok()) {
      failure_ = db.error().ToString();
      return;
    }
    db_ = std::move(*db).release();
    // A small demo shop, seeded once; `--demo` on the first replica then
    // finds products (and does not seed them again) but stores the demo
    // product models, which the second then finds too.
    demo::DemoOptions small;
    small.product_count = 300;
    small.user_count = 60;
    small.history_days = 30;
    small.suv_units = 6;
    if (auto seeded = demo::SeedDemoShop(*db_, small); !seeded.ok()) {
      failure_ = seeded.error().ToString();
      return;
    }
    api_key_ = RunAtelier("admin create-key --name replicas --scopes catalog,orders,models,analytics --store " + url_);
    if (api_key_.rfind("atk_", 0) != 0) {
      failure_ = "atelier admin create-key --store printed '" + api_key_ + "'";
      return;
    }
    for (const char* name : {"a", "b"}) {
      auto replica = StartReplica(name, url_, dir_);
      if (!replica.ok()) {
        failure_ = replica.error().message;
        return;
      }
      replicas_.push_back(*replica);
    }
    orders::AccountsOptions cheap;  // libsodium's minimum argon2id cost
    cheap.pwhash_opslimit = 1;
    cheap.pwhash_memlimit = 8192;
    accounts_ = new orders::Accounts(*db_, cheap);
  }

  static void TearDownTestSuite() {
    for (Replica& r : replicas_) r.Stop();
    replicas_.clear();
    delete accounts_;
    accounts_ = nullptr;
    delete db_;
    db_ = nullptr;
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  void SetUp() override {
    if (!skip_.empty()) GTEST_SKIP() << skip_;
    ASSERT_TRUE(failure_.empty()) << failure_;
    for (const Replica& r : replicas_) {
      clients_.push_back(std::make_unique<HttpClient>(r.port));
      ASSERT_TRUE(clients_.back()->Connect());
    }
  }

  void TearDown() override {
    if (HasFailure()) {
      for (const Replica& r : replicas_) std::cerr << "---- replica log tail:\n" << r.LogTail() << "\n";
    }
  }

  HttpReply Send(int replica, const std::string& method, const std::string& target,
                 const std::string& body = {}, Headers headers = {}) {
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    auto reply = clients_[replica]->Send(method, target, body, headers);
    EXPECT_TRUE(reply.has_value()) << method << " " << target << " on replica " << replica;
    return reply.value_or(HttpReply{});
  }

  static Headers As(const Shopper& s, bool write) { return SessionHeaders(s, write ? "POST" : "GET"); }

  // A shopper account with a session, made directly in the store (both
  // replicas must accept its cookie).
  static Shopper NewShopper() {
    static std::atomic<int> n{0};
    const std::string email = "replica-shopper-" + std::to_string(++n) + "@example.com";
    orders::RegisterRequest request;
    request.email = email;
    request.password = kPassword;
    request.region = "us-east";
    auto account = accounts_->Register(request);
    EXPECT_TRUE(account.ok()) << account.error().ToString();
    auto login = accounts_->Login(email, kPassword, "127.0.0.1");
    EXPECT_TRUE(login.ok()) << login.error().ToString();
    return login.ok() ? Shopper{.email = email, .session = login->session_token, .csrf = login->csrf_token}
                      : Shopper{};
  }

  // Standard products with at least 20 units in stock at the start, one
  // per test (`which`), so no test sells another's.
  static std::pair<int64_t, std::string> StockedProduct(int which) {
    static const std::vector<std::pair<int64_t, std::string>> kProducts = [] {
      std::vector<std::pair<int64_t, std::string>> out;
      auto rows = db_->Query(
          "SELECT p.id, p.sku FROM products p JOIN stock_units s ON s.product_id = p.id "
          "WHERE p.model_id IS NULL OR p.model_id = '' GROUP BY p.id, p.sku HAVING SUM(s.quantity) >= 20 "
          "ORDER BY p.id LIMIT 4");
      if (rows.ok()) {
        for (const store::Row& r : *rows) out.emplace_back(r.Int(0), r.Text(1));
      }
      return out;
    }();
    EXPECT_LT(static_cast<size_t>(which), kProducts.size());
    return static_cast<size_t>(which) < kProducts.size() ? kProducts[which]
                                                         : std::pair{int64_t{0}, std::string()};
  }

  static int64_t StoredStock(int64_t product_id) {
    auto rows =
        db_->Query("SELECT COALESCE(SUM(quantity), 0) FROM stock_units WHERE product_id = ?", {product_id});
    EXPECT_TRUE(rows.ok());
    return rows.ok() ? (*rows)[0].Int(0) : -1;
  }

  // Polls `replica` with GET `target` until `done` holds for its JSON body;
  // returns how long that took from `since` (kPollLimit + 1 s when never).
  Clock::duration PollUntil(int replica, const std::string& target, Clock::time_point since,
                            const std::function<bool(const json::value&)>& done) {
    while (Clock::now() - since < kPollLimit) {
      HttpReply r = Send(replica, "GET", target);
      if (r.status == 200) {
        boost::system::error_code ec;
        json::value v = json::parse(r.body, ec);
        if (!ec && done(v)) return Clock::now() - since;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return kPollLimit + std::chrono::seconds(1);
  }

  static int64_t Millis(Clock::duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  }

  // POST /api/v1/admin/stock through `replica` with the catalog key.
  HttpReply SetStock(int replica, const std::string& body) {
    return Send(replica, "POST", "/api/v1/admin/stock", body, {{"Authorization", "Bearer " + api_key_}});
  }

  // Puts `quantity` of `sku` in the shopper's cart through `replica`.
  void AddToCart(int replica, const Shopper& s, const std::string& sku, int quantity) {
    HttpReply r =
        Send(replica, "POST", "/api/v1/cart/items",
             R"({"sku":")" + sku + R"(","quantity":)" + std::to_string(quantity) + "}", As(s, true));
    ASSERT_EQ(r.status, 201) << r.body;
  }

  static inline std::string skip_;
  static inline std::string failure_;
  static inline std::string url_;
  static inline std::string dir_;
  static inline std::string api_key_;
  static inline store::Database* db_ = nullptr;
  static inline orders::Accounts* accounts_ = nullptr;
  static inline std::vector<Replica> replicas_;
  std::vector<std::unique_ptr<HttpClient>> clients_;
};

TEST_F(ReplicasHttpTest, OrderPlacedOnOneIsServedByTheOtherWithTheSameSession) {
  const Shopper s = NewShopper();
  const auto [id, sku] = StockedProduct(0);
  AddToCart(0, s, sku, 1);
  // The cart lives in the store too: the other replica sees it.
  HttpReply cart = Send(1, "GET", "/api/v1/cart", {}, As(s, false));
  ASSERT_EQ(cart.status, 200) << cart.body;
  EXPECT_EQ(Json(cart).at("item_count").as_int64(), 1);

  Headers checkout = As(s, true);
  checkout.emplace_back("Idempotency-Key", "replicas-order-1");
  HttpReply placed = Send(0, "POST", "/api/v1/checkout", "{}", checkout);
  ASSERT_EQ(placed.status, 201) << placed.body;
  const int64_t order_id = Json(placed).at("id").as_int64();

  HttpReply seen = Send(1, "GET", "/api/v1/orders/" + std::to_string(order_id), {}, As(s, false));
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_EQ(Json(seen).at("id").as_int64(), order_id);
  EXPECT_EQ(Json(seen).at("total"), Json(placed).at("total"));
  // The same idempotency key through the other replica replays the same
  // order (as on one replica: the same 201).
  HttpReply again = Send(1, "POST", "/api/v1/checkout", "{}", checkout);
  EXPECT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(Json(again).at("id").as_int64(), order_id);
}

// The dashboard's analytics run their SQL on PostgreSQL too; the sales
// panel's purchase events are every one of the window, at least 1 unit each.
TEST_F(ReplicasHttpTest, DashboardAnalyticsAnswerOnPostgreSQL) {
  const Headers key = {{"Authorization", "Bearer " + api_key_}};
  for (const char* route : {"sales?days=30", "bought-together", "options", "fulfilment", "recommendations"}) {
    HttpReply reply = Send(1, "GET", std::string("/api/v1/admin/analytics/") + route, {}, key);
    EXPECT_EQ(reply.status, 200) << route << ": " << reply.body;
  }
  HttpReply sales = Send(0, "GET", "/api/v1/admin/analytics/sales?days=30", {}, key);
  ASSERT_EQ(sales.status, 200) << sales.body;
  json::value body = Json(sales);
  int64_t shown = 0;
  for (const auto& s : body.at("series").as_array()) {
    if (s.at("source") != "events") continue;
    for (const auto& v : s.at("units").as_array()) shown += v.as_int64();
  }
  auto rows = db_->Query("SELECT ts, quantity FROM events WHERE type = 'purchase'");
  ASSERT_TRUE(rows.ok()) << rows.error().ToString();
  const std::string from(body.at("from").as_string()), to(body.at("to").as_string());
  int64_t expected = 0;
  for (const auto& r : *rows) {
    const std::string day = orders::FormatDay(r.Int(0) / 86400);
    if (day >= from && day <= to) expected += std::max<int64_t>(1, r.Int(1));
  }
  EXPECT_GT(expected, 0);
  EXPECT_EQ(shown, expected);
}

TEST_F(ReplicasHttpTest, StockSoldOnOneReachesTheOtherWithinASecond) {
  const auto [id, sku] = StockedProduct(1);
  const std::string target = "/api/v1/products/" + std::to_string(id);
  const int64_t before = StoredStock(id);
  auto stock_is = [](int64_t n) {
    return [n](const json::value& v) { return v.at("total_stock").as_int64() == n; };
  };
  ASSERT_LT(PollUntil(1, target, Clock::now(), stock_is(before)), kPollLimit)
      << "replica B never showed the stock";

  const Shopper s = NewShopper();
  AddToCart(0, s, sku, 2);
  Headers checkout = As(s, true);
  checkout.emplace_back("Idempotency-Key", "replicas-stock-1");
  HttpReply placed = Send(0, "POST", "/api/v1/checkout", "{}", checkout);
  ASSERT_EQ(placed.status, 201) << placed.body;
  const auto sold = Clock::now();
  ASSERT_EQ(StoredStock(id), before - 2);

  const auto took = PollUntil(1, target, sold, stock_is(before - 2));
  EXPECT_LT(took, kPropagation) << "replica B showed the sale after " << Millis(took) << " ms";
  const auto took_a = PollUntil(0, target, sold, stock_is(before - 2));
  EXPECT_LT(took_a, kPropagation) << "replica A showed its own sale after " << Millis(took_a) << " ms";
}

// A merchant's stock write through one replica reaches the other's product
// pages and stock list within a second; a delta refused on one is refused
// whole (nothing changes on either).
TEST_F(ReplicasHttpTest, StockSetThroughOneReachesTheOtherWithinASecond) {
  const auto [id, sku] = StockedProduct(0);
  auto location = db_->Query(
      "SELECT l.code FROM stock_units s JOIN locations l ON l.id = s.location_id "
      "WHERE s.product_id = ? AND s.configuration = '' ORDER BY s.id LIMIT 1",
      {id});
  ASSERT_TRUE(location.ok() && !location->empty());
  const std::string code = (*location)[0].Text(0);
  const std::string target = "/api/v1/products/" + std::to_string(id);
  const int64_t before = StoredStock(id);
  ASSERT_LT(PollUntil(1, target, Clock::now(), [&](const json::value& v) { return v.at("total_stock") == before; }),
            kPollLimit);

  HttpReply set = SetStock(0, R"({"sku": ")" + sku + R"(", "location": ")" + code + R"(", "delta": 25})");
  ASSERT_EQ(set.status, 200) << set.body;
  const auto written = Clock::now();
  ASSERT_EQ(StoredStock(id), before + 25);
  for (int replica : {1, 0}) {
    const auto took =
        PollUntil(replica, target, written, [&](const json::value& v) { return v.at("total_stock") == before + 25; });
    EXPECT_LT(took, kPropagation) << "replica " << replica << " showed the stock write after " << Millis(took)
                                  << " ms";
  }
  const int64_t there = Json(set).at("quantity").as_int64();
  HttpReply refused =
      SetStock(1, R"({"sku": ")" + sku + R"(", "location": ")" + code + R"(", "delta": )" + std::to_string(-there - 1) + "}");
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(Json(refused).at("error").at("field"), "delta");
  EXPECT_EQ(StoredStock(id), before + 25);
}

// Concurrent deltas through both replicas: every acknowledged one lands,
// none is lost, and the unit never goes below 0.
TEST_F(ReplicasHttpTest, ConcurrentStockDeltasOverBothComposeExactly) {
  const auto [id, sku] = StockedProduct(2);
  auto location = db_->Query(
      "SELECT l.code FROM stock_units s JOIN locations l ON l.id = s.location_id "
      "WHERE s.product_id = ? AND s.configuration = '' ORDER BY s.id LIMIT 1",
      {id});
  ASSERT_TRUE(location.ok() && !location->empty());
  const std::string at = R"("sku": ")" + sku + R"(", "location": ")" + (*location)[0].Text(0) + R"(")";
  HttpReply set = SetStock(0, "{" + at + R"(, "units": 30})");
  ASSERT_EQ(set.status, 200) << set.body;
  const int64_t unit_before = Json(set).at("quantity").as_int64();
  constexpr int kWriters = 40;
  std::vector<int> statuses(kWriters, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      HttpClient client(replicas_[i % 2].port);
      if (!client.Connect()) return;
      auto reply = client.Send("POST", "/api/v1/admin/stock", "{" + at + R"(, "delta": -1})",
                               {{"Authorization", "Bearer " + api_key_}, {"Content-Type", "application/json"}});
      if (reply) statuses[i] = reply->status;
    });
  }
  for (std::thread& t : threads) t.join();
  int taken = 0;
  for (int status : statuses) {
    if (status == 200) {
      ++taken;
    } else {
      EXPECT_EQ(status, 409);
    }
  }
  EXPECT_EQ(taken, unit_before);
  auto rows = db_->Query(
      "SELECT s.quantity FROM stock_units s JOIN locations l ON l.id = s.location_id "
      "WHERE s.product_id = ? AND l.code = ? AND s.configuration = ''",
      {id, (*location)[0].Text(0)});
  ASSERT_TRUE(rows.ok() && !rows->empty());
  EXPECT_EQ((*rows)[0].Int(0), 0);
}

// A catalog write by a third process (as `atelier import` makes) reaches
// both replicas.
TEST_F(ReplicasHttpTest, ProductChangeReachesBothWithinASecond) {
  catalog::CatalogStore store(*db_);
  auto snapshot = store.Load();
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().ToString();
  const auto [id, sku] = StockedProduct(2);
  const catalog::Product* product = (*snapshot)->FindProduct(id);
  ASSERT_NE(product, nullptr);
  catalog::ProductInput input;
  input.product = *product;
  input.product.title = product->title + " (replicated)";
  for (const catalog::Category* c : (*snapshot)->CategoryPath(product->category_id)) {
    input.category_path.push_back(c->name);
  }
  catalog::CatalogBatch batch;
  batch.products.push_back(input);
  ASSERT_TRUE(store.Apply(batch).ok());
  const auto changed = Clock::now();

  const std::string target = "/api/v1/products/" + std::to_string(id);
  auto renamed = [&](const json::value& v) { return v.at("title").as_string() == input.product.title; };
  for (int replica : {1, 0}) {
    const auto took = PollUntil(replica, target, changed, renamed);
    EXPECT_LT(took, kPropagation) << "replica " << replica << " showed the new title after " << Millis(took)
                                  << " ms";
  }
}

// A title edited through replica A is found by its new word in searches on
// replica B within a second: B derives its search index from its live one,
// re-indexing only the edited product, instead of indexing the whole demo
// catalog again (seconds of CPU).
TEST_F(ReplicasHttpTest, TitleEditedOnOneIsSearchableOnTheOtherWithinASecond) {
  // The last standard product: no other test edits or sells it.
  auto rows = db_->Query("SELECT id FROM products WHERE model_id IS NULL OR model_id = '' ORDER BY id DESC LIMIT 1");
  ASSERT_TRUE(rows.ok() && rows->size() == 1u);
  const int64_t id = (*rows)[0].Int(0);
  const std::string title = "Quixotic Pangolin Kettle";
  HttpReply edited = Send(0, "PATCH", "/api/v1/admin/products/" + std::to_string(id),
                          R"({"title": ")" + title + R"(", "price": {"amount": 4242}})",
                          {{"Authorization", "Bearer " + api_key_}});
  ASSERT_EQ(edited.status, 200) << edited.body;
  const auto written = Clock::now();
  auto found = [&](const json::value& v) {
    const json::array& items = v.at("items").as_array();
    return v.at("total") == 1 && items.size() == 1u && items[0].at("id").as_int64() == id &&
           items[0].at("title") == title.c_str() && items[0].at("price").at("amount") == 4242 &&
           items[0].at("highlighted_title") == "Quixotic <mark>Pangolin</mark> Kettle";
  };
  for (int replica : {1, 0}) {
    const auto took = PollUntil(replica, "/api/v1/search?q=pangolin", written, found);
    EXPECT_LT(took, kPropagation) << "replica " << replica << " found the new title after " << Millis(took)
                                  << " ms";
  }
  // The new price filters too.
  for (int replica : {1, 0}) {
    HttpReply r = Send(replica, "GET", "/api/v1/search?q=pangolin&min_price=42.42&max_price=42.42");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(json::parse(r.body).at("total"), 1) << r.body;
  }
}

TEST_F(ReplicasHttpTest, ModelUploadedOnOneIsServedByTheOtherWithinASecond) {
  auto rows = db_->Query(
      "SELECT source, version FROM product_models WHERE model_id = 'tablet' ORDER BY version DESC LIMIT 1");
  ASSERT_TRUE(rows.ok() && !rows->empty()) << "the first replica's --demo stores the demo models";
  std::string source = (*rows)[0].Text(0);
  const int64_t version = (*rows)[0].Int(1);
  const std::string line = "version: " + std::to_string(version);
  const size_t at = source.find(line);
  ASSERT_NE(at, std::string::npos) << source.substr(0, 300);
  source.replace(at, line.size(), "version: " + std::to_string(version + 1));

  json::object body;
  body["yaml"] = source;
  HttpReply stored = Send(0, "POST", "/api/v1/admin/models", json::serialize(body),
                          {{"Authorization", "Bearer " + api_key_}});
  ASSERT_EQ(stored.status, 201) << stored.body;
  const auto uploaded = Clock::now();

  auto newest = [&](const json::value& v) {
    for (const json::value& item : v.at("items").as_array()) {
      if (item.at("id").as_string() == "tablet") return item.at("version").as_int64() == version + 1;
    }
    return false;
  };
  const auto took = PollUntil(1, "/api/v1/models", uploaded, newest);
  EXPECT_LT(took, kPropagation) << "replica B served the new model version after " << Millis(took) << " ms";
}

// 200 shoppers, half on each replica, check out the last 10 units of one
// product at once: exactly 10 orders, the stock ends at 0, and every other
// shopper gets a clean 409 naming the item (no 5xx, no overselling).
TEST_F(ReplicasHttpTest, ConcurrentCheckoutsOverBothSellTheLastTenUnitsExactlyOnce) {
  constexpr int kShoppers = 200;
  constexpr int kUnits = 10;
  const auto [id, sku] = StockedProduct(3);
  auto locations = db_->Query(
      "SELECT l.code FROM stock_units s JOIN locations l ON l.id = s.location_id "
      "WHERE s.product_id = ? AND s.configuration = '' ORDER BY s.id",
      {id});
  ASSERT_TRUE(locations.ok() && !locations->empty());
  for (size_t i = 0; i < locations->size(); ++i) {
    HttpReply set = SetStock(0, R"({"sku": ")" + sku + R"(", "location": ")" + (*locations)[i].Text(0) +
                                    R"(", "units": )" + std::to_string(i == 0 ? kUnits : 0) + "}");
    ASSERT_EQ(set.status, 200) << set.body;
  }
  ASSERT_EQ(StoredStock(id), kUnits);

  std::vector<Shopper> shoppers;
  for (int i = 0; i < kShoppers; ++i) {
    shoppers.push_back(NewShopper());
    AddToCart(i % 2, shoppers.back(), sku, 1);
  }

  std::vector<int> statuses(kShoppers, 0);
  std::vector<std::string> bodies(kShoppers);
  std::latch ready(kShoppers + 1);
  std::vector<std::thread> threads;
  for (int i = 0; i < kShoppers; ++i) {
    threads.emplace_back([&, i] {
      HttpClient client(replicas_[i % 2].port);
      const bool connected = client.Connect();
      ready.arrive_and_wait();
      if (!connected) return;
      Headers h = As(shoppers[i], true);
      h.emplace_back("Idempotency-Key", "last-ten-" + std::to_string(i));
      h.emplace_back("Content-Type", "application/json");
      auto reply = client.Send("POST", "/api/v1/checkout", "{}", h);
      if (reply) {
        statuses[i] = reply->status;
        bodies[i] = reply->body;
      }
    });
  }
  ready.arrive_and_wait();
  for (std::thread& t : threads) t.join();

  int placed = 0;
  int sold_out = 0;
  for (int i = 0; i < kShoppers; ++i) {
    if (statuses[i] == 201) {
      ++placed;
    } else if (statuses[i] == 409) {
      ++sold_out;
      boost::system::error_code ec;
      json::value v = json::parse(bodies[i], ec);
      EXPECT_FALSE(ec) << bodies[i];
      if (!ec) {
        EXPECT_EQ(v.at("out_of_stock_items").as_array().size(), 1u) << bodies[i];
      }
    } else {
      ADD_FAILURE() << "shopper " << i << " on replica " << i % 2 << ": " << statuses[i] << " " << bodies[i];
    }
  }
  EXPECT_EQ(placed, kUnits);
  EXPECT_EQ(sold_out, kShoppers - kUnits);
  EXPECT_EQ(StoredStock(id), 0);
  auto orders = db_->Query(
      "SELECT COUNT(DISTINCT o.id), COALESCE(SUM(ol.quantity), 0) FROM orders o "
      "JOIN order_lines ol ON ol.order_id = o.id WHERE ol.sku = ? AND o.status <> 'cancelled'",
      {sku});
  ASSERT_TRUE(orders.ok());
  EXPECT_EQ((*orders)[0].Int(0), kUnits);
  EXPECT_EQ((*orders)[0].Int(1), kUnits);
  // And both replicas' snapshots come to show it sold out.
  const std::string target = "/api/v1/products/" + std::to_string(id);
  for (int replica : {0, 1}) {
    EXPECT_LT(PollUntil(replica, target, Clock::now(),
                        [](const json::value& v) { return v.at("total_stock").as_int64() == 0; }),
              kPollLimit);
  }
}

}  // namespace
}  // namespace atelier::testing
