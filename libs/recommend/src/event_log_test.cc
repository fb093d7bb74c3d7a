#include "atelier/recommend/event_log.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <sstream>

namespace atelier::recommend {
namespace {

EventLog Read(const std::string& text, EventFormat format, LoadReport& report) {
  std::istringstream in(text);
  EventLogBuilder builder;
  Status s = ReadEvents(in, format, {}, builder, report);
  EXPECT_TRUE(s.ok()) << s.error().ToString();
  return std::move(builder).Finish();
}

TEST(EventLogTest, GenericCsvReadsColumnsInAnyOrderAndIgnoresExtras) {
  LoadReport report;
  EventLog log = Read(
      "extra,timestamp,item_id,user_id,basket_id,quantity,event\n"
      "x,2024-01-02T10:00:00Z,sku-2,alice,o1,2,purchase\n"
      "y,1704189600,sku-1,bob,,1,view\n",
      EventFormat::kGeneric, report);
  ASSERT_EQ(log.events.size(), 2u);
  EXPECT_EQ(report.loaded, 2);
  EXPECT_EQ(report.bad, 0);
  EXPECT_TRUE(log.has_users);
  EXPECT_TRUE(log.has_baskets);
  const Event& first = log.events[0];
  EXPECT_EQ(log.user_ids[first.user], "alice");
  EXPECT_EQ(log.item_ids[first.item], "sku-2");
  EXPECT_EQ(log.basket_ids[first.basket], "o1");
  EXPECT_EQ(first.ts, 1704189600);
  EXPECT_FLOAT_EQ(first.quantity, 2.0f);
  EXPECT_EQ(log.events[1].type, EventType::kView);
  EXPECT_EQ(log.events[1].basket, kNone);
}

TEST(EventLogTest, ItemsAndUsersAreNumberedInSortedIdOrder) {
  LoadReport report;
  EventLog log = Read("user_id,item_id,timestamp\nu2,b,1\nu1,c,2\nu1,a,3\n", EventFormat::kGeneric, report);
  EXPECT_EQ(log.item_ids, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(log.user_ids, (std::vector<std::string>{"u1", "u2"}));
  EXPECT_EQ(log.events[0].item, 1u);
  EXPECT_EQ(log.events[0].user, 1u);
  EXPECT_EQ(log.events[2].item, 0u);
}

TEST(EventLogTest, BadRowsAreCountedAndTheFirstFewReportedWithLineNumbers) {
  LoadReport report;
  std::string text = "user_id,item_id,timestamp,event\n";
  text += "u1,a,yesterday,purchase\n";   // line 2: bad time
  text += "u1,,5,purchase\n";            // line 3: empty item
  text += "u1,a,5,teleport\n";           // line 4: bad event
  text += "u1\n";                        // line 5: too few fields
  text += "u1,a,5,purchase\n";           // line 6: fine
  for (int i = 0; i < 10; ++i) text += "u1,a,oops,purchase\n";
  EventLog log = Read(text, EventFormat::kGeneric, report);
  EXPECT_EQ(report.rows, 15);
  EXPECT_EQ(report.loaded, 1);
  EXPECT_EQ(report.bad, 14);
  ASSERT_EQ(report.first_errors.size(), 5u);
  EXPECT_EQ(report.first_errors[0].rfind("line 2:", 0), 0u) << report.first_errors[0];
  EXPECT_EQ(report.first_errors[1].rfind("line 3:", 0), 0u) << report.first_errors[1];
  EXPECT_EQ(report.first_errors[2].rfind("line 4:", 0), 0u) << report.first_errors[2];
  EXPECT_EQ(report.first_errors[3].rfind("line 5:", 0), 0u) << report.first_errors[3];
  EXPECT_EQ(log.events.size(), 1u);
}

TEST(EventLogTest, GenericHeaderWithoutItemIdIsAnError) {
  std::istringstream in("user_id,timestamp\nu1,5\n");
  EventLogBuilder builder;
  LoadReport report;
  Status s = ReadEvents(in, EventFormat::kGeneric, {}, builder, report);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.error().field, "item_id");
}

TEST(EventLogTest, UciAdapterKeepsOnlyCustomerPurchasesOfProducts) {
  LoadReport report;
  EventLog log = Read(
      "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
      "536365,85123A,\"HEART, WHITE\",6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n"
      "536366,22633,HAND WARMER,6,2010-12-01 08:28:00,1.85,,United Kingdom\n"      // no customer
      "C536379,22633,HAND WARMER,-1,2010-12-01 09:41:00,1.85,14527,United Kingdom\n"  // cancelled
      "536370,POST,POSTAGE,3,2010-12-01 08:45:00,18,12583,France\n"                 // not a product
      "536371,22086,PAPER CHAIN,0,2010-12-01 09:00:00,2.55,13748,United Kingdom\n"  // quantity 0
      "536372,22087,PAPER CHAIN,1,2010-12-01 09:01:00,0,13748,United Kingdom\n"     // price 0
      "536373,22088,PAPER CHAIN,x,2010-12-01 09:01:00,1,13748,United Kingdom\n",    // bad quantity
      EventFormat::kUciOnlineRetail, report);
  ASSERT_EQ(log.events.size(), 1u);
  EXPECT_EQ(log.item_ids[log.events[0].item], "85123A");
  EXPECT_EQ(log.basket_ids[log.events[0].basket], "536365");
  EXPECT_EQ(log.user_ids[log.events[0].user], "17850");
  EXPECT_EQ(report.filtered, 5);
  EXPECT_EQ(report.bad, 1);
}

TEST(EventLogTest, GroceriesBasketIdIsTheLineNumber) {
  LoadReport report;
  EventLog log = Read("milk,bread\nsoda\n\nbeer, chips ,beer\n", EventFormat::kGroceries, report);
  EXPECT_FALSE(log.has_users);
  EXPECT_TRUE(log.has_baskets);
  ASSERT_EQ(log.events.size(), 6u);
  EXPECT_EQ(log.basket_ids[log.events[0].basket], "1");
  EXPECT_EQ(log.basket_ids[log.events[2].basket], "2");
  EXPECT_EQ(log.basket_ids[log.events[3].basket], "4");
  EXPECT_EQ(log.item_ids[log.events[4].item], "chips");
}

TEST(EventLogTest, MovieLensFormatsGiveOneInteractionPerRating) {
  LoadReport report;
  EventLog log = Read("196\t242\t3\t881250949\n186\t302\t3\t891717742\n", EventFormat::kMovieLens100k, report);
  ASSERT_EQ(log.events.size(), 2u);
  EXPECT_FALSE(log.has_baskets);
  EXPECT_EQ(log.events[0].ts, 881250949);
  LoadReport report2;
  EventLog latest = Read("userId,movieId,rating,timestamp\n1,1,4.0,964982703\n", EventFormat::kMovieLensLatest, report2);
  ASSERT_EQ(latest.events.size(), 1u);
  EXPECT_EQ(latest.user_ids[0], "1");
}

TEST(EventLogTest, LoadsGzipCompressedFilesByContent) {
  char path[] = "/tmp/atelier-events-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  gzFile gz = gzopen(path, "wb");
  ASSERT_NE(gz, nullptr);
  std::string text = "user_id,item_id,timestamp\nu1,a,1\nu2,b,2\n";
  gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
  gzclose(gz);
  LoadReport report;
  auto log = LoadEventLog(path, EventFormat::kGeneric, {}, report);
  unlink(path);
  ASSERT_TRUE(log.ok()) << log.error().ToString();
  EXPECT_EQ(log->events.size(), 2u);
}

TEST(EventLogTest, MissingFileIsNotFound) {
  LoadReport report;
  auto log = LoadEventLog("/nonexistent/events.csv", EventFormat::kGeneric, {}, report);
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace atelier::recommend
