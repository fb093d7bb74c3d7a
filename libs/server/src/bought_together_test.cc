#include "atelier/server/bought_together.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "atelier/store/events.h"

namespace atelier::server {
namespace {

std::shared_ptr<const catalog::CatalogSnapshot> Catalog(const std::string& first_title = "Controller",
                                                       int64_t products = 6) {
  catalog::CatalogData d;
  d.categories = {{1, 0, "games", "Games", 0}};
  const char* titles[] = {"Controller", "Charging Station", "Camera", "Headset", "Dune", "Rare Thing"};
  for (int i = 0; i < products; ++i) {
    catalog::Product p;
    p.id = i + 1;
    p.sku = "SKU-" + std::to_string(i + 1);
    p.title = i == 0 ? first_title : titles[i];
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


// Load from a store: a catalog change that keeps the products (a title
// edit) keeps the associations without a scan and shows the new title; a
// new event or a new product makes it scan again.
TEST(BoughtTogetherTest, LoadKeepsItsTableUntilEventsOrProductsChange) {
  char tmpl[] = "/tmp/atelier-together-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  {
    auto db = store::OpenDatabase("sqlite://" + dir + "/shop.db");
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    auto store_rows = [&](const std::vector<BasketItem>& rows, int64_t first) {
      std::vector<store::EventRow> events;
      for (const BasketItem& r : rows) {
        events.push_back({"e" + std::to_string(first + static_cast<int64_t>(events.size())), "purchase", "u",
                          r.item_id, r.basket_id, 1, "", 1700000000});
      }
      ASSERT_TRUE((*db)->Transact([&](store::Session& tx) -> Status {
                         auto stored = store::InsertEvents(tx, events);
                         return stored.ok() ? Ok() : Status(stored.error());
                       })
                      .ok());
    };
    store_rows(Baskets(), 0);
    auto first = BoughtTogether::Load(**db, Catalog());
    ASSERT_TRUE(first.ok()) << first.error().ToString();
    EXPECT_FALSE((*first)->reused());
    EXPECT_EQ((*first)->For({1}, 5).at(0).product_id, 2);

    auto renamed = BoughtTogether::Load(**db, Catalog("DualSense Controller"), first->get());
    ASSERT_TRUE(renamed.ok());
    EXPECT_TRUE((*renamed)->reused());
    EXPECT_EQ((*renamed)->baskets(), (*first)->baskets());
    auto accessories = (*renamed)->For({1}, 5);
    ASSERT_EQ(accessories.size(), 2u);
    EXPECT_EQ(accessories[0].reason, "Often bought with DualSense Controller");

    // Two more baskets of the controller with the headset: now associated.
    store_rows({{"n1", "1"}, {"n1", "4"}, {"n2", "1"}, {"n2", "4"}}, 1000);
    auto rescanned = BoughtTogether::Load(**db, Catalog("DualSense Controller"), renamed->get());
    ASSERT_TRUE(rescanned.ok());
    EXPECT_FALSE((*rescanned)->reused());
    EXPECT_EQ((*rescanned)->baskets(), (*first)->baskets() + 2);
    bool headset = false;
    for (const auto& a : (*rescanned)->For({1}, 5)) headset = headset || a.product_id == 4;
    EXPECT_TRUE(headset);

    // Fewer products (one removed): items resolve differently, so it scans.
    auto smaller = BoughtTogether::Load(**db, Catalog("DualSense Controller", 5), rescanned->get());
    ASSERT_TRUE(smaller.ok());
    EXPECT_FALSE((*smaller)->reused());
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace atelier::server
