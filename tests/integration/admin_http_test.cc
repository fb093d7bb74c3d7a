// The merchant dashboard's API over real HTTP (admin_routes.h): every route
// refuses a request without a key (401) and a key without its scope (403),
// and answers plausible content with the right one; model validation reports
// parse errors with their line and counts a valid model; stock and product
// edits reach the shop's read snapshots through the store's change feed.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "atelier/orders/accounts.h"
#include "atelier/orders/types.h"
#include "atelier/server/services.h"
#include "http_client.h"
#include "shop_api.h"
#include "test_shop.h"

namespace atelier::testing {
namespace {

namespace json = boost::json;
using orders::ApiScope;

struct AdminRoute {
  std::string method;
  std::string target;
  ApiScope scope;
};

const std::vector<AdminRoute>& Routes() {
  static const std::vector<AdminRoute> kRoutes = {
      {"GET", "/api/v1/admin/locations", ApiScope::kCatalog},
      {"GET", "/api/v1/admin/stock", ApiScope::kCatalog},
      {"POST", "/api/v1/admin/stock", ApiScope::kCatalog},
      {"PATCH", "/api/v1/admin/products/1", ApiScope::kCatalog},
      {"POST", "/api/v1/admin/models/validate", ApiScope::kModels},
      {"POST", "/api/v1/admin/models", ApiScope::kModels},
      {"POST", "/api/v1/admin/recommender/reload", ApiScope::kModels},
      {"GET", "/api/v1/admin/plants", ApiScope::kOrders},
      {"GET", "/api/v1/admin/plants/detroit/calendar", ApiScope::kOrders},
      {"POST", "/api/v1/admin/plants/detroit/closures", ApiScope::kOrders},
      {"POST", "/api/v1/admin/plants/detroit/capacity", ApiScope::kOrders},
      {"GET", "/api/v1/admin/analytics/sales", ApiScope::kAnalytics},
      {"GET", "/api/v1/admin/analytics/bought-together", ApiScope::kAnalytics},
      {"GET", "/api/v1/admin/analytics/options?model=suv", ApiScope::kAnalytics},
      {"GET", "/api/v1/admin/analytics/fulfilment", ApiScope::kAnalytics},
      {"GET", "/api/v1/admin/analytics/recommendations", ApiScope::kAnalytics},
  };
  return kRoutes;
}

constexpr char kValidModel[] = R"(model: mug
name: Printed mug
version: 2
base_price: 12
options:
  - id: size
    values: [small, large]
  - id: colour
    values: [white, black, red]
  - id: handle
    type: bool
rules:
  - id: red-large
    rule: colour = red requires size = large
)";

// Line 7 holds an unterminated flow sequence.
constexpr char kBrokenModel[] = R"(model: mug
name: Printed mug
options:
  - id: size
    values: [small, large]
  - id: colour
    values: [white, black
)";

using Clock = std::chrono::steady_clock;
// How long a write may take to reach the shop's read snapshots.
constexpr auto kPropagation = std::chrono::seconds(1);
// How long a poll waits before giving up (a bound for a loaded machine; the
// assertions are against kPropagation or say why they allow more).
constexpr auto kPollLimit = std::chrono::seconds(30);

class AdminHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    shop_ = TestShop::Get();
    ASSERT_NE(shop_, nullptr);
    // As `atelier serve` does: the shop's snapshots follow the store.
    if (!follower_) {
      auto follower = server::FollowStoreChanges(shop_->services(), server::SnapshotOptions{});
      ASSERT_TRUE(follower.ok()) << follower.error().ToString();
      follower_ = std::move(*follower);
    }
    client_ = std::make_unique<HttpClient>(shop_->port());
    ASSERT_TRUE(client_->Connect());
  }

  static void TearDownTestSuite() { follower_.reset(); }

  // Polls GET `target` until `done` holds for its JSON body; how long that
  // took from `since` (kPollLimit + 1 s when never).
  Clock::duration PollUntil(const std::string& target, Clock::time_point since,
                            const std::function<bool(const json::value&)>& done) {
    while (Clock::now() - since < kPollLimit) {
      HttpReply r = Send("GET", target);
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

  // A standard product with stock at some location: (product, location code).
  std::pair<const catalog::Product*, std::string> StockedProduct(size_t skip = 0) {
    auto catalog = shop_->services().catalog.Get();
    for (const catalog::Product& p : catalog->products()) {
      if (!p.model_id.empty() || catalog->StockOf(p.id).empty()) continue;
      const catalog::StockUnit* unit = catalog->StockOf(p.id).front();
      if (!unit->configuration.empty()) continue;
      if (skip-- > 0) continue;
      snapshot_ = catalog;
      return {&p, catalog->FindLocation(unit->location_id)->code};
    }
    ADD_FAILURE() << "the test shop has no stocked product";
    return {nullptr, ""};
  }

  HttpReply PostStock(const std::string& body, ApiScope scope = ApiScope::kCatalog) {
    Headers headers = Bearer(scope);
    headers.emplace_back("Content-Type", "application/json");
    return Send("POST", "/api/v1/admin/stock", body, headers);
  }

  HttpReply PatchProduct(int64_t id, const std::string& body) {
    Headers headers = Bearer(ApiScope::kCatalog);
    headers.emplace_back("Content-Type", "application/json");
    return Send("PATCH", "/api/v1/admin/products/" + std::to_string(id), body, headers);
  }

  // The quantity a product page shows at `code` (-1 when none).
  static int64_t PageUnitsAt(const json::value& page, const std::string& code) {
    for (const json::value& s : page.at("stock").as_array()) {
      if (s.at("location").at("code").as_string() == code && s.at("configuration").is_null()) {
        return s.at("quantity").as_int64();
      }
    }
    return -1;
  }

  static inline std::unique_ptr<store::Subscription> follower_;
  std::shared_ptr<const catalog::CatalogSnapshot> snapshot_;  // keeps StockedProduct's answer alive

  HttpReply Send(const std::string& method, const std::string& target, const std::string& body = {},
                 Headers headers = {}) {
    auto reply = client_->Send(method, target, body, headers);
    EXPECT_TRUE(reply.has_value()) << method << " " << target;
    return reply.value_or(HttpReply{});
  }

  std::string Key(std::vector<ApiScope> scopes) {
    auto key = shop_->services().accounts->CreateApiKey("admin-test", scopes);
    EXPECT_TRUE(key.ok());
    return key.ok() ? key->key : std::string();
  }

  Headers Bearer(ApiScope scope) { return {{"Authorization", "Bearer " + Key({scope})}}; }

  HttpReply Validate(const std::string& yaml, ApiScope scope = ApiScope::kModels) {
    Headers headers = Bearer(scope);
    headers.emplace_back("Content-Type", "text/yaml");
    return Send("POST", "/api/v1/admin/models/validate", yaml, headers);
  }

  TestShop* shop_ = nullptr;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(AdminHttpTest, EveryRouteRefusesARequestWithoutAKey) {
  for (const AdminRoute& r : Routes()) {
    HttpReply reply = Send(r.method, r.target);
    EXPECT_EQ(reply.status, 401) << r.method << " " << r.target << ": " << reply.body;
    EXPECT_EQ(Json(reply).at("error").at("code"), "unauthorized") << r.target;
    EXPECT_EQ(Send(r.method, r.target, {}, {{"Authorization", "Bearer atk_nobody"}}).status, 401) << r.target;
  }
}

TEST_F(AdminHttpTest, EveryRouteRefusesAKeyWithoutItsScope) {
  for (const AdminRoute& r : Routes()) {
    const ApiScope other = r.scope == ApiScope::kOrders ? ApiScope::kCatalog : ApiScope::kOrders;
    HttpReply reply = Send(r.method, r.target, {}, Bearer(other));
    EXPECT_EQ(reply.status, 403) << r.method << " " << r.target << ": " << reply.body;
    EXPECT_EQ(Json(reply).at("error").at("code"), "forbidden") << r.target;
  }
}

TEST_F(AdminHttpTest, ListsPlantsWithTheirLinesAndCapacity) {
  HttpReply reply = Send("GET", "/api/v1/admin/plants", {}, Bearer(ApiScope::kOrders));
  ASSERT_EQ(reply.status, 200) << reply.body;
  const json::value body = Json(reply);
  const json::array& plants = body.at("plants").as_array();
  EXPECT_EQ(plants.size(), 6u);  // the demo models' plants
  bool detroit_builds_suvs = false;
  for (const json::value& p : plants) {
    EXPECT_EQ(p.at("type"), "plant");
    for (const json::value& line : p.at("lines").as_array()) {
      if (p.at("code") == "detroit" && line.at("product_line") == "suv") {
        detroit_builds_suvs = line.at("units_per_day").as_int64() > 0;
      }
    }
  }
  EXPECT_TRUE(detroit_builds_suvs) << reply.body;
}

TEST_F(AdminHttpTest, PlantCalendarShowsBookingsClosuresAndCapacityChanges) {
  const Headers key = Bearer(ApiScope::kOrders);
  // A day far ahead that no other test books.
  HttpReply before = Send("GET", "/api/v1/admin/plants/leipzig/calendar?from=2030-03-01&days=3", {}, key);
  ASSERT_EQ(before.status, 200) << before.body;
  json::value cal = Json(before);
  EXPECT_EQ(cal.at("plant"), "leipzig");
  EXPECT_EQ(cal.at("from"), "2030-03-01");
  ASSERT_EQ(cal.at("days").as_array().size(), 3u);
  EXPECT_EQ(cal.at("days").at(1).at("date"), "2030-03-02");
  EXPECT_FALSE(cal.at("days").at(1).at("closed").as_bool());
  EXPECT_FALSE(cal.at("days").at(1).at("lines").as_array().empty());

  Headers json_key = key;
  json_key.emplace_back("Content-Type", "application/json");
  HttpReply closed = Send("POST", "/api/v1/admin/plants/leipzig/closures",
                          R"({"date":"2030-03-02","closed":true})", json_key);
  ASSERT_EQ(closed.status, 200) << closed.body;
  HttpReply capacity = Send("POST", "/api/v1/admin/plants/leipzig/capacity",
                            R"({"product_line":"calendar-test","units_per_day":7})", json_key);
  ASSERT_EQ(capacity.status, 200) << capacity.body;

  cal = Json(Send("GET", "/api/v1/admin/plants/leipzig/calendar?from=2030-03-01&days=3", {}, key));
  EXPECT_TRUE(cal.at("days").at(1).at("closed").as_bool());
  bool saw_new_line = false;
  for (const json::value& line : cal.at("days").at(0).at("lines").as_array()) {
    if (line.at("product_line") == "calendar-test") {
      saw_new_line = true;
      EXPECT_EQ(line.at("capacity").as_int64(), 7);
      EXPECT_EQ(line.at("booked").as_int64(), 0);
    }
  }
  EXPECT_TRUE(saw_new_line);
  for (const json::value& line : cal.at("days").at(1).at("lines").as_array()) {
    EXPECT_EQ(line.at("capacity").as_int64(), 0) << "a closed day builds nothing";
  }
  // Reopen so the shared shop stays as it was.
  EXPECT_EQ(Send("POST", "/api/v1/admin/plants/leipzig/closures", R"({"date":"2030-03-02","closed":false})",
                 json_key).status,
            200);
}

TEST_F(AdminHttpTest, PlantRoutesNameTheFieldAtFault) {
  const Headers key = Bearer(ApiScope::kOrders);
  Headers json_key = key;
  json_key.emplace_back("Content-Type", "application/json");
  auto field_of = [this](const HttpReply& r) { return Json(r).at("error").at("field"); };
  HttpReply r = Send("GET", "/api/v1/admin/plants/leipzig/calendar?from=2030-13-01", {}, key);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(field_of(r), "from");
  r = Send("GET", "/api/v1/admin/plants/leipzig/calendar?days=0", {}, key);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(field_of(r), "days");
  r = Send("GET", "/api/v1/admin/plants/berlin-dc/calendar", {}, key);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(field_of(r), "plant");
  r = Send("POST", "/api/v1/admin/plants/leipzig/closures", R"({"date":"soon","closed":true})", json_key);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(field_of(r), "date");
  r = Send("POST", "/api/v1/admin/plants/leipzig/closures", R"({"date":"2030-03-02","closed":"yes"})", json_key);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(field_of(r), "closed");
  r = Send("POST", "/api/v1/admin/plants/leipzig/capacity", R"({"product_line":"suv","units_per_day":-1})",
           json_key);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(field_of(r), "units_per_day");
  r = Send("POST", "/api/v1/admin/plants/leipzig/capacity", R"({"units_per_day":3})", json_key);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(field_of(r), "product_line");
}

TEST_F(AdminHttpTest, ListsLocationsWithTheirUnits) {
  HttpReply reply = Send("GET", "/api/v1/admin/locations", {}, Bearer(ApiScope::kCatalog));
  ASSERT_EQ(reply.status, 200) << reply.body;
  const json::value body = Json(reply);
  const json::array& locations = body.at("locations").as_array();
  ASSERT_FALSE(locations.empty());
  int64_t units = 0;
  for (const auto& l : locations) units += l.at("units").as_int64();
  EXPECT_GT(units, 0);
}

TEST_F(AdminHttpTest, ListsStockOfOneLocationWithProductTitles) {
  const Headers key = Bearer(ApiScope::kCatalog);
  json::value locations = Json(Send("GET", "/api/v1/admin/locations", {}, key));
  std::string code;
  for (const auto& l : locations.at("locations").as_array()) {
    if (l.at("units").as_int64() > 0) code = std::string(l.at("code").as_string());
  }
  ASSERT_FALSE(code.empty());
  HttpReply reply = Send("GET", "/api/v1/admin/stock?location=" + code + "&per_page=10", {}, key);
  ASSERT_EQ(reply.status, 200) << reply.body;
  json::value body = Json(reply);
  EXPECT_GT(body.at("total").as_int64(), 0);
  ASSERT_FALSE(body.at("items").as_array().empty());
  for (const auto& item : body.at("items").as_array()) {
    EXPECT_EQ(item.at("location"), code.c_str());
    EXPECT_FALSE(item.at("product").at("title").as_string().empty());
  }
  HttpReply unknown = Send("GET", "/api/v1/admin/stock?location=NOWHERE", {}, key);
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(Json(unknown).at("error").at("field"), "location");
}

// A published model is stored as a new version and served at once; the same
// text again changes nothing; another text under a stored version is a
// conflict; a broken text is refused with its position and stores nothing.
TEST_F(AdminHttpTest, PublishingAModelStoresItAndServesItWithoutARestart) {
  std::string yaml = kValidModel;
  yaml.replace(yaml.find("model: mug"), 10, "model: admin-test-mug");
  Headers headers = Bearer(ApiScope::kModels);
  headers.emplace_back("Content-Type", "text/yaml");
  HttpReply created = Send("POST", "/api/v1/admin/models", yaml, headers);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(Json(created).at("version"), 2);
  HttpReply shown = Send("GET", "/api/v1/models/admin-test-mug");
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(Json(shown).at("version"), 2);
  HttpReply configured = Send("POST", "/api/v1/models/admin-test-mug/configure", R"({"selections": {"colour": "red"}})",
                              {{"Content-Type", "application/json"}});
  ASSERT_EQ(configured.status, 200) << configured.body;

  HttpReply again = Send("POST", "/api/v1/admin/models", yaml, headers);
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_FALSE(Json(again).at("created").as_bool());

  std::string changed = yaml;
  changed.replace(changed.find("base_price: 12"), 14, "base_price: 15");
  HttpReply conflict = Send("POST", "/api/v1/admin/models", changed, headers);
  EXPECT_EQ(conflict.status, 409) << conflict.body;
  EXPECT_EQ(Json(conflict).at("error").at("field"), "version");

  std::string broken = kBrokenModel;
  broken.replace(broken.find("model: mug"), 10, "model: admin-test-broken");
  HttpReply refused = Send("POST", "/api/v1/admin/models", broken, headers);
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(Send("GET", "/api/v1/models/admin-test-broken").status, 404);
  // The stored version still prices as first published.
  json::value model = Json(Send("GET", "/api/v1/models/admin-test-mug"));
  EXPECT_EQ(model.at("base_price").at("amount"), 1200) << model;
}

TEST_F(AdminHttpTest, ValidatingABrokenModelReportsItsLine) {
  HttpReply reply = Validate(kBrokenModel);
  ASSERT_EQ(reply.status, 200) << reply.body;
  json::value body = Json(reply);
  EXPECT_FALSE(body.at("ok").as_bool());
  const json::array& errors = body.at("errors").as_array();
  ASSERT_EQ(errors.size(), 1u) << reply.body;
  EXPECT_TRUE(errors[0].at("line").is_int64()) << reply.body;
  EXPECT_GE(errors[0].at("line").as_int64(), 7) << reply.body;
  EXPECT_FALSE(errors[0].at("message").as_string().empty());
}

TEST_F(AdminHttpTest, ValidatingAModelWithAnUnknownOptionReportsTheRuleLine) {
  std::string yaml = kValidModel;
  yaml.replace(yaml.find("colour = red"), 12, "color = red");
  json::value body = Json(Validate(yaml));
  EXPECT_FALSE(body.at("ok").as_bool());
  ASSERT_FALSE(body.at("errors").as_array().empty());
  const int64_t line = body.at("errors").at(0).at("line").as_int64();
  EXPECT_TRUE(line == 13 || line == 14) << body;
}

TEST_F(AdminHttpTest, ValidatingAValidModelCountsItsConfigurations) {
  HttpReply reply = Validate(kValidModel);
  ASSERT_EQ(reply.status, 200) << reply.body;
  json::value body = Json(reply);
  EXPECT_TRUE(body.at("ok").as_bool()) << reply.body;
  // 2 sizes x 3 colours x 2 handles, less red and small (x2 handles).
  EXPECT_EQ(body.at("count"), "10");
  EXPECT_EQ(body.at("engine"), "bdd");
  EXPECT_EQ(body.at("model").at("id"), "mug");
  EXPECT_EQ(body.at("model").at("option_count"), 3);
  // The same as JSON.
  Headers headers = Bearer(ApiScope::kModels);
  headers.emplace_back("Content-Type", "application/json");
  json::object wrapped{{"yaml", kValidModel}};
  json::value again = Json(Send("POST", "/api/v1/admin/models/validate", json::serialize(wrapped), headers));
  EXPECT_EQ(again.at("count"), "10");
}

TEST_F(AdminHttpTest, ValidatingAModelWithoutConfigurationsNamesTheRules) {
  std::string yaml = std::string(kValidModel) +
                     "  - id: no-red\n    rule: not colour = red\n"
                     "  - id: only-red\n    rule: colour = red\n";
  json::value body = Json(Validate(yaml));
  EXPECT_FALSE(body.at("ok").as_bool()) << body;
  ASSERT_FALSE(body.at("errors").as_array().empty());
  EXPECT_TRUE(body.at("errors").at(0).at("line").is_int64()) << body;
}

TEST_F(AdminHttpTest, ReloadsTheNewestRecommenderArtifact) {
  const std::string dir = shop_->directory() + "/admin-models";
  std::filesystem::create_directories(dir);
  shop_->services().recommender_dir = dir;
  EXPECT_EQ(Send("POST", "/api/v1/admin/recommender/reload", {}, Bearer(ApiScope::kModels)).status, 404);
  auto saved = server::TrainAndPublishRecommender(shop_->services(), dir);
  ASSERT_TRUE(saved.ok()) << saved.error().ToString();
  HttpReply reply = Send("POST", "/api/v1/admin/recommender/reload", {}, Bearer(ApiScope::kModels));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(Json(reply).at("loaded"), saved->c_str());
}

TEST_F(AdminHttpTest, SalesBreakDownByCategoryAndSource) {
  HttpReply reply = Send("GET", "/api/v1/admin/analytics/sales?days=30", {}, Bearer(ApiScope::kAnalytics));
  ASSERT_EQ(reply.status, 200) << reply.body;
  json::value body = Json(reply);
  EXPECT_EQ(body.at("dates").as_array().size(), 30u);
  const json::array& series = body.at("series").as_array();
  ASSERT_FALSE(series.empty());
  int64_t revenue = 0;
  for (const auto& s : series) {
    EXPECT_EQ(s.at("revenue").as_array().size(), 30u);
    for (const auto& v : s.at("revenue").as_array()) revenue += v.as_int64();
  }
  EXPECT_GT(revenue, 0);
  EXPECT_EQ(body.at("sources").as_array().size(), 2u);
  EXPECT_EQ(Send("GET", "/api/v1/admin/analytics/sales?days=0", {}, Bearer(ApiScope::kAnalytics)).status,
            400);
}

// The events source's units are every purchase event of the window (at
// least 1 each), counted here row by row; the window ends on the day of the
// latest sale.
TEST_F(AdminHttpTest, SalesFromEventsCountEveryPurchaseOfTheWindow) {
  HttpReply reply = Send("GET", "/api/v1/admin/analytics/sales?days=45", {}, Bearer(ApiScope::kAnalytics));
  ASSERT_EQ(reply.status, 200) << reply.body;
  json::value body = Json(reply);
  const std::string from(body.at("from").as_string()), to(body.at("to").as_string());
  int64_t shown = 0;
  for (const auto& s : body.at("series").as_array()) {
    if (s.at("source") != "events") continue;
    for (const auto& v : s.at("units").as_array()) shown += v.as_int64();
  }
  auto rows = shop_->services().db->Query("SELECT ts, quantity FROM events WHERE type = 'purchase'");
  ASSERT_TRUE(rows.ok()) << rows.error().ToString();
  int64_t expected = 0;
  std::string latest;
  for (const auto& r : *rows) {
    const std::string day = orders::FormatDay(r.Int(0) / 86400);
    latest = std::max(latest, day);
    if (day >= from && day <= to) expected += std::max<int64_t>(1, r.Int(1));
  }
  ASSERT_GT(expected, 0);
  EXPECT_EQ(shown, expected);
  EXPECT_GE(to, latest);
  EXPECT_EQ(body.at("dates").as_array().size(), 45u);
}

TEST_F(AdminHttpTest, TopBoughtTogetherPairsComeFromBaskets) {
  HttpReply reply =
      Send("GET", "/api/v1/admin/analytics/bought-together?limit=5", {}, Bearer(ApiScope::kAnalytics));
  ASSERT_EQ(reply.status, 200) << reply.body;
  json::value body = Json(reply);
  const json::array& pairs = body.at("pairs").as_array();
  ASSERT_FALSE(pairs.empty());
  EXPECT_LE(pairs.size(), 5u);
  EXPECT_GE(pairs[0].at("baskets").as_int64(), pairs.back().at("baskets").as_int64());
  EXPECT_NE(pairs[0].at("a").at("id"), pairs[0].at("b").at("id"));
}

TEST_F(AdminHttpTest, OptionPopularityCountsConfiguredStock) {
  const Headers key = Bearer(ApiScope::kAnalytics);
  HttpReply reply = Send("GET", "/api/v1/admin/analytics/options?model=suv", {}, key);
  ASSERT_EQ(reply.status, 200) << reply.body;
  json::value body = Json(reply);
  EXPECT_EQ(body.at("model").at("id"), "suv");
  EXPECT_GT(body.at("stock_units").as_int64(), 0);
  int64_t in_stock = 0;
  for (const auto& v : body.at("options").at(0).at("values").as_array())
    in_stock += v.at("in_stock").as_int64();
  EXPECT_GT(in_stock, 0);
  EXPECT_EQ(Send("GET", "/api/v1/admin/analytics/options?model=spaceship", {}, key).status, 404);
}

TEST_F(AdminHttpTest, FulfilmentAndRecommendationStatsSayWhatTheyMeasure) {
  const Headers key = Bearer(ApiScope::kAnalytics);
  HttpReply fulfilment = Send("GET", "/api/v1/admin/analytics/fulfilment", {}, key);
  ASSERT_EQ(fulfilment.status, 200) << fulfilment.body;
  EXPECT_TRUE(Json(fulfilment).at("by_fulfilment").as_object().contains("build_to_order"));
  HttpReply recs = Send("GET", "/api/v1/admin/analytics/recommendations", {}, key);
  ASSERT_EQ(recs.status, 200) << recs.body;
  json::value body = Json(recs);
  EXPECT_FALSE(body.at("impressions_measured").as_bool());
  EXPECT_GT(body.at("events").at("purchase").at("events").as_int64(), 0);
}

// Setting units, then moving them by a delta: each answer is the stored
// unit, and the product page follows within a second.
TEST_F(AdminHttpTest, StockWritesReachTheProductPageWithinASecond) {
  auto [product, code] = StockedProduct();
  ASSERT_NE(product, nullptr);
  const std::string sku = product->sku;
  const std::string page = "/api/v1/products/" + std::to_string(product->id);

  HttpReply set = PostStock(R"({"sku": ")" + sku + R"(", "location": ")" + code + R"(", "units": 37})");
  ASSERT_EQ(set.status, 200) << set.body;
  const auto written = Clock::now();
  json::value row = Json(set);
  EXPECT_EQ(row.at("quantity"), 37);
  EXPECT_EQ(row.at("location"), code.c_str());
  EXPECT_EQ(row.at("product").at("sku"), sku.c_str());
  EXPECT_GT(row.at("stock_unit_id").as_int64(), 0);
  auto took = PollUntil(page, written, [&](const json::value& v) { return PageUnitsAt(v, code) == 37; });
  EXPECT_LT(took, kPropagation) << "the product page showed 37 units after " << Millis(took) << " ms";

  HttpReply moved = PostStock(R"({"product_id": )" + std::to_string(product->id) + R"(, "location": ")" + code +
                              R"(", "delta": -5})");
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(Json(moved).at("quantity"), 32);
  const auto moved_at = Clock::now();
  took = PollUntil(page, moved_at, [&](const json::value& v) { return PageUnitsAt(v, code) == 32; });
  EXPECT_LT(took, kPropagation) << "the product page showed 32 units after " << Millis(took) << " ms";
  // The dashboard's stock list shows it too (from the same snapshot).
  HttpReply listed = Send("GET", "/api/v1/admin/stock?q=" + sku + "&location=" + code, {}, Bearer(ApiScope::kCatalog));
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_FALSE(Json(listed).at("items").as_array().empty());
  EXPECT_EQ(Json(listed).at("items").at(0).at("quantity"), 32);

  // By the unit's id, as the dashboard's list names it.
  HttpReply by_id = PostStock(R"({"stock_unit_id": )" + std::to_string(row.at("stock_unit_id").as_int64()) +
                              R"(, "units": 40})");
  ASSERT_EQ(by_id.status, 200) << by_id.body;
  EXPECT_EQ(Json(by_id).at("quantity"), 40);
}

