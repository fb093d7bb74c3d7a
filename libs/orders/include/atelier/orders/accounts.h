#pragma once
// Accounts, sessions, CSRF tokens, login rate limiting and merchant API keys.
//
// Passwords are hashed with argon2id (libsodium crypto_pwhash_str). The
// default cost is libsodium's INTERACTIVE level (2 passes over 64 MiB, about
// 0.1 s on one core): a login costs one core that long, which a 2-core
// replica serving shoppers can afford, while MODERATE (3 passes, 256 MiB,
// ~0.7 s) would let a handful of concurrent logins exhaust memory and stall
// checkouts. The encoded hash records its own parameters, so raising the
// cost later only needs new Options: Login() re-hashes on the next
// successful login (crypto_pwhash_str_needs_rehash).
//
// Sessions: a session id is 256 random bits (shown to the client once, as
// the cookie value, base64url), stored only as its SHA-256 (libsodium
// crypto_hash_sha256; a fast hash suffices for 256 random bits), so a leaked
// table yields no usable cookies. Each login creates a new id (no fixation);
// logout deletes it; it expires `session_ttl_seconds` after login. Each session has its own CSRF token
// (also 256 random bits), which cookie-authenticated writes must echo in a
// header; it is not a credential on its own and is stored in clear.
//
// Login rate limiting is a token bucket per (email, client IP) kept in the
// store (table login_limits), not in memory: replicas behind a load balancer
// must share one budget, or an attacker would get N times the attempts by
// spreading them. Each attempt takes a token before the password is checked;
// a successful login refills the bucket.
//
// API keys: "atk_" + 256 random bits base64url, returned in clear once by
// CreateApiKey and stored hashed; each carries scopes.
//
// Thread-safety: all members are safe to call concurrently; state lives in
// the store, so any number of replicas can share it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "atelier/core/result.h"
#include "atelier/orders/types.h"
#include "atelier/store/database.h"

namespace atelier::orders {

// libsodium's crypto_pwhash_OPSLIMIT_INTERACTIVE and MEMLIMIT_INTERACTIVE
// for argon2id (accounts.cc checks they still are).
inline constexpr uint64_t kInteractiveOpslimit = 2;
inline constexpr size_t kInteractiveMemlimit = size_t{64} << 20;

struct AccountsOptions {
  // argon2id cost (libsodium units). Defaults: crypto_pwhash_OPSLIMIT_INTERACTIVE
  // and crypto_pwhash_MEMLIMIT_INTERACTIVE (see the file comment). Tests may
  // lower them to crypto_pwhash_*_MIN; never do so in production.
  uint64_t pwhash_opslimit = kInteractiveOpslimit;
  size_t pwhash_memlimit = kInteractiveMemlimit;
  // Password policy: length in bytes, inclusive.
  size_t min_password_length = 10;
  size_t max_password_length = 256;
  // Session lifetime after login (default 14 days).
  int64_t session_ttl_seconds = 14 * 24 * 3600;
  // Login token bucket per (email, IP): `login_burst` attempts at once, then
  // one more every `login_refill_seconds` (default 10 attempts, +1 / 30 s).
  int login_burst = 10;
  double login_refill_seconds = 30;
  Clock clock = SystemClock();
};

struct Account {
  int64_t id = 0;
  std::string email;  // lower-cased
  Role role = Role::kShopper;
  std::string region;      // shipping region ("us-east"); "" when unknown
  int64_t created_at = 0;  // unix seconds
};

// What the server puts in cookies after a login. The clear session id exists
// only here; the store keeps its hash.
struct LoginResult {
  Account account;
  std::string session_token;  // cookie value (HttpOnly, SameSite=Lax, Secure behind TLS)
  std::string csrf_token;     // sent to the page; echoed in X-CSRF-Token on writes
  int64_t expires_at = 0;     // unix seconds
};

// A session that Authenticate() accepted.
struct SessionInfo {
  Account account;
  std::string csrf_token;
  int64_t expires_at = 0;
};

enum class ApiScope { kCatalog, kOrders, kModels, kAnalytics };
// "catalog", "orders", "models", "analytics".
const char* ApiScopeName(ApiScope scope);
Result<ApiScope> ParseApiScope(std::string_view text);

struct ApiKeyInfo {
  int64_t id = 0;
  std::string name;
  std::string prefix;  // first characters of the clear key, for display
  std::vector<ApiScope> scopes;
  int64_t created_at = 0;
  int64_t revoked_at = 0;  // 0 when active
};

struct CreatedApiKey {
  ApiKeyInfo info;
  std::string key;  // the clear key; never retrievable again
};

struct RegisterRequest {
  std::string email;
  std::string password;
  Role role = Role::kShopper;  // public registration must pass kShopper
  std::string region;
};

class Accounts {
 public:
  // REQUIRES: `db` outlives this object. Hashes one random password with the
  // configured cost (for equal-time answers to unknown emails), so
  // construction takes as long as one login.
  Accounts(store::Database& db, AccountsOptions options = {});

