#include "metric/registry.h"

namespace minsheng::metric {

Result<void> Registry::Add(Metric m) {
  if (m.key.empty() || !m.compute || !m.records) {
    return InternalError("metric registration without key, compute or records: " + m.key);
  }
  if (Find(m.key) != nullptr) {
    return MakeError(ErrorCode::kConflict, "metric.duplicate", "指标键重复：" + m.key,
                     "Duplicate metric key: " + m.key);
  }
  metrics_.push_back(std::move(m));
  return Ok();
}

const Metric* Registry::Find(std::string_view key) const {
  for (const auto& m : metrics_) {
    if (m.key == key) return &m;
  }
  return nullptr;
}

}  // namespace minsheng::metric
