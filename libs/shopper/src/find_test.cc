#include "atelier/shopper/find.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "atelier/config/demo_models.h"

namespace atelier::shopper {
namespace {

using catalog::Attribute;

// A small shoe shop: running shoes and loafers in stock in a few sizes, one
// sold-out oxford, a book, and the configurable custom shoe (the demo
// `shoes` model: sizes 5..15 in half sizes).
class ShopperFindTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    catalog::CatalogData d;
    d.categories = {{1, 0, "shoes", "Shoes", 0},
                    {2, 1, "shoes-running", "Running Shoes", 0},
                    {3, 1, "shoes-dress", "Dress Shoes", 1},
                    {4, 1, "shoes-custom", "Custom Shoes", 2},
                    {5, 0, "books", "Books", 1}};
    d.locations = {{1, "DC-EAST", "East", catalog::LocationType::kDistributionCentre, "us-east"}};
    auto shoe = [&](int64_t id, std::string sku, int64_t category, std::string brand, int64_t price,
                    double size, std::string colour, std::string material, double heel, int64_t stock) {
      catalog::Product p;
      p.id = id;
      p.sku = std::move(sku);
      p.title = p.sku;
      p.brand = std::move(brand);
      p.category_id = category;
      p.price = {price, "USD"};
      p.attributes = {{"size", size},
                      {"width", std::string("W")},
                      {"colour", std::move(colour)},
                      {"material", std::move(material)},
                      {"heel_height_cm", heel}};
      d.products.push_back(p);
      d.stock.push_back({id, id, 1, "", stock});
    };
    shoe(10, "RUN-BLK-10.5", 2, "Stride", 12900, 10.5, "Midnight Black", "mesh", 2.5, 5);
    shoe(11, "RUN-GRY-10.5", 2, "Stride", 11900, 10.5, "Grey", "mesh", 2.5, 3);
    shoe(12, "LOAF-BLK-10.5", 3, "Cole Haan", 14900, 10.5, "Black", "leather", 1.5, 2);
    shoe(13, "LOAF-BLK-11", 3, "Cole Haan", 14900, 11, "Black", "leather", 1.5, 4);
    shoe(14, "LOAF-BLK-12", 3, "Cole Haan", 15900, 12, "Black", "leather", 1.5, 1);
    shoe(15, "OXF-BRN-10.5", 3, "Allen", 13900, 10.5, "Brown", "leather", 2, 0);  // sold out
    catalog::Product custom;
    custom.id = 16;
    custom.sku = "SHOE-CUSTOM";
    custom.title = "Custom shoe";
    custom.brand = "Atelier";
    custom.category_id = 4;
    custom.price = {14000, "USD"};
    custom.model_id = "shoes";
    custom.attributes = {{"made_to_order", true}};
    d.products.push_back(custom);
    // One made-up custom shoe waits in stock: a size 14 in black calf.
    d.stock.push_back({100, 16, 1,
                       R"({"style":"oxford","size":"14","width":"M","heel":"1","material":"calf",)"
                       R"("colour":"black","sole":"leather","monogram":"false"})",
                       1});
    // And a broken one (not a valid configuration) that is never offered.
    d.stock.push_back({101, 16, 1, R"({"style":"pump","heel":"1"})", 1});
    catalog::Product book;
    book.id = 17;
    book.sku = "BOOK-1";
    book.title = "A book";
    book.category_id = 5;
    book.price = {1500, "USD"};
    book.attributes = {{"author", std::string("Ada")}};
    d.products.push_back(book);
    d.stock.push_back({17, 17, 1, "", 10});
    catalog_ = catalog::CatalogSnapshot::Build(std::move(d), 1);

    auto demo = config::DemoModels();
    ASSERT_TRUE(demo.ok()) << demo.error().ToString();
    for (auto& m : *demo) {
      if (m.id != "shoes") continue;
      auto compiled = config::CompiledModel::Compile(m);
      ASSERT_TRUE(compiled.ok()) << compiled.error().ToString();
      models_ = std::make_shared<CompiledModels>(CompiledModels{{"shoes", *compiled}});
    }
    ASSERT_NE(models_, nullptr);
  }

  static Spec S(std::string field, SpecOp op, std::vector<SpecValue> values) {
    return {std::move(field), op, std::move(values)};
  }

  FindResult FindOk(const FindRequest& request) {
    auto result = Find(request, *catalog_, *models_);
    EXPECT_TRUE(result.ok()) << result.error().ToString();
    return result.ok() ? std::move(*result) : FindResult{};
  }

  static std::vector<std::string> Texts(const std::vector<SpecCheck>& checks) {
    std::vector<std::string> out;
    for (const auto& c : checks) out.push_back(c.text);
    return out;
  }

