// The configurator over real HTTP: the demo product models listed, shown and
// configured against the real HttpServer on a loopback port, with the API's
// error contract (404 unknown model, 400 naming the field, never a 500).

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <string>

#include "atelier/config/demo_models.h"
#include "atelier/orders/types.h"
#include "atelier/server/services.h"
#include "http_client.h"
#include "test_shop.h"

namespace atelier::testing {
namespace {

namespace json = boost::json;

bool IsDecimal(const json::value& v) {
  if (!v.is_string() || v.as_string().empty()) return false;
  const json::string& s = v.as_string();
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// a < b for decimal strings without leading zeros.
bool DecimalLess(const json::string& a, const json::string& b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return std::string_view(a) < std::string_view(b);
}

const json::object* FindById(const json::array& items, std::string_view id) {
  for (const json::value& item : items) {
    if (item.as_object().at("id").as_string() == id) return &item.as_object();
  }
  return nullptr;
}

bool Contains(const json::array& strings, std::string_view s) {
  return std::any_of(strings.begin(), strings.end(), [&](const json::value& v) { return v.as_string() == s; });
}

class ConfigHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    shop_ = TestShop::Get();
    ASSERT_NE(shop_, nullptr);
    // The test shop loads the catalog only; load the demo models the way
    // `atelier serve` does (once per process; later calls reuse the cache).
    if (!shop_->services().product_models.Get()) {
      Status loaded = server::LoadDemoProductModels(shop_->services());
      ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
    }
    client_ = std::make_unique<HttpClient>(shop_->port());
    ASSERT_TRUE(client_->Connect());
  }

  // Sends the request, expects `status` and a JSON body, returns it parsed.
  json::value Call(const std::string& method, const std::string& target, const std::string& body, int status) {
    auto reply = client_->Send(method, target, body, {{"Content-Type", "application/json"}});
    if (!reply) {
      ADD_FAILURE() << "no reply for " << method << " " << target;
      return nullptr;
    }
    EXPECT_EQ(reply->status, status) << method << " " << target << ": " << reply->body;
    EXPECT_EQ(reply->Header("content-type"), "application/json") << target;
    boost::system::error_code ec;
    json::value v = json::parse(reply->body, ec);
    EXPECT_FALSE(ec) << target << ": " << reply->body;
    return v;
  }

  json::value Configure(const std::string& model, const std::string& body, int status = 200) {
    return Call("POST", "/api/v1/models/" + model + "/configure", body, status);
  }

  void ExpectError(const json::value& v, const std::string& code, const std::string& field) {
    ASSERT_TRUE(v.is_object());
    const json::object& error = v.at("error").as_object();
    EXPECT_EQ(error.at("code").as_string(), code);
    EXPECT_FALSE(error.at("message").as_string().empty());
    ASSERT_TRUE(error.at("field").is_string()) << json::serialize(v);
    EXPECT_EQ(error.at("field").as_string(), field);
  }

