// HTTP routes of the asset register: cards (/api/v1/assets…), dashboard
// stats (/api/v1/stats/assets) and the unit directories
// (/api/v1/orgs/{id}/departments|staff|locations, /api/v1/departments/{id} …).
#pragma once

#include "asset/directory_service.h"
#include "asset/service.h"
#include "auth/guard.h"
#include "http/router.h"

namespace minsheng::asset {

void RegisterAssetRoutes(http::Router& router, const auth::Guard& guard, AssetService& assets);
void RegisterDirectoryRoutes(http::Router& router, const auth::Guard& guard, DirectoryService& directories);

}  // namespace minsheng::asset
