// Embedded migrations. Each file is portable SQL with a few tokens and
// optional engine-only sections:
//   {{id}}    an auto-increment BIGINT primary key column type
//   {{blob}}  binary column type
//   -- @sqlite / -- @postgres / -- @both   start a section for that engine
#pragma once

#include <string>
#include <vector>

#include "db/database.h"

namespace minsheng::db {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

const std::vector<Migration>& EmbeddedMigrations();
// The migration text for one engine: tokens replaced, other engines' sections dropped.
std::string RenderMigration(std::string_view sql, Engine engine);

}  // namespace minsheng::db
