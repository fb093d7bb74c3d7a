// libFuzzer target: the HTTP/1.1 request path of the server, from raw bytes
// to the Request a handler sees (ParseWireRequest: Beast's parser with the
// server's header and body limits, then the target and query decoding),
// following pipelined requests as a keep-alive connection would. Small
// limits (byte 0 picks them) make the 413/431 paths reachable.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "atelier/server/http_server.h"

namespace {

namespace server = atelier::server;

[[noreturn]] void Fail(const char* what, std::string_view input) {
  std::fprintf(stderr, "fuzz_http_request: %s\n%.*s\n", what, static_cast<int>(input.size()), input.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  server::HttpServerOptions options;
  if (data[0] & 1) {
    options.header_limit = 64 + data[0];
    options.body_limit = data[0] / 2;
  }
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  for (int requests = 0; !rest.empty() && requests < 64; ++requests) {
    server::WireRequest wire = server::ParseWireRequest(rest, options);
    if (wire.consumed > rest.size()) Fail("consumed more than the input", rest);
    using State = server::WireRequest::State;
    switch (wire.state) {
      case State::kComplete: {
        const server::Request& r = wire.request;
        if (r.method.empty() || r.path.empty() || r.path[0] != '/') Fail("a request without method or path", rest);
        if (r.target.compare(0, r.path.size(), r.path) != 0) Fail("a path that is not the target's", rest);
        if (r.body.size() > options.body_limit) Fail("a body over the limit", rest);
        for (const auto& [name, value] : r.headers) {
          if (name.empty() || name.find_first_of("\r\n:") != std::string::npos ||
              value.find_first_of("\r\n") != std::string::npos) {
            Fail("a header that could split a response", rest);
          }
        }
        break;
      }
      case State::kAnswered:
        if (wire.response.status != 400) Fail("a bad target answered other than 400", rest);
        break;
      case State::kRejected:
        if (wire.response.status != 400 && wire.response.status != 413 && wire.response.status != 431) {
          Fail("an unreadable request answered with an unexpected status", rest);
        }
        return 0;  // the connection closes
      case State::kDropped:
      case State::kIncomplete:
        return 0;
    }
    if (!wire.keep_alive || wire.consumed == 0) return 0;
    rest.remove_prefix(wire.consumed);
  }
  return 0;
}
