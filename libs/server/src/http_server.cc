#include "atelier/server/http_server.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "atelier/core/clock.h"
#include "atelier/server/errors.h"

namespace atelier::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// JSON string escaping for the access log (paths are client-controlled).
void AppendJsonString(std::string& out, std::string_view s) {
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (c < 0x20 || c >= 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

// Appends log lines to a buffer written to stderr in blocks (when 16 KiB
// gather, and on flush) instead of one write(2) per request.
class BufferedStderrSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  ~BufferedStderrSink() override { WriteOut(); }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    buffer_.append(formatted.data(), formatted.size());
    if (buffer_.size() >= kBlock) WriteOut();
  }
  void flush_() override { WriteOut(); }

 private:
  static constexpr size_t kBlock = 16 << 10;

  void WriteOut() {
    size_t done = 0;
    while (done < buffer_.size()) {
      ssize_t n = ::write(STDERR_FILENO, buffer_.data() + done, buffer_.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // stderr is gone; drop the lines
      done += static_cast<size_t>(n);
    }
    buffer_.clear();
  }

  std::string buffer_;
};

// The "access" logger, shared by every server in the process.
std::shared_ptr<spdlog::logger> AccessLogger() {
  static std::mutex mu;
  std::lock_guard lock(mu);
  if (auto existing = spdlog::get("access")) return existing;
  auto logger = std::make_shared<spdlog::logger>("access", std::make_shared<BufferedStderrSink>());
  logger->set_pattern("%v");
  logger->flush_on(spdlog::level::warn);
  spdlog::register_logger(logger);
  return logger;
}

// How often buffered access-log lines are written out.
constexpr std::chrono::milliseconds kAccessLogFlush{250};

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

constexpr std::string_view kDefaultSecurityHeaders =
    "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n"
    "X-Frame-Options: DENY\r\n"
    "Referrer-Policy: same-origin\r\n";

using RequestMessage = http::request<http::string_body>;
using RequestParser = http::request_parser<http::string_body>;

// The header section is limited at once; the body once the head is read and
// its route known (BodyAllowanceFor, ApplyBodyAllowance).
void LimitParser(RequestParser& parser, const HttpServerOptions& options) {
  parser.header_limit(static_cast<uint32_t>(options.header_limit));
  parser.body_limit(boost::none);
}

// How large one request's body may be: its route's own limit, or the
// server's.
struct BodyAllowance {
  size_t bytes = 0;
  std::string what;  // what the body is, for the 413 answer; empty: "the request body"
};

// REQUIRES: the parser's head is done.
BodyAllowance BodyAllowanceFor(const RequestParser& parser, const HttpServerOptions& options, const Router* router) {
  BodyAllowance allowance{options.body_limit, {}};
  if (router == nullptr) return allowance;
  const RequestMessage& message = parser.get();
  Request head;
  head.method = std::string(message.method_string());
  // A target the router cannot take is answered 400 once read; its body
  // gets the server's limit meanwhile.
  if (!head.ParseTarget(std::string(message.target()))) return allowance;
  for (const auto& field : message) head.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  if (std::optional<BodyLimit> limit = router->BodyLimitFor(head)) {
    allowance.bytes = limit->bytes;
    allowance.what = std::move(limit->what);
  }
  return allowance;
}

Response BodyTooLarge(const BodyAllowance& allowance) {
  if (allowance.what.empty()) return BodyTooLargeResponse(allowance.bytes);
  return ErrorResponse(Error::TooLarge(
      allowance.what + ": the request body exceeds " + std::to_string(allowance.bytes) + " bytes", "body"));
}

// Limits the body still to come; the 413 answer when the Content-Length
// already says it is too large (then nothing of it needs to be read).
std::optional<Response> ApplyBodyAllowance(RequestParser& parser, const BodyAllowance& allowance) {
  if (auto length = parser.content_length(); length && *length > allowance.bytes) return BodyTooLarge(allowance);
  parser.body_limit(static_cast<std::uint64_t>(allowance.bytes));
  return std::nullopt;
}

// The answer to a request that could not be read (431, 413, 400), or nullopt
// when there is nobody to answer (EOF, timeout, reset) and the connection
// just closes. REQUIRES: ec is an error.
std::optional<Response> ReadErrorResponse(beast::error_code ec, const HttpServerOptions& options,
                                          const BodyAllowance& allowance) {
  if (ec == http::error::header_limit) return HeaderTooLargeResponse(options.header_limit);
  if (ec == http::error::body_limit) return BodyTooLarge(allowance);
  if (ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message) {
    return MalformedRequestResponse(ec.message());
  }
  return std::nullopt;
}

// Fills `request` from a parsed message (moving its body out). Returns the
// answer when the target is not one the router can take (then `request`
// only names it for the access log and metrics).
std::optional<Response> RequestFromMessage(RequestMessage& message, Request& request) {
  request.method = std::string(message.method_string());
  if (!request.ParseTarget(std::string(message.target()))) {
    request.route = std::string(Router::kUnmatchedRoute);
    request.path = std::string(message.target());
    return MalformedRequestResponse("the request target must be a path with valid percent-escapes");
  }
  for (const auto& field : message) {
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(message.body());
  return std::nullopt;
}

}  // namespace

WireRequest ParseWireRequest(std::string_view bytes, const HttpServerOptions& options, const Router* router) {
  WireRequest out;
  RequestParser parser;
  LimitParser(parser, options);
  // The head alone first, as a connection reads it, so that the body's
  // limit is the route's before any of the body is parsed.
  parser.eager(false);
  std::optional<BodyAllowance> allowance;
  while (!parser.is_done()) {
    beast::error_code ec;
    const size_t used = parser.put(asio::buffer(bytes.data() + out.consumed, bytes.size() - out.consumed), ec);
    out.consumed += used;
    // need_more: the parser wants bytes beyond these; a connection reads more
    // before calling it again. Beast must not be handed the same unfinished
    // bytes twice (a final chunk's header without its trailer's CRLF trips an
    // assertion in parse_chunk_header when it is).
    const bool needs_more = ec == http::error::need_more;
    if (needs_more) ec = {};
    if (!ec && !allowance && parser.is_header_done()) {
      allowance = BodyAllowanceFor(parser, options, router);
      if (std::optional<Response> too_large = ApplyBodyAllowance(parser, *allowance)) {
        out.state = WireRequest::State::kRejected;
        out.response = std::move(*too_large);
        return out;
      }
      parser.eager(true);
      if (!parser.is_done() && out.consumed < bytes.size()) continue;
    }
    // Everything consumed, or nothing more the parser will take, and the
    // message still unfinished (a body shorter than its Content-Length):
    // a connection would wait for more bytes.
    if (!ec && !parser.is_done() && (needs_more || used == 0 || out.consumed == bytes.size())) {
      out.state = WireRequest::State::kIncomplete;
      return out;
    }
    if (ec) {
      std::optional<Response> answer = ReadErrorResponse(ec, options, allowance.value_or(BodyAllowance{options.body_limit, {}}));
      out.state = answer ? WireRequest::State::kRejected : WireRequest::State::kDropped;
      if (answer) out.response = std::move(*answer);
      return out;
    }
  }
  RequestMessage message = parser.release();
  out.keep_alive = message.keep_alive();
  if (std::optional<Response> answer = RequestFromMessage(message, out.request)) {
    out.state = WireRequest::State::kAnswered;
    out.response = std::move(*answer);
    return out;
  }
  out.state = WireRequest::State::kComplete;
  return out;
}

class Session;

class HttpServer::Impl {
 public:
  Impl(HttpServerOptions options, const Router& router, Metrics& metrics)
      : options_(std::move(options)),
        router_(router),
        metrics_(metrics),
        listener_(1),
        acceptor_(listener_),
        access_log_(options_.access_log ? AccessLogger() : nullptr) {}

  Status Start();
  void BeginShutdown();
  void Wait();

  uint16_t port() const { return port_; }
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  const HttpServerOptions& options() const { return options_; }
  const Router& router() const { return router_; }
  Metrics& metrics() { return metrics_; }
  spdlog::logger* access_log() const { return access_log_.get(); }

  size_t open_connections() {
    std::lock_guard lock(mu_);
    return sessions_.size();
  }

  void Register(Session* session, std::weak_ptr<Session> weak) {
    std::lock_guard lock(mu_);
    sessions_.emplace(session, std::move(weak));
  }
  void Unregister(Session* session) {
    std::lock_guard lock(mu_);
    sessions_.erase(session);
    if (sessions_.empty()) cv_.notify_all();
  }

 private:
  // One io_context per worker thread, each run by that thread alone: a
  // connection lives on one worker for its whole life, so handing work
  // between threads (and the futex wake-ups it costs) never happens on the
  // request path. The listener context (accepting, signals, log flushing)
  // has its own thread, so a slow handler never delays accepting.
  struct Worker {
    asio::io_context ioc{1};
    asio::executor_work_guard<asio::io_context::executor_type> work{ioc.get_executor()};
  };

  void DoAccept();
  void OnAccept(beast::error_code ec, tcp::socket socket);
  void ScheduleLogFlush();

  const HttpServerOptions options_;
  const Router& router_;
  Metrics& metrics_;

  // Declared before the io_contexts so that sessions destroyed with them can
  // still unregister themselves.
  std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;  // guarded by mu_
  bool shutdown_begun_ = false;                                    // guarded by mu_
  bool started_ = false;                                           // guarded by mu_
  bool stopped_ = false;                                           // guarded by mu_
  std::atomic<bool> stopping_{false};

  std::vector<std::unique_ptr<Worker>> workers_;
  size_t next_worker_ = 0;  // used by the listener thread only
  asio::io_context listener_;
  tcp::acceptor acceptor_;
  std::optional<asio::signal_set> signals_;
  std::optional<asio::steady_timer> accept_retry_;
  std::optional<asio::steady_timer> log_flush_;
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;
  std::shared_ptr<spdlog::logger> access_log_;
};

// One connection: reads requests one after another (keep-alive), answers
// each through the router. All of its work runs on its worker's thread.
//
// Timeouts are coarse: each phase (waiting for a request, reading it,
// writing the answer, lingering before close) sets a deadline, and a
// watchdog timer that ticks a few times per shortest timeout closes the
// socket once the deadline has passed. Setting a deadline is a clock read,
// not a timer operation, which keeps the per-request cost down.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, HttpServer::Impl& server)
      : socket_(std::move(socket)), watchdog_(socket_.get_executor()), server_(server) {
    beast::error_code ec;
    auto endpoint = socket_.remote_endpoint(ec);
    if (!ec) remote_ = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
    socket_.set_option(tcp::no_delay(true), ec);
    const auto& o = server_.options();
    tick_ = std::min({o.read_timeout, o.idle_timeout, o.write_timeout}) / 4;
    tick_ = std::clamp(tick_, std::chrono::milliseconds(5), std::chrono::milliseconds(1000));
  }
  ~Session() { server_.Unregister(this); }

  void Run() {
    asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
      self->ArmWatchdog();
      self->WaitForRequest();
    });
  }

  // Posted by BeginShutdown: a connection waiting for its next request
  // closes now; one in the middle of a request finishes it first.
  void OnShutdown() {
    asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
      if (self->state_ == State::kIdle) {
        beast::error_code ec;
        self->socket_.cancel(ec);
      }
    });
  }

 private:
  enum class State { kIdle, kReading, kWriting, kLingering, kClosed };
  using Clock = std::chrono::steady_clock;

  void SetDeadline(State state, std::chrono::milliseconds timeout) {
    state_ = state;
    deadline_ = Clock::now() + timeout;
  }

  void ArmWatchdog() {
    watchdog_.expires_after(tick_);
    watchdog_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->state_ == State::kClosed) return;
      if (Clock::now() >= self->deadline_) return self->Close();  // pending I/O completes with an error
      self->ArmWatchdog();
    });
  }

  void WaitForRequest() {
    if (server_.stopping()) return Close();
    if (buffer_.size() > 0) return ReadRequest();  // a pipelined request
    SetDeadline(State::kIdle, server_.options().idle_timeout);
    socket_.async_read_some(buffer_.prepare(8192), beast::bind_front_handler(&Session::OnFirstBytes, shared_from_this()));
  }

  void OnFirstBytes(beast::error_code ec, size_t n) {
    if (ec) return Close();
    buffer_.commit(n);
    ReadRequest();
  }

  void ReadRequest() {
    SetDeadline(State::kReading, server_.options().read_timeout);
    allowance_ = BodyAllowance{server_.options().body_limit, {}};
    parser_.emplace();
    LimitParser(*parser_, server_.options());
    http::async_read_header(socket_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  // Answers a read error with the matching status, or drops the connection
  // when there is nobody to answer (EOF, timeout, reset).
  bool HandleReadError(beast::error_code ec) {
    if (!ec) return false;
    if (state_ == State::kClosed) return true;
    if (std::optional<Response> answer = ReadErrorResponse(ec, server_.options(), allowance_)) {
      WriteError(std::move(*answer));
    } else {
      Close();
    }
    return true;
  }

  void OnHeader(beast::error_code ec, size_t) {
    if (HandleReadError(ec)) return;
    allowance_ = BodyAllowanceFor(*parser_, server_.options(), &server_.router());
    if (std::optional<Response> too_large = ApplyBodyAllowance(*parser_, allowance_)) {
      return WriteError(std::move(*too_large));
    }
    if (parser_->is_done()) return Handle();
    AllowForLargeBody();
    auto expect = parser_->get()[http::field::expect];
    if (beast::iequals(expect, "100-continue")) {
      asio::async_write(socket_, asio::buffer(kContinue.data(), kContinue.size()),
                        [self = shared_from_this()](beast::error_code ec, size_t) {
                          if (ec) return self->Close();
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  // A body larger than the server's own limit (a route allowed it) gets more
  // time to arrive, in proportion to its length beyond that limit.
  void AllowForLargeBody() {
    const HttpServerOptions& o = server_.options();
    const auto length = parser_->content_length();
    const uint64_t expected = length ? *length : (parser_->chunked() ? allowance_.bytes : 0);
    if (expected <= o.body_limit || o.large_body_rate == 0) return;
    const uint64_t beyond = std::min<uint64_t>(expected - o.body_limit, uint64_t{1} << 40);
    deadline_ += std::chrono::milliseconds(beyond * 1000 / o.large_body_rate);
  }

  void ReadBody() {
    http::async_read(socket_, buffer_, *parser_, beast::bind_front_handler(&Session::OnBody, shared_from_this()));
  }

  void OnBody(beast::error_code ec, size_t) {
    if (HandleReadError(ec)) return;
    Handle();
  }

  void Handle() {
    const auto start = Clock::now();
    auto& message = parser_->get();
    Request request;
    request.remote = remote_;
    Response response;
    if (std::optional<Response> answer = RequestFromMessage(message, request)) {
      response = std::move(*answer);
    } else {
      try {
        response = server_.router().Handle(request);
      } catch (const std::exception& e) {
        spdlog::error("handler for {} {} threw: {}", request.method, request.path, e.what());
        response = ErrorResponse(Error::Internal("internal error"));
      }
    }
    const bool keep_alive = message.keep_alive() && !server_.stopping();
    const bool head = message.method() == http::verb::head;
    const unsigned version = message.version();
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
    server_.metrics().RecordRequest(request.route, response.status, micros);
    LogAccess(request, response.status, head ? 0 : response.body.size(), micros);
    Write(std::move(response), version, keep_alive, head);
  }

  void LogAccess(const Request& request, int status, size_t bytes, int64_t micros) {
    spdlog::logger* log = server_.access_log();
    if (log == nullptr) return;
    std::string line;
    line.reserve(160 + request.path.size());
    line += "{\"ts\":";
    line += std::to_string(NowUnixMillis());
    line += ",\"method\":";
    AppendJsonString(line, request.method);
    line += ",\"path\":";
    AppendJsonString(line, request.path);
    line += ",\"route\":";
    AppendJsonString(line, request.route);
    line += ",\"status\":" + std::to_string(status);
    line += ",\"bytes\":" + std::to_string(bytes);
    line += ",\"duration_us\":" + std::to_string(micros);
    line += ",\"remote\":";
    AppendJsonString(line, request.remote);
    line += "}";
    log->info(line);
  }

  // Serializes the status line and headers by hand (one buffer) and writes
  // them with the body in one gathered write.
  void Write(Response response, unsigned version, bool keep_alive, bool head) {
    head_.clear();
    head_ += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    head_ += std::to_string(response.status);
    head_ += ' ';
    head_ += std::string_view(http::obsolete_reason(static_cast<http::status>(response.status)));
    head_ += "\r\nServer: atelier\r\nContent-Type: ";
    AppendHeaderValue(head_, response.content_type);
    head_ += "\r\nX-Content-Type-Options: nosniff\r\n";
    for (const auto& [name, value] : response.headers) {
      AppendHeaderValue(head_, name);
      head_ += ": ";
      AppendHeaderValue(head_, value);
      head_ += "\r\n";
    }
    // Pages set their own policy (static_files.h); everything else (JSON,
    // errors, assets) may load nothing, be framed nowhere and leak no
    // referrer, should a browser ever render it.
    if (!response.Header("Content-Security-Policy")) head_ += kDefaultSecurityHeaders;
    const bool no_body_status = response.status == 204 || response.status == 304 || response.status < 200;
    if (!no_body_status) {
      head_ += "Content-Length: ";
      head_ += std::to_string(response.body.size());
      head_ += "\r\n";
    }
    if (!keep_alive) {
      head_ += "Connection: close\r\n";
    } else if (version == 10) {
      head_ += "Connection: keep-alive\r\n";
    }
    head_ += "\r\n";
    body_ = (head || no_body_status) ? std::string() : std::move(response.body);

    SetDeadline(State::kWriting, server_.options().write_timeout);
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(head_), asio::buffer(body_)};
    asio::async_write(socket_, buffers, [self = shared_from_this(), keep_alive](beast::error_code ec, size_t) {
      if (ec) return self->Close();
      if (!keep_alive) return self->GracefulClose();
      self->WaitForRequest();
    });
  }

  // Header text without CR or LF, so a value can never start a new header.
  static void AppendHeaderValue(std::string& out, std::string_view value) {
    for (char c : value) {
      if (c != '\r' && c != '\n') out.push_back(c);
    }
  }

  // An error answer to a request that could not be read whole: the rest of
  // it may still be arriving, so the connection closes after the answer.
  void WriteError(Response response) {
    const bool header_done = parser_ && parser_->is_header_done();
    const unsigned version = header_done ? parser_->get().version() : 11;
    Request request;
    request.method = header_done ? std::string(parser_->get().method_string()) : "";
    request.path = header_done ? std::string(parser_->get().target()) : "";
    request.route = std::string(Router::kUnmatchedRoute);
    request.remote = remote_;
    server_.metrics().RecordRequest(request.route, response.status, 0);
    LogAccess(request, response.status, response.body.size(), 0);
    Write(std::move(response), version, false, false);
  }

  // Half-closes, then discards what the client still sends (briefly), so
  // that our response is not destroyed by a reset caused by unread input.
  void GracefulClose() {
    beast::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Close();
    SetDeadline(State::kLingering, std::chrono::milliseconds(2000));
    Drain();
  }

  void Drain() {
    buffer_.clear();
    socket_.async_read_some(buffer_.prepare(65536), [self = shared_from_this()](beast::error_code ec, size_t n) {
      if (ec || (self->drained_ += n) > (16u << 20)) return self->Close();
      self->Drain();
    });
  }

  void Close() {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    beast::error_code ec;
    watchdog_.cancel();
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }

  tcp::socket socket_;
  asio::steady_timer watchdog_;
  HttpServer::Impl& server_;
  std::string remote_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  BodyAllowance allowance_;  // the body limit of the request being read
  std::string head_;  // status line and headers of the response being written
  std::string body_;  // its body
  State state_ = State::kIdle;
  Clock::time_point deadline_ = Clock::time_point::max();
  std::chrono::milliseconds tick_{1000};
  size_t drained_ = 0;
};

Status HttpServer::Impl::Start() {
  {
    std::lock_guard lock(mu_);
    if (started_) return Error::Internal("the server was already started");
  }
  beast::error_code ec;
  tcp::resolver resolver(listener_);
  auto results = resolver.resolve(options_.host, std::to_string(options_.port),
                                  tcp::resolver::numeric_service | tcp::resolver::passive, ec);
  if (ec || results.empty()) {
    return Error::InvalidArgument("cannot resolve host \"" + options_.host + "\": " + ec.message(), "host");
  }
  const tcp::endpoint endpoint = results.begin()->endpoint();
  const std::string where = options_.host + ":" + std::to_string(options_.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    acceptor_.close(ignored);
    return Error::Unavailable("cannot listen on " + where + ": " + ec.message());
  }
  port_ = acceptor_.local_endpoint(ec).port();

  std::vector<std::string> routes;
  for (const RouteInfo& r : router_.routes()) routes.push_back(r.pattern);
  routes.emplace_back(Router::kFallbackRoute);
  routes.emplace_back(Router::kUnmatchedRoute);
  metrics_.RegisterRoutes(routes);

  {
    std::lock_guard lock(mu_);
    started_ = true;
  }
  if (options_.handle_signals) {
    signals_.emplace(listener_, SIGINT, SIGTERM);
    signals_->async_wait([this](beast::error_code ec, int signal) {
      if (ec) return;
      spdlog::info("signal {} received: shutting down gracefully", signal);
      BeginShutdown();
    });
  }
  int threads = options_.threads > 0 ? options_.threads : static_cast<int>(std::thread::hardware_concurrency());
  if (threads < 1) threads = 1;
  for (int i = 0; i < threads; ++i) workers_.push_back(std::make_unique<Worker>());
  if (access_log_) ScheduleLogFlush();
  DoAccept();
  auto run = [](asio::io_context& ioc) {
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        spdlog::error("server thread caught: {}", e.what());
      }
    }
  };
  for (auto& worker : workers_) threads_.emplace_back(run, std::ref(worker->ioc));
  threads_.emplace_back(run, std::ref(listener_));
  return Ok();
}

void HttpServer::Impl::ScheduleLogFlush() {
  if (!log_flush_) log_flush_.emplace(listener_);
  log_flush_->expires_after(kAccessLogFlush);
  log_flush_->async_wait([this](beast::error_code ec) {
    access_log_->flush();
    if (!ec && !stopping()) ScheduleLogFlush();
  });
}

void HttpServer::Impl::DoAccept() {
  Worker& worker = *workers_[next_worker_++ % workers_.size()];
  acceptor_.async_accept(worker.ioc.get_executor(), beast::bind_front_handler(&Impl::OnAccept, this));
}

void HttpServer::Impl::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    // Out of descriptors or similar: back off briefly instead of spinning.
    spdlog::warn("accept failed: {}", ec.message());
    accept_retry_.emplace(acceptor_.get_executor(), std::chrono::milliseconds(50));
    accept_retry_->async_wait([this](beast::error_code wait_ec) {
      if (!wait_ec && acceptor_.is_open()) DoAccept();
    });
    return;
  }
  if (stopping()) {
    beast::error_code ignored;
    socket.close(ignored);
    return;
  }
  auto session = std::make_shared<Session>(std::move(socket), *this);
  Register(session.get(), session);
  session->Run();
  DoAccept();
}