// A delta that would leave fewer than 0 units is refused whole, and so is
// every malformed write: each names its field and nothing stored changes.
TEST_F(AdminHttpTest, StockWritesNameTheFieldAtFaultAndChangeNothing) {
  auto [product, code] = StockedProduct(1);
  ASSERT_NE(product, nullptr);
  const std::string sku = product->sku;
  const std::string at = R"("sku": ")" + sku + R"(", "location": ")" + code + R"(")";
  HttpReply set = PostStock("{" + at + R"(, "units": 4})");
  ASSERT_EQ(set.status, 200) << set.body;

  struct Case {
    std::string body;
    int status;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"{" + at + R"(, "delta": -5})", 409, "delta"},
      {"{" + at + R"(, "units": -1})", 400, "units"},
      {"{" + at + R"(, "units": 2.5})", 400, "units"},
      {"{" + at + R"(, "units": "3"})", 400, "units"},
      {"{" + at + R"(, "units": 99999999999})", 400, "units"},
      {"{" + at + "}", 400, "units"},
      {"{" + at + R"(, "delta": 1.5})", 400, "delta"},
      {R"({"sku": "NO-SUCH-SKU", "location": ")" + code + R"(", "units": 1})", 404, "sku"},
      {R"({"product_id": 99999999, "location": ")" + code + R"(", "units": 1})", 404, "product_id"},
      {R"({"sku": ")" + sku + R"(", "location": "NOWHERE", "units": 1})", 404, "location"},
      {R"({"sku": ")" + sku + R"(", "units": 1})", 400, "location"},
      {R"({"location": ")" + code + R"(", "units": 1})", 400, "sku"},
      {R"({"stock_unit_id": 99999999, "units": 1})", 404, "stock_unit_id"},
      {R"({"stock_unit_id": -2, "units": 1})", 400, "stock_unit_id"},
      {"[1, 2]", 400, "body"},
      {"{" + at + R"(, "units": 1)", 400, "body"},
  };
  for (const Case& c : cases) {
    HttpReply reply = PostStock(c.body);
    EXPECT_EQ(reply.status, c.status) << c.body << " -> " << reply.body;
    const json::value body = Json(reply);
    EXPECT_EQ(body.at("error").at("field"), c.field.c_str()) << c.body << " -> " << reply.body;
    EXPECT_FALSE(body.at("error").at("message").as_string().empty());
  }
  auto rows = shop_->services().db->Query(
      "SELECT s.quantity FROM stock_units s JOIN products p ON p.id = s.product_id "
      "JOIN locations l ON l.id = s.location_id WHERE p.sku = ? AND l.code = ? AND s.configuration = ''",
      {sku, code});
  ASSERT_TRUE(rows.ok() && rows->size() == 1u);
  EXPECT_EQ((*rows)[0].Int(0), 4);
}

