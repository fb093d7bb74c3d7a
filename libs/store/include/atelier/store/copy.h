#pragma once
// Copies a whole shop from one store to another (SQLite -> PostgreSQL when a
// shop scales out, or back), behind `atelier migrate`.
//
// Tables go in foreign-key order (parents first; a table that references
// itself gets those columns filled in a second pass), in batches, each batch
// one transaction on the target. Rows keep their ids; PostgreSQL identity
// sequences are moved past the copied ids afterwards. At the end every
// table's row count on the target is checked against the source.
//
// Stop writers to the source first: rows written during the copy may be
// missed, and the count check then reports the difference.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "atelier/store/database.h"

namespace atelier::store {

struct CopyOptions {
  // Rows per target transaction.
  int batch_rows = 1000;
  // Replace a target that already holds data (its rows are deleted first).
  // Without it, a non-empty target is refused with kConflict.
  bool replace_target = false;
  // Called after each batch with rows copied so far and the total to copy.
  std::function<void(int64_t copied, int64_t total)> on_progress;
};

struct TableCount {
  std::string table;
  int64_t source_rows = 0;
  int64_t target_rows = 0;
};

// Copies every table of the schema (migrations.h), except schema_version,
// from `from` to `to`. Returns the per-table counts, in copy order.
// REQUIRES: both stores are open (so migrated) by the same build.
// Errors: kInvalidArgument when the schema versions differ; kConflict when
// the target holds data and !replace_target, or when the counts differ
// after the copy; a store error from either side otherwise.
Result<std::vector<TableCount>> CopyStore(Database& from, Database& to, const CopyOptions& options = {});

}  // namespace atelier::store
