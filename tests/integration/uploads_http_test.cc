// Personalization pictures over real HTTP: the upload route takes a body as
// large as the picture field allows (the candy's printed picture: 10 MB)
// while every other route keeps the server's 1 MiB limit; a picture over
// its field's limit is refused before it is read, naming the field; and a
// picture travels from the upload through the cart into the order; and the
// picture is read back only by its owner or the merchant.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <string>

#include "atelier/orders/accounts.h"
#include "http_client.h"
#include "shop_api.h"
#include "test_shop.h"

namespace atelier::testing {
namespace {

namespace json = boost::json;

constexpr char kPicture[] = "/api/v1/uploads?model=candy&field=picture";

std::string Be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

// A PNG of `width` x `height` whose file is `bytes` long (a private chunk
// pads it, as a camera's metadata would).
std::string PngOfSize(uint32_t width, uint32_t height, size_t bytes) {
  std::string b = "\x89PNG\r\n\x1a\n";
  b += Be32(13) + "IHDR" + Be32(width) + Be32(height) + std::string("\x08\x02\x00\x00\x00", 5) + Be32(0);
  const std::string end = Be32(0) + "IEND" + Be32(0xae426082);
  const size_t overhead = b.size() + 12 + end.size();
  const size_t pad = bytes > overhead ? bytes - overhead : 0;
  b += Be32(static_cast<uint32_t>(pad)) + "atLr" + std::string(pad, '\x5a') + Be32(0);
  b += end;
  return b;
}

// A JPEG header (SOI, SOF0 with the dimensions, a scan): all the shop reads.
std::string Jpeg(int width, int height) {
  std::string b = "\xFF\xD8";
  const std::string frame = {'\xFF', '\xC0', 0, 11, '\x08', static_cast<char>(height >> 8), static_cast<char>(height),
                             static_cast<char>(width >> 8), static_cast<char>(width), '\x01', '\x01', '\x11', '\x00'};
  b += frame;
  b += std::string("\xFF\xDA\x00\x08\x01\x01\x00\x00\x3f\x00", 10) + "\x12\x34\xFF\xD9";
  return b;
}

// Each request goes on a connection of its own: a refused body closes its
// connection.
class UploadsHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    shop_ = TestShop::Get();
    ASSERT_NE(shop_, nullptr);
  }

  HttpReply Send(const std::string& method, const std::string& target, const std::string& body, Headers headers) {
    HttpClient fresh(shop_->port());
    return Call(fresh, method, target, body, std::move(headers));
  }

  HttpReply As(const Shopper& s, const std::string& method, const std::string& target, const std::string& body,
               Headers headers = {}) {
    HttpClient fresh(shop_->port());
    return testing::As(fresh, s, method, target, body, std::move(headers));
  }

  Shopper Register() {
    HttpClient fresh(shop_->port());
    return RegisterShopper(fresh, "pictures");
  }

  // Uploads `bytes` for the candy's picture; returns its id.
  std::string Upload(const Shopper& s, const std::string& bytes, const std::string& claimed_type) {
    HttpReply up = As(s, "POST", kPicture, bytes, {{"Content-Type", claimed_type}});
    EXPECT_EQ(up.status, 201) << up.body;
    return up.status == 201 ? std::string(Json(up).at("id").as_string()) : std::string();
  }

  std::string MerchantKey(orders::ApiScope scope) {
    auto key = shop_->services().accounts->CreateApiKey("pictures-test", {scope});
    EXPECT_TRUE(key.ok());
    return key.ok() ? key->key : std::string();
  }

  TestShop* shop_ = nullptr;
};

