// Durable checkouts per second on SQLite, and the same rows written by a bare
// SQLite loop with the same durability settings, in the same run.
//
//   BM_Orders_DurableCheckout   Checkout::Place on a file-backed store (WAL,
//                               synchronous=FULL): idempotency lookup, cart
//                               read, server-side pricing, conditional stock
//                               update, order + line + event + payment
//                               inserts, cart cleared, order read back.
//   BM_Orders_BareSqliteLoop    the peer: raw sqlite3 prepared statements, one
//                               transaction per order writing the same rows
//                               (stock update, order, line, event, payment,
//                               cart delete), WAL + synchronous=FULL.
//
// The ratio of the two `checkouts_per_s` counters is the number to watch
// (target >= 0.5). Both are dominated by the fsync at commit. Carts are
// filled before the timed loop, so only the checkout is measured.
//
//   BM_Orders_AvailabilityAndQuote   AvailabilityFinder::Find for a complete
//                               SUV configuration (5 options, 432 variants)
//                               over 2,000 configured stock units at 20
//                               dealers, plus the build-to-order quote; p50
//                               and p99 latency as counters.

#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "atelier/catalog/snapshot.h"
#include "atelier/orders/accounts.h"
#include "atelier/orders/availability.h"
#include "atelier/orders/carts.h"
#include "atelier/orders/checkout.h"
#include "atelier/store/database.h"

