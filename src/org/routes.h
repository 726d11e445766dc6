// HTTP routes of the org module.
#pragma once

#include "auth/guard.h"
#include "http/router.h"
#include "org/service.h"

namespace minsheng::org {

void RegisterOrgRoutes(http::Router& router, const auth::Guard& guard, OrgService& orgs);

}  // namespace minsheng::org
