// PostgreSQL backend (libpqxx): a pool of connections, each with its own
// cache of prepared statements keyed by SQL text; statements outside
// Transact() autocommit; Transact() runs at SERIALIZABLE isolation and re-runs
// the body on serialization failures and deadlocks. Migrations are applied at
// open under a session advisory lock, so replicas starting together apply
// each one exactly once. Subscriptions listen for the change feed's
// notifications (migration 6) on a connection of their own.

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <pqxx/pqxx>
#include <random>
#include <set>
#include <thread>
#include <unordered_map>

#include "atelier/core/strings.h"
#include "atelier/store/database.h"
#include "atelier/store/migrations.h"
#include "internal/backends.h"
#include "internal/change_feed.h"
#include "internal/postgres_sql.h"

namespace atelier::store {

namespace {

// pg_type OIDs of the result columns we convert to numbers.
constexpr pqxx::oid kBoolOid = 16;
constexpr pqxx::oid kInt8Oid = 20;
constexpr pqxx::oid kInt2Oid = 21;
constexpr pqxx::oid kInt4Oid = 23;
constexpr pqxx::oid kOidOid = 26;
constexpr pqxx::oid kFloat4Oid = 700;
constexpr pqxx::oid kFloat8Oid = 701;
constexpr pqxx::oid kNumericOid = 1700;

// Key of the session advisory lock that serializes migrations across
// processes ("Atelier" + 1).
constexpr int64_t kMigrationLockKey = 0x4174656c69657201;

// Rows fetched per round trip by QueryEach's cursor.
constexpr int kFetchRows = 1000;

bool IsRetryable(const std::string& sqlstate) { return sqlstate == "40001" || sqlstate == "40P01"; }

// The server's primary message: the first line, without "ERROR:  ".
std::string PrimaryMessage(const char* what) {
  std::string msg(what);
  msg = msg.substr(0, msg.find('\n'));
  for (const char* prefix : {"ERROR:  ", "FATAL:  "}) {
    if (StartsWith(msg, prefix)) msg = msg.substr(std::string_view(prefix).size());
  }
  return std::string(Trim(msg));
}

// The quoted name after `constraint ` in a server message, or "".
std::string ConstraintName(const std::string& msg) {
  const size_t at = msg.find("constraint \"");
  if (at == std::string::npos) return {};
  const size_t begin = at + 12;
  const size_t end = msg.find('"', begin);
  return end == std::string::npos ? std::string() : msg.substr(begin, end - begin);
}

Error FromSqlError(const pqxx::sql_error& e, std::string_view sql) {
  const std::string& state = e.sqlstate();
  const std::string msg = PrimaryMessage(e.what());
  if (state == "23505") {
    // The DETAIL line carries the row's values (emails, tokens): keep it out.
    return Error::Conflict("duplicate key violates unique constraint \"" + ConstraintName(msg) + "\"");
  }
  if (StartsWith(state, "23")) return Error::Conflict(msg);
  if (IsRetryable(state)) return Error::Unavailable("transaction conflict, retry: " + msg);
  if (StartsWith(state, "08") || StartsWith(state, "57P") || state == "53300" || state == "55P03") {
    return Error::Unavailable("postgresql: " + msg);
  }
  if (StartsWith(state, "22")) return Error::InvalidArgument("postgresql: " + msg);
  return Error::Internal("postgresql: " + msg + " (SQLSTATE " + state +
                         ") in: " + std::string(sql.substr(0, 200)));
}

// One libpq connection and its prepared statements.
class Connection {
 public:
  explicit Connection(const std::string& conninfo) : conn_(conninfo) {}

  pqxx::connection& conn() { return conn_; }

  // Name of the prepared statement for `sql` (with `?` placeholders),
  // registering it on first use; libpqxx prepares it on the server lazily.
  const std::string& Prepared(std::string_view sql) {
    auto it = names_.find(std::string(sql));
    if (it != names_.end()) return it->second;
    std::string name = "atelier_" + std::to_string(names_.size() + 1);
    conn_.prepare(name, internal::NumberPlaceholders(sql));
    return names_.emplace(std::string(sql), std::move(name)).first->second;
  }

  // Unique name for a scan cursor on this connection.
  std::string NextCursorName() { return "atelier_scan_" + std::to_string(++cursors_); }

  // Set when a statement failed with a lost connection; the pool replaces
  // the connection instead of reusing it.
  bool broken = false;

