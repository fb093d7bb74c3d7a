#include "atelier/store/database.h"

#include <algorithm>
#include <cstdlib>

#include "atelier/core/strings.h"
#include "atelier/store/migrations.h"
#include "internal/backends.h"

namespace atelier::store {

int64_t Row::Int(size_t i) const {
  const Value& v = values_[i];
  if (auto p = std::get_if<int64_t>(&v)) return *p;
  if (auto p = std::get_if<double>(&v)) return static_cast<int64_t>(*p);
  if (auto p = std::get_if<std::string>(&v)) return ParseInt(*p).value_or(0);
  return 0;
}

double Row::Real(size_t i) const {
  const Value& v = values_[i];
  if (auto p = std::get_if<double>(&v)) return *p;
  if (auto p = std::get_if<int64_t>(&v)) return static_cast<double>(*p);
  if (auto p = std::get_if<std::string>(&v)) return ParseDouble(*p).value_or(0);
  return 0;
}

std::string Row::Text(size_t i) const {
  const Value& v = values_[i];
  if (auto p = std::get_if<std::string>(&v)) return *p;
  if (auto p = std::get_if<int64_t>(&v)) return std::to_string(*p);
  if (auto p = std::get_if<double>(&v)) return std::to_string(*p);
  return {};
}

std::vector<const Migration*> PendingMigrations(const std::set<int64_t>& applied) {
  std::vector<const Migration*> out;
  for (const Migration& m : Migrations()) {
    if (!applied.contains(m.version)) out.push_back(&m);
  }
  std::sort(out.begin(), out.end(), [](const Migration* a, const Migration* b) { return a->version < b->version; });
  return out;
}

Result<std::unique_ptr<Database>> OpenDatabase(const std::string& url, const DatabaseOptions& options) {
  if (url == "sqlite::memory:") return OpenSqlite(":memory:", options);
  if (StartsWith(url, "sqlite://")) {
    std::string path = url.substr(9);
    if (path.empty()) return Error::InvalidArgument("sqlite URL has no path: " + url, "store");
    return OpenSqlite(path, options);
  }
  if (StartsWith(url, "postgresql://") || StartsWith(url, "postgres://")) {
    return OpenPostgres(url, options);
  }
  return Error::InvalidArgument("unknown store URL '" + url + "': expected sqlite:///path or postgresql://...",
                                "store");
}

}  // namespace atelier::store
