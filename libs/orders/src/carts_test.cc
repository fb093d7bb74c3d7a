#include "atelier/orders/carts.h"

#include <gtest/gtest.h>

#include "internal/test_support.h"

namespace atelier::orders {
namespace {

using testing::FakePricer;
using testing::Must;
using testing::RedSuv;

class CartsTest : public ::testing::Test, protected testing::BuyingWorld {
 protected:
  CartsTest() {
    shop.AddProduct("CTRL-1", 6999);
    shop.AddProduct("DOCK-1", 2999);
    shop.AddProduct("SUV-BASE", 3'000'000, "suv");
    alice_ = RegisterShopper("alice@example.com");
    bob_ = RegisterShopper("bob@example.com", "us-west");
  }

  int64_t alice_ = 0;
  int64_t bob_ = 0;
};

TEST_F(CartsTest, AccountWithoutACartSeesAnEmptyCart) {
  CartView view = Must(carts.Get(CartOwner::Account(alice_)));
  EXPECT_EQ(view.cart_id, 0);
  EXPECT_TRUE(view.lines.empty());
  EXPECT_EQ(view.subtotal.amount, 0);
}

TEST_F(CartsTest, PricesProductLinesFromTheCatalog) {
  Must(carts.AddProduct(CartOwner::Account(alice_), "CTRL-1", 2));
  Must(carts.AddProduct(CartOwner::Account(alice_), "DOCK-1", 1));
  CartView view = Must(carts.Get(CartOwner::Account(alice_)));
  ASSERT_EQ(view.lines.size(), 2u);
  EXPECT_EQ(view.lines[0].sku, "CTRL-1");
  EXPECT_EQ(view.lines[0].title, "Title of CTRL-1");
  EXPECT_EQ(view.lines[0].unit_price.amount, 6999);
  EXPECT_EQ(view.lines[0].line_total.amount, 13998);
  EXPECT_EQ(view.subtotal, (Money{13998 + 2999, "USD"}));
  EXPECT_EQ(view.item_count, 3);
}

TEST_F(CartsTest, RecomputesPricesOnEveryRead) {
  Must(carts.AddProduct(CartOwner::Account(alice_), "CTRL-1", 1));
  shop.SetSnapshotPrice("CTRL-1", 5999);
  EXPECT_EQ(Must(carts.Get(CartOwner::Account(alice_))).subtotal.amount, 5999);
  // Nothing price-like is stored with the cart.
  auto columns = Must(db->Query("SELECT * FROM cart_items"));
  for (size_t i = 0; i < columns.at(0).size(); ++i) EXPECT_NE(columns[0].Text(i), "6999");
}

TEST_F(CartsTest, AddingTheSameProductAddsUp) {
  int64_t first = Must(carts.AddProduct(CartOwner::Account(alice_), "CTRL-1", 1));
  int64_t second = Must(carts.AddProduct(CartOwner::Account(alice_), "CTRL-1", 2));
  EXPECT_EQ(first, second);
  CartView view = Must(carts.Get(CartOwner::Account(alice_)));
  ASSERT_EQ(view.lines.size(), 1u);
  EXPECT_EQ(view.lines[0].quantity, 3);
}

TEST_F(CartsTest, RejectsUnknownSkuAndBadQuantities) {
  auto unknown = carts.AddProduct(CartOwner::Account(alice_), "NOPE", 1);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().field, "sku");
  EXPECT_EQ(carts.AddProduct(CartOwner::Account(alice_), "CTRL-1", 0).error().field, "quantity");
  Must(carts.AddProduct(CartOwner::Account(alice_), "CTRL-1", 98));
  auto over = carts.AddProduct(CartOwner::Account(alice_), "CTRL-1", 2);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().field, "quantity");
  EXPECT_EQ(Must(carts.Get(CartOwner::Account(alice_))).lines.at(0).quantity, 98);
}

