// The Db layer: values, parameters, errors and transactions, the same on both backends; URL
// handling and the failures that must not leak a password.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <limits>
#include <thread>

#include "store/db.h"
#include "store/store_fixture.h"

namespace sy::store::testing {
namespace {

constexpr auto npos = std::string::npos;

std::unique_ptr<Db> open_or_fail(const std::string& url, const DbOptions& options = {}) {
  auto db = open_db(url, options);
  if (!db) {
    ADD_FAILURE() << db.error().message;
    return nullptr;
  }
  return std::move(*db);
}

// --- no database needed ---

TEST(StoreBasics, RowConvertsBetweenTypes) {
  Row r{{std::monostate{}, int64_t{42}, 2.5, std::string("17"), std::string("x")}};
  EXPECT_TRUE(r.is_null(0));
  EXPECT_FALSE(r.is_null(1));
  EXPECT_EQ(r.integer(0), 0);
  EXPECT_EQ(r.real(0), 0);
  EXPECT_EQ(r.text(0), "");
  EXPECT_EQ(r.integer(1), 42);
  EXPECT_EQ(r.real(1), 42.0);
  EXPECT_EQ(r.text(1), "42");
  EXPECT_EQ(r.integer(2), 2);
  EXPECT_EQ(r.real(2), 2.5);
  EXPECT_EQ(r.text(2), "2.5");
  EXPECT_EQ(r.integer(3), 17);
  EXPECT_EQ(r.real(3), 17.0);
  EXPECT_EQ(r.integer(4), 0);  // text that is no number
  EXPECT_THROW((void)r.text(9), std::out_of_range);
}

TEST(StoreBasics, RedactUrlHidesPasswords) {
  EXPECT_EQ(redact_url("postgres://u:s3cret@h:5432/db"), "postgres://u:***@h:5432/db");
  EXPECT_EQ(redact_url("postgres://u@h/db"), "postgres://u@h/db");
  EXPECT_EQ(redact_url("postgresql://u:p@ss@h/db?sslmode=require&password=other"),
            "postgresql://u:***@h/db?sslmode=require&password=***");
  EXPECT_EQ(redact_url("sqlite:var/x.db"), "sqlite:var/x.db");
  EXPECT_EQ(url_passwords("postgres://u:a%40b@h/db?password=two"), (std::vector<std::string>{"a%40b", "two"}));
}

TEST(StoreBasics, UnknownSchemeIs400AndEchoesOnlyTheScheme) {
  auto db = open_db("mysql://root:hunter2pw@db/x");
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().status, 400);
  EXPECT_NE(db.error().message.find("'mysql:...'"), npos) << db.error().message;
  EXPECT_EQ(db.error().message.find("hunter2pw"), npos) << db.error().message;

  auto store = Store::open("var/switchyard.db");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().status, 400);
  auto empty = Store::open("sqlite:");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().status, 400);
}

TEST(SqliteDb, CannotOpenIs503AndNamesThePath) {
  auto db = open_db("sqlite:/proc/switchyard-none/store.db");
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().status, 503);
  EXPECT_NE(db.error().message.find("/proc/switchyard-none/store.db"), npos) << db.error().message;
}

