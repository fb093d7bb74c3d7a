// The store's contract, run against every backend from the same test code:
// SQLite always, PostgreSQL when its binaries are installed (a throwaway
// server per test process, a fresh database per test).

#include "atelier/store/database.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "atelier/store/migrations.h"
#include "testing/local_postgres.h"

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

// Parameter: the backend name, "sqlite" or "postgresql".
class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql") {
      auto url = testing::LocalPostgres::SharedDatabase();
      if (!url.ok() && url.error().code == ErrorCode::kNotFound) GTEST_SKIP() << url.error().message;
      ASSERT_TRUE(url.ok()) << url.error().ToString();
      url_ = *url;
    } else {
      url_ = "sqlite://" + dir_.path() + "/shop.db";
    }
  }

  bool sqlite() const { return GetParam() == "sqlite"; }

  // A URL for a new, empty store of this backend; the same for every call
  // in a test (so reopening finds the data).
  const std::string& url() const { return url_; }

  std::unique_ptr<Database> Open() {
    auto db = OpenDatabase(url_);
    EXPECT_TRUE(db.ok()) << db.error().ToString();
    return db.ok() ? std::move(*db) : nullptr;
  }

  TempDir dir_;
  std::string url_;
};

TEST_P(StoreTest, AppliesAllMigrationsAtOpen) {
  auto db = Open();
  ASSERT_TRUE(db);
  EXPECT_EQ(db->schema_version(), Migrations().back().version);
  EXPECT_EQ(db->backend(), GetParam());
}

TEST(SqliteStoreTest, InMemoryStoreIsMigrated) {
  auto db = OpenDatabase("sqlite::memory:");
  ASSERT_TRUE(db.ok()) << db.error().ToString();
  EXPECT_EQ((*db)->schema_version(), Migrations().back().version);
  EXPECT_EQ((*db)->backend(), "sqlite");
}

TEST_P(StoreTest, ReopeningKeepsDataAndDoesNotReapplyMigrations) {
  {
    auto db = Open();
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->Exec("INSERT INTO brands (name) VALUES (?)", {std::string("Acme")}).ok());
  }
  auto db = Open();
  ASSERT_TRUE(db);
  auto rows = db->Query("SELECT name FROM brands");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Text(0), "Acme");
  auto versions = db->Query("SELECT COUNT(*) FROM schema_version");
  ASSERT_TRUE(versions.ok());
  EXPECT_EQ((*versions)[0].Int(0), static_cast<int64_t>(Migrations().size()));
  if (sqlite()) {
    auto mode = db->Query("PRAGMA journal_mode");
    ASSERT_TRUE(mode.ok());
    EXPECT_EQ((*mode)[0].Text(0), "wal");
  }
}

TEST_P(StoreTest, FailedTransactionLeavesNothingBehind) {
  auto db = Open();
  ASSERT_TRUE(db);
  Status s = db->Transact([](Session& tx) -> Status {
    ATELIER_RETURN_IF_ERROR(tx.Exec("INSERT INTO brands (name) VALUES ('A')"));
    return Error::Conflict("changed my mind");
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kConflict);
  auto rows = db->Query("SELECT COUNT(*) FROM brands");
  EXPECT_EQ((*rows)[0].Int(0), 0);
}

TEST_P(StoreTest, CommittedTransactionIsVisible) {
  auto db = Open();
  ASSERT_TRUE(db);
  int64_t id = 0;
  Status s = db->Transact([&id](Session& tx) -> Status {
    ATELIER_ASSIGN_OR_RETURN(
        auto rows, tx.Query("INSERT INTO brands (name) VALUES (?) RETURNING id", {std::string("Acme")}));
    id = rows.at(0).Int(0);
    return Ok();
  });
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  auto rows = db->Query("SELECT name FROM brands WHERE id = ?", {id});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Text(0), "Acme");
}

TEST_P(StoreTest, UniqueViolationIsAConflict) {
  auto db = Open();
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Exec("INSERT INTO brands (name) VALUES ('A')").ok());
  auto r = db->Exec("INSERT INTO brands (name) VALUES ('A')");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  // Callers (checkout's idempotency race) tell a unique race by the empty field.
  EXPECT_EQ(r.error().field, "");
}

TEST_P(StoreTest, ForeignKeysAreEnforced) {
  auto db = Open();
  ASSERT_TRUE(db);
  auto r = db->Exec(
      "INSERT INTO products (sku, title, category_id, price_amount, currency, created_at, updated_at) "
      "VALUES ('X', 'x', 999, 1, 'USD', 0, 0)");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
}

