// Events and recommendations over real HTTP against the demo shop: the
// events batch (partial rejection, idempotency), the three recommendation
// routes with a trained recommender and with the fallbacks used before one is
// trained, and their error statuses.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <memory>
#include <set>
#include <string>

#include "atelier/catalog/snapshot.h"
#include "atelier/core/strings.h"
#include "atelier/orders/accounts.h"
#include "atelier/recommend/recommender.h"
#include "atelier/server/services.h"
#include "http_client.h"
#include "shop_api.h"
#include "test_shop.h"

namespace atelier::testing {
namespace {

namespace json = boost::json;

// Trains the shop's recommender once per process through the same calls
// `atelier serve` uses (train, save the artifact, load the newest one).
std::shared_ptr<const recommend::Recommender> TrainedModel(TestShop& shop, std::string* error) {
  static std::shared_ptr<const recommend::Recommender> model;
  static std::string failure;
  if (!model && failure.empty()) {
    const std::string dir = shop.directory() + "/models";
    auto trained = server::TrainAndPublishRecommender(shop.services(), dir);
    if (!trained.ok()) {
      failure = "training: " + trained.error().ToString();
    } else if (!std::filesystem::exists(*trained)) {
      failure = "no artifact at " + *trained;
    } else if (Status loaded = server::LoadRecommender(shop.services(), dir); !loaded.ok()) {
      failure = "loading: " + loaded.error().ToString();
    } else {
      model = shop.services().recommender.Get();
    }
  }
  *error = failure;
  return model;
}

class RecommendHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    shop_ = TestShop::Get();
    ASSERT_NE(shop_, nullptr);
    client_ = std::make_unique<HttpClient>(shop_->port());
    ASSERT_TRUE(client_->Connect());
  }

  // Serves from the trained recommender.
  void UseModel() {
    std::string error;
    auto model = TrainedModel(*shop_, &error);
    ASSERT_NE(model, nullptr) << error;
    shop_->services().recommender.Publish(model);
  }
  // Serves as before the first training: no recommender published.
  void UseFallbacks() { shop_->services().recommender.Publish(nullptr); }

  json::value Call(const std::string& method, const std::string& target, const std::string& body, int status) {
    auto reply = client_->Send(method, target, body, {{"Content-Type", "application/json"}});
    if (!reply) {
      ADD_FAILURE() << "no reply for " << method << " " << target;
      return nullptr;
    }
    EXPECT_EQ(reply->status, status) << method << " " << target << ": " << reply->body;
    boost::system::error_code ec;
    json::value v = json::parse(reply->body, ec);
    EXPECT_FALSE(ec) << target << ": " << reply->body;
    return v;
  }
  json::value Get(const std::string& target, int status = 200) { return Call("GET", target, "", status); }
  json::value Post(const std::string& target, const std::string& body, int status = 200) {
    return Call("POST", target, body, status);
  }

  void ExpectError(const std::string& method, const std::string& target, const std::string& body, int status,
                   const std::string& field) {
    json::value v = Call(method, target, body, status);
    ASSERT_TRUE(v.is_object() && v.as_object().contains("error")) << target << ": " << json::serialize(v);
    const json::object& error = v.at("error").as_object();
    EXPECT_FALSE(error.at("message").as_string().empty()) << target;
    if (!field.empty()) {
      ASSERT_TRUE(error.at("field").is_string()) << target << ": " << json::serialize(v);
      EXPECT_EQ(error.at("field").as_string(), field) << target;
    }
  }

  // The recommendation list of a 200 reply; checks what every list must
  // satisfy: products in stock (or configurable) with a reason and a score,
  // no repeats, none of `excluded`.
  const json::array& Items(const json::value& v, const std::set<int64_t>& excluded = {}) {
    static const json::array kEmpty;
    if (!v.is_object() || !v.as_object().contains("items")) {
      ADD_FAILURE() << "no items in " << json::serialize(v);
      return kEmpty;
    }
    const json::array& items = v.at("items").as_array();
    std::set<int64_t> seen;
    for (const json::value& item : items) {
      const int64_t id = item.at("id").as_int64();
      EXPECT_TRUE(seen.insert(id).second) << "repeated " << id;
      EXPECT_FALSE(excluded.count(id)) << "recommended excluded product " << id;
      EXPECT_TRUE(item.at("in_stock").as_bool() || item.at("configurable").as_bool())
          << "out of stock: " << json::serialize(item);
      EXPECT_FALSE(item.at("reason").as_string().empty()) << json::serialize(item);
      EXPECT_TRUE(item.at("score").is_number()) << json::serialize(item);
    }
    return items;
  }

