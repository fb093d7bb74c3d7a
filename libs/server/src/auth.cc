#include "atelier/server/auth.h"

#include <algorithm>
#include <cctype>
#include <chrono>

namespace atelier::server {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<std::string> CookieValue(const Request& request, std::string_view name) {
  for (const auto& [header, value] : request.headers) {
    if (!EqualsIgnoreCase(header, "Cookie")) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      const size_t semi = rest.find(';');
      std::string_view pair = Trim(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      const size_t eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      if (Trim(pair.substr(0, eq)) == name) {
        std::string_view v = Trim(pair.substr(eq + 1));
        if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
        return std::string(v);
      }
    }
  }
  return std::nullopt;
}

bool IsTlsRequest(const Request& request) {
  auto proto = request.Header("X-Forwarded-Proto");
  return proto && EqualsIgnoreCase(Trim(*proto), "https");
}

std::string ClientIp(const Request& request) {
  std::string_view remote = request.remote;
  if (!remote.empty() && remote.front() == '[') {
    const size_t close = remote.find(']');
    return std::string(remote.substr(1, close == std::string_view::npos ? remote.size() - 1 : close - 1));
  }
  const size_t colon = remote.rfind(':');
  if (colon != std::string_view::npos && remote.find(':') == colon) return std::string(remote.substr(0, colon));
  return std::string(remote);
}

std::string CookieHeader(const Request& request, std::string_view name, std::string_view value,
                         int64_t max_age_seconds) {
  std::string out = std::string(name) + "=" + std::string(value) + "; Path=/; HttpOnly; SameSite=Lax";
  if (max_age_seconds >= 0) out += "; Max-Age=" + std::to_string(max_age_seconds);
  if (IsTlsRequest(request)) out += "; Secure";
  return out;
}

Result<orders::SessionInfo> RequireSession(Services& services, const Request& request) {
  auto token = CookieValue(request, kSessionCookie);
  if (!token || token->empty()) return Error::Unauthorized("log in first");
  return services.accounts->Authenticate(*token);
}

std::optional<orders::SessionInfo> OptionalSession(Services& services, const Request& request) {
  auto token = CookieValue(request, kSessionCookie);
  if (!token || token->empty()) return std::nullopt;
  auto session = services.accounts->Authenticate(*token);
  if (!session.ok()) return std::nullopt;
  return std::move(*session);
}

Status CheckWrite(const Request& request, const orders::SessionInfo* session) {
  if (session != nullptr) {
    return orders::Accounts::CheckCsrf(*session, request.Header(kCsrfHeader).value_or(std::string_view()));
  }
  auto type = request.Header("Content-Type");
  std::string_view media = type ? Trim(type->substr(0, type->find(';'))) : std::string_view();
  if (!EqualsIgnoreCase(media, "application/json")) {
    Error error = Error::Forbidden("send guest writes as Content-Type: application/json");
    error.field = "content_type";
    return error;
  }
  return Ok();
}

Status TakeIpToken(Services& services, const Request& request, std::string_view name, const IpRateLimit& limit) {
  if (limit.burst <= 0 || services.db == nullptr) return Ok();
  // "checkout|127.0.0.1": never equal to the hex digests Accounts uses.
  const std::string bucket = std::string(name) + "|" + ClientIp(request);
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  return orders::TakeBucketToken(*services.db, bucket, {static_cast<double>(limit.burst), limit.refill_seconds},
                                 now_ms, std::string(name) + " attempts from this address", std::string(name));
}

Result<orders::ApiKeyInfo> RequireApiKey(Services& services, const Request& request, orders::ApiScope scope) {
  auto header = request.Header("Authorization");
  if (!header) return Error::Unauthorized("send a merchant API key as Authorization: Bearer <key>");
  std::string_view value = Trim(*header);
  constexpr std::string_view kBearer = "Bearer ";
  if (value.size() <= kBearer.size() || !EqualsIgnoreCase(value.substr(0, kBearer.size()), kBearer)) {
    return Error::Unauthorized("send a merchant API key as Authorization: Bearer <key>");
  }
  return services.accounts->AuthenticateApiKey(Trim(value.substr(kBearer.size())), scope);
}

}  // namespace atelier::server
