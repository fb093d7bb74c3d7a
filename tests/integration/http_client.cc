#include "http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <thread>

namespace atelier::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct HttpClient::State {
  asio::io_context ioc;
  tcp::socket socket{ioc};
  beast::flat_buffer buffer;
  bool open = false;
};

HttpClient::HttpClient(uint16_t port) : port_(port), state_(new State) {}
HttpClient::~HttpClient() {
  Close();
  delete state_;
}

bool HttpClient::connected() const { return state_->open; }

bool HttpClient::Connect(std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port_);
  while (true) {
    beast::error_code ec;
    state_->socket = tcp::socket(state_->ioc);
    state_->socket.connect(endpoint, ec);
    if (!ec) {
      state_->open = true;
      state_->buffer.clear();
      return true;
    }
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::yield();
  }
}

void HttpClient::Close() {
  if (!state_->open) return;
  beast::error_code ec;
  state_->socket.shutdown(tcp::socket::shutdown_both, ec);
  state_->socket.close(ec);
  state_->open = false;
}

bool HttpClient::WriteRaw(const std::string& bytes) {
  if (!state_->open && !Connect()) return false;
  beast::error_code ec;
  asio::write(state_->socket, asio::buffer(bytes), ec);
  return !ec;
}

std::optional<HttpReply> HttpClient::ReadReply() {
  beast::error_code ec;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  http::read(state_->socket, state_->buffer, parser, ec);
  if (ec) {
    Close();
    return std::nullopt;
  }
  auto& message = parser.get();
  HttpReply reply;
  reply.status = static_cast<int>(message.result_int());
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reply.headers[name] = std::string(field.value());
  }
  reply.body = std::move(message.body());
  reply.keep_alive = message.keep_alive();
  if (!reply.keep_alive) Close();
  return reply;
}

std::optional<HttpReply> HttpClient::Send(const std::string& method, const std::string& target,
                                          const std::string& body,
                                          const std::vector<std::pair<std::string, std::string>>& headers) {
  if (!state_->open && !Connect()) return std::nullopt;
  http::request<http::string_body> request;
  request.method_string(method);
  request.target(target);
  request.version(11);
  request.set(http::field::host, "127.0.0.1:" + std::to_string(port_));
  for (const auto& [name, value] : headers) request.set(name, value);
  if (!body.empty() || method == "POST" || method == "PUT") {
    request.body() = body;
    request.prepare_payload();
  }
  beast::error_code ec;
  http::write(state_->socket, request, ec);
  if (ec) {
    Close();
    return std::nullopt;
  }
  if (method == "HEAD") {
    http::response_parser<http::empty_body> parser;
    parser.skip(true);
    http::read(state_->socket, state_->buffer, parser, ec);
    if (ec) {
      Close();
      return std::nullopt;
    }
    HttpReply reply;
    reply.status = static_cast<int>(parser.get().result_int());
    for (const auto& field : parser.get()) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      reply.headers[name] = std::string(field.value());
    }
    reply.keep_alive = parser.get().keep_alive();
    return reply;
  }
  return ReadReply();
}

bool HttpClient::WaitForClose(std::chrono::milliseconds limit) {
  if (!state_->open) return true;
  // A receive timeout bounds the wait without sleeping.
  struct timeval tv {};
  tv.tv_sec = static_cast<long>(limit.count() / 1000);
  tv.tv_usec = static_cast<long>((limit.count() % 1000) * 1000);
  ::setsockopt(state_->socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buf[4096];
  while (true) {
    beast::error_code ec;
    state_->socket.read_some(asio::buffer(buf), ec);
    if (ec == asio::error::eof || ec == asio::error::connection_reset) {
      Close();
      return true;
    }
    if (ec) return false;  // timed out (EAGAIN) or another error
  }
}

bool ConnectionRefused(uint16_t port) {
  asio::io_context ioc;
  tcp::socket socket(ioc);
  beast::error_code ec;
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  return ec == asio::error::connection_refused;
}

}  // namespace atelier::testing
