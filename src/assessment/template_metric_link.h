// The MetricLookup of TemplateService over the metric registry (App::Open and
// the tests use it). Header-only so that template.* and template_service.* do
// not depend on the metric module at build time.
#pragma once

#include "assessment/template.h"
#include "metric/registry.h"

namespace minsheng::assessment {

// `registry` must outlive the lookup.
inline MetricLookup LookupMetrics(const metric::Registry& registry) {
  return [&registry](std::string_view key) -> std::optional<MetricInfo> {
    const metric::Metric* m = registry.Find(key);
    if (m == nullptr) return std::nullopt;
    return MetricInfo{m->unit};
  };
}

}  // namespace minsheng::assessment