  // Creates an account. Errors: kInvalidArgument (field "email") for an
  // address that is not a plausible mailbox, (field "password") for one
  // shorter or longer than the policy or equal to the email; kConflict
  // (field "email") when the email is taken.
  Result<Account> Register(const RegisterRequest& request);

  // Checks the password and opens a new session. `client_ip` keys the rate
  // limit with the email. Errors: kUnauthorized for an unknown email or a
  // wrong password (the same message for both); kRateLimited (field
  // "login") when the (email, IP) bucket is empty, with the wait in the
  // message.
  Result<LoginResult> Login(std::string_view email, std::string_view password, std::string_view client_ip);

  // The session behind a cookie value. Errors: kUnauthorized when unknown,
  // logged out or expired.
  Result<SessionInfo> Authenticate(std::string_view session_token);

  // Checks the CSRF token of a cookie-authenticated write in constant time.
  // Errors: kForbidden (field "csrf_token") when missing or different.
  static Status CheckCsrf(const SessionInfo& session, std::string_view presented_token);

  // Ends the session. Unknown tokens are not an error (logout is idempotent).
  Status Logout(std::string_view session_token);
  // Ends every session of an account (password change, "log out everywhere").
  Status LogoutEverywhere(int64_t account_id);

  Result<Account> GetAccount(int64_t account_id);
  // Errors: kNotFound.
  Status SetRole(int64_t account_id, Role role);
  Status SetRegion(int64_t account_id, std::string_view region);

  // Errors: kForbidden when the session's role is not `role`.
  static Status RequireRole(const SessionInfo& session, Role role);

  // Creates a merchant API key with `scopes` (at least one). Errors:
  // kInvalidArgument for an empty name or scope list.
  Result<CreatedApiKey> CreateApiKey(std::string_view name, const std::vector<ApiScope>& scopes);
  // The key presented in `Authorization: Bearer <key>`, checked for `scope`.
  // Errors: kUnauthorized for an unknown or revoked key; kForbidden when the
  // key lacks the scope.
  Result<ApiKeyInfo> AuthenticateApiKey(std::string_view key, ApiScope scope);
  // Errors: kNotFound.
  Status RevokeApiKey(int64_t key_id);
  Result<std::vector<ApiKeyInfo>> ListApiKeys();

  // Removes sessions past their expiry; returns how many. For a periodic job.
  Result<int64_t> PurgeExpiredSessions();

 private:
  Status TakeLoginToken(const std::string& bucket_key, int64_t now_ms);
  Status RefillLoginBucket(store::Session& s, const std::string& bucket_key);

  store::Database& db_;
  AccountsOptions options_;
  std::string dummy_hash_;  // verified against for unknown emails (equal timing)
};

// A token bucket in the store's login_limits table (shared by replicas):
// `burst` tokens at once, refilled at one per `refill_seconds`.
struct TokenBucket {
  double burst = 0;
  double refill_seconds = 1;
};

// Takes one token from the bucket keyed `key` at `now_ms`, in one
// transaction. Errors: kRateLimited naming `field` when the bucket is empty,
// made by RateLimitedError (its retry_after_seconds says the wait);
// those of the store.
Status TakeBucketToken(store::Database& db, const std::string& key, const TokenBucket& bucket, int64_t now_ms,
                       std::string_view what, std::string field);

// A kRateLimited error: "too many <what>; retry in N s" naming `field`,
// with N (at least 1) the whole seconds until a token is available, also
// carried as Error::retry_after_seconds (the HTTP Retry-After header).
Error RateLimitedError(std::string_view what, std::string field, int64_t retry_after_seconds);


// Lower-cased, trimmed email when it looks like a mailbox: one '@', a
// non-empty local part of at most 64 bytes, a dotted domain of letters,
// digits and hyphens, no spaces or control characters, at most 254 bytes.
// Errors: kInvalidArgument (field "email").
Result<std::string> NormalizeEmail(std::string_view email);

}  // namespace atelier::orders
