#include "internal/postgres_sql.h"

#include <cctype>

#include "atelier/core/strings.h"

namespace atelier::store::internal {

namespace {

// Length of the dollar-quote tag starting at sql[i] == '$' ("$$" or
// "$name$"), or 0 when sql[i] does not open one.
size_t DollarTagLength(std::string_view sql, size_t i) {
  size_t j = i + 1;
  while (j < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[j])) || sql[j] == '_')) {
    if (j == i + 1 && std::isdigit(static_cast<unsigned char>(sql[j]))) return 0;  // $1 is a parameter
    ++j;
  }
  if (j < sql.size() && sql[j] == '$') return j - i + 1;
  return 0;
}

}  // namespace

std::string NumberPlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int next = 1;
  size_t i = 0;
  // Copies sql[i..end) verbatim and moves past it.
  auto copy_until = [&](size_t end) {
    out.append(sql.substr(i, end - i));
    i = end;
  };
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == '?') {
      out += '$';
      out += std::to_string(next++);
      ++i;
    } else if (c == '\'' || c == '"') {
      // A doubled quote inside is an escaped quote; E'' strings also allow
      // backslash escapes.
      const bool backslashes = c == '\'' && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e');
      size_t j = i + 1;
      while (j < sql.size()) {
        if (backslashes && sql[j] == '\\') {
          j += 2;
        } else if (sql[j] == c) {
          if (j + 1 < sql.size() && sql[j + 1] == c) {
            j += 2;
          } else {
            ++j;
            break;
          }
        } else {
          ++j;
        }
      }
      copy_until(std::min(j, sql.size()));
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      size_t nl = sql.find('\n', i);
      copy_until(nl == std::string_view::npos ? sql.size() : nl);
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      size_t end = sql.find("*/", i + 2);
      copy_until(end == std::string_view::npos ? sql.size() : end + 2);
    } else if (c == '$' && DollarTagLength(sql, i) > 0) {
      const size_t len = DollarTagLength(sql, i);
      const std::string_view tag = sql.substr(i, len);
      size_t end = sql.find(tag, i + len);
      copy_until(end == std::string_view::npos ? sql.size() : end + len);
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

PostgresUrl ParsePostgresUrl(const std::string& url, std::string* error) {
  error->clear();
  PostgresUrl out;
  const size_t q = url.find('?');
  if (q == std::string::npos) {
    out.conninfo = url;
    return out;
  }
  std::vector<std::string> kept;
  for (const std::string& pair : Split(std::string_view(url).substr(q + 1), '&')) {
    if (pair.empty()) continue;
    if (StartsWith(pair, "pool=")) {
      auto n = ParseInt(std::string_view(pair).substr(5));
      if (!n || *n < 1 || *n > 1000) {
        *error = "pool must be a connection count between 1 and 1000, got '" + pair.substr(5) + "'";
        return out;
      }
      out.pool = static_cast<int>(*n);
    } else {
      kept.push_back(pair);
    }
  }
  out.conninfo = url.substr(0, q);
  if (!kept.empty()) out.conninfo += "?" + Join(kept, "&");
  return out;
}

}  // namespace atelier::store::internal