 private:
  pqxx::connection conn_;
  std::unordered_map<std::string, std::string> names_;  // SQL text -> statement name
  int64_t cursors_ = 0;
};

std::vector<const char*> ParamPointers(const Params& params, std::vector<std::string>& storage) {
  storage.clear();
  storage.reserve(params.size());
  std::vector<const char*> out(params.size(), nullptr);
  for (size_t i = 0; i < params.size(); ++i) {
    const Value& v = params[i];
    if (auto p = std::get_if<int64_t>(&v)) {
      storage.push_back(std::to_string(*p));
    } else if (auto p = std::get_if<double>(&v)) {
      char buf[64];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *p);
      storage.emplace_back(buf, ec == std::errc() ? end : buf);
    } else if (auto p = std::get_if<std::string>(&v)) {
      storage.push_back(*p);
    } else {
      continue;
    }
  }
  for (size_t i = 0, k = 0; i < params.size(); ++i) {
    if (params[i].index() != 0) out[i] = storage[k++].c_str();
  }
  return out;
}

Value ToValue(const pqxx::field& f) {
  if (f.is_null()) return std::monostate{};
  const char* text = f.c_str();
  const char* end = text + f.size();
  switch (f.type()) {
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
    case kOidOid: {
      int64_t n = 0;
      std::from_chars(text, end, n);
      return n;
    }
    case kBoolOid:
      return static_cast<int64_t>(text[0] == 't');
    case kFloat4Oid:
    case kFloat8Oid: {
      double d = 0;
      std::from_chars(text, end, d);
      return d;
    }
    case kNumericOid: {
      // SUM() and AVG() of integers are NUMERIC; whole numbers stay integers.
      int64_t n = 0;
      auto [ptr, ec] = std::from_chars(text, end, n);
      if (ec == std::errc() && ptr == end) return n;
      double d = 0;
      std::from_chars(text, end, d);
      return d;
    }
    default:
      return std::string(text, f.size());
  }
}

Row ToRow(const pqxx::row& r) {
  std::vector<Value> values;
  values.reserve(r.size());
  for (const auto& f : r) values.push_back(ToValue(f));
  return Row(std::move(values));
}

// Statements on one leased connection, inside `tx` (a real transaction, or
// a nontransaction for autocommit). Records failures so Transact can tell an
// aborted or retryable attempt even when the body swallows the error.
class PostgresSession final : public Session {
 public:
  PostgresSession(Connection& conn, pqxx::transaction_base& tx) : conn_(conn), tx_(tx) {}

  Result<std::vector<Row>> Query(std::string_view sql, const Params& params) override {
    return Run<std::vector<Row>>(sql, [&]() {
      pqxx::result r = ExecPrepared(sql, params);
      std::vector<Row> rows;
      rows.reserve(r.size());
      for (const auto& row : r) rows.push_back(ToRow(row));
      return rows;
    });
  }

  // Streams through a cursor so large scans do not sit in memory at once.
  // REQUIRES: `tx_` is a transaction block (cursors need one).
  Status QueryEach(std::string_view sql, const Params& params,
                   const std::function<bool(const Row&)>& on_row) override {
    auto scanned = Run<bool>(sql, [&]() {
      const std::string cursor = conn_.NextCursorName();
      std::vector<std::string> storage;
      const std::vector<const char*> values = ParamPointers(params, storage);
      tx_.exec_params("DECLARE " + cursor + " NO SCROLL CURSOR FOR " + internal::NumberPlaceholders(sql),
                      pqxx::prepare::make_dynamic_params(values));
      const std::string fetch = "FETCH FORWARD " + std::to_string(kFetchRows) + " FROM " + cursor;
      bool more = true;
      while (more) {
        pqxx::result r = tx_.exec(fetch);
        for (const auto& row : r) {
          if (!on_row(ToRow(row))) {
            more = false;
            break;
          }
        }
        if (r.size() < static_cast<size_t>(kFetchRows)) more = false;
      }
      tx_.exec("CLOSE " + cursor);
      return true;
    });
    if (!scanned.ok()) return scanned.error();
    return Ok();
  }

  Result<int64_t> Exec(std::string_view sql, const Params& params) override {
    return Run<int64_t>(sql,
                        [&]() { return static_cast<int64_t>(ExecPrepared(sql, params).affected_rows()); });
  }

  // The first statement error of this session, if any.
  const std::optional<Error>& first_error() const { return first_error_; }
  // True when a statement failed with a serialization failure or deadlock.
  bool retryable() const { return retryable_; }

