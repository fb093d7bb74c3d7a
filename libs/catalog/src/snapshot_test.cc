#include "atelier/catalog/snapshot.h"

#include <gtest/gtest.h>

namespace atelier::catalog {
namespace {

CatalogData SmallCatalog() {
  CatalogData d;
  d.categories = {{1, 0, "video-games", "Video Games", 0},
                  {2, 1, "video-games-controllers", "Controllers", 0},
                  {3, 0, "books", "Books", 1}};
  Product a;
  a.id = 10;
  a.sku = "PS-CTRL-1";
  a.title = "DualSense Wireless Controller";
  a.brand = "Sony";
  a.category_id = 2;
  a.price = {6999, "USD"};
  Product b;
  b.id = 11;
  b.sku = "BOOK-1";
  b.title = "Dune";
  b.brand = "Ace";
  b.category_id = 3;
  b.price = {999, "USD"};
  d.products = {a, b};
  d.locations = {{5, "DC-EAST", "East DC", LocationType::kDistributionCentre, "us-east"}};
  d.stock = {{1, 10, 5, "", 7}, {2, 10, 5, "{\"colour\":\"red\"}", 2}};
  return d;
}

TEST(ProductFamilyTest, IsTheTitleBeforeItsLastVariantDash) {
  EXPECT_EQ(ProductFamily("Sony DualSense Wireless Controller for PS5 \u2013 Midnight Black"),
            "Sony DualSense Wireless Controller for PS5");
  EXPECT_EQ(ProductFamily("Kettle \u2014 Red"), "Kettle");
  EXPECT_EQ(ProductFamily("Mug - Blue, 12 oz"), "Mug");
  EXPECT_EQ(ProductFamily("Stand \u2013 Pro \u2013 White"), "Stand \u2013 Pro");
  EXPECT_EQ(ProductFamily("The Woman in Cabin 10 (Paperback)"), "The Woman in Cabin 10 (Paperback)");
  EXPECT_EQ(ProductFamily(" - starts with a dash"), " - starts with a dash");
  EXPECT_EQ(ProductFamily(""), "");
}

TEST(CatalogSnapshotTest, FindsProductsByIdAndSku) {
  auto s = CatalogSnapshot::Build(SmallCatalog(), 3);
  EXPECT_EQ(s->version(), 3);
  ASSERT_NE(s->FindProduct(10), nullptr);
  EXPECT_EQ(s->FindProductBySku("BOOK-1")->id, 11);
  EXPECT_EQ(s->FindProduct(99), nullptr);
}

TEST(CatalogSnapshotTest, WalksTheCategoryTree) {
  auto s = CatalogSnapshot::Build(SmallCatalog(), 1);
  ASSERT_EQ(s->TopCategories().size(), 2u);
  EXPECT_EQ(s->TopCategories()[0]->slug, "video-games");
  auto path = s->CategoryPath(2);
  ASSERT_EQ(path.size(), 2u);
  EXPECT_EQ(path[0]->name, "Video Games");
  EXPECT_TRUE(s->InCategory(2, 1));
  EXPECT_FALSE(s->InCategory(3, 1));
  EXPECT_EQ(s->ProductCountInTree(1), 1u);
  EXPECT_EQ(s->Children(1).size(), 1u);
}

TEST(CatalogSnapshotTest, SumsStockOverUnits) {
  auto s = CatalogSnapshot::Build(SmallCatalog(), 1);
  EXPECT_EQ(s->TotalStock(10), 9);
  EXPECT_EQ(s->TotalStock(11), 0);
  EXPECT_EQ(s->StockOf(10).size(), 2u);
}

TEST(CatalogSnapshotTest, ListsBrandsSorted) {
  auto s = CatalogSnapshot::Build(SmallCatalog(), 1);
  EXPECT_EQ(s->brands(), (std::vector<std::string>{"Ace", "Sony"}));
}

}  // namespace
}  // namespace atelier::catalog
