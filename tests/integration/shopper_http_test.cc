// The personal shopper's find tool over real HTTP, against the small demo
// shop: specs met from stock, the exact size no stock shoe has met by a
// configuration of the custom `shoes` model, relaxations for impossible
// specs, and 400s naming the field for bad input.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "atelier/server/services.h"
#include "http_client.h"
#include "test_shop.h"

namespace atelier::testing {
namespace {

namespace json = boost::json;

class ShopperHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    shop_ = TestShop::Get();
    ASSERT_NE(shop_, nullptr);
    if (!shop_->services().product_models.Get()) {
      Status loaded = server::LoadDemoProductModels(shop_->services());
      ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
    }
    client_ = std::make_unique<HttpClient>(shop_->port());
    ASSERT_TRUE(client_->Connect());
  }

  json::value Post(const std::string& target, const std::string& body, int status) {
    auto reply = client_->Send("POST", target, body, {{"Content-Type", "application/json"}});
    if (!reply) {
      ADD_FAILURE() << "no reply for " << target;
      return nullptr;
    }
    EXPECT_EQ(reply->status, status) << target << ": " << reply->body;
    EXPECT_EQ(reply->Header("content-type"), "application/json");
    boost::system::error_code ec;
    json::value v = json::parse(reply->body, ec);
    EXPECT_FALSE(ec) << reply->body;
    return v;
  }

  json::value Find(const std::string& body, int status = 200) {
    return Post("/api/v1/shopper/find", body, status);
  }

  void ExpectBadField(const std::string& body, const std::string& field) {
    json::value v = Find(body, 400);
    ASSERT_TRUE(v.is_object()) << body;
    const json::object& error = v.at("error").as_object();
    EXPECT_EQ(error.at("code").as_string(), "invalid_argument") << body;
    EXPECT_FALSE(error.at("message").as_string().empty());
    ASSERT_TRUE(error.at("field").is_string()) << json::serialize(v);
    EXPECT_EQ(error.at("field").as_string(), field) << body;
  }

  static void ExpectAllMet(const json::object& match) {
    for (const json::value& check : match.at("meets").as_array()) {
      EXPECT_TRUE(check.at("ok").as_bool()) << json::serialize(match);
      EXPECT_NE(std::string(check.at("text").as_string()).find("\u2713"), std::string::npos);
    }
  }

  TestShop* shop_ = nullptr;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(ShopperHttpTest, FindsShoesInStockMeetingTheSpecs) {
  json::value v = Find(R"({"specs": [{"field": "size", "op": "=", "value": 10},
                                     {"field": "width", "value": "M"},
                                     {"field": "heel_height_cm", "op": "<=", "value": 3}],
                           "preferences": [{"field": "colour", "value": "black", "weight": 2}],
                           "category": "shoes", "kind": "product", "limit": 5})");
  ASSERT_TRUE(v.is_object());
  EXPECT_GT(v.at("total").as_int64(), 0);
  const json::array& matches = v.at("matches").as_array();
  ASSERT_FALSE(matches.empty());
  EXPECT_LE(matches.size(), 5u);
  double last_score = 1e9;
  for (const json::value& m : matches) {
    const json::object& match = m.as_object();
    EXPECT_EQ(match.at("kind").as_string(), "product");
    EXPECT_TRUE(match.at("product").at("in_stock").as_bool());
    EXPECT_TRUE(match.at("configuration").is_null());
    EXPECT_EQ(match.at("meets").as_array().size(), 3u);
    ExpectAllMet(match);
    EXPECT_LE(match.at("score").as_double(), last_score);  // ranked by preferences first
    last_score = match.at("score").as_double();
  }
  EXPECT_TRUE(v.at("relaxations").as_array().empty());
}

TEST_F(ShopperHttpTest, ExactSizeNotInStockGetsTheCustomShoe) {
  json::value v = Find(R"({"specs": [{"field": "size", "value": 11.5},
                                     {"field": "width", "value": "W"},
                                     {"field": "heel_height_cm", "op": "<=", "value": 2},
                                     {"field": "material", "value": "leather"}],
                           "preferences": [{"field": "colour", "value": "navy", "weight": 2}],
                           "budget": 25000, "category": "shoes"})");
  ASSERT_TRUE(v.is_object());
  const json::array& matches = v.at("matches").as_array();
  ASSERT_EQ(v.at("total").as_int64(), 1) << json::serialize(v);  // no stock shoe comes in 11.5
  const json::object& match = matches[0].as_object();
  EXPECT_EQ(match.at("kind").as_string(), "configuration");
  EXPECT_EQ(match.at("model_id").as_string(), "shoes");
  EXPECT_EQ(match.at("product").at("sku").as_string(), "SHOE-CUSTOM");
  const json::object& configuration = match.at("configuration").as_object();
  EXPECT_EQ(configuration.at("size").as_string(), "11.5");
  EXPECT_EQ(configuration.at("width").as_string(), "W");
  EXPECT_EQ(configuration.at("heel").as_string(), "1");
  EXPECT_EQ(configuration.at("colour").as_string(), "navy");
  EXPECT_EQ(match.at("score").as_double(), 2);
  const int64_t price = match.at("price").at("amount").as_int64();
  EXPECT_LE(price, 25000);
  ExpectAllMet(match);

  // The configuration is valid and priced the same by the configurator.
  json::object selections;
  selections["selections"] = configuration;
  json::value state = Post("/api/v1/models/shoes/configure", json::serialize(selections), 200);
  ASSERT_TRUE(state.is_object());
  EXPECT_EQ(state.at("status").as_string(), "ok");
  EXPECT_EQ(state.at("price").at("now").at("amount").as_int64(), price);
}

