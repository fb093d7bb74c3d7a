#include "atelier/core/money.h"

#include <limits>

namespace atelier {

bool IsValidCurrency(std::string_view code) {
  if (code.size() != 3) return false;
  for (char c : code) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

Result<int64_t> ParseMinorUnits(std::string_view text, std::string_view field) {
  std::string f(field);
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty()) return Error::InvalidArgument("amount is empty", f);
  bool negative = false;
  if (text.front() == '-' || text.front() == '+') {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) return Error::InvalidArgument("amount has no digits", f);
  int64_t whole = 0;
  int64_t cents = 0;
  int decimals = -1;  // -1: no decimal point seen yet
  bool any_digit = false;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max() / 1000;
  for (char c : text) {
    if (c == '.') {
      if (decimals >= 0) return Error::InvalidArgument("amount has two decimal points", f);
      decimals = 0;
      continue;
    }
    if (c < '0' || c > '9') {
      return Error::InvalidArgument(std::string("amount has an invalid character '") + c + "'", f);
    }
    any_digit = true;
    if (decimals >= 0) {
      if (++decimals > 2) return Error::InvalidArgument("amount has more than two decimals", f);
      cents = cents * 10 + (c - '0');
    } else {
      whole = whole * 10 + (c - '0');
      if (whole > kMax) return Error::InvalidArgument("amount is too large", f);
    }
  }
  if (!any_digit) return Error::InvalidArgument("amount has no digits", f);
  if (decimals == 1) cents *= 10;
  int64_t total = whole * 100 + cents;
  return negative ? -total : total;
}

std::string FormatMinorUnits(int64_t amount) {
  bool negative = amount < 0;
  uint64_t abs = negative ? 0 - static_cast<uint64_t>(amount) : static_cast<uint64_t>(amount);
  std::string out = std::to_string(abs / 100);
  out += '.';
  uint64_t cents = abs % 100;
  out += static_cast<char>('0' + cents / 10);
  out += static_cast<char>('0' + cents % 10);
  return negative ? "-" + out : out;
}

std::string FormatMoney(const Money& money) {
  if (money.currency == "USD") {
    std::string s = FormatMinorUnits(money.amount);
    if (!s.empty() && s[0] == '-') return "-$" + s.substr(1);
    return "$" + s;
  }
  return FormatMinorUnits(money.amount) + " " + money.currency;
}

}  // namespace atelier
