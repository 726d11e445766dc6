// The subcommands of the minsheng binary. main.cpp parses the command line and
// dispatches here; each returns the process exit status.
#pragma once

#include <memory>
#include <string>

#include "auth/model.h"
#include "core/config.h"

namespace minsheng {
struct App;
}

namespace minsheng::cli {

int Serve(const Config& config);
int Migrate(const Config& config);
int Demo(const Config& config, const std::string& scale, uint64_t seed, bool assessments);

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

// minsheng import assets FILE --org CODE [--dry-run] [--report OUT]: all or
// nothing. Exit status 1 when any row (or the file) fails: nothing written,
// the report written to --report (XLSX or CSV by extension) or the first 20
// problems printed. On success prints the count, the directory entries added
// and the rate.
struct ImportArgs {
  std::string file;
  std::string org_code;
  bool dry_run = false;
  bool bulk = false;  // --bulk: rebuild the card indexes on every engine
  std::string report;
};
int ImportAssets(const Config& config, const ImportArgs& args);

// minsheng export assets --format xlsx|csv [filters] -o FILE: every card the
// filters match (the CLI sees every unit).
struct ExportArgs {
  std::string format;
  std::string org_code;
  std::string state;
  std::string category;
  std::string q;
  std::string out;
};
int ExportAssets(const Config& config, const ExportArgs& args);

// minsheng assess inputs import FILE [--reviewer USERNAME]: manual values of one
// assessment from JSON (docs/assessment-inputs.md), all or nothing. Exit 2 with
// one line per problem (rows[i].field) when anything is wrong; nothing written.
struct AssessInputsArgs {
  std::string file;
  std::string reviewer;  // needed when the file says "accept": true
};
int AssessInputsImport(const Config& config, const AssessInputsArgs& args);

// minsheng template import FILE [--publish]: a template file
// (docs/assessment-templates.md) as a new version; exit status 2 with every
// problem and its field path when the file is bad (nothing written).
// minsheng template list: the newest version of every template.
struct TemplateImportArgs {
  std::string file;
  bool publish = false;
};
int TemplateImport(const Config& config, const TemplateImportArgs& args);
int TemplateList(const Config& config);

// The App on config.db for one command (crypto initialised), or nullptr after
// printing why it could not open. CliCaller: the CLI principal, audited as "cli".
std::unique_ptr<App> OpenOrReport(const Config& config);
auth::Caller CliCaller();

// minsheng assess remind: marks the overdue rectification tasks not reminded
// within assess.reminder_interval_days and prints them; exit status 0.
int AssessRemind(const Config& config);

// minsheng assess run --template CODE --period P [--scope ORG_CODE]: creates the
// assessment when missing (scope: the root region), computes it and prints the
// ranking (rank, code, name, total 2 dp, grade 优/良/中/差, colour).
// minsheng assess publish|finalize --template CODE --period P. Exit status 1 on
// any error (printed in both languages), 2 for a malformed period.
struct AssessArgs {
  std::string template_code;
  std::string period;
  std::string scope_code;
};
int AssessRun(const Config& config, const AssessArgs& args);
int AssessPublish(const Config& config, const AssessArgs& args);
int AssessFinalize(const Config& config, const AssessArgs& args);

// Prints an Error for a person at the terminal (both languages) to stderr.
void PrintError(const Error& e);

}  // namespace minsheng::cli