  // The first search hit for `query`: {id, sku}.
  std::pair<int64_t, std::string> FirstHit(const std::string& query) {
    json::value v = Get("/api/v1/search?per_page=1&q=" + query);
    const auto& items = v.at("items").as_array();
    if (items.empty()) {
      ADD_FAILURE() << "no product for " << query;
      return {0, ""};
    }
    return {items[0].at("id").as_int64(), std::string(items[0].at("sku").as_string())};
  }

  int64_t StoredEvents(const std::string& prefix) {
    auto rows = shop_->services().db->Query("SELECT COUNT(*) FROM events WHERE event_id LIKE ?",
                                            {prefix + "%"});
    EXPECT_TRUE(rows.ok());
    return rows.ok() && !rows->empty() ? (*rows)[0].Int(0) : -1;
  }

  static bool AnyTitleHas(const json::array& items, std::initializer_list<std::string_view> words) {
    for (const json::value& item : items) {
      const std::string title = ToLower(std::string(item.at("title").as_string()));
      for (std::string_view w : words) {
        if (title.find(w) != std::string::npos) return true;
      }
    }
    return false;
  }

  TestShop* shop_ = nullptr;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(RecommendHttpTest, EventsBatchStoresValidEventsAndRejectsBadOnesByIndexAndField) {
  const auto [id, sku] = FirstHit("DualSense");
  ASSERT_FALSE(sku.empty());
  const std::string batch = R"([
    {"event_id": "it-rec-a-1", "type": "view", "user_id": "it-user-1", "item_id": ")" + sku + R"("},
    {"event_id": "it-rec-a-2", "type": "click", "user_id": "it-user-1", "item_id": ")" + sku + R"("},
    {"event_id": "it-rec-a-3", "type": "purchase", "user_id": "it-user-1", "item_id": ")" + sku +
                            R"(", "basket_id": "it-b-1", "quantity": 2, "ts": 1700000000},
    {"event_id": "it-rec-a-4", "type": "view", "user_id": "it-user-1"},
    {"event_id": "it-rec-a-5", "type": "search", "user_id": "it-user-1", "query": "controller"},
    {"event_id": "it-rec-a-6", "type": "cart", "user_id": "it-user-1", "item_id": ")" + sku + R"(", "quantity": 0}
  ])";
  json::value v = Post("/api/v1/events", batch);
  EXPECT_EQ(v.at("accepted").as_int64(), 3);
  EXPECT_EQ(v.at("stored").as_int64(), 3);
  EXPECT_EQ(v.at("duplicates").as_int64(), 0);
  const json::array& rejected = v.at("rejected").as_array();
  ASSERT_EQ(rejected.size(), 3u) << json::serialize(v);
  EXPECT_EQ(rejected[0].at("index").as_int64(), 1);
  EXPECT_EQ(rejected[0].at("field").as_string(), "type");
  EXPECT_EQ(rejected[1].at("index").as_int64(), 3);
  EXPECT_EQ(rejected[1].at("field").as_string(), "item_id");
  EXPECT_EQ(rejected[2].at("index").as_int64(), 5);
  EXPECT_EQ(rejected[2].at("field").as_string(), "quantity");
  for (const json::value& r : rejected) EXPECT_FALSE(r.at("message").as_string().empty());
  EXPECT_EQ(StoredEvents("it-rec-a-"), 3);
}

