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
#include "atelier/store/change_feed.h"

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
  // How long a writer waits for a lock before reporting kUnavailable
  // (PostgreSQL: how long a caller waits for a free pooled connection).
  int busy_timeout_ms = 5000;
  // PostgreSQL: connections in the pool, opened as needed; the URL's
  // `?pool=N` overrides it.
  int pool_connections = 8;
  // PostgreSQL: how many times Transact runs a body in all when the server
  // reports a serialization failure or a deadlock (SQLSTATE 40001/40P01),
  // with jittered exponential backoff between attempts.
  int transaction_attempts = 30;
};

class Database : public Session {
 public:
  // Runs `body` in one transaction with serializable semantics. Commits when
  // it returns Ok, rolls back otherwise and returns its error. Retries the
  // body (a bounded number of times) when the backend reports a conflict;
  // kUnavailable when the attempts run out.
  // On PostgreSQL a statement that fails inside the body aborts the whole
  // transaction (later statements fail too): check its Result, do not
  // carry on past it.
  virtual Status Transact(const std::function<Status(Session&)>& body) = 0;

  // Calls `on_change` with the topics of every write committed from now on
  // through this database (SQLite) or by any process on it (PostgreSQL);
  // see change_feed.h for what each topic covers and how delivery works.
  // Errors: kUnavailable when the PostgreSQL listener cannot connect.
  virtual Result<std::unique_ptr<Subscription>> Subscribe(ChangeHandler on_change,
                                                          const SubscribeOptions& options = {}) = 0;

  // Tells every subscriber that `topic` changed, for changes the store
  // cannot see in its tables (a recommender artifact written to storage the
  // replicas share). PostgreSQL: sent to every process listening on the
  // database. Errors: kUnavailable when the store cannot be reached.
  virtual Status Announce(Topic topic) = 0;

  // "sqlite" or "postgresql".
  virtual std::string_view backend() const = 0;
  // Highest migration version applied.
  virtual int schema_version() = 0;
};

// Opens (creating if needed) the database at `url` and applies pending
// migrations. URLs: "sqlite:///abs/path.db", "sqlite://relative.db",
// "sqlite::memory:" (private in-memory store, for tests),
// "postgresql://user[:password]@host[:port]/dbname[?pool=N&sslmode=...]"
// (any libpq URI; Atelier's own `pool` parameter sets the pool size).
// PostgreSQL applies pending migrations under an advisory lock, so replicas
// may open the same database at once.
// Errors: kInvalidArgument for an unknown scheme or a bad URL parameter,
// kUnavailable when the database cannot be opened or migrated.
Result<std::unique_ptr<Database>> OpenDatabase(const std::string& url,
                                               const DatabaseOptions& options = {});

}  // namespace atelier::store
