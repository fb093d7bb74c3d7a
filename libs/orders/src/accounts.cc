#include "atelier/orders/accounts.h"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "atelier/core/strings.h"
#include "internal/crypto.h"

namespace atelier::orders {

static_assert(kInteractiveOpslimit == crypto_pwhash_OPSLIMIT_INTERACTIVE);
static_assert(kInteractiveMemlimit == crypto_pwhash_MEMLIMIT_INTERACTIVE);

namespace {

constexpr const char* kAccountColumns = "id, email, role, region, created_at";

Account AccountFromRow(const store::Row& r) {
  Account a;
  a.id = r.Int(0);
  a.email = r.Text(1);
  a.role = ParseRole(r.Text(2)).ok() ? *ParseRole(r.Text(2)) : Role::kShopper;
  a.region = r.Text(3);
  a.created_at = r.Int(4);
  return a;
}

bool DomainLabelChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

std::string ScopesText(const std::vector<ApiScope>& scopes) {
  std::vector<std::string> names;
  for (ApiScope s : scopes) names.push_back(ApiScopeName(s));
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return Join(names, ",");
}

std::vector<ApiScope> ParseScopesText(const std::string& text) {
  std::vector<ApiScope> out;
  for (const std::string& part : Split(text, ',')) {
    auto s = ParseApiScope(part);
    if (s.ok()) out.push_back(*s);
  }
  return out;
}

ApiKeyInfo ApiKeyFromRow(const store::Row& r) {
  ApiKeyInfo k;
  k.id = r.Int(0);
  k.name = r.Text(1);
  k.prefix = r.Text(2);
  k.scopes = ParseScopesText(r.Text(3));
  k.created_at = r.Int(4);
  k.revoked_at = r.Int(5);
  return k;
}

}  // namespace

const char* ApiScopeName(ApiScope scope) {
  switch (scope) {
    case ApiScope::kCatalog:
      return "catalog";
    case ApiScope::kOrders:
      return "orders";
    case ApiScope::kModels:
      return "models";
    case ApiScope::kAnalytics:
      return "analytics";
  }
  return "catalog";
}

Result<ApiScope> ParseApiScope(std::string_view text) {
  if (text == "catalog") return ApiScope::kCatalog;
  if (text == "orders") return ApiScope::kOrders;
  if (text == "models") return ApiScope::kModels;
  if (text == "analytics") return ApiScope::kAnalytics;
  return Error::InvalidArgument(
      "unknown API scope '" + std::string(text) + "': expected catalog, orders, models or analytics",
      "scopes");
}

Result<std::string> NormalizeEmail(std::string_view email) {
  const std::string e = ToLower(Trim(email));
  auto bad = [&](const std::string& why) {
    return Error::InvalidArgument("email '" + std::string(Trim(email)) + "' is not valid: " + why, "email");
  };
  if (e.empty()) return bad("it is empty");
  if (e.size() > 254) return bad("it is longer than 254 characters");
  const size_t at = e.find('@');
  if (at == std::string::npos || e.find('@', at + 1) != std::string::npos)
    return bad("it needs exactly one '@'");
  const std::string_view local = std::string_view(e).substr(0, at);
  const std::string_view domain = std::string_view(e).substr(at + 1);
  if (local.empty() || local.size() > 64) return bad("the part before '@' must be 1 to 64 characters");
  for (char c : local) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f || c == '"' || c == '(' || c == ')' || c == ',' ||
        c == ':' || c == ';' || c == '<' || c == '>' || c == '[' || c == ']' || c == '\\') {
      return bad("the part before '@' has a forbidden character");
    }
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return bad("misplaced '.' before '@'");
  }
  const std::vector<std::string> labels = Split(domain, '.');
  if (labels.size() < 2) return bad("the domain needs a dot");
  for (const std::string& label : labels) {
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-' ||
        !std::all_of(label.begin(), label.end(), DomainLabelChar)) {
      return bad("the domain is malformed");
    }
  }
  return e;
}

Accounts::Accounts(store::Database& db, AccountsOptions options) : db_(db), options_(std::move(options)) {
  internal::EnsureSodium();
  // A hash of a random password with the configured cost, so a login for an
  // unknown email spends the same time as one with a wrong password.
  const std::string random = internal::RandomToken();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, random.data(), random.size(), options_.pwhash_opslimit,
                        options_.pwhash_memlimit) == 0) {
    dummy_hash_ = out;
  }
}

