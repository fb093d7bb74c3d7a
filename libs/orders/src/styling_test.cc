#include "atelier/orders/styling.h"

#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "atelier/orders/addresses.h"
#include "internal/test_support.h"
#include "testing/local_postgres.h"

namespace atelier::orders {
namespace {

using testing::Must;
using testing::TempDir;

// Registers `stylists` stylists and `shoppers` shoppers, opens one request
// per shopper from as many threads at once, and returns how many requests
// each stylist got.
std::map<int64_t, int> OpenConcurrently(Accounts& accounts, StylingDesk& desk, int stylists, int shoppers) {
  std::map<int64_t, int> load;
  for (int i = 0; i < stylists; ++i) {
    const int64_t id = Must(accounts.Register({"stylist" + std::to_string(i) + "@shop.example",
                                               "correct horse battery", Role::kStylist, ""}))
                           .id;
    load[id] = 0;
  }
  std::vector<int64_t> ids;
  for (int i = 0; i < shoppers; ++i) {
    ids.push_back(Must(accounts.Register({"shopper" + std::to_string(i) + "@example.com",
                                          "correct horse battery", Role::kShopper, ""}))
                      .id);
  }
  std::vector<int64_t> assigned(ids.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < ids.size(); ++i) {
    threads.emplace_back([&, i] {
      SpecSheet sheet;
      sheet.size = "10.5";
      assigned[i] = Must(desk.Open({ids[i], Role::kShopper}, sheet)).stylist_id;
    });
  }
  for (auto& t : threads) t.join();
  for (int64_t s : assigned) ++load[s];
  return load;
}

class StylingTest : public ::testing::Test, protected testing::BuyingWorld {
 protected:
  StylingTest() {
    dc_ = shop.AddLocation("DC-EAST", catalog::LocationType::kDistributionCentre, "us-east");
    shop.AddLocation("PLANT-A", catalog::LocationType::kPlant, "us-central");
    loafer_ = shop.AddProduct("LOAFER-10", 12'000);
    boot_ = shop.AddProduct("BOOT-9", 18'000);
    shop.AddProduct("SUV-BASE", 0, "suv");
    testing::MustOk(scheduler.SetCapacity("PLANT-A", "suv", 5));
    testing::MustOk(scheduler.SetTransit("PLANT-A", "us-east", 3));
    testing::MustOk(scheduler.SetTransit("DC-EAST", "us-east", 1));
    alice_ = Shopper(RegisterShopper("alice@example.com"));
    bob_ = Shopper(RegisterShopper("bob@example.com"));
    // One-click buys ship to the saved address: Alice has one, Bob none.
    Must(AddressBook(*db, clock.AsClock()).Put(alice_.account_id, Home()));
  }

  static ShippingAddress Home() {
    ShippingAddress a{"Alice Liddell", "2 Rabbit Hole Rd", "Apt 4", "Brooklyn", "11201", "US"};
    a.state = "NY";
    return a;
  }

  static StylingCaller Shopper(int64_t id) { return {id, Role::kShopper}; }
  StylingCaller Stylist(const std::string& email) {
    return {Must(accounts.Register({email, "correct horse battery", Role::kStylist, ""})).id, Role::kStylist};
  }
  static SpecSheet Sheet() {
    SpecSheet s;
    s.category = "shoes";
    s.size = "10.5";
    s.width = "W";
    s.colour = "green";
    s.likes = {"leather"};
    s.dislikes = {"suede"};
    s.budget = 15'000;
    s.notes = "for a wedding";
    return s;
  }
  static NewPick ProductPick(const std::string& sku, const std::string& note = "fits your width") {
    NewPick p;
    p.sku = sku;
    p.note = note;
    return p;
  }

  StylingDesk desk{*db,      [this] { return shop.Snapshot(); },
                   pricer,   carts,
                   checkout, StylingOptions{2000, 64, 20, 5, clock.AsClock()}};
  int64_t dc_ = 0;
  int64_t loafer_ = 0;
  int64_t boot_ = 0;
  StylingCaller alice_, bob_;
};

TEST_F(StylingTest, OpensARequestWithTheSpecSheetAssignedToAStylist) {
  StylingCaller sam = Stylist("sam@shop.example");
  StyleRequest r = Must(desk.Open(alice_, Sheet()));
  EXPECT_EQ(r.state, StyleRequestState::kAssigned);
  EXPECT_EQ(r.shopper_id, alice_.account_id);
  EXPECT_EQ(r.stylist_id, sam.account_id);
  EXPECT_EQ(r.stylist_email, "sam@shop.example");
  EXPECT_EQ(r.sheet.size, "10.5");
  EXPECT_EQ(r.sheet.likes, std::vector<std::string>{"leather"});
  EXPECT_EQ(r.sheet.budget, 15'000);
  EXPECT_EQ(Must(desk.Get(sam, r.id)).sheet.notes, "for a wedding");
}

TEST_F(StylingTest, AssignsTheLeastLoadedStylistTiesToTheLowestId) {
  StylingCaller first = Stylist("first@shop.example");
  StylingCaller second = Stylist("second@shop.example");
  EXPECT_EQ(Must(desk.Open(alice_, Sheet())).stylist_id, first.account_id);  // 0/0: lowest id
  EXPECT_EQ(Must(desk.Open(bob_, Sheet())).stylist_id, second.account_id);   // 1/0
  StyleRequest third = Must(desk.Open(alice_, Sheet()));                     // 1/1: lowest id
  EXPECT_EQ(third.stylist_id, first.account_id);
  // A closed request no longer counts towards the load.
  Must(desk.Close(first, third.id));
  Must(desk.Close(alice_, Must(desk.List(alice_)).back().id));             // alice's first request
  EXPECT_EQ(Must(desk.Open(bob_, Sheet())).stylist_id, first.account_id);  // 0/1
}

TEST_F(StylingTest, WaitsOpenWithoutStylistsAndIsAssignedLater) {
  StyleRequest r = Must(desk.Open(alice_, Sheet()));
  EXPECT_EQ(r.state, StyleRequestState::kOpen);
  EXPECT_EQ(r.stylist_id, 0);
  EXPECT_EQ(Must(desk.AssignOpenRequests()), 0);
  StylingCaller sam = Stylist("sam@shop.example");
  EXPECT_FALSE(desk.Get(sam, r.id).ok());
  EXPECT_EQ(Must(desk.AssignOpenRequests()), 1);
  StyleRequest assigned = Must(desk.Get(sam, r.id));
  EXPECT_EQ(assigned.state, StyleRequestState::kAssigned);
  EXPECT_EQ(Must(desk.List(sam)).size(), 1u);
}

TEST_F(StylingTest, ConcurrentRequestsSpreadEvenlyOverStylists) {
  TempDir dir;
  auto file_db = testing::OpenFileDb(dir.path());
  testing::Shop file_shop(*file_db);
  Accounts file_accounts(*file_db, testing::FastAccounts(clock.AsClock()));
  Carts file_carts(
      *file_db, [&] { return file_shop.Snapshot(); }, pricer);
  Scheduler file_scheduler(*file_db);
  Checkout file_checkout(*file_db, pricer, file_scheduler);
  StylingDesk file_desk(
      *file_db, [&] { return file_shop.Snapshot(); }, pricer, file_carts, file_checkout);
  std::map<int64_t, int> load = OpenConcurrently(file_accounts, file_desk, 4, 12);
  ASSERT_EQ(load.size(), 4u);
  for (const auto& [stylist, n] : load) EXPECT_EQ(n, 3) << "stylist " << stylist;
}

TEST_F(StylingTest, ShoppersAndStylistsSeeOnlyTheirOwnRequests) {
  StylingCaller sam = Stylist("sam@shop.example");
  StyleRequest mine = Must(desk.Open(alice_, Sheet()));
  StylingCaller kim = Stylist("kim@shop.example");  // joins after: not assigned
  auto other_shopper = desk.Get(bob_, mine.id);
  ASSERT_FALSE(other_shopper.ok());
  EXPECT_EQ(other_shopper.error().code, ErrorCode::kNotFound);
  auto other_stylist = desk.Get(kim, mine.id);
  ASSERT_FALSE(other_stylist.ok());
  EXPECT_EQ(other_stylist.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(desk.PostMessage(bob_, mine.id, "hi").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(desk.AddPick(kim, mine.id, ProductPick("LOAFER-10")).error().code, ErrorCode::kNotFound);
  // A shopper cannot send picks, even on their own request.
  EXPECT_EQ(desk.AddPick(alice_, mine.id, ProductPick("LOAFER-10")).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(Must(desk.List(bob_)).empty());
  EXPECT_TRUE(Must(desk.List(kim)).empty());
  EXPECT_EQ(Must(desk.List(sam)).size(), 1u);
  EXPECT_EQ(desk.Open(sam, Sheet()).error().code, ErrorCode::kForbidden);
}

TEST_F(StylingTest, RejectsASpecSheetNamingTheField) {
  SpecSheet empty;
  EXPECT_EQ(desk.Open(alice_, empty).error().field, "notes");
  SpecSheet bad = Sheet();
  bad.budget = -5;
  EXPECT_EQ(desk.Open(alice_, bad).error().field, "budget");
  bad = Sheet();
  bad.likes = {"leather", "  "};
  EXPECT_EQ(desk.Open(alice_, bad).error().field, "likes[1]");
  bad = Sheet();
  bad.size = std::string(100, '9');
  EXPECT_EQ(desk.Open(alice_, bad).error().field, "size");
  auto parsed = ParseSpecSheetJson(R"({"budget": "lots"})");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().field, "budget");
  EXPECT_EQ(Must(ParseSpecSheetJson(R"({"size": 10.5})")).size, "10.5");
}

TEST_F(StylingTest, LimitsOpenRequestsPerShopper) {
  for (int i = 0; i < 5; ++i) Must(desk.Open(alice_, Sheet()));
  auto sixth = desk.Open(alice_, Sheet());
  ASSERT_FALSE(sixth.ok());
  EXPECT_EQ(sixth.error().code, ErrorCode::kConflict);
  EXPECT_EQ(sixth.error().field, "requests");
}

TEST_F(StylingTest, StylistSendsProductAndConfigurationPicksPricedOnRead) {
  StylingCaller sam = Stylist("sam@shop.example");
  StyleRequest r = Must(desk.Open(alice_, Sheet()));
  StylePick shoe = Must(desk.AddPick(sam, r.id, ProductPick("LOAFER-10", "Calf leather, wide fit")));
  EXPECT_EQ(shoe.title, "Title of LOAFER-10");
  EXPECT_EQ(shoe.price, (Money{12'000, "USD"}));
  NewPick custom;
  custom.kind = CartItemKind::kConfigured;
  custom.configured = testing::RedSuv();
  custom.configured.stock_unit_id = 0;
  custom.note = "Nothing in stock is red with towing: this one is built for you";
  StylePick suv = Must(desk.AddPick(sam, r.id, custom));
  EXPECT_EQ(suv.title, "Atelier SUV");
  EXPECT_EQ(suv.price.amount, 3'470'000);

  shop.SetSnapshotPrice("LOAFER-10", 11'000);
  StyleRequest seen = Must(desk.Get(alice_, r.id));
  ASSERT_EQ(seen.picks.size(), 2u);
  EXPECT_EQ(seen.picks[0].price.amount, 11'000);
  EXPECT_EQ(seen.picks[0].note, "Calf leather, wide fit");
  EXPECT_EQ(seen.picks[1].kind, CartItemKind::kConfigured);
  EXPECT_EQ(seen.picks[1].configured.selections.at("colour"), "red");
}

TEST_F(StylingTest, RejectsPicksThatCannotBeBought) {
  StylingCaller sam = Stylist("sam@shop.example");
  StyleRequest r = Must(desk.Open(alice_, Sheet()));
  auto unknown = desk.AddPick(sam, r.id, ProductPick("NOPE"));
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().field, "sku");
  EXPECT_EQ(desk.AddPick(sam, r.id, ProductPick("SUV-BASE")).error().field, "sku");
  NewPick invalid;
  invalid.kind = CartItemKind::kConfigured;
  invalid.configured = {"suv", 3, {{"colour", "red"}, {"trim", "base"}, {"tow", "yes"}}, {}, 0};
  EXPECT_EQ(desk.AddPick(sam, r.id, invalid).error().field, "selections.tow");
  EXPECT_TRUE(Must(desk.Get(sam, r.id)).picks.empty());
}

TEST_F(StylingTest, MessagesGoBothWaysInOrderUntilClosed) {
  StylingCaller sam = Stylist("sam@shop.example");
  StyleRequest r = Must(desk.Open(alice_, Sheet()));
  Must(desk.PostMessage(sam, r.id, "Hi Alice, any heel height you avoid?"));
  clock.AdvanceSeconds(60);
  Must(desk.PostMessage(alice_, r.id, "  Nothing above 2 cm, please.  "));
  EXPECT_EQ(desk.PostMessage(alice_, r.id, "   ").error().field, "body");
  StyleRequest seen = Must(desk.Get(sam, r.id));
  ASSERT_EQ(seen.messages.size(), 2u);
  EXPECT_EQ(seen.messages[0].author_role, Role::kStylist);
  EXPECT_EQ(seen.messages[1].author_id, alice_.account_id);
  EXPECT_EQ(seen.messages[1].body, "Nothing above 2 cm, please.");
  EXPECT_EQ(seen.messages[1].created_at - seen.messages[0].created_at, 60);

  EXPECT_EQ(Must(desk.Close(alice_, r.id)).state, StyleRequestState::kClosed);
  auto late = desk.PostMessage(sam, r.id, "one more");
  EXPECT_EQ(late.error().code, ErrorCode::kConflict);
  EXPECT_EQ(late.error().field, "state");
  EXPECT_EQ(desk.AddPick(sam, r.id, ProductPick("LOAFER-10")).error().field, "state");
  EXPECT_TRUE(Must(desk.List(sam, /*include_closed=*/false)).empty());
}

TEST_F(StylingTest, BuysAPickInOneClickOnceperKey) {
  shop.AddStock(loafer_, dc_, 3);
  StylingCaller sam = Stylist("sam@shop.example");
  StyleRequest r = Must(desk.Open(alice_, Sheet()));
  StylePick pick = Must(desk.AddPick(sam, r.id, ProductPick("LOAFER-10")));
  Order order = Must(desk.BuyPick(alice_, r.id, pick.id, "buy-1"));
  ASSERT_EQ(order.lines.size(), 1u);
  EXPECT_EQ(order.lines[0].sku, "LOAFER-10");
  EXPECT_EQ(order.lines[0].quantity, 1);
  EXPECT_EQ(order.total.amount, 12'000);
  EXPECT_TRUE(Must(carts.Get(CartOwner::Account(alice_.account_id))).lines.empty());

  // A retry returns the same order and buys nothing more.
  Order again = Must(desk.BuyPick(alice_, r.id, pick.id, "buy-1"));
  EXPECT_EQ(again.id, order.id);
  EXPECT_TRUE(Must(carts.Get(CartOwner::Account(alice_.account_id))).lines.empty());
  EXPECT_EQ(shop.Count("orders"), 1);
  EXPECT_EQ(Must(desk.Get(alice_, r.id)).picks.at(0).order_ids, std::vector<int64_t>{order.id});

  // A second purchase needs a new key.
  Order second = Must(desk.BuyPick(alice_, r.id, pick.id, "buy-2"));
  EXPECT_NE(second.id, order.id);
  EXPECT_EQ(Must(desk.Get(alice_, r.id)).picks.at(0).order_ids.size(), 2u);
}

TEST_F(StylingTest, OneClickShipsToTheSavedAddress) {
  shop.AddStock(loafer_, dc_, 3);
  StylingCaller sam = Stylist("sam@shop.example");
  StyleRequest r = Must(desk.Open(alice_, Sheet()));
  StylePick pick = Must(desk.AddPick(sam, r.id, ProductPick("LOAFER-10")));
  Order order = Must(desk.BuyPick(alice_, r.id, pick.id, "buy-1"));
  EXPECT_EQ(order.shipping, Home());
  EXPECT_EQ(Must(book.GetOrder(alice_.account_id, order.id)).shipping.state, "NY");

  // A retry after the address changed still gets the first order; the next
  // purchase goes to the new address.
  ShippingAddress moved = Home();
  moved.line1 = "9 Looking Glass Ln";
  moved.city = "Austin";
  moved.postal_code = "78701";
  moved.state = "tx";
  Must(AddressBook(*db, clock.AsClock()).Put(alice_.account_id, moved));
  Order again = Must(desk.BuyPick(alice_, r.id, pick.id, "buy-1"));
  EXPECT_EQ(again.id, order.id);
  EXPECT_EQ(again.shipping.city, "Brooklyn");
  Order next = Must(desk.BuyPick(alice_, r.id, pick.id, "buy-2"));
  EXPECT_EQ(next.shipping.city, "Austin");
  EXPECT_EQ(next.shipping.state, "TX");
}

TEST_F(StylingTest, OneClickWithoutASavedAddressIsAConflictThatSaysToAddOne) {
  const int64_t loafers = shop.AddStock(loafer_, dc_, 3);
  StylingCaller sam = Stylist("sam@shop.example");
  StyleRequest r = Must(desk.Open(bob_, Sheet()));
  StylePick pick = Must(desk.AddPick(sam, r.id, ProductPick("LOAFER-10")));
  auto refused = desk.BuyPick(bob_, r.id, pick.id, "bob-1");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_EQ(refused.error().field, "shipping");
  EXPECT_NE(refused.error().message.find("add a shipping address"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(shop.Count("orders"), 0);
  EXPECT_EQ(shop.Quantity(loafers), 3);
  EXPECT_TRUE(Must(desk.Get(bob_, r.id)).picks.at(0).order_ids.empty());

  // Once Bob saves an address, the same key buys the pick.
  ShippingAddress home = Home();
  home.name = "Bob Builder";
  Must(AddressBook(*db, clock.AsClock()).Put(bob_.account_id, home));
  Order order = Must(desk.BuyPick(bob_, r.id, pick.id, "bob-1"));
  EXPECT_EQ(order.shipping.name, "Bob Builder");
  // Forgetting it stops one-click buys again.
  testing::MustOk(AddressBook(*db, clock.AsClock()).Remove(bob_.account_id));
  EXPECT_EQ(desk.BuyPick(bob_, r.id, pick.id, "bob-2").error().field, "shipping");
}

TEST_F(StylingTest, OneClickBuysOnlyThePickAndLeavesTheCartAlone) {
  const int64_t loafers = shop.AddStock(loafer_, dc_, 3);
  shop.AddStock(boot_, dc_, 2);
  StylingCaller sam = Stylist("sam@shop.example");
  StyleRequest r = Must(desk.Open(alice_, Sheet()));
  StylePick pick = Must(desk.AddPick(sam, r.id, ProductPick("LOAFER-10")));
  const CartOwner alices_cart = CartOwner::Account(alice_.account_id);
  Must(carts.AddProduct(alices_cart, "BOOT-9", 2));
  Must(carts.AddProduct(alices_cart, "LOAFER-10", 1));  // the pick's own SKU, added by hand
  const CartView before = Must(carts.Get(alices_cart));

  Order order = Must(desk.BuyPick(alice_, r.id, pick.id, "buy-1"));
  ASSERT_EQ(order.lines.size(), 1u);
  EXPECT_EQ(order.lines[0].sku, "LOAFER-10");
  EXPECT_EQ(order.lines[0].quantity, 1);
  EXPECT_EQ(order.total.amount, 12'000);
  const CartView after = Must(carts.Get(alices_cart));
  ASSERT_EQ(after.lines.size(), before.lines.size());
  for (size_t i = 0; i < after.lines.size(); ++i) {
    EXPECT_EQ(after.lines[i].item_id, before.lines[i].item_id);
    EXPECT_EQ(after.lines[i].sku, before.lines[i].sku);
    EXPECT_EQ(after.lines[i].quantity, before.lines[i].quantity);
  }
  EXPECT_EQ(shop.Quantity(loafers), 2);  // one unit for the pick, none for the cart's

  // A retry returns the same order, buys nothing more and still leaves the
  // cart alone.
  EXPECT_EQ(Must(desk.BuyPick(alice_, r.id, pick.id, "buy-1")).id, order.id);
  EXPECT_EQ(shop.Count("orders"), 1);
  EXPECT_EQ(shop.Quantity(loafers), 2);
  EXPECT_EQ(Must(carts.Get(alices_cart)).lines.size(), before.lines.size());

  // The cart's own checkout later buys what the cart holds, and only that.
  CheckoutRequest own;
  own.account_id = alice_.account_id;
  own.idempotency_key = "cart-1";
  Order cart_order = Must(checkout.Place(own));
  ASSERT_EQ(cart_order.lines.size(), 2u);
  EXPECT_EQ(cart_order.lines[0].sku, "BOOT-9");
  EXPECT_EQ(cart_order.lines[0].quantity, 2);
}

TEST_F(StylingTest, AOneClickKeyIsNotACartCheckoutKey) {
  shop.AddStock(loafer_, dc_, 3);
  StylingCaller sam = Stylist("sam@shop.example");
  StyleRequest r = Must(desk.Open(alice_, Sheet()));
  StylePick pick = Must(desk.AddPick(sam, r.id, ProductPick("LOAFER-10")));
  StylePick other = Must(desk.AddPick(sam, r.id, ProductPick("BOOT-9")));
  Must(desk.BuyPick(alice_, r.id, pick.id, "buy-1"));
  // The same key for another pick, or for the cart's checkout: a conflict,
  // never the pick's order passed off as theirs.
  EXPECT_EQ(desk.BuyPick(alice_, r.id, other.id, "buy-1").error().field, "idempotency_key");
  Must(carts.AddProduct(CartOwner::Account(alice_.account_id), "LOAFER-10", 1));
  CheckoutRequest own;
  own.account_id = alice_.account_id;
  own.idempotency_key = "buy-1";
  auto reused = checkout.Place(own);
  ASSERT_FALSE(reused.ok());
  EXPECT_EQ(reused.error().code, ErrorCode::kConflict);
  EXPECT_EQ(reused.error().field, "idempotency_key");
  EXPECT_EQ(Must(carts.Get(CartOwner::Account(alice_.account_id))).lines.size(), 1u);
  // And a cart checkout's key cannot buy a pick.
  own.idempotency_key = "cart-1";
  Must(checkout.Place(own));
  EXPECT_EQ(desk.BuyPick(alice_, r.id, pick.id, "cart-1").error().field, "idempotency_key");
  EXPECT_EQ(shop.Count("orders"), 2);
}

TEST_F(StylingTest, AFailedOneClickLeavesTheCartAsItWasAndTheKeyFree) {
  StylingCaller sam = Stylist("sam@shop.example");
  StyleRequest r = Must(desk.Open(alice_, Sheet()));
  StylePick pick = Must(desk.AddPick(sam, r.id, ProductPick("LOAFER-10")));  // no stock yet
  auto failed = desk.BuyPick(alice_, r.id, pick.id, "buy-1");
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kConflict);
  EXPECT_EQ(failed.error().field, "stock");
  EXPECT_TRUE(Must(carts.Get(CartOwner::Account(alice_.account_id))).lines.empty());
  EXPECT_TRUE(Must(desk.Get(alice_, r.id)).picks.at(0).order_ids.empty());
  shop.AddStock(loafer_, dc_, 1);
  EXPECT_EQ(Must(desk.BuyPick(alice_, r.id, pick.id, "buy-1")).lines.at(0).sku, "LOAFER-10");
}

TEST_F(StylingTest, AnotherShopperCannotBuyOrCartMyPicks) {
  shop.AddStock(loafer_, dc_, 3);
  StylingCaller sam = Stylist("sam@shop.example");
  StyleRequest r = Must(desk.Open(alice_, Sheet()));
  StylePick pick = Must(desk.AddPick(sam, r.id, ProductPick("LOAFER-10")));
  EXPECT_EQ(desk.BuyPick(bob_, r.id, pick.id, "k").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(desk.AddPickToCart(bob_, r.id, pick.id).error().code, ErrorCode::kNotFound);
  StyleRequest bobs = Must(desk.Open(bob_, Sheet()));
  // Bob's own request id with Alice's pick id: not on that request.
  auto wrong = desk.BuyPick(bob_, bobs.id, pick.id, "k");
  EXPECT_EQ(wrong.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(wrong.error().field, "pick_id");
  EXPECT_EQ(shop.Count("orders"), 0);
}

// The same on PostgreSQL (skipped when it is not installed): serializable
// transactions retried on conflict keep the assignment even, and the whole
// flow runs on its dialect.
TEST(StylingPostgresTest, AssignsEvenlyAndBuysInOneClick) {
  auto url = store::testing::LocalPostgres::SharedDatabase();
  if (!url.ok() && url.error().code == ErrorCode::kNotFound) GTEST_SKIP() << url.error().message;
  ASSERT_TRUE(url.ok()) << url.error().ToString();
  std::unique_ptr<store::Database> db = Must(store::OpenDatabase(*url));
  testing::FakeClock clock;
  testing::Shop shop(*db);
  testing::FakePricer pricer;
  pricer.AddModel(testing::FakePricer::Suv());
  Accounts accounts(*db, testing::FastAccounts(clock.AsClock()));
  Carts carts(
      *db, [&] { return shop.Snapshot(); }, pricer);
  Scheduler scheduler(*db);
  Checkout checkout(*db, pricer, scheduler);
  StylingDesk desk(
      *db, [&] { return shop.Snapshot(); }, pricer, carts, checkout);

  std::map<int64_t, int> load = OpenConcurrently(accounts, desk, 3, 9);
  ASSERT_EQ(load.size(), 3u);
  for (const auto& [stylist, n] : load) EXPECT_EQ(n, 3) << "stylist " << stylist;

  const int64_t dc = shop.AddLocation("DC-EAST", catalog::LocationType::kDistributionCentre, "us-east");
  shop.AddStock(shop.AddProduct("LOAFER-10", 12'000), dc, 2);
  const StylingCaller shopper{
      Must(accounts.Register({"pg@example.com", "correct horse battery", Role::kShopper, ""})).id,
      Role::kShopper};
  SpecSheet sheet;
  sheet.likes = {"loafers"};
  StyleRequest r = Must(desk.Open(shopper, sheet));
  const StylingCaller stylist{r.stylist_id, Role::kStylist};
  NewPick pick;
  pick.sku = "LOAFER-10";
  pick.note = "a wide last";
  StylePick sent = Must(desk.AddPick(stylist, r.id, pick));
  Must(desk.PostMessage(shopper, r.id, "thank you"));
  EXPECT_EQ(desk.BuyPick(shopper, r.id, sent.id, "pg-buy").error().field, "shipping");
  ShippingAddress home{"Pat Gres", "1 Elephant Rd", "", "Toronto", "M5V 2T6", "CA"};
  home.state = "ON";
  Must(AddressBook(*db, clock.AsClock()).Put(shopper.account_id, home));
  Order order = Must(desk.BuyPick(shopper, r.id, sent.id, "pg-buy"));
  EXPECT_EQ(order.shipping.state, "ON");
  EXPECT_EQ(Must(desk.BuyPick(shopper, r.id, sent.id, "pg-buy")).id, order.id);
  StyleRequest seen = Must(desk.Get(stylist, r.id));
  EXPECT_EQ(seen.picks.at(0).order_ids, std::vector<int64_t>{order.id});
  EXPECT_EQ(seen.messages.at(0).body, "thank you");
  EXPECT_EQ(Must(desk.List(stylist)).size(), 4u);
}

}  // namespace
}  // namespace atelier::orders
