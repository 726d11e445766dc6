// The database the integration tests run on, chosen by the environment:
//   MINSHENG_TEST_ENGINE    "sqlite" (default) or "postgres"
//   MINSHENG_TEST_PG_URL    the PostgreSQL server on which each test gets its
//                           own database (scripts/pg-test-server.sh prints one)
//   MINSHENG_ALLOW_NO_PG=1  skip, instead of failing, PostgreSQL runs that
//                           have no server URL
// Every database made here is new and is removed when the process exits.
//
// On failure (or skip) these functions record a fatal gtest failure (or a
// skip) and return an empty value. Called from SetUp, that keeps the test
// body from running; called from a test body, check the result:
//   auto db = minsheng::testing::OpenTestDatabase();
//   if (!db) return;
//
// Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "db/database.h"

namespace minsheng::testing {

db::Engine TestEngine();

// A freshly migrated, empty database on TestEngine().
std::unique_ptr<db::Database> OpenTestDatabase();

// The URL of a new, empty database that has not been migrated ("" on failure).
std::string CreateTestDatabaseUrl();

}  // namespace minsheng::testing
