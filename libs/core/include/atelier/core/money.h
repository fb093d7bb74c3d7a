#pragma once
// Money as integer minor units plus an ISO 4217 currency code. Never a float.

#include <cstdint>
#include <string>
#include <string_view>

#include "atelier/core/result.h"

namespace atelier {

struct Money {
  int64_t amount = 0;          // minor units (cents for USD)
  std::string currency = "USD";  // ISO 4217, three upper-case letters

  friend bool operator==(const Money&, const Money&) = default;
};

// True for three upper-case ASCII letters.
bool IsValidCurrency(std::string_view code);

// Parses a decimal major-unit amount ("12", "12.5", "12.34", "-3.10") into minor
// units with two decimals. Rejects more than two decimals, signs in the middle,
// empty input and overflow. `field` names the input in the error.
Result<int64_t> ParseMinorUnits(std::string_view text, std::string_view field = "price");

// "12.34" for 1234; "-0.05" for -5.
std::string FormatMinorUnits(int64_t amount);

// "$12.34" for USD, "12.34 EUR" otherwise.
std::string FormatMoney(const Money& money);

}  // namespace atelier
