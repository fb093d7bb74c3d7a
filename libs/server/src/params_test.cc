#include "atelier/server/params.h"

#include <gtest/gtest.h>

namespace atelier::server {
namespace {

Request WithQuery(const std::string& query) {
  Request r;
  EXPECT_TRUE(r.ParseTarget("/x?" + query));
  return r;
}

TEST(ParamsTest, NegativePageIsInvalidNamingPage) {
  auto page = PageParamsOf(WithQuery("page=-1"));
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(page.error().field, "page");
}

TEST(ParamsTest, NonNumericAndEmptyIntegersAreInvalid) {
  EXPECT_EQ(PageParamsOf(WithQuery("page=two")).error().field, "page");
  EXPECT_EQ(PageParamsOf(WithQuery("per_page=")).error().field, "per_page");
  EXPECT_EQ(PageParamsOf(WithQuery("per_page=1000")).error().field, "per_page");
}

TEST(ParamsTest, AbsentPageParamsTakeDefaults) {
  auto page = PageParamsOf(WithQuery("q=x"), 24, 100);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->page, 1);
  EXPECT_EQ(page->per_page, 24);
  auto given = PageParamsOf(WithQuery("page=3&per_page=50"));
  ASSERT_TRUE(given.ok());
  EXPECT_EQ(given->page, 3);
  EXPECT_EQ(given->per_page, 50);
}

TEST(ParamsTest, MoneyParsesDecimalMajorUnits) {
  auto price = MoneyParam(WithQuery("min_price=49.99"), "min_price");
  ASSERT_TRUE(price.ok());
  EXPECT_EQ(**price, 4999);
  auto absent = MoneyParam(WithQuery(""), "min_price");
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());
}

TEST(ParamsTest, MalformedMoneyIsInvalidNamingTheParameter) {
  auto price = MoneyParam(WithQuery("min_price=abc"), "min_price");
  ASSERT_FALSE(price.ok());
  EXPECT_EQ(price.error().field, "min_price");
  EXPECT_EQ(MoneyParam(WithQuery("max_price=1.234"), "max_price").error().field, "max_price");
  EXPECT_EQ(MoneyParam(WithQuery("max_price=-5"), "max_price").error().field, "max_price");
}

TEST(ParamsTest, EnumAcceptsOnlyListedValues) {
  auto ok = EnumParam(WithQuery("sort=price_asc"), "sort", "relevance", {"relevance", "price_asc"});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, "price_asc");
  auto bad = EnumParam(WithQuery("sort=cheapest"), "sort", "relevance", {"relevance", "price_asc"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "sort");
}

TEST(ParamsTest, PathIdMustBeAPositiveInteger) {
  Request r;
  r.path_params = {{"id", "abc"}};
  auto id = PathIdParam(r, "id");
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().code, ErrorCode::kNotFound);
  r.path_params = {{"id", "17"}};
  EXPECT_EQ(*PathIdParam(r, "id"), 17);
}

}  // namespace
}  // namespace atelier::server
