#include "atelier/demo/demo_shop.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <boost/json.hpp>
#include <ctime>
#include <map>
#include <set>

#include "atelier/config/demo_models.h"
#include "atelier/config/parser.h"
#include "atelier/core/strings.h"

namespace atelier::demo {
namespace {

using catalog::CatalogSnapshot;
using catalog::Product;

struct Purchase {
  std::string user;
  std::string sku;
  std::string basket;
  int64_t ts;
};

// The default demo shop, seeded once for the whole suite.
class DemoShopTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = std::move(store::OpenDatabase("sqlite::memory:").value()).release();
    // CPU time rather than wall time: the machine is shared with other builds.
    const std::clock_t start = std::clock();
    auto summary = SeedDemoShop(*db_);
    cpu_seconds_ = static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
    ASSERT_TRUE(summary.ok()) << summary.error().ToString();
    summary_ = *summary;
    snapshot_ = new std::shared_ptr<const CatalogSnapshot>(catalog::CatalogStore(*db_).Load().value());
    purchases_ = new std::vector<Purchase>();
    ASSERT_TRUE(
        db_->QueryEach(
               "SELECT user_id, item_id, basket_id, ts FROM events WHERE type = 'purchase' ORDER BY id", {},
               [](const store::Row& r) {
                 purchases_->push_back({r.Text(0), r.Text(1), r.Text(2), r.Int(3)});
                 return true;
               })
            .ok());
  }
  static void TearDownTestSuite() {
    delete purchases_;
    delete snapshot_;
    delete db_;
  }

  static const CatalogSnapshot& shop() { return **snapshot_; }

  // Slug of the subcategory (second level) of a product.
  static std::string Subcategory(const Product& p) {
    auto path = shop().CategoryPath(p.category_id);
    return path.size() >= 2 ? path[1]->slug : path.empty() ? "" : path[0]->slug;
  }

  // Baskets as sets of products.
  static std::map<std::string, std::vector<const Product*>> Baskets() {
    std::map<std::string, std::vector<const Product*>> baskets;
    for (const auto& p : *purchases_) {
      const Product* product = shop().FindProductBySku(p.sku);
      if (product != nullptr) baskets[p.basket].push_back(product);
    }
    return baskets;
  }

  // Among baskets holding a product matching `a`, the share that also holds
  // one matching `b`.
  template <typename A, typename B>
  static double ShareWith(A a, B b, int* count = nullptr) {
    int with_a = 0, with_both = 0;
    for (const auto& [id, items] : Baskets()) {
      bool has_a = std::any_of(items.begin(), items.end(), a);
      if (!has_a) continue;
      ++with_a;
      if (std::any_of(items.begin(), items.end(), b)) ++with_both;
    }
    if (count) *count = with_a;
    return with_a ? static_cast<double>(with_both) / with_a : 0;
  }

  static auto Is(std::string sub, std::string platform = "") {
    return [sub, platform](const Product* p) {
      if (Subcategory(*p) != sub) return false;
      if (platform.empty()) return true;
      const catalog::Attribute* a = p->FindAttribute("platform");
      return a != nullptr && catalog::AttributeText(a->value) == platform;
    };
  }

  static inline store::Database* db_ = nullptr;
  static inline std::shared_ptr<const CatalogSnapshot>* snapshot_ = nullptr;
  static inline std::vector<Purchase>* purchases_ = nullptr;
  static inline DemoSummary summary_;
  static inline double cpu_seconds_ = 0;
};

// AddressSanitizer (make test-sanitize) makes seeding several times slower;
// the ten seconds are the normal build's goal.
#if defined(__SANITIZE_ADDRESS__)
constexpr double kSeedCpuSlowdown = 4.0;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr double kSeedCpuSlowdown = 4.0;
#else
constexpr double kSeedCpuSlowdown = 1.0;
#endif
#else
constexpr double kSeedCpuSlowdown = 1.0;
#endif

