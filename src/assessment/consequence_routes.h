// HTTP routes of consequences and rectification (docs/assessment-consequences.md):
//   GET  /api/v1/assess/actions                 filters period, template, object, status, kind
//   POST /api/v1/assess/actions/{id}/status     {status: done|cancelled, note}
//   GET  /api/v1/assess/tasks                   filters period, template, object, status, overdue
//   GET  /api/v1/assess/tasks/{id}
//   POST /api/v1/assess/tasks/{id}/submit       {evidence_note, version?}
//   POST /api/v1/assess/tasks/{id}/verify       {note?, version?}
//   POST /api/v1/assess/tasks/{id}/reject       {reason, version?}
//   POST /api/v1/assess/tasks/remind            → the tasks reminded now
//   POST /api/v1/assess/tasks/{id}/files        raw body evidence (Content-Type, X-Filename)
//   GET  /api/v1/assess/tasks/{id}/files        the task's files
//   GET  /api/v1/assess/tasks/{id}/files/{file_id}  download one
#pragma once

#include "assessment/consequence_service.h"
#include "auth/guard.h"
#include "http/router.h"

namespace minsheng::assessment {

void RegisterConsequenceRoutes(http::Router& router, const auth::Guard& guard, ConsequenceService& service);

}  // namespace minsheng::assessment
