// Shipping names and addresses: checked field by field, stored with the
// order, shown to the shopper and the merchant; on both backends.

#include <gtest/gtest.h>

#include "atelier/orders/checkout.h"
#include "atelier/orders/orders.h"
#include "internal/test_support.h"
#include "testing/local_postgres.h"

namespace atelier::orders {
namespace {

using testing::Must;

ShippingAddress Ada() {
  return ShippingAddress{" Ada Lovelace ", "12 St James's Square", "Flat 3", "London", "SW1Y 4JH", "gb"};
}

std::string FieldOf(ShippingAddress a, AddressForm form = AddressForm::kStructured) {
  auto checked = CheckShippingAddress(std::move(a), form);
  EXPECT_FALSE(checked.ok());
  if (checked.ok()) return "";
  EXPECT_EQ(checked.error().code, ErrorCode::kInvalidArgument);
  return checked.error().field;
}

TEST(ShippingAddressTest, TrimsAndUpperCasesTheCountry) {
  ShippingAddress a = Must(CheckShippingAddress(Ada(), AddressForm::kStructured));
  EXPECT_EQ(a.name, "Ada Lovelace");
  EXPECT_EQ(a.country, "GB");
  EXPECT_EQ(a.postal_code, "SW1Y 4JH");
  ShippingAddress no_line2 = Ada();
  no_line2.line2.clear();
  EXPECT_TRUE(CheckShippingAddress(no_line2, AddressForm::kStructured).ok());
}

TEST(ShippingAddressTest, NamesEachMissingOrMalformedField) {
  auto with = [](auto change) {
    ShippingAddress a = Ada();
    change(a);
    return a;
  };
  EXPECT_EQ(FieldOf(with([](auto& a) { a.name = "  "; })), "shipping.name");
  EXPECT_EQ(FieldOf(with([](auto& a) { a.line1.clear(); })), "shipping.line1");
  EXPECT_EQ(FieldOf(with([](auto& a) { a.city.clear(); })), "shipping.city");
  EXPECT_EQ(FieldOf(with([](auto& a) { a.postal_code.clear(); })), "shipping.postal_code");
  EXPECT_EQ(FieldOf(with([](auto& a) { a.postal_code = "1"; })), "shipping.postal_code");
  EXPECT_EQ(FieldOf(with([](auto& a) { a.postal_code = "12345;DROP"; })), "shipping.postal_code");
  EXPECT_EQ(FieldOf(with([](auto& a) { a.postal_code = "1234567890123"; })), "shipping.postal_code");
  EXPECT_EQ(FieldOf(with([](auto& a) { a.country.clear(); })), "shipping.country");
  EXPECT_EQ(FieldOf(with([](auto& a) { a.country = "GBR"; })), "shipping.country");
  EXPECT_EQ(FieldOf(with([](auto& a) { a.country = "1A"; })), "shipping.country");
  EXPECT_EQ(FieldOf(with([](auto& a) { a.line2 = std::string(kMaxAddressLineBytes + 1, 'x'); })),
            "shipping.line2");
  EXPECT_EQ(FieldOf(with([](auto& a) { a.line1 = "12 Main St\nApt 4"; })), "shipping.line1");
  EXPECT_EQ(FieldOf(with([](auto& a) { a.name = std::string("Ada\0Byron", 9); })), "shipping.name");
}

TEST(ShippingAddressTest, OneTextAddressKeepsItsLinesAndNeedsNoFields) {
  ShippingAddress a;
  a.name = "Ada";
  a.line1 = "1 Infinite Loop\nCupertino, CA 95014";
  ShippingAddress checked = Must(CheckShippingAddress(a, AddressForm::kOneText));
  EXPECT_EQ(checked.line1, a.line1);
  ShippingAddress empty;
  empty.name = "Ada";
  EXPECT_EQ(FieldOf(empty, AddressForm::kOneText), "shipping.address");
  ShippingAddress both = a;
  both.city = "Cupertino";
  EXPECT_EQ(FieldOf(both, AddressForm::kOneText), "shipping.address");
  a.line1 = std::string(kMaxOneTextAddressBytes + 1, 'x');
  EXPECT_EQ(FieldOf(a, AddressForm::kOneText), "shipping.address");
}

// The buying flow over a store of the backend under test.
class ShippingStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string url = "sqlite::memory:";
    if (GetParam() == "postgresql") {
      auto pg = store::testing::LocalPostgres::SharedDatabase();
      if (!pg.ok() && pg.error().code == ErrorCode::kNotFound) GTEST_SKIP() << pg.error().message;
      ASSERT_TRUE(pg.ok()) << pg.error().ToString();
      url = *pg;
    }
    db_ = Must(store::OpenDatabase(url));
    shop_ = std::make_unique<testing::Shop>(*db_);
    accounts_ = std::make_unique<Accounts>(*db_, testing::FastAccounts(clock_.AsClock()));
    carts_ = std::make_unique<Carts>(
        *db_, [this] { return shop_->Snapshot(); }, pricer_, CartsOptions{99, 100, clock_.AsClock()});
    scheduler_ = std::make_unique<Scheduler>(*db_, ScheduleOptions{60, 7});
    checkout_ = std::make_unique<Checkout>(*db_, pricer_, *scheduler_, CheckoutOptions{clock_.AsClock()});
    book_ = std::make_unique<OrderBook>(*db_, *scheduler_, OrderBookOptions{100, clock_.AsClock()});
    const int64_t dc = shop_->AddLocation("DC-EAST", catalog::LocationType::kDistributionCentre, "us-east");
    shop_->AddStock(shop_->AddProduct("MUG-1", 1500), dc, 10);
    alice_ = Must(accounts_->Register({"alice@example.com", "correct horse battery", Role::kShopper, "us-east"})).id;
  }

