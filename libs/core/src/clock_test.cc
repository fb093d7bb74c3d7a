#include "atelier/core/clock.h"

#include <gtest/gtest.h>

namespace atelier {
namespace {

TEST(ClockTest, ParsesIso8601Forms) {
  EXPECT_EQ(*ParseTimestamp("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseTimestamp("2010-12-01 08:26:00"), 1291191960);
  EXPECT_EQ(*ParseTimestamp("2010-12-01T08:26"), 1291191960);
  EXPECT_EQ(*ParseTimestamp("2010-12-01T09:26:00+01:00"), 1291191960);
  EXPECT_EQ(*ParseTimestamp("2010-12-01T08:26:00.250Z"), 1291191960);
  EXPECT_EQ(*ParseTimestamp("2010-12-01"), 1291161600);
}

TEST(ClockTest, ParsesIntegerSecondsAndUsDates) {
  EXPECT_EQ(*ParseTimestamp("881250949"), 881250949);
  EXPECT_EQ(*ParseTimestamp("12/1/2010 8:26"), 1291191960);
}

TEST(ClockTest, RejectsGarbage) {
  EXPECT_FALSE(ParseTimestamp("").has_value());
  EXPECT_FALSE(ParseTimestamp("yesterday").has_value());
  EXPECT_FALSE(ParseTimestamp("2010-13-01").has_value());
  EXPECT_FALSE(ParseTimestamp("2010-12-01X").has_value());
}

TEST(ClockTest, FormatsRoundTrip) {
  EXPECT_EQ(FormatIso8601(1291191960), "2010-12-01T08:26:00Z");
  EXPECT_EQ(FormatDate(1291191960), "2010-12-01");
}

}  // namespace
}  // namespace atelier