TEST(SqliteDb, MemoryDatabaseIsSharedWithinTheProcess) {
  auto a = open_or_fail("sqlite::memory:");
  auto b = open_or_fail("sqlite::memory:");
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->exec_script("CREATE TABLE t (x BIGINT); INSERT INTO t VALUES (7)"));
  auto rows = b->query("SELECT x FROM t");
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().integer(0), 7);

  // A second writer waits for the first (busy timeout) rather than failing.
  ASSERT_TRUE(a->begin_write());
  std::thread writer([&] {
    auto s = b->begin_write();
    EXPECT_TRUE(s) << s.error().message;
    if (s) {
      EXPECT_TRUE(b->commit());
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_TRUE(a->commit());
  writer.join();

  // Gone once every connection is closed.
  a.reset();
  b.reset();
  auto c = open_or_fail("sqlite::memory:");
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->query("SELECT x FROM t"));
}

TEST(PostgresDb, UnreachableServerIs503WithoutThePassword) {
  // A port that is bound but not listening refuses connections, every time.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  std::string port = std::to_string(ntohs(addr.sin_port));

  auto started = std::chrono::steady_clock::now();
  auto store = Store::open("postgres://alice:pw-9f8e7d@127.0.0.1:" + port + "/switchyard");
  ::close(fd);
  ASSERT_FALSE(store);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  EXPECT_EQ(store.error().status, 503);
  const auto& message = store.error().message;
  EXPECT_NE(message.find("postgres://alice:***@127.0.0.1:" + port), npos) << message;
  EXPECT_NE(message.find("refused"), npos) << message;
  EXPECT_EQ(message.find("pw-9f8e7d"), npos) << message;
}

TEST(PostgresDb, MalformedUrlIs400WithoutThePassword) {
  auto store = Store::open("postgresql://alice:pw-9f8e7d@127.0.0.1:5432/db?no_such_option=1");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().status, 400);
  EXPECT_NE(store.error().message.find("no_such_option"), npos) << store.error().message;
  EXPECT_EQ(store.error().message.find("pw-9f8e7d"), npos) << store.error().message;
}

TEST(PostgresServerTest, WrongPasswordIsRefusedWithoutEchoingIt) {
  auto& pg = shared_postgres();
  if (!pg.ok()) {
    if (pg.missing()) GTEST_SKIP() << pg.error();
    FAIL() << pg.error();
  }
  auto store = Store::open("postgres://switchyard:wrong-pw-4711@127.0.0.1:" + std::to_string(pg.port()) + "/switchyard");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().status, 503);
  EXPECT_NE(store.error().message.find("password authentication failed"), npos) << store.error().message;
  EXPECT_EQ(store.error().message.find("wrong-pw-4711"), npos) << store.error().message;
}

TEST(PostgresServerTest, ADroppedConnectionIsReopenedForTheNextCall) {
  auto& pg = shared_postgres();
  if (!pg.ok()) {
    if (pg.missing()) GTEST_SKIP() << pg.error();
    FAIL() << pg.error();
  }
  std::string error;
  std::string url = pg.create_database("reconnect", &error);
  ASSERT_FALSE(url.empty()) << error;
  auto store = Store::open(url);
  ASSERT_TRUE(store) << store.error().message;
  auto pid = (*store)->db().query("SELECT pg_backend_pid()");
  ASSERT_TRUE(pid);
  // What a server restart or an idle-connection reaper does to a replica's connection.
  auto admin = open_or_fail(url);
  ASSERT_TRUE(admin);
  const Value target[] = {pid->front().integer(0)};
  ASSERT_TRUE(admin->exec("SELECT pg_terminate_backend($1)", target));

  auto first = (*store)->generation();  // may fail: the connection was found broken here
  if (!first) {
    EXPECT_EQ(first.error().status, 503);
    EXPECT_EQ(first.error().message.find(pg.password()), npos) << first.error().message;
  }
  auto second = (*store)->generation();
  EXPECT_TRUE(second) << second.error().message;
  EXPECT_TRUE((*store)->append_audit({AuditEntry{}}));
}

// --- both backends ---

TEST_P(StoreTest, ValuesRoundTrip) {
  auto db = open_or_fail(url());
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->exec("CREATE TABLE v (i BIGINT, d DOUBLE PRECISION, t TEXT, n TEXT)"));
  const std::string text = "h\xc3\xa9llo 'quoted' \"x\" \xe4\xb8\xad";
  const Value params[] = {std::numeric_limits<int64_t>::max(), 0.1, text, std::monostate{}};
  ASSERT_TRUE(db->exec("INSERT INTO v (i, d, t, n) VALUES ($1, $2, $3, $4)", params));
  auto rows = db->query("SELECT i, d, t, n, COUNT(*) FROM v GROUP BY i, d, t, n");
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  const Row& r = rows->front();
  ASSERT_TRUE(std::holds_alternative<int64_t>(r.columns[0]));
  EXPECT_EQ(std::get<int64_t>(r.columns[0]), std::numeric_limits<int64_t>::max());
  ASSERT_TRUE(std::holds_alternative<double>(r.columns[1]));
  EXPECT_EQ(std::get<double>(r.columns[1]), 0.1);
  EXPECT_EQ(r.text(2), text);
  EXPECT_TRUE(r.is_null(3));
  ASSERT_TRUE(std::holds_alternative<int64_t>(r.columns[4]));
  EXPECT_EQ(r.integer(4), 1);
}

