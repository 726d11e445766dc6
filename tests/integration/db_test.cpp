// The storage layer on whichever engine MINSHENG_TEST_ENGINE names.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <limits>
#include <thread>
#include <vector>

#include "core/time.h"
#include "db/database.h"
#include "db/migrations.h"
#include "engine_fixture.h"

namespace minsheng::db {
namespace {

// Tables for these tests only, in the portable dialect.
constexpr std::string_view kSchema = R"(
CREATE TABLE db_parent (id {{id}}, code TEXT NOT NULL);
CREATE UNIQUE INDEX db_parent_code ON db_parent(code);
CREATE TABLE db_child (id {{id}}, parent_id BIGINT NOT NULL REFERENCES db_parent(id));
CREATE TABLE db_pair (a TEXT NOT NULL, b TEXT NOT NULL, UNIQUE (a, b));
CREATE TABLE db_value (id {{id}}, i BIGINT, r DOUBLE PRECISION, t TEXT,
                       n BIGINT CHECK (n >= 0));
)";

constexpr Sql kInsertParent{"db_test.insert_parent",
                            "INSERT INTO db_parent (code) VALUES ($1) RETURNING id"};
constexpr Sql kCountParents{"db_test.count_parents", "SELECT COUNT(*) FROM db_parent"};
constexpr Sql kInsertChild{"db_test.insert_child", "INSERT INTO db_child (parent_id) VALUES ($1)"};
constexpr Sql kInsertPair{"db_test.insert_pair", "INSERT INTO db_pair (a, b) VALUES ($1, $2)"};
constexpr Sql kInsertValue{"db_test.insert_value",
                           "INSERT INTO db_value (i, r, t) VALUES ($1, $2, $3) RETURNING id"};
constexpr Sql kInsertValueWithId{"db_test.insert_value_id",
                                 "INSERT INTO db_value (id) VALUES ($1)"};
constexpr Sql kInsertCounted{"db_test.insert_counted", "INSERT INTO db_value (n) VALUES ($1)"};
constexpr Sql kGetValue{"db_test.get_value", "SELECT i, r, t FROM db_value WHERE id = $1"};
constexpr Sql kListValues{"db_test.list_values", "SELECT id FROM db_value ORDER BY id"};
constexpr Sql kCountText{"db_test.count_text",
                         "SELECT COUNT(*) FROM db_value WHERE t = $1 OR t = '$2'"};
constexpr Sql kWhichEngine{"db_test.which_engine", "SELECT 'portable'", "SELECT 'postgres only'"};
constexpr Sql kBad{"db_test.bad", "SELECT * FROM nowhere"};
constexpr Sql kCountLikeEachTime{"db_test.count_like_each_time",
                                 "SELECT COUNT(*) FROM db_parent WHERE code LIKE $1", nullptr, true};
constexpr Sql kPreparedNamed{"db_test.prepared_statements",
                             "SELECT COUNT(*) FROM pg_prepared_statements WHERE statement LIKE '%code LIKE%' "
                             "AND statement NOT LIKE '%pg_prepared_statements%'"};
constexpr Sql kInsertAudit{"db_test.insert_audit",
                           "INSERT INTO audit_log (at, actor_name, action, object_type, object_id) "
                           "VALUES ($1, 'tester', 'db.test', 'db', 'x') RETURNING id"};
constexpr Sql kUpdateAudit{"db_test.update_audit",
                           "UPDATE audit_log SET actor_name = 'mallory' WHERE id = $1"};
constexpr Sql kDeleteAudit{"db_test.delete_audit", "DELETE FROM audit_log WHERE id = $1"};
constexpr Sql kLatestVersion{"db_test.latest_version",
                             "SELECT MAX(version) FROM schema_migrations"};
constexpr Sql kBackendPid{"db_test.backend_pid", "SELECT pg_backend_pid()"};
constexpr Sql kTerminate{"db_test.terminate", "SELECT pg_terminate_backend($1::int, 5000)"};

std::string Why(const Error& e) { return e.code + ": " + e.log_detail; }

class DbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::OpenTestDatabase();
    if (!db_) return;
    Result<Tx> tx = db_->Write();
    ASSERT_TRUE(tx.ok()) << Why(tx.error());
    Result<void> created = (*tx)->ExecScript(RenderMigration(kSchema, db_->engine()));
    ASSERT_TRUE(created.ok()) << Why(created.error());
    ASSERT_TRUE(tx->Commit().ok());
  }

  int64_t CountParents() {
    Result<Lease> lease = db_->Read();
    EXPECT_TRUE(lease.ok());
    Result<int64_t> n = (*lease)->QueryInt(kCountParents);
    EXPECT_TRUE(n.ok()) << Why(n.error());
    return n.ok() ? *n : -1;
  }

  // Runs one statement in its own committed transaction; returns the rows changed.
  Result<int64_t> ExecCommitted(const Sql& sql, std::initializer_list<Param> params) {
    MS_ASSIGN_OR_RETURN(Tx tx, db_->Write());
    MS_ASSIGN_OR_RETURN(int64_t changed, tx->Exec(sql, params));
    MS_TRY(tx.Commit());
    return changed;
  }

  // Runs an INSERT … RETURNING id in its own committed transaction.
  Result<int64_t> InsertCommitted(const Sql& sql, std::initializer_list<Param> params) {
    MS_ASSIGN_OR_RETURN(Tx tx, db_->Write());
    MS_ASSIGN_OR_RETURN(int64_t id, tx->QueryInt(sql, params));
    MS_TRY(tx.Commit());
    return id;
  }

  std::unique_ptr<Database> db_;
};

