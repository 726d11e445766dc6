// HTTP routes of the indicator library and the templates
// (docs/openapi.yaml, tag "assessment"): parse → TemplateService → JSON.
#pragma once

#include "assessment/template_service.h"
#include "auth/guard.h"
#include "http/router.h"

namespace minsheng::assessment {

// GET /api/v1/assess/indicators, PUT /api/v1/assess/indicators/{code},
// GET|POST /api/v1/assess/templates, GET /api/v1/assess/templates/{code}
// (?version=N), PUT …/{code}/draft, POST …/{code}/publish, GET …/{code}/versions.
void RegisterTemplateRoutes(http::Router& router, const auth::Guard& guard, TemplateService& templates);

}  // namespace minsheng::assessment
