#include "atelier/catalog/catalog_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <thread>
#include <vector>

#include "testing/local_postgres.h"

namespace atelier::catalog {
namespace {

std::unique_ptr<store::Database> MemoryStore() {
  auto db = store::OpenDatabase("sqlite::memory:");
  EXPECT_TRUE(db.ok()) << db.error().ToString();
  return std::move(db).value();
}

ProductInput MakeProduct(std::string sku, std::string title, std::vector<std::string> path,
                         int64_t price = 6999) {
  ProductInput in;
  in.product.sku = std::move(sku);
  in.product.title = std::move(title);
  in.product.brand = "Sony";
  in.product.price = {price, "USD"};
  in.category_path = std::move(path);
  return in;
}

Location Dc(std::string code) {
  return {0, std::move(code), "East distribution centre", LocationType::kDistributionCentre, "us-east"};
}

int64_t CountRows(store::Database& db, const std::string& table) {
  auto rows = db.Query("SELECT COUNT(*) FROM " + table);
  EXPECT_TRUE(rows.ok());
  return rows.ok() ? (*rows)[0].Int(0) : -1;
}

TEST(CatalogStoreTest, EmptyStoreLoadsEmptySnapshotAtVersionZero) {
  auto db = MemoryStore();
  CatalogStore store(*db);
  auto snap = store.Load();
  ASSERT_TRUE(snap.ok()) << snap.error().ToString();
  EXPECT_EQ((*snap)->version(), 0);
  EXPECT_TRUE((*snap)->products().empty());
  EXPECT_EQ(store.Version().value(), 0);
}

TEST(CatalogStoreTest, UpsertsProductsBySku) {
  auto db = MemoryStore();
  CatalogStore store(*db);
  CatalogBatch first;
  first.products = {MakeProduct("PS-1", "DualSense", {"Video Games", "Controllers"})};
  ASSERT_TRUE(store.Apply(first).ok());
  int64_t id = store.Load().value()->FindProductBySku("PS-1")->id;

  CatalogBatch second;
  second.products = {MakeProduct("PS-1", "DualSense Edge", {"Video Games", "Controllers"}, 19999)};
  ASSERT_TRUE(store.Apply(second).ok());
  auto snap = store.Load().value();
  ASSERT_EQ(snap->products().size(), 1u);
  const Product* p = snap->FindProductBySku("PS-1");
  EXPECT_EQ(p->id, id);
  EXPECT_EQ(p->title, "DualSense Edge");
  EXPECT_EQ(p->price.amount, 19999);
}

TEST(CatalogStoreTest, KeepsAGivenCreationTimeAndNeverChangesItOnUpdate) {
  auto db = MemoryStore();
  CatalogStore store(*db);
  CatalogBatch first;
  first.products = {MakeProduct("OLD-1", "Old line", {"Books"}), MakeProduct("NOW-1", "New line", {"Books"})};
  first.products[0].product.created_at = 1700000000;
  ASSERT_TRUE(store.Apply(first).ok());
  auto snap = store.Load().value();
  EXPECT_EQ(snap->FindProductBySku("OLD-1")->created_at, 1700000000);
  const int64_t now_created = snap->FindProductBySku("NOW-1")->created_at;
  EXPECT_GT(now_created, 1700000000);  // 0 means "now"

  CatalogBatch again;
  again.products = {MakeProduct("OLD-1", "Old line, new title", {"Books"}),
                    MakeProduct("NOW-1", "New line", {"Books"})};
  again.products[1].product.created_at = 1600000000;
  ASSERT_TRUE(store.Apply(again).ok());
  snap = store.Load().value();
  EXPECT_EQ(snap->FindProductBySku("OLD-1")->title, "Old line, new title");
  EXPECT_EQ(snap->FindProductBySku("OLD-1")->created_at, 1700000000);
  EXPECT_EQ(snap->FindProductBySku("NOW-1")->created_at, now_created);
}

TEST(CatalogStoreTest, CreatesEachCategoryOfAPathOnce) {
  auto db = MemoryStore();
  CatalogStore store(*db);
  CatalogBatch batch;
  batch.products = {MakeProduct("A", "A", {"Video Games", "Controllers"}),
                    MakeProduct("B", "B", {"Video Games", "Controllers"}),
                    MakeProduct("C", "C", {"Video Games", "Consoles"}), MakeProduct("D", "D", {"Books"})};
  ASSERT_TRUE(store.Apply(batch).ok());
  auto snap = store.Load().value();
  EXPECT_EQ(snap->categories().size(), 4u);
  const Category* controllers = snap->FindCategoryBySlug("video-games-controllers");
  ASSERT_NE(controllers, nullptr);
  EXPECT_EQ(controllers->name, "Controllers");
  const Category* games = snap->FindCategoryBySlug("video-games");
  ASSERT_NE(games, nullptr);
  EXPECT_EQ(controllers->parent_id, games->id);
  EXPECT_EQ(snap->FindProductBySku("B")->category_id, controllers->id);
  EXPECT_EQ(snap->ProductCountInTree(games->id), 3u);
  EXPECT_EQ(snap->TopCategories().size(), 2u);
}

TEST(CatalogStoreTest, ExplicitCategoryKeepsItsSlugAndPosition) {
  auto db = MemoryStore();
  CatalogStore store(*db);
  CatalogBatch batch;
  batch.categories = {{"", {"Books"}, 2}, {"games", {"Video Games"}, 1}};
  ASSERT_TRUE(store.Apply(batch).ok());
  auto snap = store.Load().value();
  ASSERT_EQ(snap->TopCategories().size(), 2u);
  EXPECT_EQ(snap->TopCategories()[0]->slug, "games");
  EXPECT_EQ(snap->TopCategories()[1]->slug, "books");
  EXPECT_EQ(snap->TopCategories()[1]->position, 2);
}

TEST(CatalogStoreTest, RejectsABatchWithAnInvalidProductWhole) {
  auto db = MemoryStore();
  CatalogStore store(*db);
  CatalogBatch batch;
  batch.products = {MakeProduct("GOOD", "Good", {"Books"}), MakeProduct("BAD", "Bad", {"Books"}, -5)};
  Status s = store.Apply(batch);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.error().field, "products[1].price");
  EXPECT_EQ(CountRows(*db, "products"), 0);
  EXPECT_EQ(CountRows(*db, "categories"), 0);
  EXPECT_EQ(store.Version().value(), 0);
}

TEST(CatalogStoreTest, RollsBackWritesWhenStockNamesAnUnknownSku) {
  auto db = MemoryStore();
  CatalogStore store(*db);
  CatalogBatch batch;
  batch.locations = {Dc("DC-EAST")};
  batch.products = {MakeProduct("GOOD", "Good", {"Books", "Fiction"})};
  batch.stock = {{"GOOD", "DC-EAST", "", 3}, {"NOPE", "DC-EAST", "", 1}};
  Status s = store.Apply(batch);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field, "stock[1].sku");
  EXPECT_EQ(CountRows(*db, "products"), 0);
  EXPECT_EQ(CountRows(*db, "categories"), 0);
  EXPECT_EQ(CountRows(*db, "locations"), 0);
  EXPECT_EQ(CountRows(*db, "stock_units"), 0);
  EXPECT_EQ(store.Version().value(), 0);
}

