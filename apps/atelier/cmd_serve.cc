// `atelier serve`: runs the shop's HTTP server.
//
//   atelier serve [--port 8080] [--host 127.0.0.1] [--data-dir DIR] [--store URL]
//                 [--demo] [--web-dir DIR] [--threads N] [--no-access-log] [--no-rate-limits]
//                 [--retrain-every 6h]
//
// Opens the store (creating the data directory), seeds the demo shop into an
// empty store with --demo, loads the read snapshots (catalog, search index
// under DIR/search, bought-together table, the demo product models compiled),
// starts the buying services, follows the store's change feed (so changes
// made through other replicas, or by CLI imports, reach this one's
// snapshots), then serves until SIGINT/SIGTERM.
// The recommender is the newest artifact in DIR/models; without one it is
// trained from the store's events in the background once serving, saved
// there and swapped in (the recommendation routes fall back until then).
// With --retrain-every, it is retrained from the store's events (the shop's
// own orders among them) at that interval, each new artifact swapped in and
// announced to the other replicas; the newest three artifacts are kept.
// stdout carries exactly one line, "Atelier is running at http://HOST:PORT/",
// once connections are accepted; everything else goes to stderr.

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "atelier/demo/demo_shop.h"
#include "atelier/server/http_server.h"
#include "atelier/server/routes.h"
#include "atelier/server/services.h"
#include "atelier/store/database.h"
#include "commands.h"