TEST_F(UploadsHttpTest, AFiveMegabytePictureIsAcceptedWhereOtherRoutesStopAtOneMebibyte) {
  Shopper s = Register();
  const std::string png = PngOfSize(1200, 900, 5'000'000);
  HttpReply up = As(s, "POST", kPicture, png, {{"Content-Type", "image/png"}});
  ASSERT_EQ(up.status, 201) << up.body;
  EXPECT_EQ(Json(up).at("bytes").as_int64(), static_cast<int64_t>(png.size()));
  EXPECT_EQ(Json(up).at("width").as_int64(), 1200);

  // Every other POST route keeps the server's limit: 2 MB is refused.
  const std::string two_mb(2'000'000, ' ');
  for (const char* target : {"/api/v1/cart/items", "/api/v1/models/candy/configure", "/api/v1/events"}) {
    HttpReply r = As(s, "POST", target, two_mb, {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 413) << target << ": " << r.body.substr(0, 200);
    EXPECT_EQ(r.Header("content-type"), "application/json") << target;
    EXPECT_EQ(ErrorCodeOf(r), "too_large") << target;
    EXPECT_EQ(ErrorField(r), "body") << target;
  }
}

TEST_F(UploadsHttpTest, APictureOverItsFieldsLimitIsRefusedNamingTheField) {
  Shopper s = Register();
  // 10 MB is the candy picture's max_bytes: one byte more is refused from
  // the Content-Length, before the body is read.
  const std::string over = PngOfSize(1200, 900, 10'000'001);
  const auto start = std::chrono::steady_clock::now();
  HttpReply r = As(s, "POST", kPicture, over, {{"Content-Type", "image/png"}});
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_EQ(ErrorCodeOf(r), "too_large");
  EXPECT_EQ(ErrorField(r), "body");
  EXPECT_NE(ErrorMember(r, "message").find("Printed picture"), std::string::npos) << r.body;
  EXPECT_NE(ErrorMember(r, "message").find("10000000"), std::string::npos) << r.body;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  // Exactly at the limit it is read and stored.
  HttpReply at_limit = As(s, "POST", kPicture, PngOfSize(1200, 900, 10'000'000), {{"Content-Type", "image/png"}});
  EXPECT_EQ(at_limit.status, 201) << at_limit.body;
}

TEST_F(UploadsHttpTest, APictureTravelsFromTheUploadThroughTheCartIntoTheOrder) {
  Shopper s = Register();
  HttpReply up = As(s, "POST", kPicture, PngOfSize(640, 480, 1'500'000), {{"Content-Type", "image/png"}});
  ASSERT_EQ(up.status, 201) << up.body;
  const std::string id(Json(up).at("id").as_string());

  HttpReply configured = Send("POST", "/api/v1/models/candy/configure", R"({"selections":{}})",
                              {{"Content-Type", "application/json"}});
  ASSERT_EQ(configured.status, 200) << configured.body;
  json::object line;
  line["model_id"] = "candy";
  line["selections"] = Json(configured).at("cheapest_completion");
  line["personalization"] = json::object{{"picture", id}, {"message", "ADA"}};
  HttpReply added = As(s, "POST", "/api/v1/cart/items", json::serialize(line), {{"Content-Type", "application/json"}});
  ASSERT_EQ(added.status, 201) << added.body;

  HttpReply placed = As(s, "POST", "/api/v1/checkout", R"({"shipping":{"region":"us-east"}})",
                        {{"Content-Type", "application/json"}, {"Idempotency-Key", "pictures-" + id}});
  ASSERT_TRUE(placed.status == 200 || placed.status == 201) << placed.body;
  const int64_t order_id = Json(placed).at("id").as_int64();
  HttpReply order = As(s, "GET", "/api/v1/orders/" + std::to_string(order_id), "");
  ASSERT_EQ(order.status, 200) << order.body;
  const json::value body = Json(order);
  const json::object& p = body.at("lines").at(0).at("configured").at("personalization").as_object();
  const std::string picture(p.at("picture").as_string());
  EXPECT_EQ(picture, id + "|image/png|1500000|640x480");
  EXPECT_EQ(p.at("message").as_string(), "ADA");
}

TEST_F(UploadsHttpTest, TheOwnerReadsTheirPictureBackWithItsSniffedTypeAndCacheHeaders) {
  Shopper s = Register();
  const std::string png = PngOfSize(480, 480, 4000);
  const std::string id = Upload(s, png, "application/octet-stream");
  HttpReply got = As(s, "GET", "/api/v1/uploads/" + id, "");
  ASSERT_EQ(got.status, 200) << got.body.substr(0, 200);
  EXPECT_EQ(got.body, png);
  EXPECT_EQ(got.Header("content-type"), "image/png");
  EXPECT_EQ(got.Header("x-content-type-options"), "nosniff");
  EXPECT_NE(got.Header("cache-control").find("private"), std::string::npos) << got.Header("cache-control");
  EXPECT_EQ(got.Header("etag"), "\"" + id + "\"");

  // The same picture again: 304 without the bytes.
  HttpReply again = As(s, "GET", "/api/v1/uploads/" + id, "", {{"If-None-Match", got.Header("etag")}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(again.Header("etag"), got.Header("etag"));
  // Another tag: the bytes.
  EXPECT_EQ(As(s, "GET", "/api/v1/uploads/" + id, "", {{"If-None-Match", "\"upl_other\""}}).status, 200);

  // A JPEG sent as "image/png" is served as what it is.
  const std::string jpeg = Jpeg(640, 480);
  const std::string jpeg_id = Upload(s, jpeg, "image/png");
  HttpReply j = As(s, "GET", "/api/v1/uploads/" + jpeg_id, "");
  ASSERT_EQ(j.status, 200) << j.body.substr(0, 200);
  EXPECT_EQ(j.Header("content-type"), "image/jpeg");
  EXPECT_EQ(j.body, jpeg);
}

TEST_F(UploadsHttpTest, NobodyButTheOwnerOrTheMerchantReadsAPicture) {
  Shopper owner = Register();
  Shopper other = Register();
  const std::string png = PngOfSize(400, 400, 3000);
  const std::string id = Upload(owner, png, "image/png");
  const std::string path = "/api/v1/uploads/" + id;

  // Another shopper: the 404 of an unknown id, never 403, also when
  // revalidating with the right tag.
  HttpReply theirs = As(other, "GET", path, "");
  EXPECT_EQ(theirs.status, 404) << theirs.body;
  EXPECT_EQ(ErrorCodeOf(theirs), "not_found");
  EXPECT_EQ(theirs.body.find(png.substr(0, 8)), std::string::npos);
  EXPECT_EQ(As(other, "GET", path, "", {{"If-None-Match", "\"" + id + "\""}}).status, 404);
  const std::string unknown = "/api/v1/uploads/upl_" + std::string(32, '0');
  HttpReply none = As(owner, "GET", unknown, "");
  EXPECT_EQ(none.status, 404);
  EXPECT_EQ(ErrorCodeOf(none), "not_found");
  EXPECT_EQ(As(owner, "GET", "/api/v1/uploads/not-an-upload", "").status, 404);
  EXPECT_EQ(As(owner, "GET", "/api/v1/uploads/upl_%2e%2e%2fsecret", "").status, 404);

  // No session: log in first.
  HttpReply anonymous = Send("GET", path, "", {});
  EXPECT_EQ(anonymous.status, 401) << anonymous.body;
  EXPECT_EQ(Send("GET", path, "", {{"Cookie", "atelier_session=forged"}}).status, 401);

  // The merchant with scope orders reads any picture; other scopes and
  // unknown keys do not.
  HttpReply merchant = Send("GET", path, "", {{"Authorization", "Bearer " + MerchantKey(orders::ApiScope::kOrders)}});
  ASSERT_EQ(merchant.status, 200) << merchant.body.substr(0, 200);
  EXPECT_EQ(merchant.body, png);
  EXPECT_EQ(merchant.Header("content-type"), "image/png");
  EXPECT_EQ(Send("GET", unknown, "", {{"Authorization", "Bearer " + MerchantKey(orders::ApiScope::kOrders)}}).status,
            404);
  EXPECT_EQ(Send("GET", path, "", {{"Authorization", "Bearer " + MerchantKey(orders::ApiScope::kCatalog)}}).status,
            403);
  EXPECT_EQ(Send("GET", path, "", {{"Authorization", "Bearer not-a-key"}}).status, 401);
}

}  // namespace
}  // namespace atelier::testing