TEST_F(RecommendHttpTest, EventsBatchIsIdempotentByEventId) {
  const std::string batch = R"({"events": [
    {"event_id": "it-rec-b-1", "type": "view", "user_id": "it-user-2", "item_id": "SKU-X"},
    {"event_id": "it-rec-b-2", "type": "cart", "user_id": "it-user-2", "item_id": "SKU-X"},
    {"event_id": "it-rec-b-2", "type": "cart", "user_id": "it-user-2", "item_id": "SKU-X"}
  ]})";
  json::value first = Post("/api/v1/events", batch);
  EXPECT_EQ(first.at("accepted").as_int64(), 3);
  EXPECT_EQ(first.at("stored").as_int64(), 2);  // the repeat within the batch is stored once
  EXPECT_EQ(first.at("duplicates").as_int64(), 1);
  json::value again = Post("/api/v1/events", batch);
  EXPECT_EQ(again.at("accepted").as_int64(), 3);
  EXPECT_EQ(again.at("stored").as_int64(), 0);
  EXPECT_EQ(again.at("duplicates").as_int64(), 3);
  EXPECT_TRUE(again.at("rejected").as_array().empty());
  EXPECT_EQ(StoredEvents("it-rec-b-"), 2);
}

TEST_F(RecommendHttpTest, AShopAccountsEventsComeFromItsOwnSessionOrAMerchantKey) {
  Shopper alice = RegisterShopper(*client_, "events");
  Shopper bob = RegisterShopper(*client_, "events");
  const std::string alice_user = "acct:" + std::to_string(alice.id);
  auto batch = [&](const std::string& id) {
    return R"({"events": [{"event_id": ")" + id + R"(-1", "type": "view", "user_id": ")" + alice_user +
           R"(", "item_id": "SKU-X"}, {"event_id": ")" + id +
           R"(-2", "type": "view", "user_id": "visitor-77", "item_id": "SKU-X"}]})";
  };
  // A guest and another shopper cannot write Alice's history; the visitor's
  // event in the same batch is kept.
  for (const auto& [reply, prefix] :
       {std::pair{testing::Call(*client_, "POST", "/api/v1/events", batch("it-rec-own-guest")), "it-rec-own-guest-"},
        std::pair{As(*client_, bob, "POST", "/api/v1/events", batch("it-rec-own-bob")), "it-rec-own-bob-"}}) {
    ASSERT_EQ(reply.status, 200) << reply.body;
    json::value v = Json(reply);
    EXPECT_EQ(v.at("stored").as_int64(), 1);
    ASSERT_EQ(v.at("rejected").as_array().size(), 1u) << reply.body;
    EXPECT_EQ(v.at("rejected").at(0).at("index").as_int64(), 0);
    EXPECT_EQ(v.at("rejected").at(0).at("field").as_string(), "user_id");
    EXPECT_EQ(StoredEvents(std::string(prefix) + "1"), 0);
  }
  // Her own session can, and so can a merchant key with scope analytics
  // (not one without it).
  HttpReply own = As(*client_, alice, "POST", "/api/v1/events", batch("it-rec-own-alice"));
  EXPECT_EQ(Json(own).at("stored").as_int64(), 2) << own.body;
  auto key = [&](orders::ApiScope scope) {
    auto created = shop_->services().accounts->CreateApiKey("events-test", {scope});
    EXPECT_TRUE(created.ok());
    return Headers{{"Authorization", "Bearer " + (created.ok() ? created->key : std::string())}};
  };
  HttpReply merchant =
      testing::Call(*client_, "POST", "/api/v1/events", batch("it-rec-own-key"), key(orders::ApiScope::kAnalytics));
  EXPECT_EQ(Json(merchant).at("stored").as_int64(), 2) << merchant.body;
  HttpReply catalog_key =
      testing::Call(*client_, "POST", "/api/v1/events", batch("it-rec-own-ckey"), key(orders::ApiScope::kCatalog));
  EXPECT_EQ(Json(catalog_key).at("stored").as_int64(), 1) << catalog_key.body;
}

