// The demo shop over real HTTP: catalog, search, errors, metrics, static
// files, against the real HttpServer on a loopback port.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>
#include <string>

#include "atelier/catalog/snapshot.h"
#include "atelier/core/strings.h"
#include "atelier/server/services.h"
#include "http_client.h"
#include "test_shop.h"

namespace atelier::testing {
namespace {

namespace json = boost::json;

class ShopHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    shop_ = TestShop::Get();
    ASSERT_NE(shop_, nullptr);
    client_ = std::make_unique<HttpClient>(shop_->port());
    ASSERT_TRUE(client_->Connect());
  }

  // GETs `target`, expects `status` and a JSON body, returns it parsed.
  json::value GetJson(const std::string& target, int status = 200) {
    auto reply = client_->Get(target);
    if (!reply) {
      ADD_FAILURE() << "no reply for " << target;
      return nullptr;
    }
    EXPECT_EQ(reply->status, status) << target << ": " << reply->body;
    EXPECT_EQ(reply->Header("content-type"), "application/json") << target;
    boost::system::error_code ec;
    json::value v = json::parse(reply->body, ec);
    EXPECT_FALSE(ec) << target << ": " << reply->body;
    return v;
  }

  // Expects an error reply with `status`, `code` and `field`.
  void ExpectError(const std::string& target, int status, const std::string& code, const std::string& field) {
    json::value v = GetJson(target, status);
    ASSERT_TRUE(v.is_object()) << target;
    const json::object& error = v.at("error").as_object();
    EXPECT_EQ(error.at("code").as_string(), code) << target;
    EXPECT_FALSE(error.at("message").as_string().empty()) << target;
    if (field.empty()) {
      EXPECT_TRUE(error.at("field").is_null() || error.at("field").is_string()) << target;
    } else {
      ASSERT_TRUE(error.at("field").is_string()) << target;
      EXPECT_EQ(error.at("field").as_string(), field) << target;
    }
  }

  int64_t FirstProductIdOf(const std::string& query) {
    json::value v = GetJson("/api/v1/search?q=" + query + "&per_page=1");
    const auto& items = v.at("items").as_array();
    if (items.empty()) {
      ADD_FAILURE() << "no product for " << query;
      return 0;
    }
    return items[0].at("id").as_int64();
  }

  static std::string Lower(json::string_view s) { return ToLower(std::string_view(s.data(), s.size())); }

