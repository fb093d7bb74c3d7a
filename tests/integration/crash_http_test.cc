// Crash safety of the real server: `atelier serve --demo` on a small demo
// shop takes mixed writes over HTTP (shoppers' cart adds and checkouts with
// Idempotency-Key, some built to order; event batches; product model
// uploads and stock updates with a merchant key) from several threads and is killed with
// SIGKILL at a seeded-random moment, then restarted on the same data
// directory, 20 times. After each restart:
//   - the server starts cleanly (prints its URL, answers /healthz) and does
//     not seed the demo over the existing shop;
//   - every acknowledged (2xx) write is there: orders with their lines and
//     totals (in the store and over GET /api/v1/orders/{id}), event ids,
//     model versions (and the newest one is served), stock updates (in the
//     store and over GET /api/v1/admin/stock);
//   - nothing is half-written: every order has lines, a payment of its total
//     and a "placed" event; stock taken and plant slots booked equal what the
//     orders hold, unit for unit; refused checkouts left no order;
//   - a write in flight at the kill is either all there or not at all (an
//     event batch, a model version, a checkout), and retrying an in-flight
//     checkout with its Idempotency-Key returns the order it placed, or
//     places exactly one.
// Every client shares 127.0.0.1, so the server runs with --no-rate-limits.
// The seed is printed; ATELIER_CRASH_SEED=<n> replays a run's kill moments.

#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "atelier/demo/demo_shop.h"
#include "atelier/store/database.h"
#include "http_client.h"
#include "shop_api.h"

namespace atelier {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using testing::Headers;
using testing::HttpClient;
using testing::HttpReply;
using testing::Shopper;

constexpr int kKills = 20;
constexpr int kShoppers = 3;
constexpr int kEventsPerBatch = 10;
constexpr int64_t kStockPerUnit = 1'000'000;
constexpr uint64_t kDefaultSeed = 20261201;
constexpr char kModelId[] = "crash-mug";

// A demo shop small enough that a restart (load, index, compile) takes
// about a second.
demo::DemoOptions SmallDemo() {
  demo::DemoOptions options;
  options.product_count = 300;
  options.user_count = 60;
  options.history_days = 30;
  options.suv_units = 6;
  return options;
}

std::string ModelText(int version) {
  return "model: " + std::string(kModelId) + "\nname: Crash mug " + std::to_string(version) +
         "\nversion: " + std::to_string(version) +
         "\nbase_price: 12\noptions:\n  - id: size\n    values: [small, large]\n"
         "  - id: colour\n    values: [white, black, red]\nrules:\n  - id: red-large\n"
         "    rule: colour = red requires size = large\n";
}

// ---- the server process ----------------------------------------------------

// `atelier serve --demo --port 0` as a child process; stdout is read for its
// URL line, stderr goes to a file per start.
class ServerProcess {
 public:
  ~ServerProcess() { Kill(); }

  // Starts the server and waits (at most `limit`) for its URL line.
  // Returns "" on success, else what went wrong.
  std::string Start(const std::string& data_dir, const std::string& stderr_path,
                    std::chrono::seconds limit = std::chrono::seconds(180)) {
    int out[2];
    if (pipe(out) != 0) return "pipe failed";
    const pid_t pid = fork();
    if (pid < 0) return "fork failed";
    if (pid == 0) {
      dup2(out[1], STDOUT_FILENO);
      const int err = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (err >= 0) dup2(err, STDERR_FILENO);
      close(out[0]);
      close(out[1]);
      const std::string web_dir = data_dir + "/no-web";
      execl(ATELIER_BIN, ATELIER_BIN, "serve", "--demo", "--port", "0", "--data-dir", data_dir.c_str(),
            "--web-dir", web_dir.c_str(), "--threads", "4", "--no-access-log", "--no-rate-limits",
            static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    pid_ = pid;
    stdout_fd_ = out[0];
    std::string line;
    const auto until = std::chrono::steady_clock::now() + limit;
    while (line.find('\n') == std::string::npos) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now())
              .count();
      if (left <= 0) return "no URL line within " + std::to_string(limit.count()) + " s";
      pollfd p{stdout_fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left)) <= 0) continue;
      char buf[256];
      const ssize_t n = read(stdout_fd_, buf, sizeof buf);
      if (n <= 0) return "the server exited before printing its URL (stdout so far: \"" + line + "\")";
      line.append(buf, static_cast<size_t>(n));
    }
    const std::string prefix = "Atelier is running at http://127.0.0.1:";
    if (line.rfind(prefix, 0) != 0) return "unexpected stdout line: " + line;
    port_ = static_cast<uint16_t>(std::stoi(line.substr(prefix.size())));
    return "";
  }

  uint16_t port() const { return port_; }

  void Kill() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    Reset();
  }

  // SIGTERM; the exit status, or -1 when it did not exit normally.
  int Stop() {
    if (pid_ <= 0) return -1;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    Reset();
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  void Reset() {
    pid_ = -1;
    if (stdout_fd_ >= 0) close(stdout_fd_);
    stdout_fd_ = -1;
  }

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  uint16_t port_ = 0;
};