TEST(CatalogStoreTest, RejectsProductWithoutSkuTitleOrCategory) {
  auto db = MemoryStore();
  CatalogStore store(*db);
  for (auto [input, field] : {std::pair{MakeProduct("", "T", {"Books"}), "products[0].sku"},
                              std::pair{MakeProduct("S", "", {"Books"}), "products[0].title"},
                              std::pair{MakeProduct("S", "T", {}), "products[0].category"}}) {
    CatalogBatch batch;
    batch.products = {input};
    Status s = store.Apply(batch);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().field, field);
  }
}

TEST(CatalogStoreTest, BumpsTheVersionOncePerWrite) {
  auto db = MemoryStore();
  CatalogStore store(*db);
  CatalogBatch batch;
  batch.locations = {Dc("DC-EAST")};
  batch.products = {MakeProduct("A", "A", {"Books"}), MakeProduct("B", "B", {"Books"})};
  ASSERT_TRUE(store.Apply(batch).ok());
  EXPECT_EQ(store.Version().value(), 1);
  ASSERT_TRUE(store.SetStock({"A", "DC-EAST", "", 4}).ok());
  EXPECT_EQ(store.Version().value(), 2);
  EXPECT_EQ(store.Load().value()->version(), 2);
}

TEST(CatalogStoreTest, SetStockCreatesThenReplacesTheQuantity) {
  auto db = MemoryStore();
  CatalogStore store(*db);
  CatalogBatch batch;
  batch.locations = {Dc("DC-EAST"), {0, "DEALER-1", "Dealer", LocationType::kDealer, "us-west"}};
  batch.products = {MakeProduct("SUV", "SUV", {"Automotive"})};
  ASSERT_TRUE(store.Apply(batch).ok());
  ASSERT_TRUE(store.SetStock({"SUV", "DC-EAST", "", 4}).ok());
  ASSERT_TRUE(store.SetStock({"SUV", "DC-EAST", "", 9}).ok());
  ASSERT_TRUE(store.SetStock({"SUV", "DEALER-1", R"({"colour":"red"})", 1}).ok());
  auto snap = store.Load().value();
  int64_t id = snap->FindProductBySku("SUV")->id;
  EXPECT_EQ(snap->StockOf(id).size(), 2u);
  EXPECT_EQ(snap->TotalStock(id), 10);

  Status unknown = store.SetStock({"SUV", "NOWHERE", "", 1});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "location_code");
  Status negative = store.SetStock({"SUV", "DC-EAST", "", -1});
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.error().field, "quantity");
}

