#include "atelier/server/model_pricer.h"

#include <gtest/gtest.h>

#include "atelier/server/services.h"

namespace atelier::server {
namespace {

class ModelPricerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status loaded = LoadDemoProductModels(services_);
    ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
  }

  // The cheapest complete configuration of `model_id` with `picks`.
  orders::Selections Complete(const std::string& model_id, orders::Selections picks) {
    auto compiled = services_.product_models.Get()->by_id.at(model_id);
    config::ConfigureRequest request;
    request.selections = picks;
    auto state = compiled->Configure(request);
    EXPECT_TRUE(state.ok());
    for (const auto& [option, value] : state->cheapest_completion) picks.emplace(option, value);
    return picks;
  }

  Services services_;
  ModelPricer pricer_{services_.product_models, services_.model_cache};
};

TEST_F(ModelPricerTest, PricesACompleteConfigurationWithLeadTimeLineAndPlants) {
  const orders::Selections red = Complete("suv", {{"colour", "red"}, {"towing", "true"}});
  auto priced = pricer_.Price("suv", 1, red, {});
  ASSERT_TRUE(priced.ok()) << priced.error().ToString();
  EXPECT_EQ(priced->unit_price.currency, "USD");
  EXPECT_GE(priced->unit_price.amount, 3'400'000 + 65'000 + 95'000);  // base + red + towing
  EXPECT_GE(priced->lead_time_days, 28);
  EXPECT_EQ(priced->product_line, "suv");
  EXPECT_EQ(priced->plant_codes, (std::vector<std::string>{"detroit", "leipzig"}));
  // Version 0 is the current version.
  auto current = pricer_.Price("suv", 0, red, {});
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(current->unit_price, priced->unit_price);
}

TEST_F(ModelPricerTest, RejectsAnIncompleteConfigurationNamingTheOption) {
  auto priced = pricer_.Price("suv", 1, {{"colour", "red"}}, {});
  ASSERT_FALSE(priced.ok());
  EXPECT_EQ(priced.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(priced.error().field.rfind("selections.", 0), 0u) << priced.error().field;
  EXPECT_NE(priced.error().field, "selections.colour");
}

TEST_F(ModelPricerTest, RejectsConflictingAndUnknownPicks) {
  orders::Selections picks = Complete("suv", {{"towing", "true"}});
  picks["engine"] = "i4";  // towing needs the V6 or the hybrid
  auto conflict = pricer_.Price("suv", 1, picks, {});
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(conflict.error().field.rfind("selections.", 0), 0u);

  picks = Complete("suv", {});
  picks["colour"] = "plaid";
  auto unknown = pricer_.Price("suv", 1, picks, {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "selections.colour");
}

TEST_F(ModelPricerTest, UnknownModelOrVersionIsNotFound) {
  auto model = pricer_.Price("zeppelin", 1, {}, {});
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(model.error().field, "model_id");
  auto version = pricer_.Describe("suv", 99);
  ASSERT_FALSE(version.ok());
  EXPECT_EQ(version.error().code, ErrorCode::kNotFound);
}

TEST_F(ModelPricerTest, ValidatesPersonalizationWithFonts) {
  const orders::Selections tablet = Complete("tablet", {});
  auto engraved = pricer_.Price("tablet", 0, tablet, {{"engraving", "Ada"}, {"engraving.font", "serif"}});
  ASSERT_TRUE(engraved.ok()) << engraved.error().ToString();
  auto bad_font = pricer_.Price("tablet", 0, tablet, {{"engraving", "Ada"}, {"engraving.font", "gothic"}});
  ASSERT_FALSE(bad_font.ok());
  EXPECT_EQ(bad_font.error().field, "personalization.engraving");
  auto too_long = pricer_.Price("tablet", 0, tablet,
                                {{"engraving", std::string(60, 'a')}, {"engraving.font", "serif"}});
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().field, "personalization.engraving");
}

TEST_F(ModelPricerTest, PictureFieldsCannotBeOrderedYet) {
  const orders::Selections candy = Complete("candy", {});
  auto priced = pricer_.Price("candy", 0, candy, {{"picture", "upload-1"}});
  ASSERT_FALSE(priced.ok());
  EXPECT_EQ(priced.error().field, "personalization.picture");
}

TEST_F(ModelPricerTest, DescribesOptionsWithLabelsAndAbsentValues) {
  auto d = pricer_.Describe("suv", 1);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->name, "Atelier Trailhead SUV");
  const orders::OptionDescription* colour = d->FindOption("colour");
  ASSERT_NE(colour, nullptr);
  EXPECT_EQ(colour->label, "Paint");
  ASSERT_NE(colour->FindValue("red"), nullptr);
  EXPECT_EQ(colour->FindValue("red")->label, "Racing Red");
}

}  // namespace
}  // namespace atelier::server
