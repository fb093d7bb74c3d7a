#include "atelier/orders/orders.h"

#include <gtest/gtest.h>

#include "atelier/orders/checkout.h"
#include "internal/test_support.h"

namespace atelier::orders {
namespace {

using testing::FakeClock;
using testing::FakePricer;
using testing::Must;

class OrderBookTest : public ::testing::Test {
 protected:
  OrderBookTest()
      : db_(testing::OpenMemoryDb()),
        shop_(*db_),
        accounts_(*db_, testing::FastAccounts(clock_.AsClock())),
        carts_(*db_, [this] { return shop_.Snapshot(); }, pricer_, CartsOptions{99, 100, clock_.AsClock()}),
        scheduler_(*db_, ScheduleOptions{60, 7}),
        checkout_(*db_, pricer_, scheduler_, CheckoutOptions{clock_.AsClock()}),
        book_(*db_, scheduler_, OrderBookOptions{100, clock_.AsClock()}) {
    pricer_.AddModel(FakePricer::Suv());
    int64_t dc = shop_.AddLocation("DC-EAST", catalog::LocationType::kDistributionCentre, "us-east");
    shop_.AddLocation("PLANT-A", catalog::LocationType::kPlant, "us-central");
    testing::MustOk(scheduler_.SetCapacity("PLANT-A", "suv", 1));
    unit_ = shop_.AddStock(shop_.AddProduct("CTRL-1", 6999), dc, 10);
    alice_ = Must(accounts_.Register({"alice@example.com", "correct horse battery", Role::kShopper, "us-east"})).id;
    bob_ = Must(accounts_.Register({"bob@example.com", "correct horse battery", Role::kShopper, "us-east"})).id;
  }

  Order StockOrder(int64_t account, const std::string& key, int64_t quantity = 1) {
    Must(carts_.AddProduct(CartOwner::Account(account), "CTRL-1", quantity));
    return Must(checkout_.Place(CheckoutRequest{account, key, "", {}}));
  }

  Order CustomOrder(int64_t account, const std::string& key) {
    Must(carts_.AddConfigured(CartOwner::Account(account),
                              ConfiguredItem{"suv", 3, {{"colour", "red"}, {"trim", "sport"}}, {}, 0}, 1));
    return Must(checkout_.Place(CheckoutRequest{account, key, "", {}}));
  }

  std::vector<OrderStatus> Timeline(const Order& o) {
    std::vector<OrderStatus> out;
    for (const auto& e : o.events) out.push_back(e.status);
    return out;
  }

