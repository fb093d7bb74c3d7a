#include "testing/local_postgres.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <pqxx/pqxx>
#include <sstream>
#include <vector>

namespace atelier::store::testing {

namespace {

namespace fs = std::filesystem;

constexpr const char* kSuperuser = "atelier";

// A free TCP port on 127.0.0.1 (bound to port 0, then released).
int FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

// The user the server runs as: ourselves, or `postgres` when we are root.
struct RunAs {
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

Result<RunAs> ServerUser() {
  RunAs out;
  if (geteuid() != 0) return out;
  const passwd* pw = getpwnam("postgres");
  if (pw == nullptr) {
    return Error::Unavailable("running as root and there is no 'postgres' user to run PostgreSQL as");
  }
  out.switch_user = true;
  out.uid = pw->pw_uid;
  out.gid = pw->pw_gid;
  return out;
}

// Runs `argv` (as `user`), output appended to `log`; returns its exit status.
// Everything the child needs is prepared before fork(): after it, only
// async-signal-safe calls.
int Run(const std::vector<std::string>& argv, const RunAs& user, const std::string& log) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int out = open(log.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  pid_t pid = fork();
  if (pid < 0) {
    if (out >= 0) close(out);
    return -1;
  }
  if (pid == 0) {
    if (user.switch_user) {
      if (setgroups(0, nullptr) != 0 || setgid(user.gid) != 0 || setuid(user.uid) != 0) _exit(126);
    }
    if (out >= 0) {
      dup2(out, 1);
      dup2(out, 2);
    }
    execv(args[0], args.data());
    _exit(127);
  }
  if (out >= 0) close(out);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string Tail(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  return text.size() > 2000 ? text.substr(text.size() - 2000) : text;
}

}  // namespace

Result<std::unique_ptr<LocalPostgres>> LocalPostgres::Start() {
  const char* env = std::getenv("ATELIER_PG_BINDIR");
  std::string bindir = env != nullptr && *env != '\0' ? env : "/usr/lib/postgresql/15/bin";
  for (const char* tool : {"initdb", "pg_ctl", "postgres"}) {
    if (access((bindir + "/" + tool).c_str(), X_OK) != 0) {
      return Error::NotFound("PostgreSQL binaries not found: no " + bindir + "/" + tool +
                             " (install Debian's postgresql or set ATELIER_PG_BINDIR)");
    }
  }
  ATELIER_ASSIGN_OR_RETURN(RunAs user, ServerUser());

  std::unique_ptr<LocalPostgres> pg(new LocalPostgres());
  pg->bindir_ = bindir;
  char tmpl[] = "/tmp/atelier-pg-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return Error::Unavailable("cannot create a temporary directory");
  pg->dir_ = tmpl;
  if (user.switch_user && chown(tmpl, user.uid, user.gid) != 0) {
    return Error::Unavailable("cannot hand " + pg->dir_ + " to the postgres user");
  }
  const std::string data = pg->dir_ + "/data";
  const std::string log = pg->dir_ + "/setup.log";
  const std::string server_log = pg->dir_ + "/server.log";
  if (Run({bindir + "/initdb", "-D", data, "-U", kSuperuser, "--auth=trust", "--encoding=UTF8", "--locale=C",
           "--no-sync"},
          user, log) != 0) {
    return Error::Unavailable("initdb failed:\n" + Tail(log));
  }
  // A few attempts: another process may take the free port before we bind it.
  for (int attempt = 0; attempt < 5 && !pg->running_; ++attempt) {
    pg->port_ = FreeLoopbackPort();
    const std::string options = "-p " + std::to_string(pg->port_) + " -k " + pg->dir_ +
                                " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
                                "-c full_page_writes=off -c max_connections=200 -c shared_buffers=32MB";
    if (Run({bindir + "/pg_ctl", "-D", data, "-l", server_log, "-o", options, "-w", "-t", "60", "start"},
            user, log) == 0) {
      pg->running_ = true;
    }
  }
  if (!pg->running_) return Error::Unavailable("pg_ctl start failed:\n" + Tail(log) + Tail(server_log));
  return pg;
}

Result<LocalPostgres*> LocalPostgres::Shared() {
  static std::once_flag once;
  static std::unique_ptr<LocalPostgres> server;
  static Error failure;
  std::call_once(once, [] {
    auto started = Start();
    if (started.ok()) {
      server = std::move(*started);
    } else {
      failure = started.error();
    }
  });
  if (!server) return failure;
  return server.get();
}

Result<std::string> LocalPostgres::SharedDatabase() {
  ATELIER_ASSIGN_OR_RETURN(LocalPostgres * server, Shared());
  return server->CreateDatabase();
}

LocalPostgres::~LocalPostgres() {
  if (running_) {
    auto user = ServerUser();
    if (user.ok()) {
      (void)Run({bindir_ + "/pg_ctl", "-D", dir_ + "/data", "-m", "immediate", "-w", "stop"}, *user,
                dir_ + "/setup.log");
    }
  }
  if (!dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

std::string LocalPostgres::Url(const std::string& name) const {
  return "postgresql://" + std::string(kSuperuser) + "@127.0.0.1:" + std::to_string(port_) + "/" + name;
}

Result<std::string> LocalPostgres::CreateDatabase() {
  const std::string name = "t" + std::to_string(getpid()) + "_" + std::to_string(next_db_++);
  try {
    pqxx::connection conn(Url("postgres"));
    pqxx::nontransaction tx(conn);
    tx.exec("CREATE DATABASE " + name + " TEMPLATE template0");
  } catch (const std::exception& e) {
    return Error::Unavailable(std::string("cannot create a test database: ") + e.what());
  }
  return Url(name);
}

}  // namespace atelier::store::testing