TEST_F(CartsTest, ConfigurableBaseSkuCannotBeAddedAsAProduct) {
  auto r = carts.AddProduct(CartOwner::Account(alice_), "SUV-BASE", 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(CartsTest, ConfiguredItemIsValidatedAndPricedByTheConfigurator) {
  Must(carts.AddConfigured(CartOwner::Account(alice_), RedSuv(), 1));
  CartView view = Must(carts.Get(CartOwner::Account(alice_)));
  ASSERT_EQ(view.lines.size(), 1u);
  EXPECT_EQ(view.lines[0].kind, CartItemKind::kConfigured);
  EXPECT_EQ(view.lines[0].unit_price.amount, 3'000'000 + 50'000 + 300'000 + 120'000);
  EXPECT_EQ(view.lines[0].configured.selections.at("colour"), "red");
  EXPECT_TRUE(view.lines[0].problem.empty());
}

TEST_F(CartsTest, InvalidConfigurationIsRejectedWithTheConfiguratorsReason) {
  ConfiguredItem bad = RedSuv();
  bad.selections["trim"] = "base";  // base trim excludes the tow package
  auto r = carts.AddConfigured(CartOwner::Account(alice_), bad, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "selections.tow");
  ConfiguredItem engraved = RedSuv();
  engraved.personalization["engraving"] = std::string(30, 'x');
  EXPECT_EQ(carts.AddConfigured(CartOwner::Account(alice_), engraved, 1).error().field,
            "personalization.engraving");
  EXPECT_TRUE(Must(carts.Get(CartOwner::Account(alice_))).lines.empty());
}

TEST_F(CartsTest, PersonalizationIsPartOfTheLineAndThePrice) {
  ConfiguredItem engraved = RedSuv();
  engraved.personalization["engraving"] = "Ada";
  Must(carts.AddConfigured(CartOwner::Account(alice_), RedSuv(), 1));
  Must(carts.AddConfigured(CartOwner::Account(alice_), engraved, 1));
  CartView view = Must(carts.Get(CartOwner::Account(alice_)));
  ASSERT_EQ(view.lines.size(), 2u);
  EXPECT_EQ(view.lines[1].unit_price.amount - view.lines[0].unit_price.amount, 5'000);
}

TEST_F(CartsTest, PinnedStockUnitMustHoldThatExactConfiguration) {
  int64_t dealer = shop.AddLocation("DEALER-1", catalog::LocationType::kDealer, "us-east");
  int64_t product = shop.AddProduct("SUV-STOCK", 0, "suv");
  int64_t grey = shop.AddStock(product, dealer, 1, R"({"colour":"grey","trim":"sport","tow":"yes"})");
  int64_t red = shop.AddStock(product, dealer, 1, R"({"trim":"sport","colour":"red","tow":"yes"})");
  ConfiguredItem item = RedSuv();
  item.stock_unit_id = grey;
  auto wrong = carts.AddConfigured(CartOwner::Account(alice_), item, 1);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().field, "stock_unit_id");
  item.stock_unit_id = red;  // same configuration, keys in another order
  EXPECT_TRUE(carts.AddConfigured(CartOwner::Account(alice_), item, 1).ok());
  item.stock_unit_id = 4242;
  EXPECT_EQ(carts.AddConfigured(CartOwner::Account(alice_), item, 1).error().code, ErrorCode::kNotFound);
}

TEST_F(CartsTest, LineThatCannotBeBoughtAnyMoreShowsAProblem) {
  Must(carts.AddConfigured(CartOwner::Account(alice_), RedSuv(), 1));
  Must(carts.AddProduct(CartOwner::Account(alice_), "CTRL-1", 1));
  FakePricer::Model newer = FakePricer::Suv();
  newer.version = 4;  // version 3 withdrawn
  pricer.AddModel(newer);
  CartView view = Must(carts.Get(CartOwner::Account(alice_)));
  ASSERT_EQ(view.lines.size(), 2u);
  EXPECT_FALSE(view.lines[0].problem.empty());
  EXPECT_EQ(view.subtotal.amount, 6999);
}

TEST_F(CartsTest, AnotherShoppersItemIsNotFound) {
  int64_t item = Must(carts.AddProduct(CartOwner::Account(alice_), "CTRL-1", 1));
  Must(carts.AddProduct(CartOwner::Account(bob_), "DOCK-1", 1));
  EXPECT_EQ(carts.SetQuantity(CartOwner::Account(bob_), item, 5).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(carts.RemoveItem(CartOwner::Account(bob_), item).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Must(carts.Get(CartOwner::Account(alice_))).lines.at(0).quantity, 1);
}

TEST_F(CartsTest, SetQuantityAndRemove) {
  int64_t item = Must(carts.AddProduct(CartOwner::Account(alice_), "CTRL-1", 1));
  ASSERT_TRUE(carts.SetQuantity(CartOwner::Account(alice_), item, 4).ok());
  EXPECT_EQ(Must(carts.Get(CartOwner::Account(alice_))).lines.at(0).quantity, 4);
  ASSERT_TRUE(carts.RemoveItem(CartOwner::Account(alice_), item).ok());
  EXPECT_TRUE(Must(carts.Get(CartOwner::Account(alice_))).lines.empty());
  EXPECT_EQ(carts.RemoveItem(CartOwner::Account(alice_), item).error().code, ErrorCode::kNotFound);
}

TEST_F(CartsTest, GuestCartIsFoundOnlyByItsToken) {
  std::string token = Must(carts.CreateGuestCart());
  EXPECT_EQ(token.size(), 43u);
  Must(carts.AddProduct(CartOwner::Guest(token), "CTRL-1", 1));
  EXPECT_EQ(Must(carts.Get(CartOwner::Guest(token))).lines.size(), 1u);
  auto unknown = carts.Get(CartOwner::Guest("not-a-token"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(carts.AddProduct(CartOwner::Guest("not-a-token"), "CTRL-1", 1).error().code,
            ErrorCode::kNotFound);
  auto rows = Must(db->Query("SELECT token_hash FROM carts WHERE token_hash IS NOT NULL"));
  EXPECT_NE(rows.at(0).Text(0), token);
}

TEST_F(CartsTest, GuestCartMergesIntoTheAccountCartAtLogin) {
  Must(carts.AddProduct(CartOwner::Account(alice_), "CTRL-1", 1));
  std::string token = Must(carts.CreateGuestCart());
  Must(carts.AddProduct(CartOwner::Guest(token), "CTRL-1", 2));
  Must(carts.AddProduct(CartOwner::Guest(token), "DOCK-1", 1));
  Must(carts.AddConfigured(CartOwner::Guest(token), RedSuv(), 1));
  ASSERT_TRUE(carts.MergeGuestCart(token, alice_).ok());
  CartView view = Must(carts.Get(CartOwner::Account(alice_)));
  ASSERT_EQ(view.lines.size(), 3u);
  EXPECT_EQ(view.lines[0].sku, "CTRL-1");
  EXPECT_EQ(view.lines[0].quantity, 3);
  EXPECT_EQ(view.lines[1].sku, "DOCK-1");
  EXPECT_EQ(view.lines[2].kind, CartItemKind::kConfigured);
  // The guest cart is gone; merging again is a no-op.
  EXPECT_EQ(carts.Get(CartOwner::Guest(token)).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(carts.MergeGuestCart(token, alice_).ok());
  EXPECT_EQ(Must(carts.Get(CartOwner::Account(alice_))).lines.size(), 3u);
}

TEST_F(CartsTest, MergeCapsQuantityPerLine) {
  Must(carts.AddProduct(CartOwner::Account(alice_), "CTRL-1", 90));
  std::string token = Must(carts.CreateGuestCart());
  Must(carts.AddProduct(CartOwner::Guest(token), "CTRL-1", 20));
  ASSERT_TRUE(carts.MergeGuestCart(token, alice_).ok());
  EXPECT_EQ(Must(carts.Get(CartOwner::Account(alice_))).lines.at(0).quantity, 99);
}

TEST_F(CartsTest, ClearEmptiesTheCart) {
  Must(carts.AddProduct(CartOwner::Account(alice_), "CTRL-1", 1));
  ASSERT_TRUE(carts.Clear(CartOwner::Account(alice_)).ok());
  EXPECT_TRUE(Must(carts.Get(CartOwner::Account(alice_))).lines.empty());
  EXPECT_TRUE(carts.Clear(CartOwner::Account(bob_)).ok());
}

TEST_F(CartsTest, CartHoldsAtMostMaxLines) {
  Carts small(
      *db, [this] { return shop.Snapshot(); }, pricer, CartsOptions{99, 1, clock.AsClock()});
  Must(small.AddProduct(CartOwner::Account(alice_), "CTRL-1", 1));
  EXPECT_TRUE(small.AddProduct(CartOwner::Account(alice_), "CTRL-1", 1).ok());  // same line
  EXPECT_EQ(small.AddProduct(CartOwner::Account(alice_), "DOCK-1", 1).error().code, ErrorCode::kTooLarge);
}

}  // namespace
}  // namespace atelier::orders
