#include "engine_fixture.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string_view>
#include <vector>

namespace minsheng::testing {
namespace {

std::string_view Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

void FailTest(const std::string& why) { FAIL() << why; }
void SkipTest(const std::string& why) { GTEST_SKIP() << why; }

std::string ErrorText(const Error& e) { return e.code + ": " + e.en + " | " + e.log_detail; }

// "postgresql://u@h:5432/postgres?x=y" with database name → ".../name?x=y".
std::string WithDatabase(std::string_view server_url, std::string_view name) {
  size_t authority = server_url.find("://");
  authority = authority == std::string_view::npos ? 0 : authority + 3;
  size_t end = std::min(server_url.find('/', authority), server_url.find('?', authority));
  size_t query = server_url.find('?', authority);
  std::string url(server_url.substr(0, end));
  url.append("/").append(name);
  if (query != std::string_view::npos) url.append(server_url.substr(query));
  return url;
}

// What the tests created, removed at exit.
class Registry {
 public:
  Registry() {
    // spdlog's registry must outlive this one: drivers may log while we clean up.
    spdlog::default_logger();
  }
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;
  ~Registry() {
    std::error_code ec;
    for (const std::string& f : files_) std::filesystem::remove(f, ec);
    if (admin_ == nullptr) return;
    Result<db::Lease> lease = admin_->Read();
    if (!lease.ok()) return;
    for (const std::string& name : databases_) {
      (void)(*lease)->ExecScript("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }

  std::string NewSqliteUrl() {
    std::lock_guard lock(mutex_);
    std::string path =
        (std::filesystem::temp_directory_path() /
         ("ms_t_" + std::to_string(getpid()) + "_" + std::to_string(++counter_) + ".db"))
            .string();
    for (const char* suffix : {"", "-wal", "-shm"}) files_.push_back(path + suffix);
    return "sqlite:" + path;
  }

  std::string NewPostgresUrl() {
    std::string_view server = Env("MINSHENG_TEST_PG_URL");
    if (server.empty()) {
      if (Env("MINSHENG_ALLOW_NO_PG") == "1") {
        SkipTest("MINSHENG_TEST_PG_URL is not set (MINSHENG_ALLOW_NO_PG=1)");
      } else {
        FailTest(
            "MINSHENG_TEST_ENGINE=postgres needs MINSHENG_TEST_PG_URL (start a server with "
            "scripts/pg-test-server.sh start /tmp/ms-pg), or set MINSHENG_ALLOW_NO_PG=1 to skip");
      }
      return {};
    }
    std::lock_guard lock(mutex_);
    if (admin_ == nullptr) {
      Result<std::unique_ptr<db::Database>> admin = db::Database::Open(server, {.readers = 1});
      if (!admin.ok()) {
        FailTest("cannot reach the test server: " + ErrorText(admin.error()));
        return {};
      }
      admin_ = std::move(admin).value();
    }
    std::string name = "ms_t_" + std::to_string(getpid()) + "_" + std::to_string(++counter_);
    Result<db::Lease> lease = admin_->Read();
    Result<void> created =
        lease.ok() ? (*lease)->ExecScript("CREATE DATABASE " + name) : Result<void>(lease.error());
    if (!created.ok()) {
      FailTest("cannot create " + name + ": " + ErrorText(created.error()));
      return {};
    }
    databases_.push_back(name);
    return WithDatabase(server, name);
  }

 private:
  std::mutex mutex_;
  int counter_ = 0;                      // GUARDED_BY(mutex_)
  std::vector<std::string> files_;       // GUARDED_BY(mutex_); SQLite files
  std::unique_ptr<db::Database> admin_;  // GUARDED_BY(mutex_); the PostgreSQL server
  std::vector<std::string> databases_;   // GUARDED_BY(mutex_); PostgreSQL databases
};

Registry& TheRegistry() {
  static Registry registry;
  return registry;
}

}  // namespace

db::Engine TestEngine() {
  std::string_view engine = Env("MINSHENG_TEST_ENGINE");
  return engine == "postgres" || engine == "postgresql" ? db::Engine::kPostgres
                                                        : db::Engine::kSqlite;
}

std::string CreateTestDatabaseUrl() {
  return TestEngine() == db::Engine::kPostgres ? TheRegistry().NewPostgresUrl()
                                               : TheRegistry().NewSqliteUrl();
}

std::unique_ptr<db::Database> OpenTestDatabase() {
  std::string url = CreateTestDatabaseUrl();
  if (url.empty()) return nullptr;
  Result<std::unique_ptr<db::Database>> db = db::Database::Open(url);
  if (!db.ok()) {
    FailTest("cannot open " + url + ": " + ErrorText(db.error()));
    return nullptr;
  }
  Result<int> migrated = db::Migrate(**db);
  if (!migrated.ok()) {
    FailTest("cannot migrate " + url + ": " + ErrorText(migrated.error()));
    return nullptr;
  }
  return std::move(db).value();
}

}  // namespace minsheng::testing
