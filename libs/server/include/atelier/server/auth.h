#pragma once
// Who is calling: shopper sessions (cookies), guest carts, CSRF, merchant
// API keys. Used by the buying routes; the checks themselves live in
// orders::Accounts.
//
//   Cookie `atelier_session`: the session id, HttpOnly; SameSite=Lax;
//     Path=/; Secure when the request came over TLS (the proxy in front sets
//     X-Forwarded-Proto: https). A new id at every login (no fixation).
//   Cookie `atelier_cart`: a guest cart's token, same attributes.
//   Header `X-CSRF-Token`: a cookie-authenticated write must echo the
//     session's CSRF token (returned by login, register and GET /auth/me).
//   Guest writes (no session) must be sent as `Content-Type:
//     application/json`, which a cross-site form cannot send without a CORS
//     preflight (which this server never grants).
//   Header `Authorization: Bearer <key>`: merchant API keys, per scope.
//
// Thread-safety: pure functions over the request and thread-safe services.

#include <optional>
#include <string>
#include <string_view>

#include "atelier/core/result.h"
#include "atelier/orders/accounts.h"
#include "atelier/server/http.h"
#include "atelier/server/services.h"

namespace atelier::server {

inline constexpr std::string_view kSessionCookie = "atelier_session";
inline constexpr std::string_view kCartCookie = "atelier_cart";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

// The value of cookie `name` in the Cookie header(s); nullopt when absent.
std::optional<std::string> CookieValue(const Request& request, std::string_view name);

// True when the client reached the shop over TLS (X-Forwarded-Proto: https).
bool IsTlsRequest(const Request& request);

// The peer's IP address without the port ("127.0.0.1").
std::string ClientIp(const Request& request);

// A Set-Cookie value for `name` = `value` with the attributes above;
// `max_age_seconds` < 0 omits Max-Age (a browser-session cookie), 0 deletes.
std::string CookieHeader(const Request& request, std::string_view name, std::string_view value,
                         int64_t max_age_seconds);

// The session behind the request's session cookie. Errors: kUnauthorized
// when there is no cookie or the session is unknown, logged out or expired.
Result<orders::SessionInfo> RequireSession(Services& services, const Request& request);

// The session when the cookie names a live one; nullopt otherwise (no
// cookie, or a stale one: the caller is a guest).
std::optional<orders::SessionInfo> OptionalSession(Services& services, const Request& request);

// Checks a write: with a session, its CSRF token in X-CSRF-Token (kForbidden,
// field "csrf_token"); without one, Content-Type application/json
// (kForbidden, field "content_type").
Status CheckWrite(const Request& request, const orders::SessionInfo* session);

// Takes one token from the bucket of (`name`, the request's client IP) in
// services.db's login_limits table (the same token bucket orders::Accounts
// keeps per email and IP). Errors: kRateLimited naming `name` (the field)
// with the wait in the message when the bucket is empty; those of the store.
// A limit with burst <= 0 always passes. The client IP is the peer address,
// never a client-sent header (X-Forwarded-For would let anyone pick a fresh
// bucket per request).
Status TakeIpToken(Services& services, const Request& request, std::string_view name, const IpRateLimit& limit);

// The merchant key in `Authorization: Bearer <key>` checked for `scope`.
// Errors: kUnauthorized when absent, unknown or revoked; kForbidden when the
// key lacks the scope.
Result<orders::ApiKeyInfo> RequireApiKey(Services& services, const Request& request, orders::ApiScope scope);

}  // namespace atelier::server
