#pragma once
// A small synchronous HTTP/1.1 client for the integration tests: one
// keep-alive connection to 127.0.0.1:<port>, plus raw byte access for
// requests no well-behaved client would send.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace atelier::testing {

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  bool keep_alive = false;

  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }

  // The value the Set-Cookie header gives cookie `name` ("" when it sets
  // another or none). One value is kept per header name, so only the last
  // Set-Cookie is seen; the shop sets the session cookie last.
  std::string SetCookie(const std::string& name) const {
    const std::string header = Header("set-cookie");
    if (header.rfind(name + "=", 0) != 0) return "";
    const size_t end = header.find(';');
    return header.substr(name.size() + 1, end == std::string::npos ? std::string::npos : end - name.size() - 1);
  }
};

class HttpClient {
 public:
  explicit HttpClient(uint16_t port);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Connects, retrying until `deadline` passes (the server may still be
  // starting). Returns false when it never accepted.
  bool Connect(std::chrono::milliseconds deadline = std::chrono::seconds(10));
  bool connected() const;

  // Sends one request on the connection (connecting first if needed) and
  // reads the reply. nullopt when the connection failed or closed.
  std::optional<HttpReply> Send(const std::string& method, const std::string& target,
                                const std::string& body = {},
                                const std::vector<std::pair<std::string, std::string>>& headers = {});
  std::optional<HttpReply> Get(const std::string& target) { return Send("GET", target); }

  // Writes raw bytes; false on error.
  bool WriteRaw(const std::string& bytes);
  // Reads one reply after WriteRaw.
  std::optional<HttpReply> ReadReply();
  // Blocks until the server closes the connection (true) or `limit` passes
  // (false). Data the server sends before closing is discarded.
  bool WaitForClose(std::chrono::milliseconds limit);

  void Close();

 private:
  struct State;
  uint16_t port_;
  State* state_;
};

// True once a TCP connection to 127.0.0.1:port is refused.
bool ConnectionRefused(uint16_t port);

}  // namespace atelier::testing