// A product edit reaches its page within a second and its search results
// once the search index is rebuilt.
TEST_F(AdminHttpTest, ProductEditsReachThePageAndSearch) {
  auto [product, code] = StockedProduct(2);
  ASSERT_NE(product, nullptr);
  const int64_t id = product->id;
  const std::string page = "/api/v1/products/" + std::to_string(id);
  HttpReply edited = PatchProduct(
      id, R"({"title": "Zanzibarian Quokka Lamp", "description": "Warm light.", "price": {"amount": 4321}})");
  ASSERT_EQ(edited.status, 200) << edited.body;
  const auto written = Clock::now();
  json::value body = Json(edited);
  EXPECT_EQ(body.at("title"), "Zanzibarian Quokka Lamp");
  EXPECT_EQ(body.at("price").at("amount"), 4321);
  EXPECT_EQ(body.at("price").at("currency"), product->price.currency.c_str());
  auto took = PollUntil(page, written, [](const json::value& v) {
    return v.at("title") == "Zanzibarian Quokka Lamp" && v.at("price").at("amount") == 4321 &&
           v.at("description") == "Warm light.";
  });
  EXPECT_LT(took, kPropagation) << "the product page showed the edit after " << Millis(took) << " ms";
  // The search index is rebuilt from the new catalog (seconds on a large
  // catalog; bounded here by the poll limit).
  took = PollUntil("/api/v1/search?q=zanzibarian", written, [&](const json::value& v) {
    const json::array& items = v.at("items").as_array();
    return !items.empty() && items.at(0).at("id").as_int64() == id;
  });
  EXPECT_LT(took, kPollLimit) << "search never found the new title";
}

