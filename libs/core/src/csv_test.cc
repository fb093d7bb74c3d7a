#include "atelier/core/csv.h"

#include <gtest/gtest.h>

#include <sstream>

namespace atelier {
namespace {

std::vector<std::vector<std::string>> ReadAll(const std::string& text) {
  std::istringstream in(text);
  CsvReader reader(in);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> fields;
  while (true) {
    auto r = reader.Next(fields);
    EXPECT_TRUE(r.ok());
    if (!r.ok() || !*r) break;
    rows.push_back(fields);
  }
  return rows;
}

TEST(CsvTest, ReadsQuotedFieldsWithSeparatorsAndQuotes) {
  auto rows = ReadAll("a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][1], "x, y");
  EXPECT_EQ(rows[1][2], "say \"hi\"");
}

TEST(CsvTest, ReadsNewlinesInsideQuotesAndCrlf) {
  std::istringstream in("a,b\r\n\"line1\nline2\",z\r\nlast,row\r\n");
  CsvReader reader(in);
  std::vector<std::string> f;
  ASSERT_TRUE(*reader.Next(f));
  EXPECT_EQ(f[1], "b");
  ASSERT_TRUE(*reader.Next(f));
  EXPECT_EQ(f[0], "line1\nline2");
  EXPECT_EQ(reader.line(), 2);
  ASSERT_TRUE(*reader.Next(f));
  EXPECT_EQ(reader.line(), 4);
  EXPECT_EQ(f[1], "row");
}

TEST(CsvTest, ReportsUnterminatedQuoteWithItsLine) {
  std::istringstream in("a\n\"open\n");
  CsvReader reader(in);
  std::vector<std::string> f;
  ASSERT_TRUE(*reader.Next(f));
  auto r = reader.Next(f);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("line 2"), std::string::npos);
}

TEST(CsvTest, StripsByteOrderMarkAndFindsHeaderColumns) {
  std::istringstream in("\xEF\xBB\xBFUser_ID, item_id\n");
  CsvReader reader(in);
  std::vector<std::string> f;
  ASSERT_TRUE(*reader.Next(f));
  CsvHeader header(f);
  EXPECT_EQ(header.Find("user_id"), 0u);
  EXPECT_EQ(header.Find("item_id"), 1u);
  EXPECT_FALSE(header.Find("timestamp").has_value());
}

}  // namespace
}  // namespace atelier