TEST_P(StoreTest, ValuesRoundTripByType) {
  auto db = Open();
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Exec("INSERT INTO login_limits (bucket, tokens, updated_ms) VALUES (?, ?, ?)",
                       {std::string("it's ? a bucket"), 2.5, int64_t{1} << 40})
                  .ok());
  ASSERT_TRUE(
      db->Exec("INSERT INTO categories (parent_id, slug, name) VALUES (?, 'c', 'C')", {Value()}).ok());
  auto rows = db->Query("SELECT bucket, tokens, updated_ms FROM login_limits WHERE bucket = ?",
                        {std::string("it's ? a bucket")});
  ASSERT_TRUE(rows.ok()) << rows.error().ToString();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(std::get<std::string>((*rows)[0][0]), "it's ? a bucket");
  EXPECT_EQ(std::get<double>((*rows)[0][1]), 2.5);
  EXPECT_EQ(std::get<int64_t>((*rows)[0][2]), int64_t{1} << 40);
  auto parent = db->Query("SELECT parent_id, '?' FROM categories WHERE slug = 'c'");
  ASSERT_TRUE(parent.ok()) << parent.error().ToString();
  EXPECT_TRUE((*parent)[0].IsNull(0));
  EXPECT_EQ((*parent)[0].Text(1), "?");
  auto sum = db->Query("SELECT SUM(updated_ms), COUNT(*) FROM login_limits");
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ(std::get<int64_t>((*sum)[0][0]), int64_t{1} << 40);
  EXPECT_EQ(std::get<int64_t>((*sum)[0][1]), 1);
}

TEST_P(StoreTest, ExecReportsChangedRows) {
  auto db = Open();
  ASSERT_TRUE(db);
  for (const char* name : {"a", "b", "c"}) {
    ASSERT_TRUE(db->Exec("INSERT INTO brands (name) VALUES (?)", {std::string(name)}).ok());
  }
  auto changed = db->Exec("UPDATE brands SET name = name || '!' WHERE name <> ?", {std::string("a")});
  ASSERT_TRUE(changed.ok()) << changed.error().ToString();
  EXPECT_EQ(*changed, 2);
}

TEST_P(StoreTest, QueryEachStreamsAndStopsEarly) {
  auto db = Open();
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Transact([](Session& tx) -> Status {
                  for (int i = 0; i < 2500; ++i) {
                    ATELIER_RETURN_IF_ERROR(
                        tx.Exec("INSERT INTO brands (name) VALUES (?)", {"b" + std::to_string(i)}));
                  }
                  return Ok();
                }).ok());
  int64_t seen = 0;
  ASSERT_TRUE(db->QueryEach("SELECT id, name FROM brands WHERE id > ? ORDER BY id", {int64_t{0}},
                            [&seen](const Row&) {
                              ++seen;
                              return true;
                            })
                  .ok());
  EXPECT_EQ(seen, 2500);
  seen = 0;
  ASSERT_TRUE(db->QueryEach("SELECT id FROM brands ORDER BY id", {}, [&seen](const Row&) {
                  return ++seen < 10;
                }).ok());
  EXPECT_EQ(seen, 10);
  // Inside a transaction too, and the transaction goes on after the scan.
  Status s = db->Transact([&seen](Session& tx) -> Status {
    seen = 0;
    ATELIER_RETURN_IF_ERROR(
        tx.QueryEach("SELECT id FROM brands", {}, [&seen](const Row&) { return ++seen < 3; }));
    return tx.Exec("DELETE FROM brands WHERE name = 'b0'").ok() ? Ok() : Error::Internal("delete failed");
  });
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(seen, 3);
  EXPECT_EQ((*db->Query("SELECT COUNT(*) FROM brands"))[0].Int(0), 2499);
}

TEST_P(StoreTest, ReadersSeeCommittedWritesFromOtherThreads) {
  auto db = Open();
  ASSERT_TRUE(db);
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

TEST_P(StoreTest, ConcurrentTransactionsLoseNoIncrement) {
  auto db = Open();
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Exec("INSERT INTO snapshot_versions (name, version) VALUES ('counter', 0)").ok());
  constexpr int kThreads = 8;
  constexpr int kIncrements = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        // Read-modify-write: only serializable isolation (or a retry of the
        // loser) keeps two of these from writing the same value.
        Status s = db->Transact([](Session& tx) -> Status {
          ATELIER_ASSIGN_OR_RETURN(auto rows,
                                   tx.Query("SELECT version FROM snapshot_versions WHERE name = 'counter'"));
          ATELIER_RETURN_IF_ERROR(tx.Exec("UPDATE snapshot_versions SET version = ? WHERE name = 'counter'",
                                          {rows.at(0).Int(0) + 1}));
          return Ok();
        });
        if (!s.ok()) {
          ADD_FAILURE() << s.error().ToString();
          ++failures;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto rows = db->Query("SELECT version FROM snapshot_versions WHERE name = 'counter'");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].Int(0), kThreads * kIncrements);
}

TEST(StoreUrlTest, RejectsUnknownUrlScheme) {
  auto db = OpenDatabase("mysql://x");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(db.error().field, "store");
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace atelier::store