TEST_P(StoreTest, ParametersAreNumberedNotPositional) {
  auto db = open_or_fail(url());
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->exec("CREATE TABLE p (a TEXT, b TEXT)"));
  const Value insert[] = {std::string("first"), std::string("second")};
  ASSERT_TRUE(db->exec("INSERT INTO p (a, b) VALUES ($2, $1)", insert));
  const Value find[] = {std::string("second")};
  auto rows = db->query("SELECT a, b FROM p WHERE a = $1 OR b = $1", find);
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().text(0), "second");
  EXPECT_EQ(rows->front().text(1), "first");
  // A parameter the statement does not get is an error, not a silent NULL.
  EXPECT_FALSE(db->query("SELECT a FROM p WHERE a = $1"));
}

TEST_P(StoreTest, SqlErrorsAre503AndSayWhat) {
  auto db = open_or_fail(url());
  ASSERT_TRUE(db);
  auto rows = db->query("SELECT * FROM no_such_table");
  ASSERT_FALSE(rows);
  EXPECT_EQ(rows.error().status, 503);
  EXPECT_NE(rows.error().message.find("no_such_table"), npos) << rows.error().message;
  EXPECT_FALSE(db->exec_script("CREATE TABLE ok_table (x BIGINT); THIS IS NOT SQL"));
  // The connection is still usable after errors.
  EXPECT_TRUE(db->query("SELECT 1"));
}

TEST_P(StoreTest, RollbackDiscardsAndCommitKeeps) {
  auto db = open_or_fail(url());
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->exec("CREATE TABLE t (x BIGINT)"));
  ASSERT_TRUE(db->begin_write());
  ASSERT_TRUE(db->exec("INSERT INTO t VALUES (1)"));
  db->rollback();
  ASSERT_TRUE(db->begin_write());
  ASSERT_TRUE(db->exec("INSERT INTO t VALUES (2)"));
  ASSERT_TRUE(db->commit());
  auto rows = db->query("SELECT x FROM t");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().integer(0), 2);
}

TEST_P(StoreTest, WriteTransactionsAreSerializedAcrossConnections) {
  auto a = open_or_fail(url());
  auto b = open_or_fail(url());
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->exec("CREATE TABLE t (x BIGINT)"));
  ASSERT_TRUE(a->begin_write());
  std::atomic<bool> a_done{false};
  bool b_waited = false;
  std::thread other([&] {
    auto s = b->begin_write();
    b_waited = a_done.load();  // true only if b got the lock after a let it go
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_TRUE(b->exec("INSERT INTO t VALUES (2)"));
    EXPECT_TRUE(b->commit());
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_TRUE(a->exec("INSERT INTO t VALUES (1)"));
  a_done = true;
  EXPECT_TRUE(a->commit());
  other.join();
  EXPECT_TRUE(b_waited);
  auto rows = a->query("SELECT COUNT(*) FROM t");
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->front().integer(0), 2);
}

TEST_P(StoreTest, DurabilitySettingReachesTheBackend) {
  for (bool durable : {true, false}) {
    auto db = open_or_fail(url(), DbOptions{durable});
    ASSERT_TRUE(db);
    if (is_postgres()) {
      auto rows = db->query("SHOW synchronous_commit");
      ASSERT_TRUE(rows) << rows.error().message;
      EXPECT_EQ(rows->front().text(0), durable ? "on" : "off");
    } else {
      auto sync = db->query("PRAGMA synchronous");
      ASSERT_TRUE(sync) << sync.error().message;
      EXPECT_EQ(sync->front().integer(0), durable ? 2 : 1);  // FULL : NORMAL
      auto journal = db->query("PRAGMA journal_mode");
      ASSERT_TRUE(journal);
      EXPECT_EQ(journal->front().text(0), "wal");
      auto keys = db->query("PRAGMA foreign_keys");
      ASSERT_TRUE(keys);
      EXPECT_EQ(keys->front().integer(0), 1);
    }
  }
}

}  // namespace
}  // namespace sy::store::testing