TEST_F(DbTest, CommitKeepsAndDroppedTxRollsBack) {
  {
    Result<Tx> tx = db_->Write();
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE((*tx)->QueryInt(kInsertParent, {"kept"}).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  {
    Result<Tx> tx = db_->Write();
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE((*tx)->QueryInt(kInsertParent, {"dropped"}).ok());
  }  // destroyed without Commit
  EXPECT_EQ(CountParents(), 1);
}

TEST_F(DbTest, DuplicateIsConflictNamingTheIndex) {
  ASSERT_TRUE(ExecCommitted(kInsertParent, {"A-1"}).ok());
  Result<int64_t> again = ExecCommitted(kInsertParent, {"A-1"});
  ASSERT_FALSE(again.ok());
  const Error& e = again.error();
  EXPECT_EQ(e.kind, ErrorCode::kConflict);
  EXPECT_EQ(e.code, "duplicate");
  EXPECT_EQ(e.zh, "已存在相同的记录");
  EXPECT_EQ(e.en, "A record with the same key already exists");
  ASSERT_EQ(e.fields.size(), 1u);
  EXPECT_EQ(e.fields[0].field, "db_parent_code");
  EXPECT_EQ(e.fields[0].code, "duplicate");
  EXPECT_NE(e.log_detail.find("db_test.insert_parent"), std::string::npos) << e.log_detail;
  EXPECT_EQ(CountParents(), 1);
}

TEST_F(DbTest, DuplicateKeysAreNamedAlikeOnBothEngines) {
  ASSERT_TRUE(ExecCommitted(kInsertValueWithId, {7}).ok());
  Result<int64_t> pk = ExecCommitted(kInsertValueWithId, {7});
  ASSERT_FALSE(pk.ok());
  EXPECT_EQ(pk.error().code, "duplicate");
  ASSERT_EQ(pk.error().fields.size(), 1u);
  EXPECT_EQ(pk.error().fields[0].field, "db_value_pkey");

  ASSERT_TRUE(ExecCommitted(kInsertPair, {"x", "y"}).ok());
  Result<int64_t> pair = ExecCommitted(kInsertPair, {"x", "y"});
  ASSERT_FALSE(pair.ok());
  EXPECT_EQ(pair.error().code, "duplicate");
  ASSERT_EQ(pair.error().fields.size(), 1u);
  EXPECT_EQ(pair.error().fields[0].field, "db_pair_a_b_key");
}

TEST_F(DbTest, ForeignKeyViolationIsReference) {
  Result<int64_t> r = ExecCommitted(kInsertChild, {int64_t{424242}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorCode::kConflict);
  EXPECT_EQ(r.error().code, "reference");
}

TEST_F(DbTest, CheckViolationIsInvalidArgument) {
  Result<int64_t> r = ExecCommitted(kInsertCounted, {-1});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().code, "constraint");
}

TEST_F(DbTest, OtherErrorsAreInternalAndNameTheStatement) {
  Result<Lease> lease = db_->Read();
  ASSERT_TRUE(lease.ok());
  Result<Rows> r = (*lease)->Query(kBad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorCode::kInternal);
  EXPECT_NE(r.error().log_detail.find("db_test.bad"), std::string::npos) << r.error().log_detail;
  EXPECT_NE(r.error().log_detail.find("nowhere"), std::string::npos) << r.error().log_detail;
}

TEST_F(DbTest, EveryParamTypeRoundTrips) {
  struct Case {
    Param i, r, t;
  };
  const std::string owned = "民生工程";
  const std::optional<int64_t> no_int;
  const std::vector<Case> cases = {
      {nullptr, nullptr, nullptr},
      {std::numeric_limits<int64_t>::min(), 0.1, ""},
      {std::numeric_limits<int64_t>::max(), -2.5e300, owned},
      {no_int, 2.2250738585072014e-308, "𠀀😀"},
      {true, 3.141592653589793, "'; DROP TABLE x; --"},
      {0, -0.5, std::string_view("$1 ?1 \\ \" '' %")},
  };
  std::vector<int64_t> ids;
  {
    Result<Tx> tx = db_->Write();
    ASSERT_TRUE(tx.ok());
    for (const Case& c : cases) {
      Result<int64_t> id = (*tx)->QueryInt(kInsertValue, {c.i, c.r, c.t});
      ASSERT_TRUE(id.ok()) << Why(id.error());
      ids.push_back(*id);
    }
    ASSERT_TRUE(tx->Commit().ok());
  }
  Result<Lease> lease = db_->Read();
  ASSERT_TRUE(lease.ok());
  for (size_t k = 0; k < cases.size(); ++k) {
    const Case& c = cases[k];
    auto check = [&](const Row& row) {
      SCOPED_TRACE("case " + std::to_string(k));
      EXPECT_EQ(row.size(), 3);
      EXPECT_EQ(row.IsNull(0), c.i.is_null());
      EXPECT_EQ(row.IsNull(1), c.r.is_null());
      EXPECT_EQ(row.IsNull(2), c.t.is_null());
      EXPECT_EQ(row.OptInt(0), c.i.is_null() ? std::nullopt : std::optional(c.i.as_int()));
      EXPECT_EQ(row.Real(1), c.r.is_null() ? 0.0 : c.r.as_real());
      EXPECT_EQ(row.OptText(2),
                c.t.is_null() ? std::nullopt : std::optional(std::string(c.t.as_text())));
    };
    Result<Rows> rows = (*lease)->Query(kGetValue, {ids[k]});
    ASSERT_TRUE(rows.ok()) << Why(rows.error());
    ASSERT_EQ(rows->size(), 1u);
    check((*rows)[0]);
    int seen = 0;
    ASSERT_TRUE((*lease)
                    ->ForEach(kGetValue, {ids[k]},
                              [&](const Row& row) {
                                check(row);
                                return ++seen > 0;
                              })
                    .ok());
    EXPECT_EQ(seen, 1);
  }
}

TEST_F(DbTest, PlaceholdersInsideQuotesAreLeftAlone) {
  ASSERT_TRUE(ExecCommitted(kInsertValue, {1, 1.0, "$2"}).ok());
  ASSERT_TRUE(ExecCommitted(kInsertValue, {2, 2.0, "x"}).ok());
  Result<Lease> lease = db_->Read();
  ASSERT_TRUE(lease.ok());
  Result<int64_t> n = (*lease)->QueryInt(kCountText, {"x"});
  ASSERT_TRUE(n.ok()) << Why(n.error());
  EXPECT_EQ(*n, 2);
}

TEST_F(DbTest, ForEachStopsEarlyAndNests) {
  {
    Result<Tx> tx = db_->Write();
    ASSERT_TRUE(tx.ok());
    for (int k = 0; k < 10; ++k) ASSERT_TRUE((*tx)->QueryInt(kInsertValue, {k, k, "v"}).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  Result<Lease> lease = db_->Read();
  ASSERT_TRUE(lease.ok());
  Connection& conn = **lease;
  int seen = 0;
  ASSERT_TRUE(conn.ForEach(kListValues, {}, [&](const Row&) { return ++seen < 3; }).ok());
  EXPECT_EQ(seen, 3);

  // The same statement again, inside its own loop, on the same connection.
  int outer = 0;
  int inner = 0;
  Result<void> nested = conn.ForEach(kListValues, {}, [&](const Row&) {
    ++outer;
    EXPECT_TRUE(conn.ForEach(kListValues, {}, [&](const Row&) { return ++inner > 0; }).ok());
    return true;
  });
  ASSERT_TRUE(nested.ok()) << Why(nested.error());
  EXPECT_EQ(outer, 10);
  EXPECT_EQ(inner, 100);
}

TEST_F(DbTest, QueryIntWithoutRowIsNotFound) {
  Result<Lease> lease = db_->Read();
  ASSERT_TRUE(lease.ok());
  Result<int64_t> r = (*lease)->QueryInt(kGetValue, {int64_t{1}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorCode::kNotFound);
}

TEST_F(DbTest, ReadersRunWhileWritersCommit) {
  constexpr int kWriters = 3;
  constexpr int kCommitsEach = 15;
  constexpr int kReaders = 6;
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::atomic<int> reads{0};
  std::vector<std::thread> threads;
  for (int r = 0; r < kReaders; ++r) {
    threads.emplace_back([&] {
      int64_t last = 0;
      while (!stop) {
        Result<Lease> lease = db_->Read();
        Result<int64_t> n =
            lease.ok() ? (*lease)->QueryInt(kCountParents) : Result<int64_t>(lease.error());
        if (!n.ok() || *n < last) ++failures;
        if (n.ok()) last = *n;
        ++reads;
      }
    });
  }
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int k = 0; k < kCommitsEach; ++k) {
        std::string code = "w" + std::to_string(w) + "-" + std::to_string(k);
        if (!ExecCommitted(kInsertParent, {code}).ok()) ++failures;
      }
    });
  }
  for (std::thread& t : writers) t.join();
  stop = true;
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_GT(reads, kReaders);
  EXPECT_EQ(CountParents(), kWriters * kCommitsEach);
}

TEST_F(DbTest, MigrateTwiceAppliesNothing) {
  Result<int> again = Migrate(*db_);
  ASSERT_TRUE(again.ok()) << Why(again.error());
  EXPECT_EQ(*again, 0);
  Result<Lease> lease = db_->Read();
  ASSERT_TRUE(lease.ok());
  Result<int64_t> latest = (*lease)->QueryInt(kLatestVersion);
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(*latest, LatestMigrationVersion());
}

TEST_F(DbTest, ConcurrentMigrateAppliesEachMigrationOnce) {
  std::string url = testing::CreateTestDatabaseUrl();
  ASSERT_FALSE(url.empty());
  Result<std::unique_ptr<Database>> a = Database::Open(url);
  Result<std::unique_ptr<Database>> b = Database::Open(url);
  ASSERT_TRUE(a.ok() && b.ok());
  Result<int> ran_a = 0;
  Result<int> ran_b = 0;
  std::thread ta([&] { ran_a = Migrate(**a); });
  std::thread tb([&] { ran_b = Migrate(**b); });
  ta.join();
  tb.join();
  ASSERT_TRUE(ran_a.ok()) << Why(ran_a.error());
  ASSERT_TRUE(ran_b.ok()) << Why(ran_b.error());
  EXPECT_EQ(static_cast<size_t>(*ran_a + *ran_b), EmbeddedMigrations().size());
}

// 0006: a run's scores_json is compressed with lz4 on PostgreSQL (pglz made
// the write most of a run's time). Debian's PostgreSQL 15 has lz4.
TEST_F(DbTest, PostgresCompressesScoresWithLz4) {
  if (db_->engine() != Engine::kPostgres) GTEST_SKIP() << "PostgreSQL only";
  Result<Lease> lease = db_->Read();
  ASSERT_TRUE(lease.ok());
  Result<Rows> rows = (*lease)->Query(
      {"test.attcompression", "SELECT CAST(attcompression AS TEXT) FROM pg_attribute "
                              "WHERE attrelid = CAST('assess_results' AS regclass) AND attname = 'scores_json'"});
  ASSERT_TRUE(rows.ok()) << Why(rows.error());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Text(0), "l");
}

