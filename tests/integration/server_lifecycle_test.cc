// The HttpServer's connection handling over real sockets: graceful shutdown,
// slow and idle clients, a taken port, concurrency.

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "atelier/server/errors.h"
#include "atelier/server/http_server.h"
#include "http_client.h"

namespace atelier::testing {
namespace {

using namespace std::chrono_literals;
using server::HttpServer;
using server::HttpServerOptions;
using server::Request;
using server::Response;

// A one-shot latch: Wait() blocks until Open().
class Latch {
 public:
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  bool WaitFor(std::chrono::milliseconds limit) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [this] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

class ServerLifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Get("/fast", [](Request&) { return server::JsonText("{\"ok\":true}"); });
    router_.Get("/slow", [this](Request&) {
      entered_.Open();
      release_.WaitFor(20s);
      return server::JsonText("{\"slow\":true}");
    });
  }

  std::unique_ptr<HttpServer> StartServer(HttpServerOptions options = {}) {
    options.port = 0;
    options.threads = 2;
    options.access_log = false;
    auto s = std::make_unique<HttpServer>(options, router_, metrics_);
    Status started = s->Start();
    EXPECT_TRUE(started.ok()) << started.error().ToString();
    return s;
  }

  server::Router router_;
  server::Metrics metrics_;
  Latch entered_, release_;
};

TEST_F(ServerLifecycleTest, ShutdownFinishesInFlightRequestsAndClosesIdleOnes) {
  auto server = StartServer();
  const uint16_t port = server->port();

  HttpClient idle(port);
  ASSERT_TRUE(idle.Connect());
  ASSERT_TRUE(idle.Get("/fast"));  // now idle between requests

  std::optional<HttpReply> slow_reply;
  std::thread slow([&] {
    HttpClient client(port);
    slow_reply = client.Get("/slow");
  });
  ASSERT_TRUE(entered_.WaitFor(10s));

  server->BeginShutdown();
  // New connections are refused at once...
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!ConnectionRefused(port) && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  EXPECT_TRUE(ConnectionRefused(port));
  // ...the request in flight still gets its answer, with Connection: close...
  release_.Open();
  slow.join();
  ASSERT_TRUE(slow_reply.has_value());
  EXPECT_EQ(slow_reply->status, 200);
  EXPECT_EQ(slow_reply->body, "{\"slow\":true}");
  EXPECT_FALSE(slow_reply->keep_alive);
  // ...and the idle keep-alive connection is closed. (Checked after the
  // release: it may share a worker thread with the blocked handler.)
  EXPECT_TRUE(idle.WaitForClose(10s));
  server->Wait();
  EXPECT_EQ(server->open_connections(), 0u);
}

TEST_F(ServerLifecycleTest, DropsAClientThatSendsTooSlowly) {
  HttpServerOptions options;
  options.read_timeout = 300ms;
  auto server = StartServer(options);
  HttpClient client(server->port());
  ASSERT_TRUE(client.Connect());
  ASSERT_TRUE(client.WriteRaw("GET /fast HTTP/1.1\r\nHost: x\r\n"));  // and never the end
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.WaitForClose(10s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST_F(ServerLifecycleTest, ClosesIdleKeepAliveConnections) {
  HttpServerOptions options;
  options.idle_timeout = 300ms;
  auto server = StartServer(options);
  HttpClient client(server->port());
  ASSERT_TRUE(client.Get("/fast"));
  EXPECT_TRUE(client.WaitForClose(10s));
}

TEST_F(ServerLifecycleTest, ReportsATakenPort) {
  auto first = StartServer();
  HttpServerOptions options;
  options.port = first->port();
  options.access_log = false;
  HttpServer second(options, router_, metrics_);
  Status started = second.Start();
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(started.error().message.find(std::to_string(first->port())), std::string::npos);
}

TEST_F(ServerLifecycleTest, ServesConcurrentClients) {
  auto server = StartServer();
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&] {
      HttpClient client(server->port());
      for (int i = 0; i < 50; ++i) {
        auto reply = client.Get("/fast");
        if (reply && reply->status == 200) ++ok;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 400);
  EXPECT_EQ(metrics_.RequestCount("/fast", 200), 400u);
}

TEST_F(ServerLifecycleTest, AnswersContinueBeforeReadingABody) {
  router_.Post("/echo", [](Request& r) { return server::JsonText("{\"bytes\":" + std::to_string(r.body.size()) + "}"); });
  auto server = StartServer();
  HttpClient client(server->port());
  ASSERT_TRUE(client.WriteRaw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  auto interim = client.ReadReply();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(client.WriteRaw("hello"));
  auto reply = client.ReadReply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->body, "{\"bytes\":5}");
}

}  // namespace
}  // namespace atelier::testing