namespace {

using namespace atelier;

constexpr int kCheckouts = 300;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "atelier-bench-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) std::abort();
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class NoConfigurations : public orders::ConfigurationPricer {
 public:
  Result<orders::PricedConfiguration> Price(std::string_view, int, const orders::Selections&,
                                            const orders::Personalization&) override {
    return Error::NotFound("no models in this benchmark", "model_id");
  }
  Result<orders::ModelDescription> Describe(std::string_view, int) override {
    return Error::NotFound("no models in this benchmark", "model_id");
  }
};

void Check(const Status& s) {
  if (!s.ok()) {
    fprintf(stderr, "%s\n", s.error().ToString().c_str());
    std::abort();
  }
}

template <typename T>
T Check(Result<T> r) {
  if (!r.ok()) {
    fprintf(stderr, "%s\n", r.error().ToString().c_str());
    std::abort();
  }
  return std::move(r).value();
}

// One product with plenty of stock at one DC; returns (product id, snapshot).
std::pair<int64_t, std::shared_ptr<const catalog::CatalogSnapshot>> SeedShop(store::Database& db) {
  int64_t product = 0, location = 0, category = 0;
  Check(db.Transact([&](store::Session& s) -> Status {
    ATELIER_ASSIGN_OR_RETURN(
        auto c, s.Query("INSERT INTO categories (slug, name) VALUES ('all','All') RETURNING id"));
    category = c.at(0).Int(0);
    ATELIER_ASSIGN_OR_RETURN(auto l,
                             s.Query("INSERT INTO locations (code, name, type, region) VALUES "
                                     "('DC-EAST','East','distribution_centre','us-east') RETURNING id"));
    location = l.at(0).Int(0);
    ATELIER_ASSIGN_OR_RETURN(
        auto p, s.Query("INSERT INTO products (sku, title, category_id, price_amount, currency, "
                        "created_at, updated_at) VALUES ('CTRL-1','Controller',?,6999,'USD',0,0) "
                        "RETURNING id",
                        {category}));
    product = p.at(0).Int(0);
    ATELIER_RETURN_IF_ERROR(
        s.Exec("INSERT INTO stock_units (product_id, location_id, configuration, quantity, "
               "updated_at) VALUES (?, ?, '', 1000000000, 0)",
               {product, location}));
    return Ok();
  }));
  catalog::CatalogData data;
  data.categories.push_back({category, 0, "all", "All", 0});
  catalog::Product p;
  p.id = product;
  p.sku = "CTRL-1";
  p.title = "Controller";
  p.category_id = category;
  p.price = Money{6999, "USD"};
  data.products.push_back(p);
  data.locations.push_back(
      {location, "DC-EAST", "East", catalog::LocationType::kDistributionCentre, "us-east"});
  return {product, catalog::CatalogSnapshot::Build(std::move(data), 1)};
}

void BM_Orders_DurableCheckout(benchmark::State& state) {
  TempDir dir;
  store::DatabaseOptions db_options;
  db_options.synchronous_full = true;
  auto db = Check(store::OpenDatabase("sqlite://" + dir.path() + "/shop.db", db_options));
  auto [product, snapshot] = SeedShop(*db);
  NoConfigurations pricer;
  orders::AccountsOptions account_options;
  account_options.pwhash_opslimit = 1;     // crypto_pwhash_OPSLIMIT_MIN: set-up only
  account_options.pwhash_memlimit = 8192;  // crypto_pwhash_MEMLIMIT_MIN
  orders::Accounts accounts(*db, account_options);
  orders::Carts carts(
      *db, [snap = snapshot] { return snap; }, pricer);
  orders::Scheduler scheduler(*db);
  orders::Checkout checkout(*db, pricer, scheduler);

  std::vector<int64_t> shoppers;
  for (int i = 0; i < kCheckouts; ++i) {
    auto account = Check(accounts.Register({"shopper" + std::to_string(i) + "@example.com",
                                            "correct horse battery", orders::Role::kShopper, "us-east"}));
    Check(carts.AddProduct(orders::CartOwner::Account(account.id), "CTRL-1", 1));
    shoppers.push_back(account.id);
  }
  size_t next = 0;
  for (auto _ : state) {
    auto order =
        checkout.Place(orders::CheckoutRequest{shoppers[next], "bench-" + std::to_string(next), "", {}, {}});
    if (!order.ok()) state.SkipWithError(order.error().ToString().c_str());
    benchmark::DoNotOptimize(order);
    ++next;
  }
  state.counters["checkouts_per_s"] =
      benchmark::Counter(static_cast<double>(next), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Orders_DurableCheckout)->Iterations(kCheckouts)->Unit(benchmark::kMillisecond)->UseRealTime();

struct Stmt {
  sqlite3_stmt* s = nullptr;
  Stmt(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK) {
      fprintf(stderr, "%s\n", sqlite3_errmsg(db));
      std::abort();
    }
  }
  ~Stmt() { sqlite3_finalize(s); }
  Stmt& Int(int i, int64_t v) {
    sqlite3_bind_int64(s, i, v);
    return *this;
  }
  Stmt& Text(int i, const std::string& v) {
    sqlite3_bind_text(s, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  int64_t Step() {
    int rc = sqlite3_step(s);
    int64_t out = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    while (rc == SQLITE_ROW) rc = sqlite3_step(s);
    if (rc != SQLITE_DONE) std::abort();
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return out;
  }
};

void BM_Orders_BareSqliteLoop(benchmark::State& state) {
  TempDir dir;
  const std::string path = dir.path() + "/bare.db";
  int64_t product = 0;
  std::vector<int64_t> shoppers, carts_of;
  {
    // Same schema and seed, written through the store, then closed.
    auto db = Check(store::OpenDatabase("sqlite://" + path));
    product = SeedShop(*db).first;
    Check(db->Transact([&](store::Session& s) -> Status {
      for (int i = 0; i < kCheckouts; ++i) {
        ATELIER_ASSIGN_OR_RETURN(auto a,
                                 s.Query("INSERT INTO accounts (email, password_hash, role, region, "
                                         "created_at) VALUES (?, 'x', 'shopper', 'us-east', 0) RETURNING id",
                                         {"shopper" + std::to_string(i) + "@example.com"}));
        ATELIER_ASSIGN_OR_RETURN(auto c, s.Query("INSERT INTO carts (account_id, created_at, updated_at) "
                                                 "VALUES (?, 0, 0) RETURNING id",
                                                 {a.at(0).Int(0)}));
        ATELIER_RETURN_IF_ERROR(
            s.Exec("INSERT INTO cart_items (cart_id, line_key, kind, sku, quantity, created_at) "
                   "VALUES (?, 'p:CTRL-1', 'product', 'CTRL-1', 1, 0)",
                   {c.at(0).Int(0)}));
        shoppers.push_back(a.at(0).Int(0));
        carts_of.push_back(c.at(0).Int(0));
      }
      return Ok();
    }));
  }
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) std::abort();
  sqlite3_exec(db, "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr);
  sqlite3_exec(db, "PRAGMA synchronous = FULL", nullptr, nullptr, nullptr);
  sqlite3_exec(db, "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr);
  {
    Stmt begin(db, "BEGIN IMMEDIATE");
    Stmt commit(db, "COMMIT");
    Stmt stock(
        db, "UPDATE stock_units SET quantity = quantity - 1, updated_at = ? WHERE id = 1 AND quantity >= 1");
    Stmt order(db,
               "INSERT INTO orders (account_id, idempotency_key, request_hash, status, fulfilment, region, "
               "total_amount, currency, expected_delivery_day, created_at, updated_at) "
               "VALUES (?, ?, 'h', 'placed', 'stock', 'us-east', 6999, 'USD', 0, ?, ?) RETURNING id");
    Stmt line(
        db,
        "INSERT INTO order_lines (order_id, line_no, kind, sku, product_id, quantity, unit_amount, currency, "
        "source, stock_unit_id, location_id) VALUES (?, 1, 'product', 'CTRL-1', ?, 1, 6999, 'USD', 'stock', "
        "1, 1)");
    Stmt event(db,
               "INSERT INTO order_events (order_id, status, at, actor) VALUES (?, 'placed', ?, 'shopper')");
    Stmt payment(db,
                 "INSERT INTO payments (order_id, amount, currency, status, created_at, updated_at) "
                 "VALUES (?, 6999, 'USD', 'pending', ?, ?)");
    Stmt clear(db, "DELETE FROM cart_items WHERE cart_id = ?");
    size_t next = 0;
    for (auto _ : state) {
      const int64_t now = 1'795'428'000 + static_cast<int64_t>(next);
      begin.Step();
      stock.Int(1, now).Step();
      if (sqlite3_changes(db) != 1) std::abort();
      const int64_t id = order.Int(1, shoppers[next])
                             .Text(2, "bench-" + std::to_string(next))
                             .Int(3, now)
                             .Int(4, now)
                             .Step();
      line.Int(1, id).Int(2, product).Step();
      event.Int(1, id).Int(2, now).Step();
      payment.Int(1, id).Int(2, now).Int(3, now).Step();
      clear.Int(1, carts_of[next]).Step();
      commit.Step();
      ++next;
    }
    state.counters["checkouts_per_s"] =
        benchmark::Counter(static_cast<double>(next), benchmark::Counter::kIsRate);
  }
  sqlite3_close(db);
}
BENCHMARK(BM_Orders_BareSqliteLoop)->Iterations(kCheckouts)->Unit(benchmark::kMillisecond)->UseRealTime();

// A table-driven SUV model standing in for the configurator: 5 options,
// every combination valid, price = base + deltas.
class SuvPricer : public orders::ConfigurationPricer {
 public:
  SuvPricer() {
    options_ = {{"colour",
                 {{"red", 50'000},
                  {"grey", 0},
                  {"blue", 20'000},
                  {"white", 0},
                  {"black", 30'000},
                  {"green", 40'000}}},
                {"trim", {{"base", 0}, {"sport", 300'000}, {"luxury", 600'000}}},
                {"tow", {{"yes", 120'000}, {"none", 0}}},
                {"wheels", {{"18", 0}, {"19", 80'000}, {"20", 150'000}}},
                {"interior", {{"cloth", 0}, {"leather", 200'000}}}};
  }
  const std::vector<std::pair<std::string, std::vector<std::pair<std::string, int64_t>>>>& options() const {
    return options_;
  }
  Result<orders::PricedConfiguration> Price(std::string_view, int, const orders::Selections& selections,
                                            const orders::Personalization&) override {
    int64_t price = 3'000'000;
    for (const auto& [id, values] : options_) {
      auto it = selections.find(id);
      if (it == selections.end()) return Error::InvalidArgument("choose " + id, "selections." + id);
      auto v =
          std::find_if(values.begin(), values.end(), [&](const auto& p) { return p.first == it->second; });
      if (v == values.end()) return Error::InvalidArgument("bad value", "selections." + id);
      price += v->second;
    }
    return orders::PricedConfiguration{Money{price, "USD"}, 10, "suv", {"PLANT-A", "PLANT-B"}};
  }
  Result<orders::ModelDescription> Describe(std::string_view, int) override {
    orders::ModelDescription d{"suv", 1, "SUV", {}};
    for (const auto& [id, values] : options_) {
      orders::OptionDescription o{id, id, {}};
      for (const auto& [value, delta] : values) o.values.push_back({value, value, value == "none"});
      d.options.push_back(std::move(o));
    }
    return d;
  }

 private:
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, int64_t>>>> options_;
};

void BM_Orders_AvailabilityAndQuote(benchmark::State& state) {
  TempDir dir;
  auto db = Check(store::OpenDatabase("sqlite://" + dir.path() + "/shop.db"));
  SuvPricer pricer;
  std::mt19937 rng(42);
  Check(db->Transact([&](store::Session& s) -> Status {
    ATELIER_ASSIGN_OR_RETURN(
        auto c, s.Query("INSERT INTO categories (slug, name) VALUES ('suv','SUV') RETURNING id"));
    ATELIER_ASSIGN_OR_RETURN(auto p,
                             s.Query("INSERT INTO products (sku, title, category_id, price_amount, currency, "
                                     "model_id, created_at, updated_at) VALUES ('SUV','SUV',?,0,'USD','suv',"
                                     "0,0) RETURNING id",
                                     {c.at(0).Int(0)}));
    const int64_t product = p.at(0).Int(0);
    for (const char* plant : {"PLANT-A", "PLANT-B"}) {
      ATELIER_ASSIGN_OR_RETURN(auto l, s.Query("INSERT INTO locations (code, name, type, region) VALUES "
                                               "(?, ?, 'plant', 'us-central') RETURNING id",
                                               {std::string(plant), std::string(plant)}));
      ATELIER_RETURN_IF_ERROR(
          s.Exec("INSERT INTO plant_capacity (plant_id, product_line, units_per_day) "
                 "VALUES (?, 'suv', 20)",
                 {l.at(0).Int(0)}));
    }
    for (int d = 0; d < 20; ++d) {
      ATELIER_ASSIGN_OR_RETURN(auto l, s.Query("INSERT INTO locations (code, name, type, region) VALUES "
                                               "(?, ?, 'dealer', ?) RETURNING id",
                                               {"DEALER-" + std::to_string(d), "Dealer " + std::to_string(d),
                                                std::string(d % 2 ? "us-east" : "us-west")}));
      for (int u = 0; u < 100; ++u) {
        orders::Selections config;
        for (const auto& [id, values] : pricer.options()) {
          config[id] = values[std::uniform_int_distribution<size_t>(0, values.size() - 1)(rng)].first;
        }
        ATELIER_RETURN_IF_ERROR(
            s.Exec("INSERT INTO stock_units (product_id, location_id, configuration, quantity, "
                   "updated_at) VALUES (?, ?, ?, 1, 0) ON CONFLICT DO NOTHING",
                   {product, l.at(0).Int(0), orders::SelectionsToJson(config)}));
      }
    }
    return Ok();
  }));
  orders::Scheduler scheduler(*db);
  orders::AvailabilityFinder finder(*db, pricer, scheduler);
  orders::AvailabilityRequest request;
  request.model_id = "suv";
  request.model_version = 1;
  request.selections = {
      {"colour", "red"}, {"trim", "sport"}, {"tow", "yes"}, {"wheels", "19"}, {"interior", "leather"}};
  request.budget = 4'000'000;
  request.region = "us-east";
  std::vector<double> ms;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    auto a = finder.Find(request);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    if (!a.ok() || !a->build_to_order) state.SkipWithError("no quote");
    benchmark::DoNotOptimize(a);
  }
  std::sort(ms.begin(), ms.end());
  state.counters["p50_ms"] = ms[ms.size() / 2];
  state.counters["p99_ms"] = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
}
BENCHMARK(BM_Orders_AvailabilityAndQuote)->Iterations(500)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