namespace atelier::cli {

namespace {

namespace fs = std::filesystem;

struct ServeArgs {
  uint16_t port = 8080;
  std::string host = "127.0.0.1";
  std::string data_dir = "data";
  std::string store_url;
  bool demo = false;
  std::string web_dir = "web/dist";
  int threads = 0;
  bool no_access_log = false;
  bool no_rate_limits = false;
  std::string retrain_every;  // "" or "0": never; "90s", "30m", "6h", or seconds
};

// "90s", "30m", "6h", "1d" or plain seconds; nullopt when malformed, 0 for
// "never".
std::optional<std::chrono::seconds> ParseInterval(const std::string& text) {
  if (text.empty()) return std::chrono::seconds(0);
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  const std::string unit = text.substr(used);
  double scale = 0;
  if (unit.empty() || unit == "s") scale = 1;
  if (unit == "m") scale = 60;
  if (unit == "h") scale = 3600;
  if (unit == "d") scale = 86400;
  if (scale == 0 || !(value >= 0) || value * scale > 366.0 * 86400) return std::nullopt;
  return std::chrono::seconds(static_cast<int64_t>(value * scale + 0.5));
}

// Removes all but the newest `keep` recommender artifacts of `dir` (their
// names sort by the time they were written).
void PruneArtifacts(const std::string& dir, size_t keep) {
  std::error_code ec;
  std::vector<fs::path> artifacts;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("recommender-", 0) == 0 && entry.path().extension() == ".atlr") artifacts.push_back(entry.path());
  }
  if (artifacts.size() <= keep) return;
  std::sort(artifacts.begin(), artifacts.end());
  for (size_t i = 0; i + keep < artifacts.size(); ++i) fs::remove(artifacts[i], ec);
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Seeds the demo shop when the store has no products yet.
Status SeedDemoIfEmpty(store::Database& db, const std::string& where) {
  ATELIER_ASSIGN_OR_RETURN(auto rows, db.Query("SELECT COUNT(*) FROM products"));
  const int64_t products = rows.empty() ? 0 : rows[0].Int(0);
  if (products > 0) {
    std::cerr << "Demo shop: the store already holds " << products << " products; not seeding.\n";
    return Ok();
  }
  std::cerr << "Demo shop: seeding an empty store at " << where << " ..." << std::endl;
  const auto start = std::chrono::steady_clock::now();
  ATELIER_ASSIGN_OR_RETURN(demo::DemoSummary summary, demo::SeedDemoShop(db, demo::DemoOptions{}));
  std::cerr << "Demo shop: " << summary.products << " products in " << summary.categories << " categories, "
            << summary.stock_units << " stock units, " << summary.events << " events (" << summary.purchases
            << " purchases in " << summary.baskets << " baskets) in " << SecondsSince(start) << " s\n";
  return Ok();
}

// Removes search indexes of other catalog versions left by earlier runs.
void RemoveStaleIndexes(const std::string& search_root, int64_t current_version) {
  std::error_code ec;
  const std::string keep = "v" + std::to_string(current_version);
  for (const auto& entry : fs::directory_iterator(search_root, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 1 && name[0] == 'v' && name != keep) fs::remove_all(entry.path(), ec);
  }
}

int RunServe(const ServeArgs& args) {
  const std::optional<std::chrono::seconds> retrain_every = ParseInterval(args.retrain_every);
  if (!retrain_every) {
    std::cerr << "atelier serve: --retrain-every must be a duration such as 90s, 30m, 6h or 1d (or 0 for never), not \""
              << args.retrain_every << "\"\n";
    return 2;
  }
  // stdout is reserved for the one "running at" line.
  spdlog::set_default_logger(spdlog::stderr_color_mt("atelier"));

  std::error_code ec;
  fs::create_directories(args.data_dir, ec);
  if (ec) {
    std::cerr << "atelier serve: cannot create the data directory " << args.data_dir << ": " << ec.message()
              << "\n";
    return 1;
  }
  const std::string url =
      args.store_url.empty() ? "sqlite://" + fs::absolute(fs::path(args.data_dir) / "atelier.db").string()
                             : args.store_url;
  auto db = store::OpenDatabase(url);
  if (!db.ok()) {
    std::cerr << "atelier serve: cannot open the store at " << url << ": " << db.error().ToString() << "\n";
    return 1;
  }

  if (args.demo) {
    if (Status seeded = SeedDemoIfEmpty(**db, url); !seeded.ok()) {
      std::cerr << "atelier serve: seeding the demo shop failed: " << seeded.error().ToString() << "\n";
      return 1;
    }
  }

  server::Services services;
  services.db = db->get();
  server::SnapshotOptions snapshot_options;
  snapshot_options.search_root = (fs::path(args.data_dir) / "search").string();
  const auto load_start = std::chrono::steady_clock::now();
  if (Status loaded = server::LoadSnapshots(services, snapshot_options); !loaded.ok()) {
    std::cerr << "atelier serve: loading the catalog failed: " << loaded.error().ToString() << "\n";
    return 1;
  }
  const auto catalog = services.catalog.Get();
  RemoveStaleIndexes(snapshot_options.search_root, catalog->version());
  std::cerr << "Catalog v" << catalog->version() << " with " << catalog->products().size()
            << " products loaded and indexed in " << SecondsSince(load_start) << " s\n";

  // The recommender: the newest artifact, else trained once serving (below).
  const std::string model_dir = (fs::path(args.data_dir) / "models").string();
  services.recommender_dir = model_dir;
  Status model = server::LoadRecommender(services, model_dir);
  if (!model.ok() && model.error().code != ErrorCode::kNotFound) {
    std::cerr << "atelier serve: ignoring the recommender artifact: " << model.error().ToString() << "\n";
  }
  services.accessories = server::RecommenderAccessories(services);
  // The demo product models are small, so compiling them before the URL is
  // printed delays startup by well under a second; a store of large models
  // would publish them from a background thread instead.
  const auto models_start = std::chrono::steady_clock::now();
  // The newest stored version of each model (the demo's are stored first).
  Status models = args.demo ? server::LoadDemoProductModels(services) : server::LoadStoredProductModels(services);
  if (!models.ok()) {
    std::cerr << "atelier serve: loading the product models failed: " << models.error().ToString() << "\n";
    return 1;
  }
  std::cerr << "Product models: " << services.product_models.Get()->by_id.size() << " compiled in "
            << SecondsSince(models_start) << " s\n";
  // Accounts, carts, checkout, orders, plant scheduling and availability.
  server::StartBuying(services);
  if (args.no_rate_limits) {
    services.rate_limits.checkout.burst = 0;
    services.rate_limits.login.burst = 0;
  }

  // Other replicas' writes (and this one's) refresh the snapshots. Under a
  // stream of checkouts every one changes stock: gathering 200 ms of them
  // per refresh keeps the reloads to a few a second while a sale still
  // shows everywhere well within a second.
  store::SubscribeOptions follow;
  follow.coalesce = std::chrono::milliseconds(200);
  auto follower = server::FollowStoreChanges(services, snapshot_options, follow);
  if (!follower.ok()) {
    std::cerr << "atelier serve: cannot follow the store's changes: " << follower.error().ToString() << "\n";
    return 1;
  }

  server::Router router;
  server::RegisterAllRoutes(router, services, args.web_dir);

  server::HttpServerOptions options;
  options.host = args.host;
  options.port = args.port;
  options.threads = args.threads;
  options.handle_signals = true;
  options.access_log = !args.no_access_log;
  server::HttpServer http(options, router, services.metrics);
  if (Status started = http.Start(); !started.ok()) {
    std::cerr << "atelier serve: " << started.error().message << "\n";
    return 1;
  }
  const bool any_address = args.host == "0.0.0.0" || args.host == "::";
  std::cout << "Atelier is running at http://" << (any_address ? std::string("localhost") : args.host) << ":"
            << http.port() << "/" << std::endl;
  // Until training finishes the recommendation routes answer from popularity
  // and the bought-together table. Retraining (--retrain-every) swaps each
  // new model in without dropping a request; a stop waits for a training
  // already running (training cannot be interrupted; seconds on the demo).
  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool stopping = false;
  std::thread trainer;
  if (!model.ok() || retrain_every->count() > 0) {
    trainer = std::thread([&, first = !model.ok()] {
      auto train = [&] {
        auto trained = server::TrainAndPublishRecommender(services, model_dir);
        if (!trained.ok()) {
          spdlog::warn("recommender training failed: {}", trained.error().ToString());
          return false;
        }
        PruneArtifacts(model_dir, 3);
        return true;
      };
      if (first) train();
      if (retrain_every->count() == 0) return;
      std::unique_lock lock(stop_mu);
      while (!stop_cv.wait_for(lock, *retrain_every, [&] { return stopping; })) {
        lock.unlock();
        // Replicas sharing the model directory load it on the announcement;
        // the others keep theirs (or retrain themselves).
        if (train()) {
          if (Status told = services.db->Announce(store::Topic::kRecommender); !told.ok()) {
            spdlog::warn("announcing the retrained recommender: {}", told.error().ToString());
          }
        }
        lock.lock();
      }
    });
  }
  http.Wait();
  {
    std::lock_guard lock(stop_mu);
    stopping = true;
  }
  stop_cv.notify_all();
  if (trainer.joinable()) trainer.join();
  follower->reset();
  std::cerr << "Atelier stopped.\n";
  return 0;
}

}  // namespace