Result<Account> Accounts::Register(const RegisterRequest& request) {
  ATELIER_ASSIGN_OR_RETURN(std::string email, NormalizeEmail(request.email));
  const std::string& pw = request.password;
  if (pw.size() < options_.min_password_length) {
    return Error::InvalidArgument(
        "password must be at least " + std::to_string(options_.min_password_length) + " characters",
        "password");
  }
  if (pw.size() > options_.max_password_length) {
    return Error::InvalidArgument(
        "password must be at most " + std::to_string(options_.max_password_length) + " characters",
        "password");
  }
  if (ToLower(pw) == email)
    return Error::InvalidArgument("password must not be the email address", "password");

  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, pw.data(), pw.size(), options_.pwhash_opslimit, options_.pwhash_memlimit) !=
      0) {
    return Error::Unavailable("not enough memory to hash the password");
  }
  const int64_t now = options_.clock() / 1000;
  Account account;
  Status st = db_.Transact([&](store::Session& s) -> Status {
    ATELIER_ASSIGN_OR_RETURN(
        auto rows,
        s.Query("INSERT INTO accounts (email, password_hash, role, region, created_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (email) DO NOTHING RETURNING id",
                {email, std::string(hash), std::string(RoleName(request.role)), request.region, now}));
    if (rows.empty()) return Error::Conflict("an account with this email already exists", "email");
    account = Account{rows[0].Int(0), email, request.role, request.region, now};
    return Ok();
  });
  if (!st.ok()) return st.error();
  return account;
}

Status Accounts::TakeLoginToken(const std::string& bucket_key, int64_t now_ms) {
  return TakeBucketToken(db_, bucket_key, {static_cast<double>(options_.login_burst), options_.login_refill_seconds},
                         now_ms, "login attempts", "login");
}

Error RateLimitedError(std::string_view what, std::string field, int64_t retry_after_seconds) {
  const int64_t seconds = std::max<int64_t>(1, retry_after_seconds);
  Error error = Error::RateLimited("too many " + std::string(what) + "; retry in " + std::to_string(seconds) + " s",
                                   std::move(field));
  error.retry_after_seconds = seconds;
  return error;
}

Status TakeBucketToken(store::Database& db, const std::string& key, const TokenBucket& bucket, int64_t now_ms,
                       std::string_view what, std::string field) {
  const double burst = bucket.burst;
  const double refill_ms = std::max(0.0, bucket.refill_seconds * 1000.0);
  double wait_seconds = 0;
  bool limited = false;
  Status st = db.Transact([&](store::Session& s) -> Status {
    limited = false;
    ATELIER_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT tokens, updated_ms FROM login_limits WHERE bucket = ?", {key}));
    double tokens = burst;
    if (!rows.empty()) {
      const double elapsed = static_cast<double>(std::max<int64_t>(0, now_ms - rows[0].Int(1)));
      tokens = std::min(burst, rows[0].Real(0) + (refill_ms > 0 ? elapsed / refill_ms : burst));
    }
    if (tokens < 1.0) {
      wait_seconds = std::ceil((1.0 - tokens) * refill_ms / 1000.0);
      limited = true;
      return Ok();
    }
    ATELIER_RETURN_IF_ERROR(s.Exec(
        "INSERT INTO login_limits (bucket, tokens, updated_ms) VALUES (?, ?, ?) "
        "ON CONFLICT (bucket) DO UPDATE SET tokens = excluded.tokens, updated_ms = excluded.updated_ms",
        {key, tokens - 1.0, now_ms}));
    return Ok();
  });
  if (!st.ok()) return st;
  if (limited) return RateLimitedError(what, std::move(field), static_cast<int64_t>(wait_seconds));
  return Ok();
}

Status Accounts::RefillLoginBucket(store::Session& s, const std::string& bucket_key) {
  ATELIER_RETURN_IF_ERROR(s.Exec("DELETE FROM login_limits WHERE bucket = ?", {bucket_key}));
  return Ok();
}

