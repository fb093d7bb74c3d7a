#pragma once
// A small demo shop (libs/demo, fewer products and users than `--demo`)
// seeded into a SQLite store in a temporary directory, loaded into read
// snapshots and served in-process by the real HttpServer on an ephemeral
// loopback port, with the demo product models compiled and the buying
// services started (cheap password hashing). Built once per test process, on
// first use; torn down at the end of the run.

#include <cstdint>
#include <memory>
#include <string>

#include "atelier/server/http_server.h"
#include "atelier/server/router.h"
#include "atelier/server/services.h"
#include "atelier/store/database.h"

namespace atelier::testing {

class TestShop {
 public:
  // The shop, created on the first call. Fails the calling test (and
  // returns nullptr) when it cannot be built.
  static TestShop* Get();
  static void TearDownShared();

  ~TestShop();

  uint16_t port() const { return server_->port(); }
  server::Services& services() { return *services_; }
  server::HttpServer& server() { return *server_; }
  const std::string& directory() const { return directory_; }

 private:
  TestShop() = default;
  static std::unique_ptr<TestShop> Build(std::string* error);

  std::string directory_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<server::Services> services_;
  std::unique_ptr<server::Router> router_;
  std::unique_ptr<server::HttpServer> server_;
};

}  // namespace atelier::testing
