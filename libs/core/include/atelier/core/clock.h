#pragma once
// Time as integer seconds or milliseconds since the Unix epoch, and ISO 8601.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace atelier {

int64_t NowUnixSeconds();
int64_t NowUnixMillis();

// Parses "2010-12-01T08:26:00Z", "2010-12-01 08:26:00", "2010-12-01T08:26",
// "2010-12-01", an optional fractional part and a "+hh:mm"/"Z" offset, or
// an integer count of seconds. Also the UCI Online Retail form "12/1/2010 8:26"
// (month/day/year). Returns seconds since the epoch (UTC).
std::optional<int64_t> ParseTimestamp(std::string_view text);

// "2026-11-23T17:50:00Z".
std::string FormatIso8601(int64_t unix_seconds);
// "2026-11-23".
std::string FormatDate(int64_t unix_seconds);

// Days since the epoch of a civil date, and back (proleptic Gregorian).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);

}  // namespace atelier