  static std::shared_ptr<const catalog::CatalogSnapshot> catalog_;
  static std::shared_ptr<CompiledModels> models_;
};

std::shared_ptr<const catalog::CatalogSnapshot> ShopperFindTest::catalog_;
std::shared_ptr<CompiledModels> ShopperFindTest::models_;

TEST_F(ShopperFindTest, FindsStockProductsMeetingEverySpec) {
  FindRequest request;
  request.category = "shoes";
  request.specs = {S("size", SpecOp::kEq, {10.5}), S("width", SpecOp::kEq, {std::string("W")}),
                   S("material", SpecOp::kEq, {std::string("leather")}),
                   S("heel_height_cm", SpecOp::kLe, {2.0})};
  FindResult r = FindOk(request);
  // The loafer in stock, then the custom shoe configured to the same specs;
  // the sold-out oxford is not offered.
  ASSERT_EQ(r.total_matches, 2);
  EXPECT_EQ(r.matches[0].kind, Match::Kind::kProduct);
  EXPECT_EQ(r.matches[0].product->sku, "LOAF-BLK-10.5");
  EXPECT_EQ(r.matches[0].price.amount, 14900);
  EXPECT_EQ(Texts(r.matches[0].meets),
            (std::vector<std::string>{"size 10.5 \u2713", "width W \u2713", "material leather \u2713",
                                      "heel_height_cm 1.5 \u2264 2 \u2713"}));
  EXPECT_EQ(r.matches[1].kind, Match::Kind::kConfiguration);
  EXPECT_TRUE(r.relaxations.empty());
}

TEST_F(ShopperFindTest, ExactSizeNotInStockProposesTheCustomShoe) {
  FindRequest request;
  request.category = "shoes";
  request.budget = 20000;
  request.specs = {S("size", SpecOp::kEq, {11.5}), S("width", SpecOp::kEq, {std::string("W")}),
                   S("heel_height_cm", SpecOp::kLe, {2.0}),
                   S("material", SpecOp::kEq, {std::string("leather")})};
  FindResult r = FindOk(request);
  ASSERT_EQ(r.total_matches, 1);
  const Match& m = r.matches[0];
  EXPECT_EQ(m.kind, Match::Kind::kConfiguration);
  EXPECT_EQ(m.product->sku, "SHOE-CUSTOM");
  EXPECT_EQ(m.model_id, "shoes");
  EXPECT_EQ(m.configuration.at("size"), "11.5");
  EXPECT_EQ(m.configuration.at("width"), "W");
  EXPECT_EQ(m.configuration.at("heel"), "1");
  // The cheapest leather: vegan leather (+20) on the base 140, wide (+5).
  EXPECT_EQ(m.configuration.at("material"), "vegan");
  EXPECT_EQ(m.price.amount, 16500);
  EXPECT_EQ(Texts(m.meets), (std::vector<std::string>{"size 11.5 \u2713", "width Wide \u2713",
                                                      "heel_height_cm 1 cm \u2264 2 \u2713",
                                                      "material Vegan leather \u2713"}));
  // Every configuration found is valid under the model's rules.
  auto state = models_->at("shoes")->Configure({m.configuration, {}});
  ASSERT_TRUE(state.ok());
  EXPECT_TRUE(state->consistent);
  EXPECT_EQ(state->price_now, m.price.amount);
}

TEST_F(ShopperFindTest, PreferencesSteerTheConfigurationWithinBudget) {
  FindRequest request;
  request.budget = 20000;
  request.kind = KindFilter::kConfigurations;
  request.specs = {S("size", SpecOp::kEq, {11.5}), S("material", SpecOp::kEq, {std::string("calf")})};
  request.preferences = {{"colour", SpecOp::kEq, {std::string("burgundy")}, 2},
                         {"sole", SpecOp::kEq, {std::string("leather")}, 1}};
  FindResult r = FindOk(request);
  ASSERT_EQ(r.total_matches, 1);
  const Match& m = r.matches[0];
  EXPECT_EQ(m.configuration.at("colour"), "burgundy");
  EXPECT_EQ(m.configuration.at("sole"), "rubber");  // a leather sole (+25) would pass the budget
  EXPECT_EQ(m.price.amount, 14000 + 4000 + 1000);
  EXPECT_DOUBLE_EQ(m.score, 2);
  EXPECT_TRUE(m.prefers[0].ok);
  EXPECT_FALSE(m.prefers[1].ok);
}

