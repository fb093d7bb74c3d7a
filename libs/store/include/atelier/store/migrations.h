#pragma once
// The schema, as an append-only list of versioned migrations.
//
// Each migration has a statement list per backend; a Database applies those
// whose version is not recorded in `schema_version`, in version order, each
// in its own transaction, at open (so a migration numbered below one already
// applied, merged later, still runs). Never edit a released migration: add a
// new one.

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace atelier::store {

struct Migration {
  int version;
  std::string name;
  std::vector<std::string> sqlite;
  std::vector<std::string> postgresql;
};

const std::vector<Migration>& Migrations();

// The migrations whose version is not in `applied`, in version order.
std::vector<const Migration*> PendingMigrations(const std::set<int64_t>& applied);

}  // namespace atelier::store
