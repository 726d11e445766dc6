// The subcommands of the minsheng binary. main.cpp parses the command line and
// dispatches here; each returns the process exit status.
#pragma once

#include <string>

#include "core/config.h"

namespace minsheng::cli {

int Serve(const Config& config);
int Migrate(const Config& config);
int Demo(const Config& config, const std::string& scale, uint64_t seed);

struct UserArgs {
  std::string username;
  std::string display_name;
  std::string role;
  std::string org_code;
  std::string token_name = "cli";
};
int UserCreate(const Config& config, const UserArgs& args);
int UserResetPassword(const Config& config, const UserArgs& args);
int UserUnlock(const Config& config, const UserArgs& args);
int TokenCreate(const Config& config, const UserArgs& args);

// Replaces the category table from a file (CSV or XLSX): prints a summary, or the
// errors by row and exit status 1 with nothing written.
int CategoriesImport(const Config& config, const std::string& path);

// Prints an Error for a person at the terminal (both languages) to stderr.
void PrintError(const Error& e);

}  // namespace minsheng::cli