 private:
  pqxx::result ExecPrepared(std::string_view sql, const Params& params) {
    const std::string& name = conn_.Prepared(sql);
    std::vector<std::string> storage;
    const std::vector<const char*> values = ParamPointers(params, storage);
    return tx_.exec_prepared(name, pqxx::prepare::make_dynamic_params(values));
  }

  template <typename T, typename F>
  Result<T> Run(std::string_view sql, F&& f) {
    try {
      return f();
    } catch (const pqxx::broken_connection& e) {
      conn_.broken = true;
      return Fail(
          Error::Unavailable(std::string("lost the connection to PostgreSQL: ") + PrimaryMessage(e.what())));
    } catch (const pqxx::serialization_failure& e) {
      // libpqxx 6 reports 40001/40P01 outside sql_error (7 inside it).
      retryable_ = true;
      return Fail(Error::Unavailable("transaction conflict, retry: " + PrimaryMessage(e.what())));
    } catch (const pqxx::deadlock_detected& e) {
      retryable_ = true;
      return Fail(Error::Unavailable("transaction conflict, retry: " + PrimaryMessage(e.what())));
    } catch (const pqxx::sql_error& e) {
      if (IsRetryable(e.sqlstate())) retryable_ = true;
      return Fail(FromSqlError(e, sql));
    } catch (const pqxx::transaction_rollback& e) {
      return Fail(Error::Unavailable("postgresql rolled the transaction back: " + PrimaryMessage(e.what())));
    } catch (const pqxx::in_doubt_error& e) {
      conn_.broken = true;
      return Fail(Error::Unavailable(std::string("postgresql: outcome unknown: ") + e.what()));
    } catch (const std::exception& e) {
      return Fail(Error::Internal(std::string("postgresql: ") + e.what()));
    }
  }

  Error Fail(Error e) {
    if (!first_error_) first_error_ = e;
    return e;
  }

  Connection& conn_;
  pqxx::transaction_base& tx_;
  std::optional<Error> first_error_;
  bool retryable_ = false;
};

// The conninfo for a listener: TCP keepalives on, so a connection whose
// peer vanished (half-open) is noticed within seconds instead of never.
std::string ListenerConninfo(const std::string& conninfo) {
  return conninfo + (conninfo.find('?') == std::string::npos ? "?" : "&") +
         "keepalives=1&keepalives_idle=5&keepalives_interval=2&keepalives_count=3";
}

// Each topic's change counter (migration 6), in Topic order: a sequence's
// next value, so it moves with every counted change.
std::vector<int64_t> ReadChangeCounters(pqxx::connection& conn) {
  std::string sql = "SELECT ";
  for (int i = 0; i < kTopicCount; ++i) {
    if (i > 0) sql += ", ";
    sql += "(SELECT last_value + CASE WHEN is_called THEN 1 ELSE 0 END FROM " +
           internal::ChangeCounterName(static_cast<Topic>(i)) + ")";
  }
  pqxx::nontransaction tx(conn);
  pqxx::result r = tx.exec(sql);
  std::vector<int64_t> out;
  for (int i = 0; i < kTopicCount; ++i) out.push_back(r[0][i].as<int64_t>());
  return out;
}

// A subscription: a thread that LISTENs on its own connection and hands
// the topics it hears (and those its periodic counter check finds changed
// without a notification) to a ChangeDelivery.
class PostgresListener final : public Subscription {
 public:
  PostgresListener(const std::string& conninfo, ChangeHandler handler, const SubscribeOptions& options)
      : conninfo_(ListenerConninfo(conninfo)), options_(options), delivery_(std::move(handler), options.coalesce) {}

