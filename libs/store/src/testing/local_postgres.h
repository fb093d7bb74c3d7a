#pragma once
// A throwaway PostgreSQL server for tests: `initdb` into a temporary
// directory, `pg_ctl start` on a free loopback port (unix sockets in the same
// directory), torn down and deleted when the object goes.
//
// The binaries come from $ATELIER_PG_BINDIR, else /usr/lib/postgresql/15/bin
// (Debian's `postgresql` package). PostgreSQL refuses to run as root: when the
// process is root, the server runs as the `postgres` system user, which owns
// the temporary directory.
//
// Thread-safety: CreateDatabase() may be called from many threads.

#include <atomic>
#include <memory>
#include <string>

#include "atelier/core/result.h"

namespace atelier::store::testing {

class LocalPostgres {
 public:
  // Starts a server. kNotFound when the PostgreSQL binaries are absent (tests
  // skip), kUnavailable when the server would not start (tests fail).
  static Result<std::unique_ptr<LocalPostgres>> Start();

  // One server shared by the whole test process, started on first use and
  // stopped at exit; the same error as Start() when it cannot run.
  static Result<LocalPostgres*> Shared();

  // A new empty database on the Shared() server: its URL, or Shared()'s
  // error (kNotFound: skip the test).
  static Result<std::string> SharedDatabase();

  ~LocalPostgres();
  LocalPostgres(const LocalPostgres&) = delete;
  LocalPostgres& operator=(const LocalPostgres&) = delete;

  // Creates an empty database and returns its postgresql:// URL.
  Result<std::string> CreateDatabase();

  // URL of database `name` on this server.
  std::string Url(const std::string& name) const;
  int port() const { return port_; }

 private:
  LocalPostgres() = default;

  std::string bindir_;
  std::string dir_;  // temporary directory: data/, the socket and the log
  int port_ = 0;
  bool running_ = false;
  std::atomic<int> next_db_{0};
};

}  // namespace atelier::store::testing