  TestShop* shop_ = nullptr;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(ShopHttpTest, HealthzReportsTheLoadedCatalog) {
  json::value v = GetJson("/healthz");
  EXPECT_EQ(v.at("status").as_string(), "ok");
  EXPECT_EQ(v.at("catalog_version").as_int64(), shop_->services().catalog.Get()->version());
  EXPECT_TRUE(v.at("search_ready").as_bool());
}

TEST_F(ShopHttpTest, CategoriesAreATreeWithProductCounts) {
  json::value v = GetJson("/api/v1/categories");
  const auto& top = v.at("categories").as_array();
  EXPECT_GE(top.size(), 12u);
  int64_t total = 0;
  std::set<std::string> slugs;
  for (const auto& c : top) {
    slugs.insert(std::string(c.at("slug").as_string()));
    const int64_t count = c.at("product_count").as_int64();
    total += count;
    int64_t children_sum = 0;
    for (const auto& child : c.at("children").as_array()) {
      EXPECT_EQ(child.at("parent_id").as_int64(), c.at("id").as_int64());
      children_sum += child.at("product_count").as_int64();
    }
    // A parent counts its subtree: at least what its children hold.
    EXPECT_GE(count, children_sum) << c.at("slug").as_string();
  }
  EXPECT_EQ(total, static_cast<int64_t>(shop_->services().catalog.Get()->products().size()));
}

TEST_F(ShopHttpTest, ProductsPageWithTotalAndCategoryFilter) {
  json::value all = GetJson("/api/v1/products?per_page=7&page=2");
  EXPECT_EQ(all.at("items").as_array().size(), 7u);
  EXPECT_EQ(all.at("page").as_int64(), 2);
  EXPECT_EQ(all.at("per_page").as_int64(), 7);
  const int64_t total = all.at("total").as_int64();
  EXPECT_EQ(total, static_cast<int64_t>(shop_->services().catalog.Get()->products().size()));

  json::value categories = GetJson("/api/v1/categories");
  const auto& first = categories.at("categories").as_array()[0];
  const std::string slug(first.at("slug").as_string());
  json::value some = GetJson("/api/v1/products?category=" + slug + "&per_page=100");
  EXPECT_EQ(some.at("total").as_int64(), first.at("product_count").as_int64());
  auto catalog = shop_->services().catalog.Get();
  const int64_t root = catalog->FindCategoryBySlug(slug)->id;
  for (const auto& item : some.at("items").as_array()) {
    EXPECT_TRUE(catalog->InCategory(item.at("category").at("id").as_int64(), root));
  }
  ExpectError("/api/v1/products?category=no-such-category", 400, "invalid_argument", "category");
}

TEST_F(ShopHttpTest, ProductHasPathAttributesImagesAndStockByLocation) {
  auto catalog = shop_->services().catalog.Get();
  const catalog::Product* stocked = nullptr;
  for (const auto& p : catalog->products()) {
    if (catalog->StockOf(p.id).size() >= 2 && !p.attributes.empty() && p.model_id.empty()) {
      stocked = &p;
      break;
    }
  }
  ASSERT_NE(stocked, nullptr);
  json::value v = GetJson("/api/v1/products/" + std::to_string(stocked->id));
  EXPECT_EQ(v.at("id").as_int64(), stocked->id);
  EXPECT_EQ(v.at("sku").as_string(), stocked->sku);
  EXPECT_EQ(v.at("price").at("amount").as_int64(), stocked->price.amount);
  EXPECT_EQ(v.at("price").at("currency").as_string(), "USD");
  const auto& path = v.at("category_path").as_array();
  ASSERT_GE(path.size(), 1u);
  EXPECT_EQ(path.back().at("id").as_int64(), stocked->category_id);
  EXPECT_EQ(v.at("attributes").as_object().size(), stocked->attributes.size());
  EXPECT_EQ(v.at("images").as_array().size(), stocked->images.size());
  const auto& stock = v.at("stock").as_array();
  ASSERT_EQ(stock.size(), catalog->StockOf(stocked->id).size());
  int64_t sum = 0;
  for (const auto& unit : stock) {
    const std::string type(unit.at("location").at("type").as_string());
    EXPECT_TRUE(type == "distribution_centre" || type == "dealer" || type == "plant" || type == "store") << type;
    EXPECT_TRUE(unit.at("location").at("region").is_string());
    sum += unit.at("quantity").as_int64();
  }
  EXPECT_EQ(v.at("total_stock").as_int64(), sum);
  EXPECT_TRUE(v.at("model_id").is_null());
}

TEST_F(ShopHttpTest, ConfigurableProductCarriesItsModelId) {
  auto catalog = shop_->services().catalog.Get();
  const catalog::Product* suv = catalog->FindProductBySku("AUTO-SUV-TRAILHEAD");
  ASSERT_NE(suv, nullptr);
  json::value v = GetJson("/api/v1/products/" + std::to_string(suv->id));
  EXPECT_EQ(v.at("model_id").as_string(), suv->model_id);
  EXPECT_TRUE(v.at("configurable").as_bool());
}

TEST_F(ShopHttpTest, UnknownProductIs404) {
  ExpectError("/api/v1/products/999999999", 404, "not_found", "id");
  ExpectError("/api/v1/products/not-a-number", 404, "not_found", "id");
}

TEST_F(ShopHttpTest, SearchFindsPlayStationControllersWithFacets) {
  json::value v = GetJson("/api/v1/search?q=playstation%20controller");
  const auto& items = v.at("items").as_array();
  ASSERT_FALSE(items.empty());
  EXPECT_GT(v.at("total").as_int64(), 0);
  for (size_t i = 0; i < std::min<size_t>(items.size(), 3); ++i) {
    const std::string title = Lower(items[i].at("title").as_string());
    EXPECT_NE(title.find("controller"), std::string::npos) << title;
  }
  EXPECT_TRUE(v.at("suggestion").is_null());
  const auto& facets = v.at("facets").as_object();
  ASSERT_FALSE(facets.at("category").as_array().empty());
  ASSERT_FALSE(facets.at("brand").as_array().empty());
  ASSERT_FALSE(facets.at("price").as_array().empty());
  int64_t in_buckets = 0;
  for (const auto& b : facets.at("price").as_array()) in_buckets += b.at("count").as_int64();
  EXPECT_EQ(in_buckets, v.at("total").as_int64());
}

TEST_F(ShopHttpTest, SearchOffersAccessoriesBoughtWithTheResults) {
  json::value v = GetJson("/api/v1/search?q=playstation%20controller");
  const auto& accessories = v.at("accessories").as_array();
  ASSERT_FALSE(accessories.empty());
  std::set<int64_t> results;
  for (const auto& item : v.at("items").as_array()) results.insert(item.at("id").as_int64());
  bool charger_or_camera = false;
  for (const auto& a : accessories) {
    EXPECT_FALSE(results.count(a.at("id").as_int64()) && results.size() <= 5);
    EXPECT_TRUE(StartsWith(std::string(a.at("reason").as_string()), "Often bought with"));
    const std::string title = Lower(a.at("title").as_string());
    charger_or_camera = charger_or_camera || title.find("charg") != std::string::npos ||
                        title.find("camera") != std::string::npos;
  }
  EXPECT_TRUE(charger_or_camera) << json::serialize(accessories);
}

TEST_F(ShopHttpTest, TypoQueryFindsControllersAndSuggestsTheSpelling) {
  json::value v = GetJson("/api/v1/search?q=playstaton%20controler");
  ASSERT_TRUE(v.at("suggestion").is_string());
  EXPECT_EQ(v.at("suggestion").as_string(), "playstation controller");
  const auto& items = v.at("items").as_array();
  ASSERT_FALSE(items.empty());
  const std::string title = Lower(items[0].at("title").as_string());
  EXPECT_NE(title.find("controller"), std::string::npos) << title;
}

TEST_F(ShopHttpTest, SearchFiltersByPriceAndSortsByPrice) {
  json::value v = GetJson("/api/v1/search?q=controller&min_price=20&max_price=60.50&sort=price_asc&per_page=50");
  const auto& items = v.at("items").as_array();
  ASSERT_FALSE(items.empty());
  int64_t previous = 0;
  for (const auto& item : items) {
    const int64_t amount = item.at("price").at("amount").as_int64();
    EXPECT_GE(amount, 2000);
    EXPECT_LE(amount, 6050);
    EXPECT_GE(amount, previous);
    previous = amount;
  }
}

TEST_F(ShopHttpTest, SearchFiltersByBrand) {
  json::value all = GetJson("/api/v1/search?q=controller");
  const auto& brands = all.at("facets").at("brand").as_array();
  ASSERT_FALSE(brands.empty());
  const std::string brand(brands[0].at("name").as_string());
  std::string encoded;
  for (char c : brand) encoded += c == ' ' ? std::string("%20") : std::string(1, c);
  json::value some = GetJson("/api/v1/search?q=controller&per_page=100&brand=" + encoded);
  EXPECT_EQ(some.at("total").as_int64(), brands[0].at("count").as_int64());
  for (const auto& item : some.at("items").as_array()) EXPECT_EQ(item.at("brand").as_string(), brand);
}

TEST_F(ShopHttpTest, BadParametersAre400NamingTheParameter) {
  ExpectError("/api/v1/search?q=x&page=-1", 400, "invalid_argument", "page");
  ExpectError("/api/v1/search?q=x&min_price=abc", 400, "invalid_argument", "min_price");
  ExpectError("/api/v1/search?q=x&max_price=1.999", 400, "invalid_argument", "max_price");
  ExpectError("/api/v1/search?q=x&sort=cheapest", 400, "invalid_argument", "sort");
  ExpectError("/api/v1/search?q=x&per_page=0", 400, "invalid_argument", "per_page");
  ExpectError("/api/v1/products?page=-1", 400, "invalid_argument", "page");
  ExpectError("/api/v1/search?category=nope", 400, "invalid_argument", "category");
}

TEST_F(ShopHttpTest, UnknownRouteIs404Json) {
  ExpectError("/api/v1/no-such-thing", 404, "not_found", "path");
}

TEST_F(ShopHttpTest, WrongMethodIs405WithAllow) {
  auto reply = client_->Send("POST", "/api/v1/products/1", "{}", {{"Content-Type", "application/json"}});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 405);
  EXPECT_EQ(reply->Header("allow"), "GET, HEAD");
  EXPECT_EQ(json::parse(reply->body).at("error").at("code").as_string(), "method_not_allowed");
}

