// MetricStore: persistence of computed metric values (metric_values). SQL
// lives here and in sql.h only. Each call runs on the connection the service
// supplies (the caller's transaction for writes).
// Stateless; thread-safe (the batch INSERT is built once, under a
// function-local static).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "db/database.h"
#include "metric/registry.h"

namespace minsheng::metric {

// One stored row of metric_values.
struct StoredValue {
  std::string metric_key;
  int64_t object_id = 0;
  std::optional<double> value;  // nullopt: not applicable
  double numerator = 0;
  double denominator = 0;
  UtcTime computed_at;
};

// A stored value with its object's org (for scoped reads and display).
// The position of a value in the (object, key) order of the scoped list.
struct ValueKey {
  int64_t object_id = 0;
  std::string metric_key;
};

struct ScopedValue {
  StoredValue v;
  std::string org_path;
  std::string org_code;
  std::string org_name;
};

// The JSON array text the statements of sql.h take as one list parameter
// (ids: db::IdListJson). Keys must be metric keys (letters, digits, '_' and
// '.'); others are left out.
std::string KeyListJson(const std::vector<std::string>& keys);

class MetricStore {
 public:
  // Deletes the rows of (period, key) for object_ids and writes `values`
  // (whose objects must be among object_ids) with multi-row prepared INSERTs.
  static Result<void> Replace(db::Connection& c, const std::string& period, const std::string& key,
                              const std::vector<int64_t>& object_ids, const std::vector<MetricValue>& values,
                              UtcTime computed_at);
  // Rows of the period for these keys and objects, by key then object.
  static Result<std::vector<StoredValue>> Values(db::Connection& c, const std::string& period,
                                                 const std::vector<std::string>& keys,
                                                 const std::vector<int64_t>& object_ids);
  // Rows of the period (optionally one key, one object) with their org, by
  // object then key.
  // One scope root's page of values by (object, key) after `after` (see
  // sql::kValuesWithOrg).
  static Result<std::vector<ScopedValue>> ValuesWithOrg(db::Connection& c, const std::string& period,
                                                        const std::optional<std::string>& key,
                                                        const std::optional<int64_t>& object_id, bool exact,
                                                        const std::string& scope_path,
                                                        const std::optional<ValueKey>& after, int limit);
};

}  // namespace minsheng::metric