TEST_F(RecommendHttpTest, EventsRejectEmptyMalformedAndOversizedBatches) {
  ExpectError("POST", "/api/v1/events", "", 400, "body");
  ExpectError("POST", "/api/v1/events", "[{\"event_id\": ", 400, "body");
  ExpectError("POST", "/api/v1/events", "[]", 400, "events");
  ExpectError("POST", "/api/v1/events", "{\"events\": []}", 400, "events");
  ExpectError("POST", "/api/v1/events", "{\"event_id\": \"x\"}", 400, "events");
  std::string big = "[";
  for (int i = 0; i < 1001; ++i) {
    big += (i ? "," : "") + std::string(R"({"event_id":"it-rec-big-)") + std::to_string(i) +
           R"(","type":"view","user_id":"u","item_id":"i"})";
  }
  big += "]";
  ExpectError("POST", "/api/v1/events", big, 413, "events");
  EXPECT_EQ(StoredEvents("it-rec-big-"), 0);
}

TEST_F(RecommendHttpTest, BoughtTogetherForAPlayStationControllerIncludesAChargerOrCamera) {
  UseModel();
  const auto [id, sku] = FirstHit("DualSense%20Wireless%20Controller");
  ASSERT_GT(id, 0);
  json::value v = Get("/api/v1/products/" + std::to_string(id) + "/recommendations?kind=bought-together&k=10");
  EXPECT_EQ(v.at("source").as_string(), "recommender");
  const json::array& items = Items(v, {id});
  ASSERT_FALSE(items.empty());
  EXPECT_LE(items.size(), 10u);
  EXPECT_TRUE(AnyTitleHas(items, {"charg", "camera"})) << json::serialize(v);
}

// Past its associations, a product's bought-together list holds what sells
// in its own department (never coffee on a dog food's page), outside its own
// category; associated items keep their reasons.
TEST_F(RecommendHttpTest, BoughtTogetherFillsFromTheProductsDepartment) {
  UseModel();
  json::value page = Get("/api/v1/search?per_page=40&q=dog%20food");
  int filled = 0;
  for (const json::value& hit : page.at("items").as_array()) {
    const int64_t id = hit.at("id").as_int64();
    json::value product = Get("/api/v1/products/" + std::to_string(id));
    const int64_t top = product.at("category_path").as_array().front().at("id").as_int64();
    const int64_t leaf = product.at("category").at("id").as_int64();
    const std::string department(product.at("category_path").as_array().front().at("name").as_string());
    json::value v = Get("/api/v1/products/" + std::to_string(id) + "/recommendations?kind=bought-together&k=10");
    for (const json::value& item : Items(v, {id})) {
      const std::string reason(item.at("reason").as_string());
      EXPECT_NE(reason, "popular now") << json::serialize(v);
      EXPECT_NE(reason, "trending") << json::serialize(v);
      if (reason.rfind("popular in ", 0) != 0) continue;
      ++filled;
      EXPECT_EQ(reason, "popular in " + department);
      EXPECT_NE(item.at("category").at("id").as_int64(), leaf) << json::serialize(item);
      json::value full = Get("/api/v1/products/" + std::to_string(item.at("id").as_int64()));
      EXPECT_EQ(full.at("category_path").as_array().front().at("id").as_int64(), top) << json::serialize(item);
    }
  }
  EXPECT_GT(filled, 0) << "no product of the page needed the department's fill";
}

TEST_F(RecommendHttpTest, SimilarItemsLeaveOutTheProductItself) {
  UseModel();
  const auto [id, sku] = FirstHit("DualSense%20Wireless%20Controller");
  ASSERT_GT(id, 0);
  json::value v = Get("/api/v1/products/" + std::to_string(id) + "/recommendations?k=5");
  EXPECT_EQ(v.at("source").as_string(), "recommender");
  const json::array& items = Items(v, {id});
  EXPECT_FALSE(items.empty());
  EXPECT_LE(items.size(), 5u);
}

