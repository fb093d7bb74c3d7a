#include "atelier/orders/accounts.h"

#include <gtest/gtest.h>

#include "internal/test_support.h"

namespace atelier::orders {
namespace {

using testing::FakeClock;
using testing::Must;

class AccountsTest : public ::testing::Test {
 protected:
  AccountsTest() : db_(testing::OpenMemoryDb()), accounts_(*db_, testing::FastAccounts(clock_.AsClock())) {}

  Account RegisterAlice() {
    return Must(
        accounts_.Register({"Alice@Example.com", "correct horse battery", Role::kShopper, "us-east"}));
  }

  FakeClock clock_;
  std::unique_ptr<store::Database> db_;
  Accounts accounts_;
};

TEST(EmailTest, NormalizesCaseAndSpaces) {
  EXPECT_EQ(*NormalizeEmail("  Bob.Smith+shop@Mail.Example.ORG "), "bob.smith+shop@mail.example.org");
}

TEST(EmailTest, RejectsImplausibleAddresses) {
  for (const char* bad :
       {"", "bob", "bob@", "@example.com", "bob@example", "bob@@example.com", "bo b@example.com",
        "bob@exa_mple.com", "bob@-example.com", ".bob@example.com", "bo..b@example.com"}) {
    auto r = NormalizeEmail(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().field, "email");
  }
}

TEST_F(AccountsTest, RegistersWithLowerCasedEmailAndShopperRole) {
  Account a = RegisterAlice();
  EXPECT_GT(a.id, 0);
  EXPECT_EQ(a.email, "alice@example.com");
  EXPECT_EQ(a.role, Role::kShopper);
  EXPECT_EQ(Must(accounts_.GetAccount(a.id)).email, "alice@example.com");
}

TEST_F(AccountsTest, StoresAnArgon2idHashNotThePassword) {
  RegisterAlice();
  auto rows = Must(db_->Query("SELECT password_hash FROM accounts"));
  const std::string hash = rows.at(0).Text(0);
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_EQ(hash.find("correct horse"), std::string::npos);
}

TEST_F(AccountsTest, RejectsDuplicateEmailIgnoringCase) {
  RegisterAlice();
  auto again = accounts_.Register({"alice@example.COM", "another long password", Role::kShopper, ""});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(again.error().field, "email");
}

TEST_F(AccountsTest, EnforcesPasswordPolicy) {
  auto short_pw = accounts_.Register({"bob@example.com", "short", Role::kShopper, ""});
  ASSERT_FALSE(short_pw.ok());
  EXPECT_EQ(short_pw.error().field, "password");
  auto long_pw = accounts_.Register({"bob@example.com", std::string(300, 'x'), Role::kShopper, ""});
  ASSERT_FALSE(long_pw.ok());
  EXPECT_EQ(long_pw.error().field, "password");
  auto same = accounts_.Register({"bob@example.com", "BOB@example.com", Role::kShopper, ""});
  ASSERT_FALSE(same.ok());
  EXPECT_EQ(same.error().field, "password");
}

TEST_F(AccountsTest, LoginReturnsASessionThatAuthenticates) {
  Account a = RegisterAlice();
  LoginResult login = Must(accounts_.Login("alice@example.com", "correct horse battery", "10.0.0.1"));
  EXPECT_EQ(login.account.id, a.id);
  EXPECT_EQ(login.session_token.size(), 43u);  // 256 bits, base64url
  SessionInfo session = Must(accounts_.Authenticate(login.session_token));
  EXPECT_EQ(session.account.id, a.id);
  EXPECT_EQ(session.csrf_token, login.csrf_token);
}

TEST_F(AccountsTest, StoresOnlyTheHashOfTheSessionId) {
  RegisterAlice();
  LoginResult login = Must(accounts_.Login("alice@example.com", "correct horse battery", "10.0.0.1"));
  auto rows = Must(db_->Query("SELECT token_hash FROM sessions"));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_NE(rows[0].Text(0), login.session_token);
  EXPECT_EQ(rows[0].Text(0).size(), 64u);
}

TEST_F(AccountsTest, WrongPasswordAndUnknownEmailGiveTheSameUnauthorized) {
  RegisterAlice();
  auto wrong = accounts_.Login("alice@example.com", "wrong password!!", "10.0.0.1");
  auto unknown = accounts_.Login("nobody@example.com", "correct horse battery", "10.0.0.1");
  ASSERT_FALSE(wrong.ok());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::kUnauthorized);
  EXPECT_EQ(unknown.error().code, ErrorCode::kUnauthorized);
  EXPECT_EQ(wrong.error().message, unknown.error().message);
}

TEST_F(AccountsTest, EveryLoginGetsANewSessionId) {
  RegisterAlice();
  LoginResult first = Must(accounts_.Login("alice@example.com", "correct horse battery", "10.0.0.1"));
  LoginResult second = Must(accounts_.Login("alice@example.com", "correct horse battery", "10.0.0.1"));
  EXPECT_NE(first.session_token, second.session_token);
  EXPECT_NE(first.csrf_token, second.csrf_token);
}

TEST_F(AccountsTest, SessionExpiresAfterItsLifetime) {
  RegisterAlice();
  LoginResult login = Must(accounts_.Login("alice@example.com", "correct horse battery", "10.0.0.1"));
  clock_.AdvanceSeconds(14 * 24 * 3600 - 1);
  EXPECT_TRUE(accounts_.Authenticate(login.session_token).ok());
  clock_.AdvanceSeconds(1);
  auto expired = accounts_.Authenticate(login.session_token);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, ErrorCode::kUnauthorized);
  EXPECT_EQ(Must(accounts_.PurgeExpiredSessions()), 1);
}

