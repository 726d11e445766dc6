// HTTP routes of the asset register: cards (/api/v1/assets…), dashboard
// stats (/api/v1/stats/assets) and the unit directories
// (/api/v1/orgs/{id}/departments|staff|locations, /api/v1/departments/{id} …).
#pragma once

#include "asset/directory_service.h"
#include "asset/model.h"
#include "asset/service.h"
#include "auth/guard.h"
#include "http/router.h"

namespace minsheng::asset {

// The filters of GET /api/v1/assets from the query string (org, category,
// state, custodian_id, location, min/max_value_fen, acquired_from/to, q,
// sort, order, limit, cursor); every bad parameter is a field error of one
// validation error. Shared with the export (GET /api/v1/exports/assets).
// `assets` tells whether the text is indexed (the default order).
Result<CardFilter> ReadCardFilter(const http::Request& req, const AssetService& assets);

void RegisterAssetRoutes(http::Router& router, const auth::Guard& guard, AssetService& assets);
void RegisterDirectoryRoutes(http::Router& router, const auth::Guard& guard, DirectoryService& directories);

}  // namespace minsheng::asset
