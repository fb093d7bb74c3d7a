// Crash safety: a child process places checkouts in a loop (stock and
// build-to-order) and reports each acknowledged order id through a pipe the
// moment Place() returns; the parent SIGKILLs it at seeded-random moments,
// 20 times, restarting it each time. Afterwards every acknowledged order is
// in the store, and stock and plant slots agree exactly with the orders.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <random>
#include <set>
#include <tuple>

#include "atelier/orders/carts.h"
#include "atelier/orders/checkout.h"
#include "internal/test_support.h"

namespace atelier::orders {
namespace {

using testing::FakePricer;
using testing::Must;

constexpr int kShoppers = 8;
constexpr int64_t kInitialStock = 100'000;

// Runs in the forked child: never returns.
[[noreturn]] void PlaceOrdersForever(const std::string& dir, int round, int ack_fd) {
  auto opened = store::OpenDatabase("sqlite://" + dir + "/shop.db");
  if (!opened.ok()) _exit(3);
  store::Database& db = **opened;
  testing::FakeClock clock;
  FakePricer pricer;
  pricer.AddModel(FakePricer::Suv());
  auto snapshot_rows = db.Query("SELECT id, category_id, price_amount FROM products WHERE sku = 'CTRL-1'");
  if (!snapshot_rows.ok() || snapshot_rows->empty()) _exit(4);
  catalog::CatalogData data;
  data.categories.push_back(catalog::Category{(*snapshot_rows)[0].Int(1), 0, "all", "All", 0});
  catalog::Product p;
  p.id = (*snapshot_rows)[0].Int(0);
  p.sku = "CTRL-1";
  p.category_id = (*snapshot_rows)[0].Int(1);
  p.price = Money{(*snapshot_rows)[0].Int(2), "USD"};
  data.products.push_back(p);
  auto snapshot = catalog::CatalogSnapshot::Build(std::move(data), 1);
  Carts carts(
      db, [snapshot] { return snapshot; }, pricer, CartsOptions{99, 100, clock.AsClock()});
  Scheduler scheduler(db);
  Checkout checkout(db, pricer, scheduler, CheckoutOptions{clock.AsClock()});
  for (int i = 0; i < 100'000; ++i) {
    const int64_t shopper = 1 + i % kShoppers;
    const CartOwner owner = CartOwner::Account(shopper);
    if (!carts.Clear(owner).ok()) continue;
    if (i % 2 == 0) {
      if (!carts.AddProduct(owner, "CTRL-1", 1 + i % 3).ok()) continue;
    } else {
      ConfiguredItem suv{"suv", 3, {{"colour", "red"}, {"trim", "sport"}}, {}, 0};
      if (!carts.AddConfigured(owner, suv, 1).ok()) continue;
    }
    auto order = checkout.Place(
        CheckoutRequest{shopper, "crash-" + std::to_string(round) + "-" + std::to_string(i), "", {}, {}});
    if (order.ok()) {
      const int64_t id = order->id;
      if (write(ack_fd, &id, sizeof id) != sizeof id) _exit(5);
    }
  }
  _exit(0);
}

TEST(CheckoutCrashTest, AcknowledgedOrdersSurviveSigkillAndStockAndSlotsStayConsistent) {
  testing::TempDir dir;
  int64_t stock_unit = 0;
  {
    auto db = testing::OpenFileDb(dir.path());
    testing::Shop shop(*db);
    int64_t dc = shop.AddLocation("DC-EAST", catalog::LocationType::kDistributionCentre, "us-east");
    shop.AddLocation("PLANT-A", catalog::LocationType::kPlant, "us-central");
    stock_unit = shop.AddStock(shop.AddProduct("CTRL-1", 6999), dc, kInitialStock);
    Scheduler scheduler(*db);
    testing::MustOk(scheduler.SetCapacity("PLANT-A", "suv", 3));
    testing::FakeClock clock;
    Accounts accounts(*db, testing::FastAccounts(clock.AsClock()));
    for (int i = 0; i < kShoppers; ++i) {
      int64_t id = Must(accounts.Register({"s" + std::to_string(i) + "@example.com", "correct horse battery",
                                           Role::kShopper, "us-east"}))
                       .id;
      ASSERT_EQ(id, i + 1);
    }
  }  // closed: no SQLite handle crosses a fork

  std::mt19937 rng(20261123);
  std::set<int64_t> acknowledged;
  for (int round = 0; round < 20; ++round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      PlaceOrdersForever(dir.path(), round, fds[1]);
    }
    close(fds[1]);
    // Let the child acknowledge a random number of orders, then kill it while
    // it is in the middle of the next ones.
    const int before_kill = std::uniform_int_distribution<int>(1, 12)(rng);
    int64_t id = 0;
    for (int k = 0; k < before_kill; ++k) {
      ASSERT_EQ(read(fds[0], &id, sizeof id), static_cast<ssize_t>(sizeof id))
          << "child died in round " << round;
      acknowledged.insert(id);
    }
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    // Orders acknowledged between the last read and the kill count too.
    while (read(fds[0], &id, sizeof id) == static_cast<ssize_t>(sizeof id)) acknowledged.insert(id);
    close(fds[0]);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "round " << round;
  }