TEST_F(AccountsTest, LogoutEndsTheSession) {
  RegisterAlice();
  LoginResult login = Must(accounts_.Login("alice@example.com", "correct horse battery", "10.0.0.1"));
  ASSERT_TRUE(accounts_.Logout(login.session_token).ok());
  EXPECT_EQ(accounts_.Authenticate(login.session_token).error().code, ErrorCode::kUnauthorized);
  EXPECT_TRUE(accounts_.Logout(login.session_token).ok());  // idempotent
}

TEST_F(AccountsTest, LogoutEverywhereEndsAllSessions) {
  Account a = RegisterAlice();
  LoginResult one = Must(accounts_.Login("alice@example.com", "correct horse battery", "10.0.0.1"));
  LoginResult two = Must(accounts_.Login("alice@example.com", "correct horse battery", "10.0.0.2"));
  ASSERT_TRUE(accounts_.LogoutEverywhere(a.id).ok());
  EXPECT_FALSE(accounts_.Authenticate(one.session_token).ok());
  EXPECT_FALSE(accounts_.Authenticate(two.session_token).ok());
}

TEST_F(AccountsTest, CsrfCheckRejectsMissingOrForeignToken) {
  RegisterAlice();
  LoginResult login = Must(accounts_.Login("alice@example.com", "correct horse battery", "10.0.0.1"));
  LoginResult other = Must(accounts_.Login("alice@example.com", "correct horse battery", "10.0.0.1"));
  SessionInfo session = Must(accounts_.Authenticate(login.session_token));
  EXPECT_TRUE(Accounts::CheckCsrf(session, login.csrf_token).ok());
  auto missing = Accounts::CheckCsrf(session, "");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kForbidden);
  EXPECT_EQ(missing.error().field, "csrf_token");
  EXPECT_EQ(Accounts::CheckCsrf(session, other.csrf_token).error().code, ErrorCode::kForbidden);
}

TEST_F(AccountsTest, RateLimitsLoginAttemptsPerEmailAndIp) {
  RegisterAlice();
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(accounts_.Login("alice@example.com", "wrong password!!", "10.0.0.9").error().code,
              ErrorCode::kUnauthorized);
  }
  // The bucket is empty: even the right password is refused, without a check.
  auto limited = accounts_.Login("alice@example.com", "correct horse battery", "10.0.0.9");
  ASSERT_FALSE(limited.ok());
  EXPECT_EQ(limited.error().code, ErrorCode::kRateLimited);
  EXPECT_EQ(limited.error().field, "login");
  EXPECT_NE(limited.error().message.find("30 s"), std::string::npos) << limited.error().message;
  EXPECT_EQ(limited.error().retry_after_seconds, 30);
  // Another IP has its own bucket.
  EXPECT_TRUE(accounts_.Login("alice@example.com", "correct horse battery", "10.0.0.10").ok());
  // One token comes back every 30 s.
  clock_.AdvanceSeconds(30);
  EXPECT_TRUE(accounts_.Login("alice@example.com", "correct horse battery", "10.0.0.9").ok());
}

TEST_F(AccountsTest, RateLimitIsSharedThroughTheStore) {
  testing::TempDir dir;
  auto db = testing::OpenFileDb(dir.path());
  Accounts replica_a(*db, testing::FastAccounts(clock_.AsClock()));
  Accounts replica_b(*db, testing::FastAccounts(clock_.AsClock()));
  Must(replica_a.Register({"carol@example.com", "correct horse battery", Role::kShopper, ""}));
  for (int i = 0; i < 5; ++i) (void)replica_a.Login("carol@example.com", "nope nope nope", "1.2.3.4");
  for (int i = 0; i < 5; ++i) (void)replica_b.Login("carol@example.com", "nope nope nope", "1.2.3.4");
  EXPECT_EQ(replica_a.Login("carol@example.com", "correct horse battery", "1.2.3.4").error().code,
            ErrorCode::kRateLimited);
}

TEST_F(AccountsTest, SuccessfulLoginRefillsTheBucket) {
  RegisterAlice();
  for (int i = 0; i < 9; ++i) (void)accounts_.Login("alice@example.com", "wrong password!!", "10.0.0.9");
  ASSERT_TRUE(accounts_.Login("alice@example.com", "correct horse battery", "10.0.0.9").ok());
  for (int i = 0; i < 9; ++i) {
    EXPECT_EQ(accounts_.Login("alice@example.com", "wrong password!!", "10.0.0.9").error().code,
              ErrorCode::kUnauthorized);
  }
}

