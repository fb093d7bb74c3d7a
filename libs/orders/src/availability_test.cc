#include "atelier/orders/availability.h"

#include <gtest/gtest.h>

#include "internal/test_support.h"

namespace atelier::orders {
namespace {

using testing::Must;

// The seeds' scenario: a shopper wants a red sport SUV with the tow package;
// none is in stock, near alternatives are, and a red one can be built.
class AvailabilityTest : public ::testing::Test, protected testing::BuyingWorld {
 protected:
  AvailabilityTest() {
    dealer_east_ = shop.AddLocation("DEALER-EAST", catalog::LocationType::kDealer, "us-east");
    int64_t dealer_west = shop.AddLocation("DEALER-WEST", catalog::LocationType::kDealer, "us-west");
    int64_t plant = shop.AddLocation("PLANT-A", catalog::LocationType::kPlant, "us-central");
    testing::MustOk(scheduler.SetCapacity("PLANT-A", "suv", 1));
    testing::MustOk(scheduler.SetTransit("PLANT-A", "us-east", 3));
    testing::MustOk(scheduler.SetTransit("DEALER-EAST", "us-east", 1));
    testing::MustOk(scheduler.SetTransit("DEALER-WEST", "us-east", 5));
    int64_t suv = shop.AddProduct("SUV-STOCK", 0, "suv");
    grey_sport_tow_ = shop.AddStock(suv, dealer_east_, 1, R"({"colour":"grey","trim":"sport","tow":"yes"})");
    red_sport_ = shop.AddStock(suv, dealer_west, 2, R"({"colour":"red","trim":"sport","tow":"none"})");
    blue_base_ = shop.AddStock(suv, dealer_east_, 1, R"({"colour":"blue","trim":"base"})");
    shop.AddStock(suv, dealer_east_, 0, R"({"colour":"red","trim":"sport","tow":"yes"})");  // sold out
    shop.AddStock(suv, plant, 3, R"({"colour":"red","trim":"sport","tow":"yes"})");         // at the plant
  }

  AvailabilityRequest Wanted() {
    AvailabilityRequest r;
    r.model_id = "suv";
    r.model_version = 3;
    r.selections = {{"colour", "red"}, {"trim", "sport"}, {"tow", "yes"}};
    r.region = "us-east";
    return r;
  }