TEST(CatalogStoreTest, RoundTripsTypedAttributesImagesBrandAndModel) {
  auto db = MemoryStore();
  CatalogStore store(*db);
  ProductInput in = MakeProduct("SHOE-1", "Trail Runner \"X\"", {"Shoes", "Running"});
  in.product.description = "Light, with a grippy sole.";
  in.product.attributes = {{"shoe_size", 10.5},
                           {"width", std::string("W")},
                           {"waterproof", true},
                           {"colour", std::string("grey \u00e9")},
                           {"count", 3.0}};
  in.product.images = {"/static/img/shoes.svg", "/static/img/shoes-2.svg"};
  in.product.model_id = "custom-shoe";
  in.product.price = {12950, "EUR"};
  CatalogBatch batch;
  batch.products = {in};
  ASSERT_TRUE(store.Apply(batch).ok());
  auto snap = store.Load().value();
  const Product* p = snap->FindProductBySku("SHOE-1");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->title, in.product.title);
  EXPECT_EQ(p->description, in.product.description);
  EXPECT_EQ(p->attributes, in.product.attributes);
  EXPECT_EQ(p->images, in.product.images);
  EXPECT_EQ(p->model_id, "custom-shoe");
  EXPECT_EQ(p->brand, "Sony");
  EXPECT_EQ(p->price, (Money{12950, "EUR"}));
  EXPECT_GT(p->created_at, 0);
  EXPECT_EQ(snap->brands(), std::vector<std::string>{"Sony"});
  auto stored = db->Query("SELECT attributes FROM products");
  EXPECT_EQ((*stored)[0].Text(0), R"({"shoe_size":10.5,"width":"W","waterproof":true,"colour":"grey )"
                                  "\u00e9"
                                  R"(","count":3})");
}

TEST(CatalogStoreTest, LoadsLocationsWithTheirTypes) {
  auto db = MemoryStore();
  CatalogStore store(*db);
  CatalogBatch batch;
  batch.locations = {Dc("DC-EAST"), {0, "PLANT-1", "Plant", LocationType::kPlant, "us-central"}};
  ASSERT_TRUE(store.Apply(batch).ok());
  batch.locations[0].name = "Renamed";
  ASSERT_TRUE(store.Apply(batch).ok());
  auto snap = store.Load().value();
  ASSERT_EQ(snap->locations().size(), 2u);
  EXPECT_EQ(snap->locations()[0].name, "Renamed");
  EXPECT_EQ(snap->locations()[1].type, LocationType::kPlant);
  EXPECT_EQ(snap->locations()[1].region, "us-central");
}

TEST(CatalogStoreTest, LoadsFromAFileStoreThroughReaderConnections) {
  char tmpl[] = "/tmp/atelier-catalog-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  {
    auto db = store::OpenDatabase("sqlite://" + dir + "/shop.db");
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    CatalogStore store(**db);
    CatalogBatch batch;
    for (int i = 0; i < 50; ++i) {
      batch.products.push_back(MakeProduct("SKU-" + std::to_string(i), "Item", {"Toys", "Blocks"}));
    }
    ASSERT_TRUE(store.Apply(batch).ok());
  }
  auto db = store::OpenDatabase("sqlite://" + dir + "/shop.db");
  ASSERT_TRUE(db.ok());
  auto snap = CatalogStore(**db).Load();
  ASSERT_TRUE(snap.ok()) << snap.error().ToString();
  EXPECT_EQ((*snap)->products().size(), 50u);
  EXPECT_EQ((*snap)->version(), 1);
  std::filesystem::remove_all(dir);
}

