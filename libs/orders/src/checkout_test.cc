#include "atelier/orders/checkout.h"

#include <gtest/gtest.h>

#include <thread>

#include "atelier/orders/carts.h"
#include "internal/test_support.h"

namespace atelier::orders {
namespace {

using testing::FakePricer;
using testing::Must;
using testing::RedSuv;

class CheckoutTest : public ::testing::Test, protected testing::BuyingWorld {
 protected:
  CheckoutTest() {
    dc_east_ = shop.AddLocation("DC-EAST", catalog::LocationType::kDistributionCentre, "us-east");
    dc_west_ = shop.AddLocation("DC-WEST", catalog::LocationType::kDistributionCentre, "us-west");
    dealer_ = shop.AddLocation("DEALER-1", catalog::LocationType::kDealer, "us-east");
    shop.AddLocation("PLANT-A", catalog::LocationType::kPlant, "us-central");
    ctrl_ = shop.AddProduct("CTRL-1", 6999);
    dock_ = shop.AddProduct("DOCK-1", 2999);
    suv_product_ = shop.AddProduct("SUV-STOCK", 0, "suv");
    testing::MustOk(scheduler.SetCapacity("PLANT-A", "suv", 1));
    testing::MustOk(scheduler.SetTransit("PLANT-A", "us-east", 3));
    testing::MustOk(scheduler.SetTransit("DC-EAST", "us-east", 1));
    testing::MustOk(scheduler.SetTransit("DC-WEST", "us-east", 4));
    testing::MustOk(scheduler.SetTransit("DEALER-1", "us-east", 2));
    alice_ = RegisterShopper("alice@example.com");
    bob_ = RegisterShopper("bob@example.com");
  }

  CheckoutRequest Request(int64_t account, std::string key) {
    CheckoutRequest r;
    r.account_id = account;
    r.idempotency_key = std::move(key);
    return r;
  }