  TestShop* shop_ = nullptr;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(ConfigHttpTest, ListsEveryDemoModel) {
  auto demo = config::DemoModels();
  ASSERT_TRUE(demo.ok()) << demo.error().ToString();
  json::value v = Call("GET", "/api/v1/models", "", 200);
  ASSERT_TRUE(v.is_object());
  const json::array& items = v.at("items").as_array();
  EXPECT_EQ(v.at("total").as_int64(), static_cast<int64_t>(demo->size()));
  ASSERT_EQ(items.size(), demo->size());
  for (const config::ProductModel& model : *demo) {
    const json::object* item = FindById(items, model.id);
    ASSERT_NE(item, nullptr) << model.id;
    EXPECT_EQ(item->at("name").as_string(), model.name);
    EXPECT_EQ(item->at("option_count").as_int64(), static_cast<int64_t>(model.options.size()));
    EXPECT_EQ(item->at("base_price").at("amount").as_int64(), model.base_price);
    EXPECT_EQ(item->at("base_price").at("currency").as_string(), model.currency);
  }
  const json::object* suv = FindById(items, "suv");
  ASSERT_NE(suv, nullptr);
  EXPECT_GE(suv->at("option_count").as_int64(), 20);
}

TEST_F(ConfigHttpTest, ShowsTheSuvModel) {
  json::value v = Call("GET", "/api/v1/models/suv", "", 200);
  ASSERT_TRUE(v.is_object());
  EXPECT_EQ(v.at("id").as_string(), "suv");
  const json::object* engine = FindById(v.at("options").as_array(), "engine");
  ASSERT_NE(engine, nullptr);
  EXPECT_NE(FindById(engine->at("values").as_array(), "v6"), nullptr);
  EXPECT_NE(FindById(v.at("rules").as_array(), "towing-engine"), nullptr);
}

TEST_F(ConfigHttpTest, TowingWithRedRulesOutTheFourCylinderAndNamesWhy) {
  json::value all = Configure("suv", R"({"selections": {}})");
  json::value v = Configure("suv", R"({"selections": {"colour": "red", "towing": true}})");
  ASSERT_TRUE(v.is_object() && all.is_object());
  EXPECT_EQ(v.at("status").as_string(), "ok");

  const json::object* engine = FindById(v.at("options").as_array(), "engine");
  ASSERT_NE(engine, nullptr);
  const json::object* i4 = FindById(engine->at("values").as_array(), "i4");
  const json::object* v6 = FindById(engine->at("values").as_array(), "v6");
  ASSERT_NE(i4, nullptr);
  ASSERT_NE(v6, nullptr);
  EXPECT_TRUE(v6->at("available").as_bool());
  EXPECT_FALSE(i4->at("available").as_bool());
  ASSERT_TRUE(i4->contains("reason")) << json::serialize(*i4);
  const json::object& reason = i4->at("reason").as_object();
  EXPECT_TRUE(Contains(reason.at("rule_ids").as_array(), "towing-engine")) << json::serialize(reason);
  EXPECT_TRUE(Contains(reason.at("picks_to_drop").as_array(), "towing")) << json::serialize(reason);
  EXPECT_FALSE(Contains(reason.at("picks_to_drop").as_array(), "colour")) << json::serialize(reason);
  EXPECT_FALSE(reason.at("message").as_string().empty());

  const json::object& price = v.at("price").as_object();
  ASSERT_TRUE(price.at("now").is_object());
  ASSERT_TRUE(price.at("min").is_object());
  ASSERT_TRUE(price.at("max").is_object());
  EXPECT_LE(price.at("min").at("amount").as_int64(), price.at("max").at("amount").as_int64());
  EXPECT_EQ(price.at("now").at("currency").as_string(), "USD");

  ASSERT_TRUE(IsDecimal(v.at("count"))) << json::serialize(v.at("count"));
  ASSERT_TRUE(IsDecimal(all.at("count"))) << json::serialize(all.at("count"));
  EXPECT_NE(v.at("count").as_string(), "0");
  EXPECT_TRUE(DecimalLess(v.at("count").as_string(), all.at("count").as_string()));
  EXPECT_GE(all.at("count").as_string().size(), 7u) << "the SUV has at least 10^6 configurations";
}

// "Popular choice": with the shop's configured SUVs (dealer stock) as its
// sales, the colour marked popular is the most chosen one among them, and a
// pick narrows the sales counted to those agreeing with it.
TEST_F(ConfigHttpTest, MarksTheMostChosenValueOfTheSalesAsPopular) {
  ASSERT_TRUE(server::RefreshSalesHistories(shop_->services()).ok());
  auto rows = shop_->services().db->Query(
      "SELECT su.configuration FROM stock_units su JOIN products p ON p.id = su.product_id "
      "WHERE p.model_id = 'suv' AND su.configuration <> ''");
  ASSERT_TRUE(rows.ok()) << rows.error().ToString();
  ASSERT_FALSE(rows->empty()) << "the test shop has no configured SUVs";
  std::map<std::string, int> colours;
  for (const store::Row& row : *rows) {
    auto selections = orders::ParseSelections(row.Text(0), "configuration");
    ASSERT_TRUE(selections.ok());
    ++colours[selections->at("colour")];
  }
  int most = 0;
  for (const auto& [colour, n] : colours) most = std::max(most, n);

  json::value v = Configure("suv", R"({"selections": {}})");
  const json::object* colour = FindById(v.at("options").as_array(), "colour");
  ASSERT_NE(colour, nullptr);
  int popular = 0;
  for (const json::value& value : colour->at("values").as_array()) {
    if (!value.at("popular").as_bool()) continue;
    ++popular;
    EXPECT_EQ(colours[std::string(value.at("id").as_string())], most) << json::serialize(value);
  }
  EXPECT_EQ(popular, 1) << json::serialize(*colour);
}

TEST_F(ConfigHttpTest, ConflictingPicksAnswerWithTheConflictNotA500) {
  json::value v = Configure("suv", R"({"selections": {"towing": "true", "engine": "i4"}})");
  ASSERT_TRUE(v.is_object());
  EXPECT_EQ(v.at("status").as_string(), "conflict");
  const json::object& conflict = v.at("conflict").as_object();
  EXPECT_TRUE(Contains(conflict.at("rule_ids").as_array(), "towing-engine")) << json::serialize(conflict);
  EXPECT_TRUE(Contains(conflict.at("picks").as_array(), "towing")) << json::serialize(conflict);
  EXPECT_TRUE(Contains(conflict.at("picks").as_array(), "engine")) << json::serialize(conflict);
}

TEST_F(ConfigHttpTest, UnknownModelIs404) {
  ExpectError(Call("GET", "/api/v1/models/hovercraft", "", 404), "not_found", "id");
  ExpectError(Configure("hovercraft", R"({"selections": {}})", 404), "not_found", "id");
}

TEST_F(ConfigHttpTest, MalformedJsonIs400) {
  ExpectError(Configure("suv", R"({"selections": {"colour": )", 400), "invalid_argument", "body");
  ExpectError(Configure("suv", R"({"selections": ["red"]})", 400), "invalid_argument", "selections");
}

TEST_F(ConfigHttpTest, UnknownOptionOrValueIs400NamingTheField) {
  ExpectError(Configure("suv", R"({"selections": {"warp_drive": "on"}})", 400), "invalid_argument",
              "selections.warp_drive");
  ExpectError(Configure("suv", R"({"selections": {"engine": "v12"}})", 400), "invalid_argument",
              "selections.engine");
}

}  // namespace
}  // namespace atelier::testing