std::string ReadFile(const std::string& path) {
  std::string text;
  if (FILE* f = std::fopen(path.c_str(), "rb")) {
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
    std::fclose(f);
  }
  return text;
}

// Runs the atelier binary with `args`; its stdout, or nullopt when it failed.
std::optional<std::string> RunAtelier(const std::string& args) {
  FILE* p = popen((std::string(ATELIER_BIN) + " " + args).c_str(), "r");
  if (p == nullptr) return std::nullopt;
  std::string out;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  const int status = pclose(p);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
  return out;
}

// ---- what the clients were told ----------------------------------------------

struct OrderLineSeen {
  std::string sku;
  std::string kind;
  int64_t quantity = 0;
  int64_t unit_amount = 0;
};

struct OrderSeen {
  int shopper = 0;
  std::string key;
  int64_t total = 0;
  std::string currency;
  std::vector<OrderLineSeen> lines;
};

struct PendingCheckout {
  int shopper = 0;
  std::string key;
};

// Every write the clients sent, by outcome. Guarded by mu.
struct Ledger {
  std::mutex mu;
  std::map<int64_t, OrderSeen> orders;    // acknowledged, by order id
  std::vector<int64_t> orders_unchecked;  // acknowledged, not yet read back over HTTP
  std::vector<PendingCheckout> checkouts_in_flight;
  std::vector<PendingCheckout> checkouts_refused;  // answered 409: must have left nothing
  std::set<std::string> events;                    // acknowledged event ids
  std::vector<std::vector<std::string>> event_batches_in_flight;
  std::map<int, std::string> models;  // acknowledged version -> text
  std::map<int, std::string> models_in_flight;
  int next_model_version = 1;
  std::map<int64_t, int64_t> stock;            // stock unit -> acknowledged quantity
  std::map<int64_t, int64_t> stock_in_flight;  // stock unit -> its quantity if the write in flight landed
  int64_t stock_updates = 0;                   // acknowledged
  int64_t requests = 0;
};

std::optional<json::value> ParseJson(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return std::nullopt;
  return v;
}

std::optional<OrderSeen> OrderFromJson(const std::string& body, int shopper, const std::string& key) {
  auto v = ParseJson(body);
  if (!v || !v->is_object()) return std::nullopt;
  OrderSeen o;
  o.shopper = shopper;
  o.key = key;
  const json::object& order = v->as_object();
  o.total = order.at("total").at("amount").to_number<int64_t>();
  o.currency = std::string(order.at("total").at("currency").as_string());
  for (const json::value& l : order.at("lines").as_array()) {
    OrderLineSeen line;
    line.sku = std::string(l.at("sku").as_string());
    line.kind = std::string(l.at("kind").as_string());
    line.quantity = l.at("quantity").to_number<int64_t>();
    line.unit_amount = l.at("unit_price").at("amount").to_number<int64_t>();
    o.lines.push_back(std::move(line));
  }
  return o;
}

int64_t OrderIdOf(const std::string& body) {
  auto v = ParseJson(body);
  return v && v->is_object() && v->as_object().contains("id") ? v->at("id").to_number<int64_t>() : 0;
}

// ---- the test ------------------------------------------------------------------

class CrashHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/atelier-crash-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    db_path_ = dir_ + "/atelier.db";
    const char* seed = std::getenv("ATELIER_CRASH_SEED");
    seed_ = seed != nullptr ? std::strtoull(seed, nullptr, 10) : kDefaultSeed;
    rng_.seed(seed_);
    std::printf("crash test seed %llu (ATELIER_CRASH_SEED=%llu replays it); data in %s\n",
                static_cast<unsigned long long>(seed_), static_cast<unsigned long long>(seed_), dir_.c_str());
  }

  void TearDown() override {
    server_.Kill();
    std::error_code ec;
    if (!HasFailure()) fs::remove_all(dir_, ec);
  }

  // The small demo shop, seeded once through the library; the standard
  // products the shoppers buy get ample stock so that checkouts succeed.
  void SeedShop() {
    auto db = store::OpenDatabase("sqlite://" + db_path_);
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    auto seeded = demo::SeedDemoShop(**db, SmallDemo());
    ASSERT_TRUE(seeded.ok()) << seeded.error().ToString();
    auto rows = (*db)->Query(
        "SELECT p.sku FROM products p JOIN stock_units s ON s.product_id = p.id "
        "JOIN locations l ON l.id = s.location_id "
        "WHERE (p.model_id IS NULL OR p.model_id = '') AND l.type = 'distribution_centre' "
        "GROUP BY p.sku ORDER BY p.sku LIMIT 6");
    ASSERT_TRUE(rows.ok()) << rows.error().ToString();
    ASSERT_EQ(rows->size(), 6u);
    for (const store::Row& r : *rows) {
      skus_.push_back(r.Text(0));
      auto bumped = (*db)->Exec(
          "UPDATE stock_units SET quantity = ? WHERE configuration = '' AND product_id = "
          "(SELECT id FROM products WHERE sku = ?)",
          {kStockPerUnit, r.Text(0)});
      ASSERT_TRUE(bumped.ok()) << bumped.error().ToString();
    }
    // Stock units only the merchant's stock writer changes (no shopper buys
    // these products), so each one's quantity is known exactly.
    auto units = (*db)->Query(
        "SELECT s.id, p.sku, l.code, s.quantity FROM stock_units s JOIN products p ON p.id = s.product_id "
        "JOIN locations l ON l.id = s.location_id "
        "WHERE (p.model_id IS NULL OR p.model_id = '') AND s.configuration = '' AND l.type = 'distribution_centre' "
        "ORDER BY p.sku DESC, s.id LIMIT 3");
    ASSERT_TRUE(units.ok()) << units.error().ToString();
    ASSERT_EQ(units->size(), 3u);
    for (const store::Row& r : *units) {
      ASSERT_EQ(std::count(skus_.begin(), skus_.end(), r.Text(1)), 0) << r.Text(1) << " is also sold";
      stock_targets_.push_back({r.Int(0), r.Text(1), r.Text(2)});
      ledger_.stock[r.Int(0)] = r.Int(3);
    }
  }

  // Facts of the store before any load, for the invariants.
  void RecordInitialState() {
    SQLite::Database db(db_path_, SQLite::OPEN_READONLY);
    SQLite::Statement stock(db, "SELECT id, quantity FROM stock_units");
    while (stock.executeStep()) initial_stock_[stock.getColumn(0).getInt64()] = stock.getColumn(1).getInt64();
    SQLite::Statement slots(db, "SELECT plant_id, product_line, day, booked FROM plant_slots");
    while (slots.executeStep()) {
      initial_slots_[{slots.getColumn(0).getInt64(), slots.getColumn(1).getString(),
                      slots.getColumn(2).getInt64()}] = slots.getColumn(3).getInt64();
    }
    SQLite::Statement products(db, "SELECT COUNT(*) FROM products");
    products.executeStep();
    products_ = products.getColumn(0).getInt64();
  }

  // Starts the server; fails the test when it does not start cleanly.
  void StartServer(int start) {
    const std::string err_path = dir_ + "/serve-" + std::to_string(start) + ".stderr";
    const std::string problem = server_.Start(dir_, err_path);
    ASSERT_EQ(problem, "") << "start " << start << "; stderr:\n" << ReadFile(err_path);
    HttpClient client(server_.port());
    ASSERT_TRUE(client.Connect());
    auto health = client.Get("/healthz");
    ASSERT_TRUE(health.has_value());
    ASSERT_EQ(health->status, 200) << health->body;
    const std::string err = ReadFile(err_path);
    EXPECT_NE(err.find("not seeding"), std::string::npos) << "start " << start << " seeded the demo again:\n"
                                                          << err;
    SQLite::Database db(db_path_, SQLite::OPEN_READONLY);
    EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM products").getInt64(), products_) << "start " << start;
  }

  // Shopper `n` of this run; the same email on every run.
  static Shopper RegisterShopper(HttpClient& client, int n) {
    return testing::RegisterShopperWithEmail(client, "crash-" + std::to_string(n) + "@example.com");
  }

  // The headers of a request as `s`; writes are typed as JSON.
  static Headers As(const Shopper& s, bool write) {
    Headers h = testing::SessionHeaders(s, write ? "POST" : "GET");
    if (write) h.emplace_back("Content-Type", "application/json");
    return h;
  }

  // A complete SUV configuration without a stock unit: built to order.
  void ChooseSuvConfiguration() {
    HttpClient client(server_.port());
    auto r = client.Send("POST", "/api/v1/models/suv/configure", R"({"selections":{"colour":"red"}})",
                         {{"Content-Type", "application/json"}});
    ASSERT_TRUE(r.has_value());
    ASSERT_EQ(r->status, 200) << r->body;
    auto v = ParseJson(r->body);
    ASSERT_TRUE(v.has_value());
    json::object item;
    item["model_id"] = "suv";
    item["selections"] = v->at("cheapest_completion");
    item["quantity"] = 1;
    suv_item_ = json::serialize(item);
  }

  // Empties a shopper's cart (after a refused checkout).
  void ClearCart(HttpClient& client, const Shopper& s) {
    auto cart = client.Send("GET", "/api/v1/cart", {}, As(s, false));
    if (!cart || cart->status != 200) return;
    auto v = ParseJson(cart->body);
    if (!v) return;
    for (const json::value& item : v->at("items").as_array()) {
      (void)client.Send("DELETE", "/api/v1/cart/items/" + std::to_string(item.at("id").to_number<int64_t>()),
                        {}, As(s, true));
    }
  }

  // ---- writers: each stops at its first request without a reply (the kill) --

  // True when the connection is (still) up; never waits long for a dead server.
  static bool Usable(HttpClient& client) {
    return client.connected() || client.Connect(std::chrono::milliseconds(200));
  }

  void CheckoutWriter(int shopper, int cycle, const std::atomic<bool>& stop) {
    HttpClient client(server_.port());
    const Shopper& s = shoppers_[static_cast<size_t>(shopper)];
    std::mt19937_64 rng(seed_ * 31 + static_cast<uint64_t>(cycle * kShoppers + shopper));
    for (int i = 0; !stop && Usable(client); ++i) {
      const bool built_to_order = shopper == 0 && i % 4 == 3;
      const std::string item = built_to_order ? suv_item_
                                              : R"({"sku":")" + skus_[rng() % skus_.size()] +
                                                    R"(","quantity":)" + std::to_string(1 + rng() % 3) + "}";
      auto added = client.Send("POST", "/api/v1/cart/items", item, As(s, true));
      if (!added) return;
      if (added->status != 201) {
        ADD_FAILURE() << "cart add answered " << added->status << ": " << added->body;
        return;
      }
      const std::string key =
          "crash-" + std::to_string(cycle) + "-" + std::to_string(shopper) + "-" + std::to_string(i);
      Headers headers = As(s, true);
      headers.emplace_back("Idempotency-Key", key);
      {
        std::lock_guard lock(ledger_.mu);
        ledger_.requests += 2;
      }
      auto placed = client.Send("POST", "/api/v1/checkout", R"({"shipping":{"region":"us-east"}})", headers);
      std::unique_lock lock(ledger_.mu);
      if (!placed) {
        ledger_.checkouts_in_flight.push_back({shopper, key});
        return;
      }
      if (placed->status == 201) {
        auto order = OrderFromJson(placed->body, shopper, key);
        const int64_t id = OrderIdOf(placed->body);
        if (!order || id <= 0) {
          ADD_FAILURE() << "checkout answered 201 with " << placed->body;
          return;
        }
        ledger_.orders[id] = std::move(*order);
        ledger_.orders_unchecked.push_back(id);
      } else if (placed->status == 409) {
        // Out of stock or no plant slot: refused whole; the cart stays.
        ledger_.checkouts_refused.push_back({shopper, key});
        lock.unlock();
        ClearCart(client, s);
      } else {
        ADD_FAILURE() << "checkout answered " << placed->status << ": " << placed->body;
        return;
      }
    }
  }

  void EventWriter(int cycle, const std::atomic<bool>& stop) {
    HttpClient client(server_.port());
    for (int batch = 0; !stop && Usable(client); ++batch) {
      std::vector<std::string> ids;
      json::array events;
      for (int k = 0; k < kEventsPerBatch; ++k) {
        ids.push_back("crash-" + std::to_string(cycle) + "-" + std::to_string(batch) + "-" +
                      std::to_string(k));
        json::object e;
        e["event_id"] = ids.back();
        e["type"] = "view";
        e["user_id"] = "crash-user-" + std::to_string(k);
        e["item_id"] = skus_[static_cast<size_t>(batch + k) % skus_.size()];
        events.push_back(std::move(e));
      }
      auto r = client.Send("POST", "/api/v1/events", json::serialize(events),
                           {{"Content-Type", "application/json"}});
      std::lock_guard lock(ledger_.mu);
      ++ledger_.requests;
      if (!r) {
        ledger_.event_batches_in_flight.push_back(std::move(ids));
        return;
      }
      auto v = ParseJson(r->body);
      if (r->status != 200 || !v || v->at("accepted").to_number<int64_t>() != kEventsPerBatch) {
        ADD_FAILURE() << "events answered " << r->status << ": " << r->body;
        return;
      }
      ledger_.events.insert(ids.begin(), ids.end());
    }
  }

  void ModelWriter(const std::atomic<bool>& stop) {
    HttpClient client(server_.port());
    while (!stop && Usable(client)) {
      int version = 0;
      {
        std::lock_guard lock(ledger_.mu);
        version = ledger_.next_model_version++;
        ++ledger_.requests;
      }
      const std::string text = ModelText(version);
      auto r = client.Send("POST", "/api/v1/admin/models", text,
                           {{"Authorization", "Bearer " + api_key_}, {"Content-Type", "text/yaml"}});
      std::lock_guard lock(ledger_.mu);
      if (!r) {
        ledger_.models_in_flight[version] = text;
        return;
      }
      if (r->status != 201) {
        ADD_FAILURE() << "model upload v" << version << " answered " << r->status << ": " << r->body;
        return;
      }
      ledger_.models[version] = text;
    }
  }

  // Sets the merchant's stock units to a random quantity, or moves them by
  // a delta that keeps them at 0 or more; alternately by the unit's id and
  // by SKU and location. Each answer must be the unit as written.
  void StockWriter(int cycle, const std::atomic<bool>& stop) {
    HttpClient client(server_.port());
    std::mt19937_64 rng(seed_ * 17 + static_cast<uint64_t>(cycle));
    for (int i = 0; !stop && Usable(client); ++i) {
      const StockTarget& target = stock_targets_[rng() % stock_targets_.size()];
      int64_t expected = 0;
      json::object body;
      {
        std::lock_guard lock(ledger_.mu);
        expected = ledger_.stock.at(target.id);
        ++ledger_.requests;
      }
      if (i % 2 == 0) {
        body["stock_unit_id"] = target.id;
      } else {
        body["sku"] = target.sku;
        body["location"] = target.location;
      }
      if (rng() % 2 == 0) {
        expected = static_cast<int64_t>(rng() % 1000);
        body["units"] = expected;
      } else {
        const int64_t delta = static_cast<int64_t>(rng() % 41) - 20;
        const int64_t applied = expected + delta < 0 ? -expected : delta;
        if (applied == 0) continue;
        body["delta"] = applied;
        expected += applied;
      }
      auto r = client.Send("POST", "/api/v1/admin/stock", json::serialize(body),
                           {{"Authorization", "Bearer " + api_key_}, {"Content-Type", "application/json"}});
      std::lock_guard lock(ledger_.mu);
      if (!r) {
        ledger_.stock_in_flight[target.id] = expected;
        return;
      }
      auto v = ParseJson(r->body);
      if (r->status != 200 || !v || v->at("quantity").to_number<int64_t>() != expected) {
        ADD_FAILURE() << "stock update " << json::serialize(body) << " (expected " << expected << ") answered "
                      << r->status << ": " << r->body;
        return;
      }
      ledger_.stock[target.id] = expected;
      ++ledger_.stock_updates;
    }
  }

  // Load for a random 0.2-1.5 s, then SIGKILL.
  void LoadAndKill(int cycle) {
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int s = 0; s < kShoppers; ++s)
      writers.emplace_back([this, s, cycle, &stop] { CheckoutWriter(s, cycle, stop); });
    writers.emplace_back([this, cycle, &stop] { EventWriter(cycle, stop); });
    writers.emplace_back([this, &stop] { ModelWriter(stop); });
    writers.emplace_back([this, cycle, &stop] { StockWriter(cycle, stop); });
    const int load_ms = std::uniform_int_distribution<int>(200, 1500)(rng_);
    // The load phase itself: how long the writers run before the kill.
    std::this_thread::sleep_for(std::chrono::milliseconds(load_ms));
    server_.Kill();
    stop = true;
    for (auto& t : writers) t.join();
  }

  // ---- checks after a restart ------------------------------------------------

  void VerifyStore(int start) {
    SCOPED_TRACE("after restart " + std::to_string(start));
    SQLite::Database db(db_path_, SQLite::OPEN_READONLY);
    std::lock_guard lock(ledger_.mu);

    // Every acknowledged order, with its lines and totals.
    SQLite::Statement order(
        db, "SELECT account_id, idempotency_key, total_amount, currency FROM orders WHERE id = ?");
    SQLite::Statement lines(
        db, "SELECT sku, kind, quantity, unit_amount FROM order_lines WHERE order_id = ? ORDER BY line_no");
    for (const auto& [id, seen] : ledger_.orders) {
      order.reset();
      order.bind(1, static_cast<int64_t>(id));
      ASSERT_TRUE(order.executeStep()) << "acknowledged order " << id << " (key " << seen.key << ") is lost";
      EXPECT_EQ(order.getColumn(0).getInt64(), shoppers_[static_cast<size_t>(seen.shopper)].id);
      EXPECT_EQ(order.getColumn(1).getString(), seen.key);
      EXPECT_EQ(order.getColumn(2).getInt64(), seen.total) << "order " << id;
      EXPECT_EQ(order.getColumn(3).getString(), seen.currency) << "order " << id;
      lines.reset();
      lines.bind(1, static_cast<int64_t>(id));
      size_t n = 0;
      while (lines.executeStep()) {
        ASSERT_LT(n, seen.lines.size()) << "order " << id << " has more lines than acknowledged";
        const OrderLineSeen& l = seen.lines[n++];
        EXPECT_EQ(lines.getColumn(0).getString(), l.sku) << "order " << id;
        EXPECT_EQ(lines.getColumn(1).getString(), l.kind) << "order " << id;
        EXPECT_EQ(lines.getColumn(2).getInt64(), l.quantity) << "order " << id;
        EXPECT_EQ(lines.getColumn(3).getInt64(), l.unit_amount) << "order " << id;
      }
      EXPECT_EQ(n, seen.lines.size()) << "order " << id << " lost lines";
    }

    // No half-written order anywhere.
    auto count = [&db](const char* sql) { return db.execAndGet(sql).getInt64(); };
    EXPECT_EQ(count("SELECT COUNT(*) FROM orders o WHERE NOT EXISTS "
                    "(SELECT 1 FROM order_lines l WHERE l.order_id = o.id)"),
              0)
        << "orders without lines";
    EXPECT_EQ(count("SELECT COUNT(*) FROM orders o WHERE o.total_amount <> "
                    "(SELECT SUM(l.quantity * l.unit_amount) FROM order_lines l WHERE l.order_id = o.id)"),
              0)
        << "orders whose total is not the sum of their lines";
    EXPECT_EQ(count("SELECT COUNT(*) FROM orders o WHERE NOT EXISTS "
                    "(SELECT 1 FROM payments p WHERE p.order_id = o.id AND p.amount = o.total_amount)"),
              0)
        << "orders without a payment of their total";
    EXPECT_EQ(count("SELECT COUNT(*) FROM orders o WHERE NOT EXISTS "
                    "(SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.status = 'placed')"),
              0)
        << "orders without their placed event";
    EXPECT_EQ(count("SELECT COUNT(*) FROM order_lines l WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id "
                    "= l.order_id)"),
              0)
        << "order lines without an order";
    EXPECT_EQ(count("SELECT COUNT(*) FROM stock_units WHERE quantity < 0"), 0);

    // Stock taken == units in stock-fulfilled order lines, unit by unit.
    std::map<int64_t, int64_t> sold;
    SQLite::Statement sold_rows(db,
                                "SELECT stock_unit_id, SUM(quantity) FROM order_lines "
                                "WHERE source = 'stock' GROUP BY stock_unit_id");
    while (sold_rows.executeStep())
      sold[sold_rows.getColumn(0).getInt64()] = sold_rows.getColumn(1).getInt64();
    SQLite::Statement stock(db, "SELECT id, quantity FROM stock_units");
    int64_t units_checked = 0;
    while (stock.executeStep()) {
      const int64_t unit = stock.getColumn(0).getInt64();
      const int64_t now = stock.getColumn(1).getInt64();
      auto initial = initial_stock_.find(unit);
      ASSERT_NE(initial, initial_stock_.end()) << "stock unit " << unit << " appeared";
      ++units_checked;
      if (auto written = ledger_.stock.find(unit); written != ledger_.stock.end()) {
        // A merchant's unit: the last acknowledged update, or the one in
        // flight at the kill, whole.
        EXPECT_EQ(sold[unit], 0) << "stock unit " << unit << " was sold";
        auto in_flight = ledger_.stock_in_flight.find(unit);
        if (in_flight != ledger_.stock_in_flight.end() && now == in_flight->second) written->second = now;
        EXPECT_EQ(now, written->second) << "stock unit " << unit << ": the acknowledged update is lost";
        continue;
      }
      EXPECT_EQ(initial->second - now, sold[unit]) << "stock unit " << unit << ": taken vs ordered";
    }
    ledger_.stock_in_flight.clear();
    EXPECT_EQ(units_checked, static_cast<int64_t>(initial_stock_.size()));

    // Plant slots booked == units in build-to-order lines, slot by slot.
    std::map<std::tuple<int64_t, std::string, int64_t>, int64_t> built;
    SQLite::Statement built_rows(
        db,
        "SELECT location_id, product_line, production_day, SUM(quantity) FROM order_lines "
        "WHERE source = 'build_to_order' GROUP BY location_id, product_line, production_day");
    while (built_rows.executeStep()) {
      built[{built_rows.getColumn(0).getInt64(), built_rows.getColumn(1).getString(),
             built_rows.getColumn(2).getInt64()}] = built_rows.getColumn(3).getInt64();
    }
    SQLite::Statement slots(db, "SELECT plant_id, product_line, day, booked FROM plant_slots");
    std::set<std::tuple<int64_t, std::string, int64_t>> seen_slots;
    while (slots.executeStep()) {
      const std::tuple<int64_t, std::string, int64_t> slot{
          slots.getColumn(0).getInt64(), slots.getColumn(1).getString(), slots.getColumn(2).getInt64()};
      seen_slots.insert(slot);
      auto initial = initial_slots_.find(slot);
      const int64_t before = initial == initial_slots_.end() ? 0 : initial->second;
      EXPECT_EQ(slots.getColumn(3).getInt64() - before, built[slot])
          << "plant slot " << std::get<0>(slot) << "/" << std::get<1>(slot) << "/" << std::get<2>(slot);
    }
    for (const auto& [slot, units] : built) {
      EXPECT_TRUE(seen_slots.contains(slot)) << units << " units built in an unbooked slot";
    }

    // Refused checkouts left nothing; in-flight ones are whole or absent.
    SQLite::Statement by_key(db, "SELECT COUNT(*) FROM orders WHERE account_id = ? AND idempotency_key = ?");
    auto orders_with_key = [&](const PendingCheckout& c) {
      by_key.reset();
      by_key.bind(1, static_cast<int64_t>(shoppers_[static_cast<size_t>(c.shopper)].id));
      by_key.bind(2, c.key);
      by_key.executeStep();
      return by_key.getColumn(0).getInt64();
    };
    for (const PendingCheckout& c : ledger_.checkouts_refused) {
      EXPECT_EQ(orders_with_key(c), 0) << "refused checkout " << c.key << " placed an order";
    }
    for (const PendingCheckout& c : ledger_.checkouts_in_flight) EXPECT_LE(orders_with_key(c), 1) << c.key;

    // Events: every acknowledged id; in-flight batches all or nothing;
    // nothing that was never sent.
    std::set<std::string> stored;
    SQLite::Statement events(db, "SELECT event_id FROM events WHERE event_id LIKE 'crash-%'");
    while (events.executeStep()) stored.insert(events.getColumn(0).getString());
    for (const std::string& id : ledger_.events) {
      ASSERT_TRUE(stored.contains(id)) << "acknowledged event " << id << " is lost";
    }
    size_t expected_events = ledger_.events.size();
    for (const auto& batch : ledger_.event_batches_in_flight) {
      size_t present = 0;
      for (const std::string& id : batch) present += stored.contains(id) ? 1 : 0;
      EXPECT_TRUE(present == 0 || present == batch.size())
          << "an in-flight batch of " << batch.size() << " events is stored in part: " << present;
      expected_events += present;
    }
    EXPECT_EQ(stored.size(), expected_events) << "events stored that no batch sent";

    // Model versions: every acknowledged one with its exact text; in-flight
    // ones whole or absent; the newest stored one is served.
    std::map<int, std::string> models;
    SQLite::Statement model_rows(db, "SELECT version, source FROM product_models WHERE model_id = ?");
    model_rows.bind(1, kModelId);
    while (model_rows.executeStep())
      models[model_rows.getColumn(0).getInt()] = model_rows.getColumn(1).getString();
    for (const auto& [version, text] : ledger_.models) {
      auto it = models.find(version);
      ASSERT_NE(it, models.end()) << "acknowledged model version " << version << " is lost";
      EXPECT_EQ(it->second, text) << "model version " << version;
    }
    for (const auto& [version, text] : models) {
      if (ledger_.models.contains(version)) continue;
      auto sent = ledger_.models_in_flight.find(version);
      ASSERT_NE(sent, ledger_.models_in_flight.end()) << "model version " << version << " was never sent";
      EXPECT_EQ(text, sent->second) << "in-flight model version " << version << " stored in part";
    }
    if (!models.empty()) {
      HttpClient client(server_.port());
      auto served = client.Get("/api/v1/models/" + std::string(kModelId));
      ASSERT_TRUE(served.has_value());
      ASSERT_EQ(served->status, 200) << served->body;
      auto v = ParseJson(served->body);
      ASSERT_TRUE(v.has_value());
      EXPECT_EQ(v->at("version").to_number<int64_t>(), models.rbegin()->first)
          << "the newest version is not served";
    }
  }

  // The merchant's stock units as the restarted server lists them.
  void VerifyStockOverHttp() {
    HttpClient client(server_.port());
    std::lock_guard lock(ledger_.mu);
    for (const StockTarget& target : stock_targets_) {
      auto r = client.Send("GET", "/api/v1/admin/stock?q=" + target.sku + "&location=" + target.location, {},
                           {{"Authorization", "Bearer " + api_key_}});
      ASSERT_TRUE(r.has_value());
      ASSERT_EQ(r->status, 200) << r->body;
      auto v = ParseJson(r->body);
      ASSERT_TRUE(v.has_value()) << r->body;
      bool found = false;
      for (const json::value& item : v->at("items").as_array()) {
        if (item.at("stock_unit_id").to_number<int64_t>() != target.id) continue;
        found = true;
        EXPECT_EQ(item.at("quantity").to_number<int64_t>(), ledger_.stock.at(target.id)) << "stock unit " << target.id;
      }
      EXPECT_TRUE(found) << "stock unit " << target.id << " is not listed: " << r->body;
    }
  }

  // The orders acknowledged since the last check, read back over HTTP by
  // their shoppers.
  void VerifyOrdersOverHttp() {
    HttpClient client(server_.port());
    std::lock_guard lock(ledger_.mu);
    for (int64_t id : ledger_.orders_unchecked) {
      const OrderSeen& seen = ledger_.orders.at(id);
      auto r = client.Send("GET", "/api/v1/orders/" + std::to_string(id), {},
                           As(shoppers_[static_cast<size_t>(seen.shopper)], false));
      ASSERT_TRUE(r.has_value());
      ASSERT_EQ(r->status, 200) << "order " << id << ": " << r->body;
      auto read = OrderFromJson(r->body, seen.shopper, seen.key);
      ASSERT_TRUE(read.has_value()) << r->body;
      EXPECT_EQ(read->total, seen.total) << "order " << id;
      EXPECT_EQ(read->lines.size(), seen.lines.size()) << "order " << id;
    }
    ledger_.orders_unchecked.clear();
  }

  // Retries each checkout in flight at the kill with its Idempotency-Key:
  // the order it placed comes back, or exactly one is placed now.
  void RetryCheckoutsInFlight() {
    HttpClient client(server_.port());
    SQLite::Database db(db_path_, SQLite::OPEN_READONLY);
    std::vector<PendingCheckout> pending;
    {
      std::lock_guard lock(ledger_.mu);
      pending.swap(ledger_.checkouts_in_flight);
    }
    for (const PendingCheckout& c : pending) {
      const Shopper& s = shoppers_[static_cast<size_t>(c.shopper)];
      SQLite::Statement before(db, "SELECT id FROM orders WHERE account_id = ? AND idempotency_key = ?");
      before.bind(1, static_cast<int64_t>(s.id));
      before.bind(2, c.key);
      const int64_t placed_before = before.executeStep() ? before.getColumn(0).getInt64() : 0;
      Headers headers = As(s, true);
      headers.emplace_back("Idempotency-Key", c.key);
      auto r = client.Send("POST", "/api/v1/checkout", R"({"shipping":{"region":"us-east"}})", headers);
      ASSERT_TRUE(r.has_value()) << c.key;
      ASSERT_EQ(r->status, 201) << "retry of " << c.key << ": " << r->body;
      const int64_t id = OrderIdOf(r->body);
      if (placed_before != 0) {
        EXPECT_EQ(id, placed_before) << "retry of " << c.key << " placed another order";
        ++retries_found_;
      } else {
        ++retries_placed_;
      }
      SQLite::Statement after(db, "SELECT COUNT(*) FROM orders WHERE account_id = ? AND idempotency_key = ?");
      after.bind(1, static_cast<int64_t>(s.id));
      after.bind(2, c.key);
      after.executeStep();
      EXPECT_EQ(after.getColumn(0).getInt64(), 1) << c.key;
      auto order = OrderFromJson(r->body, c.shopper, c.key);
      ASSERT_TRUE(order.has_value());
      std::lock_guard lock(ledger_.mu);
      ledger_.orders[id] = std::move(*order);
    }
  }

  std::string dir_;
  std::string db_path_;
  uint64_t seed_ = 0;
  std::mt19937_64 rng_;
  ServerProcess server_;
  std::vector<std::string> skus_;
  std::map<int64_t, int64_t> initial_stock_;
  struct StockTarget {
    int64_t id = 0;
    std::string sku;
    std::string location;
  };
  std::vector<StockTarget> stock_targets_;  // the units StockWriter changes
  std::map<std::tuple<int64_t, std::string, int64_t>, int64_t> initial_slots_;
  int64_t products_ = 0;
  std::vector<Shopper> shoppers_;
  std::string api_key_;
  std::string suv_item_;
  Ledger ledger_;
  int retries_found_ = 0;
  int retries_placed_ = 0;
};