TEST_F(DbTest, AuditLogRefusesUpdateAndRecentDelete) {
  Result<int64_t> recent = InsertCommitted(kInsertAudit, {Now().micros});
  Result<int64_t> old = InsertCommitted(kInsertAudit, {int64_t{0}});  // 1970: past retention
  ASSERT_TRUE(recent.ok()) << Why(recent.error());
  ASSERT_TRUE(old.ok()) << Why(old.error());
  for (const Sql* sql : {&kUpdateAudit, &kDeleteAudit}) {
    Result<int64_t> r = ExecCommitted(*sql, {*recent});
    ASSERT_FALSE(r.ok()) << sql->name;
    EXPECT_EQ(r.error().kind, ErrorCode::kConflict);
    EXPECT_EQ(r.error().code, "db.rejected");
    EXPECT_NE(r.error().log_detail.find("audit"), std::string::npos) << r.error().log_detail;
  }
  Result<int64_t> purged = ExecCommitted(kDeleteAudit, {*old});
  ASSERT_TRUE(purged.ok()) << Why(purged.error());
  EXPECT_EQ(*purged, 1);
}

TEST_F(DbTest, PgTextIsUsedOnPostgres) {
  Result<Lease> lease = db_->Read();
  ASSERT_TRUE(lease.ok());
  Result<Rows> rows = (*lease)->Query(kWhichEngine);
  ASSERT_TRUE(rows.ok()) << Why(rows.error());
  EXPECT_EQ((*rows)[0].Text(0), db_->engine() == Engine::kPostgres ? "postgres only" : "portable");
}

