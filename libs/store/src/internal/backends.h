#pragma once
// Backend constructors behind OpenDatabase().

#include <memory>
#include <string>

#include "atelier/store/database.h"

namespace atelier::store {

// REQUIRES: `path` is a file path, ":memory:", or a "file:" URI.
Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path, const DatabaseOptions& options);

// REQUIRES: `url` starts with postgresql:// or postgres://.
Result<std::unique_ptr<Database>> OpenPostgres(const std::string& url, const DatabaseOptions& options);

}  // namespace atelier::store
