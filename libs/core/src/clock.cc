#include "atelier/core/clock.h"

#include <chrono>
#include <cstdio>

#include "atelier/core/strings.h"

namespace atelier {

int64_t NowUnixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t NowUnixMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

static void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

namespace {

// Reads exactly `n` digits at s[pos..]; advances pos.
bool Digits(std::string_view s, size_t& pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += n;
  out = v;
  return true;
}

// Reads 1..max digits.
bool SomeDigits(std::string_view s, size_t& pos, size_t max, int& out) {
  size_t start = pos;
  int v = 0;
  while (pos < s.size() && pos - start < max && s[pos] >= '0' && s[pos] <= '9') {
    v = v * 10 + (s[pos] - '0');
    ++pos;
  }
  out = v;
  return pos > start;
}

bool ValidCivil(int y, int mo, int d, int h, int mi, int se) {
  return y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h <= 23 && mi >= 0 &&
         mi <= 59 && se >= 0 && se <= 60;
}

}  // namespace

std::optional<int64_t> ParseTimestamp(std::string_view text) {
  text = Trim(text);
  if (text.empty()) return std::nullopt;
  if (auto n = ParseInt(text)) return *n;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  size_t pos = 0;
  if (text.find('/') != std::string_view::npos) {
    // month/day/year hour:minute[:second]
    if (!SomeDigits(text, pos, 2, mo) || pos >= text.size() || text[pos++] != '/') return std::nullopt;
    if (!SomeDigits(text, pos, 2, d) || pos >= text.size() || text[pos++] != '/') return std::nullopt;
    if (!SomeDigits(text, pos, 4, y)) return std::nullopt;
    if (pos < text.size()) {
      if (text[pos++] != ' ') return std::nullopt;
      if (!SomeDigits(text, pos, 2, h) || pos >= text.size() || text[pos++] != ':') return std::nullopt;
      if (!SomeDigits(text, pos, 2, mi)) return std::nullopt;
      if (pos < text.size() && text[pos] == ':') {
        ++pos;
        if (!SomeDigits(text, pos, 2, se)) return std::nullopt;
      }
    }
    if (pos != text.size() || !ValidCivil(y, mo, d, h, mi, se)) return std::nullopt;
  } else {
    if (!Digits(text, pos, 4, y) || pos >= text.size() || text[pos++] != '-') return std::nullopt;
    if (!Digits(text, pos, 2, mo) || pos >= text.size() || text[pos++] != '-') return std::nullopt;
    if (!Digits(text, pos, 2, d)) return std::nullopt;
    int offset_minutes = 0;
    if (pos < text.size()) {
      if (text[pos] != 'T' && text[pos] != ' ') return std::nullopt;
      ++pos;
      if (!Digits(text, pos, 2, h) || pos >= text.size() || text[pos++] != ':') return std::nullopt;
      if (!Digits(text, pos, 2, mi)) return std::nullopt;
      if (pos < text.size() && text[pos] == ':') {
        ++pos;
        if (!Digits(text, pos, 2, se)) return std::nullopt;
        if (pos < text.size() && text[pos] == '.') {
          ++pos;
          while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
        }
      }
      if (pos < text.size()) {
        char c = text[pos];
        if (c == 'Z') {
          ++pos;
        } else if (c == '+' || c == '-') {
          ++pos;
          int oh = 0, om = 0;
          if (!Digits(text, pos, 2, oh)) return std::nullopt;
          if (pos < text.size() && text[pos] == ':') ++pos;
          if (!Digits(text, pos, 2, om)) return std::nullopt;
          offset_minutes = (c == '+' ? 1 : -1) * (oh * 60 + om);
        }
      }
    }
    if (pos != text.size() || !ValidCivil(y, mo, d, h, mi, se)) return std::nullopt;
    int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    return days * 86400 + h * 3600 + mi * 60 + se - offset_minutes * 60;
  }
  int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return days * 86400 + h * 3600 + mi * 60 + se;
}

std::string FormatIso8601(int64_t t) {
  int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  int64_t secs = t - days * 86400;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, y, m, d);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<long long>(y), m, d,
                static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                static_cast<long long>(secs % 60));
  return buf;
}

std::string FormatDate(int64_t t) { return FormatIso8601(t).substr(0, 10); }

}  // namespace atelier