TEST_F(DbTest, UnreachableServerIsUnavailableWithoutPassword) {
  Result<std::unique_ptr<Database>> r =
      Database::Open("postgresql://someone:s3cret@127.0.0.1:1/x?password=s3cret");
  ASSERT_FALSE(r.ok());
  const Error& e = r.error();
  EXPECT_EQ(e.kind, ErrorCode::kUnavailable);
  for (const std::string* text : {&e.zh, &e.en, &e.log_detail}) {
    EXPECT_EQ(text->find("s3cret"), std::string::npos) << *text;
  }
  EXPECT_NE(e.en.find("someone:***@127.0.0.1:1/x?password=***"), std::string::npos) << e.en;
}

TEST_F(DbTest, PostgresDescribeHidesPassword) {
  if (db_->engine() != Engine::kPostgres) GTEST_SKIP() << "PostgreSQL only";
  std::string url = testing::CreateTestDatabaseUrl();
  size_t at = url.find('@');
  if (at == std::string::npos) GTEST_SKIP() << "the test server URL names no user";
  url.insert(at, ":s3cret");  // trust authentication ignores it
  Result<std::unique_ptr<Database>> db = Database::Open(url);
  ASSERT_TRUE(db.ok()) << Why(db.error());
  EXPECT_EQ((*db)->Describe().find("s3cret"), std::string::npos) << (*db)->Describe();
}

