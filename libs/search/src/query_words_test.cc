#include "internal/query_words.h"

#include <gtest/gtest.h>

namespace atelier::search::internal {
namespace {

TEST(QueryWordsTest, LowersUnicodeText) {
  EXPECT_EQ(LowerUtf8("PlayStation CAFÉ"), "playstation café");
}

TEST(QueryWordsTest, SplitsOnNonWordCharactersWithOffsets) {
  std::string text = "wi-fi  café, ps5";
  auto words = SplitWords(text);
  ASSERT_EQ(words.size(), 4u);
  EXPECT_EQ(words[0].text, "wi");
  EXPECT_EQ(words[1].text, "fi");
  EXPECT_EQ(words[2].text, "café");
  EXPECT_EQ(text.substr(words[2].begin, words[2].end - words[2].begin), "café");
  EXPECT_EQ(words[3].text, "ps5");
  EXPECT_EQ(words[3].end, text.size());
}

TEST(QueryWordsTest, ReplacesWordsInPlace) {
  std::string text = "playstaton, controler ";
  auto words = SplitWords(text);
  EXPECT_EQ(ReplaceWords(text, words, {"playstation", "controller"}),
            "playstation, controller ");
  EXPECT_EQ(ReplaceWords(text, words, {"", "controller"}), "playstaton, controller ");
}

}  // namespace
}  // namespace atelier::search::internal