TEST_F(ShopperFindTest, RanksByPreferencesThenPrice) {
  FindRequest request;
  request.category = "Running Shoes";
  request.specs = {S("size", SpecOp::kEq, {10.5})};
  request.preferences = {{"color", SpecOp::kEq, {std::string("black")}, 1}};
  FindResult r = FindOk(request);
  ASSERT_EQ(r.total_matches, 2);
  EXPECT_EQ(r.matches[0].product->sku, "RUN-BLK-10.5");  // black, though dearer
  EXPECT_EQ(r.matches[1].product->sku, "RUN-GRY-10.5");
  EXPECT_EQ(r.matches[0].prefers[0].text, "color Midnight Black \u2713");

  request.preferences.clear();
  r = FindOk(request);
  EXPECT_EQ(r.matches[0].product->sku, "RUN-GRY-10.5");  // cheaper first
}

TEST_F(ShopperFindTest, LoosensANumericSpecToTheNearestStock) {
  FindRequest request;
  request.kind = KindFilter::kProducts;
  request.specs = {S("size", SpecOp::kEq, {11.5}), S("width", SpecOp::kEq, {std::string("W")})};
  FindResult r = FindOk(request);
  EXPECT_EQ(r.total_matches, 0);
  ASSERT_FALSE(r.relaxations.empty());
  const Relaxation& best = r.relaxations[0];
  ASSERT_EQ(best.changes.size(), 1u);
  EXPECT_EQ(best.changes[0].kind, RelaxChange::Kind::kLoosen);
  EXPECT_EQ(best.changes[0].spec, 0);
  ASSERT_TRUE(best.changes[0].loosened);
  EXPECT_EQ(best.changes[0].loosened->op, SpecOp::kIn);
  EXPECT_EQ(best.changes[0].loosened->values, (std::vector<SpecValue>{11.0, 12.0}));
  EXPECT_EQ(best.description, "size in {11, 12} instead of = 11.5");
  EXPECT_EQ(best.yield_count, 2);
  ASSERT_EQ(best.examples.size(), 2u);
  EXPECT_EQ(best.examples[0].product->sku, "LOAF-BLK-11");
  EXPECT_FALSE(best.examples[0].meets[0].ok);  // checked against the original specs
}

TEST_F(ShopperFindTest, ProposesTheSmallestBudgetRaise) {
  FindRequest request;
  request.category = "shoes";
  request.budget = 10000;
  request.specs = {S("size", SpecOp::kEq, {10.5}), S("material", SpecOp::kEq, {std::string("leather")})};
  FindResult r = FindOk(request);
  EXPECT_EQ(r.total_matches, 0);
  ASSERT_FALSE(r.relaxations.empty());
  const Relaxation& raise = r.relaxations[0];
  ASSERT_EQ(raise.changes.size(), 1u);
  EXPECT_EQ(raise.changes[0].kind, RelaxChange::Kind::kRaiseBudget);
  EXPECT_EQ(raise.changes[0].raise_by, 4900);
  EXPECT_EQ(raise.changes[0].new_budget, 14900);
  EXPECT_EQ(raise.description, "raise the budget by 49.00 to 149.00");
  EXPECT_EQ(raise.yield_count, 1);
  EXPECT_EQ(raise.examples[0].product->sku, "LOAF-BLK-10.5");
}

TEST_F(ShopperFindTest, DropsTwoSpecsWhenNoSingleOneYields) {
  FindRequest request;
  request.kind = KindFilter::kProducts;
  request.specs = {S("size", SpecOp::kEq, {10.5}), S("material", SpecOp::kEq, {std::string("suede")}),
                   S("colour", SpecOp::kIn, {std::string("navy"), std::string("red")})};
  FindResult r = FindOk(request);
  EXPECT_EQ(r.total_matches, 0);
  ASSERT_EQ(r.relaxations.size(), 1u);
  const Relaxation& pair = r.relaxations[0];
  ASSERT_EQ(pair.changes.size(), 2u);
  EXPECT_EQ(pair.changes[0].kind, RelaxChange::Kind::kDrop);
  EXPECT_EQ(pair.description, "drop material = suede; drop colour in {navy, red}");
  EXPECT_EQ(pair.yield_count, 3);  // every size 10.5 in stock
}

TEST_F(ShopperFindTest, RelaxesAModelSpecThatItsRulesForbid) {
  FindRequest request;
  request.kind = KindFilter::kConfigurations;
  // Pumps have a heel of at least 5 cm (the shoes model's rule pump-heel).
  request.specs = {S("style", SpecOp::kEq, {std::string("pump")}), S("heel", SpecOp::kLe, {2.0})};
  FindResult r = FindOk(request);
  EXPECT_EQ(r.total_matches, 0);
  ASSERT_FALSE(r.relaxations.empty());
  bool loosened_heel = false;
  for (const auto& relaxation : r.relaxations) {
    if (relaxation.description == "heel <= 5 instead of <= 2") {
      loosened_heel = true;
      ASSERT_EQ(relaxation.examples.size(), 1u);
      EXPECT_EQ(relaxation.examples[0].configuration.at("style"), "pump");
      EXPECT_EQ(relaxation.examples[0].configuration.at("heel"), "5");
    }
  }
  EXPECT_TRUE(loosened_heel);
}

