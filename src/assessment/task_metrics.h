// The rectification metric (整改闭环率) in the metric registry: of an object's
// rectification tasks due within the period, the share (in %) verified on or
// before their due date (Asia/Shanghai). No task due → not applicable.
// records() lists those tasks, counted = closed on time. Stateless; thread-safe.
#pragma once

#include "core/result.h"
#include "metric/registry.h"

namespace minsheng::assessment {

inline constexpr const char* kClosureMetricKey = "assess.rectification_closure";

// Adds assess.rectification_closure; Conflict when it is already there.
Result<void> RegisterTaskMetrics(metric::Registry& registry);

}  // namespace minsheng::assessment
