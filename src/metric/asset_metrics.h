// The asset register's metrics (资产管理 indicators): registration
// timeliness and rate, card completeness, idle rate (by count and by value),
// idle duration, custodian coverage, utilisation and depreciation coverage.
// Definitions, in Chinese and English: docs/metrics.md. Objects are units
// (orgs of level unit, which own the cards).
//
// Each compute is one grouped query over assets (or asset_rollups) for all
// objects; each records lists one unit's cards under the same predicate.
// Stateless; thread-safe.
#pragma once

#include "core/result.h"
#include "metric/registry.h"

namespace minsheng::metric {

struct AssetMetricSettings {
  // 登记及时率: a card registered within this many days of acquisition is on
  // time (config assess.registration_days).
  int registration_days = 30;
};

// Adds the asset metrics to the registry; Conflict when one is already there.
Result<void> RegisterAssetMetrics(Registry& registry, const AssetMetricSettings& settings);

}  // namespace minsheng::metric