TEST_F(ShopperFindTest, PriceSpecCapsTheConfiguration) {
  FindRequest request;
  request.kind = KindFilter::kConfigurations;
  request.specs = {S("size", SpecOp::kEq, {14.0}), S("price", SpecOp::kLe, {14500.0})};
  FindResult r = FindOk(request);
  ASSERT_EQ(r.total_matches, 1);
  EXPECT_LE(r.matches[0].price.amount, 14500);
  EXPECT_EQ(r.matches[0].meets[1].text, "price 140.00 \u2264 145.00 \u2713");
}

TEST_F(ShopperFindTest, OffersConfiguredUnitsInStock) {
  FindRequest request;
  request.kind = KindFilter::kProducts;
  request.specs = {S("size", SpecOp::kGe, {13.5}), S("colour", SpecOp::kEq, {std::string("black")})};
  FindResult r = FindOk(request);
  ASSERT_EQ(r.total_matches, 1);
  const Match m = r.matches[0];  // a copy: r is reused below
  EXPECT_EQ(m.kind, Match::Kind::kProduct);
  EXPECT_EQ(m.product->sku, "SHOE-CUSTOM");
  ASSERT_NE(m.stock_unit, nullptr);
  EXPECT_EQ(m.stock_unit->id, 100);
  EXPECT_EQ(m.model_id, "shoes");
  EXPECT_EQ(m.configuration.at("size"), "14");
  EXPECT_EQ(m.price.amount, 14000 + 4000 + 2500);  // priced by the configurator
  EXPECT_EQ(Texts(m.meets), (std::vector<std::string>{"size 14 \u2265 13.5 \u2713", "colour Black \u2713"}));

  // An index built without the models prices the unit per request instead.
  CandidateIndex bare(*catalog_);
  auto again = Find(request, bare, *models_);
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->total_matches, 1);
  EXPECT_EQ(again->matches[0].stock_unit, m.stock_unit);
  EXPECT_EQ(again->matches[0].price, m.price);

  // Built to order, the same specs cost less than the unit in stock.
  request.kind = KindFilter::kAny;
  r = FindOk(request);
  ASSERT_EQ(r.total_matches, 2);
  EXPECT_EQ(r.matches[0].kind, Match::Kind::kConfiguration);
  EXPECT_EQ(r.matches[0].price.amount, 14000);
  EXPECT_EQ(r.matches[1].stock_unit, m.stock_unit);
}

TEST_F(ShopperFindTest, RejectsBadRequestsNamingTheField) {
  auto field_of = [&](const FindRequest& request) {
    auto r = Find(request, *catalog_, *models_);
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string() : r.error().field;
  };
  FindRequest request;
  request.specs = {S("size", SpecOp::kEq, {10.5}), S("heel", SpecOp::kLe, {std::string("low")})};
  EXPECT_EQ(field_of(request), "specs[1].value");
  request.specs = {S("", SpecOp::kEq, {10.5})};
  EXPECT_EQ(field_of(request), "specs[0].field");
  request.specs = {S("size", SpecOp::kEq, {10.5, 11.0})};
  EXPECT_EQ(field_of(request), "specs[0].value");
  request.specs.clear();
  request.preferences = {{"colour", SpecOp::kEq, {std::string("black")}, 0}};
  EXPECT_EQ(field_of(request), "preferences[0].weight");
  request.preferences.clear();
  request.category = "hats";
  EXPECT_EQ(field_of(request), "category");
  request.category.clear();
  request.limit = 0;
  EXPECT_EQ(field_of(request), "limit");
  request.limit = 10;
  request.budget = -1;
  EXPECT_EQ(field_of(request), "budget");
}

TEST_F(ShopperFindTest, BoundsTheConfiguratorCalls) {
  FindRequest request;
  request.kind = KindFilter::kConfigurations;
  request.specs = {S("size", SpecOp::kGe, {5.0}),
                   S("colour", SpecOp::kIn, {std::string("black"), std::string("red")})};
  FindOptions options;
  options.max_configure_calls = 3;
  auto r = Find(request, *catalog_, *models_, options);
  ASSERT_TRUE(r.ok());
  EXPECT_LE(r->configure_calls, 3);
}

}  // namespace
}  // namespace atelier::shopper
