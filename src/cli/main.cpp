// minsheng: one binary — serve | migrate | demo | user | token | categories | import | export.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "core/version.h"

int main(int argc, char** argv) {
  using minsheng::Config;
  CLI::App app{"minsheng 民生 — public-welfare assets and performance assessment"};
  app.set_version_flag("--version", std::string("minsheng ") + MINSHENG_VERSION);
  app.require_subcommand(1);

  std::string config_path;
  std::map<std::string, std::string> overrides;  // config key → value from flags
  app.add_option("--config", config_path, "TOML configuration file")->envname("MINSHENG_CONFIG");
  auto flag = [&](CLI::App* cmd, const char* name, const char* key, const char* help) {
    cmd->add_option_function<std::string>(name, [&overrides, key](const std::string& v) { overrides[key] = v; },
                                          help);
  };

  auto* serve = app.add_subcommand("serve", "serve the API and the console");
  flag(serve, "--listen", "listen", "address to listen on, host:port (default 127.0.0.1:8080)");
  flag(serve, "--web-root", "web_root", "directory of the built console (default web/dist)");
  flag(serve, "--access-log", "access_log", "access log: - for stdout, a file, or empty for none");

  auto* migrate = app.add_subcommand("migrate", "apply database migrations");

  auto* demo = app.add_subcommand("demo", "load the demo county into an empty database");
  std::string scale = "small";
  uint64_t seed = 1;
  demo->add_option("--scale", scale, "small | medium | large")->check(CLI::IsMember({"small", "medium", "large"}));
  demo->add_option("--seed", seed, "random seed (same seed, same county)");
  bool demo_assessments = false;
  demo->add_flag("--assessments", demo_assessments,
                 "also run the assessment year: 2024/2025 final, 2026 bulletins, self-checks, an appeal");

  minsheng::cli::UserArgs user_args;
  auto* user = app.add_subcommand("user", "manage staff accounts");
  user->require_subcommand(1);
  auto* user_create = user->add_subcommand("create", "create a user; the password is read from standard input");
  user_create->add_option("--username", user_args.username)->required();
  user_create->add_option("--role", user_args.role)->required();
  user_create->add_option("--org", user_args.org_code, "organisation code")->required();
  user_create->add_option("--display-name", user_args.display_name);
  auto* user_reset = user->add_subcommand("reset-password", "set a new password read from standard input");
  user_reset->add_option("--username", user_args.username)->required();
  auto* user_unlock = user->add_subcommand("unlock", "clear a login lockout");
  user_unlock->add_option("--username", user_args.username)->required();

  auto* token = app.add_subcommand("token", "manage API tokens");
  token->require_subcommand(1);
  auto* token_create = token->add_subcommand("create", "create an API token and print it once");
  token_create->add_option("--username", user_args.username)->required();
  token_create->add_option("--name", user_args.token_name);

  std::string categories_file;
  auto* categories = app.add_subcommand("categories", "the asset category table (GB/T 14885-2022)");
  categories->require_subcommand(1);
  auto* categories_import = categories->add_subcommand(
      "import", "replace the category table from a file (docs/categories.md); all or nothing");
  categories_import->add_option("FILE", categories_file,
                                "CSV (UTF-8 or GBK) or XLSX with the columns of gbt14885_2022.csv")
      ->required()
      ->check(CLI::ExistingFile);

  minsheng::cli::ImportArgs import_args;
  auto* import_cmd = app.add_subcommand("import", "import records from a file");
  import_cmd->require_subcommand(1);
  auto* import_assets = import_cmd->add_subcommand(
      "assets", "import a unit's asset ledger (CSV UTF-8/GBK or XLSX, docs/import-assets.md); all or nothing");
  import_assets->add_option("FILE", import_args.file, "the ledger file")->required()->check(CLI::ExistingFile);
  import_assets->add_option("--org", import_args.org_code, "code of the owning unit")->required();
  import_assets->add_flag("--dry-run", import_args.dry_run, "validate and report; write nothing");
  import_assets->add_flag("--bulk", import_args.bulk,
                          "drop and rebuild the card indexes for the import, on PostgreSQL too (readers of the "
                          "cards wait until it commits; docs/import-assets.md)");
  import_assets->add_option("--report", import_args.report,
                            "write the error report here (OUT.xlsx or OUT.csv) when any row fails");

  minsheng::cli::ExportArgs export_args;
  auto* export_cmd = app.add_subcommand("export", "export records to a file");
  export_cmd->require_subcommand(1);
  auto* export_assets = export_cmd->add_subcommand("assets", "export asset cards (Chinese headers, money in yuan)");
  export_assets->add_option("--format", export_args.format, "xlsx | csv")
      ->required()
      ->check(CLI::IsMember({"xlsx", "csv"}));
  export_assets->add_option("--org", export_args.org_code, "only this org's subtree (org code)");
  export_assets->add_option("--state", export_args.state, "only this state (in_use, idle, … or 在用, 闲置, …)");
  export_assets->add_option("--category", export_args.category, "category code prefix, e.g. A02");
  export_assets->add_option("--q", export_args.q, "free text over name, number, model, serial, brand");
  export_assets->add_option("-o,--output", export_args.out, "the file to write")->required();

  // `assess` may already have been declared by another assess subcommand.
  auto assess_found = app.get_subcommands([](CLI::App* a) { return a->get_name() == "assess"; });
  auto* assess_cmd = assess_found.empty() ? app.add_subcommand("assess", "assessments (考核)") : assess_found.front();
  assess_cmd->require_subcommand(1);
  auto* assess_remind = assess_cmd->add_subcommand(
      "remind", "remind the overdue rectification tasks (整改) and print them");
  flag(assess_remind, "--db", "db", "database: sqlite:PATH (default ./data/minsheng.db) or postgresql://…");

  // assess inputs import FILE (the `assess` command may be declared above).
  minsheng::cli::AssessInputsArgs inputs_args;
  auto inputs_found = app.get_subcommands([](CLI::App* a) { return a->get_name() == "assess"; });
  auto* inputs_parent = inputs_found.empty() ? app.add_subcommand("assess", "assessments (考核)") : inputs_found.front();
  auto* assess_inputs = inputs_parent->add_subcommand("inputs", "manual inputs of an assessment");
  assess_inputs->require_subcommand(1);
  auto* assess_inputs_import = assess_inputs->add_subcommand(
      "import", "import manual values from JSON (docs/assessment-inputs.md); all or nothing, exit 2 on errors");
  assess_inputs_import->add_option("FILE", inputs_args.file, "the JSON file")->required()->check(CLI::ExistingFile);
  assess_inputs_import->add_option("--reviewer", inputs_args.reviewer,
                                   "username who accepts the rows (needed for \"accept\": true)");
  flag(assess_inputs_import, "--db", "db", "database: sqlite:PATH (default ./data/minsheng.db) or postgresql://…");

  // assess run | publish | finalize (the `assess` command may be declared above).
  minsheng::cli::AssessArgs assess_args;
  auto runs_found = app.get_subcommands([](CLI::App* a) { return a->get_name() == "assess"; });
  auto* runs_cmd = runs_found.empty() ? app.add_subcommand("assess", "assessments (考核)") : runs_found.front();
  runs_cmd->require_subcommand(1);
  auto* assess_run = runs_cmd->add_subcommand(
      "run", "compute an assessment (created when missing) and print the ranking");
  auto* assess_publish = runs_cmd->add_subcommand("publish", "publish a computed assessment (opens the appeal window)");
  auto* assess_finalize = runs_cmd->add_subcommand("finalize", "finalize a published assessment (consequences)");
  for (auto* cmd : {assess_run, assess_publish, assess_finalize}) {
    cmd->add_option("--template", assess_args.template_code, "template code")->required();
    cmd->add_option("--period", assess_args.period, "period: 2026-11, 2026Q3 or 2026")->required();
    flag(cmd, "--db", "db", "database: sqlite:PATH (default ./data/minsheng.db) or postgresql://…");
  }
  assess_run->add_option("--scope", assess_args.scope_code, "code of the scope org (default: the root region)");

  for (auto* cmd : {serve, migrate, demo, user_create, user_reset, user_unlock, token_create, categories_import,
                    import_assets, export_assets}) {
    flag(cmd, "--db", "db", "database: sqlite:PATH (default ./data/minsheng.db) or postgresql://…");
  }

  minsheng::cli::TemplateImportArgs template_args;
  auto* template_cmd = app.add_subcommand("template", "assessment templates (考核模板)");
  template_cmd->require_subcommand(1);
  auto* template_import = template_cmd->add_subcommand(
      "import", "import a template file (docs/assessment-templates.md) as a new version; exit 2 on errors");
  template_import->add_option("FILE", template_args.file, "the JSON file")->required();
  template_import->add_flag("--publish", template_args.publish, "publish the new version at once");
  auto* template_list = template_cmd->add_subcommand("list", "the newest version of every template");
  for (auto* cmd : {template_import, template_list}) {
    flag(cmd, "--db", "db", "database: sqlite:PATH (default ./data/minsheng.db) or postgresql://…");
  }

  CLI11_PARSE(app, argc, argv);

  auto loaded = minsheng::LoadConfig(config_path);
  if (!loaded.ok()) {
    minsheng::cli::PrintError(loaded.error());
    return 2;
  }
  Config config = std::move(loaded).value();
  for (const auto& [key, value] : overrides) {
    if (auto r = minsheng::SetConfigValue(config, key, value); !r.ok()) {
      minsheng::cli::PrintError(r.error());
      return 2;
    }
  }
  spdlog::set_level(spdlog::level::from_str(config.log_level));

  if (*serve) return minsheng::cli::Serve(config);
  if (*migrate) return minsheng::cli::Migrate(config);
  if (*demo) return minsheng::cli::Demo(config, scale, seed, demo_assessments);
  if (*user_create) return minsheng::cli::UserCreate(config, user_args);
  if (*user_reset) return minsheng::cli::UserResetPassword(config, user_args);
  if (*user_unlock) return minsheng::cli::UserUnlock(config, user_args);
  if (*token_create) return minsheng::cli::TokenCreate(config, user_args);
  if (*categories_import) return minsheng::cli::CategoriesImport(config, categories_file);
  if (*import_assets) return minsheng::cli::ImportAssets(config, import_args);
  if (*export_assets) return minsheng::cli::ExportAssets(config, export_args);
  if (*assess_remind) return minsheng::cli::AssessRemind(config);
  if (*assess_inputs_import) return minsheng::cli::AssessInputsImport(config, inputs_args);
  if (*template_import) return minsheng::cli::TemplateImport(config, template_args);
  if (*template_list) return minsheng::cli::TemplateList(config);
  if (*assess_run) return minsheng::cli::AssessRun(config, assess_args);
  if (*assess_publish) return minsheng::cli::AssessPublish(config, assess_args);
  if (*assess_finalize) return minsheng::cli::AssessFinalize(config, assess_args);
  return 2;
}