// "Similar" means alternatives: every item shares the product's top-level
// category (a controller's similar items are never dog food), the list is
// full even before training, and the nearest (same leaf category) come first.
TEST_F(RecommendHttpTest, SimilarItemsAreAlternativesFromTheProductsCategory) {
  const auto [id, sku] = FirstHit("DualSense%20Wireless%20Controller");
  ASSERT_GT(id, 0);
  json::value product = Get("/api/v1/products/" + std::to_string(id));
  const json::array& path = product.at("category_path").as_array();
  ASSERT_FALSE(path.empty());
  const int64_t top = path.front().at("id").as_int64();
  const int64_t leaf = product.at("category").at("id").as_int64();
  for (bool trained : {false, true}) {
    if (trained) {
      UseModel();
    } else {
      UseFallbacks();
    }
    json::value v = Get("/api/v1/products/" + std::to_string(id) + "/recommendations?kind=similar&k=8");
    const json::array& items = Items(v, {id});
    EXPECT_EQ(items.size(), 8u) << json::serialize(v);
    bool left_leaf = false;
    for (const json::value& item : items) {
      json::value full = Get("/api/v1/products/" + std::to_string(item.at("id").as_int64()));
      EXPECT_EQ(full.at("category_path").as_array().front().at("id").as_int64(), top)
          << (trained ? "trained: " : "fallback: ") << json::serialize(item);
      const bool in_leaf = item.at("category").at("id").as_int64() == leaf;
      EXPECT_FALSE(in_leaf && left_leaf) << "a same-category item after another category: " << json::serialize(v);
      left_leaf = left_leaf || !in_leaf;
    }
  }
}

TEST_F(RecommendHttpTest, BasketCompletionLeavesOutTheBasketItems) {
  UseModel();
  const auto controller = FirstHit("DualSense%20Wireless%20Controller");
  const auto station = FirstHit("DualSense%20Charging%20Station");
  ASSERT_GT(controller.first, 0);
  ASSERT_GT(station.first, 0);
  json::value v = Post("/api/v1/recommendations/basket",
                       R"({"items": [")" + controller.second + R"(", ")" + station.second + R"("], "k": 8})");
  EXPECT_EQ(v.at("source").as_string(), "recommender");
  const json::array& items = Items(v, {controller.first, station.first});
  EXPECT_FALSE(items.empty());
  EXPECT_LE(items.size(), 8u);
}

TEST_F(RecommendHttpTest, ForYouForAnUnknownUserReturnsTrending) {
  UseModel();
  json::value v = Get("/api/v1/recommendations?user=it-nobody-at-all&k=7");
  const json::array& items = Items(v);
  ASSERT_EQ(items.size(), 7u);
  for (const json::value& item : items) EXPECT_EQ(item.at("reason").as_string(), "trending");
}

TEST_F(RecommendHttpTest, ItemsOutOfStockEverywhereAreNotRecommended) {
  UseModel();
  auto rec = shop_->services().recommender.Get();
  auto catalog = shop_->services().catalog.Get();
  ASSERT_TRUE(rec && catalog);
  // The best-ranked trending item that is out of stock everywhere.
  const auto trending = rec->ForUser("it-nobody-at-all", 90);
  int64_t out_of_stock = 0;
  size_t rank = 0;
  for (; rank < trending.size(); ++rank) {
    const catalog::Product* p = catalog->FindProductBySku(trending[rank].item);
    if (p != nullptr && p->model_id.empty() && catalog->TotalStock(p->id) == 0) {
      out_of_stock = p->id;
      break;
    }
  }
  if (out_of_stock == 0) GTEST_SKIP() << "no out-of-stock item among the top 90 trending";
  json::value v = Get("/api/v1/recommendations?user=it-nobody-at-all&k=" + std::to_string(rank + 10));
  const json::array& items = Items(v, {out_of_stock});
  EXPECT_EQ(items.size(), rank + 10);
}

TEST_F(RecommendHttpTest, ForYouForAKnownBuyerIsPersonal) {
  UseModel();
  auto rows = shop_->services().db->Query(
      "SELECT user_id FROM events WHERE type = 'purchase' AND user_id <> '' GROUP BY user_id "
      "ORDER BY COUNT(DISTINCT basket_id) DESC, user_id LIMIT 1");
  ASSERT_TRUE(rows.ok() && !rows->empty());
  json::value v = Get("/api/v1/recommendations?user=" + (*rows)[0].Text(0) + "&k=10");
  const json::array& items = Items(v);
  ASSERT_FALSE(items.empty());
  bool personal = false;
  for (const json::value& item : items) personal = personal || item.at("reason").as_string() != "trending";
  EXPECT_TRUE(personal) << json::serialize(v);
}