Result<LoginResult> Accounts::Login(std::string_view email, std::string_view password,
                                    std::string_view client_ip) {
  const Error wrong = Error::Unauthorized("wrong email or password");
  auto normalized = NormalizeEmail(email);
  if (!normalized.ok()) return wrong;
  const int64_t now_ms = options_.clock();
  const std::string bucket = internal::Sha256Hex(*normalized + "\n" + std::string(client_ip));
  ATELIER_RETURN_IF_ERROR(TakeLoginToken(bucket, now_ms));

  ATELIER_ASSIGN_OR_RETURN(
      auto rows,
      db_.Query("SELECT id, email, role, region, created_at, password_hash FROM accounts WHERE email = ?",
                {*normalized}));
  if (password.size() > options_.max_password_length) return wrong;
  if (rows.empty()) {
    // Spend the same time as for a real account.
    if (!dummy_hash_.empty()) {
      const int ignored = crypto_pwhash_str_verify(dummy_hash_.c_str(), password.data(), password.size());
      (void)ignored;
    }
    return wrong;
  }
  const std::string stored = rows[0].Text(5);
  if (crypto_pwhash_str_verify(stored.c_str(), password.data(), password.size()) != 0) return wrong;

  LoginResult result;
  result.account = AccountFromRow(rows[0]);
  result.session_token = internal::RandomToken();
  result.csrf_token = internal::RandomToken();
  const int64_t now = now_ms / 1000;
  result.expires_at = now + options_.session_ttl_seconds;

  std::string rehash;
  if (crypto_pwhash_str_needs_rehash(stored.c_str(), options_.pwhash_opslimit, options_.pwhash_memlimit) !=
      0) {
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, password.data(), password.size(), options_.pwhash_opslimit,
                          options_.pwhash_memlimit) == 0) {
      rehash = out;
    }
  }
  Status st = db_.Transact([&](store::Session& s) -> Status {
    ATELIER_RETURN_IF_ERROR(
        s.Exec("INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, expires_at) VALUES (?, "
               "?, ?, ?, ?)",
               {internal::Sha256Hex(result.session_token), result.account.id, result.csrf_token, now,
                result.expires_at}));
    if (!rehash.empty()) {
      ATELIER_RETURN_IF_ERROR(
          s.Exec("UPDATE accounts SET password_hash = ? WHERE id = ?", {rehash, result.account.id}));
    }
    return RefillLoginBucket(s, bucket);
  });
  if (!st.ok()) return st.error();
  return result;
}

Result<SessionInfo> Accounts::Authenticate(std::string_view session_token) {
  if (session_token.empty()) return Error::Unauthorized("not logged in");
  ATELIER_ASSIGN_OR_RETURN(
      auto rows, db_.Query("SELECT a.id, a.email, a.role, a.region, a.created_at, s.csrf_token, s.expires_at "
                           "FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = ?",
                           {internal::Sha256Hex(session_token)}));
  if (rows.empty()) return Error::Unauthorized("session is unknown or has ended; log in again");
  SessionInfo info;
  info.account = AccountFromRow(rows[0]);
  info.csrf_token = rows[0].Text(5);
  info.expires_at = rows[0].Int(6);
  if (info.expires_at <= options_.clock() / 1000)
    return Error::Unauthorized("session has expired; log in again");
  return info;
}

Status Accounts::CheckCsrf(const SessionInfo& session, std::string_view presented_token) {
  if (presented_token.empty()) return Error{ErrorCode::kForbidden, "missing CSRF token", "csrf_token"};
  if (!internal::ConstantTimeEquals(session.csrf_token, presented_token)) {
    return Error{ErrorCode::kForbidden, "CSRF token does not match the session", "csrf_token"};
  }
  return Ok();
}

Status Accounts::Logout(std::string_view session_token) {
  if (session_token.empty()) return Ok();
  return db_.Transact([&](store::Session& s) -> Status {
    ATELIER_RETURN_IF_ERROR(
        s.Exec("DELETE FROM sessions WHERE token_hash = ?", {internal::Sha256Hex(session_token)}));
    return Ok();
  });
}

Status Accounts::LogoutEverywhere(int64_t account_id) {
  return db_.Transact([&](store::Session& s) -> Status {
    ATELIER_RETURN_IF_ERROR(s.Exec("DELETE FROM sessions WHERE account_id = ?", {account_id}));
    return Ok();
  });
}

Result<Account> Accounts::GetAccount(int64_t account_id) {
  ATELIER_ASSIGN_OR_RETURN(
      auto rows,
      db_.Query(std::string("SELECT ") + kAccountColumns + " FROM accounts WHERE id = ?", {account_id}));
  if (rows.empty()) return Error::NotFound("no account " + std::to_string(account_id), "account_id");
  return AccountFromRow(rows[0]);
}

Status Accounts::SetRole(int64_t account_id, Role role) {
  return db_.Transact([&](store::Session& s) -> Status {
    ATELIER_ASSIGN_OR_RETURN(int64_t n, s.Exec("UPDATE accounts SET role = ? WHERE id = ?",
                                               {std::string(RoleName(role)), account_id}));
    if (n == 0) return Error::NotFound("no account " + std::to_string(account_id), "account_id");
    return Ok();
  });
}

