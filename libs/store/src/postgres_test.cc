// PostgreSQL-only behaviour: SQL text adaptation, error mapping, migrations
// under concurrent opens, pool sizing, connection loss.

#include <gtest/gtest.h>

#include <thread>

#include "atelier/store/database.h"
#include "atelier/store/migrations.h"
#include "internal/postgres_sql.h"
#include "testing/local_postgres.h"

namespace atelier::store {
namespace {

TEST(PostgresSqlTest, NumbersPlaceholdersOutsideLiteralsAndComments) {
  EXPECT_EQ(internal::NumberPlaceholders("SELECT a FROM t WHERE b = ? AND c IN (?, ?)"),
            "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)");
  EXPECT_EQ(internal::NumberPlaceholders("SELECT '?', 'it''s ?', \"we?ird\" FROM t WHERE x = ?"),
            "SELECT '?', 'it''s ?', \"we?ird\" FROM t WHERE x = $1");
  EXPECT_EQ(internal::NumberPlaceholders("SELECT E'\\'?' , ? -- why?\n, ? /* and ? */ , $$?$$, $q$?$q$"),
            "SELECT E'\\'?' , $1 -- why?\n, $2 /* and ? */ , $$?$$, $q$?$q$");
  EXPECT_EQ(internal::NumberPlaceholders("no placeholders"), "no placeholders");
}

TEST(PostgresSqlTest, PoolParameterIsTakenOutOfTheUrl) {
  std::string error;
  auto url = internal::ParsePostgresUrl("postgresql://u@h:5/db?sslmode=disable&pool=3", &error);
  EXPECT_EQ(error, "");
  EXPECT_EQ(url.conninfo, "postgresql://u@h:5/db?sslmode=disable");
  EXPECT_EQ(url.pool, 3);
  url = internal::ParsePostgresUrl("postgresql://u@h/db?pool=2", &error);
  EXPECT_EQ(url.conninfo, "postgresql://u@h/db");
  internal::ParsePostgresUrl("postgresql://u@h/db?pool=zero", &error);
  EXPECT_NE(error, "");
  auto db = OpenDatabase("postgresql://u@h/db?pool=-1");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, ErrorCode::kInvalidArgument);
}

TEST(PostgresSqlTest, UnreachableServerIsUnavailable) {
  // Port 1 on loopback: nothing listens there.
  auto db = OpenDatabase("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, ErrorCode::kUnavailable);
}

class PostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto url = testing::LocalPostgres::SharedDatabase();
    if (!url.ok() && url.error().code == ErrorCode::kNotFound) GTEST_SKIP() << url.error().message;
    ASSERT_TRUE(url.ok()) << url.error().ToString();
    url_ = *url;
  }

  std::string url_;
};

TEST_F(PostgresTest, UniqueViolationIsAConflictNamingTheConstraint) {
  auto db = OpenDatabase(url_);
  ASSERT_TRUE(db.ok()) << db.error().ToString();
  ASSERT_TRUE((*db)->Exec("INSERT INTO brands (name) VALUES (?)", {std::string("Acme")}).ok());
  Status s = (*db)->Transact([](Session& tx) -> Status {
    ATELIER_RETURN_IF_ERROR(tx.Exec("INSERT INTO brands (name) VALUES (?)", {std::string("Acme")}));
    return Ok();
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kConflict);
  EXPECT_NE(s.error().message.find("brands_name_key"), std::string::npos) << s.error().message;
  // The row's values stay out of the message.
  EXPECT_EQ(s.error().message.find("Acme"), std::string::npos) << s.error().message;
}

TEST_F(PostgresTest, BodyThatIgnoresAFailedStatementDoesNotCommit) {
  auto db = std::move(OpenDatabase(url_).value());
  ASSERT_TRUE(db->Exec("INSERT INTO brands (name) VALUES ('A')").ok());
  Status s = db->Transact([](Session& tx) -> Status {
    (void)tx.Exec("INSERT INTO brands (name) VALUES ('B')");
    (void)tx.Exec("INSERT INTO brands (name) VALUES ('A')");
    return Ok();
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kConflict);
  EXPECT_EQ((*db->Query("SELECT COUNT(*) FROM brands"))[0].Int(0), 1);
}

TEST_F(PostgresTest, MigrationsRunOnceWhenTwoReplicasOpenAtOnce) {
  Result<std::unique_ptr<Database>> a = Error::Internal("not opened");
  Result<std::unique_ptr<Database>> b = Error::Internal("not opened");
  std::thread first([&] { a = OpenDatabase(url_); });
  std::thread second([&] { b = OpenDatabase(url_); });
  first.join();
  second.join();
  ASSERT_TRUE(a.ok()) << a.error().ToString();
  ASSERT_TRUE(b.ok()) << b.error().ToString();
  auto versions = (*a)->Query("SELECT version FROM schema_version ORDER BY version");
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), Migrations().size());
  for (size_t i = 0; i < Migrations().size(); ++i) EXPECT_EQ((*versions)[i].Int(0), Migrations()[i].version);
  // Migration 1 seeds one row; applied twice it would fail or duplicate.
  EXPECT_EQ((*(*b)->Query("SELECT COUNT(*) FROM snapshot_versions"))[0].Int(0), 1);
  EXPECT_EQ((*a)->schema_version(), Migrations().back().version);
  EXPECT_EQ((*b)->schema_version(), Migrations().back().version);
}

TEST_F(PostgresTest, PoolOfOneServesManyThreads) {
  auto db = std::move(OpenDatabase(url_ + "?pool=1").value());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&db, t] {
      for (int i = 0; i < 20; ++i) {
        auto r =
            db->Exec("INSERT INTO brands (name) VALUES (?)", {std::to_string(t) + "-" + std::to_string(i)});
        EXPECT_TRUE(r.ok()) << r.error().ToString();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ((*db->Query("SELECT COUNT(*) FROM brands"))[0].Int(0), 80);
  auto connections = db->Query("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()");
  ASSERT_TRUE(connections.ok());
  EXPECT_EQ((*connections)[0].Int(0), 1);
}

TEST_F(PostgresTest, LostConnectionIsUnavailableAndThePoolRecovers) {
  auto db = std::move(OpenDatabase(url_ + "?pool=1").value());
  auto pid = db->Query("SELECT pg_backend_pid()");
  ASSERT_TRUE(pid.ok());
  auto other = std::move(OpenDatabase(url_).value());
  ASSERT_TRUE(other->Query("SELECT pg_terminate_backend(?)", {(*pid)[0].Int(0)}).ok());
  auto lost = db->Query("SELECT 1");
  // libpqxx may transparently reconnect outside a transaction; when it does
  // not, the loss is reported as kUnavailable. Either way the next call works.
  if (!lost.ok()) {
    EXPECT_EQ(lost.error().code, ErrorCode::kUnavailable) << lost.error().ToString();
  }
  auto again = db->Query("SELECT 1");
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ((*again)[0].Int(0), 1);
}

}  // namespace
}  // namespace atelier::store
