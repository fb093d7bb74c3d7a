#include "atelier/server/json.h"

#include <gtest/gtest.h>

namespace atelier::server {
namespace {

Request WithBody(std::string body) {
  Request r;
  r.method = "POST";
  r.body = std::move(body);
  return r;
}

TEST(JsonTest, ParsesABodyObject) {
  auto v = ParseJsonBody(WithBody(R"({"sku": "A-1", "quantity": 2})"));
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_EQ(v->at("quantity").as_int64(), 2);
}

TEST(JsonTest, RejectsEmptyTruncatedAndTrailingBodiesNamingTheBody) {
  for (const char* body : {"", "{\"a\": ", "{} {}", "not json"}) {
    auto v = ParseJsonBody(WithBody(body));
    ASSERT_FALSE(v.ok()) << body;
    EXPECT_EQ(v.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(v.error().field, "body");
  }
}

TEST(JsonTest, SerializesMoneyAsMinorUnitsAndCurrency) {
  Response r = JsonResponse(MoneyJson({4999, "USD"}), 201);
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, R"({"amount":4999,"currency":"USD"})");
}

}  // namespace
}  // namespace atelier::server