TEST_F(RecommendHttpTest, BeforeTrainingTheRoutesAnswerFromPopularityAndTheBoughtTogetherTable) {
  UseFallbacks();
  json::value for_you = Get("/api/v1/recommendations?user=it-nobody&k=5");
  EXPECT_EQ(for_you.at("source").as_string(), "popularity");
  EXPECT_EQ(Items(for_you).size(), 5u);

  const auto [id, sku] = FirstHit("DualSense%20Wireless%20Controller");
  json::value together = Get("/api/v1/products/" + std::to_string(id) + "/recommendations?kind=bought-together");
  EXPECT_EQ(together.at("source").as_string(), "bought-together-table");
  const json::array& items = Items(together, {id});
  EXPECT_TRUE(AnyTitleHas(items, {"charg", "camera"})) << json::serialize(together);

  json::value basket = Post("/api/v1/recommendations/basket", R"({"items": [")" + sku + R"("]})");
  EXPECT_EQ(basket.at("source").as_string(), "bought-together-table");
  Items(basket, {id});
}

TEST_F(RecommendHttpTest, ErrorsNameTheirFieldWithTheMappedStatus) {
  const auto [id, sku] = FirstHit("DualSense");
  const std::string product = "/api/v1/products/" + std::to_string(id) + "/recommendations";
  ExpectError("GET", "/api/v1/recommendations?k=0", "", 400, "k");
  ExpectError("GET", "/api/v1/recommendations?k=101", "", 400, "k");
  ExpectError("GET", "/api/v1/recommendations?k=ten", "", 400, "k");
  ExpectError("GET", product + "?kind=popular", "", 400, "kind");
  ExpectError("GET", product + "?k=1000", "", 400, "k");
  ExpectError("GET", "/api/v1/products/999999999/recommendations", "", 404, "id");
  ExpectError("GET", "/api/v1/products/not-a-number/recommendations", "", 404, "");
  ExpectError("POST", "/api/v1/recommendations/basket", "", 400, "body");
  ExpectError("POST", "/api/v1/recommendations/basket", "{\"items\": \"" + sku + "\"}", 400, "items");
  ExpectError("POST", "/api/v1/recommendations/basket", "{\"items\": [42]}", 400, "items");
  ExpectError("POST", "/api/v1/recommendations/basket", "{\"items\": [\"" + sku + "\"], \"k\": 0}", 400, "k");
  ExpectError("GET", "/api/v1/events", "", 405, "");
  ExpectError("DELETE", "/api/v1/recommendations/basket", "", 405, "");
}

TEST_F(RecommendHttpTest, EveryListCarriesItsSurfaceAndAListId) {
  UseModel();
  const auto [id, sku] = FirstHit("DualSense");
  const std::string product = "/api/v1/products/" + std::to_string(id) + "/recommendations";
  const std::vector<std::pair<json::value, std::string>> lists = {
      {Get("/api/v1/recommendations?user=nobody&k=5"), "for_you"},
      {Get(product + "?kind=similar&k=5"), "similar"},
      {Get(product + "?kind=bought-together&k=5"), "bought_together"},
      {Post("/api/v1/recommendations/basket", "{\"items\": [\"" + sku + "\"], \"k\": 5}"), "basket"}};
  std::set<std::string> ids;
  for (const auto& [v, surface] : lists) {
    ASSERT_TRUE(v.is_object()) << surface;
    EXPECT_EQ(v.at("surface").as_string(), surface);
    const std::string list_id(v.at("list_id").as_string());
    EXPECT_EQ(list_id.rfind("rl_", 0), 0u) << list_id;
    EXPECT_EQ(list_id.size(), 19u) << list_id;
    ids.insert(list_id);
  }
  EXPECT_EQ(ids.size(), lists.size()) << "list ids repeat";
}

