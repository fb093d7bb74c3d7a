// SQLite backend: one writer connection (serialized by a mutex, BEGIN
// IMMEDIATE for transactions) and a pool of reader connections; WAL lets the
// readers run while the writer commits. Each connection caches its prepared
// statements by SQL text. The writer's update/commit/rollback hooks classify
// committed writes by table for the in-process change feed.

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <set>

#include "atelier/core/strings.h"
#include "atelier/store/database.h"
#include "atelier/store/migrations.h"
#include "internal/backends.h"
#include "internal/change_feed.h"

namespace atelier::store {

namespace {

Error FromSqlite(const SQLite::Exception& e, std::string_view sql) {
  int code = e.getErrorCode() & 0xff;
  std::string msg = e.what();
  if (code == SQLITE_CONSTRAINT) return Error::Conflict(msg);
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED) return Error::Unavailable("database is busy: " + msg);
  return Error::Internal("sqlite: " + msg + " in: " + std::string(sql.substr(0, 200)));
}

class Connection final : public Session {
 public:
  Connection(const std::string& path, bool read_only, const DatabaseOptions& options)
      : db_(path, read_only ? SQLite::OPEN_READONLY | SQLite::OPEN_URI
                            : SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_URI,
            options.busy_timeout_ms) {
    db_.exec("PRAGMA foreign_keys = ON");
    if (!read_only) {
      db_.exec("PRAGMA journal_mode = WAL");
      db_.exec(options.synchronous_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    }
  }

  Result<std::vector<Row>> Query(std::string_view sql, const Params& params) override {
    std::vector<Row> rows;
    auto status = QueryEach(sql, params, [&rows](const Row& row) {
      rows.push_back(row);
      return true;
    });
    if (!status.ok()) return status.error();
    return rows;
  }

  Status QueryEach(std::string_view sql, const Params& params,
                   const std::function<bool(const Row&)>& on_row) override {
    try {
      SQLite::Statement& st = Prepare(sql, params);
      const int n = st.getColumnCount();
      std::vector<Value> values;
      while (st.executeStep()) {
        values.clear();
        values.reserve(static_cast<size_t>(n));
        for (int i = 0; i < n; ++i) {
          SQLite::Column c = st.getColumn(i);
          switch (c.getType()) {
            case SQLITE_INTEGER: values.emplace_back(static_cast<int64_t>(c.getInt64())); break;
            case SQLITE_FLOAT: values.emplace_back(c.getDouble()); break;
            case SQLITE_NULL: values.emplace_back(std::monostate{}); break;
            default: values.emplace_back(c.getString()); break;
          }
        }
        if (!on_row(Row(std::move(values)))) break;
        values = {};
      }
      st.reset();
      return Ok();
    } catch (const SQLite::Exception& e) {
      ResetAfterError(sql);
      return FromSqlite(e, sql);
    }
  }

  Result<int64_t> Exec(std::string_view sql, const Params& params) override {
    try {
      SQLite::Statement& st = Prepare(sql, params);
      int changed = st.exec();
      st.reset();
      return static_cast<int64_t>(changed);
    } catch (const SQLite::Exception& e) {
      ResetAfterError(sql);
      return FromSqlite(e, sql);
    }
  }

  sqlite3* handle() { return db_.getHandle(); }

  // Runs raw statements (BEGIN/COMMIT/ROLLBACK, DDL) without caching.
  Status Raw(const std::string& sql) {
    try {
      db_.exec(sql);
      return Ok();
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, sql);
    }
  }

