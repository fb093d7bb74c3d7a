#include "atelier/orders/orders.h"

#include <gtest/gtest.h>

#include "atelier/orders/checkout.h"
#include "internal/test_support.h"

namespace atelier::orders {
namespace {

using testing::Must;

class OrderBookTest : public ::testing::Test, protected testing::BuyingWorld {
 protected:
  OrderBookTest() {
    int64_t dc = shop.AddLocation("DC-EAST", catalog::LocationType::kDistributionCentre, "us-east");
    shop.AddLocation("PLANT-A", catalog::LocationType::kPlant, "us-central");
    testing::MustOk(scheduler.SetCapacity("PLANT-A", "suv", 1));
    unit_ = shop.AddStock(shop.AddProduct("CTRL-1", 6999), dc, 10);
    alice_ = RegisterShopper("alice@example.com");
    bob_ = RegisterShopper("bob@example.com");
  }

  Order StockOrder(int64_t account, const std::string& key, int64_t quantity = 1) {
    Must(carts.AddProduct(CartOwner::Account(account), "CTRL-1", quantity));
    return Must(checkout.Place(CheckoutRequest{account, key, "", {}, {}}));
  }

  Order CustomOrder(int64_t account, const std::string& key) {
    Must(carts.AddConfigured(CartOwner::Account(account),
                             ConfiguredItem{"suv", 3, {{"colour", "red"}, {"trim", "sport"}}, {}, 0}, 1));
    return Must(checkout.Place(CheckoutRequest{account, key, "", {}, {}}));
  }

  std::vector<OrderStatus> Timeline(const Order& o) {
    std::vector<OrderStatus> out;
    for (const auto& e : o.events) out.push_back(e.status);
    return out;
  }