void HttpServer::Impl::BeginShutdown() {
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(mu_);
    if (!started_ || shutdown_begun_) return;
    shutdown_begun_ = true;
    stopping_.store(true, std::memory_order_release);
    for (auto& [raw, weak] : sessions_) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
    cv_.notify_all();
  }
  asio::post(acceptor_.get_executor(), [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
    if (accept_retry_) accept_retry_->cancel();
    if (log_flush_) log_flush_->cancel();
    if (signals_) signals_->cancel(ignored);
  });
  for (auto& s : live) s->OnShutdown();
}

void HttpServer::Impl::Wait() {
  std::unique_lock lock(mu_);
  if (!started_ || stopped_) return;
  cv_.wait(lock, [this] { return shutdown_begun_; });
  cv_.wait_for(lock, options_.drain_timeout, [this] { return sessions_.empty(); });
  stopped_ = true;
  lock.unlock();
  for (auto& worker : workers_) worker->ioc.stop();
  listener_.stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
  if (access_log_) access_log_->flush();
}

HttpServer::HttpServer(HttpServerOptions options, const Router& router, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), router, metrics)) {}

HttpServer::~HttpServer() { Shutdown(); }

Status HttpServer::Start() { return impl_->Start(); }
uint16_t HttpServer::port() const { return impl_->port(); }
void HttpServer::BeginShutdown() { impl_->BeginShutdown(); }
void HttpServer::Wait() { impl_->Wait(); }
void HttpServer::Shutdown() {
  impl_->BeginShutdown();
  impl_->Wait();
}
size_t HttpServer::open_connections() const { return impl_->open_connections(); }

}  // namespace atelier::server
