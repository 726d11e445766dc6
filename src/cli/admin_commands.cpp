// migrate, demo, user, token and categories subcommands: act locally as the
// CLI principal (audited as "cli").
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <spdlog/spdlog.h>

#include "app/app.h"
#include "cli/commands.h"
#include "core/crypto.h"
#include "demo/demo.h"

namespace minsheng::cli {

auth::Caller CliCaller() { return {&CliPrincipal(), "cli", "local"}; }

std::unique_ptr<App> OpenOrReport(const Config& config) {
  InitCrypto();
  auto app = App::Open(config);
  if (!app.ok()) {
    PrintError(app.error());
    return nullptr;
  }
  return std::move(app).value();
}

namespace {

std::string ReadPassword() {
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

Result<auth::User> FindUser(App& app, const std::string& username) {
  MS_ASSIGN_OR_RETURN(auto conn, app.db->Read());
  return auth::AuthStore::UserByName(*conn, username);
}

}  // namespace

int Migrate(const Config& config) {
  auto app = OpenOrReport(config);
  if (!app) return 1;
  std::printf("database %s is at migration %d\n", app->db->Describe().c_str(), db::LatestMigrationVersion());
  return 0;
}

int Demo(const Config& config, const std::string& scale, uint64_t seed, bool assessments) {
  auto app = OpenOrReport(config);
  if (!app) return 1;
  demo::Options options;
  options.seed = seed;
  options.assessments = assessments;
  options.scale = scale == "large" ? demo::Scale::kLarge : scale == "medium" ? demo::Scale::kMedium
                                                                              : demo::Scale::kSmall;
  auto summary = demo::Load(*app, options);
  if (!summary.ok()) {
    PrintError(summary.error());
    return 1;
  }
  if (!summary->loaded) {
    std::printf("数据库已有数据，未加载演示数据 / the database already has data; demo not loaded\n");
  } else {
    std::printf("已加载示范县演示数据 / demo county loaded: %d organisations, %d users (password %s), %d assessments\n",
                summary->orgs, summary->users, demo::kDemoPassword, summary->assessments);
  }
  return 0;
}

int UserCreate(const Config& config, const UserArgs& args) {
  auto app = OpenOrReport(config);
  if (!app) return 1;
  auto org = app->orgs->LookupByCode(args.org_code);
  if (!org.ok()) {
    PrintError(org.error());
    return 1;
  }
  auth::NewUser u;
  u.username = args.username;
  u.display_name = args.display_name.empty() ? args.username : args.display_name;
  u.org_id = org->id;
  u.password = ReadPassword();
  u.must_change_password = false;
  u.roles = {{args.role, std::nullopt}};
  auto created = app->users->Create(CliCaller(), u);
  if (!created.ok()) {
    PrintError(created.error());
    return 1;
  }
  std::printf("created user %s (id %lld)\n", created->username.c_str(), static_cast<long long>(created->id));
  return 0;
}

// Opens the app, finds the named user and runs action on it; reports any
// error and turns it into the exit status.
static int WithUser(const Config& config, const std::string& username,
             const std::function<Result<std::string>(App&, const auth::User&)>& action) {
  auto app = OpenOrReport(config);
  if (!app) return 1;
  auto user = FindUser(*app, username);
  if (!user.ok()) {
    PrintError(user.error());
    return 1;
  }
  auto done = action(*app, *user);
  if (!done.ok()) {
    PrintError(done.error());
    return 1;
  }
  std::printf("%s\n", done->c_str());
  return 0;
}

int UserResetPassword(const Config& config, const UserArgs& args) {
  return WithUser(config, args.username, [&](App& app, const auth::User& u) -> Result<std::string> {
    MS_TRY(app.users->ResetPassword(CliCaller(), u.id, ReadPassword(), false));
    return "password of " + u.username + " reset";
  });
}

int UserUnlock(const Config& config, const UserArgs& args) {
  return WithUser(config, args.username, [&](App& app, const auth::User& u) -> Result<std::string> {
    MS_TRY(app.users->Unlock(CliCaller(), u.id));
    return u.username + " unlocked";
  });
}

int TokenCreate(const Config& config, const UserArgs& args) {
  return WithUser(config, args.username, [&](App& app, const auth::User& u) -> Result<std::string> {
    auth::Principal owner;
    owner.user_id = u.id;
    owner.username = u.username;
    owner.org_id = u.org_id;
    MS_ASSIGN_OR_RETURN(auto token, app.auth->CreateToken({&owner, "cli", "local"}, args.token_name, std::nullopt));
    return token.token;  // printed once; only its hash is stored
  });
}

int CategoriesImport(const Config& config, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    PrintError(MakeError(ErrorCode::kNotFound, "file_not_found", "无法打开文件 " + path, "cannot open " + path));
    return 1;
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto app = OpenOrReport(config);
  if (!app) return 1;
  auto summary = app->categories->Import(CliCaller(), text.str());
  if (!summary.ok()) {
    PrintError(summary.error());
    return 1;
  }
  std::printf(
      "已导入分类表 / category table imported: %d categories (%d added, %d removed), "
      "%d depreciation classes, %d legacy codes (%d dropped with their categories)\n",
      summary->categories, summary->added, summary->removed, summary->classes, summary->legacy,
      summary->legacy_removed);
  // The server notices the table's new generation (CategoryService).
  std::printf("正在运行的服务无需重启，将在其 asset.category_recheck_seconds（缺省 %d 秒）内改用新分类表 / "
              "a running server uses the new table within its asset.category_recheck_seconds (default %d s), "
              "no restart needed\n",
              asset::CategoryService::kDefaultRecheckSeconds, asset::CategoryService::kDefaultRecheckSeconds);
  return 0;
}

}  // namespace minsheng::cli