 private:
  SQLite::Statement& Prepare(std::string_view sql, const Params& params) {
    auto it = cache_.find(std::string(sql));
    if (it == cache_.end()) {
      it = cache_.emplace(std::string(sql), std::make_unique<SQLite::Statement>(db_, std::string(sql))).first;
    }
    SQLite::Statement& st = *it->second;
    st.reset();
    st.clearBindings();
    for (size_t i = 0; i < params.size(); ++i) {
      const int idx = static_cast<int>(i + 1);
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
              st.bind(idx);
            } else if constexpr (std::is_same_v<T, int64_t>) {
              st.bind(idx, static_cast<int64_t>(v));
            } else if constexpr (std::is_same_v<T, double>) {
              st.bind(idx, v);
            } else {
              st.bind(idx, v);
            }
          },
          params[i]);
    }
    return st;
  }

  void ResetAfterError(std::string_view sql) {
    auto it = cache_.find(std::string(sql));
    if (it != cache_.end()) {
      try {
        it->second->reset();
      } catch (const SQLite::Exception&) {
        cache_.erase(it);
      }
    }
  }

  SQLite::Database db_;
  std::map<std::string, std::unique_ptr<SQLite::Statement>, std::less<>> cache_;
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(const std::string& path, const DatabaseOptions& options)
      : writer_(path, false, options) {
    const bool in_memory = path == ":memory:" || path.find("mode=memory") != std::string::npos;
    if (!in_memory) {
      for (int i = 0; i < options.reader_connections; ++i) {
        readers_.push_back(std::make_unique<Connection>(path, true, options));
        free_readers_.push_back(readers_.back().get());
      }
    }
    sqlite3_update_hook(writer_.handle(), &SqliteDatabase::OnUpdate, this);
    sqlite3_commit_hook(writer_.handle(), &SqliteDatabase::OnCommit, this);
    sqlite3_rollback_hook(writer_.handle(), &SqliteDatabase::OnRollback, this);
  }

  Result<std::vector<Row>> Query(std::string_view sql, const Params& params) override {
    ReaderLease lease(*this);
    if (lease.conn) return lease.conn->Query(sql, params);
    std::lock_guard lock(write_mu_);
    auto rows = writer_.Query(sql, params);
    PublishCommitted();
    return rows;
  }

  Status QueryEach(std::string_view sql, const Params& params,
                   const std::function<bool(const Row&)>& on_row) override {
    ReaderLease lease(*this);
    if (lease.conn) return lease.conn->QueryEach(sql, params, on_row);
    std::lock_guard lock(write_mu_);
    Status status = writer_.QueryEach(sql, params, on_row);
    PublishCommitted();
    return status;
  }

  Result<int64_t> Exec(std::string_view sql, const Params& params) override {
    std::lock_guard lock(write_mu_);
    auto changed = writer_.Exec(sql, params);
    PublishCommitted();
    return changed;
  }

  Status Transact(const std::function<Status(Session&)>& body) override {
    std::lock_guard lock(write_mu_);
    Status result = TransactLocked(body);
    PublishCommitted();
    return result;
  }

  Result<std::unique_ptr<Subscription>> Subscribe(ChangeHandler on_change,
                                                  const SubscribeOptions& options) override {
    return feed_.Subscribe(std::move(on_change), options);
  }

  Status Announce(Topic topic) override {
    feed_.Publish(TopicSet({topic}));
    return Ok();
  }

  std::string_view backend() const override { return "sqlite"; }

  int schema_version() override {
    auto rows = Query("SELECT MAX(version) FROM schema_version", {});
    if (!rows.ok() || rows->empty()) return 0;
    return static_cast<int>((*rows)[0].Int(0));
  }

  // Applies every migration not yet recorded, in version order.
  Status Migrate() {
    ATELIER_RETURN_IF_ERROR(Exec(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "applied_at INTEGER NOT NULL DEFAULT (strftime('%s','now')))",
        {}));
    ATELIER_ASSIGN_OR_RETURN(auto applied_rows, Query("SELECT version FROM schema_version", {}));
    std::set<int64_t> applied;
    for (const Row& r : applied_rows) applied.insert(r.Int(0));
    for (const Migration* pending : PendingMigrations(applied)) {
      const Migration& m = *pending;
      ATELIER_RETURN_IF_ERROR(Transact([&m](Session& s) -> Status {
        for (const auto& stmt : m.sqlite) {
          auto r = s.Exec(stmt);
          if (!r.ok()) {
            return Error::Unavailable("migration " + std::to_string(m.version) + " (" + m.name +
                                      ") failed: " + r.error().message);
          }
        }
        auto r = s.Exec("INSERT INTO schema_version (version, name) VALUES (?, ?)",
                        {static_cast<int64_t>(m.version), m.name});
        if (!r.ok()) return r.error();
        return Ok();
      }));
    }
    return Ok();
  }

 private:
  // REQUIRES: write_mu_ held.
  Status TransactLocked(const std::function<Status(Session&)>& body) {
    constexpr int kAttempts = 5;
    Status last;
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
      Status begin = writer_.Raw("BEGIN IMMEDIATE");
      if (!begin.ok()) {
        last = begin;
        if (begin.error().code == ErrorCode::kUnavailable) continue;
        return begin;
      }
      Status s = body(writer_);
      if (!s.ok()) {
        (void)writer_.Raw("ROLLBACK");
        return s;
      }
      Status commit = writer_.Raw("COMMIT");
      if (commit.ok()) return commit;
      (void)writer_.Raw("ROLLBACK");
      last = commit;
      if (commit.error().code != ErrorCode::kUnavailable) return commit;
    }
    return last;
  }

  struct ReaderLease {
    explicit ReaderLease(SqliteDatabase& db) : db(db) {
      if (db.readers_.empty()) return;
      std::unique_lock lock(db.pool_mu_);
      db.pool_cv_.wait(lock, [&db] { return !db.free_readers_.empty(); });
      conn = db.free_readers_.back();
      db.free_readers_.pop_back();
    }
    ~ReaderLease() {
      if (!conn) return;
      {
        std::lock_guard lock(db.pool_mu_);
        db.free_readers_.push_back(conn);
      }
      db.pool_cv_.notify_one();
    }
    SqliteDatabase& db;
    Connection* conn = nullptr;
  };

  // The writer's hooks (called on the writing thread, under write_mu_):
  // which topics the open transaction touched, and which committed.
  static void OnUpdate(void* self, int /*op*/, const char* /*db*/, const char* table, sqlite3_int64 /*row*/) {
    auto* db = static_cast<SqliteDatabase*>(self);
    if (auto topic = internal::TopicOfTable(table)) db->uncommitted_.set(static_cast<int>(*topic));
  }
  static int OnCommit(void* self) {
    auto* db = static_cast<SqliteDatabase*>(self);
    db->committed_ |= db->uncommitted_;
    db->uncommitted_.reset();
    return 0;
  }
  static void OnRollback(void* self) { static_cast<SqliteDatabase*>(self)->uncommitted_.reset(); }

  // Hands the committed topics to the subscribers. REQUIRES: write_mu_ held.
  void PublishCommitted() {
    if (committed_.none()) return;
    feed_.Publish(committed_);
    committed_.reset();
  }

  std::mutex write_mu_;
  Connection writer_;   // guarded by write_mu_
  Topics uncommitted_;  // guarded by write_mu_
  Topics committed_;    // guarded by write_mu_
  internal::LocalChangeFeed feed_;

  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<Connection>> readers_;
  std::vector<Connection*> free_readers_;  // guarded by pool_mu_
};

}  // namespace

Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path, const DatabaseOptions& options) {
  try {
    auto db = std::make_unique<SqliteDatabase>(path, options);
    ATELIER_RETURN_IF_ERROR(db->Migrate());
    return std::unique_ptr<Database>(std::move(db));
  } catch (const SQLite::Exception& e) {
    return Error::Unavailable("cannot open SQLite database '" + path + "': " + e.what());
  }
}

}  // namespace atelier::store