TEST_F(RecommendHttpTest, ImpressionsAndClicksReachTheDashboardOncePerListAndItem) {
  UseModel();
  auto key = shop_->services().accounts->CreateApiKey("analytics-test", {orders::ApiScope::kAnalytics});
  ASSERT_TRUE(key.ok()) << key.error().ToString();
  auto analytics = [&] {
    auto reply = client_->Send("GET", "/api/v1/admin/analytics/recommendations", "",
                               {{"Authorization", "Bearer " + key->key}});
    EXPECT_TRUE(reply && reply->status == 200) << (reply ? reply->body : "no reply");
    return reply ? json::parse(reply->body) : json::value();
  };
  auto surface = [](const json::value& a, const char* name, const char* what) -> int64_t {
    const json::value* s = a.at("by_surface").as_object().if_contains(name);
    return s == nullptr ? 0 : s->at(what).as_int64();
  };
  const json::value before = analytics();

  const auto [id, sku] = FirstHit("DualSense");
  json::value list = Get("/api/v1/products/" + std::to_string(id) + "/recommendations?kind=bought-together&k=4");
  const std::string list_id(list.at("list_id").as_string());
  const json::array& items = Items(list);
  ASSERT_GE(items.size(), 2u);
  const std::string first(items[0].at("sku").as_string());
  const std::string impression =
      R"({"type":"impression","list_id":")" + list_id + R"(","surface":"bought_together","items":)" +
      std::to_string(items.size()) + "}";
  const std::string click =
      R"({"type":"click","list_id":")" + list_id + R"(","surface":"bought_together","item_id":")" + first +
      R"(","position":0})";
  // One impression and one click, each sent twice (a re-render, a double
  // click), plus three bad entries that are rejected by index and field.
  json::value r = Post("/api/v1/recommendations/feedback",
                       "{\"events\": [" + impression + "," + click + "," + impression + "," + click + "," +
                           R"({"type":"glance","list_id":"rl_0123456789abcdef","surface":"similar","items":1},)" +
                           R"({"type":"impression","list_id":"../etc","surface":"similar","items":1},)" +
                           R"({"type":"click","list_id":"rl_0123456789abcdef","surface":"homepage","item_id":"x"}]})");
  EXPECT_EQ(r.at("accepted").as_int64(), 4);
  EXPECT_EQ(r.at("stored").as_int64(), 2);
  EXPECT_EQ(r.at("duplicates").as_int64(), 2);
  const json::array& rejected = r.at("rejected").as_array();
  ASSERT_EQ(rejected.size(), 3u);
  EXPECT_EQ(rejected[0].at("index").as_int64(), 4);
  EXPECT_EQ(rejected[0].at("field").as_string(), "type");
  EXPECT_EQ(rejected[1].at("field").as_string(), "list_id");
  EXPECT_EQ(rejected[2].at("field").as_string(), "surface");

  const json::value after = analytics();
  EXPECT_TRUE(after.at("impressions_measured").as_bool());
  EXPECT_EQ(surface(after, "bought_together", "lists") - surface(before, "bought_together", "lists"), 1);
  EXPECT_EQ(surface(after, "bought_together", "items_shown") - surface(before, "bought_together", "items_shown"),
            static_cast<int64_t>(items.size()));
  EXPECT_EQ(surface(after, "bought_together", "clicks") - surface(before, "bought_together", "clicks"), 1);
  const json::object& bt = after.at("by_surface").at("bought_together").as_object();
  EXPECT_DOUBLE_EQ(bt.at("click_through").as_double(),
                   static_cast<double>(bt.at("clicks").as_int64()) / static_cast<double>(bt.at("items_shown").as_int64()));
  ASSERT_FALSE(after.at("daily").as_array().empty());
  const json::object& today = after.at("daily").as_array().back().as_object();
  EXPECT_GE(today.at("items_shown").as_int64(), static_cast<int64_t>(items.size()));
  EXPECT_GE(today.at("clicks").as_int64(), 1);
}

