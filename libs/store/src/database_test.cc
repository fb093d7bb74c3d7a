#include "atelier/store/database.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "atelier/store/migrations.h"

namespace atelier::store {
namespace {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/atelier-store-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(StoreTest, AppliesAllMigrationsAtOpen) {
  auto db = OpenDatabase("sqlite::memory:");
  ASSERT_TRUE(db.ok()) << db.error().ToString();
  EXPECT_EQ((*db)->schema_version(), Migrations().back().version);
  EXPECT_EQ((*db)->backend(), "sqlite");
}

TEST(StoreTest, ReopeningKeepsDataAndDoesNotReapplyMigrations) {
  TempDir dir;
  std::string url = "sqlite://" + dir.path() + "/shop.db";
  {
    auto db = OpenDatabase(url);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("INSERT INTO brands (name) VALUES (?)", {std::string("Acme")}).ok());
  }
  auto db = OpenDatabase(url);
  ASSERT_TRUE(db.ok()) << db.error().ToString();
  auto rows = (*db)->Query("SELECT name FROM brands");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Text(0), "Acme");
  auto mode = (*db)->Query("PRAGMA journal_mode");
  ASSERT_TRUE(mode.ok());
  EXPECT_EQ((*mode)[0].Text(0), "wal");
}

TEST(StoreTest, FailedTransactionLeavesNothingBehind) {
  auto db = std::move(OpenDatabase("sqlite::memory:").value());
  Status s = db->Transact([](Session& tx) -> Status {
    ATELIER_RETURN_IF_ERROR(tx.Exec("INSERT INTO brands (name) VALUES ('A')"));
    return Error::Conflict("changed my mind");
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kConflict);
  auto rows = db->Query("SELECT COUNT(*) FROM brands");
  EXPECT_EQ((*rows)[0].Int(0), 0);
}

TEST(StoreTest, UniqueViolationIsAConflict) {
  auto db = std::move(OpenDatabase("sqlite::memory:").value());
  ASSERT_TRUE(db->Exec("INSERT INTO brands (name) VALUES ('A')").ok());
  auto r = db->Exec("INSERT INTO brands (name) VALUES ('A')");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
}

TEST(StoreTest, ForeignKeysAreEnforced) {
  auto db = std::move(OpenDatabase("sqlite::memory:").value());
  auto r = db->Exec(
      "INSERT INTO products (sku, title, category_id, price_amount, currency, created_at, updated_at) "
      "VALUES ('X', 'x', 999, 1, 'USD', 0, 0)");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
}

TEST(StoreTest, ReadersSeeCommittedWritesFromOtherThreads) {
  TempDir dir;
  auto db = std::move(OpenDatabase("sqlite://" + dir.path() + "/c.db").value());
  std::thread writer([&] {
    for (int i = 0; i < 200; ++i) {
      ASSERT_TRUE(db->Exec("INSERT INTO brands (name) VALUES (?)", {"b" + std::to_string(i)}).ok());
    }
  });
  int64_t last = 0;
  for (int i = 0; i < 200; ++i) {
    auto rows = db->Query("SELECT COUNT(*) FROM brands");
    ASSERT_TRUE(rows.ok()) << rows.error().ToString();
    int64_t now = (*rows)[0].Int(0);
    EXPECT_GE(now, last);
    last = now;
  }
  writer.join();
  EXPECT_EQ((*db->Query("SELECT COUNT(*) FROM brands"))[0].Int(0), 200);
}

TEST(StoreTest, RejectsUnknownUrlScheme) {
  auto db = OpenDatabase("mysql://x");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(db.error().field, "store");
}

}  // namespace
}  // namespace atelier::store