TEST_F(DemoShopTest, SeedsInUnderTenSeconds) {
  RecordProperty("seed_cpu_seconds", std::to_string(cpu_seconds_));
  EXPECT_LT(cpu_seconds_, 10.0 * kSeedCpuSlowdown);
}

TEST_F(DemoShopTest, HasAtLeast6000ProductsOverAtLeast12TopCategoriesWithSubcategories) {
  EXPECT_GE(shop().products().size(), 6000u);
  EXPECT_EQ(static_cast<int64_t>(shop().products().size()), summary_.products);
  auto tops = shop().TopCategories();
  EXPECT_GE(tops.size(), 12u);
  for (const auto* top : tops) {
    EXPECT_GE(shop().Children(top->id).size(), 3u) << top->name;
    EXPECT_GE(shop().ProductCountInTree(top->id), 150u) << top->name;
  }
  std::set<std::string> names;
  for (const auto* top : tops) names.insert(top->name);
  for (const char* expected :
       {"Video Games & Consoles", "Books", "Lawn & Garden", "Pet Food & Supplies", "Phones & Tablets",
        "Shoes", "Clothing", "Home & Kitchen", "Toys", "Groceries", "Automotive", "Electronics"}) {
    EXPECT_TRUE(names.count(expected)) << expected;
  }
}

TEST_F(DemoShopTest, EveryProductCarriesTheAttributeKeysOfItsCategories) {
  const auto& keys = DemoAttributeKeys();
  // The vocabulary other modules rely on.
  ASSERT_TRUE(keys.count("shoes"));
  for (const char* k : {"size", "width", "colour", "material", "heel_height_cm"}) {
    EXPECT_NE(std::find(keys.at("shoes").begin(), keys.at("shoes").end(), k), keys.at("shoes").end()) << k;
  }
  for (const char* k : {"author", "format", "pages"}) {
    EXPECT_NE(std::find(keys.at("books").begin(), keys.at("books").end(), k), keys.at("books").end()) << k;
  }
  const auto& dog = keys.at("pet-food-supplies-dog-food");
  for (const char* k : {"species", "weight_kg", "flavour"}) {
    EXPECT_NE(std::find(dog.begin(), dog.end(), k), dog.end()) << k;
  }
  std::set<std::string> slugs_used;
  for (const Product& p : shop().products()) {
    if (!p.model_id.empty()) continue;
    for (const auto* c : shop().CategoryPath(p.category_id)) {
      auto it = keys.find(c->slug);
      if (it == keys.end()) continue;
      slugs_used.insert(c->slug);
      for (const auto& key : it->second) {
        ASSERT_NE(p.FindAttribute(key), nullptr) << p.sku << " (" << c->slug << ") lacks " << key;
      }
    }
  }
  // Every listed slug names a real category (a typo would silently check nothing).
  for (const auto& [slug, list] : keys) EXPECT_TRUE(slugs_used.count(slug)) << slug;
}

TEST_F(DemoShopTest, ProductsLookReal) {
  std::set<std::string> brands(shop().brands().begin(), shop().brands().end());
  EXPECT_GE(brands.size(), 100u);
  for (const char* b : {"Sony", "Microsoft", "Nintendo", "Purina Pro Plan", "Scotts", "Apple"}) {
    EXPECT_TRUE(brands.count(b)) << b;
  }
  int dualsense = 0;
  for (const Product& p : shop().products()) {
    EXPECT_FALSE(p.title.empty());
    EXPECT_GE(Split(p.description, ' ').size(), 8u) << p.sku;
    EXPECT_GT(p.price.amount, 0) << p.sku;
    ASSERT_EQ(p.images.size(), 1u) << p.sku;
    EXPECT_TRUE(StartsWith(p.images[0], "/static/img/") && EndsWith(p.images[0], ".svg")) << p.images[0];
    if (StartsWith(p.title, "Sony DualSense Wireless Controller for PS5 \u2013 ")) ++dualsense;
  }
  EXPECT_GT(dualsense, 3);
  // Prices follow the category: consoles cost more than controllers.
  auto average = [](const std::string& sub) {
    double sum = 0;
    int n = 0;
    for (const Product& p : shop().products()) {
      if (Subcategory(p) == sub) sum += static_cast<double>(p.price.amount), ++n;
    }
    return n ? sum / n : 0.0;
  };
  EXPECT_GT(average("video-games-consoles-consoles"), 3 * average("video-games-consoles-controllers"));
}

