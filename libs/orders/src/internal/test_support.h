#pragma once
// Test fixtures for the buying module: a real SQLite store (in memory or in
// a temporary file), a controllable clock, a small shop seeded through SQL,
// and a fake ConfigurationPricer (the configurator seam; the store is never
// faked).

#include <gtest/gtest.h>
#include <sodium.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "atelier/catalog/snapshot.h"
#include "atelier/core/clock.h"
#include "atelier/orders/accounts.h"
#include "atelier/orders/carts.h"
#include "atelier/orders/checkout.h"
#include "atelier/orders/orders.h"
#include "atelier/orders/pricer.h"
#include "atelier/orders/schedule.h"
#include "atelier/orders/types.h"
#include "atelier/store/database.h"

namespace atelier::orders::testing {

// 2026-11-23T10:00:00Z.
inline constexpr int64_t kStartMillis = 1'795'428'000'000;

class FakeClock {
 public:
  explicit FakeClock(int64_t start_ms = kStartMillis) : now_ms_(start_ms) {}
  Clock AsClock() {
    return [this] { return now_ms_.load(); };
  }
  void AdvanceSeconds(int64_t s) { now_ms_ += s * 1000; }
  void AdvanceDays(int64_t d) { AdvanceSeconds(d * 86400); }
  int64_t now_ms() const { return now_ms_.load(); }
  int64_t today() const { return DayOf(now_ms_.load()); }

 private:
  std::atomic<int64_t> now_ms_;
};

// A temporary directory removed at destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "atelier-orders-XXXXXX").string();
    char* made = mkdtemp(tmpl.data());
    EXPECT_NE(made, nullptr);
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

inline std::unique_ptr<store::Database> OpenMemoryDb() {
  auto db = store::OpenDatabase("sqlite::memory:");
  EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().ToString());
  return std::move(db).value();
}

inline std::unique_ptr<store::Database> OpenFileDb(const std::string& dir) {
  store::DatabaseOptions options;
  options.synchronous_full = true;
  auto db = store::OpenDatabase("sqlite://" + dir + "/shop.db", options);
  EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().ToString());
  return std::move(db).value();
}

// Cheapest argon2id parameters: only for tests.
inline AccountsOptions FastAccounts(Clock clock) {
  AccountsOptions o;
  o.pwhash_opslimit = crypto_pwhash_OPSLIMIT_MIN;
  o.pwhash_memlimit = crypto_pwhash_MEMLIMIT_MIN;
  o.clock = std::move(clock);
  return o;
}

#define ASSERT_OK(expr)                                             \
  do {                                                              \
    auto _r = (expr);                                               \
    ASSERT_TRUE(_r.ok()) << #expr << ": " << _r.error().ToString(); \
  } while (0)

template <typename T>
T Must(Result<T> r) {
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().ToString());
  if (!r.ok()) std::abort();
  return std::move(r).value();
}

inline void MustOk(const Status& s) {
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().ToString());
  if (!s.ok()) std::abort();
}

// A small shop written with plain SQL, mirrored into a CatalogSnapshot.
class Shop {
 public:
  explicit Shop(store::Database& db) : db_(db) {
    MustOk(db_.Transact([](store::Session& s) -> Status {
      ATELIER_RETURN_IF_ERROR(s.Exec("INSERT INTO categories (slug, name) VALUES ('all', 'All')"));
      return Ok();
    }));
    category_id_ = Must(db_.Query("SELECT id FROM categories WHERE slug = 'all'"))[0].Int(0);
    data_.categories.push_back(catalog::Category{category_id_, 0, "all", "All", 0});
  }

  int64_t AddLocation(const std::string& code, catalog::LocationType type, const std::string& region) {
    int64_t id = 0;
    MustOk(db_.Transact([&](store::Session& s) -> Status {
      ATELIER_ASSIGN_OR_RETURN(auto rows, s.Query("INSERT INTO locations (code, name, type, region) VALUES "
                                                  "(?, ?, ?, ?) RETURNING id",
                                                  {code, code + " location",
                                                   std::string(catalog::LocationTypeName(type)), region}));
      id = rows.at(0).Int(0);
      return Ok();
    }));
    data_.locations.push_back(catalog::Location{id, code, code + " location", type, region});
    return id;
  }

