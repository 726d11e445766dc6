// The SQLite driver: one database file in WAL mode, with exactly one writer
// connection (Write() queues for it and runs BEGIN IMMEDIATE) and
// Options.readers reader connections (Read() takes a free one). Reader
// connections are query_only: a write through Read() fails here as it should
// everywhere.
//
// Each connection keeps its prepared statements by Sql::name and rewrites
// $1..$n to ?1..?n once, when it prepares a statement.
//
// Thread-safety: the Database is thread-safe; a connection serves one lease at
// a time.
#pragma once

#include <memory>
#include <string>

#include "db/database.h"

namespace minsheng::db {

// Opens the database at path, creating the file and its parent directory when
// missing. Unavailable when the file cannot be opened or is not a database.
Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path, const Options& options);

}  // namespace minsheng::db
