#pragma once
// Random tokens and hashes for sessions, carts and API keys (libsodium).

#include <string>
#include <string_view>

namespace atelier::orders::internal {

// Initializes libsodium (idempotent, thread-safe); asserts on failure.
void EnsureSodium();

// 256 random bits, base64url without padding (43 characters).
std::string RandomToken();

// Lower-case hex SHA-256 of `text`.
std::string Sha256Hex(std::string_view text);

// Constant-time equality (length is not secret).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace atelier::orders::internal
