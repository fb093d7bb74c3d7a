// `atelier migrate` end to end: a small demo shop in SQLite, copied by the
// real binary into a throwaway PostgreSQL 15; every table's count matches.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "atelier/demo/demo_shop.h"
#include "atelier/store/copy.h"
#include "atelier/store/database.h"
#include "testing/local_postgres.h"

namespace atelier {
namespace {

struct Ran {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

Ran RunAtelier(const std::string& args) {
  Ran out;
  FILE* p = popen((std::string(ATELIER_BIN) + " " + args + " 2>&1").c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.output.append(buf, n);
  const int status = pclose(p);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

int64_t Count(store::Database& db, const std::string& table) {
  auto rows = db.Query("SELECT COUNT(*) FROM " + table);
  EXPECT_TRUE(rows.ok()) << table << ": " << rows.error().ToString();
  return rows.ok() ? (*rows)[0].Int(0) : -1;
}

// A demo shop small enough to seed and copy in about a second.
demo::DemoOptions SmallDemo() {
  demo::DemoOptions options;
  options.product_count = 300;
  options.user_count = 60;
  options.history_days = 30;
  options.suv_units = 6;
  return options;
}

class MigrateCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = store::testing::LocalPostgres::Shared();
    if (!server.ok() && server.error().code == ErrorCode::kNotFound) GTEST_SKIP() << server.error().message;
    ASSERT_TRUE(server.ok()) << server.error().ToString();
    server_ = *server;
    char tmpl[] = "/tmp/atelier-migrate-XXXXXX";
    dir_ = mkdtemp(tmpl);
    source_url_ = "sqlite://" + dir_ + "/atelier.db";
    auto db = store::OpenDatabase(source_url_);
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    auto seeded = demo::SeedDemoShop(**db, SmallDemo());
    ASSERT_TRUE(seeded.ok()) << seeded.error().ToString();
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  store::testing::LocalPostgres* server_ = nullptr;
  std::string dir_;
  std::string source_url_;
};

TEST_F(MigrateCliTest, CopiesASqliteShopIntoPostgresWithEqualCounts) {
  auto target_url = server_->CreateDatabase();
  ASSERT_TRUE(target_url.ok()) << target_url.error().ToString();
  Ran ran = RunAtelier("migrate --from " + source_url_ + " --to " + *target_url + " --batch-size 250");
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_NE(ran.output.find("counts match"), std::string::npos) << ran.output;

  auto source = std::move(store::OpenDatabase(source_url_).value());
  auto target = std::move(store::OpenDatabase(*target_url).value());
  for (const char* table : {"categories", "brands", "products", "locations", "stock_units", "events",
                            "snapshot_versions", "product_models", "plant_capacity", "transit_times"}) {
    EXPECT_EQ(Count(*target, table), Count(*source, table)) << table;
    EXPECT_NE(ran.output.find(table), std::string::npos) << table << " missing from the report:\n"
                                                         << ran.output;
  }
  EXPECT_GT(Count(*target, "products"), 0);
  EXPECT_GT(Count(*target, "events"), 0);
  // The copy is readable the way the shop reads it.
  auto product = target->Query(
      "SELECT p.sku, c.slug FROM products p JOIN categories c ON c.id = p.category_id "
      "ORDER BY p.id LIMIT 1");
  ASSERT_TRUE(product.ok()) << product.error().ToString();
  auto original = source->Query(
      "SELECT p.sku, c.slug FROM products p JOIN categories c ON c.id = p.category_id "
      "ORDER BY p.id LIMIT 1");
  EXPECT_EQ((*product)[0].Text(0), (*original)[0].Text(0));
  EXPECT_EQ((*product)[0].Text(1), (*original)[0].Text(1));
}

TEST_F(MigrateCliTest, RefusesANonEmptyTargetUnlessForced) {
  auto target_url = server_->CreateDatabase();
  ASSERT_TRUE(target_url.ok()) << target_url.error().ToString();
  ASSERT_EQ(RunAtelier("migrate --from " + source_url_ + " --to " + *target_url).exit_code, 0);

  Ran refused = RunAtelier("migrate --from " + source_url_ + " --to " + *target_url);
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_NE(refused.output.find("--force"), std::string::npos) << refused.output;

  Ran forced = RunAtelier("migrate --from " + source_url_ + " --to " + *target_url + " --force");
  EXPECT_EQ(forced.exit_code, 0) << forced.output;
  auto source = std::move(store::OpenDatabase(source_url_).value());
  auto target = std::move(store::OpenDatabase(*target_url).value());
  EXPECT_EQ(Count(*target, "products"), Count(*source, "products"));
}

TEST_F(MigrateCliTest, MissingSourceIsAnError) {
  Ran ran = RunAtelier("migrate --from sqlite://" + dir_ + "/absent.db --to sqlite://" + dir_ + "/copy.db");
  EXPECT_EQ(ran.exit_code, 1) << ran.output;
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/absent.db"));
}

// The demo shop's own writes (multi-row upserts, RETURNING) run on PostgreSQL
// too: seeding it there gives the same counts as in SQLite.
TEST_F(MigrateCliTest, DemoShopSeedsStraightIntoPostgres) {
  auto target_url = server_->CreateDatabase();
  ASSERT_TRUE(target_url.ok()) << target_url.error().ToString();
  auto target = std::move(store::OpenDatabase(*target_url).value());
  auto seeded = demo::SeedDemoShop(*target, SmallDemo());
  ASSERT_TRUE(seeded.ok()) << seeded.error().ToString();
  auto source = std::move(store::OpenDatabase(source_url_).value());
  for (const char* table : {"categories", "products", "stock_units", "events", "product_models"}) {
    EXPECT_EQ(Count(*target, table), Count(*source, table)) << table;
  }
}

}  // namespace
}  // namespace atelier