  int64_t AddProduct(const std::string& sku, int64_t price, const std::string& model_id = "",
                     const std::string& currency = "USD") {
    int64_t id = 0;
    MustOk(db_.Transact([&](store::Session& s) -> Status {
      ATELIER_ASSIGN_OR_RETURN(
          auto rows,
          s.Query("INSERT INTO products (sku, title, category_id, price_amount, currency, model_id, "
                  "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, 0) RETURNING id",
                  {sku, "Title of " + sku, category_id_, price, currency,
                   model_id.empty() ? store::Value() : store::Value(model_id)}));
      id = rows.at(0).Int(0);
      return Ok();
    }));
    catalog::Product p;
    p.id = id;
    p.sku = sku;
    p.title = "Title of " + sku;
    p.category_id = category_id_;
    p.price = Money{price, currency};
    p.model_id = model_id;
    data_.products.push_back(p);
    return id;
  }

  int64_t AddStock(int64_t product_id, int64_t location_id, int64_t quantity,
                   const std::string& configuration = "") {
    int64_t id = 0;
    MustOk(db_.Transact([&](store::Session& s) -> Status {
      ATELIER_ASSIGN_OR_RETURN(auto rows,
                               s.Query("INSERT INTO stock_units (product_id, location_id, configuration, "
                                       "quantity, updated_at) VALUES (?, ?, ?, ?, 0) RETURNING id",
                                       {product_id, location_id, configuration, quantity}));
      id = rows.at(0).Int(0);
      return Ok();
    }));
    data_.stock.push_back(catalog::StockUnit{id, product_id, location_id, configuration, quantity});
    return id;
  }

  int64_t Quantity(int64_t stock_unit_id) {
    return Must(db_.Query("SELECT quantity FROM stock_units WHERE id = ?", {stock_unit_id})).at(0).Int(0);
  }

  int64_t Count(const std::string& table) {
    return Must(db_.Query("SELECT COUNT(*) FROM " + table)).at(0).Int(0);
  }

  // The current catalog as a snapshot (a CatalogSource).
  std::shared_ptr<const catalog::CatalogSnapshot> Snapshot() {
    std::lock_guard lock(mu_);
    if (!snapshot_ || snapshot_products_ != data_.products.size()) {
      snapshot_ = catalog::CatalogSnapshot::Build(data_, 1);
      snapshot_products_ = data_.products.size();
    }
    return snapshot_;
  }

  void SetSnapshotPrice(const std::string& sku, int64_t price) {
    std::lock_guard lock(mu_);
    for (auto& p : data_.products) {
      if (p.sku == sku) p.price.amount = price;
    }
    snapshot_ = catalog::CatalogSnapshot::Build(data_, 2);
  }

 private:
  store::Database& db_;
  int64_t category_id_ = 0;
  catalog::CatalogData data_;
  std::mutex mu_;
  std::shared_ptr<const catalog::CatalogSnapshot> snapshot_;  // guarded by mu_
  size_t snapshot_products_ = 0;                              // guarded by mu_
};

// A configurator stand-in: options with labelled values and price deltas;
// a configuration is valid when it picks a known value for every option
// (optional options may be left out, meaning "none"), and satisfies the
// rule list (pairs of values that exclude each other). Personalization
// field "engraving" takes up to 20 characters at a fixed price.
class FakePricer : public ConfigurationPricer {
 public:
  struct Value {
    std::string id;
    std::string label;
    int64_t delta = 0;
    bool absent = false;
  };
  struct Option {
    std::string id;
    std::string label;
    bool optional = false;
    std::vector<Value> values;
  };
  struct Model {
    std::string id;
    int version = 1;
    std::string name;
    int64_t base_price = 0;
    std::string currency = "USD";
    int lead_time_days = 0;
    std::string product_line;
    std::vector<std::string> plants;
    std::vector<Option> options;
    // (option, value) pairs that cannot be chosen together.
    std::vector<std::pair<std::pair<std::string, std::string>, std::pair<std::string, std::string>>> excludes;
    int64_t engraving_price = 0;
  };

  void AddModel(Model m) { models_[m.id] = std::move(m); }

