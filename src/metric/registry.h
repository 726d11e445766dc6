// The metric registry: every module registers the metrics its records can
// produce. A metric is computed in one set query for all objects of a period
// and can list, for one object, the records that made its value
// (docs/assessment-design.md, "Metric registry").
//
// Thread-safety: registration happens at start (App::Open); afterwards the
// registry is read-only and safe to share.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/period.h"
#include "core/result.h"
#include "db/database.h"

namespace minsheng::metric {

using minsheng::Period;

// A value in the metric's unit: a rate ("%") is 100 × numerator ÷
// denominator (0–100), a mean ("天") is numerator ÷ denominator.
struct MetricValue {
  int64_t object_id = 0;
  std::optional<double> value;  // nullopt when not applicable (denominator 0)
  double numerator = 0;
  double denominator = 0;
};

// One record behind a value, e.g. {"asset", 123, "A-0101-2024-000017", "在用"}.
struct RecordRef {
  std::string kind;   // asset | asset_event | task | ...
  int64_t id = 0;
  std::string label;  // what a person recognises (asset number, title)
  std::string note;   // why it counts (e.g. "registered 45 days after acquisition")
  std::string note_zh;  // the same in Chinese (e.g. "取得后第 45 天登记")
  bool counted = true;  // in the numerator (false: only in the denominator)
};

struct RecordPage {
  std::vector<RecordRef> items;
  std::optional<int64_t> next_cursor;
};

struct ComputeContext {
  db::Connection& conn;
  const Period& period;
  const std::vector<int64_t>& object_ids;  // all objects of the run
};

struct Metric {
  std::string key;        // module.name, e.g. asset.registration_rate
  std::string name_zh;
  std::string name_en;
  std::string unit;       // "%", "天", "件"
  std::string description_zh;
  std::string description_en;
  std::string object_class = "unit";
  // One pass for all objects; objects with no records may be absent (→ not applicable).
  std::function<Result<std::vector<MetricValue>>(const ComputeContext&)> compute;
  // The records behind one object's value, in a stable order, paged by id.
  std::function<Result<RecordPage>(db::Connection& conn, const Period& period, int64_t object_id,
                                   std::optional<int64_t> cursor, int limit)>
      records;
};

class Registry {
 public:
  // AlreadyExists for a duplicate key.
  Result<void> Add(Metric m);
  const Metric* Find(std::string_view key) const;
  const std::vector<Metric>& all() const { return metrics_; }

 private:
  std::vector<Metric> metrics_;
};

}  // namespace minsheng::metric
