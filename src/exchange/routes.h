// HTTP routes of import and export (导入导出), as agreed with the console and
// the CLI (the asset I/O contract):
//
//   GET  /api/v1/imports/assets/template?format=xlsx|csv   the template to fill in
//   POST /api/v1/imports/assets?org_id=ID&dry_run=…        raw file body (≤ 256 MiB)
//        → 202 {"job_id"}; ImportAssets runs as a JobRegistry job
//   GET  /api/v1/jobs/{id}                                 the job, its owner only
//   GET  /api/v1/jobs/{id}/report.xlsx | report.csv        the per-row error report
//   GET  /api/v1/exports/assets?format=…&<GET /assets filters>  the file
//
// The upload checks what it can before answering 202 — asset.write on the
// unit (403 without the permission, 404 outside the scope), that the org may
// own assets, Content-Type against the bytes — so a clerk sees those errors
// at once; row problems come back in the job's result and report. Nothing is
// written unless every row is valid (ImportAssets' transaction); the writes
// audit themselves (AssetService::RegisterPrepared).
//
// Reports are files in the system temporary directory, listed on the job so
// the registry removes them when the job expires.
//
// Thread-safe: handlers only use the thread-safe services and registry.
#pragma once

#include <string>
#include <string_view>

#include "asset/directory_service.h"
#include "asset/service.h"
#include "auth/guard.h"
#include "db/database.h"
#include "exchange/jobs.h"
#include "http/router.h"
#include "org/service.h"

namespace minsheng::exchange {

// The largest upload the import route accepts (the rest of the API keeps the
// server's 1 MiB).
inline constexpr size_t kImportBodyLimit = size_t{256} << 20;

struct ExchangeServices {
  db::Database& db;
  org::OrgService& orgs;
  asset::AssetService& assets;
  asset::DirectoryService& directories;
  JobRegistry& jobs;
};

void RegisterExchangeRoutes(http::Router& router, const auth::Guard& guard, const ExchangeServices& services);

// `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>`
// (RFC 6266 with the RFC 5987 extended value, so Chinese names survive).
std::string AttachmentDisposition(std::string_view filename);

}  // namespace minsheng::exchange
