#pragma once

// What every HTTP test of the shop's API needs, once: JSON bodies and their
// error members, requests that fail the test when the connection breaks,
// and shopper accounts (session cookie + CSRF token) to send them as.
//
// Header-only so each test binary takes just what it uses.

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <cctype>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "http_client.h"

namespace atelier::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

// The password every test shopper registers with.
inline constexpr char kShopperPassword[] = "correct horse battery";

// Percent-encodes everything but RFC 3986's unreserved characters.
inline std::string UrlEncode(const std::string& text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// The reply's body as JSON; a null value (and a test failure) when it is not.
inline boost::json::value Json(const HttpReply& reply) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(reply.body, ec);
  EXPECT_FALSE(ec) << reply.status << " " << reply.body.substr(0, 300);
  return ec ? boost::json::value() : v;
}

// A member of the reply's {"error": {...}}: "" when it is null, "<no error>"
// when the body has no error object.
inline std::string ErrorMember(const HttpReply& reply, const char* member) {
  boost::json::value v = Json(reply);
  if (!v.is_object() || !v.as_object().contains("error")) return "<no error>";
  const boost::json::value* m = v.at("error").as_object().if_contains(member);
  if (m == nullptr || m->is_null()) return "";
  return std::string(m->as_string());
}
inline std::string ErrorCodeOf(const HttpReply& reply) { return ErrorMember(reply, "code"); }
inline std::string ErrorField(const HttpReply& reply) { return ErrorMember(reply, "field"); }

// An email no other test process or test has used.
inline std::string UniqueEmail(const std::string& prefix = "shopper") {
  static std::atomic<int> n{0};
  return prefix + std::to_string(::getpid()) + "-" + std::to_string(++n) + "@example.com";
}

struct Shopper {
  std::string email;
  std::string session;  // cookie value
  std::string csrf;
  int64_t id = 0;
};

// A request over `client` (a JSON body unless the headers type it), failing
// the test when the connection breaks; the next call then reconnects.
inline HttpReply Call(HttpClient& client, const std::string& method, const std::string& target,
                      const std::string& body = {}, Headers headers = {}) {
  if (!body.empty()) {
    bool typed = false;
    for (const auto& [name, value] : headers) typed = typed || name == "Content-Type";
    if (!typed) headers.emplace_back("Content-Type", "application/json");
  }
  auto reply = client.Send(method, target, body, headers);
  EXPECT_TRUE(reply.has_value()) << method << " " << target;
  if (!reply) client.Close();
  return reply.value_or(HttpReply{});
}

// `headers` plus what a `method` request as `s` carries: its session
// cookie, plus the CSRF token on writes. For requests sent without Call.
inline Headers SessionHeaders(const Shopper& s, const std::string& method, Headers headers = {}) {
  headers.emplace_back("Cookie", "atelier_session=" + s.session);
  if (method != "GET") headers.emplace_back("X-CSRF-Token", s.csrf);
  return headers;
}

// A request as `s`: its session cookie, plus the CSRF token on writes.
inline HttpReply As(HttpClient& client, const Shopper& s, const std::string& method, const std::string& target,
                    const std::string& body = {}, Headers headers = {}) {
  return Call(client, method, target, body, SessionHeaders(s, method, std::move(headers)));
}

// Registers a shopper with `email` (region us-east) and returns it signed in.
// REQUIRES: no account has `email` yet (the test fails otherwise).
inline Shopper RegisterShopperWithEmail(HttpClient& client, const std::string& email, Headers extra = {}) {
  Shopper s;
  s.email = email;
  HttpReply r = Call(client, "POST", "/api/v1/auth/register",
                     R"({"email":")" + s.email + R"(","password":")" + kShopperPassword + R"(","region":"us-east"})",
                     std::move(extra));
  EXPECT_EQ(r.status, 201) << r.body;
  s.session = r.SetCookie("atelier_session");
  EXPECT_FALSE(s.session.empty()) << r.Header("set-cookie");
  boost::json::value v = Json(r);
  if (v.is_object() && v.as_object().contains("csrf_token")) {
    s.csrf = std::string(v.at("csrf_token").as_string());
    s.id = v.at("account").at("id").as_int64();
  }
  return s;
}

// Registers a new shopper (region us-east) and returns it signed in.
inline Shopper RegisterShopper(HttpClient& client, const std::string& email_prefix = "shopper",
                               Headers extra = {}) {
  return RegisterShopperWithEmail(client, UniqueEmail(email_prefix), std::move(extra));
}

// A US shipping address in the API's fields, state included, as JSON.
inline constexpr char kSampleAddressJson[] =
    R"({"name":"Grace Hopper","line1":"1 Navy Yard","line2":"Building 4","city":"Arlington",)"
    R"("state":"VA","postal_code":"22202","country":"US"})";

// Saves `address_json` as `s`'s default shipping address (PUT
// /api/v1/account/address): what one-click buys ship to.
inline void SaveAddress(HttpClient& client, const Shopper& s,
                        const std::string& address_json = kSampleAddressJson) {
  HttpReply r = As(client, s, "PUT", "/api/v1/account/address", address_json);
  EXPECT_EQ(r.status, 200) << r.body;
}

}  // namespace atelier::testing
