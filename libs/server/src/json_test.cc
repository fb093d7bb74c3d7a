#include "atelier/server/json.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "atelier/server/errors.h"

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

// Found by fuzz_api_bodies (fuzz/regressions/fuzz_api_bodies/
// invalid-utf8-in-error-message): a model upload with bytes that are not
// UTF-8 was answered with an error message quoting them, which made the
// answer invalid JSON.
TEST(JsonTest, AnswersAreWellFormedUtf8) {
  boost::json::object o;
  o["message"] = "unknown key 'id:\xff\xfe' and \xe2\x82 cut, \xed\xa0\x80 surrogate";
  o["fine"] = "caf\xc3\xa9 \xf0\x9f\x8e\x81";
  Response r = JsonResponse(o);
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(r.body, ec);
  ASSERT_FALSE(ec) << r.body;
  EXPECT_EQ(v.at("message").as_string(),
            "unknown key 'id:\xef\xbf\xbd\xef\xbf\xbd' and \xef\xbf\xbd\xef\xbf\xbd cut, "
            "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd surrogate");
  EXPECT_EQ(v.at("fine").as_string(), "caf\xc3\xa9 \xf0\x9f\x8e\x81");

  // Error answers too (their text is serialized apart).
  Response e = ErrorResponse(Error::InvalidArgument("unknown key '\x81label'", "yaml"));
  boost::json::parse(e.body, ec);
  EXPECT_FALSE(ec) << e.body;
}

TEST(JsonTest, SerializesMoneyAsMinorUnitsAndCurrency) {
  Response r = JsonResponse(MoneyJson({4999, "USD"}), 201);
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, R"({"amount":4999,"currency":"USD"})");
}

}  // namespace
}  // namespace atelier::server