void RegisterServeCommand(CLI::App& app, CliContext& ctx) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand("serve", "Run the shop's HTTP API and storefront");
  cmd->add_option("--port", args->port, "TCP port; 0 picks a free one (printed)")->capture_default_str();
  cmd->add_option("--host", args->host, "Address to listen on (0.0.0.0 for every interface)")
      ->capture_default_str();
  cmd->add_option("--data-dir", args->data_dir, "Directory of the SQLite store and the search index")
      ->capture_default_str();
  cmd->add_option("--store", args->store_url, "Store URL (sqlite:///path.db); default: DATA_DIR/atelier.db");
  cmd->add_flag("--demo", args->demo, "Seed the demo shop when the store is empty");
  cmd->add_option("--web-dir", args->web_dir, "Built storefront to serve at / (absent is fine)")
      ->capture_default_str();
  cmd->add_option("--threads", args->threads, "Server threads; 0 = one per core")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_flag("--no-access-log", args->no_access_log, "Do not log each request to stderr");
  cmd->add_option("--retrain-every", args->retrain_every,
                  "Retrain the recommender from the store's events at this interval (90s, 30m, 6h, 1d; 0 = never) "
                  "and swap each new model in");
  cmd->add_flag("--no-rate-limits", args->no_rate_limits,
                "Turn off the per-address checkout and login limits (a proxy in front limits "
                "instead, or a load test sends everything from one address)");
  cmd->callback([args, &ctx] { ctx.exit_code = RunServe(*args); });
}

}  // namespace atelier::cli