TEST_F(AdminHttpTest, ProductEditsNameTheFieldAtFaultAndChangeNothing) {
  auto [product, code] = StockedProduct(3);
  ASSERT_NE(product, nullptr);
  const int64_t id = product->id;
  const std::string title = product->title;
  struct Case {
    int64_t id;
    std::string body;
    int status;
    std::string field;
  };
  const std::vector<Case> cases = {
      {id, R"({"title": "   "})", 400, "title"},
      {id, R"({"title": 7})", 400, "title"},
      {id, R"({"title": ")" + std::string(600, 'x') + R"("})", 400, "title"},
      {id, R"({"price": {"amount": -1}})", 400, "price.amount"},
      {id, R"({"price": {"amount": 12.5}})", 400, "price.amount"},
      {id, R"({"price": {"currency": "EUR"}})", 400, "price.amount"},
      {id, R"({"price": {"amount": 100, "currency": "EURO"}})", 400, "price.currency"},
      {id, R"({"price": 100})", 400, "price"},
      {id, R"({"description": false})", 400, "description"},
      {id, R"({})", 400, "body"},
      {99999999, R"({"title": "New"})", 404, "id"},
  };
  for (const Case& c : cases) {
    HttpReply reply = PatchProduct(c.id, c.body);
    EXPECT_EQ(reply.status, c.status) << c.body << " -> " << reply.body;
    EXPECT_EQ(Json(reply).at("error").at("field"), c.field.c_str()) << c.body << " -> " << reply.body;
  }
  auto rows = shop_->services().db->Query("SELECT title, price_amount FROM products WHERE id = ?", {id});
  ASSERT_TRUE(rows.ok() && rows->size() == 1u);
  EXPECT_EQ((*rows)[0].Text(0), title);
  EXPECT_EQ((*rows)[0].Int(1), product->price.amount);
}

