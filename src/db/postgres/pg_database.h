// The PostgreSQL driver (libpq): a pool of at most Options.readers
// connections, opened lazily. Read() lends one in autocommit mode; Write()
// lends one inside BEGIN. Each connection prepares a statement the first time
// it runs its Sql::name (Sql::pg_text when set) and sends parameters as text.
// A connection found broken is dropped and replaced by a new one.
//
// Thread-safety: the Database is thread-safe; a connection serves one lease at
// a time.
#pragma once

#include <memory>
#include <string>

#include "db/database.h"

namespace minsheng::db {

// Connects once to check that the server answers. Unavailable otherwise; the
// error names the URL without its password.
Result<std::unique_ptr<Database>> OpenPostgres(const std::string& url, const Options& options);

}  // namespace minsheng::db