  // The demo SUV: colour, trim, tow package (optional), built at two plants.
  static Model Suv() {
    Model m;
    m.id = "suv";
    m.version = 3;
    m.name = "Atelier SUV";
    m.base_price = 3'000'000;
    m.lead_time_days = 10;
    m.product_line = "suv";
    m.plants = {"PLANT-A", "PLANT-B"};
    m.options = {
        {"colour", "Colour", false, {{"red", "Red", 50'000}, {"grey", "Grey", 0}, {"blue", "Blue", 20'000}}},
        {"trim", "Trim", false, {{"base", "Base", 0}, {"sport", "Sport", 300'000}}},
        {"tow", "Tow package", true, {{"yes", "Included", 120'000}, {"none", "None", 0, true}}},
    };
    m.excludes = {{{"trim", "base"}, {"tow", "yes"}}};
    m.engraving_price = 5'000;
    return m;
  }

  Result<PricedConfiguration> Price(std::string_view model_id, int model_version,
                                    const Selections& selections,
                                    const Personalization& personalization) override {
    ++price_calls_;
    auto it = models_.find(std::string(model_id));
    if (it == models_.end() || it->second.version != model_version) {
      return Error::NotFound(
          "no model '" + std::string(model_id) + "' version " + std::to_string(model_version), "model_id");
    }
    const Model& m = it->second;
    int64_t price = m.base_price;
    for (const auto& [key, value] : selections) {
      bool known = false;
      for (const auto& o : m.options) known = known || o.id == key;
      if (!known) return Error::InvalidArgument("unknown option '" + key + "'", "selections." + key);
    }
    for (const auto& o : m.options) {
      auto sel = selections.find(o.id);
      if (sel == selections.end()) {
        if (o.optional) continue;
        return Error::InvalidArgument("choose a " + o.label, "selections." + o.id);
      }
      const Value* v = nullptr;
      for (const auto& cand : o.values) {
        if (cand.id == sel->second) v = &cand;
      }
      if (v == nullptr) {
        return Error::InvalidArgument("'" + sel->second + "' is not a " + o.label, "selections." + o.id);
      }
      price += v->delta;
    }
    for (const auto& [a, b] : m.excludes) {
      auto sa = selections.find(a.first);
      auto sb = selections.find(b.first);
      if (sa != selections.end() && sb != selections.end() && sa->second == a.second &&
          sb->second == b.second) {
        return Error::InvalidArgument(a.first + " " + a.second + " excludes " + b.first + " " + b.second,
                                      "selections." + b.first);
      }
    }
    for (const auto& [field, text] : personalization) {
      if (field != "engraving") {
        return Error::InvalidArgument("unknown personalization field '" + field + "'",
                                      "personalization." + field);
      }
      if (text.size() > 20) {
        return Error::InvalidArgument("engraving is longer than 20 characters", "personalization.engraving");
      }
      if (!text.empty()) price += m.engraving_price;
    }
    return PricedConfiguration{Money{price, m.currency}, m.lead_time_days, m.product_line, m.plants};
  }

  Result<ModelDescription> Describe(std::string_view model_id, int model_version) override {
    auto it = models_.find(std::string(model_id));
    if (it == models_.end() || it->second.version != model_version) {
      return Error::NotFound("no model '" + std::string(model_id) + "'", "model_id");
    }
    ModelDescription d{it->second.id, it->second.version, it->second.name, {}};
    for (const auto& o : it->second.options) {
      OptionDescription od{o.id, o.label, {}};
      for (const auto& v : o.values) od.values.push_back({v.id, v.label, v.absent});
      d.options.push_back(std::move(od));
    }
    return d;
  }

  int64_t price_calls() const { return price_calls_.load(); }

 private:
  std::map<std::string, Model> models_;  // set up before concurrent use
  std::atomic<int64_t> price_calls_{0};
};

// A red sport SUV with the tow package: valid, 3,470,000 minor units.
inline ConfiguredItem RedSuv() {
  return ConfiguredItem{"suv", 3, {{"colour", "red"}, {"trim", "sport"}, {"tow", "yes"}}, {}, 0};
}

// The whole buying flow over one in-memory store, with the demo SUV model,
// a fixed clock, transit default 7 days and a 60-day quote horizon. Test
// fixtures inherit it.
class BuyingWorld {
 protected:
  BuyingWorld() { pricer.AddModel(FakePricer::Suv()); }

  int64_t RegisterShopper(const std::string& email, const std::string& region = "us-east") {
    return Must(accounts.Register({email, "correct horse battery", Role::kShopper, region})).id;
  }

  FakeClock clock;
  std::unique_ptr<store::Database> db = OpenMemoryDb();
  Shop shop{*db};
  FakePricer pricer;
  Accounts accounts{*db, FastAccounts(clock.AsClock())};
  Carts carts{*db, [this] { return shop.Snapshot(); }, pricer, CartsOptions{99, 100, clock.AsClock()}};
  Scheduler scheduler{*db, ScheduleOptions{60, 7}};
  Checkout checkout{*db, pricer, scheduler, CheckoutOptions{clock.AsClock()}};
  OrderBook book{*db, scheduler, OrderBookOptions{100, clock.AsClock()}};
};

}  // namespace atelier::orders::testing