TEST_F(DemoShopTest, HasTheConfigurableProducts) {
  std::map<std::string, const Product*> by_model;
  for (const Product& p : shop().products()) {
    if (!p.model_id.empty()) by_model[p.model_id] = &p;
  }
  for (const char* model : {kSuvModelId, kTabletModelId, kShoeModelId, kCandyModelId}) {
    ASSERT_TRUE(by_model.count(model)) << model;
  }
  EXPECT_EQ(shop().CategoryPath(by_model[kCandyModelId]->category_id)[0]->name, "Groceries");
  EXPECT_EQ(shop().CategoryPath(by_model[kSuvModelId]->category_id)[0]->name, "Automotive");
  EXPECT_EQ(shop().CategoryPath(by_model[kShoeModelId]->category_id)[0]->name, "Shoes");
  EXPECT_EQ(shop().CategoryPath(by_model[kTabletModelId]->category_id)[0]->name, "Phones & Tablets");
}

TEST_F(DemoShopTest, ProductLinesJoinedOverTwoYearsSoTheNewestSpanTheShop) {
  std::vector<const Product*> products;
  for (const Product& p : shop().products()) products.push_back(&p);
  int64_t lo = INT64_MAX, hi = 0;
  for (const Product* p : products) {
    lo = std::min(lo, p->created_at);
    hi = std::max(hi, p->created_at);
  }
  EXPECT_LE(hi, DemoOptions{}.history_end);
  EXPECT_GE(hi - lo, 700 * 86400);
  // The 60 newest come from at least 5 top-level categories.
  std::sort(products.begin(), products.end(),
            [](const Product* a, const Product* b) { return a->created_at > b->created_at; });
  std::set<std::string> tops;
  for (size_t i = 0; i < 60; ++i) tops.insert(shop().CategoryPath(products[i]->category_id)[0]->name);
  EXPECT_GE(tops.size(), 5u);
  // Variants of one line (" – " and a colour or size) joined together.
  std::map<std::string, std::set<int64_t>> by_line;
  for (const Product* p : products) {
    const std::string_view family = catalog::ProductFamily(p->title);
    if (family.size() < p->title.size()) by_line[p->brand + "|" + std::string(family)].insert(p->created_at);
  }
  ASSERT_GT(by_line.size(), 50u);
  for (const auto& [line, days] : by_line) EXPECT_EQ(days.size(), 1u) << line;
}

TEST_F(DemoShopTest, HasDistributionCentresDealersStoresAndPlants) {
  std::map<catalog::LocationType, int> types;
  std::set<std::string> dc_regions;
  for (const auto& l : shop().locations()) {
    ++types[l.type];
    if (l.type == catalog::LocationType::kDistributionCentre) dc_regions.insert(l.region);
  }
  EXPECT_EQ(types[catalog::LocationType::kDistributionCentre], 3);
  EXPECT_EQ(types[catalog::LocationType::kDealer] + types[catalog::LocationType::kStore], 5);
  EXPECT_EQ(types[catalog::LocationType::kPlant], 6);  // every demo model's plants
  EXPECT_EQ(dc_regions, (std::set<std::string>{"us-east", "us-central", "us-west"}));
}