// Merchant writes (stock changes, product edits) on both backends; the
// PostgreSQL half skips when PostgreSQL is not installed.
class CatalogWritesTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string url = "sqlite::memory:";
    if (GetParam() == "postgresql") {
      auto pg = store::testing::LocalPostgres::SharedDatabase();
      if (!pg.ok() && pg.error().code == ErrorCode::kNotFound) GTEST_SKIP() << pg.error().message;
      ASSERT_TRUE(pg.ok()) << pg.error().ToString();
      url = *pg;
    }
    auto db = store::OpenDatabase(url);
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    db_ = std::move(*db);
    store_ = std::make_unique<CatalogStore>(*db_);
    CatalogBatch batch;
    batch.locations = {Dc("DC-EAST"), {0, "DEALER-1", "Dealer", LocationType::kDealer, "us-west"}};
    batch.products = {MakeProduct("PAD", "Drawing pad", {"Art"}, 2500), MakeProduct("SUV", "SUV", {"Automotive"})};
    batch.stock = {{"PAD", "DC-EAST", "", 5}, {"SUV", "DEALER-1", R"({"colour":"red"})", 1}};
    ASSERT_TRUE(store_->Apply(batch).ok());
    auto snap = store_->Load();
    ASSERT_TRUE(snap.ok());
    pad_ = (*snap)->FindProductBySku("PAD")->id;
    suv_ = (*snap)->FindProductBySku("SUV")->id;
  }

  int64_t Stored(int64_t product_id) {
    auto snap = store_->Load();
    EXPECT_TRUE(snap.ok());
    return snap.ok() ? (*snap)->TotalStock(product_id) : -1;
  }

  static StockChange At(std::string sku, std::string location) {
    StockChange c;
    c.sku = std::move(sku);
    c.location_code = std::move(location);
    return c;
  }

  std::unique_ptr<store::Database> db_;
  std::unique_ptr<CatalogStore> store_;
  int64_t pad_ = 0;
  int64_t suv_ = 0;
};

TEST_P(CatalogWritesTest, SetsAbsoluteUnitsAndAnswersTheStoredUnit) {
  StockChange c = At("PAD", "DC-EAST");
  c.units = 12;
  auto unit = store_->ChangeStock(c);
  ASSERT_TRUE(unit.ok()) << unit.error().ToString();
  EXPECT_EQ(unit->product_id, pad_);
  EXPECT_EQ(unit->quantity, 12);
  EXPECT_GT(unit->id, 0);
  EXPECT_EQ(Stored(pad_), 12);
  // Stock is not catalog: the version stays.
  EXPECT_EQ(store_->Version().value(), 1);
}

TEST_P(CatalogWritesTest, CreatesAMissingUnitAtAKnownLocation) {
  StockChange c = At("PAD", "DEALER-1");
  c.delta = 3;
  auto unit = store_->ChangeStock(c);
  ASSERT_TRUE(unit.ok()) << unit.error().ToString();
  EXPECT_EQ(unit->quantity, 3);
  EXPECT_EQ(Stored(pad_), 8);
}

TEST_P(CatalogWritesTest, AppliesUnitsThenDelta) {
  StockChange c = At("PAD", "DC-EAST");
  c.units = 10;
  c.delta = -4;
  EXPECT_EQ(store_->ChangeStock(c).value().quantity, 6);
}

TEST_P(CatalogWritesTest, ADeltaNeverDrivesUnitsBelowZero) {
  StockChange c = At("PAD", "DC-EAST");
  c.delta = -6;
  auto unit = store_->ChangeStock(c);
  ASSERT_FALSE(unit.ok());
  EXPECT_EQ(unit.error().code, ErrorCode::kConflict);
  EXPECT_EQ(unit.error().field, "delta");
  EXPECT_NE(unit.error().message.find("5 there"), std::string::npos) << unit.error().message;
  EXPECT_EQ(Stored(pad_), 5);
  // A missing unit is not created by a refused negative delta.
  StockChange missing = At("PAD", "DEALER-1");
  missing.delta = -1;
  EXPECT_EQ(store_->ChangeStock(missing).error().field, "delta");
  auto rows = db_->Query("SELECT COUNT(*) FROM stock_units WHERE product_id = ?", {pad_});
  EXPECT_EQ((*rows)[0].Int(0), 1);
}

TEST_P(CatalogWritesTest, NamesTheFieldAtFault) {
  StockChange negative = At("PAD", "DC-EAST");
  negative.units = -1;
  EXPECT_EQ(store_->ChangeStock(negative).error().field, "units");
  EXPECT_EQ(store_->ChangeStock(negative).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->ChangeStock(At("PAD", "DC-EAST")).error().field, "units");  // nothing to do

  StockChange sku = At("NOPE", "DC-EAST");
  sku.units = 1;
  EXPECT_EQ(store_->ChangeStock(sku).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->ChangeStock(sku).error().field, "sku");
  StockChange location = At("PAD", "NOWHERE");
  location.units = 1;
  EXPECT_EQ(store_->ChangeStock(location).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->ChangeStock(location).error().field, "location");
  StockChange unit;
  unit.stock_unit_id = 987654;
  unit.units = 1;
  EXPECT_EQ(store_->ChangeStock(unit).error().field, "stock_unit_id");
  EXPECT_EQ(Stored(pad_), 5);
}

