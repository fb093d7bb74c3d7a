#pragma once
// The store: durable truth for the whole shop behind one interface.
//
// Callers (catalog, orders, recommend, ...) speak a portable SQL subset with
// positional `?` parameters; each backend adapts it (SQLite natively,
// PostgreSQL rewrites `?` to `$n`). Portable means: standard DDL/DML,
// `INSERT ... ON CONFLICT ... DO UPDATE/NOTHING`, `RETURNING`, integer and text
// and real columns, no backend-specific functions. The schema is owned by the
// store's migrations (migrations.h), applied in order when a Database opens.
//
// Writes that must be atomic run inside Transact(); the backend retries the
// whole body on a serialization conflict, so the body must be free of side
// effects outside the Session it is given.
//
// Thread-safety: a Database is safe to use from many threads at once. A
// Session is used only by the thread that was given it, only during the call.

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "atelier/core/result.h"

namespace atelier::store {

// A SQL value: NULL, integer, real or text (blobs travel as text).
using Value = std::variant<std::monostate, int64_t, double, std::string>;

class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  size_t size() const { return values_.size(); }
  bool IsNull(size_t i) const { return values_[i].index() == 0; }
  // Column i as an integer (0 for NULL; reals are truncated; text parsed).
  int64_t Int(size_t i) const;
  double Real(size_t i) const;
  // Column i as text ("" for NULL).
  std::string Text(size_t i) const;
  const Value& operator[](size_t i) const { return values_[i]; }

 private:
  std::vector<Value> values_;
};

using Params = std::vector<Value>;

// Statements on one connection, inside or outside a transaction.
class Session {
 public:
  virtual ~Session() = default;
  virtual Result<std::vector<Row>> Query(std::string_view sql, const Params& params = {}) = 0;
  // Calls `on_row` for each row without materializing the result; stops early
  // when it returns false. For scans of large tables (event logs).
  virtual Status QueryEach(std::string_view sql, const Params& params,
                           const std::function<bool(const Row&)>& on_row) = 0;
  // Runs a statement; returns the number of rows changed.
  virtual Result<int64_t> Exec(std::string_view sql, const Params& params = {}) = 0;
};

struct DatabaseOptions {
  // SQLite: synchronous=FULL makes every commit durable on power loss (NORMAL
  // in WAL mode is durable only against process crashes).
  bool synchronous_full = true;
  // Readers kept open for concurrent reads (SQLite WAL allows many).
  int reader_connections = 4;
  // How long a writer waits for a lock before reporting kUnavailable.
  int busy_timeout_ms = 5000;
};

class Database : public Session {
 public:
  // Runs `body` in one transaction with serializable semantics. Commits when
  // it returns Ok, rolls back otherwise and returns its error. Retries the
  // body (a bounded number of times) when the backend reports a conflict.
  virtual Status Transact(const std::function<Status(Session&)>& body) = 0;

  // "sqlite" or "postgresql".
  virtual std::string_view backend() const = 0;
  // Highest migration version applied.
  virtual int schema_version() = 0;
};

// Opens (creating if needed) the database at `url` and applies pending
// migrations. URLs: "sqlite:///abs/path.db", "sqlite://relative.db",
// "sqlite::memory:" (private in-memory store, for tests).
// Errors: kInvalidArgument for an unknown scheme, kUnavailable when the
// database cannot be opened or migrated.
Result<std::unique_ptr<Database>> OpenDatabase(const std::string& url,
                                               const DatabaseOptions& options = {});

}  // namespace atelier::store
