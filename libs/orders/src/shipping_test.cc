// Shipping names and addresses: checked field by field, stored with the
// order, shown to the shopper and the merchant; on both backends.

#include <gtest/gtest.h>

#include "atelier/orders/addresses.h"
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

ShippingAddress Grace() {
  ShippingAddress a{"Grace Hopper", "1 Navy Way", "", "Arlington", "22202", "us"};
  a.state = " va ";
  return a;
}

TEST(ShippingAddressTest, UsCanadianAndAustralianAddressesNeedAStateCode) {
  ShippingAddress us = Must(CheckShippingAddress(Grace(), AddressForm::kStructured));
  EXPECT_EQ(us.state, "VA");
  EXPECT_EQ(us.country, "US");
  auto in = [](std::string country, std::string state) {
    ShippingAddress a = Grace();
    a.country = std::move(country);
    a.state = std::move(state);
    return a;
  };
  EXPECT_EQ(Must(CheckShippingAddress(in("CA", "qc"), AddressForm::kStructured)).state, "QC");
  EXPECT_EQ(Must(CheckShippingAddress(in("au", "Nsw"), AddressForm::kStructured)).state, "NSW");
  EXPECT_EQ(Must(CheckShippingAddress(in("AU", "ACT"), AddressForm::kStructured)).state, "ACT");
  // Missing, blank, a name instead of the code, another country's code, the
  // wrong shape: each is shipping.state.
  EXPECT_EQ(FieldOf(in("US", "")), "shipping.state");
  EXPECT_EQ(FieldOf(in("US", "   ")), "shipping.state");
  EXPECT_EQ(FieldOf(in("US", "Virginia")), "shipping.state");
  EXPECT_EQ(FieldOf(in("US", "ZZ")), "shipping.state");
  EXPECT_EQ(FieldOf(in("US", "V1")), "shipping.state");
  EXPECT_EQ(FieldOf(in("CA", "NY")), "shipping.state");
  EXPECT_EQ(FieldOf(in("CA", "")), "shipping.state");
  EXPECT_EQ(FieldOf(in("AU", "NY")), "shipping.state");
  EXPECT_EQ(FieldOf(in("AU", "NSWX")), "shipping.state");
  auto missing = CheckShippingAddress(in("US", ""), AddressForm::kStructured);
  EXPECT_EQ(missing.error().message, "shipping.state is required");
  auto unknown = CheckShippingAddress(in("US", "ZZ"), AddressForm::kStructured);
  EXPECT_NE(unknown.error().message.find("US state code"), std::string::npos) << unknown.error().message;
}