TEST_F(ShopHttpTest, TooLargeBodyIs413) {
  const std::string big((1 << 20) + 1, 'x');
  auto reply = client_->Send("POST", "/api/v1/products", big, {{"Content-Type", "application/json"}});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 413);
  EXPECT_EQ(json::parse(reply->body).at("error").at("code").as_string(), "too_large");
  EXPECT_FALSE(reply->keep_alive);
}

TEST_F(ShopHttpTest, HugeHeaderIs431) {
  auto reply = client_->Send("GET", "/healthz", "", {{"X-Padding", std::string(16 << 10, 'a')}});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 431);
  EXPECT_EQ(json::parse(reply->body).at("error").at("field").as_string(), "headers");
}

TEST_F(ShopHttpTest, MalformedRequestIs400) {
  ASSERT_TRUE(client_->WriteRaw("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: banana\r\n\r\n"));
  auto reply = client_->ReadReply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 400);
}

TEST_F(ShopHttpTest, KeepAliveServesManyRequestsOnOneConnection) {
  for (int i = 0; i < 10; ++i) {
    auto reply = client_->Get(i % 2 ? "/healthz" : "/api/v1/products?per_page=1");
    ASSERT_TRUE(reply) << i;
    EXPECT_EQ(reply->status, 200);
    EXPECT_TRUE(reply->keep_alive);
    EXPECT_TRUE(client_->connected());
  }
}

