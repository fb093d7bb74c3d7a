#pragma once
// The HTTP/1.1 server: Boost.Beast on an io_context run by a thread pool.
//
// Keep-alive connections; per-connection limits on the header section
// (431 beyond it) and the body (413 beyond it: `body_limit`, or the route's
// own limit when it declares one, Router::SetBodyLimit, decided once the
// request's head is read); a connection idle between requests longer than
// `idle_timeout` or slower than `read_timeout` to send one request is
// dropped (slow clients cannot hold a worker; a body larger than
// `body_limit` gets more time in proportion, `large_body_rate`, and no
// more). Every response
// is counted in `metrics` and logged as one JSON line on stderr (spdlog
// logger "access").
//
// Shutdown is graceful: the listener closes, idle connections close, requests
// being handled finish and are answered with "Connection: close", then the
// threads stop. With `handle_signals`, SIGINT and SIGTERM begin it.
//
// The Beast machinery lives in http_server.cc (pimpl) so this header stays
// cheap to include.
//
// Thread-safety: Start/Shutdown/Wait are called from one controlling thread;
// BeginShutdown may be called from any thread (it is what the signal handler
// does). `router` and `metrics` must outlive the server.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "atelier/core/result.h"
#include "atelier/server/metrics.h"
#include "atelier/server/router.h"

namespace atelier::server {

struct HttpServerOptions {
  std::string host = "127.0.0.1";  // "0.0.0.0" to listen on every interface
  uint16_t port = 8080;            // 0: an ephemeral port (see HttpServer::port())
  int threads = 0;                 // 0: one per core
  size_t body_limit = 1 << 20;     // bytes; larger bodies get 413 (unless the route sets its own)
  size_t header_limit = 8 << 10;   // bytes; larger header sections get 431
  // A request must arrive whole within this time of its first byte.
  std::chrono::milliseconds read_timeout{10'000};
  // The slowest upload rate allowed for the part of a body beyond
  // `body_limit` (bytes per second): such a body gets read_timeout plus
  // (its length - body_limit) / large_body_rate to arrive (a chunked one:
  // as if it were as long as its route's limit). 64 KiB/s gives a 10 MB
  // picture about two and a half minutes more.
  size_t large_body_rate = 64 << 10;
  // A keep-alive connection may wait this long for its next request.
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds write_timeout{30'000};
  // How long Wait() lets in-flight requests finish after shutdown begins.
  std::chrono::milliseconds drain_timeout{10'000};
  bool handle_signals = false;  // SIGINT/SIGTERM begin a graceful shutdown
  bool access_log = true;
};

// What a connection makes of the first request in the bytes it has received:
// the same Beast parser, limits and checks as HttpServer, without a socket
// (for tests and the fuzz targets; the server reads incrementally but reaches
// the same outcome for the same bytes). With `router`, its routes' body
// limits apply as they do in a server built on it; without, `body_limit`
// applies to every request.
struct WireRequest {
  enum class State {
    kComplete,    // `request` is ready for the router
    kAnswered,    // complete, but `response` answers it without routing (bad target)
    kRejected,    // unreadable: `response` answers it (400, 413, 431), then the connection closes
    kDropped,     // unreadable, and the connection closes without an answer
    kIncomplete,  // more bytes are needed
  };
  State state = State::kIncomplete;
  Request request;
  Response response;
  bool keep_alive = false;  // kComplete/kAnswered: the client lets the connection stay open
  size_t consumed = 0;      // bytes the parser took; a pipelined request starts here
};
WireRequest ParseWireRequest(std::string_view bytes, const HttpServerOptions& options,
                             const Router* router = nullptr);

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, const Router& router, Metrics& metrics);
  ~HttpServer();  // shuts down if still running
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the threads; returns once connections are
  // accepted. Errors: kUnavailable when the address cannot be bound (port
  // taken, no permission), kInvalidArgument for a bad host.
  Status Start();

  // The bound port (the ephemeral one when options.port was 0).
  uint16_t port() const;

  // Stops accepting and closes idle connections; returns at once.
  void BeginShutdown();
  // Blocks until shutdown has begun (by BeginShutdown or a signal), in-flight
  // requests are answered (or drain_timeout passed) and the threads stopped.
  void Wait();
  // BeginShutdown() then Wait().
  void Shutdown();

  // Connections currently open (for tests and metrics).
  size_t open_connections() const;

  class Impl;  // in http_server.cc, with the Beast machinery

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace atelier::server