TEST_F(CrashHttpTest, AcknowledgedWritesSurviveSigkillDuringMixedLoadAndNothingIsHalfWritten) {
  ASSERT_NO_FATAL_FAILURE(SeedShop());
  auto key = RunAtelier("admin create-key --name crash-test --scopes models,catalog --data-dir " + dir_);
  ASSERT_TRUE(key.has_value()) << "atelier admin create-key failed";
  api_key_ = key->substr(0, key->find('\n'));
  ASSERT_FALSE(api_key_.empty());
  ASSERT_NO_FATAL_FAILURE(RecordInitialState());

  ASSERT_NO_FATAL_FAILURE(StartServer(0));
  {
    HttpClient client(server_.port());
    for (int n = 0; n < kShoppers; ++n) shoppers_.push_back(RegisterShopper(client, n));
    ASSERT_FALSE(HasFailure());
  }
  ASSERT_NO_FATAL_FAILURE(ChooseSuvConfiguration());

  for (int cycle = 0; cycle < kKills; ++cycle) {
    LoadAndKill(cycle);
    ASSERT_FALSE(HasFailure()) << "during the load of cycle " << cycle;
    ASSERT_NO_FATAL_FAILURE(StartServer(cycle + 1));
    ASSERT_NO_FATAL_FAILURE(VerifyStore(cycle + 1));
    ASSERT_NO_FATAL_FAILURE(VerifyOrdersOverHttp());
    ASSERT_NO_FATAL_FAILURE(VerifyStockOverHttp());
    ASSERT_NO_FATAL_FAILURE(RetryCheckoutsInFlight());
    ASSERT_FALSE(HasFailure()) << "after restart " << cycle + 1;
  }
  // The retried checkouts are whole too; then a clean stop.
  ASSERT_NO_FATAL_FAILURE(VerifyStore(kKills));
  EXPECT_EQ(server_.Stop(), 0) << "exit status after SIGTERM";

  std::lock_guard lock(ledger_.mu);
  std::printf(
      "%d kills: %zu orders, %zu events, %zu model versions, %lld stock updates acknowledged; %lld requests; "
      "in flight at a kill: "
      "%zu event batches, %zu model uploads, %d checkouts (%d had placed their order, %d placed on retry)\n",
      kKills, ledger_.orders.size(), ledger_.events.size(), ledger_.models.size(),
      static_cast<long long>(ledger_.stock_updates),
      static_cast<long long>(ledger_.requests), ledger_.event_batches_in_flight.size(),
      ledger_.models_in_flight.size(), retries_found_ + retries_placed_, retries_found_, retries_placed_);
  // The load reached the store: a run that acknowledged nothing proves nothing.
  EXPECT_GT(ledger_.orders.size(), 0u);
  EXPECT_GT(ledger_.events.size(), 0u);
  EXPECT_GT(ledger_.models.size(), 0u);
  EXPECT_GT(ledger_.stock_updates, 0);
}

}  // namespace
}  // namespace atelier
