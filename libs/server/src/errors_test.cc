#include "atelier/server/errors.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace atelier::server {
namespace {

TEST(ErrorsTest, MapsEveryCodeToItsStatus) {
  EXPECT_EQ(HttpStatusFor(ErrorCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kUnauthorized), 401);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kForbidden), 403);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kConflict), 409);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kTooLarge), 413);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kInternal), 500);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kUnavailable), 503);
}

TEST(ErrorsTest, ErrorBodyHasCodeMessageAndField) {
  Response r = ErrorResponse(Error::InvalidArgument("page must be >= 1", "page"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.content_type, "application/json");
  auto body = boost::json::parse(r.body).as_object();
  const auto& error = body.at("error").as_object();
  EXPECT_EQ(error.at("code").as_string(), "invalid_argument");
  EXPECT_EQ(error.at("message").as_string(), "page must be >= 1");
  EXPECT_EQ(error.at("field").as_string(), "page");
}

TEST(ErrorsTest, MissingFieldIsNull) {
  auto body = boost::json::parse(ErrorResponse(Error::Unavailable("loading")).body).as_object();
  EXPECT_TRUE(body.at("error").at("field").is_null());
}

TEST(ErrorsTest, EscapesMessages) {
  auto body = boost::json::parse(ErrorResponse(Error::NotFound("no \"x\"\n")).body).as_object();
  EXPECT_EQ(body.at("error").at("message").as_string(), "no \"x\"\n");
}

TEST(ErrorsTest, TransportErrorsHaveTheirStatuses) {
  EXPECT_EQ(MethodNotAllowedResponse("PUT", "GET").status, 405);
  EXPECT_EQ(HeaderTooLargeResponse(8192).status, 431);
  EXPECT_EQ(BodyTooLargeResponse(1024).status, 413);
  EXPECT_EQ(MalformedRequestResponse("bad").status, 400);
}

TEST(ErrorsTest, RateLimitedAnswersSayWhenToComeBack) {
  Error limited = Error::RateLimited("too many checkouts", "checkout");
  limited.retry_after_seconds = 42;
  Response r = ErrorResponse(limited);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.Header("Retry-After"), std::optional<std::string_view>("42"));
  // A 429 whose wait is unknown still says when to come back.
  EXPECT_EQ(ErrorResponse(Error::RateLimited("slow down")).Header("Retry-After"),
            std::optional<std::string_view>("1"));
  EXPECT_FALSE(ErrorResponse(Error::Conflict("taken")).Header("Retry-After").has_value());
}

}  // namespace
}  // namespace atelier::server