  auto db = testing::OpenFileDb(dir.path());
  ASSERT_GE(acknowledged.size(), 20u);
  for (int64_t id : acknowledged) {
    EXPECT_EQ(Must(db->Query("SELECT COUNT(*) FROM orders WHERE id = ?", {id})).at(0).Int(0), 1)
        << "order " << id;
  }
  // Every order is whole: lines, a placed event and a payment.
  EXPECT_EQ(Must(db->Query("SELECT COUNT(*) FROM orders o WHERE NOT EXISTS "
                           "(SELECT 1 FROM order_lines l WHERE l.order_id = o.id)"))
                .at(0)
                .Int(0),
            0);
  const int64_t orders = Must(db->Query("SELECT COUNT(*) FROM orders")).at(0).Int(0);
  EXPECT_EQ(Must(db->Query("SELECT COUNT(*) FROM payments")).at(0).Int(0), orders);
  EXPECT_EQ(Must(db->Query("SELECT COUNT(*) FROM order_events WHERE status = 'placed'")).at(0).Int(0),
            orders);

  // Stock: what is left plus what orders took is what there was.
  const int64_t left =
      Must(db->Query("SELECT quantity FROM stock_units WHERE id = ?", {stock_unit})).at(0).Int(0);
  const int64_t sold =
      Must(db->Query("SELECT COALESCE(SUM(quantity), 0) FROM order_lines WHERE source = 'stock'"))
          .at(0)
          .Int(0);
  EXPECT_EQ(left + sold, kInitialStock);
  EXPECT_GT(sold, 0);

  // Plant slots: booked units equal the build-to-order lines on each slot.
  std::map<std::tuple<int64_t, std::string, int64_t>, int64_t> from_lines, from_slots;
  for (const auto& r : Must(db->Query("SELECT location_id, product_line, production_day, SUM(quantity) "
                                      "FROM order_lines WHERE source = 'build_to_order' "
                                      "GROUP BY location_id, product_line, production_day"))) {
    from_lines[{r.Int(0), r.Text(1), r.Int(2)}] = r.Int(3);
  }
  for (const auto& r :
       Must(db->Query("SELECT plant_id, product_line, day, booked FROM plant_slots WHERE booked > 0"))) {
    from_slots[{r.Int(0), r.Text(1), r.Int(2)}] = r.Int(3);
    EXPECT_LE(r.Int(3), 3) << "over capacity";
  }
  EXPECT_FALSE(from_lines.empty());
  EXPECT_EQ(from_lines, from_slots);
}

}  // namespace
}  // namespace atelier::orders
