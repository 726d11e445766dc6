// The MetricLink of RunService over the metric module's service and registry
// (App::Open and the tests use it). Header-only so that run_service.* does not
// depend on the metric module at build time.
#pragma once

#include "assessment/run_service.h"
#include "metric/service.h"

namespace minsheng::assessment {

// `service` must outlive the link.
inline MetricLink LinkMetrics(metric::MetricService& service) {
  const metric::Registry* registry = &service.registry();
  MetricLink link;
  link.registered = [registry](std::string_view key) { return registry->Find(key) != nullptr; };
  link.compute = [&service](db::Connection& tx, const Period& p, const std::vector<int64_t>& object_ids,
                            const std::vector<std::string>& keys) -> Result<void> {
    MS_TRY(service.ComputePeriod(tx, p, object_ids, keys));
    return Ok();
  };
  link.records = [registry, &service](db::Connection& c, std::string_view key, const Period& p, int64_t object_id,
                                      int limit) -> Result<metric::RecordPage> {
    const metric::Metric* m = registry->Find(key);
    if (m == nullptr || !m->records) return NotFoundError("指标", "Metric");
    return service.RecordsOf(c, *m, p, object_id, std::nullopt, limit);  // a department's: its subtree's
  };
  return link;
}

}  // namespace minsheng::assessment