TEST_F(DemoShopTest, StocksMostProductsAndSellsOutSome) {
  int in_stock = 0, sold_out = 0, standard = 0;
  for (const Product& p : shop().products()) {
    if (!p.model_id.empty()) continue;
    ++standard;
    if (shop().TotalStock(p.id) > 0)
      ++in_stock;
    else
      ++sold_out;
  }
  EXPECT_GT(in_stock, standard * 9 / 10);
  EXPECT_GT(sold_out, 50);
}

TEST_F(DemoShopTest, ConfiguredSuvsAtDealersAreValidConfigurationsOfTheSuvModel) {
  const Product* suv = shop().FindProductBySku(kSuvSku);
  ASSERT_NE(suv, nullptr);
  auto models = config::DemoModels();
  ASSERT_TRUE(models.ok());
  auto it = std::find_if(models->begin(), models->end(), [](const auto& m) { return m.id == kSuvModelId; });
  ASSERT_NE(it, models->end());
  auto compiled = config::CompiledModel::Compile(*it);
  ASSERT_TRUE(compiled.ok()) << compiled.error().ToString();
  const auto& units = shop().StockOf(suv->id);
  ASSERT_GE(units.size(), 40u);
  std::set<std::string> colours, configurations;
  bool towing_in_stock = false;
  for (const auto* u : units) {
    EXPECT_EQ(shop().FindLocation(u->location_id)->type, catalog::LocationType::kDealer);
    configurations.insert(u->configuration);
    boost::system::error_code ec;
    auto json = boost::json::parse(u->configuration, ec);
    ASSERT_FALSE(ec) << u->configuration;
    config::ConfigureRequest request;
    for (const auto& [option, value] : json.as_object())
      request.selections[std::string(option)] = std::string(value.as_string());
    auto state = (*compiled)->Configure(request);
    ASSERT_TRUE(state.ok()) << state.error().ToString();
    EXPECT_TRUE(state->consistent && state->complete) << u->configuration;
    EXPECT_FALSE(request.selections["colour"] == "red" && request.selections["towing"] == "true");
    colours.insert(request.selections["colour"]);
    towing_in_stock |= request.selections["towing"] == "true";
  }
  EXPECT_EQ(configurations.size(), units.size());
  EXPECT_GE(colours.size(), 4u);
  EXPECT_TRUE(colours.count("red"));
  EXPECT_TRUE(towing_in_stock);  // near alternatives to a red SUV with towing
}

TEST_F(DemoShopTest, ConfigurableProductsUseTheEmbeddedModelsAndTheirPrices) {
  auto models = config::DemoModels();
  ASSERT_TRUE(models.ok());
  std::map<std::string, int64_t> base_price;
  for (const auto& m : *models) base_price[m.id] = m.base_price;
  for (const char* sku : {kSuvSku, kTabletSku, kShoeSku, kCandySku}) {
    const Product* p = shop().FindProductBySku(sku);
    ASSERT_NE(p, nullptr) << sku;
    ASSERT_TRUE(base_price.count(p->model_id)) << sku << " names unknown model " << p->model_id;
    EXPECT_EQ(p->price.amount, base_price[p->model_id]) << sku;
  }
}

TEST_F(DemoShopTest, PlantsAreTheDemoModelsPlants) {
  auto models = config::DemoModels();
  ASSERT_TRUE(models.ok());
  std::set<std::string> model_plants;
  for (const auto& m : *models) model_plants.insert(m.plants.begin(), m.plants.end());
  std::set<std::string> plants;
  for (const auto& l : shop().locations()) {
    if (l.type == catalog::LocationType::kPlant) plants.insert(l.code);
  }
  EXPECT_EQ(plants, model_plants);
}

TEST_F(DemoShopTest, PlantsHaveCapacityForTheirModelsLines) {
  auto models = config::DemoModels();
  ASSERT_TRUE(models.ok());
  for (const auto& m : *models) {
    for (const auto& plant : m.plants) {
      auto rows = db_->Query(
          "SELECT c.units_per_day FROM plant_capacity c JOIN locations l ON l.id = c.plant_id "
          "WHERE l.code = ? AND c.product_line = ?",
          {plant, m.id});
      ASSERT_TRUE(rows.ok()) << rows.error().ToString();
      ASSERT_EQ(rows->size(), 1u) << plant << " " << m.id;
      EXPECT_GT((*rows)[0].Int(0), 0) << plant << " " << m.id;
    }
  }
}

