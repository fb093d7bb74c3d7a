#include "atelier/core/money.h"

#include <gtest/gtest.h>

namespace atelier {
namespace {

TEST(MoneyTest, ParsesMajorUnitsIntoCents) {
  EXPECT_EQ(*ParseMinorUnits("12.34"), 1234);
  EXPECT_EQ(*ParseMinorUnits("12.5"), 1250);
  EXPECT_EQ(*ParseMinorUnits("12"), 1200);
  EXPECT_EQ(*ParseMinorUnits("-3.10"), -310);
  EXPECT_EQ(*ParseMinorUnits(" 0.07 "), 7);
}

TEST(MoneyTest, RejectsMalformedAmountsNamingTheField) {
  auto r = ParseMinorUnits("12.345", "price");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "price");
  EXPECT_FALSE(ParseMinorUnits("").ok());
  EXPECT_FALSE(ParseMinorUnits("abc").ok());
  EXPECT_FALSE(ParseMinorUnits("1.2.3").ok());
  EXPECT_FALSE(ParseMinorUnits("-").ok());
  EXPECT_FALSE(ParseMinorUnits("99999999999999999999").ok());
}

TEST(MoneyTest, FormatsMinorUnits) {
  EXPECT_EQ(FormatMinorUnits(1234), "12.34");
  EXPECT_EQ(FormatMinorUnits(-5), "-0.05");
  EXPECT_EQ(FormatMoney({129900, "USD"}), "$1299.00");
  EXPECT_EQ(FormatMoney({100, "EUR"}), "1.00 EUR");
}

TEST(MoneyTest, ValidatesCurrencyCodes) {
  EXPECT_TRUE(IsValidCurrency("USD"));
  EXPECT_FALSE(IsValidCurrency("usd"));
  EXPECT_FALSE(IsValidCurrency("US"));
}

}  // namespace
}  // namespace atelier