// A title edit is found by its new word within a second, with its new price
// (which filters too): the search index is derived from the live one,
// re-indexing that product only.
TEST_F(AdminHttpTest, SearchFindsAnEditedTitleWithinASecond) {
  auto [product, code] = StockedProduct(5);
  ASSERT_NE(product, nullptr);
  const int64_t id = product->id;
  const std::string title = "Quixotic Marmoset Lantern";
  HttpReply edited = PatchProduct(id, R"({"title": ")" + title + R"(", "price": {"amount": 1234}})");
  ASSERT_EQ(edited.status, 200) << edited.body;
  const auto written = Clock::now();
  auto only_it = [&](const std::string& highlighted) {
    return [&, highlighted](const json::value& v) {
      const json::array& items = v.at("items").as_array();
      return v.at("total") == 1 && items.size() == 1u && items[0].at("id").as_int64() == id &&
             items[0].at("title") == title.c_str() && items[0].at("price").at("amount") == 1234 &&
             items[0].at("highlighted_title") == highlighted.c_str();
    };
  };
  auto took = PollUntil("/api/v1/search?q=marmoset", written, only_it("Quixotic <mark>Marmoset</mark> Lantern"));
  EXPECT_LT(took, kPropagation) << "search found the new title after " << Millis(took) << " ms";
  // Typed as a prefix, and filtered by the new price.
  took = PollUntil("/api/v1/search?q=quixot&min_price=12.34&max_price=12.34", written,
                   only_it("<mark>Quixotic</mark> Marmoset Lantern"));
  EXPECT_LT(took, kPropagation) << "search filtered by the new price after " << Millis(took) << " ms";
}

