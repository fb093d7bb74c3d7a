// The merchant dashboard's API over real HTTP (admin_routes.h): every route
// refuses a request without a key (401) and a key without its scope (403),
// and answers plausible content with the right one; model validation reports
// parse errors with their line and counts a valid model.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "atelier/orders/accounts.h"
#include "atelier/server/services.h"
#include "http_client.h"
#include "test_shop.h"

namespace atelier::testing {
namespace {

namespace json = boost::json;
using orders::ApiScope;
using Headers = std::vector<std::pair<std::string, std::string>>;

struct AdminRoute {
  std::string method;
  std::string target;
  ApiScope scope;
};

const std::vector<AdminRoute>& Routes() {
  static const std::vector<AdminRoute> kRoutes = {
      {"GET", "/api/v1/admin/locations", ApiScope::kCatalog},
      {"GET", "/api/v1/admin/stock", ApiScope::kCatalog},
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

class AdminHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    shop_ = TestShop::Get();
    ASSERT_NE(shop_, nullptr);
    client_ = std::make_unique<HttpClient>(shop_->port());
    ASSERT_TRUE(client_->Connect());
  }

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

  static json::value Json(const HttpReply& reply) {
    boost::system::error_code ec;
    json::value v = json::parse(reply.body, ec);
    EXPECT_FALSE(ec) << reply.body;
    return v;
  }

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

}  // namespace
}  // namespace atelier::testing
