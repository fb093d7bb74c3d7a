// CopyStore from a SQLite store to each backend.

#include "atelier/store/copy.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "testing/local_postgres.h"

namespace atelier::store {
namespace {

class CopyStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/atelier-copy-XXXXXX";
    dir_ = mkdtemp(tmpl);
    if (GetParam() == "postgresql") {
      auto url = testing::LocalPostgres::SharedDatabase();
      if (!url.ok() && url.error().code == ErrorCode::kNotFound) GTEST_SKIP() << url.error().message;
      ASSERT_TRUE(url.ok()) << url.error().ToString();
      target_url_ = *url;
    } else {
      target_url_ = "sqlite://" + dir_ + "/target.db";
    }
    source_ = std::move(OpenDatabase("sqlite://" + dir_ + "/source.db").value());
    target_ = std::move(OpenDatabase(target_url_).value());
  }
  void TearDown() override {
    source_.reset();
    target_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A small shop: a category whose parent has a higher id, brands with a gap
  // in their ids, a product, stock and events.
  void FillSource() {
    Status s = source_->Transact([](Session& tx) -> Status {
      ATELIER_RETURN_IF_ERROR(
          tx.Exec("INSERT INTO categories (id, slug, name) VALUES (1, 'child', 'Child')"));
      ATELIER_RETURN_IF_ERROR(
          tx.Exec("INSERT INTO categories (id, slug, name) VALUES (2, 'parent', 'Parent')"));
      ATELIER_RETURN_IF_ERROR(tx.Exec("UPDATE categories SET parent_id = 2 WHERE id = 1"));
      ATELIER_RETURN_IF_ERROR(tx.Exec("INSERT INTO brands (id, name) VALUES (1, 'A'), (7, 'B')"));
      ATELIER_RETURN_IF_ERROR(
          tx.Exec("INSERT INTO products (sku, title, brand_id, category_id, price_amount, currency, "
                  "created_at, updated_at) "
                  "VALUES ('SKU-1', 'Thing', 7, 1, 1999, 'USD', 1, 2)"));
      ATELIER_RETURN_IF_ERROR(tx.Exec(
          "INSERT INTO locations (code, name, type) VALUES ('DC1', 'Centre', 'distribution_centre')"));
      ATELIER_RETURN_IF_ERROR(tx.Exec(
          "INSERT INTO stock_units (product_id, location_id, quantity, updated_at) VALUES (1, 1, 5, 0)"));
      ATELIER_RETURN_IF_ERROR(
          tx.Exec("INSERT INTO login_limits (bucket, tokens, updated_ms) VALUES ('b', 1.5, 9)"));
      ATELIER_RETURN_IF_ERROR(tx.Exec("UPDATE snapshot_versions SET version = 4 WHERE name = 'catalog'"));
      for (int i = 0; i < 2345; ++i) {
        ATELIER_RETURN_IF_ERROR(
            tx.Exec("INSERT INTO events (event_id, type, item_id, ts) VALUES (?, 'view', ?, ?)",
                    {"e" + std::to_string(i), std::string("SKU-1"), int64_t{i}}));
      }
      return Ok();
    });
    ASSERT_TRUE(s.ok()) << s.error().ToString();
  }

  std::string dir_;
  std::string target_url_;
  std::unique_ptr<Database> source_;
  std::unique_ptr<Database> target_;
};

int64_t Count(Database& db, const std::string& table) {
  return (*db.Query("SELECT COUNT(*) FROM " + table))[0].Int(0);
}

TEST_P(CopyStoreTest, CopiesEveryTableWithItsIdsAndCounts) {
  FillSource();
  int64_t last_progress = -1;
  int64_t progress_total = 0;
  CopyOptions options;
  options.batch_rows = 500;
  options.on_progress = [&](int64_t copied, int64_t total) {
    EXPECT_GE(copied, last_progress);
    last_progress = copied;
    progress_total = total;
  };
  auto counts = CopyStore(*source_, *target_, options);
  ASSERT_TRUE(counts.ok()) << counts.error().ToString();
  EXPECT_EQ(last_progress, progress_total);
  for (const TableCount& c : *counts) {
    EXPECT_EQ(c.source_rows, c.target_rows) << c.table;
    EXPECT_EQ(c.target_rows, Count(*target_, c.table)) << c.table;
  }
  // Parents come before children.
  auto position = [&](const std::string& t) {
    return std::find_if(counts->begin(), counts->end(), [&](const TableCount& c) { return c.table == t; }) -
           counts->begin();
  };
  EXPECT_LT(position("categories"), position("products"));
  EXPECT_LT(position("products"), position("stock_units"));
  EXPECT_LT(position("orders"), position("order_lines"));
  EXPECT_EQ(Count(*target_, "events"), 2345);

  auto child = target_->Query("SELECT parent_id FROM categories WHERE slug = 'child'");
  EXPECT_EQ((*child)[0].Int(0), 2);
  auto product =
      target_->Query("SELECT b.name, p.price_amount FROM products p JOIN brands b ON b.id = p.brand_id");
  ASSERT_EQ(product->size(), 1u);
  EXPECT_EQ((*product)[0].Text(0), "B");
  EXPECT_EQ((*product)[0].Int(1), 1999);
  EXPECT_EQ((*target_->Query("SELECT tokens FROM login_limits"))[0].Real(0), 1.5);
  EXPECT_EQ((*target_->Query("SELECT version FROM snapshot_versions WHERE name = 'catalog'"))[0].Int(0), 4);
  // New rows get ids past the copied ones.
  int64_t fresh_id = 0;
  Status inserted = target_->Transact([&fresh_id](Session& tx) -> Status {
    ATELIER_ASSIGN_OR_RETURN(auto rows, tx.Query("INSERT INTO brands (name) VALUES ('C') RETURNING id"));
    fresh_id = rows.at(0).Int(0);
    return Ok();
  });
  ASSERT_TRUE(inserted.ok()) << inserted.error().ToString();
  EXPECT_EQ(fresh_id, 8);
}

TEST_P(CopyStoreTest, RefusesATargetWithDataUnlessReplacing) {
  FillSource();
  ASSERT_TRUE(target_->Exec("INSERT INTO brands (name) VALUES ('Already here')").ok());
  auto refused = CopyStore(*source_, *target_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_EQ(Count(*target_, "brands"), 1);

  CopyOptions replace;
  replace.replace_target = true;
  auto copied = CopyStore(*source_, *target_, replace);
  ASSERT_TRUE(copied.ok()) << copied.error().ToString();
  EXPECT_EQ(Count(*target_, "brands"), 2);
  EXPECT_EQ(Count(*target_, "events"), 2345);
}

TEST_P(CopyStoreTest, CopiesAnEmptyStore) {
  auto counts = CopyStore(*source_, *target_);
  ASSERT_TRUE(counts.ok()) << counts.error().ToString();
  EXPECT_EQ(Count(*target_, "snapshot_versions"), 1);
}

INSTANTIATE_TEST_SUITE_P(Targets, CopyStoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace atelier::store