TEST_F(DemoShopTest, HistoryCoversThousandsOfUsersOverAYear) {
  std::set<std::string> users;
  int64_t lo = INT64_MAX, hi = 0;
  for (const auto& p : *purchases_) {
    users.insert(p.user);
    lo = std::min(lo, p.ts);
    hi = std::max(hi, p.ts);
  }
  EXPECT_GE(users.size(), 2800u);
  EXPECT_GT(hi - lo, 330 * 86400);
  EXPECT_LE(hi, DemoOptions{}.history_end);
  auto views = db_->Query("SELECT COUNT(*) FROM events WHERE type = 'view'");
  ASSERT_TRUE(views.ok());
  EXPECT_GT((*views)[0].Int(0), static_cast<int64_t>(purchases_->size()));
  EXPECT_EQ(summary_.purchases, static_cast<int64_t>(purchases_->size()));
}

TEST_F(DemoShopTest, PlayStationControllersAreBoughtWithPlayStationChargersAndCameras) {
  const std::string ps = "PlayStation 5", xbox = "Xbox Series X|S";
  int baskets = 0;
  double charger = ShareWith(Is("video-games-consoles-controllers", ps),
                             Is("video-games-consoles-charging-stations", ps), &baskets);
  double camera =
      ShareWith(Is("video-games-consoles-controllers", ps), Is("video-games-consoles-cameras", ps));
  double wrong_charger = ShareWith(Is("video-games-consoles-controllers", ps),
                                   Is("video-games-consoles-charging-stations", xbox));
  EXPECT_GE(baskets, 200);
  EXPECT_GT(charger, 0.4);
  EXPECT_GT(camera, 0.2);
  EXPECT_LT(wrong_charger, 0.05);
  // Far above the base rate of charging stations in any basket.
  double base =
      ShareWith([](const Product*) { return true; }, Is("video-games-consoles-charging-stations", ps));
  EXPECT_GT(charger, 10 * base);
}

TEST_F(DemoShopTest, XboxControllersAreBoughtWithXboxChargersAndHeadsets) {
  const std::string xbox = "Xbox Series X|S";
  EXPECT_GT(ShareWith(Is("video-games-consoles-controllers", xbox),
                      Is("video-games-consoles-charging-stations", xbox)),
            0.4);
  EXPECT_GT(
      ShareWith(Is("video-games-consoles-controllers", xbox), Is("video-games-consoles-headsets", xbox)),
      0.3);
}

TEST_F(DemoShopTest, MowersComeWithFertiliserAndSeed) {
  EXPECT_GT(ShareWith(Is("lawn-garden-mowers"), Is("lawn-garden-fertiliser")), 0.45);
  EXPECT_GT(ShareWith(Is("lawn-garden-mowers"), Is("lawn-garden-grass-seed")), 0.35);
}

TEST_F(DemoShopTest, PetFoodComesWithTheSameSpeciesSupplies) {
  EXPECT_GT(ShareWith(Is("pet-food-supplies-dog-food"), Is("pet-food-supplies-dog-toys")), 0.3);
  EXPECT_GT(ShareWith(Is("pet-food-supplies-cat-food"), Is("pet-food-supplies-cat-litter")), 0.6);
  EXPECT_LT(ShareWith(Is("pet-food-supplies-dog-food"), Is("pet-food-supplies-cat-litter")), 0.1);
}

