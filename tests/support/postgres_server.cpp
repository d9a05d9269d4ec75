#include "support/postgres_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

#include "support/child_process.h"

namespace sy::testing {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const char* const user = "switchyard";  // the server's superuser, and the test login

struct RunAs {
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

// fork + exec with stdin from /dev/null and stdout/stderr appended to `log`. Between fork and
// exec the child makes only async-signal-safe calls (the parent has test threads).
pid_t spawn(const std::vector<std::string>& argv, const std::string& log, const RunAs& as, bool die_with_parent) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (log_fd < 0 || null_fd < 0) {
    if (log_fd >= 0) ::close(log_fd);
    if (null_fd >= 0) ::close(null_fd);
    return -1;
  }
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(null_fd, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    ::close_range(3, ~0U, 0);  // the test's sockets and databases are not the server's business
    if (as.switch_user && (::setgroups(0, nullptr) != 0 || ::setgid(as.gid) != 0 || ::setuid(as.uid) != 0)) ::_exit(126);
    // After setuid, which clears it. If the test process dies, the server shuts down fast.
    if (die_with_parent && (::prctl(PR_SET_PDEATHSIG, SIGINT) != 0 || ::getppid() != parent)) ::_exit(125);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(log_fd);
  ::close(null_fd);
  return pid;
}

// The child's wait status once it exits before `deadline`; nullopt if it is still running.
std::optional<int> wait_until(pid_t pid, Clock::time_point deadline) {
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) return status;
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// A port nothing listens on now. Another process may take it before the server binds it: the
// caller retries with a new one when the server says so.
std::string random_hex(size_t n) {
  std::random_device rd;
  std::string out;
  while (out.size() < n) out += "0123456789abcdef"[rd() % 16];
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool valid_database_name(const std::string& name) {
  if (name.empty() || name.size() > 60) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

}  // namespace

PostgresServer::PostgresServer(PostgresServerOptions options) {
  auto started = Clock::now();
  ok_ = start(options);
  startup_seconds_ = std::chrono::duration<double>(Clock::now() - started).count();
  if (!ok_) stop();
}

PostgresServer::~PostgresServer() { stop(); }

bool PostgresServer::fail(std::string why) {
  error_ = "PostgreSQL test server: " + std::move(why);
  return false;
}

std::string PostgresServer::log_tail() const {
  std::string log = read_file(dir_ + "/postgres.log") + read_file(dir_ + "/initdb.log");
  if (log.size() > 2000) log = "..." + log.substr(log.size() - 2000);
  return log.empty() ? "" : "\n--- log ---\n" + log;
}

std::string PostgresServer::url_for(const std::string& database) const {
  return "postgres://" + std::string(user) + ":" + password_ + "@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

bool PostgresServer::start(const PostgresServerOptions& options) {
  std::string bin = options.bin_dir;
  if (bin.empty()) bin = std::getenv("SWITCHYARD_PG_BIN") ? std::getenv("SWITCHYARD_PG_BIN") : "/usr/lib/postgresql/15/bin";
  for (const char* tool : {"initdb", "postgres"}) {
    if (::access((bin + "/" + tool).c_str(), X_OK) != 0) {
      missing_ = true;
      return fail(bin + "/" + tool + " not found: install postgresql-15 (scripts/setup) or set SWITCHYARD_PG_BIN");
    }
  }

  RunAs as;
  if (::geteuid() == 0) {
    struct passwd* pw = ::getpwnam("postgres");
    if (!pw) return fail("running as root, and there is no 'postgres' user to run the server as (PostgreSQL refuses root)");
    as = RunAs{true, pw->pw_uid, pw->pw_gid};
  }

  std::error_code ec;
  std::string tmpl = (fs::temp_directory_path(ec) / "switchyard-pg-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) return fail("cannot create a directory under " + fs::temp_directory_path(ec).string());
  dir_ = tmpl;
  password_ = random_hex(24);
  std::string pwfile = dir_ + "/pwfile";
  std::ofstream(pwfile) << password_ << "\n";
  if (as.switch_user) {
    if (::chown(dir_.c_str(), as.uid, as.gid) != 0 || ::chown(pwfile.c_str(), as.uid, as.gid) != 0)
      return fail("cannot give " + dir_ + " to the postgres user");
  }

  // Password logins over TCP (what the store's URLs do); the socket is for nobody else anyway.
  // --no-sync only skips syncing initdb's own files: the server runs with fsync on.
  auto deadline = Clock::now() + options.timeout;
  pid_t initdb = spawn({bin + "/initdb", "-D", dir_ + "/data", "-U", user, "--pwfile=" + pwfile, "--auth-local=trust",
                        "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"},
                       dir_ + "/initdb.log", as, false);
  if (initdb < 0) return fail("cannot run initdb");
  auto status = wait_until(initdb, deadline);
  if (!status) {
    ::kill(initdb, SIGKILL);
    ::waitpid(initdb, nullptr, 0);
    return fail("initdb took longer than " + std::to_string(options.timeout.count()) + " s" + log_tail());
  }
  if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) return fail("initdb failed" + log_tail());

  for (int attempt = 0; attempt < 3; ++attempt) {
    port_ = free_loopback_port();
    if (port_ == 0) return fail("no free port on 127.0.0.1");
    std::vector<std::string> argv{bin + "/postgres", "-D", dir_ + "/data", "-p", std::to_string(port_),
                                  "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + dir_,
                                  "-c", "fsync=on", "-c", "shared_buffers=16MB", "-c", "max_connections=100",
                                  "-c", "logging_collector=off"};
    for (const auto& s : options.settings) argv.insert(argv.end(), {"-c", s});
    pid_ = spawn(argv, dir_ + "/postgres.log", as, true);
    if (pid_ < 0) return fail("cannot run postgres");

    std::string ping = "host=127.0.0.1 port=" + std::to_string(port_) + " dbname=postgres user=" + user +
                       " connect_timeout=2";
    auto ready_deadline = Clock::now() + options.timeout;
    bool ready = false, exited = false;
    while (!ready && !exited && Clock::now() < ready_deadline) {
      if (wait_until(pid_, Clock::now())) {
        exited = true;
        pid_ = -1;
      } else if (PQping(ping.c_str()) == PQPING_OK) {
        ready = true;
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    if (exited) {
      if (read_file(dir_ + "/postgres.log").find("could not bind") != std::string::npos) continue;  // port taken
      return fail("the server exited while starting" + log_tail());
    }
    if (!ready) return fail("the server did not accept connections within " + std::to_string(options.timeout.count()) + " s" + log_tail());

    url_ = url_for(user);
    std::string why;
    if (create_database(user, &why).empty()) return fail(why);
    return true;
  }
  return fail("could not bind a free port in three tries" + log_tail());
}

std::string PostgresServer::create_database(const std::string& name, std::string* error) {
  auto set_error = [&](std::string why) {
    if (error) *error = "CREATE DATABASE " + name + ": " + why;
    return std::string();
  };
  if (!valid_database_name(name)) return set_error("use lowercase letters, digits and '_'");
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(url_for("postgres").c_str()), &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) return set_error(PQerrorMessage(conn.get()));
  std::unique_ptr<PGresult, decltype(&PQclear)> res(PQexec(conn.get(), ("CREATE DATABASE " + name).c_str()), &PQclear);
  if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) return set_error(PQresultErrorMessage(res.get()));
  return url_for(name);
}

void PostgresServer::stop() {
  if (pid_ > 0) {
    // Our own child only, by PID. SIGQUIT is `pg_ctl stop -m immediate`: no shutdown checkpoint,
    // which with fsync on takes seconds per database here (measured: 18 s for ten), for data
    // that is deleted next anyway. SIGKILL is the last resort.
    for (auto [signal, seconds] : {std::pair{SIGQUIT, 10}, std::pair{SIGKILL, 5}}) {
      ::kill(pid_, signal);
      if (wait_until(pid_, Clock::now() + std::chrono::seconds(seconds))) break;
    }
    pid_ = -1;
  }
  if (!dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
    dir_.clear();
  }
}

}  // namespace sy::testing
