// SQL of the metric module: the stored values (metric_values) and the set
// queries of the asset metrics (asset_metrics.cpp). Named constants with $n
// parameters.
//
// A list of ids or keys travels as ONE text parameter holding a JSON array
// ("[3,17,42]", "[\"asset.idle_rate\"]"), so each statement has a fixed text
// whatever the number of objects: SQLite reads it with json_each, PostgreSQL
// with json_array_elements_text into an array built once per execution (an
// InitPlan; = ANY over it is served from the org_id indexes). Casting the
// text itself to BIGINT[] would be re-parsed for every row (13 s instead of
// 1.3 s over 1,000,000 cards).
#pragma once

#include "db/database.h"

namespace minsheng::metric::sql {

// `col IN <the JSON array in $n>`, per engine.
#define MS_IN_IDS_LITE(col, n) " " col " IN (SELECT value FROM json_each(" n ")) "
#define MS_IN_IDS_PG(col, n) \
  " " col " = ANY(ARRAY(SELECT CAST(t.v AS BIGINT) FROM json_array_elements_text(CAST(" n " AS JSON)) AS t(v))) "
#define MS_IN_KEYS_PG(col, n) \
  " " col " = ANY(ARRAY(SELECT t.v FROM json_array_elements_text(CAST(" n " AS JSON)) AS t(v))) "

// A statement whose object list ($1 unless said) is `col IN …`: the same
// text around it on both engines.
#define MS_FOR_IDS(name, head, col, n, tail) \
  db::Sql { name, head MS_IN_IDS_LITE(col, n) tail, head MS_IN_IDS_PG(col, n) tail }

// ---- metric_values ------------------------------------------------------------

// $1 period, $2 metric key, $3 object ids.
inline constexpr db::Sql kDeleteValues = MS_FOR_IDS(
    "metric.value.delete", "DELETE FROM metric_values WHERE period = $1 AND metric_key = $2 AND", "object_id", "$3", "");

// One row's columns; store.cpp builds the multi-row statement from these
// (kInsertBatchRows rows per statement, the remainder one row at a time).
inline constexpr const char* kInsertHead =
    "INSERT INTO metric_values (period, metric_key, object_id, value, numerator, denominator, computed_at) VALUES ";
inline constexpr int kInsertColumns = 7;
inline constexpr int kInsertBatchRows = 100;

// $1 period, $2 metric keys, $3 object ids.
inline constexpr db::Sql kValues{
    "metric.value.list",
    "SELECT metric_key, object_id, value, numerator, denominator, computed_at FROM metric_values "
    "WHERE period = $1 AND metric_key IN (SELECT value FROM json_each($2)) AND" MS_IN_IDS_LITE("object_id", "$3")
    "ORDER BY metric_key, object_id",
    "SELECT metric_key, object_id, value, numerator, denominator, computed_at FROM metric_values "
    "WHERE period = $1 AND" MS_IN_KEYS_PG("metric_key", "$2") "AND" MS_IN_IDS_PG("object_id", "$3")
    "ORDER BY metric_key, object_id"};

// The values of a period with their object's org in one scope root, a page
// by (object, key) after the cursor. $1 period, $2 metric key or NULL, $3
// object id or NULL, $4 1 = exactly the org $5, 0 = the subtree LIKE $6, $7/$8
// the cursor's object id and key (NULL: first page), $9 limit. Keys compare
// bytewise on both engines (COLLATE "C" on PostgreSQL).
#define MS_VALUES_WITH_ORG(collate)                                                                             \
  "SELECT v.metric_key, v.object_id, v.value, v.numerator, v.denominator, v.computed_at, o.path, o.code, o.name " \
  "FROM metric_values v JOIN orgs o ON o.id = v.object_id WHERE v.period = $1 "                                \
  "AND (CAST($2 AS TEXT) IS NULL OR v.metric_key = $2) AND (CAST($3 AS BIGINT) IS NULL OR v.object_id = $3) "   \
  "AND (($4 = 1 AND o.path = $5) OR ($4 = 0 AND o.path LIKE $6)) "                                              \
  "AND (CAST($7 AS BIGINT) IS NULL OR v.object_id > $7 OR (v.object_id = $7 AND v.metric_key" collate " > $8)) " \
  "ORDER BY v.object_id, v.metric_key" collate " LIMIT $9"
inline constexpr db::Sql kValuesWithOrg{"metric.value.list_with_org", MS_VALUES_WITH_ORG(""),
                                        MS_VALUES_WITH_ORG(" COLLATE \"C\"")};
#undef MS_VALUES_WITH_ORG

// ---- subtrees: an object above unit level answers for every org under it --------

// (root, member) for the objects of $1 that are not units: every org whose
// path starts with the root's (the root itself included), in member order.
inline constexpr db::Sql kSubtreeMembers = MS_FOR_IDS(
    "metric.subtree.members",
    "SELECT r.id, m.id FROM orgs r JOIN orgs m ON m.path LIKE r.path || '%' WHERE r.level <> 'unit' AND",
    "r.id", "$1", "ORDER BY r.id, m.id");

// ---- asset metrics: compute (all objects, $1 = object ids) ---------------------
// Each returns (org_id, numerator, denominator) for the objects that have
// cards in its denominator. States are the cards' current states.

// Shanghai day of a UTC-microsecond instant: (t + 8 h) ÷ 1 day.
#define MS_SHANGHAI_DAY(t) "((" t " + 28800000000) / 86400000000)"
// (org_id, Σ counted, COUNT(*)) over `from` for the objects, with more conditions.
#define MS_COUNT_COMPUTE(name, counted, from, more)                                                     \
  MS_FOR_IDS(name, "SELECT a.org_id, SUM(CASE WHEN " counted " THEN 1 ELSE 0 END), COUNT(*) " from " WHERE", \
             "a.org_id", "$1", more " GROUP BY a.org_id")

// 登记及时率: $2 first day, $3 last day of the period, $4 allowed days.
#define MS_TIMELY "(" MS_SHANGHAI_DAY("a.created_at") " - a.acquired_on <= CAST($4 AS BIGINT))"
inline constexpr db::Sql kTimelinessCompute = MS_COUNT_COMPUTE(
    "metric.asset.timeliness.compute", MS_TIMELY, "FROM assets a", "AND a.acquired_on BETWEEN $2 AND $3");

// Numerator and denominator predicates over the live cards (not disposed).
#define MS_SETTLED "a.value_status = 'settled'"
#define MS_COMPLETE                                                                                        \
  "(a.department_id IS NOT NULL AND a.custodian_id IS NOT NULL AND a.manager_id IS NOT NULL AND "         \
  "a.location_id IS NOT NULL AND ((a.model IS NOT NULL AND a.model <> '') OR (a.spec IS NOT NULL AND "   \
  "a.spec <> '')))"
inline constexpr db::Sql kRegistrationCompute = MS_COUNT_COMPUTE(
    "metric.asset.registration.compute", MS_SETTLED, "FROM assets a", "AND a.state <> 'disposed'");
inline constexpr db::Sql kCompletenessCompute = MS_COUNT_COMPUTE(
    "metric.asset.completeness.compute", MS_COMPLETE, "FROM assets a", "AND a.state <> 'disposed'");

// Counts by state come from asset_rollups (kept exact with every write; the
// records below list the same cards from assets). $1 object ids.
#define MS_ROLLUP_COMPUTE(name, num, den)                                                                 \
  MS_FOR_IDS(name, "SELECT r.org_id, SUM(" num "), SUM(" den ") FROM asset_rollups r WHERE", "r.org_id", "$1", \
             "AND r.state <> 'disposed' GROUP BY r.org_id HAVING SUM(r.count) > 0")
inline constexpr db::Sql kIdleCompute = MS_ROLLUP_COMPUTE(
    "metric.asset.idle.compute", "CASE WHEN r.state = 'idle' THEN r.count ELSE 0 END", "r.count");
inline constexpr db::Sql kIdleValueCompute = MS_ROLLUP_COMPUTE(
    "metric.asset.idle_value.compute", "CASE WHEN r.state = 'idle' THEN r.value ELSE 0 END", "r.value");
inline constexpr db::Sql kUtilisationCompute = MS_ROLLUP_COMPUTE(
    "metric.asset.utilisation.compute", "CASE WHEN r.state IN ('in_use', 'leased', 'lent') THEN r.count ELSE 0 END",
    "r.count");
#undef MS_ROLLUP_COMPUTE

// 平均闲置时长: the Shanghai day the card last went idle (its last event into
// idle from another state; the registration when it has none). $2 last day.
#define MS_IDLE_SINCE_DAY                                                                                 \
  MS_SHANGHAI_DAY("COALESCE((SELECT MAX(e.at) FROM asset_events e WHERE e.asset_id = a.id AND "          \
                  "e.state_after = 'idle' AND (e.state_before IS NULL OR e.state_before <> 'idle')), "     \
                  "a.created_at)")
#define MS_IDLE_DAYS "CASE WHEN CAST($2 AS BIGINT) > x.since THEN CAST($2 AS BIGINT) - x.since ELSE 0 END"
inline constexpr db::Sql kIdleDurationCompute = MS_FOR_IDS(
    "metric.asset.idle_duration.compute",
    "SELECT x.org_id, SUM(" MS_IDLE_DAYS "), COUNT(*) FROM (SELECT a.org_id, " MS_IDLE_SINCE_DAY
    " AS since FROM assets a WHERE", "a.org_id", "$1", "AND a.state = 'idle') x GROUP BY x.org_id");

// 使用人落实率: in-use cards with a custodian.
inline constexpr db::Sql kCustodianCompute = MS_COUNT_COMPUTE(
    "metric.asset.custodian.compute", "a.custodian_id IS NOT NULL", "FROM assets a", "AND a.state = 'in_use'");

// 折旧计提覆盖率: live cards of depreciable classes whose life is at least the
// class minimum.
#define MS_DEPRECIABLE_FROM                                                                               \
  "FROM assets a JOIN categories c ON c.code = a.category_code "                                          \
  "JOIN depreciation_classes d ON d.code = c.depreciation_class "
#define MS_LIFE_OK "a.life_months >= d.min_years * 12"
inline constexpr db::Sql kDepreciationCompute = MS_COUNT_COMPUTE(
    "metric.asset.depreciation.compute", MS_LIFE_OK, MS_DEPRECIABLE_FROM,
    "AND a.state <> 'disposed' AND d.depreciable = 1");
#undef MS_COUNT_COMPUTE

// ---- asset metrics: records (one object, paged by id) ---------------------------
// Each returns (id, number, counted, detail 1, detail 2) for the cards of one
// unit in the metric's denominator: $1 org id, $2 cursor (last id) or NULL,
// $3 limit, further parameters as in compute.

#define MS_PAGE " AND (CAST($2 AS BIGINT) IS NULL OR a.id > $2) ORDER BY a.id LIMIT $3"

// detail 1: days from acquisition to registration; detail 2: acquired_on.
inline constexpr db::Sql kTimelinessRecords{
    "metric.asset.timeliness.records",
    "SELECT a.id, a.number, CASE WHEN " MS_TIMELY " THEN 1 ELSE 0 END, "
    MS_SHANGHAI_DAY("a.created_at") " - a.acquired_on, a.acquired_on FROM assets a "
    "WHERE a.org_id = $1 AND a.acquired_on BETWEEN $5 AND $6" MS_PAGE};
// detail 1: value_status; detail 2: state.
inline constexpr db::Sql kRegistrationRecords{
    "metric.asset.registration.records",
    "SELECT a.id, a.number, CASE WHEN " MS_SETTLED " THEN 1 ELSE 0 END, a.value_status, a.state FROM assets a "
    "WHERE a.org_id = $1 AND a.state <> 'disposed'" MS_PAGE};
// detail 1: which of department, custodian, manager, model/spec are missing
// ("d", "c", "m", "s" flags as 0/1 digits); detail 2: state.
inline constexpr db::Sql kCompletenessRecords{
    "metric.asset.completeness.records",
    "SELECT a.id, a.number, CASE WHEN " MS_COMPLETE " THEN 1 ELSE 0 END, "
    "(CASE WHEN a.department_id IS NULL THEN 'd' ELSE '' END) || (CASE WHEN a.custodian_id IS NULL THEN 'c' ELSE '' "
    "END) || (CASE WHEN a.manager_id IS NULL THEN 'm' ELSE '' END) || (CASE WHEN (a.model IS NULL OR a.model = '') "
    "AND (a.spec IS NULL OR a.spec = '') THEN 's' ELSE '' END), a.state FROM assets a "
    "WHERE a.org_id = $1 AND a.state <> 'disposed'" MS_PAGE};
// detail 1: state; detail 2: original value (fen).
inline constexpr db::Sql kIdleRecords{
    "metric.asset.idle.records",
    "SELECT a.id, a.number, CASE WHEN a.state = 'idle' THEN 1 ELSE 0 END, a.state, a.original_value FROM assets a "
    "WHERE a.org_id = $1 AND a.state <> 'disposed'" MS_PAGE};
inline constexpr db::Sql kUtilisationRecords{
    "metric.asset.utilisation.records",
    "SELECT a.id, a.number, CASE WHEN a.state IN ('in_use', 'leased', 'lent') THEN 1 ELSE 0 END, a.state, "
    "a.original_value FROM assets a WHERE a.org_id = $1 AND a.state <> 'disposed'" MS_PAGE};
// detail 1: idle days to the period end ($4 last day); detail 2: idle-since day.
inline constexpr db::Sql kIdleDurationRecords{
    "metric.asset.idle_duration.records",
    "SELECT x.id, x.number, 1, CASE WHEN CAST($4 AS BIGINT) > x.since THEN CAST($4 AS BIGINT) - x.since ELSE 0 END, "
    "x.since FROM (SELECT a.id, a.number, " MS_IDLE_SINCE_DAY " AS since FROM assets a "
    "WHERE a.org_id = $1 AND a.state = 'idle' AND (CAST($2 AS BIGINT) IS NULL OR a.id > $2) ORDER BY a.id "
    "LIMIT $3) x ORDER BY x.id"};
// detail 1: custodian id or NULL; detail 2: state.
inline constexpr db::Sql kCustodianRecords{
    "metric.asset.custodian.records",
    "SELECT a.id, a.number, CASE WHEN a.custodian_id IS NOT NULL THEN 1 ELSE 0 END, a.custodian_id, a.state "
    "FROM assets a WHERE a.org_id = $1 AND a.state = 'in_use'" MS_PAGE};
// detail 1: life in months; detail 2: the class minimum in years.
inline constexpr db::Sql kDepreciationRecords{
    "metric.asset.depreciation.records",
    "SELECT a.id, a.number, CASE WHEN " MS_LIFE_OK " THEN 1 ELSE 0 END, a.life_months, d.min_years "
    MS_DEPRECIABLE_FROM "WHERE a.org_id = $1 AND a.state <> 'disposed' AND d.depreciable = 1" MS_PAGE};

#undef MS_PAGE
#undef MS_LIFE_OK
#undef MS_DEPRECIABLE_FROM
#undef MS_IDLE_DAYS
#undef MS_IDLE_SINCE_DAY
#undef MS_COMPLETE
#undef MS_SETTLED
#undef MS_TIMELY
#undef MS_SHANGHAI_DAY
#undef MS_FOR_IDS
#undef MS_IN_KEYS_PG
#undef MS_IN_IDS_PG
#undef MS_IN_IDS_LITE

}  // namespace minsheng::metric::sql
