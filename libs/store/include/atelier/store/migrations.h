#pragma once
// The schema, as an append-only list of versioned migrations.
//
// Each migration has a statement list per backend; a Database applies those
// with a version above the one recorded in `schema_version`, each in its own
// transaction, at open. Never edit a released migration: add a new one.

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

}  // namespace atelier::store
