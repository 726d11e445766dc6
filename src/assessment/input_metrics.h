// Metrics made from people's inputs: assess.self_check_timeliness (月度自查
// 及时率) = on-time self-checks ÷ due self-checks of the object's monthly
// assessments within the period. A self-check is due once its deadline
// (assess_assessments.self_check_due) has passed or it has been submitted;
// on time = submitted no later than the deadline. No self-check due → not
// applicable. So a late (or missing) submission is itself scored, by
// whichever template indicator uses this metric.
// Stateless; thread-safe.
#pragma once

#include "core/result.h"
#include "metric/registry.h"

namespace minsheng::assessment {

inline constexpr const char* kSelfCheckTimeliness = "assess.self_check_timeliness";

// Adds the metric to the registry; the registry's error for a duplicate key.
Result<void> RegisterInputMetrics(metric::Registry& registry);

}  // namespace minsheng::assessment