TEST_F(DemoShopTest, ConsumablesAreBoughtAgainEveryFewWeeks) {
  std::map<std::pair<std::string, std::string>, std::vector<int64_t>> times;
  for (const auto& p : *purchases_) {
    const Product* product = shop().FindProductBySku(p.sku);
    if (product && Subcategory(*product) == "pet-food-supplies-dog-food")
      times[{p.user, p.sku}].push_back(p.ts);
  }
  int regulars = 0;
  for (auto& [key, ts] : times) {
    if (ts.size() < 5) continue;
    ++regulars;
    std::sort(ts.begin(), ts.end());
    int64_t median_gap = 0;
    std::vector<int64_t> gaps;
    for (size_t i = 1; i < ts.size(); ++i) gaps.push_back(ts[i] - ts[i - 1]);
    std::nth_element(gaps.begin(), gaps.begin() + gaps.size() / 2, gaps.end());
    median_gap = gaps[gaps.size() / 2];
    EXPECT_GE(median_gap, 10 * 86400);
    EXPECT_LE(median_gap, 60 * 86400);
  }
  EXPECT_GE(regulars, 100);
}

TEST_F(DemoShopTest, ReadersBuyMoreBooksByTheSameAuthor) {
  std::map<std::string, std::map<std::string, int>> by_user;  // user -> author -> books
  for (const auto& p : *purchases_) {
    const Product* product = shop().FindProductBySku(p.sku);
    if (product && shop().CategoryPath(product->category_id)[0]->slug == "books") {
      by_user[p.user][catalog::AttributeText(product->FindAttribute("author")->value)]++;
    }
  }
  int readers = 0, loyal = 0;
  for (const auto& [user, authors] : by_user) {
    int books = 0, repeat = 0;
    for (const auto& [author, n] : authors) books += n, repeat = std::max(repeat, n);
    if (books < 3) continue;
    ++readers;
    if (repeat >= 2) ++loyal;
  }
  EXPECT_GE(readers, 100);
  EXPECT_GT(loyal, readers * 6 / 10);
}

TEST_F(DemoShopTest, PopularityIsSkewed) {
  std::map<std::string, int> counts;
  for (const auto& p : *purchases_) counts[p.sku]++;
  std::vector<int> sorted;
  for (const auto& [sku, n] : counts) sorted.push_back(n);
  std::sort(sorted.rbegin(), sorted.rend());
  int64_t total = 0, top = 0;
  for (size_t i = 0; i < sorted.size(); ++i) {
    total += sorted[i];
    if (i < shop().products().size() / 20) top += sorted[i];
  }
  // The top 5% of the catalog sells at least a third of the units.
  EXPECT_GT(static_cast<double>(top) / static_cast<double>(total), 0.33);
}

TEST_F(DemoShopTest, ShoppersViewWhatTheyBuyBeforeBuyingIt) {
  std::set<std::tuple<std::string, std::string>> viewed_before;
  std::map<std::tuple<std::string, std::string>, int64_t> first_view;
  ASSERT_TRUE(db_->QueryEach("SELECT user_id, item_id, ts FROM events WHERE type = 'view'", {},
                             [&](const store::Row& r) {
                               auto key = std::make_tuple(r.Text(0), r.Text(1));
                               auto it = first_view.find(key);
                               if (it == first_view.end() || r.Int(2) < it->second)
                                 first_view[key] = r.Int(2);
                               return true;
                             })
                  .ok());
  int checked = 0, viewed = 0;
  for (const auto& p : *purchases_) {
    ++checked;
    auto it = first_view.find({p.user, p.sku});
    if (it != first_view.end() && it->second <= p.ts) ++viewed;
  }
  EXPECT_GT(viewed, checked * 95 / 100);
}