TEST_F(ShopHttpTest, PipelinedRequestsAreAnsweredInOrder) {
  ASSERT_TRUE(client_->WriteRaw(
      "GET /api/v1/products/999999999 HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto first = client_->ReadReply();
  auto second = client_->ReadReply();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->status, 404);
  EXPECT_EQ(second->status, 200);
}

TEST_F(ShopHttpTest, HeadReturnsHeadersWithoutBody) {
  auto get = client_->Get("/api/v1/categories");
  auto head = client_->Send("HEAD", "/api/v1/categories");
  ASSERT_TRUE(get && head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("content-length"), std::to_string(get->body.size()));
  auto after = client_->Get("/healthz");  // the connection is still in step
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
}

TEST_F(ShopHttpTest, MetricsCountRequestsPerRoutePattern) {
  GetJson("/api/v1/products/999999998", 404);
  auto reply = client_->Get("/metrics");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_TRUE(StartsWith(reply->Header("content-type"), "text/plain"));
  EXPECT_NE(reply->body.find("atelier_http_requests_total{route=\"/api/v1/products/{id}\",status=\"404\"}"),
            std::string::npos);
  EXPECT_NE(reply->body.find("atelier_http_request_duration_seconds_bucket{route=\"/api/v1/products/{id}\""),
            std::string::npos);
  const std::string gauge =
      "atelier_snapshot_version{name=\"catalog\"} " + std::to_string(shop_->services().catalog.Get()->version());
  EXPECT_NE(reply->body.find(gauge), std::string::npos);
}

TEST_F(ShopHttpTest, ServesTheOpenApiDocument) {
  json::value v = GetJson("/api/v1/openapi.json");
  EXPECT_EQ(v.at("openapi").as_string().subview(0, 3), "3.1");
  EXPECT_TRUE(v.at("paths").as_object().contains("/api/v1/search"));
}

TEST_F(ShopHttpTest, ServesTheStorefrontWithCachingAndSecurityHeaders) {
  auto index = client_->Get("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_EQ(index->Header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(index->Header("cache-control"), "no-cache");
  EXPECT_NE(index->Header("content-security-policy").find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(index->Header("x-content-type-options"), "nosniff");

  auto asset = client_->Send("GET", "/assets/app.5e1f.js", "", {{"Accept-Encoding", "gzip, br"}});
  ASSERT_TRUE(asset);
  EXPECT_EQ(asset->status, 200);
  EXPECT_EQ(asset->Header("content-encoding"), "gzip");
  EXPECT_EQ(asset->Header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(asset->Header("cache-control"), "public, max-age=31536000, immutable");

  auto route = client_->Get("/products/42");  // a storefront route
  ASSERT_TRUE(route);
  EXPECT_EQ(route->status, 200);
  EXPECT_EQ(route->body, index->body);
}

TEST_F(ShopHttpTest, RefusesPathTraversal) {
  for (const char* target : {"/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt",
                             "/assets/%2E%2E/%2E%2E/secret.txt", "/..\\secret.txt"}) {
    ASSERT_TRUE(client_->WriteRaw(std::string("GET ") + target + " HTTP/1.1\r\nHost: x\r\n\r\n")) << target;
    auto reply = client_->ReadReply();
    ASSERT_TRUE(reply) << target;
    EXPECT_GE(reply->status, 400) << target;
    EXPECT_EQ(reply->body.find("top secret"), std::string::npos) << target;
  }
}

TEST_F(ShopHttpTest, ProductJsonFollowsANewlyPublishedCatalog) {
  server::Services& services = shop_->services();
  auto before = services.catalog.Get();
  const catalog::Product& product = before->products().front();
  const std::string target = "/api/v1/products/" + std::to_string(product.id);
  EXPECT_EQ(GetJson(target).at("title").as_string(), product.title);  // now cached

  catalog::CatalogData data;
  data.categories = before->categories();
  data.products = before->products();
  data.locations = before->locations();
  data.products.front().title = "Renamed in version " + std::to_string(before->version() + 1);
  services.catalog.Publish(catalog::CatalogSnapshot::Build(std::move(data), before->version() + 1));
  EXPECT_EQ(GetJson(target).at("title").as_string(), "Renamed in version " + std::to_string(before->version() + 1));

  services.catalog.Publish(before);
  EXPECT_EQ(GetJson(target).at("title").as_string(), product.title);
}

}  // namespace
}  // namespace atelier::testing
