#include "demo/demo.h"

#include <chrono>
#include <random>
#include <spdlog/spdlog.h>
#include <vector>

#include "demo/demo_assess.h"
#include "demo/demo_assets.h"
#include "exchange/progress_bar.h"
#include "org/store.h"

namespace minsheng::demo {
namespace {

struct Dept {
  const char* code;
  const char* name;
  const char* field;
  const char* kind;
};

// 县直部门: the competent departments and the two money-and-assets offices.
constexpr Dept kDepts[] = {
    {"SF-CZJ", "示范县财政局", "finance", "admin"},
    {"SF-JGSW", "示范县机关事务管理局", "offices_admin", "admin"},
    {"SF-JYJ", "示范县教育局", "education", "admin"},
    {"SF-WJJ", "示范县卫生健康局", "health", "admin"},
    {"SF-MZJ", "示范县民政局", "civil_affairs", "admin"},
    {"SF-SLJ", "示范县水利局", "water", "admin"},
    {"SF-ZJJ", "示范县住房和城乡建设局", "housing", "admin"},
    {"SF-WTJ", "示范县文化体育和旅游局", "culture_sport", "admin"},
};

// How many units each department gets at every scale (about 150 in all).
struct UnitKind {
  int dept;          // index into kDepts
  const char* code;  // unit code stem
  std::vector<const char*> names;
  int count;
};

const std::vector<const char*> kTowns = {"城关镇", "东关镇", "河西乡", "柳林镇", "石桥乡", "青山镇",
                                         "南湖乡", "白马镇", "长岭乡", "新安镇", "龙泉镇", "杏花乡"};

std::vector<UnitKind> UnitKinds() {
  return {
      {2, "JY-ZX", {"第一中学", "第二中学", "实验中学", "职业中学"}, 6},
      {2, "JY-XX", {"中心小学", "实验小学", "希望小学"}, 40},
      {2, "JY-YEY", {"中心幼儿园"}, 12},
      {3, "WJ-YY", {"人民医院", "中医院", "妇幼保健院"}, 3},
      {3, "WJ-WSY", {"卫生院"}, 12},
      {3, "WJ-WSS", {"村卫生室"}, 24},
      {4, "MZ-YLY", {"敬老院", "养老服务中心"}, 14},
      {4, "MZ-FLY", {"儿童福利院"}, 1},
      {5, "SL-SC", {"自来水厂", "供水站"}, 10},
      {5, "SL-GQ", {"灌区管理所"}, 4},
      {6, "ZJ-ZF", {"保障性住房管理中心", "市政设施维护所"}, 4},
      {7, "WT-WHZ", {"综合文化站"}, 12},
      {7, "WT-TYZX", {"全民健身中心", "体育场馆管理所", "图书馆"}, 6},
  };
}

struct DemoUser {
  const char* username;
  const char* display_name;
  const char* role;
  int org;  // -1 county, -2 city, 0..7 department, 100 first school
  int scope;  // as org; same meaning
};

}  // namespace

Result<Summary> Load(App& app, const Options& options) {
  Summary summary;
  {
    MS_ASSIGN_OR_RETURN(auto conn, app.db->Read());
    MS_ASSIGN_OR_RETURN(const int64_t existing, org::OrgStore::Count(*conn));
    if (existing > 0) return summary;
  }
  std::mt19937_64 rng(options.seed);
  const auth::Caller cli{&CliPrincipal(), "demo", "local"};

  auto create = [&](std::optional<int64_t> parent, std::string code, std::string name, org::Level level,
                    std::optional<std::string> region_level, std::string kind,
                    std::optional<std::string> field) -> Result<org::Org> {
    org::NewOrg o{parent, std::move(code), std::move(name), level, std::move(region_level),
                  std::move(kind), std::move(field)};
    auto created = app.orgs->Create(cli, o);
    if (created.ok()) ++summary.orgs;
    return created;
  };

  MS_ASSIGN_OR_RETURN(org::Org city, create(std::nullopt, "SF-CITY", "示范市", org::Level::kRegion, "city",
                                            "admin", std::nullopt));
  MS_ASSIGN_OR_RETURN(org::Org county, create(city.id, "SF", "示范县", org::Level::kRegion, "county",
                                              "admin", std::nullopt));
  std::vector<org::Org> depts;
  std::vector<AssetOwner> owners;  // every department and unit has assets
  for (const auto& d : kDepts) {
    MS_ASSIGN_OR_RETURN(org::Org dept, create(county.id, d.code, d.name, org::Level::kDepartment,
                                              std::nullopt, d.kind, d.field));
    owners.push_back({dept.id, dept.code, dept.name});
    depts.push_back(std::move(dept));
  }
  std::optional<org::Org> first_school;
  for (const auto& kind : UnitKinds()) {
    for (int i = 0; i < kind.count; ++i) {
      const std::string base = kind.names[static_cast<size_t>(i) % kind.names.size()];
      std::string name;
      if (kind.count <= static_cast<int>(kind.names.size())) {
        name = "示范县" + base;
      } else {
        const std::string town = kTowns[(static_cast<size_t>(i) + rng() % 3) % kTowns.size()];
        name = "示范县" + town + base + (i >= static_cast<int>(kTowns.size()) ? std::to_string(i / 12 + 1) + "号" : "");
      }
      const std::string code = std::string(kind.code) + "-" + (i < 9 ? "0" : "") + std::to_string(i + 1);
      const auto& dept = depts[static_cast<size_t>(kind.dept)];
      auto unit = create(dept.id, code, name, org::Level::kUnit, std::nullopt, "institution", dept.field);
      if (!unit.ok() && unit.error().code == "validation_failed") {
        // A generated name collided: fall back to the code as a distinguishing suffix.
        MS_ASSIGN_OR_RETURN(unit.value(), create(dept.id, code, name + code, org::Level::kUnit,
                                                 std::nullopt, "institution", dept.field));
      } else if (!unit.ok()) {
        return std::move(unit).error();
      }
      if (!first_school && std::string(kind.code) == "JY-ZX") first_school = unit.value();
      owners.push_back({unit->id, unit->code, unit->name});
    }
  }

  auto org_of = [&](int which) -> const org::Org& {
    if (which == -2) return city;
    if (which == -1) return county;
    if (which == 100) return *first_school;
    return depts[static_cast<size_t>(which)];
  };
  const DemoUser users[] = {
      {"admin", "系统管理员", "system_admin", 0, 0},
      {"security", "安全管理员", "security_admin", 0, 0},
      {"auditor", "安全审计员", "auditor", 0, 0},
      {"finance", "王财政（财政局）", "finance_officer", 0, -1},
      {"assets", "李资产（机关事务管理局）", "asset_admin", 1, -1},
      {"edu", "张主管（教育局）", "dept_supervisor", 2, 2},
      {"clerk", "赵老师（第一中学资产管理员）", "unit_clerk", 100, 100},
      {"custodian", "钱使用人（第一中学）", "custodian", 100, 100},
      {"steward", "孙管家（第一中学）", "steward", 100, 100},
      {"expert", "周专家", "expert", -1, -1},
      {"oversight", "吴监督（县人大）", "oversight", -1, -1},
  };
  int64_t finance_user_id = 0;
  for (const auto& u : users) {
    auth::NewUser nu;
    nu.username = u.username;
    nu.display_name = u.display_name;
    nu.org_id = org_of(u.org).id;
    nu.password = kDemoPassword;
    nu.must_change_password = false;
    nu.roles = {{u.role, org_of(u.scope).id}};
    MS_ASSIGN_OR_RETURN(auto user, app.users->Create(cli, nu));
    if (std::string_view(u.username) == "finance") finance_user_id = user.id;
    ++summary.users;
  }

  // The asset register: directories, cards and three years of history.
  AssetOptions asset_options;
  asset_options.total = AssetTarget(options.scale);
  asset_options.seed = options.seed;
  std::optional<exchange::ProgressBar> bar;
  if (options.scale != Scale::kSmall) {
    bar.emplace("assets");
    bar->SetTotal(asset_options.total);
    asset_options.progress = [&bar](int64_t done, int64_t) { bar->Update(done); };
  }
  const auto started = std::chrono::steady_clock::now();
  MS_ASSIGN_OR_RETURN(const AssetSummary assets, LoadAssets(app, owners, asset_options));
  if (bar) bar->Finish();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  spdlog::info("demo assets: {} cards ({:.2f} 万元), {} history events, {} departments, {} staff, {} locations "
               "in {:.1f} s",
               assets.cards, static_cast<double>(assets.value.value) / 1'000'000.0, assets.events,
               assets.departments, assets.staff, assets.locations, seconds);
  if (options.assessments) {
    const auto assess_started = std::chrono::steady_clock::now();
    AssessOptions assess;
    assess.seed = options.seed;
    assess.county_id = county.id;
    assess.expert_org_id = depts[0].id;  // the finance bureau: no units below it
    assess.first_school_id = first_school ? first_school->id : 0;
    assess.reviewer_user_id = finance_user_id;
    MS_ASSIGN_OR_RETURN(const AssessSummary done, LoadAssessments(app, assess));
    summary.assessments = done.assessments;
    spdlog::info("demo assessments: {} assessments, {} inputs, {} expert scores, {} rectification tasks in {:.1f} s",
                 done.assessments, done.inputs, done.expert_scores, done.tasks,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - assess_started).count());
  }
  summary.loaded = true;
  return summary;
}

}  // namespace minsheng::demo