TEST(ShippingAddressTest, ElsewhereTheStateIsOptionalFreeTextOfBoundedLength) {
  EXPECT_TRUE(CountryNeedsState("US"));
  EXPECT_FALSE(CountryNeedsState("GB"));
  ShippingAddress a = Must(CheckShippingAddress(Ada(), AddressForm::kStructured));
  EXPECT_EQ(a.state, "");
  ShippingAddress mx = Ada();
  mx.country = "MX";
  mx.state = "  Ciudad de México ";
  EXPECT_EQ(Must(CheckShippingAddress(mx, AddressForm::kStructured)).state, "Ciudad de México");
  mx.state = std::string(kMaxStateBytes + 1, 'x');
  EXPECT_EQ(FieldOf(mx), "shipping.state");
  mx.state = "Jalisco\tX";
  EXPECT_EQ(FieldOf(mx), "shipping.state");
  // A one-text address takes no state beside it.
  ShippingAddress text;
  text.name = "Ada";
  text.line1 = "1 Infinite Loop, Cupertino";
  text.state = "CA";
  EXPECT_EQ(FieldOf(text, AddressForm::kOneText), "shipping.address");
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

TEST_P(ShippingStoreTest, StoresTheStateWithTheOrder) {
  const ShippingAddress address = Must(CheckShippingAddress(Grace(), AddressForm::kStructured));
  Order placed = Must(PlaceWith(address, "ship-state"));
  EXPECT_EQ(placed.shipping.state, "VA");
  EXPECT_EQ(Must(book_->GetOrder(alice_, placed.id)).shipping, address);
  EXPECT_EQ(Must(book_->GetOrderForMerchant(placed.id)).shipping.state, "VA");
  // Another state under the same key is another request.
  CheckoutRequest retry;
  retry.account_id = alice_;
  retry.idempotency_key = "ship-state";
  retry.region = "us-east";
  retry.shipping = address;
  EXPECT_EQ(Must(checkout_->Place(retry)).id, placed.id);
  retry.shipping.state = "MD";
  EXPECT_EQ(checkout_->Place(retry).error().field, "idempotency_key");
}

TEST_P(ShippingStoreTest, ACheckoutThatAsksSavesItsAddressForTheAccount) {
  AddressBook book(*db_, clock_.AsClock());
  EXPECT_FALSE(Must(book.Get(alice_)).has_value());
  const ShippingAddress address = Must(CheckShippingAddress(Grace(), AddressForm::kStructured));
  // Not asked: nothing saved.
  Must(PlaceWith(address, "save-0"));
  EXPECT_FALSE(Must(book.Get(alice_)).has_value());
  Must(carts_->AddProduct(CartOwner::Account(alice_), "MUG-1", 1));
  CheckoutRequest r;
  r.account_id = alice_;
  r.idempotency_key = "save-1";
  r.shipping = address;
  r.save_address = true;
  Must(checkout_->Place(r));
  std::optional<SavedAddress> saved = Must(book.Get(alice_));
  ASSERT_TRUE(saved.has_value());
  EXPECT_EQ(saved->address, address);
  EXPECT_GT(saved->updated_at, 0);
}

TEST_P(ShippingStoreTest, AFailedCheckoutSavesNoAddress) {
  AddressBook book(*db_, clock_.AsClock());
  CheckoutRequest r;  // the cart is empty: the checkout fails
  r.account_id = alice_;
  r.idempotency_key = "save-fail";
  r.shipping = Must(CheckShippingAddress(Grace(), AddressForm::kStructured));
  r.save_address = true;
  EXPECT_FALSE(checkout_->Place(r).ok());
  EXPECT_FALSE(Must(book.Get(alice_)).has_value());
}

TEST_P(ShippingStoreTest, AOneTextAddressIsNeverSaved) {
  AddressBook book(*db_, clock_.AsClock());
  ShippingAddress text;
  text.name = "Ada";
  text.line1 = "1 Infinite Loop\nCupertino, CA 95014";
  Must(carts_->AddProduct(CartOwner::Account(alice_), "MUG-1", 1));
  CheckoutRequest r;
  r.account_id = alice_;
  r.idempotency_key = "save-text";
  r.shipping = Must(CheckShippingAddress(text, AddressForm::kOneText));
  r.save_address = true;
  Must(checkout_->Place(r));
  EXPECT_FALSE(Must(book.Get(alice_)).has_value());
}

TEST_P(ShippingStoreTest, TheAddressBookChecksReplacesAndForgets) {
  AddressBook book(*db_, clock_.AsClock());
  ShippingAddress bad = Grace();
  bad.state.clear();
  auto refused = book.Put(alice_, bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field, "shipping.state");
  EXPECT_FALSE(Must(book.Get(alice_)).has_value());

  SavedAddress first = Must(book.Put(alice_, Grace()));
  EXPECT_EQ(first.address.state, "VA");
  EXPECT_EQ(first.address.country, "US");
  EXPECT_EQ(Must(book.Get(alice_))->address, first.address);
  SavedAddress second = Must(book.Put(alice_, Ada()));
  EXPECT_EQ(Must(book.Get(alice_))->address, second.address);
  EXPECT_EQ(Must(book.Get(alice_))->address.city, "London");
  // Another account's address is its own.
  const int64_t bob =
      Must(accounts_->Register({"bob@example.com", "correct horse battery", Role::kShopper, "us-east"})).id;
  EXPECT_FALSE(Must(book.Get(bob)).has_value());
  testing::MustOk(book.Remove(alice_));
  EXPECT_FALSE(Must(book.Get(alice_)).has_value());
  testing::MustOk(book.Remove(alice_));  // nothing saved is not an error
}

INSTANTIATE_TEST_SUITE_P(Backends, ShippingStoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace atelier::orders
