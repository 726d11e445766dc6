// HTTP routes of the audit module (the auditor's reads).
#pragma once

#include "audit/audit.h"
#include "auth/guard.h"
#include "http/router.h"

namespace minsheng::audit {

void RegisterAuditRoutes(http::Router& router, const auth::Guard& guard, AuditService& audit);

}  // namespace minsheng::audit
