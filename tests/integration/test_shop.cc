#include "test_shop.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "atelier/demo/demo_shop.h"
#include "atelier/server/routes.h"

namespace atelier::testing {

namespace fs = std::filesystem;

namespace {

std::unique_ptr<TestShop>& Shared() {
  static std::unique_ptr<TestShop> shop;
  return shop;
}

void WriteFile(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

class SharedShopEnvironment : public ::testing::Environment {
 public:
  void TearDown() override { TestShop::TearDownShared(); }
};

[[maybe_unused]] ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new SharedShopEnvironment);

}  // namespace

TestShop* TestShop::Get() {
  static std::string error;
  if (!Shared() && error.empty()) {
    Shared() = Build(&error);
  }
  if (!Shared()) {
    ADD_FAILURE() << "cannot build the test shop: " << error;
    return nullptr;
  }
  return Shared().get();
}

void TestShop::TearDownShared() { Shared().reset(); }

TestShop::~TestShop() {
  if (server_) server_->Shutdown();
  server_.reset();
  router_.reset();
  services_.reset();
  db_.reset();
  std::error_code ec;
  if (!directory_.empty()) fs::remove_all(directory_, ec);
}

std::unique_ptr<TestShop> TestShop::Build(std::string* error) {
  std::unique_ptr<TestShop> shop(new TestShop());
  shop->directory_ = (fs::temp_directory_path() / ("atelier-it-" + std::to_string(::getpid()))).string();
  fs::remove_all(shop->directory_);
  fs::create_directories(shop->directory_);

  auto db = store::OpenDatabase("sqlite://" + shop->directory_ + "/atelier.db");
  if (!db.ok()) {
    *error = db.error().ToString();
    return nullptr;
  }
  shop->db_ = std::move(*db);
  demo::DemoOptions demo;
  demo.product_count = 1500;
  demo.user_count = 1000;
  demo.history_days = 180;
  auto seeded = demo::SeedDemoShop(*shop->db_, demo);
  if (!seeded.ok()) {
    *error = seeded.error().ToString();
    return nullptr;
  }

  shop->services_ = std::make_unique<server::Services>();
  shop->services_->db = shop->db_.get();
  server::SnapshotOptions snapshots;
  snapshots.search_root = shop->directory_ + "/search";
  if (Status loaded = server::LoadSnapshots(*shop->services_, snapshots); !loaded.ok()) {
    *error = loaded.error().ToString();
    return nullptr;
  }

  // The product models and the buying services, as `atelier serve` starts
  // them, with libsodium's minimum argon2id cost (crypto_pwhash_OPSLIMIT_MIN
  // and MEMLIMIT_MIN) so that logins take microseconds.
  if (Status models = server::LoadDemoProductModels(*shop->services_); !models.ok()) {
    *error = models.error().ToString();
    return nullptr;
  }
  server::BuyingOptions buying;
  buying.accounts.pwhash_opslimit = 1;
  buying.accounts.pwhash_memlimit = 8192;
  server::StartBuying(*shop->services_, buying);

  // A built storefront, as web/dist would hold it.
  const fs::path web = fs::path(shop->directory_) / "web";
  WriteFile(web / "index.html", "<!doctype html><title>Atelier</title><script src=\"/assets/app.5e1f.js\"></script>");
  WriteFile(web / "assets" / "app.5e1f.js", "console.log('atelier');");
  WriteFile(web / "assets" / "app.5e1f.js.gz", "\x1f\x8b-pretend-gzip");
  WriteFile(fs::path(shop->directory_) / "secret.txt", "top secret");

  shop->router_ = std::make_unique<server::Router>();
  server::RegisterAllRoutes(*shop->router_, *shop->services_, web.string());
  server::HttpServerOptions options;
  options.port = 0;
  options.threads = 2;
  options.access_log = false;
  options.body_limit = 1 << 20;
  options.header_limit = 8 << 10;
  shop->server_ = std::make_unique<server::HttpServer>(options, *shop->router_, shop->services_->metrics);
  if (Status started = shop->server_->Start(); !started.ok()) {
    *error = started.error().ToString();
    return nullptr;
  }
  return shop;
}

}  // namespace atelier::testing