TEST_F(ShopperHttpTest, ConfiguredSuvsInStockAndBuiltToOrder) {
  // The SUVs standing at dealers are in stock, each with its configuration.
  json::value v = Find(R"({"specs": [{"field": "seats", "op": ">=", "value": 7}],
                           "category": "automotive", "kind": "product", "limit": 100})");
  ASSERT_TRUE(v.is_object());
  EXPECT_GT(v.at("total").as_int64(), 0);
  for (const json::value& m : v.at("matches").as_array()) {
    EXPECT_EQ(m.at("kind").as_string(), "product");
    EXPECT_EQ(m.at("model_id").as_string(), "suv");
    EXPECT_FALSE(m.at("configuration").as_object().empty());
    ASSERT_TRUE(m.at("stock").is_object()) << json::serialize(m);
    EXPECT_TRUE(std::string(m.at("stock").at("location").as_string()).rfind("DEALER-", 0) == 0);
    EXPECT_GT(m.at("stock").at("quantity").as_int64(), 0);
  }

  // No red SUV with the towing package stands at a dealer (the demo's
  // buying scenario): it is offered built to order, with an engine that
  // can tow.
  v = Find(R"({"specs": [{"field": "colour", "value": "red"}, {"field": "towing", "value": true}],
               "category": "automotive"})");
  ASSERT_TRUE(v.is_object());
  ASSERT_EQ(v.at("total").as_int64(), 1) << json::serialize(v);
  const json::object& match = v.at("matches").at(0).as_object();
  EXPECT_EQ(match.at("kind").as_string(), "configuration");
  EXPECT_TRUE(match.at("stock").is_null());
  EXPECT_EQ(match.at("configuration").at("colour").as_string(), "red");
  EXPECT_EQ(match.at("configuration").at("towing").as_string(), "true");
  const std::string engine(match.at("configuration").at("engine").as_string());
  EXPECT_TRUE(engine == "v6" || engine == "hybrid") << engine;
  ExpectAllMet(match);
}

TEST_F(ShopperHttpTest, ImpossibleSpecsGetTheSmallestRelaxations) {
  // No stock shoe in 11.5: loosen the size to the nearest stock sizes.
  json::value v = Find(R"({"specs": [{"field": "size", "value": 11.5}, {"field": "width", "value": "W"}],
                           "category": "shoes", "kind": "product"})");
  ASSERT_TRUE(v.is_object());
  EXPECT_EQ(v.at("total").as_int64(), 0);
  const json::array& relaxations = v.at("relaxations").as_array();
  ASSERT_FALSE(relaxations.empty()) << json::serialize(v);
  const json::object& first = relaxations[0].as_object();
  const json::array& changes = first.at("changes").as_array();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].at("kind").as_string(), "loosen");
  EXPECT_EQ(changes[0].at("field").as_string(), "size");
  EXPECT_GT(first.at("yield_count").as_int64(), 0);
  ASSERT_FALSE(first.at("examples").as_array().empty());
  EXPECT_FALSE(first.at("examples").at(0).at("meets").at(0).at("ok").as_bool());

  // A budget below every leather shoe: raise it, by how much.
  v = Find(R"({"specs": [{"field": "material", "value": "leather"}], "budget": 100, "category": "shoes"})");
  ASSERT_TRUE(v.is_object());
  EXPECT_EQ(v.at("total").as_int64(), 0);
  bool raise = false;
  for (const json::value& r : v.at("relaxations").as_array()) {
    for (const json::value& c : r.at("changes").as_array()) {
      if (c.at("kind") == "raise_budget") {
        raise = true;
        EXPECT_GT(c.at("raise_by").at("amount").as_int64(), 0);
        EXPECT_EQ(c.at("new_budget").at("amount").as_int64(), 100 + c.at("raise_by").at("amount").as_int64());
      }
    }
  }
  EXPECT_TRUE(raise) << json::serialize(v);
}

TEST_F(ShopperHttpTest, BadInputIsA400NamingTheField) {
  ExpectBadField(R"({"specs": [{"field": "size", "value": 10}, {"field": "width", "value": "W"},
                               {"field": "heel", "op": "~", "value": 2}]})",
                 "specs[2].op");
  ExpectBadField(R"({"specs": [{"field": "heel", "op": "<=", "value": "low"}]})", "specs[0].value");
  ExpectBadField(R"({"specs": [{"value": 10}]})", "specs[0].field");
  ExpectBadField(R"({"specs": [{"field": "size", "value": {"us": 10}}]})", "specs[0].value");
  ExpectBadField(R"({"preferences": [{"field": "colour", "value": "black", "weight": -1}]})",
                 "preferences[0].weight");
  ExpectBadField(R"({"budget": "lots"})", "budget");
  ExpectBadField(R"({"category": "hats-and-gloves-nowhere"})", "category");
  ExpectBadField(R"({"kind": "service"})", "kind");
  ExpectBadField(R"({"limit": 0})", "limit");
  ExpectBadField(R"({"spec": []})", "spec");
  ExpectBadField(R"([1, 2])", "body");
  ExpectBadField(R"({"specs": [)", "body");
}

}  // namespace
}  // namespace atelier::testing