TEST_P(CatalogWritesTest, ChangesAConfiguredUnitById) {
  auto snap = store_->Load().value();
  const int64_t unit_id = snap->StockOf(suv_).at(0)->id;
  StockChange c;
  c.stock_unit_id = unit_id;
  c.delta = 2;
  auto unit = store_->ChangeStock(c);
  ASSERT_TRUE(unit.ok()) << unit.error().ToString();
  EXPECT_EQ(unit->id, unit_id);
  EXPECT_EQ(unit->configuration, R"({"colour":"red"})");
  EXPECT_EQ(unit->quantity, 3);
}

// Many merchants taking units out at once: every delta either lands whole
// or is refused, and the unit ends at exactly 0, never below.
TEST_P(CatalogWritesTest, ConcurrentDeltasNeverOversubtract) {
  StockChange fill = At("PAD", "DC-EAST");
  fill.units = 20;
  ASSERT_TRUE(store_->ChangeStock(fill).ok());
  constexpr int kThreads = 8;
  constexpr int kEach = 5;
  std::vector<int> taken(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        StockChange take = At("PAD", "DC-EAST");
        take.delta = -1;
        auto unit = store_->ChangeStock(take);
        if (unit.ok()) {
          ++taken[t];
        } else {
          EXPECT_EQ(unit.error().code, ErrorCode::kConflict) << unit.error().ToString();
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  int total = 0;
  for (int n : taken) total += n;
  EXPECT_EQ(total, 20);
  EXPECT_EQ(Stored(pad_), 0);
}

TEST_P(CatalogWritesTest, EditsTitleDescriptionAndPriceAndBumpsTheVersion) {
  ProductEdit edit;
  edit.title = "  Drawing pad A3 ";
  edit.description = "Heavy paper.";
  edit.price_amount = 3100;
  edit.currency = "USD";
  auto product = store_->EditProduct(pad_, edit);
  ASSERT_TRUE(product.ok()) << product.error().ToString();
  EXPECT_EQ(product->title, "Drawing pad A3");
  EXPECT_EQ(product->description, "Heavy paper.");
  EXPECT_EQ(product->price, (Money{3100, "USD"}));
  EXPECT_EQ(product->brand, "Sony");
  EXPECT_EQ(store_->Version().value(), 2);
  auto snapshot = store_->Load();
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().ToString();
  const Product* loaded = (*snapshot)->FindProduct(pad_);
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(loaded->title, "Drawing pad A3");
  EXPECT_EQ(loaded->price.amount, 3100);

  ProductEdit only_price;
  only_price.price_amount = 2900;
  auto repriced = store_->EditProduct(pad_, only_price);
  ASSERT_TRUE(repriced.ok());
  EXPECT_EQ(repriced->title, "Drawing pad A3");
  EXPECT_EQ(repriced->price.amount, 2900);
}

TEST_P(CatalogWritesTest, RefusesABadEditAndKeepsTheProduct) {
  auto field_of = [&](ProductEdit edit, int64_t id) { return store_->EditProduct(id, edit).error().field; };
  ProductEdit empty_title;
  empty_title.title = "  ";
  EXPECT_EQ(field_of(empty_title, pad_), "title");
  ProductEdit long_title;
  long_title.title = std::string(CatalogStore::kMaxTitleBytes + 1, 'x');
  EXPECT_EQ(field_of(long_title, pad_), "title");
  ProductEdit negative;
  negative.price_amount = -1;
  EXPECT_EQ(field_of(negative, pad_), "price.amount");
  ProductEdit currency;
  currency.currency = "usd!";
  EXPECT_EQ(field_of(currency, pad_), "price.currency");
  EXPECT_EQ(field_of(ProductEdit{}, pad_), "body");
  ProductEdit fine;
  fine.title = "Fine";
  auto unknown = store_->EditProduct(987654, fine);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().field, "id");
  auto snapshot = store_->Load();
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().ToString();
  const Product* kept = (*snapshot)->FindProduct(pad_);
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->title, "Drawing pad");
  EXPECT_EQ(kept->price.amount, 2500);
  EXPECT_EQ(store_->Version().value(), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, CatalogWritesTest, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace atelier::catalog