TEST_F(AccountsTest, RehashesOnLoginWhenTheCostChanged) {
  RegisterAlice();
  const std::string before = Must(db_->Query("SELECT password_hash FROM accounts")).at(0).Text(0);
  AccountsOptions stronger = testing::FastAccounts(clock_.AsClock());
  stronger.pwhash_opslimit = crypto_pwhash_OPSLIMIT_MIN + 1;
  Accounts upgraded(*db_, stronger);
  ASSERT_TRUE(upgraded.Login("alice@example.com", "correct horse battery", "10.0.0.1").ok());
  const std::string after = Must(db_->Query("SELECT password_hash FROM accounts")).at(0).Text(0);
  EXPECT_NE(before, after);
  EXPECT_TRUE(upgraded.Login("alice@example.com", "correct horse battery", "10.0.0.1").ok());
}

TEST_F(AccountsTest, RolesCanBeGrantedAndRequired) {
  Account a = RegisterAlice();
  ASSERT_TRUE(accounts_.SetRole(a.id, Role::kStylist).ok());
  LoginResult login = Must(accounts_.Login("alice@example.com", "correct horse battery", "10.0.0.1"));
  SessionInfo session = Must(accounts_.Authenticate(login.session_token));
  EXPECT_TRUE(Accounts::RequireRole(session, Role::kStylist).ok());
  EXPECT_EQ(Accounts::RequireRole(session, Role::kMerchant).error().code, ErrorCode::kForbidden);
  EXPECT_EQ(accounts_.SetRole(999, Role::kMerchant).error().code, ErrorCode::kNotFound);
}

TEST_F(AccountsTest, ApiKeyIsShownOnceAndStoredHashed) {
  CreatedApiKey created =
      Must(accounts_.CreateApiKey("warehouse sync", {ApiScope::kCatalog, ApiScope::kOrders}));
  EXPECT_EQ(created.key.rfind("atk_", 0), 0u);
  auto rows = Must(db_->Query("SELECT key_hash FROM api_keys"));
  EXPECT_NE(rows.at(0).Text(0), created.key);
  EXPECT_EQ(rows.at(0).Text(0).find(created.key.substr(4)), std::string::npos);
  ApiKeyInfo info = Must(accounts_.AuthenticateApiKey(created.key, ApiScope::kOrders));
  EXPECT_EQ(info.id, created.info.id);
  EXPECT_EQ(info.name, "warehouse sync");
}

TEST_F(AccountsTest, ApiKeyWithoutTheScopeIsForbidden) {
  CreatedApiKey created = Must(accounts_.CreateApiKey("analytics", {ApiScope::kAnalytics}));
  auto r = accounts_.AuthenticateApiKey(created.key, ApiScope::kCatalog);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kForbidden);
}

TEST_F(AccountsTest, UnknownOrRevokedApiKeyIsUnauthorized) {
  CreatedApiKey created = Must(accounts_.CreateApiKey("ops", {ApiScope::kModels}));
  EXPECT_EQ(accounts_.AuthenticateApiKey("atk_not-a-key", ApiScope::kModels).error().code,
            ErrorCode::kUnauthorized);
  ASSERT_TRUE(accounts_.RevokeApiKey(created.info.id).ok());
  EXPECT_EQ(accounts_.AuthenticateApiKey(created.key, ApiScope::kModels).error().code,
            ErrorCode::kUnauthorized);
  EXPECT_EQ(accounts_.RevokeApiKey(12345).error().code, ErrorCode::kNotFound);
  EXPECT_NE(Must(accounts_.ListApiKeys()).at(0).revoked_at, 0);
}

TEST_F(AccountsTest, ApiKeyNeedsANameAndAScope) {
  EXPECT_EQ(accounts_.CreateApiKey("", {ApiScope::kModels}).error().field, "name");
  EXPECT_EQ(accounts_.CreateApiKey("x", {}).error().field, "scopes");
  EXPECT_EQ(ParseApiScope("admin").error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace atelier::orders

namespace atelier::orders {
namespace {

// The production cost, once: argon2id at the INTERACTIVE level.
TEST(AccountsDefaultCostTest, HashesWithInteractiveArgon2idAndLogsIn) {
  auto db = testing::OpenMemoryDb();
  testing::FakeClock clock;
  AccountsOptions options;
  options.clock = clock.AsClock();
  Accounts accounts(*db, options);
  ASSERT_TRUE(accounts.Register({"dana@example.com", "correct horse battery", Role::kShopper, ""}).ok());
  const std::string hash = testing::Must(db->Query("SELECT password_hash FROM accounts")).at(0).Text(0);
  EXPECT_EQ(hash.rfind("$argon2id$v=19$m=65536,t=2,", 0), 0u) << hash;
  EXPECT_TRUE(accounts.Login("dana@example.com", "correct horse battery", "10.0.0.1").ok());
}

}  // namespace
}  // namespace atelier::orders
