// HTTP routes of the metric registry: GET /api/v1/metrics (the registry),
// GET /api/v1/metrics/values (stored values in the caller's scope) and
// GET /api/v1/metrics/{key}/records (the records behind one value).
#pragma once

#include "auth/guard.h"
#include "http/router.h"
#include "metric/service.h"

namespace minsheng::metric {

void RegisterMetricRoutes(http::Router& router, const auth::Guard& guard, MetricService& metrics);

}  // namespace minsheng::metric
