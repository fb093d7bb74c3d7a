// InsertEvents on both backends (SQLite always, PostgreSQL when its
// binaries are installed): rows land with every column, repeats are
// skipped and counted out, batches cross the multi-row statement size, and
// a bad row fails its transaction without leaving part of the batch.

#include "atelier/store/events.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

#include "atelier/store/database.h"
#include "testing/local_postgres.h"

namespace atelier::store {
namespace {

class EventsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql") {
      auto url = testing::LocalPostgres::SharedDatabase();
      if (!url.ok() && url.error().code == ErrorCode::kNotFound) GTEST_SKIP() << url.error().message;
      ASSERT_TRUE(url.ok()) << url.error().ToString();
      url_ = *url;
    } else {
      char tmpl[] = "/tmp/atelier-events-XXXXXX";
      dir_ = mkdtemp(tmpl);
      url_ = "sqlite://" + dir_ + "/shop.db";
    }
    auto db = OpenDatabase(url_);
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    db_ = std::move(*db);
    // The PostgreSQL database is shared by the suite: ids unique per test.
    prefix_ = std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
              std::to_string(getpid()) + "-";
  }
  void TearDown() override {
    db_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  Result<int64_t> Insert(const std::vector<EventRow>& rows) {
    int64_t stored = 0;
    Status s = db_->Transact([&](Session& tx) -> Status {
      ATELIER_ASSIGN_OR_RETURN(stored, InsertEvents(tx, rows));
      return Ok();
    });
    if (!s.ok()) return s.error();
    return stored;
  }

  int64_t Count() {
    auto rows = db_->Query("SELECT COUNT(*) FROM events WHERE event_id LIKE ?", {prefix_ + "%"});
    EXPECT_TRUE(rows.ok());
    return rows.ok() ? (*rows)[0].Int(0) : -1;
  }

  EventRow Row(int i, std::string type = "view") {
    return {prefix_ + std::to_string(i), std::move(type), "u" + std::to_string(i % 7), "sku-" + std::to_string(i),
            "b" + std::to_string(i / 3), 1 + i % 4, "", 1700000000 + i};
  }

  std::string dir_, url_, prefix_;
  std::unique_ptr<Database> db_;
};

TEST_P(EventsTest, StoresEveryColumn) {
  EventRow search{prefix_ + "s", "search", "acct:9", "", "", 1, "playstation controller", 1700000123};
  auto stored = Insert({Row(1, "purchase"), search});
  ASSERT_TRUE(stored.ok()) << stored.error().ToString();
  EXPECT_EQ(*stored, 2);
  auto rows = db_->Query(
      "SELECT event_id, type, user_id, item_id, basket_id, quantity, query, ts FROM events WHERE event_id LIKE ? "
      "ORDER BY event_id",
      {prefix_ + "%"});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  const auto& p = (*rows)[0];
  EXPECT_EQ(p.Text(1), "purchase");
  EXPECT_EQ(p.Text(2), "u1");
  EXPECT_EQ(p.Text(3), "sku-1");
  EXPECT_EQ(p.Text(4), "b0");
  EXPECT_EQ(p.Int(5), 2);
  EXPECT_EQ(p.Int(7), 1700000001);
  const auto& s = (*rows)[1];
  EXPECT_EQ(s.Text(1), "search");
  EXPECT_EQ(s.Text(2), "acct:9");
  EXPECT_EQ(s.Text(6), "playstation controller");
}

TEST_P(EventsTest, RepeatsAreSkippedAndNotCounted) {
  std::vector<EventRow> first;
  for (int i = 0; i < 250; ++i) first.push_back(Row(i));
  auto stored = Insert(first);
  ASSERT_TRUE(stored.ok()) << stored.error().ToString();
  EXPECT_EQ(*stored, 250);
  // Half old, half new, across the statement boundary of 100 rows.
  std::vector<EventRow> second;
  for (int i = 125; i < 375; ++i) second.push_back(Row(i, "cart"));
  stored = Insert(second);
  ASSERT_TRUE(stored.ok()) << stored.error().ToString();
  EXPECT_EQ(*stored, 125);
  EXPECT_EQ(Count(), 375);
  // The first write of an id wins: a repeat does not change the row.
  auto type = db_->Query("SELECT type FROM events WHERE event_id = ?", {prefix_ + "130"});
  ASSERT_TRUE(type.ok());
  EXPECT_EQ((*type)[0].Text(0), "view");
}

TEST_P(EventsTest, ABadRowFailsTheWholeTransaction) {
  std::vector<EventRow> rows;
  for (int i = 0; i < 150; ++i) rows.push_back(Row(i));
  rows.push_back(Row(150, "wishlist"));  // not a type the table takes
  auto stored = Insert(rows);
  EXPECT_FALSE(stored.ok());
  EXPECT_EQ(Count(), 0);
}

TEST_P(EventsTest, NothingToInsertStoresNothing) {
  auto stored = Insert({});
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(*stored, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, EventsTest, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace atelier::store
