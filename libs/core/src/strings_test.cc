#include "atelier/core/strings.h"

#include <gtest/gtest.h>

namespace atelier {
namespace {

TEST(StringsTest, SlugifiesNames) {
  EXPECT_EQ(Slugify("Video Games & Consoles"), "video-games-consoles");
  EXPECT_EQ(Slugify("  Lawn/Garden "), "lawn-garden");
}

TEST(StringsTest, ParsesNumbersStrictly) {
  EXPECT_EQ(ParseInt("42"), 42);
  EXPECT_FALSE(ParseInt("42x").has_value());
  EXPECT_FALSE(ParseInt("").has_value());
  EXPECT_DOUBLE_EQ(*ParseDouble("10.5"), 10.5);
  EXPECT_FALSE(ParseDouble("abc").has_value());
}

TEST(StringsTest, SplitsAndJoins) {
  auto parts = Split("a>b>c", '>');
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(Join(parts, "/"), "a/b/c");
  EXPECT_EQ(Split("", ',').size(), 1u);
}

}  // namespace
}  // namespace atelier