TEST_F(DbTest, PostgresBrokenConnectionIsReplaced) {
  if (db_->engine() != Engine::kPostgres) GTEST_SKIP() << "PostgreSQL only";
  int64_t victim = 0;
  {
    Result<Lease> doomed = db_->Read();
    Result<Lease> killer = db_->Read();
    ASSERT_TRUE(doomed.ok() && killer.ok());
    Result<int64_t> pid = (*doomed)->QueryInt(kBackendPid);
    ASSERT_TRUE(pid.ok());
    victim = *pid;
    ASSERT_TRUE((*killer)->QueryInt(kTerminate, {victim}).ok());
  }  // both go back to the pool; the doomed one is on top
  for (int k = 0; k < 3; ++k) {
    Result<Lease> lease = db_->Read();
    ASSERT_TRUE(lease.ok());
    Result<int64_t> pid = (*lease)->QueryInt(kBackendPid);
    ASSERT_TRUE(pid.ok()) << Why(pid.error());
    EXPECT_NE(*pid, victim);
  }
}

}  // namespace
// A statement planned on every execution (PostgreSQL: no prepared statement,
// so no generic plan after five runs) gives the same answers, and is never
// kept prepared on the connection.
TEST_F(DbTest, AStatementPlannedEachTimeAnswersLikeAPreparedOne) {
  for (const char* code : {"alpha", "alpine", "beta"}) ASSERT_TRUE(InsertCommitted(kInsertParent, {code}).ok());
  Result<Lease> lease = db_->Read();
  ASSERT_TRUE(lease.ok());
  for (int round = 0; round < 7; ++round) {  // past PostgreSQL's five custom plans
    for (const auto& [pattern, want] : {std::pair{"al%", 2}, std::pair{"%", 3}, std::pair{"z%", 0}}) {
      Result<int64_t> n = (*lease)->QueryInt(kCountLikeEachTime, {pattern});
      ASSERT_TRUE(n.ok()) << Why(n.error());
      EXPECT_EQ(*n, want) << pattern;
    }
  }
  if (db_->engine() == Engine::kPostgres) {
    Result<int64_t> kept = (*lease)->QueryInt(kPreparedNamed);
    ASSERT_TRUE(kept.ok()) << Why(kept.error());
    EXPECT_EQ(*kept, 0);
  }
}

}  // namespace minsheng::db