  int64_t unit_ = 0;
  int64_t alice_ = 0, bob_ = 0;
};

TEST_F(OrderBookTest, ShopperReadsTheirOwnOrderWithTracking) {
  Order placed = StockOrder(alice_, "k-1");
  Order read = Must(book.GetOrder(alice_, placed.id));
  EXPECT_EQ(read.id, placed.id);
  EXPECT_EQ(read.expected_delivery_date, FormatDay(clock.today() + 7));
  EXPECT_EQ(Timeline(read), std::vector<OrderStatus>{OrderStatus::kPlaced});
}

TEST_F(OrderBookTest, AnotherShoppersOrderIsNotFoundNotForbidden) {
  Order placed = StockOrder(alice_, "k-1");
  auto theirs = book.GetOrder(bob_, placed.id);
  auto missing = book.GetOrder(bob_, placed.id + 1000);
  ASSERT_FALSE(theirs.ok());
  EXPECT_EQ(theirs.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  // Same message shape: nothing tells the two apart.
  EXPECT_EQ(theirs.error().message, "no order " + std::to_string(placed.id));
  EXPECT_EQ(book.CancelForShopper(bob_, placed.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Must(book.GetOrder(alice_, placed.id)).status, OrderStatus::kPlaced);
}

TEST_F(OrderBookTest, ListsOnlyTheShoppersOrdersNewestFirst) {
  Order first = StockOrder(alice_, "k-1");
  StockOrder(bob_, "k-1");
  Order second = StockOrder(alice_, "k-2");
  OrderPage page = Must(book.ListOrders(alice_, 1, 10));
  EXPECT_EQ(page.total, 2);
  ASSERT_EQ(page.orders.size(), 2u);
  EXPECT_EQ(page.orders[0].id, second.id);
  EXPECT_EQ(page.orders[1].id, first.id);
  OrderPage second_page = Must(book.ListOrders(alice_, 2, 1));
  ASSERT_EQ(second_page.orders.size(), 1u);
  EXPECT_EQ(second_page.orders[0].id, first.id);
  EXPECT_EQ(book.ListOrders(alice_, 0, 10).error().field, "page");
  EXPECT_EQ(book.ListOrders(alice_, 1, 1000).error().field, "per_page");
}

TEST_F(OrderBookTest, StockOrderGoesPlacedShippedDeliveredWithTimestamps) {
  Order o = StockOrder(alice_, "k-1");
  clock.AdvanceSeconds(3600);
  Must(book.Advance(o.id, OrderStatus::kShipped, "merchant:ops", "tracking 1Z999"));
  clock.AdvanceDays(2);
  Order done = Must(book.Advance(o.id, OrderStatus::kDelivered, "merchant:ops"));
  EXPECT_EQ(done.status, OrderStatus::kDelivered);
  EXPECT_EQ(Timeline(done),
            (std::vector<OrderStatus>{OrderStatus::kPlaced, OrderStatus::kShipped, OrderStatus::kDelivered}));
  EXPECT_EQ(done.events[1].at - done.events[0].at, 3600);
  EXPECT_EQ(done.events[1].note, "tracking 1Z999");
  EXPECT_EQ(done.events[2].at - done.events[1].at, 2 * 86400);
}

TEST_F(OrderBookTest, StockOrderCannotGoIntoProduction) {
  Order o = StockOrder(alice_, "k-1");
  auto r = book.Advance(o.id, OrderStatus::kInProduction, "merchant:ops");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_EQ(r.error().field, "status");
  EXPECT_EQ(book.Advance(o.id, OrderStatus::kDelivered, "merchant:ops").error().code, ErrorCode::kConflict);
}

TEST_F(OrderBookTest, CustomOrderWalksThroughProduction) {
  Order o = CustomOrder(alice_, "k-1");
  EXPECT_EQ(book.Advance(o.id, OrderStatus::kShipped, "merchant:ops").error().code, ErrorCode::kConflict);
  Must(book.Advance(o.id, OrderStatus::kInProduction, "merchant:plant-a"));
  Must(book.Advance(o.id, OrderStatus::kBuilt, "merchant:plant-a"));
  Must(book.Advance(o.id, OrderStatus::kShipped, "merchant:ops"));
  Order done = Must(book.Advance(o.id, OrderStatus::kDelivered, "merchant:ops"));
  EXPECT_EQ(Timeline(done),
            (std::vector<OrderStatus>{OrderStatus::kPlaced, OrderStatus::kInProduction, OrderStatus::kBuilt,
                                      OrderStatus::kShipped, OrderStatus::kDelivered}));
  EXPECT_EQ(book.Advance(o.id, OrderStatus::kDelivered, "merchant:ops").error().code, ErrorCode::kConflict);
}

TEST_F(OrderBookTest, CancellingAStockOrderRestocksAndVoidsThePayment) {
  Order o = StockOrder(alice_, "k-1", 3);
  EXPECT_EQ(shop.Quantity(unit_), 7);
  Order cancelled = Must(book.CancelForShopper(alice_, o.id));
  EXPECT_EQ(cancelled.status, OrderStatus::kCancelled);
  EXPECT_EQ(cancelled.payment_status, "voided");
  EXPECT_EQ(cancelled.events.back().actor, "shopper:" + std::to_string(alice_));
  EXPECT_EQ(shop.Quantity(unit_), 10);
  EXPECT_EQ(book.CancelForShopper(alice_, o.id).error().code, ErrorCode::kConflict);
  EXPECT_EQ(shop.Quantity(unit_), 10);
}

TEST_F(OrderBookTest, ShippedStockOrderCannotBeCancelled) {
  Order o = StockOrder(alice_, "k-1");
  Must(book.Advance(o.id, OrderStatus::kShipped, "merchant:ops"));
  auto r = book.CancelForShopper(alice_, o.id);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_EQ(shop.Quantity(unit_), 9);
}

TEST_F(OrderBookTest, CancellingACustomOrderFreesItsPlantSlot) {
  Order o = CustomOrder(alice_, "k-1");
  const int64_t day = o.lines.at(0).build_day;
  EXPECT_EQ(Must(scheduler.Booked("PLANT-A", "suv", day)), 1);
  Must(book.Cancel(o.id, "merchant:ops", "customer called"));
  EXPECT_EQ(Must(scheduler.Booked("PLANT-A", "suv", day)), 0);
  // The freed slot is quoted again.
  EXPECT_EQ(Must(scheduler.Quote(BuildRequest{"suv", {"PLANT-A"}, 0, 1, "us-east"}, day)).build_day, day);
}

TEST_F(OrderBookTest, CustomOrderInProductionCannotBeCancelled) {
  Order o = CustomOrder(alice_, "k-1");
  Must(book.Advance(o.id, OrderStatus::kInProduction, "merchant:plant-a"));
  auto r = book.Cancel(o.id, "merchant:ops");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_EQ(Must(scheduler.Booked("PLANT-A", "suv", o.lines.at(0).build_day)), 1);
}

TEST_F(OrderBookTest, MerchantListsThePipelineByStatus) {
  Order a = CustomOrder(alice_, "k-1");
  Order b = StockOrder(bob_, "k-1");
  Must(book.Advance(a.id, OrderStatus::kInProduction, "merchant:plant-a"));
  OrderPage in_production = Must(book.ListByStatus(OrderStatus::kInProduction, 1, 10));
  ASSERT_EQ(in_production.total, 1);
  EXPECT_EQ(in_production.orders[0].id, a.id);
  EXPECT_EQ(Must(book.ListByStatus(OrderStatus::kPlaced, 1, 10)).orders.at(0).id, b.id);
  EXPECT_EQ(Must(book.GetOrderForMerchant(b.id)).account_id, bob_);
}

TEST_F(OrderBookTest, PastOrderLineSeedsANewConfiguration) {
  Order custom = CustomOrder(alice_, "k-1");
  ConfiguredItem item = Must(book.ConfigurationFromOrder(alice_, custom.id, 1));
  EXPECT_EQ(item.model_id, "suv");
  EXPECT_EQ(item.model_version, 3);
  EXPECT_EQ(item.selections.at("colour"), "red");
  EXPECT_EQ(book.ConfigurationFromOrder(bob_, custom.id, 1).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(book.ConfigurationFromOrder(alice_, custom.id, 2).error().code, ErrorCode::kNotFound);
  Order stock = StockOrder(alice_, "k-2");
  EXPECT_EQ(book.ConfigurationFromOrder(alice_, stock.id, 1).error().field, "line_no");
}

TEST(OrderStatusTest, NamesRoundTrip) {
  for (OrderStatus s : {OrderStatus::kPlaced, OrderStatus::kInProduction, OrderStatus::kBuilt,
                        OrderStatus::kShipped, OrderStatus::kDelivered, OrderStatus::kCancelled}) {
    EXPECT_EQ(*ParseOrderStatus(OrderStatusName(s)), s);
  }
  EXPECT_FALSE(ParseOrderStatus("lost").ok());
}

}  // namespace
}  // namespace atelier::orders