// Seeds a small shop into a fresh store and returns its products and events as text rows.
std::vector<std::string> SmallShopRows(uint64_t seed) {
  auto db = std::move(store::OpenDatabase("sqlite::memory:").value());
  DemoOptions options;
  options.seed = seed;
  options.product_count = 600;
  options.user_count = 60;
  auto summary = SeedDemoShop(*db, options);
  EXPECT_TRUE(summary.ok()) << summary.error().ToString();
  std::vector<std::string> rows;
  auto collect = [&rows](const store::Row& r) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) line += r.Text(i) + "\t";
    rows.push_back(line);
    return true;
  };
  EXPECT_TRUE(
      db->QueryEach(
            "SELECT id, sku, title, description, price_amount, attributes, images, model_id, category_id "
            "FROM products ORDER BY id",
            {}, collect)
          .ok());
  EXPECT_TRUE(
      db->QueryEach("SELECT product_id, location_id, configuration, quantity FROM stock_units ORDER BY id",
                    {}, collect)
          .ok());
  EXPECT_TRUE(
      db->QueryEach("SELECT event_id, type, user_id, item_id, basket_id, quantity, query, ts FROM events "
                    "ORDER BY id",
                    {}, collect)
          .ok());
  return rows;
}

TEST(DemoShopDeterminismTest, TheSameSeedGivesTheSameShopRowForRow) {
  std::vector<std::string> a = SmallShopRows(7);
  std::vector<std::string> b = SmallShopRows(7);
  ASSERT_GT(a.size(), 1000u);
  EXPECT_EQ(a, b);
}

TEST(DemoShopDeterminismTest, AnotherSeedGivesAnotherShop) {
  std::vector<std::string> a = SmallShopRows(7);
  std::vector<std::string> b = SmallShopRows(8);
  size_t same = 0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) same += a[i] == b[i];
  EXPECT_LT(same, a.size() / 2);
}

TEST(DemoShopSeedTest, SeedingTwiceChangesNoRows) {
  auto db = std::move(store::OpenDatabase("sqlite::memory:").value());
  DemoOptions options;
  options.product_count = 300;
  options.user_count = 30;
  ASSERT_TRUE(SeedDemoShop(*db, options).ok());
  auto count = [&db](const char* table) {
    return (*db->Query(std::string("SELECT COUNT(*) FROM ") + table))[0].Int(0);
  };
  int64_t products = count("products"), events = count("events"), stock = count("stock_units");
  ASSERT_TRUE(SeedDemoShop(*db, options).ok());
  EXPECT_EQ(count("products"), products);
  EXPECT_EQ(count("events"), events);
  EXPECT_EQ(count("stock_units"), stock);
}

TEST(DemoShopSeedTest, RejectsOptionsOutOfRange) {
  auto db = std::move(store::OpenDatabase("sqlite::memory:").value());
  DemoOptions options;
  options.product_count = 10;
  auto r = SeedDemoShop(*db, options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "product_count");
}

TEST(DemoShopSeedTest, StockConfigurationsAreDistinctValidAndRespectTheVeto) {
  auto model = config::ParseProductModel(R"(model: van
name: Van
base_price: 100
options:
  - id: colour
    values: [red, blue]
  - id: towing
    type: bool
rules:
  - id: red-no-towing
    rule: colour = red excludes towing
    message: no
)",
                                         "van.yaml");
  ASSERT_TRUE(model.ok()) << model.error().ToString();
  auto compiled = config::CompiledModel::Compile(*model);
  ASSERT_TRUE(compiled.ok()) << compiled.error().ToString();
  auto all = StockConfigurations(**compiled, 10, 1);
  ASSERT_TRUE(all.ok()) << all.error().ToString();
  std::sort(all->begin(), all->end());
  EXPECT_EQ(*all, (std::vector<std::string>{R"({"colour":"blue","towing":"false"})",
                                            R"({"colour":"blue","towing":"true"})",
                                            R"({"colour":"red","towing":"false"})"}));
  auto vetoed = StockConfigurations(**compiled, 10, 1, [](const std::map<std::string, std::string>& c) {
    return c.at("colour") == "blue";
  });
  ASSERT_TRUE(vetoed.ok());
  EXPECT_EQ(*vetoed, std::vector<std::string>{R"({"colour":"red","towing":"false"})"});
}

}  // namespace
}  // namespace atelier::demo
