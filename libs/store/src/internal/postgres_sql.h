#pragma once
// Text adaptations the PostgreSQL backend makes to the portable SQL subset
// and to store URLs. Pure functions; thread-safe.

#include <string>
#include <string_view>

namespace atelier::store::internal {

// Rewrites positional `?` placeholders to `$1..$n`, leaving alone any `?`
// inside string literals ('...', E'...'), quoted identifiers ("..."),
// dollar-quoted bodies ($tag$...$tag$) and comments (-- and /* */).
std::string NumberPlaceholders(std::string_view sql);

// A postgresql:// URL split into what libpq accepts and Atelier's own
// query parameters (removed from the URL).
struct PostgresUrl {
  std::string conninfo;  // the URL without Atelier's parameters
  int pool = 0;          // `?pool=N`; 0 when absent
};

// Errors are reported through `error` (empty when the URL is usable):
// a `pool` that is not a positive integer.
PostgresUrl ParsePostgresUrl(const std::string& url, std::string* error);

}  // namespace atelier::store::internal