  AvailabilityFinder finder_{*db, pricer, scheduler, AvailabilityOptions{clock.AsClock(), 20}};
  int64_t dealer_east_ = 0;
  int64_t grey_sport_tow_ = 0, red_sport_ = 0, blue_base_ = 0;
};

TEST_F(AvailabilityTest, NotInStockGivesNearAlternativesAndABuildToOrderQuote) {
  Availability a = Must(finder_.Find(Wanted()));
  EXPECT_TRUE(a.exact.empty());
  ASSERT_EQ(a.alternatives.size(), 3u);
  // One difference each for the first two; the cheaper one first on a tie.
  EXPECT_EQ(a.alternatives[0].offer.stock_unit_id, red_sport_);
  EXPECT_EQ(a.alternatives[0].distance, 1);
  EXPECT_EQ(a.alternatives[0].summary, "no tow package, $1200.00 less");
  EXPECT_EQ(a.alternatives[1].offer.stock_unit_id, grey_sport_tow_);
  EXPECT_EQ(a.alternatives[1].summary, "colour: grey instead of red, $500.00 less");
  EXPECT_EQ(a.alternatives[1].offer.location_code, "DEALER-EAST");
  EXPECT_EQ(a.alternatives[1].offer.delivery_day, clock.today() + 1);
  EXPECT_EQ(a.alternatives[2].offer.stock_unit_id, blue_base_);
  EXPECT_EQ(a.alternatives[2].distance, 3);
  ASSERT_TRUE(a.build_to_order.has_value());
  EXPECT_EQ(a.build_to_order->price.amount, 3'470'000);
  EXPECT_EQ(a.build_to_order->quote.plant_code, "PLANT-A");
  EXPECT_EQ(a.build_to_order->quote.delivery_day, clock.today() + 13);
}

TEST_F(AvailabilityTest, ExactMatchHonoursOnlyThePickedOptions) {
  AvailabilityRequest r = Wanted();
  r.selections = {{"colour", "red"}};
  Availability a = Must(finder_.Find(r));
  ASSERT_EQ(a.exact.size(), 1u);
  EXPECT_EQ(a.exact[0].stock_unit_id, red_sport_);
  EXPECT_EQ(a.exact[0].quantity, 2);
  EXPECT_EQ(a.exact[0].transit_days, 5);
  EXPECT_EQ(a.exact[0].delivery_date, FormatDay(clock.today() + 5));
  // Partial: no build-to-order price without a complete configuration.
  EXPECT_FALSE(a.build_to_order.has_value());
  EXPECT_NE(a.build_to_order_unavailable.find("choose a Trim"), std::string::npos)
      << a.build_to_order_unavailable;
}

TEST_F(AvailabilityTest, BudgetFiltersAlternativesButFlagsExactMatches) {
  AvailabilityRequest r = Wanted();
  r.budget = 3'300'000;
  Availability a = Must(finder_.Find(r));
  ASSERT_EQ(a.alternatives.size(), 1u);  // grey (3,420,000) and red w/o tow (3,350,000) are over
  EXPECT_EQ(a.alternatives[0].offer.stock_unit_id, blue_base_);
  EXPECT_FALSE(a.build_to_order->within_budget);
  r.selections = {{"colour", "grey"}};
  Availability exact = Must(finder_.Find(r));
  ASSERT_EQ(exact.exact.size(), 1u);
  EXPECT_FALSE(exact.exact[0].within_budget);
}

TEST_F(AvailabilityTest, MerchantWeightsChangeTheRanking) {
  // Colour matters most to this shop; the tow package hardly at all.
  ASSERT_TRUE(finder_.SetOptionWeight("suv", "colour", 5).ok());
  ASSERT_TRUE(finder_.SetOptionWeight("suv", "tow", 0.5).ok());
  Availability a = Must(finder_.Find(Wanted()));
  ASSERT_EQ(a.alternatives.size(), 3u);
  EXPECT_EQ(a.alternatives[0].offer.stock_unit_id, red_sport_);
  EXPECT_DOUBLE_EQ(a.alternatives[0].distance, 0.5);
  EXPECT_EQ(a.alternatives[1].offer.stock_unit_id, grey_sport_tow_);
  EXPECT_DOUBLE_EQ(a.alternatives[1].distance, 5);
  ASSERT_TRUE(finder_.SetOptionWeight("suv", "tow", 9).ok());
  EXPECT_EQ(Must(finder_.Find(Wanted())).alternatives[0].offer.stock_unit_id, grey_sport_tow_);
  EXPECT_EQ(finder_.SetOptionWeight("suv", "tow", -1).error().field, "weight");
}

TEST_F(AvailabilityTest, MaxAlternativesLimitsTheList) {
  AvailabilityRequest r = Wanted();
  r.max_alternatives = 1;
  EXPECT_EQ(Must(finder_.Find(r)).alternatives.size(), 1u);
}

TEST_F(AvailabilityTest, DifferenceTextForAnAddedOption) {
  AvailabilityRequest r = Wanted();
  r.selections = {{"colour", "grey"}, {"trim", "sport"}, {"tow", "none"}};
  Availability a = Must(finder_.Find(r));
  const Alternative* grey = nullptr;
  for (const auto& alt : a.alternatives) {
    if (alt.offer.stock_unit_id == grey_sport_tow_) grey = &alt;
  }
  ASSERT_NE(grey, nullptr);
  ASSERT_EQ(grey->differences.size(), 1u);
  EXPECT_EQ(grey->differences[0].text, "with tow package: included");
  EXPECT_EQ(*grey->price_difference, 120'000);
  EXPECT_EQ(grey->summary, "with tow package: included, $1200.00 more");
}

TEST_F(AvailabilityTest, NoPriceDifferenceWhenThePicksDoNotFitTheUnit) {
  AvailabilityRequest r = Wanted();
  r.selections = {{"tow", "yes"}};
  Availability a = Must(finder_.Find(r));
  // Blue base + tow is not a valid configuration (base excludes tow).
  const Alternative* blue = nullptr;
  for (const auto& alt : a.alternatives) {
    if (alt.offer.stock_unit_id == blue_base_) blue = &alt;
  }
  ASSERT_NE(blue, nullptr);
  EXPECT_FALSE(blue->price_difference.has_value());
  EXPECT_EQ(blue->summary, "no tow package");
}

TEST_F(AvailabilityTest, NoCapacityMeansNoBuildToOrderQuote) {
  testing::MustOk(scheduler.SetCapacity("PLANT-A", "suv", 0));
  Availability a = Must(finder_.Find(Wanted()));
  EXPECT_FALSE(a.build_to_order.has_value());
  EXPECT_NE(a.build_to_order_unavailable.find("no plant"), std::string::npos);
}

TEST_F(AvailabilityTest, RejectsUnknownModelOptionsAndValues) {
  AvailabilityRequest r = Wanted();
  r.model_id = "boat";
  EXPECT_EQ(finder_.Find(r).error().code, ErrorCode::kNotFound);
  r = Wanted();
  r.selections["roof"] = "glass";
  EXPECT_EQ(finder_.Find(r).error().field, "selections.roof");
  r = Wanted();
  r.selections["colour"] = "purple";
  EXPECT_EQ(finder_.Find(r).error().field, "selections.colour");
  r = Wanted();
  r.budget = -1;
  EXPECT_EQ(finder_.Find(r).error().field, "budget");
}

TEST_F(AvailabilityTest, TheSameButInRedStartsFromAStockUnit) {
  ConfiguredItem item = Must(finder_.ConfigurationOfStockUnit(grey_sport_tow_, 3));
  EXPECT_EQ(item.model_id, "suv");
  EXPECT_EQ(item.selections.at("colour"), "grey");
  item.selections["colour"] = "red";
  AvailabilityRequest r = Wanted();
  r.selections = item.selections;
  Availability a = Must(finder_.Find(r));
  EXPECT_TRUE(a.exact.empty());
  ASSERT_TRUE(a.build_to_order.has_value());
  EXPECT_EQ(finder_.ConfigurationOfStockUnit(9999, 3).error().code, ErrorCode::kNotFound);
}

TEST_F(AvailabilityTest, SkipsUnitsTheModelVersionRejects) {
  int64_t suv = Must(db->Query("SELECT id FROM products WHERE sku = 'SUV-STOCK'")).at(0).Int(0);
  shop.AddStock(suv, dealer_east_, 1, R"({"colour":"pink","trim":"sport"})");
  EXPECT_EQ(Must(finder_.Find(Wanted())).skipped_units, 1);
}

}  // namespace
}  // namespace atelier::orders
