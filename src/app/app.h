// App: wires the database and every module's service together and registers
// their routes. main.cpp and the tests build one App; nothing else knows the
// full set of modules.
#pragma once

#include <memory>

#include "asset/category.h"
#include "asset/directory_service.h"
#include "assessment/template_service.h"
#include "assessment/input_service.h"
#include "assessment/run_service.h"
#include "assessment/consequence_service.h"
#include "asset/service.h"
#include "audit/audit.h"
#include "auth/guard.h"
#include "auth/service.h"
#include "core/config.h"
#include "db/database.h"
#include "exchange/jobs.h"
#include "http/router.h"
#include "metric/registry.h"
#include "metric/service.h"
#include "org/service.h"

namespace minsheng {

struct App {
  Config config;
  std::unique_ptr<db::Database> db;
  std::unique_ptr<org::OrgService> orgs;
  std::unique_ptr<auth::AuthService> auth;
  std::unique_ptr<auth::UserService> users;
  std::unique_ptr<audit::AuditService> audit;
  std::unique_ptr<auth::Guard> guard;
  std::unique_ptr<asset::CategoryService> categories;
  std::unique_ptr<asset::DirectoryService> directories;
  std::unique_ptr<asset::AssetService> assets;
  // The indicator library and the versioned assessment templates (考核模板).
  std::unique_ptr<assessment::TemplateService> templates;
  // The metric registry (every module's metrics, registered in Open) and the
  // service that computes and stores them; before the assessment services.
  std::unique_ptr<metric::Registry> metrics;
  std::unique_ptr<metric::MetricService> metric_service;
  // Assessments and their runs, results, explain, bulletins (考核).
  std::unique_ptr<assessment::RunService> runs;
  // Consequences of finalized assessments and rectification tasks (结果运用, 整改).
  std::unique_ptr<assessment::ConsequenceService> consequences;
  // Inputs from people: manual values, evidence, self-checks, experts, appeals.
  std::unique_ptr<assessment::InputService> inputs;
  // Imports and exports running in the background. Declared last so it is
  // destroyed first: its destructor waits for jobs that use the services above.
  std::unique_ptr<exchange::JobRegistry> jobs;

  // Opens the database named by config.db, applies pending migrations, and
  // builds the services.
  static Result<std::unique_ptr<App>> Open(const Config& config);
  // Every API route, /api/v1/health, /api/v1/openapi.yaml and, when web_root
  // is set, the console's static files.
  void RegisterRoutes(http::Router& router);
};

// The principal the command line acts as (audited as "cli").
const auth::Principal& CliPrincipal();

// GET /api/v1/openapi.yaml (the document embedded at build time).
void RegisterOpenApiRoute(http::Router& router);
std::string_view OpenApiDocument();

}  // namespace minsheng