  int64_t dc_east_ = 0, dc_west_ = 0, dealer_ = 0;
  int64_t ctrl_ = 0, dock_ = 0, suv_product_ = 0;
  int64_t alice_ = 0, bob_ = 0;
};

TEST_F(CheckoutTest, PlacesAnOrderWithServerSidePricesAndEmptiesTheCart) {
  int64_t east = shop.AddStock(ctrl_, dc_east_, 5);
  shop.AddStock(dock_, dc_east_, 5);
  Must(carts.AddProduct(CartOwner::Account(alice_), "CTRL-1", 2));
  Must(carts.AddProduct(CartOwner::Account(alice_), "DOCK-1", 1));
  Order order = Must(checkout.Place(Request(alice_, "k-1")));
  EXPECT_EQ(order.account_id, alice_);
  EXPECT_EQ(order.status, OrderStatus::kPlaced);
  EXPECT_EQ(order.fulfilment, Fulfilment::kStock);
  EXPECT_EQ(order.total, (Money{2 * 6999 + 2999, "USD"}));
  ASSERT_EQ(order.lines.size(), 2u);
  EXPECT_EQ(order.lines[0].stock_unit_id, east);
  EXPECT_EQ(order.lines[0].location_code, "DC-EAST");
  EXPECT_EQ(order.expected_delivery_day, clock.today() + 1);
  EXPECT_EQ(order.payment_status, "pending");
  ASSERT_EQ(order.events.size(), 1u);
  EXPECT_EQ(order.events[0].status, OrderStatus::kPlaced);
  EXPECT_EQ(order.events[0].at, clock.now_ms() / 1000);
  EXPECT_EQ(shop.Quantity(east), 3);
  EXPECT_TRUE(Must(carts.Get(CartOwner::Account(alice_))).lines.empty());
}

TEST_F(CheckoutTest, AnOrderIsRecordedAsPurchaseEventsOnceForTheRecommender) {
  shop.AddStock(ctrl_, dc_east_, 5);
  shop.AddStock(dock_, dc_east_, 5);
  Must(carts.AddProduct(CartOwner::Account(alice_), "CTRL-1", 2));
  Must(carts.AddProduct(CartOwner::Account(alice_), "DOCK-1", 1));
  Order order = Must(checkout.Place(Request(alice_, "k-1")));
  Must(checkout.Place(Request(alice_, "k-1")));  // a retry records nothing more
  auto rows = Must(db->Query("SELECT type, user_id, item_id, basket_id, quantity, ts FROM events ORDER BY event_id"));
  ASSERT_EQ(rows.size(), 2u);
  const std::string basket = "order:" + std::to_string(order.id);
  EXPECT_EQ(rows[0].Text(0), "purchase");
  EXPECT_EQ(rows[0].Text(1), ShopperEventUser(alice_));
  EXPECT_EQ(rows[0].Text(2), "CTRL-1");
  EXPECT_EQ(rows[0].Text(3), basket);
  EXPECT_EQ(rows[0].Int(4), 2);
  EXPECT_EQ(rows[0].Int(5), clock.now_ms() / 1000);
  EXPECT_EQ(rows[1].Text(2), "DOCK-1");
  EXPECT_EQ(rows[1].Text(3), basket);
  EXPECT_EQ(ShopperEventUser(42), "acct:42");
}

TEST_F(CheckoutTest, AFailedCheckoutRecordsNoPurchase) {
  shop.AddStock(ctrl_, dc_east_, 1);
  Must(carts.AddProduct(CartOwner::Account(alice_), "CTRL-1", 2));
  EXPECT_FALSE(checkout.Place(Request(alice_, "k-1")).ok());
  EXPECT_EQ(shop.Count("events"), 0);
}

TEST_F(CheckoutTest, PriceComesFromTheStoreNotFromTheCartOrClient) {
  shop.AddStock(ctrl_, dc_east_, 5);
  Must(carts.AddProduct(CartOwner::Account(alice_), "CTRL-1", 1));
  testing::MustOk(db->Transact([](store::Session& s) -> Status {
    ATELIER_RETURN_IF_ERROR(s.Exec("UPDATE products SET price_amount = 7499 WHERE sku = 'CTRL-1'"));
    return Ok();
  }));
  EXPECT_EQ(Must(checkout.Place(Request(alice_, "k-1"))).total.amount, 7499);
}

TEST_F(CheckoutTest, EmptyCartIsInvalidArgument) {
  auto r = checkout.Place(Request(alice_, "k-1"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "cart");
  EXPECT_EQ(shop.Count("orders"), 0);
}

TEST_F(CheckoutTest, MissingIdempotencyKeyIsInvalidArgument) {
  shop.AddStock(ctrl_, dc_east_, 5);
  Must(carts.AddProduct(CartOwner::Account(alice_), "CTRL-1", 1));
  EXPECT_EQ(checkout.Place(Request(alice_, "")).error().field, "idempotency_key");
  EXPECT_EQ(checkout.Place(Request(alice_, "has space")).error().field, "idempotency_key");
  EXPECT_EQ(checkout.Place(Request(alice_, std::string(129, 'k'))).error().field, "idempotency_key");
}

TEST_F(CheckoutTest, RetryWithTheSameKeyReturnsTheSameOrder) {
  int64_t unit = shop.AddStock(ctrl_, dc_east_, 5);
  Must(carts.AddProduct(CartOwner::Account(alice_), "CTRL-1", 1));
  Order first = Must(checkout.Place(Request(alice_, "k-1")));
  Order again = Must(checkout.Place(Request(alice_, "k-1")));  // the cart is empty by now
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(shop.Count("orders"), 1);
  EXPECT_EQ(shop.Count("payments"), 1);
  EXPECT_EQ(shop.Quantity(unit), 4);
}

TEST_F(CheckoutTest, SameKeyWithADifferentRequestIsConflict) {
  shop.AddStock(ctrl_, dc_east_, 5);
  Must(carts.AddProduct(CartOwner::Account(alice_), "CTRL-1", 1));
  Must(checkout.Place(Request(alice_, "k-1")));
  CheckoutRequest other = Request(alice_, "k-1");
  other.region = "us-west";
  auto r = checkout.Place(other);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_EQ(r.error().field, "idempotency_key");
}

TEST_F(CheckoutTest, KeysAreScopedToTheShopper) {
  shop.AddStock(ctrl_, dc_east_, 5);
  Must(carts.AddProduct(CartOwner::Account(alice_), "CTRL-1", 1));
  Must(carts.AddProduct(CartOwner::Account(bob_), "CTRL-1", 1));
  Order a = Must(checkout.Place(Request(alice_, "same-key")));
  Order b = Must(checkout.Place(Request(bob_, "same-key")));
  EXPECT_NE(a.id, b.id);
  EXPECT_EQ(b.account_id, bob_);
}

TEST_F(CheckoutTest, ConcurrentRetriesOfOneKeyMakeOneOrder) {
  testing::TempDir dir;
  auto db = testing::OpenFileDb(dir.path());
  testing::Shop shop(*db);
  int64_t dc = shop.AddLocation("DC-EAST", catalog::LocationType::kDistributionCentre, "us-east");
  int64_t unit = shop.AddStock(shop.AddProduct("CTRL-1", 6999), dc, 50);
  Accounts accounts(*db, testing::FastAccounts(clock.AsClock()));
  Carts carts(
      *db, [&shop] { return shop.Snapshot(); }, pricer, CartsOptions{99, 100, clock.AsClock()});
  Scheduler scheduler(*db);
  Checkout checkout(*db, pricer, scheduler, CheckoutOptions{clock.AsClock()});
  int64_t carol =
      Must(accounts.Register({"carol@example.com", "correct horse battery", Role::kShopper, ""})).id;
  Must(carts.AddProduct(CartOwner::Account(carol), "CTRL-1", 1));

  std::vector<int64_t> ids(8, 0);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < ids.size(); ++i) {
    threads.emplace_back([&, i] {
      auto r = checkout.Place(Request(carol, "retry-me"));
      ids[i] = r.ok() ? r->id : -1;
    });
  }
  for (auto& t : threads) t.join();
  for (int64_t id : ids) EXPECT_EQ(id, ids[0]);
  EXPECT_GT(ids[0], 0);
  EXPECT_EQ(shop.Count("orders"), 1);
  EXPECT_EQ(shop.Quantity(unit), 49);
}

TEST_F(CheckoutTest, PrefersADistributionCentreInTheShoppersRegion) {
  int64_t west = shop.AddStock(ctrl_, dc_west_, 5);
  int64_t dealer = shop.AddStock(ctrl_, dealer_, 5);
  int64_t east = shop.AddStock(ctrl_, dc_east_, 1);
  Must(carts.AddProduct(CartOwner::Account(alice_), "CTRL-1", 1));
  Order first = Must(checkout.Place(Request(alice_, "k-1")));
  EXPECT_EQ(first.lines.at(0).stock_unit_id, east);
  // The regional DC is empty now: another DC before a dealer, even though the dealer is closer.
  Must(carts.AddProduct(CartOwner::Account(alice_), "CTRL-1", 1));
  Order second = Must(checkout.Place(Request(alice_, "k-2")));
  EXPECT_EQ(second.lines.at(0).stock_unit_id, west);
  EXPECT_EQ(second.expected_delivery_day, clock.today() + 4);
  EXPECT_EQ(shop.Quantity(dealer), 5);
}

TEST_F(CheckoutTest, FallsBackToOtherLocationsWhenNoDcHasEnough) {
  shop.AddStock(ctrl_, dc_east_, 1);
  int64_t dealer = shop.AddStock(ctrl_, dealer_, 5);
  Must(carts.AddProduct(CartOwner::Account(alice_), "CTRL-1", 3));
  Order order = Must(checkout.Place(Request(alice_, "k-1")));
  EXPECT_EQ(order.lines.at(0).stock_unit_id, dealer);
  EXPECT_EQ(shop.Quantity(dealer), 2);
}

TEST_F(CheckoutTest, OutOfStockIsConflictAndLeavesNoTrace) {
  int64_t ctrl_unit = shop.AddStock(ctrl_, dc_east_, 5);
  int64_t dock_unit = shop.AddStock(dock_, dc_east_, 1);
  Must(carts.AddProduct(CartOwner::Account(alice_), "CTRL-1", 2));
  int64_t dock_item = Must(carts.AddProduct(CartOwner::Account(alice_), "DOCK-1", 2));
  CheckoutFailure failure;
  auto r = checkout.Place(Request(alice_, "k-1"), &failure);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_EQ(r.error().field, "stock");
  EXPECT_EQ(r.error().message.rfind("out_of_stock:", 0), 0u) << r.error().message;
  EXPECT_NE(r.error().message.find("DOCK-1"), std::string::npos);
  EXPECT_EQ(failure.out_of_stock_items, std::vector<int64_t>{dock_item});
  // The controller reserved before the dock failed was rolled back too.
  EXPECT_EQ(shop.Quantity(ctrl_unit), 5);
  EXPECT_EQ(shop.Quantity(dock_unit), 1);
  EXPECT_EQ(shop.Count("orders"), 0);
  EXPECT_EQ(shop.Count("payments"), 0);
  EXPECT_EQ(Must(carts.Get(CartOwner::Account(alice_))).lines.size(), 2u);
  // The same key can be used again once the cart is fixed: nothing was recorded.
  testing::MustOk(carts.SetQuantity(CartOwner::Account(alice_), dock_item, 1));
  EXPECT_TRUE(checkout.Place(Request(alice_, "k-1")).ok());
}

TEST_F(CheckoutTest, ProductWithdrawnFromTheCatalogBlocksCheckout) {
  shop.AddStock(ctrl_, dc_east_, 5);
  int64_t item = Must(carts.AddProduct(CartOwner::Account(alice_), "CTRL-1", 1));
  testing::MustOk(db->Transact([](store::Session& s) -> Status {
    ATELIER_RETURN_IF_ERROR(s.Exec("UPDATE products SET sku = 'CTRL-1-OLD' WHERE sku = 'CTRL-1'"));
    return Ok();
  }));
  auto r = checkout.Place(Request(alice_, "k-1"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "items[" + std::to_string(item) + "]");
}

TEST_F(CheckoutTest, InvalidConfigurationInTheCartIsInvalidArgument) {
  int64_t item = Must(carts.AddConfigured(CartOwner::Account(alice_), RedSuv(), 1));
  FakePricer::Model changed = FakePricer::Suv();
  changed.options[0].values.erase(changed.options[0].values.begin());  // red withdrawn from version 3
  pricer.AddModel(changed);
  auto r = checkout.Place(Request(alice_, "k-1"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "items[" + std::to_string(item) + "]");
  EXPECT_EQ(shop.Count("orders"), 0);
}

TEST_F(CheckoutTest, ConfiguredItemIsBuiltToOrderAndBooksAPlantSlot) {
  Must(carts.AddConfigured(CartOwner::Account(alice_), RedSuv(), 1));
  Order order = Must(checkout.Place(Request(alice_, "k-1")));
  EXPECT_EQ(order.fulfilment, Fulfilment::kBuildToOrder);
  ASSERT_EQ(order.lines.size(), 1u);
  const OrderLine& line = order.lines[0];
  EXPECT_EQ(line.source, Fulfilment::kBuildToOrder);
  EXPECT_EQ(line.location_code, "PLANT-A");
  EXPECT_EQ(line.build_day, clock.today() + 10);
  EXPECT_EQ(line.delivery_day, clock.today() + 13);
  EXPECT_EQ(order.expected_delivery_day, clock.today() + 13);
  EXPECT_EQ(line.unit_price.amount, 3'470'000);
  EXPECT_EQ(line.configured.selections, RedSuv().selections);
  EXPECT_EQ(Must(scheduler.Booked("PLANT-A", "suv", clock.today() + 10)), 1);
}

TEST_F(CheckoutTest, ConfiguredItemPinnedToStockTakesThatUnit) {
  int64_t unit = shop.AddStock(suv_product_, dealer_, 1, R"({"colour":"red","tow":"yes","trim":"sport"})");
  ConfiguredItem item = RedSuv();
  item.stock_unit_id = unit;
  Must(carts.AddConfigured(CartOwner::Account(alice_), item, 1));
  Order order = Must(checkout.Place(Request(alice_, "k-1")));
  EXPECT_EQ(order.fulfilment, Fulfilment::kStock);
  EXPECT_EQ(order.lines.at(0).stock_unit_id, unit);
  EXPECT_EQ(order.lines.at(0).location_code, "DEALER-1");
  EXPECT_EQ(order.expected_delivery_day, clock.today() + 2);
  EXPECT_EQ(shop.Quantity(unit), 0);
  EXPECT_EQ(Must(scheduler.Booked("PLANT-A", "suv", clock.today() + 10)), 0);
  // Sold: pinning the same unit again is out of stock.
  Must(carts.AddConfigured(CartOwner::Account(bob_), item, 1));
  EXPECT_EQ(checkout.Place(Request(bob_, "k-2")).error().field, "stock");
}

TEST_F(CheckoutTest, AcceptedQuoteBooksExactlyThatSlot) {
  int64_t item = Must(carts.AddConfigured(CartOwner::Account(alice_), RedSuv(), 1));
  BuildRequest build{"suv", {"PLANT-A"}, 10, 1, "us-east"};
  DeliveryQuote quote = Must(scheduler.Quote(build, clock.today()));
  CheckoutRequest request = Request(alice_, "k-1");
  request.accepted_quotes[item] = quote;
  Order order = Must(checkout.Place(request));
  EXPECT_EQ(order.lines.at(0).build_day, quote.build_day);
  EXPECT_EQ(order.expected_delivery_day, quote.delivery_day);
}

TEST_F(CheckoutTest, ForgedQuoteIsNotBooked) {
  int64_t other_plant = shop.AddLocation("PLANT-Z", catalog::LocationType::kPlant, "us-east");
  testing::MustOk(scheduler.SetCapacity("PLANT-Z", "suv", 5));
  int64_t item = Must(carts.AddConfigured(CartOwner::Account(alice_), RedSuv(), 1));
  DeliveryQuote quote = Must(scheduler.Quote(BuildRequest{"suv", {"PLANT-A"}, 10, 1, "us-east"}, clock.today()));
  // A plant the model does not list, and a day before the lead time.
  DeliveryQuote wrong_plant = quote;
  wrong_plant.plant_id = other_plant;
  DeliveryQuote too_early = quote;
  too_early.build_day = clock.today() + 1;
  for (const DeliveryQuote& forged : {wrong_plant, too_early}) {
    CheckoutRequest request = Request(alice_, "k-" + std::to_string(forged.build_day) + "-" +
                                                  std::to_string(forged.plant_id));
    request.accepted_quotes[item] = forged;
    CheckoutFailure failure;
    auto r = checkout.Place(request, &failure);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().field, "delivery");
    EXPECT_EQ(failure.new_quotes.at(item).plant_code, "PLANT-A");
  }
  EXPECT_EQ(Must(scheduler.Booked("PLANT-Z", "suv", quote.build_day)), 0);
  EXPECT_EQ(shop.Count("orders"), 0);
}

TEST_F(CheckoutTest, FilledSlotGivesConflictWithANewQuote) {
  BuildRequest build{"suv", {"PLANT-A"}, 10, 1, "us-east"};
  DeliveryQuote alice_quote = Must(scheduler.Quote(build, clock.today()));
  // Bob orders first and takes the only unit of capacity that day.
  Must(carts.AddConfigured(CartOwner::Account(bob_), RedSuv(), 1));
  Must(checkout.Place(Request(bob_, "bob-1")));
  int64_t item = Must(carts.AddConfigured(CartOwner::Account(alice_), RedSuv(), 1));
  CheckoutRequest request = Request(alice_, "k-1");
  request.accepted_quotes[item] = alice_quote;
  CheckoutFailure failure;
  auto r = checkout.Place(request, &failure);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_EQ(r.error().field, "delivery");
  ASSERT_EQ(failure.new_quotes.count(item), 1u);
  EXPECT_EQ(failure.new_quotes[item].build_day, alice_quote.build_day + 1);
  EXPECT_EQ(shop.Count("orders"), 1);
  // Accepting the new quote works.
  request.accepted_quotes[item] = failure.new_quotes[item];
  request.idempotency_key = "k-2";
  EXPECT_EQ(Must(checkout.Place(request)).expected_delivery_day, alice_quote.delivery_day + 1);
}

TEST_F(CheckoutTest, MixedCartShipsAsOneBuildToOrderOrder) {
  shop.AddStock(ctrl_, dc_east_, 5);
  Must(carts.AddProduct(CartOwner::Account(alice_), "CTRL-1", 1));
  Must(carts.AddConfigured(CartOwner::Account(alice_), RedSuv(), 1));
  Order order = Must(checkout.Place(Request(alice_, "k-1")));
  EXPECT_EQ(order.fulfilment, Fulfilment::kBuildToOrder);
  EXPECT_EQ(order.total.amount, 6999 + 3'470'000);
  EXPECT_EQ(order.expected_delivery_day, clock.today() + 13);  // the later of the lines
}

TEST_F(CheckoutTest, MixedCurrenciesAreRejected) {
  int64_t eur = shop.AddProduct("EUR-1", 1000, "", "EUR");
  shop.AddStock(ctrl_, dc_east_, 5);
  shop.AddStock(eur, dc_east_, 5);
  Must(carts.AddProduct(CartOwner::Account(alice_), "CTRL-1", 1));
  Must(carts.AddProduct(CartOwner::Account(alice_), "EUR-1", 1));
  auto r = checkout.Place(Request(alice_, "k-1"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(CheckoutTest, PlaceItemsBuysExactlyTheGivenItemsAndLeavesTheCartAlone) {
  const int64_t ctrl = shop.AddStock(ctrl_, dc_east_, 5);
  shop.AddStock(dock_, dc_east_, 5);
  Must(carts.AddProduct(CartOwner::Account(alice_), "DOCK-1", 3));
  Must(carts.AddProduct(CartOwner::Account(alice_), "CTRL-1", 1));
  DirectItem product;
  product.sku = "CTRL-1";
  product.quantity = 2;
  DirectItem suv;
  suv.kind = CartItemKind::kConfigured;
  suv.configured = RedSuv();
  Order order = Must(checkout.PlaceItems(Request(alice_, "direct-1"), {product, suv}));
  ASSERT_EQ(order.lines.size(), 2u);
  EXPECT_EQ(order.lines[0].sku, "CTRL-1");
  EXPECT_EQ(order.lines[0].quantity, 2);
  EXPECT_EQ(order.lines[1].source, Fulfilment::kBuildToOrder);
  EXPECT_EQ(order.fulfilment, Fulfilment::kBuildToOrder);
  EXPECT_EQ(shop.Quantity(ctrl), 3);
  // The cart is as it was.
  CartView cart = Must(carts.Get(CartOwner::Account(alice_)));
  ASSERT_EQ(cart.lines.size(), 2u);
  EXPECT_EQ(cart.lines[0].sku, "DOCK-1");
  EXPECT_EQ(cart.lines[0].quantity, 3);
  EXPECT_EQ(cart.lines[1].sku, "CTRL-1");

  // A retry returns the same order and reserves nothing more.
  EXPECT_EQ(Must(checkout.PlaceItems(Request(alice_, "direct-1"), {product, suv})).id, order.id);
  EXPECT_EQ(shop.Quantity(ctrl), 3);
  EXPECT_EQ(shop.Count("orders"), 1);
}

TEST_F(CheckoutTest, PlaceItemsKeysCoverTheItems) {
  shop.AddStock(ctrl_, dc_east_, 5);
  shop.AddStock(dock_, dc_east_, 5);
  DirectItem ctrl;
  ctrl.sku = "CTRL-1";
  DirectItem dock;
  dock.sku = "DOCK-1";
  Must(checkout.PlaceItems(Request(alice_, "direct-1"), {ctrl}));
  // The same key for other items, another quantity, or the cart: conflict.
  EXPECT_EQ(checkout.PlaceItems(Request(alice_, "direct-1"), {dock}).error().field, "idempotency_key");
  ctrl.quantity = 2;
  EXPECT_EQ(checkout.PlaceItems(Request(alice_, "direct-1"), {ctrl}).error().field, "idempotency_key");
  Must(carts.AddProduct(CartOwner::Account(alice_), "CTRL-1", 1));
  EXPECT_EQ(checkout.Place(Request(alice_, "direct-1")).error().field, "idempotency_key");
  EXPECT_EQ(shop.Count("orders"), 1);
}

TEST_F(CheckoutTest, PlaceItemsRefusesNothingAndReportsItemsByPosition) {
  auto empty = checkout.PlaceItems(Request(alice_, "direct-1"), {});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(empty.error().field, "items");
  DirectItem gone;
  gone.sku = "NO-SUCH-SKU";
  DirectItem ctrl;
  ctrl.sku = "CTRL-1";
  shop.AddStock(ctrl_, dc_east_, 5);
  auto unknown = checkout.PlaceItems(Request(alice_, "direct-2"), {ctrl, gone});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "items[2]");
  CheckoutFailure failure;
  auto out = checkout.PlaceItems(Request(alice_, "direct-3"), {[] {
                                   DirectItem d;
                                   d.sku = "DOCK-1";  // no stock anywhere
                                   return d;
                                 }()},
                                 &failure);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().field, "stock");
  EXPECT_EQ(failure.out_of_stock_items, std::vector<int64_t>{1});
  EXPECT_EQ(shop.Count("orders"), 0);
}

TEST_F(CheckoutTest, UnknownAccountIsUnauthorized) {
  EXPECT_EQ(checkout.Place(Request(0, "k-1")).error().code, ErrorCode::kUnauthorized);
  EXPECT_EQ(checkout.Place(Request(777, "k-1")).error().code, ErrorCode::kUnauthorized);
}

}  // namespace
}  // namespace atelier::orders