  ~PostgresListener() override {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

  // Connects and starts listening; errors: kUnavailable.
  Status Start() {
    try {
      Connect();
    } catch (const std::exception& e) {
      return Error::Unavailable("cannot listen for store changes: " + PrimaryMessage(e.what()));
    }
    thread_ = std::thread([this] { Run(); });
    return Ok();
  }

 private:
  class Receiver final : public pqxx::notification_receiver {
   public:
    Receiver(pqxx::connection_base& conn, Topics& heard)
        : pqxx::notification_receiver(conn, internal::kChangeChannel), heard_(heard) {}
    void operator()(const std::string& payload, int /*backend_pid*/) override {
      // A payload this build does not know (a newer replica's topic): all.
      std::optional<Topic> topic = ParseTopic(payload);
      if (topic) {
        heard_.set(static_cast<int>(*topic));
      } else {
        heard_.set();
      }
    }

   private:
    Topics& heard_;
  };

  // LISTENs on a new connection, then reads the counters: a change
  // committed before the LISTEN shows in them, one after it is heard.
  void Connect() {
    receiver_.reset();
    conn_ = std::make_unique<pqxx::connection>(conninfo_);
    receiver_ = std::make_unique<Receiver>(*conn_, heard_);
    counters_ = ReadChangeCounters(*conn_);
  }

  void Run() {
    auto next_check = std::chrono::steady_clock::now() + options_.check_interval;
    std::chrono::milliseconds backoff(100);
    Topics heard_since_check;
    while (!stop_) {
      try {
        if (!conn_) {
          Connect();
          // Whatever changed while the connection was down went unheard.
          delivery_.Add(AllTopics());
          backoff = std::chrono::milliseconds(100);
          Log("listening for store changes again");
        }
        conn_->await_notification(0, 200'000);
        if (heard_.any()) {
          delivery_.Add(heard_);
          heard_since_check |= heard_;
          heard_.reset();
        }
        if (std::chrono::steady_clock::now() >= next_check) {
          // Also the liveness probe of the connection.
          std::vector<int64_t> counters = ReadChangeCounters(*conn_);
          Topics unheard;
          for (int i = 0; i < kTopicCount; ++i) {
            if (counters[i] != counters_[i] && !heard_since_check.test(i)) unheard.set(i);
          }
          if (unheard.any()) {
            Log("store changes to " + TopicsString(unheard) + " came without a notification");
            delivery_.Add(unheard);
          }
          counters_ = std::move(counters);
          heard_since_check.reset();
          next_check = std::chrono::steady_clock::now() + options_.check_interval;
        }
      } catch (const std::exception& e) {
        Log("lost the store change listener connection (" + PrimaryMessage(e.what()) + "); reconnecting in " +
            std::to_string(backoff.count()) + " ms");
        receiver_.reset();
        conn_.reset();
        for (auto waited = std::chrono::milliseconds(0); waited < backoff && !stop_;
             waited += std::chrono::milliseconds(50)) {
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        backoff = std::min(backoff * 2, options_.max_reconnect_backoff);
      }
    }
    receiver_.reset();
    conn_.reset();
  }

  void Log(const std::string& message) {
    if (options_.log) options_.log(message);
  }

  const std::string conninfo_;
  const SubscribeOptions options_;
  internal::ChangeDelivery delivery_;
  std::atomic<bool> stop_{false};
  // Used by Start() before the thread exists, then only by the thread.
  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<Receiver> receiver_;  // registered on conn_
  Topics heard_;                        // filled by receiver_
  std::vector<int64_t> counters_;       // at the last check
  std::thread thread_;
};

class PostgresDatabase final : public Database {
 public:
  PostgresDatabase(std::string conninfo, int pool_size, const DatabaseOptions& options)
      : conninfo_(std::move(conninfo)), pool_size_(pool_size), options_(options) {}

  // Opens the first connection, so a bad URL fails at open.
  Status Connect() {
    auto lease = Lease();
    if (!lease.ok()) return lease.error();
    Release(std::move(*lease));
    return Ok();
  }

  Result<std::vector<Row>> Query(std::string_view sql, const Params& params) override {
    return Autocommit<std::vector<Row>>([&](Session& s) { return s.Query(sql, params); });
  }

  Status QueryEach(std::string_view sql, const Params& params,
                   const std::function<bool(const Row&)>& on_row) override {
    ATELIER_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, Lease());
    Status result;
    try {
      pqxx::work tx(conn->conn());
      PostgresSession session(*conn, tx);
      result = session.QueryEach(sql, params, on_row);
      if (result.ok()) tx.commit();
    } catch (const pqxx::broken_connection& e) {
      conn->broken = true;
      result = Error::Unavailable(std::string("lost the connection to PostgreSQL: ") + e.what());
    } catch (const std::exception& e) {
      result = Error::Internal(std::string("postgresql: ") + e.what());
    }
    Release(std::move(conn));
    return result;
  }

  Result<int64_t> Exec(std::string_view sql, const Params& params) override {
    return Autocommit<int64_t>([&](Session& s) { return s.Exec(sql, params); });
  }

  Status Transact(const std::function<Status(Session&)>& body) override {
    const int attempts = std::max(1, options_.transaction_attempts);
    Status last = Error::Unavailable("no transaction attempt was made");
    for (int attempt = 0; attempt < attempts; ++attempt) {
      if (attempt > 0) Backoff(attempt);
      ATELIER_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, Lease());
      bool retry = false;
      Status result;
      try {
        pqxx::transaction<pqxx::serializable> tx(conn->conn());
        PostgresSession session(*conn, tx);
        Status s = body(session);
        if (session.retryable()) {
          retry = true;
          last = session.first_error().value_or(Error::Unavailable("serialization failure"));
        } else if (!s.ok()) {
          result = s;
        } else if (session.first_error()) {
          // The body went on past a failed statement; PostgreSQL has already
          // aborted the transaction, so nothing of it can commit.
          result = *session.first_error();
        } else {
          tx.commit();
        }
      } catch (const pqxx::broken_connection& e) {
        conn->broken = true;
        result =
            Error::Unavailable(std::string("lost the connection to PostgreSQL: ") + PrimaryMessage(e.what()));
      } catch (const pqxx::in_doubt_error& e) {
        conn->broken = true;
        result = Error::Unavailable(std::string("postgresql: commit outcome unknown: ") + e.what());
      } catch (const pqxx::serialization_failure& e) {
        retry = true;
        last = Error::Unavailable(PrimaryMessage(e.what()));
      } catch (const pqxx::deadlock_detected& e) {
        retry = true;
        last = Error::Unavailable(PrimaryMessage(e.what()));
      } catch (const pqxx::transaction_rollback& e) {
        result = Error::Unavailable("postgresql rolled the transaction back: " + PrimaryMessage(e.what()));
      } catch (const pqxx::sql_error& e) {
        if (IsRetryable(e.sqlstate())) {
          retry = true;
          last = FromSqlError(e, "COMMIT");
        } else {
          result = FromSqlError(e, "COMMIT");
        }
      } catch (const std::exception& e) {
        result = Error::Internal(std::string("postgresql: ") + e.what());
      }
      Release(std::move(conn));
      if (!retry) return result;
    }
    return Error::Unavailable("transaction gave up after " + std::to_string(attempts) +
                              " attempts on serialization conflicts: " + last.error().message);
  }

  Result<std::unique_ptr<Subscription>> Subscribe(ChangeHandler on_change,
                                                  const SubscribeOptions& options) override {
    auto listener = std::make_unique<PostgresListener>(conninfo_, std::move(on_change), options);
    ATELIER_RETURN_IF_ERROR(listener->Start());
    return std::unique_ptr<Subscription>(std::move(listener));
  }

  Status Announce(Topic topic) override {
    auto sent = Query("SELECT nextval(CAST(? AS regclass)), pg_notify(?, ?)",
                      {internal::ChangeCounterName(topic), std::string(internal::kChangeChannel),
                       std::string(TopicName(topic))});
    if (!sent.ok()) return sent.error();
    return Ok();
  }

  std::string_view backend() const override { return "postgresql"; }

  int schema_version() override {
    auto rows = Query("SELECT MAX(version) FROM schema_version", {});
    if (!rows.ok() || rows->empty()) return 0;
    return static_cast<int>((*rows)[0].Int(0));
  }

  // Applies pending migrations, each in its own transaction, holding the
  // migration advisory lock so concurrent openers wait for each other.
  Status Migrate() {
    ATELIER_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, Lease());
    Status result;
    try {
      // A session-level lock: it spans the transactions below.
      pqxx::nontransaction(conn->conn())
          .exec("SELECT pg_advisory_lock(" + std::to_string(kMigrationLockKey) + ")");
      result = ApplyPending(*conn);
      pqxx::nontransaction(conn->conn())
          .exec("SELECT pg_advisory_unlock(" + std::to_string(kMigrationLockKey) + ")");
    } catch (const pqxx::broken_connection& e) {
      conn->broken = true;
      result =
          Error::Unavailable(std::string("lost the connection to PostgreSQL while migrating: ") + e.what());
    } catch (const std::exception& e) {
      // Dropping the connection releases the advisory lock with the session.
      conn->broken = true;
      result = Error::Unavailable(std::string("migrating the PostgreSQL store failed: ") + e.what());
    }
    Release(std::move(conn));
    return result;
  }

