// 200 shoppers check out the last 10 units at the same moment, on a
// file-backed store with synchronous=FULL: exactly 10 orders, stock 0, and
// the 190 others get an out_of_stock conflict with no order, no payment and
// their cart intact.

#include <gtest/gtest.h>

#include <latch>
#include <set>
#include <thread>

#include "atelier/orders/carts.h"
#include "atelier/orders/checkout.h"
#include "internal/test_support.h"

namespace atelier::orders {
namespace {

using testing::FakeClock;
using testing::FakePricer;
using testing::Must;

TEST(CheckoutConcurrencyTest, TwoHundredBuyersForTenUnitsNeverOversell) {
  constexpr int kBuyers = 200;
  constexpr int64_t kUnits = 10;
  FakeClock clock;
  testing::TempDir dir;
  auto db = testing::OpenFileDb(dir.path());
  testing::Shop shop(*db);
  FakePricer pricer;
  int64_t east = shop.AddLocation("DC-EAST", catalog::LocationType::kDistributionCentre, "us-east");
  int64_t west = shop.AddLocation("DC-WEST", catalog::LocationType::kDistributionCentre, "us-west");
  int64_t product = shop.AddProduct("CONSOLE-LAST", 49999);
  // The last units, split over two locations.
  int64_t east_unit = shop.AddStock(product, east, 6);
  int64_t west_unit = shop.AddStock(product, west, kUnits - 6);
  Accounts accounts(*db, testing::FastAccounts(clock.AsClock()));
  Carts carts(
      *db, [&shop] { return shop.Snapshot(); }, pricer, CartsOptions{99, 100, clock.AsClock()});
  Scheduler scheduler(*db);
  Checkout checkout(*db, pricer, scheduler, CheckoutOptions{clock.AsClock()});

  std::vector<int64_t> buyers;
  for (int i = 0; i < kBuyers; ++i) {
    int64_t id =
        Must(accounts.Register({"buyer" + std::to_string(i) + "@example.com", "correct horse battery",
                                Role::kShopper, i % 2 ? "us-east" : "us-west"}))
            .id;
    Must(carts.AddProduct(CartOwner::Account(id), "CONSOLE-LAST", 1));
    buyers.push_back(id);
  }

  std::vector<Result<Order>> results(kBuyers, Error::Internal("not run"));
  std::latch start(kBuyers);
  std::vector<std::thread> threads;
  for (int i = 0; i < kBuyers; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      results[i] = checkout.Place(CheckoutRequest{buyers[i], "checkout-" + std::to_string(i), "", {}, {}});
    });
  }
  for (auto& t : threads) t.join();

  std::set<int64_t> winners;
  int out_of_stock = 0;
  for (int i = 0; i < kBuyers; ++i) {
    if (results[i].ok()) {
      EXPECT_EQ(results[i]->account_id, buyers[i]);
      EXPECT_EQ(results[i]->total.amount, 49999);
      winners.insert(buyers[i]);
    } else {
      const Error& e = results[i].error();
      EXPECT_EQ(e.code, ErrorCode::kConflict) << e.ToString();
      EXPECT_EQ(e.field, "stock");
      EXPECT_EQ(e.message.rfind("out_of_stock:", 0), 0u) << e.message;
      ++out_of_stock;
      // The loser's cart is untouched: they can try again later.
      EXPECT_EQ(Must(carts.Get(CartOwner::Account(buyers[i]))).item_count, 1);
    }
  }
  EXPECT_EQ(winners.size(), static_cast<size_t>(kUnits));
  EXPECT_EQ(out_of_stock, kBuyers - kUnits);
  EXPECT_EQ(shop.Quantity(east_unit), 0);
  EXPECT_EQ(shop.Quantity(west_unit), 0);
  EXPECT_EQ(shop.Count("orders"), kUnits);
  EXPECT_EQ(shop.Count("order_lines"), kUnits);
  EXPECT_EQ(shop.Count("payments"), kUnits);
  // Every payment belongs to a winner's order.
  auto paid = Must(db->Query("SELECT o.account_id FROM payments p JOIN orders o ON o.id = p.order_id"));
  for (const auto& row : paid) EXPECT_EQ(winners.count(row.Int(0)), 1u);
}

}  // namespace
}  // namespace atelier::orders
