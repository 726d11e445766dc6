#include "app/app.h"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "assessment/input_metrics.h"
#include "assessment/input_routes.h"
#include "assessment/template_routes.h"
#include "assessment/consequence_routes.h"
#include "assessment/task_metrics.h"
#include "assessment/template_metric_link.h"
#include "assessment/run_metric_link.h"
#include "assessment/run_routes.h"
#include "asset/routes.h"
#include "audit/routes.h"
#include "auth/routes.h"
#include "core/version.h"
#include "exchange/routes.h"
#include "exchange/table_export.h"
#include "metric/asset_metrics.h"
#include "metric/routes.h"
#include "org/routes.h"

namespace minsheng {

const auth::Principal& CliPrincipal() {
  static const auth::Principal kCli = [] {
    auth::Principal p;
    p.username = "cli";
    p.is_system = true;
    return p;
  }();
  return kCli;
}

Result<std::unique_ptr<App>> App::Open(const Config& config) {
  auto app = std::make_unique<App>();
  app->config = config;
  db::Options options;
  options.readers = config.db_pool;
  options.sqlite_cache_mb = config.sqlite_cache_mb;
  options.sqlite_mmap_mb = config.sqlite_mmap_mb;
  MS_ASSIGN_OR_RETURN(app->db, db::Database::Open(config.db, options));
  MS_ASSIGN_OR_RETURN(const int applied, db::Migrate(*app->db));
  if (applied > 0) spdlog::info("applied {} migration(s) to {}", applied, app->db->Describe());
  app->orgs = std::make_unique<org::OrgService>(*app->db);
  app->auth = std::make_unique<auth::AuthService>(*app->db, config.security);
  app->users = std::make_unique<auth::UserService>(*app->db, *app->auth, *app->orgs);
  app->audit = std::make_unique<audit::AuditService>(*app->db);
  app->guard = std::make_unique<auth::Guard>(*app->auth, config.secure_cookies);
  app->categories = std::make_unique<asset::CategoryService>(*app->db, config.asset.category_recheck_seconds);
  MS_TRY(app->categories->EnsureSeeded());  // a fresh database gets the shipped category table
  app->directories = std::make_unique<asset::DirectoryService>(*app->db, *app->orgs);
  asset::AssetSettings asset_settings;
  asset_settings.public_base_url = config.public_base_url;
  asset_settings.depreciation_start = config.asset.depreciation_start == "next_month"
                                          ? asset::DepreciationStart::kNextMonth
                                          : asset::DepreciationStart::kSameMonth;
  asset_settings.stats_cache_bytes = static_cast<size_t>(config.asset.stats_cache_mb) << 20;
  asset_settings.list_cache_bytes = static_cast<size_t>(config.asset.list_cache_mb) << 20;
  asset_settings.card_cache_bytes = static_cast<size_t>(config.asset.card_cache_mb) << 20;
  asset_settings.pg_text_window = config.asset.pg_text_window;
  asset_settings.text_index_bytes = static_cast<size_t>(config.asset.text_index_mb) << 20;
  asset_settings.import_rebuild_ratio = config.asset.import_rebuild_ratio;
  asset_settings.import_pg_gin_pending_mb = config.asset.import_pg_gin_pending_mb;
  asset_settings.import_pg_maintenance_mb = config.asset.import_pg_maintenance_mb;
  app->assets = std::make_unique<asset::AssetService>(*app->db, *app->categories, *app->orgs, asset_settings);
  app->inputs = std::make_unique<assessment::InputService>(
      *app->db, assessment::InputSettings{config.assess_inputs.evidence_max_bytes,
                                          config.assess_inputs.self_supervisor_gap});
  app->metrics = std::make_unique<metric::Registry>();
  MS_TRY(metric::RegisterAssetMetrics(
      *app->metrics, metric::AssetMetricSettings{config.assess_metrics.registration_days}));
  MS_TRY(assessment::RegisterTaskMetrics(*app->metrics));  // 整改闭环率
  MS_TRY(assessment::RegisterInputMetrics(*app->metrics));  // 月度自查及时率
  // Templates check their metric keys against the registry.
  app->templates =
      std::make_unique<assessment::TemplateService>(*app->db, assessment::LookupMetrics(*app->metrics));
  MS_TRY(app->templates->EnsureSeeded());  // a fresh database gets the shipped templates
  app->metric_service = std::make_unique<metric::MetricService>(*app->db, *app->metrics, *app->orgs);
  assessment::RunSettings run_settings;
  run_settings.self_supervisor_gap = config.assess_inputs.self_supervisor_gap;
  run_settings.expert_aggregation = config.assess_runs.expert_aggregation == "trimmed_mean"
                                        ? assessment::ExpertAggregation::kTrimmedMean
                                        : assessment::ExpertAggregation::kMean;
  run_settings.appeal_days = config.assess_runs.appeal_days;
  run_settings.score_threads = config.assess_runs.score_threads;
  app->runs = std::make_unique<assessment::RunService>(*app->db, assessment::LinkMetrics(*app->metric_service),
                                                       run_settings);
  MS_ASSIGN_OR_RETURN(auto consequence_settings, assessment::LoadConsequenceSettings(config.assess_consequences));
  consequence_settings.evidence_max_bytes = config.assess_inputs.evidence_max_bytes;  // task evidence files
  app->consequences = std::make_unique<assessment::ConsequenceService>(
      *app->db, std::move(consequence_settings), assessment::StoredTemplateLoader());
  // Finalizing an assessment produces its consequences and rectification tasks in the same transaction.
  app->runs->SetFinalizeHook([consequences = app->consequences.get()](
                                 db::Connection& tx, const assessment::Assessment& a,
                                 const std::vector<assessment::ObjectResult>& results) {
    return consequences->OnFinalize(tx, assessment::RefOf(a), results);
  });
  // A quarterly or monthly bulletin opens rectification tasks for its red
  // colours and failed indicators when it is published; an annual evaluation
  // opens them when it is finalized, together with its consequences.
  app->runs->SetPublishHook([consequences = app->consequences.get()](
                                db::Connection& tx, const assessment::Assessment& a,
                                const std::vector<assessment::ObjectResult>& results) -> Result<void> {
    if (a.period.kind == Period::Kind::kYear) return Ok();
    return consequences->GenerateTasks(tx, assessment::RefOf(a), results);
  });
  // An accepted input, an expert score or a decided appeal rescores its object
  // (and re-ranks its group) in the same transaction.
  app->inputs->SetRecompute([runs = app->runs.get()](db::Connection& tx, int64_t assessment_id,
                                                     int64_t object_id) -> Result<void> {
    MS_TRY(runs->RecomputeObject(tx, assessment_id, object_id));
    return Ok();
  });
  app->jobs = std::make_unique<exchange::JobRegistry>();
  return app;
}

void App::RegisterRoutes(http::Router& router) {
  const std::string engine(db::EngineName(db->engine()));
  router.Add(http::Method::kGet, "/api/v1/health", [this, engine](http::Request& req) {
    // A cheap query proves the database answers.
    auto conn = db->Read();
    const bool ok = conn.ok() && (*conn)->QueryInt({"app.health", "SELECT 1"}).ok();
    namespace json = boost::json;
    const std::string body = json::serialize(json::object{
        {"status", ok ? "ok" : "degraded"}, {"version", MINSHENG_VERSION}, {"database", engine}});
    (void)req;
    return http::Response::Json(ok ? 200 : 503, body);
  });
  RegisterOpenApiRoute(router);
  auth::RegisterAuthRoutes(router, *guard, *auth, *users);
  org::RegisterOrgRoutes(router, *guard, *orgs);
  audit::RegisterAuditRoutes(router, *guard, *audit);
  asset::RegisterCategoryRoutes(router, *guard, *categories);
  asset::RegisterDirectoryRoutes(router, *guard, *directories);
  asset::RegisterAssetRoutes(router, *guard, *assets);
  assessment::RegisterTemplateRoutes(router, *guard, *templates);
  assessment::RegisterInputRoutes(router, *guard, *inputs);
  metric::RegisterMetricRoutes(router, *guard, *metric_service);
  assessment::RegisterRunRoutes(router, *guard, *runs);
  assessment::RegisterConsequenceRoutes(router, *guard, *consequences);
  exchange::RegisterExchangeRoutes(router, *guard, {*db, *orgs, *assets, *directories, *jobs});
  exchange::RegisterTableExportRoutes(router, *guard);
  if (!config.web_root.empty()) router.SetFallback(http::StaticFiles(config.web_root));
}

}  // namespace minsheng