// Search results carry the stock of the live catalog, not of the catalog
// their index was built from: a stock write shows in them within a second.
TEST_F(AdminHttpTest, SearchShowsAStockWriteWithinASecond) {
  auto [product, code] = StockedProduct(4);
  ASSERT_NE(product, nullptr);
  const int64_t id = product->id;
  const std::string sku = product->sku;
  const std::string search =
      "/api/v1/search?q=" + product->title.substr(0, product->title.find(' ')) + "&per_page=100";
  auto shows = [id](bool in_stock, int64_t total) {
    return [=](const json::value& v) {
      for (const json::value& item : v.at("items").as_array()) {
        if (item.at("id").as_int64() == id) {
          return item.at("in_stock").as_bool() == in_stock && item.at("total_stock").as_int64() == total;
        }
      }
      return false;
    };
  };
  // Sold out everywhere, then restocked at one location.
  for (const catalog::StockUnit* u : snapshot_->StockOf(id)) {
    HttpReply zero = PostStock(R"({"stock_unit_id": )" + std::to_string(u->id) + R"(, "units": 0})");
    ASSERT_EQ(zero.status, 200) << zero.body;
  }
  const auto emptied = Clock::now();
  auto took = PollUntil(search, emptied, shows(false, 0));
  EXPECT_LT(took, kPropagation) << "search showed the product sold out after " << Millis(took) << " ms";
  HttpReply restock = PostStock(R"({"sku": ")" + sku + R"(", "location": ")" + code + R"(", "units": 6})");
  ASSERT_EQ(restock.status, 200) << restock.body;
  const auto restocked = Clock::now();
  took = PollUntil(search, restocked, shows(true, 6));
  EXPECT_LT(took, kPropagation) << "search showed the restock after " << Millis(took) << " ms";
}

}  // namespace
}  // namespace atelier::testing
