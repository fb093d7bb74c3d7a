#include "atelier/server/bought_together.h"

#include <gtest/gtest.h>

namespace atelier::server {
namespace {

std::shared_ptr<const catalog::CatalogSnapshot> Catalog() {
  catalog::CatalogData d;
  d.categories = {{1, 0, "games", "Games", 0}};
  const char* titles[] = {"Controller", "Charging Station", "Camera", "Headset", "Dune", "Rare Thing"};
  for (int i = 0; i < 6; ++i) {
    catalog::Product p;
    p.id = i + 1;
    p.sku = "SKU-" + std::to_string(i + 1);
    p.title = titles[i];
    p.category_id = 1;
    d.products.push_back(p);
  }
  return catalog::CatalogSnapshot::Build(std::move(d), 1);
}

std::vector<BasketItem> Baskets() {
  std::vector<BasketItem> rows;
  int basket = 0;
  auto add = [&](std::vector<std::string> items) {
    ++basket;
    for (auto& i : items) rows.push_back({"b" + std::to_string(basket), i});
  };
  // Controller (1) with the charging station (2) often, the camera (3) sometimes.
  for (int i = 0; i < 6; ++i) add({"1", "2"});
  for (int i = 0; i < 3; ++i) add({"1", "SKU-3"});  // by SKU
  // The headset (4) sells a lot on its own, and once with the controller.
  for (int i = 0; i < 40; ++i) add({"4"});
  add({"1", "4"});
  // The book sells alone.
  for (int i = 0; i < 5; ++i) add({"5"});
  // An unknown item is ignored.
  add({"1", "NOPE"});
  return rows;
}

TEST(BoughtTogetherTest, RanksItemsBoughtInTheSameBasket) {
  auto table = BoughtTogether::Build(Baskets(), Catalog());
  auto accessories = table->For({1}, 5);
  ASSERT_EQ(accessories.size(), 2u);
  EXPECT_EQ(accessories[0].product_id, 2);
  EXPECT_EQ(accessories[1].product_id, 3);
  EXPECT_EQ(accessories[0].reason, "Often bought with Controller");
}

TEST(BoughtTogetherTest, NeedsMinimumSupport) {
  auto table = BoughtTogether::Build(Baskets(), Catalog());
  for (const auto& a : table->For({1}, 10)) EXPECT_NE(a.product_id, 4) << "one co-purchase is noise";
  EXPECT_TRUE(table->For({5}, 10).empty());
}

TEST(BoughtTogetherTest, LeavesOutTheResultsThemselves) {
  auto table = BoughtTogether::Build(Baskets(), Catalog());
  auto accessories = table->For({1, 2}, 10);
  ASSERT_EQ(accessories.size(), 1u);
  EXPECT_EQ(accessories[0].product_id, 3);
}

TEST(BoughtTogetherTest, HonoursK) {
  auto table = BoughtTogether::Build(Baskets(), Catalog());
  EXPECT_EQ(table->For({1}, 1).size(), 1u);
  EXPECT_EQ(table->baskets(), 56u);
}

}  // namespace
}  // namespace atelier::server
