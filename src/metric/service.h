// MetricService: computes the registered metrics for a period in sets,
// stores them in metric_values (replacing what was there), reads them back,
// and lists the records behind one object's value (explain links).
// docs/assessment-design.md, "Metric registry"; definitions: docs/metrics.md.
//
// Writes happen inside the caller's transaction (an assessment run), whose
// audit row covers them; reads for people check assess.read on the object's
// org (out of scope = NotFound).
//
// Thread-safe: holds the thread-safe Database and OrgService and a Registry
// that is read-only after start.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/model.h"
#include "core/period.h"
#include "core/result.h"
#include "db/database.h"
#include "metric/registry.h"
#include "metric/store.h"
#include "org/service.h"

namespace minsheng::metric {

// GET /api/v1/metrics/values pages: default and largest page.
inline constexpr int kValuesDefaultLimit = 200;
inline constexpr int kValuesMaxLimit = 1000;

// One page of scoped values; next_cursor is set when more may follow.
struct ValuePage {
  std::vector<ScopedValue> items;
  std::optional<std::string> next_cursor;
};

// What one ComputePeriod call did.
struct ComputeSummary {
  struct PerMetric {
    std::string key;
    int64_t values = 0;          // rows written (one per object)
    int64_t not_applicable = 0;  // of which value NULL
    double millis = 0;           // compute + write
  };
  int64_t values = 0;
  int64_t not_applicable = 0;
  std::vector<PerMetric> metrics;
};

class MetricService {
 public:
  MetricService(db::Database& db, const Registry& registry, org::OrgService& orgs)
      : db_(db), registry_(registry), orgs_(orgs) {}

  const Registry& registry() const { return registry_; }

  // Subtrees: an object above unit level (a department, a region) answers
  // for its whole subtree — its own records and those of every org under it
  // (docs/metrics.md, "Objects"). Its value pools the subtree: Σ numerators
  // ÷ Σ denominators (× 100 for a rate), from the same one set computation,
  // run over the objects and the members of their subtrees together. A
  // unit's value is its own records only.
  //
  // Runs each metric's set computation once for all objects and replaces
  // the rows of metric_values for (period, key, those objects) on tx (the
  // caller's open transaction; nothing is committed here). Every object gets
  // a row: objects the computation did not return get value NULL (not
  // applicable). Empty metric_keys = every registered metric. Duplicate
  // object ids are ignored. Validation error "metric_keys" for an unknown key;
  // on any error the caller must roll back.
  Result<ComputeSummary> ComputePeriod(db::Connection& tx, const Period& p, const std::vector<int64_t>& object_ids,
                                       const std::vector<std::string>& metric_keys);

  // The stored rows of the period for these keys and objects (empty keys =
  // every registered metric), ordered by key then object. No access check:
  // for services that have checked theirs.
  Result<std::vector<StoredValue>> Values(db::Connection& c, const Period& p, const std::vector<std::string>& keys,
                                          const std::vector<int64_t>& object_ids);

  // The records behind one object's value (its subtree's above unit level,
  // merged in id order), paged by record id. No access check: for services
  // that have checked theirs.
  Result<RecordPage> RecordsOf(db::Connection& c, const Metric& m, const Period& p, int64_t object_id,
                               std::optional<int64_t> cursor, int limit);

  // ---- for people (assess.read) ------------------------------------------

  // The registry. Forbidden without assess.read.
  Result<std::vector<const Metric*>> List(const auth::Principal& who) const;
  // The records behind one object's value, paged by record id (limit 1–200).
  // NotFound for an unknown key, an unknown object or one outside who's
  // assess.read scope.
  Result<RecordPage> Records(const auth::Principal& who, std::string_view key, const Period& p, int64_t object_id,
                             std::optional<int64_t> cursor, int limit);
  // The stored values of a period in who's scope, optionally of one key and
  // one object (NotFound when that object is outside the scope; validation
  // error "key" for an unknown key), by object then key, a page of `limit`
  // (1–kValuesMaxLimit) after `cursor` (a page's next_cursor; field error
  // "cursor" when it does not parse).
  Result<ValuePage> ValuesInScope(const auth::Principal& who, const Period& p, const std::optional<std::string>& key,
                                  const std::optional<int64_t>& object_id,
                                  const std::optional<std::string>& cursor = std::nullopt,
                                  int limit = kValuesDefaultLimit);

 private:
  db::Database& db_;
  const Registry& registry_;
  org::OrgService& orgs_;
};

}  // namespace minsheng::metric