 private:
  Status ApplyPending(Connection& conn) {
    {
      pqxx::nontransaction tx(conn.conn());
      tx.exec(
          "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT PRIMARY KEY, name TEXT NOT NULL, "
          "applied_at BIGINT NOT NULL DEFAULT (EXTRACT(EPOCH FROM now())::BIGINT))");
    }
    std::set<int64_t> applied;
    {
      pqxx::nontransaction tx(conn.conn());
      for (const auto& row : tx.exec("SELECT version FROM schema_version")) applied.insert(row[0].as<int64_t>());
    }
    for (const Migration* pending : PendingMigrations(applied)) {
      const Migration& m = *pending;
      try {
        pqxx::work tx(conn.conn());
        for (const std::string& stmt : m.postgresql) tx.exec(stmt);
        tx.exec_params("INSERT INTO schema_version (version, name) VALUES ($1, $2)", m.version, m.name);
        tx.commit();
      } catch (const pqxx::sql_error& e) {
        return Error::Unavailable("migration " + std::to_string(m.version) + " (" + m.name +
                                  ") failed: " + PrimaryMessage(e.what()));
      }
    }
    return Ok();
  }

  // Runs one statement outside any transaction block (autocommit).
  template <typename T>
  Result<T> Autocommit(const std::function<Result<T>(Session&)>& statement) {
    ATELIER_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, Lease());
    std::optional<Result<T>> result;
    try {
      pqxx::nontransaction tx(conn->conn());
      PostgresSession session(*conn, tx);
      result.emplace(statement(session));
    } catch (const pqxx::broken_connection& e) {
      conn->broken = true;
      result.emplace(Error::Unavailable(std::string("lost the connection to PostgreSQL: ") + e.what()));
    } catch (const std::exception& e) {
      result.emplace(Error::Internal(std::string("postgresql: ") + e.what()));
    }
    Release(std::move(conn));
    return std::move(*result);
  }