  FakeClock clock_;
  std::unique_ptr<store::Database> db_;
  testing::Shop shop_;
  FakePricer pricer_;
  Accounts accounts_;
  Carts carts_;
  Scheduler scheduler_;
  Checkout checkout_;
  OrderBook book_;
  int64_t unit_ = 0;
  int64_t alice_ = 0, bob_ = 0;
};

TEST_F(OrderBookTest, ShopperReadsTheirOwnOrderWithTracking) {
  Order placed = StockOrder(alice_, "k-1");
  Order read = Must(book_.GetOrder(alice_, placed.id));
  EXPECT_EQ(read.id, placed.id);
  EXPECT_EQ(read.expected_delivery_date, FormatDay(clock_.today() + 7));
  EXPECT_EQ(Timeline(read), std::vector<OrderStatus>{OrderStatus::kPlaced});
}

TEST_F(OrderBookTest, AnotherShoppersOrderIsNotFoundNotForbidden) {
  Order placed = StockOrder(alice_, "k-1");
  auto theirs = book_.GetOrder(bob_, placed.id);
  auto missing = book_.GetOrder(bob_, placed.id + 1000);
  ASSERT_FALSE(theirs.ok());
  EXPECT_EQ(theirs.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  // Same message shape: nothing tells the two apart.
  EXPECT_EQ(theirs.error().message, "no order " + std::to_string(placed.id));
  EXPECT_EQ(book_.CancelForShopper(bob_, placed.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Must(book_.GetOrder(alice_, placed.id)).status, OrderStatus::kPlaced);
}

TEST_F(OrderBookTest, ListsOnlyTheShoppersOrdersNewestFirst) {
  Order first = StockOrder(alice_, "k-1");
  StockOrder(bob_, "k-1");
  Order second = StockOrder(alice_, "k-2");
  OrderPage page = Must(book_.ListOrders(alice_, 1, 10));
  EXPECT_EQ(page.total, 2);
  ASSERT_EQ(page.orders.size(), 2u);
  EXPECT_EQ(page.orders[0].id, second.id);
  EXPECT_EQ(page.orders[1].id, first.id);
  OrderPage second_page = Must(book_.ListOrders(alice_, 2, 1));
  ASSERT_EQ(second_page.orders.size(), 1u);
  EXPECT_EQ(second_page.orders[0].id, first.id);
  EXPECT_EQ(book_.ListOrders(alice_, 0, 10).error().field, "page");
  EXPECT_EQ(book_.ListOrders(alice_, 1, 1000).error().field, "per_page");
}

TEST_F(OrderBookTest, StockOrderGoesPlacedShippedDeliveredWithTimestamps) {
  Order o = StockOrder(alice_, "k-1");
  clock_.AdvanceSeconds(3600);
  Must(book_.Advance(o.id, OrderStatus::kShipped, "merchant:ops", "tracking 1Z999"));
  clock_.AdvanceDays(2);
  Order done = Must(book_.Advance(o.id, OrderStatus::kDelivered, "merchant:ops"));
  EXPECT_EQ(done.status, OrderStatus::kDelivered);
  EXPECT_EQ(Timeline(done),
            (std::vector<OrderStatus>{OrderStatus::kPlaced, OrderStatus::kShipped, OrderStatus::kDelivered}));
  EXPECT_EQ(done.events[1].at - done.events[0].at, 3600);
  EXPECT_EQ(done.events[1].note, "tracking 1Z999");
  EXPECT_EQ(done.events[2].at - done.events[1].at, 2 * 86400);
}

TEST_F(OrderBookTest, StockOrderCannotGoIntoProduction) {
  Order o = StockOrder(alice_, "k-1");
  auto r = book_.Advance(o.id, OrderStatus::kInProduction, "merchant:ops");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_EQ(r.error().field, "status");
  EXPECT_EQ(book_.Advance(o.id, OrderStatus::kDelivered, "merchant:ops").error().code, ErrorCode::kConflict);
}

TEST_F(OrderBookTest, CustomOrderWalksThroughProduction) {
  Order o = CustomOrder(alice_, "k-1");
  EXPECT_EQ(book_.Advance(o.id, OrderStatus::kShipped, "merchant:ops").error().code, ErrorCode::kConflict);
  Must(book_.Advance(o.id, OrderStatus::kInProduction, "merchant:plant-a"));
  Must(book_.Advance(o.id, OrderStatus::kBuilt, "merchant:plant-a"));
  Must(book_.Advance(o.id, OrderStatus::kShipped, "merchant:ops"));
  Order done = Must(book_.Advance(o.id, OrderStatus::kDelivered, "merchant:ops"));
  EXPECT_EQ(Timeline(done), (std::vector<OrderStatus>{OrderStatus::kPlaced, OrderStatus::kInProduction,
                                                      OrderStatus::kBuilt, OrderStatus::kShipped,
                                                      OrderStatus::kDelivered}));
  EXPECT_EQ(book_.Advance(o.id, OrderStatus::kDelivered, "merchant:ops").error().code, ErrorCode::kConflict);
}

TEST_F(OrderBookTest, CancellingAStockOrderRestocksAndVoidsThePayment) {
  Order o = StockOrder(alice_, "k-1", 3);
  EXPECT_EQ(shop_.Quantity(unit_), 7);
  Order cancelled = Must(book_.CancelForShopper(alice_, o.id));
  EXPECT_EQ(cancelled.status, OrderStatus::kCancelled);
  EXPECT_EQ(cancelled.payment_status, "voided");
  EXPECT_EQ(cancelled.events.back().actor, "shopper:" + std::to_string(alice_));
  EXPECT_EQ(shop_.Quantity(unit_), 10);
  EXPECT_EQ(book_.CancelForShopper(alice_, o.id).error().code, ErrorCode::kConflict);
  EXPECT_EQ(shop_.Quantity(unit_), 10);
}

TEST_F(OrderBookTest, ShippedStockOrderCannotBeCancelled) {
  Order o = StockOrder(alice_, "k-1");
  Must(book_.Advance(o.id, OrderStatus::kShipped, "merchant:ops"));
  auto r = book_.CancelForShopper(alice_, o.id);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_EQ(shop_.Quantity(unit_), 9);
}

TEST_F(OrderBookTest, CancellingACustomOrderFreesItsPlantSlot) {
  Order o = CustomOrder(alice_, "k-1");
  const int64_t day = o.lines.at(0).build_day;
  EXPECT_EQ(Must(scheduler_.Booked("PLANT-A", "suv", day)), 1);
  Must(book_.Cancel(o.id, "merchant:ops", "customer called"));
  EXPECT_EQ(Must(scheduler_.Booked("PLANT-A", "suv", day)), 0);
  // The freed slot is quoted again.
  EXPECT_EQ(Must(scheduler_.Quote(BuildRequest{"suv", {"PLANT-A"}, 0, 1, "us-east"}, day)).build_day, day);
}

TEST_F(OrderBookTest, CustomOrderInProductionCannotBeCancelled) {
  Order o = CustomOrder(alice_, "k-1");
  Must(book_.Advance(o.id, OrderStatus::kInProduction, "merchant:plant-a"));
  auto r = book_.Cancel(o.id, "merchant:ops");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_EQ(Must(scheduler_.Booked("PLANT-A", "suv", o.lines.at(0).build_day)), 1);
}

TEST_F(OrderBookTest, MerchantListsThePipelineByStatus) {
  Order a = CustomOrder(alice_, "k-1");
  Order b = StockOrder(bob_, "k-1");
  Must(book_.Advance(a.id, OrderStatus::kInProduction, "merchant:plant-a"));
  OrderPage in_production = Must(book_.ListByStatus(OrderStatus::kInProduction, 1, 10));
  ASSERT_EQ(in_production.total, 1);
  EXPECT_EQ(in_production.orders[0].id, a.id);
  EXPECT_EQ(Must(book_.ListByStatus(OrderStatus::kPlaced, 1, 10)).orders.at(0).id, b.id);
  EXPECT_EQ(Must(book_.GetOrderForMerchant(b.id)).account_id, bob_);
}

TEST(OrderStatusTest, NamesRoundTrip) {
  for (OrderStatus s : {OrderStatus::kPlaced, OrderStatus::kInProduction, OrderStatus::kBuilt, OrderStatus::kShipped,
                        OrderStatus::kDelivered, OrderStatus::kCancelled}) {
    EXPECT_EQ(*ParseOrderStatus(OrderStatusName(s)), s);
  }
  EXPECT_FALSE(ParseOrderStatus("lost").ok());
}

}  // namespace
}  // namespace atelier::orders