Status Accounts::SetRegion(int64_t account_id, std::string_view region) {
  return db_.Transact([&](store::Session& s) -> Status {
    ATELIER_ASSIGN_OR_RETURN(
        int64_t n, s.Exec("UPDATE accounts SET region = ? WHERE id = ?", {std::string(region), account_id}));
    if (n == 0) return Error::NotFound("no account " + std::to_string(account_id), "account_id");
    return Ok();
  });
}

Status Accounts::RequireRole(const SessionInfo& session, Role role) {
  if (session.account.role != role) {
    return Error::Forbidden(std::string("this needs the ") + RoleName(role) + " role");
  }
  return Ok();
}

Result<CreatedApiKey> Accounts::CreateApiKey(std::string_view name, const std::vector<ApiScope>& scopes) {
  if (Trim(name).empty()) return Error::InvalidArgument("API key needs a name", "name");
  if (scopes.empty()) return Error::InvalidArgument("API key needs at least one scope", "scopes");
  CreatedApiKey created;
  created.key = "atk_" + internal::RandomToken();
  created.info.name = std::string(Trim(name));
  created.info.prefix = created.key.substr(0, 10);
  created.info.created_at = options_.clock() / 1000;
  const std::string scopes_text = ScopesText(scopes);
  created.info.scopes = ParseScopesText(scopes_text);
  Status st = db_.Transact([&](store::Session& s) -> Status {
    ATELIER_ASSIGN_OR_RETURN(
        auto rows,
        s.Query("INSERT INTO api_keys (key_hash, prefix, name, scopes, created_at) VALUES (?, ?, ?, ?, ?) "
                "RETURNING id",
                {internal::Sha256Hex(created.key), created.info.prefix, created.info.name, scopes_text,
                 created.info.created_at}));
    created.info.id = rows.at(0).Int(0);
    return Ok();
  });
  if (!st.ok()) return st.error();
  return created;
}

Result<ApiKeyInfo> Accounts::AuthenticateApiKey(std::string_view key, ApiScope scope) {
  if (key.empty()) return Error::Unauthorized("missing API key");
  ATELIER_ASSIGN_OR_RETURN(
      auto rows,
      db_.Query("SELECT id, name, prefix, scopes, created_at, revoked_at FROM api_keys WHERE key_hash = ?",
                {internal::Sha256Hex(key)}));
  if (rows.empty()) return Error::Unauthorized("unknown API key");
  ApiKeyInfo info = ApiKeyFromRow(rows[0]);
  if (info.revoked_at != 0) return Error::Unauthorized("API key has been revoked");
  if (std::find(info.scopes.begin(), info.scopes.end(), scope) == info.scopes.end()) {
    return Error::Forbidden(std::string("API key lacks the '") + ApiScopeName(scope) + "' scope");
  }
  return info;
}

Status Accounts::RevokeApiKey(int64_t key_id) {
  const int64_t now = options_.clock() / 1000;
  return db_.Transact([&](store::Session& s) -> Status {
    ATELIER_ASSIGN_OR_RETURN(
        int64_t n,
        s.Exec("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at = 0", {now, key_id}));
    if (n == 0) {
      ATELIER_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT id FROM api_keys WHERE id = ?", {key_id}));
      if (rows.empty()) return Error::NotFound("no API key " + std::to_string(key_id), "key_id");
    }
    return Ok();
  });
}

Result<std::vector<ApiKeyInfo>> Accounts::ListApiKeys() {
  ATELIER_ASSIGN_OR_RETURN(
      auto rows,
      db_.Query("SELECT id, name, prefix, scopes, created_at, revoked_at FROM api_keys ORDER BY id"));
  std::vector<ApiKeyInfo> out;
  for (const auto& r : rows) out.push_back(ApiKeyFromRow(r));
  return out;
}

Result<int64_t> Accounts::PurgeExpiredSessions() {
  const int64_t now = options_.clock() / 1000;
  int64_t removed = 0;
  Status st = db_.Transact([&](store::Session& s) -> Status {
    ATELIER_ASSIGN_OR_RETURN(removed, s.Exec("DELETE FROM sessions WHERE expires_at <= ?", {now}));
    return Ok();
  });
  if (!st.ok()) return st.error();
  return removed;
}

}  // namespace atelier::orders