  // Takes a free connection, opening a new one while the pool has room;
  // waits up to busy_timeout_ms otherwise.
  Result<std::unique_ptr<Connection>> Lease() {
    {
      std::unique_lock lock(mu_);
      const bool got = cv_.wait_for(lock, std::chrono::milliseconds(options_.busy_timeout_ms),
                                    [this] { return !free_.empty() || open_ < pool_size_; });
      if (!got) {
        return Error::Unavailable("all " + std::to_string(pool_size_) +
                                  " PostgreSQL connections stayed busy for " +
                                  std::to_string(options_.busy_timeout_ms) + " ms");
      }
      if (!free_.empty()) {
        std::unique_ptr<Connection> conn = std::move(free_.back());
        free_.pop_back();
        return conn;
      }
      ++open_;  // reserve the slot; connect without holding the lock
    }
    try {
      return std::make_unique<Connection>(conninfo_);
    } catch (const std::exception& e) {
      {
        std::lock_guard lock(mu_);
        --open_;
      }
      cv_.notify_one();
      return Error::Unavailable("cannot connect to PostgreSQL: " + PrimaryMessage(e.what()));
    }
  }

  void Release(std::unique_ptr<Connection> conn) {
    const bool usable = conn && !conn->broken && conn->conn().is_open();
    {
      std::lock_guard lock(mu_);
      if (usable) {
        free_.push_back(std::move(conn));
      } else {
        --open_;
      }
    }
    if (!usable) conn.reset();
    cv_.notify_one();
  }

  // Sleeps a random time below an exponentially growing cap (full jitter),
  // so contending transactions spread out instead of colliding again.
  static void Backoff(int attempt) {
    thread_local std::mt19937 rng(std::random_device{}());
    const int cap_us = std::min(100'000, 500 << std::min(attempt, 10));
    std::uniform_int_distribution<int> pick(0, cap_us);
    std::this_thread::sleep_for(std::chrono::microseconds(pick(rng)));
  }

  const std::string conninfo_;
  const int pool_size_;
  const DatabaseOptions options_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> free_;  // guarded by mu_
  int open_ = 0;                                   // guarded by mu_: leased + free + connecting
};

}  // namespace

Result<std::unique_ptr<Database>> OpenPostgres(const std::string& url, const DatabaseOptions& options) {
  std::string error;
  internal::PostgresUrl parsed = internal::ParsePostgresUrl(url, &error);
  if (!error.empty()) return Error::InvalidArgument(error, "store");
  const int pool = parsed.pool > 0 ? parsed.pool : std::max(1, options.pool_connections);
  auto db = std::make_unique<PostgresDatabase>(parsed.conninfo, pool, options);
  ATELIER_RETURN_IF_ERROR(db->Connect());
  ATELIER_RETURN_IF_ERROR(db->Migrate());
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace atelier::store