TEST_F(RecommendHttpTest, FeedbackBatchesAreCheckedWhole) {
  ExpectError("POST", "/api/v1/recommendations/feedback", "[]", 400, "events");
  ExpectError("POST", "/api/v1/recommendations/feedback", "{\"events\": []}", 400, "events");
  ExpectError("POST", "/api/v1/recommendations/feedback", "{\"events\": 3}", 400, "events");
  std::string many = "{\"events\": [";
  for (int i = 0; i < 101; ++i) {
    many += std::string(i ? "," : "") + R"({"type":"impression","list_id":"rl_toomany)" + std::to_string(i) +
            R"(","surface":"similar","items":1})";
  }
  ExpectError("POST", "/api/v1/recommendations/feedback", many + "]}", 413, "events");
  json::value r = Post("/api/v1/recommendations/feedback",
                       R"({"events": [{"type":"impression","list_id":"rl_zeroitems1","surface":"similar","items":0}]})");
  EXPECT_EQ(r.at("stored").as_int64(), 0);
  EXPECT_EQ(r.at("rejected").as_array().at(0).at("field").as_string(), "items");
}

TEST_F(RecommendHttpTest, ShopOrdersTeachTheRecommenderAndForYouFollowsTheSession) {
  Shopper alice = RegisterShopper(*client_, "recs");
  Shopper bob = RegisterShopper(*client_, "recs");
  // A shop account's list is for its own session only.
  const std::string alice_user = "acct:" + std::to_string(alice.id);
  EXPECT_EQ(testing::Call(*client_, "GET", "/api/v1/recommendations?user=" + alice_user).status, 403);
  HttpReply other = As(*client_, bob, "GET", "/api/v1/recommendations?user=" + alice_user);
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(ErrorField(other), "user");
  EXPECT_EQ(As(*client_, alice, "GET", "/api/v1/recommendations?user=" + alice_user).status, 200);

  // Alice orders a controller; the order is in the event log as her purchase.
  const auto [id, sku] = FirstHit("DualSense");
  HttpReply added = As(*client_, alice, "POST", "/api/v1/cart/items", R"({"sku":")" + sku + R"(","quantity":1})");
  ASSERT_EQ(added.status, 201) << added.body;
  HttpReply placed = As(*client_, alice, "POST", "/api/v1/checkout", R"({"shipping":{"region":"us-east"}})",
                        {{"Idempotency-Key", "recs-1"}});
  ASSERT_EQ(placed.status, 201) << placed.body;
  const int64_t order_id = Json(placed).at("id").as_int64();
  auto rows = shop_->services().db->Query("SELECT user_id, item_id, basket_id FROM events WHERE type = 'purchase' AND "
                                          "basket_id = ?", {"order:" + std::to_string(order_id)});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Text(0), alice_user);
  EXPECT_EQ((*rows)[0].Text(1), sku);

  // Trained on the shop's events, the recommender knows her: her session's
  // for-you list (no user named) is personal, not the anonymous trending one.
  std::string error;
  ASSERT_NE(TrainedModel(*shop_, &error), nullptr) << error;
  auto retrained = server::TrainAndPublishRecommender(shop_->services(), shop_->directory() + "/models-shop-orders");
  ASSERT_TRUE(retrained.ok()) << retrained.error().ToString();
  json::value anonymous = Json(testing::Call(*client_, "GET", "/api/v1/recommendations?k=5"));
  json::value hers = Json(As(*client_, alice, "GET", "/api/v1/recommendations?k=5"));
  UseModel();  // the other tests' model again
  ASSERT_TRUE(hers.is_object() && anonymous.is_object());
  auto ids = [](const json::value& v) {
    std::vector<int64_t> out;
    for (const json::value& item : v.at("items").as_array()) out.push_back(item.at("id").as_int64());
    return out;
  };
  EXPECT_NE(ids(hers), ids(anonymous));
  bool personal_reason = false;
  for (const json::value& item : hers.at("items").as_array()) {
    personal_reason = personal_reason || item.at("reason").as_string() != anonymous.at("items").at(0).at("reason").as_string();
  }
  EXPECT_TRUE(personal_reason) << json::serialize(hers);
}

}  // namespace
}  // namespace atelier::testing