  Result<Order> PlaceWith(const ShippingAddress& address, const std::string& key) {
    Must(carts_->AddProduct(CartOwner::Account(alice_), "MUG-1", 1));
    CheckoutRequest r;
    r.account_id = alice_;
    r.idempotency_key = key;
    r.region = "us-east";
    r.shipping = address;
    return checkout_->Place(r);
  }

  testing::FakeClock clock_;
  testing::FakePricer pricer_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<testing::Shop> shop_;
  std::unique_ptr<Accounts> accounts_;
  std::unique_ptr<Carts> carts_;
  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<Checkout> checkout_;
  std::unique_ptr<OrderBook> book_;
  int64_t alice_ = 0;
};

TEST_P(ShippingStoreTest, StoresTheAddressWithTheOrderForShopperAndMerchant) {
  const ShippingAddress address = Must(CheckShippingAddress(Ada(), AddressForm::kStructured));
  Order placed = Must(PlaceWith(address, "ship-1"));
  EXPECT_EQ(placed.shipping, address);
  EXPECT_EQ(Must(book_->GetOrder(alice_, placed.id)).shipping, address);
  EXPECT_EQ(Must(book_->GetOrderForMerchant(placed.id)).shipping, address);
  OrderPage page = Must(book_->ListByStatus(OrderStatus::kPlaced, 1, 10));
  ASSERT_EQ(page.orders.size(), 1u);
  EXPECT_EQ(page.orders[0].shipping.postal_code, "SW1Y 4JH");
}

TEST_P(ShippingStoreTest, AnOrderWithoutAnAddressHasAnEmptyOne) {
  Order placed = Must(PlaceWith({}, "ship-none"));
  EXPECT_TRUE(Must(book_->GetOrder(alice_, placed.id)).shipping.empty());
}

TEST_P(ShippingStoreTest, ARetryWithTheSameAddressReplaysAndAnotherAddressConflicts) {
  const ShippingAddress address = Must(CheckShippingAddress(Ada(), AddressForm::kStructured));
  Order placed = Must(PlaceWith(address, "ship-2"));
  CheckoutRequest retry;
  retry.account_id = alice_;
  retry.idempotency_key = "ship-2";
  retry.region = "us-east";
  retry.shipping = address;
  EXPECT_EQ(Must(checkout_->Place(retry)).id, placed.id);
  retry.shipping.city = "Paris";
  auto moved = checkout_->Place(retry);
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.error().code, ErrorCode::kConflict);
  EXPECT_EQ(moved.error().field, "idempotency_key");
}

INSTANTIATE_TEST_SUITE_P(Backends, ShippingStoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace atelier::orders
