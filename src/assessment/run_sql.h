// SQL of assessments, runs and results (run_store.cpp). Named constants
// with $n parameters; names show up in logs. Tables: migration 0004.
#pragma once

#include "db/database.h"

namespace minsheng::assessment::sql {

// ---- assessments ----------------------------------------------------------

// Columns read by ReadAssessment (run_store.cpp), in this order.
#define MS_ASSESSMENT_COLUMNS                                                                               \
  "a.id, a.period, a.template_id, a.template_code, t.version, a.scope_org_id, a.scope_path, a.name, "       \
  "a.status, a.self_check_due, a.appeal_until, a.computed_at, a.published_at, a.finalized_at, a.created_by, " \
  "a.created_at, a.version, g.name, "                                                                         \
  "(SELECT COUNT(*) FROM assess_objects o WHERE o.assessment_id = a.id), "                                    \
  "(SELECT COUNT(*) FROM assess_results r WHERE r.assessment_id = a.id) "

inline constexpr db::Sql kAssessmentByKey{
    "assess.assessment.by_key",
    "SELECT " MS_ASSESSMENT_COLUMNS
    "FROM assess_assessments a JOIN assess_templates t ON t.id = a.template_id JOIN orgs g ON g.id = a.scope_org_id "
    "WHERE a.period = $1 AND a.template_code = $2"};

inline constexpr db::Sql kAssessmentById{
    "assess.assessment.by_id",
    "SELECT " MS_ASSESSMENT_COLUMNS
    "FROM assess_assessments a JOIN assess_templates t ON t.id = a.template_id JOIN orgs g ON g.id = a.scope_org_id "
    "WHERE a.id = $1"};

// Optional filters: period, template code, status.
inline constexpr db::Sql kAssessmentList{
    "assess.assessment.list",
    "SELECT " MS_ASSESSMENT_COLUMNS
    "FROM assess_assessments a JOIN assess_templates t ON t.id = a.template_id JOIN orgs g ON g.id = a.scope_org_id "
    "WHERE (CAST($1 AS TEXT) IS NULL OR a.period = $1) AND (CAST($2 AS TEXT) IS NULL OR a.template_code = $2) "
    "AND (CAST($3 AS TEXT) IS NULL OR a.status = $3) "
    "ORDER BY a.period DESC, a.template_code LIMIT 500"};

#undef MS_ASSESSMENT_COLUMNS

inline constexpr db::Sql kAssessmentInsert{
    "assess.assessment.insert",
    "INSERT INTO assess_assessments (period, period_kind, template_id, template_code, scope_org_id, scope_path, "
    "name, status, self_check_due, created_by, created_at, version) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, $10, 1) RETURNING id"};

inline constexpr db::Sql kAssessmentComputed{
    "assess.assessment.computed",
    "UPDATE assess_assessments SET computed_at = $2, version = version + 1 WHERE id = $1"};

inline constexpr db::Sql kAssessmentPublish{
    "assess.assessment.publish",
    "UPDATE assess_assessments SET status = 'published', published_at = $2, appeal_until = $3, "
    "version = version + 1 WHERE id = $1 AND status IN ('open', 'review')"};

inline constexpr db::Sql kAssessmentFinalize{
    "assess.assessment.finalize",
    "UPDATE assess_assessments SET status = 'final', finalized_at = $2, version = version + 1 "
    "WHERE id = $1 AND status = 'published'"};

// The newest version of a template code that is published (or any version
// when none is): id, version, status.
inline constexpr db::Sql kTemplateInUse{
    "assess.run.template_in_use",
    "SELECT id, version, status FROM assess_templates WHERE code = $1 "
    "ORDER BY CASE WHEN status = 'published' THEN 0 ELSE 1 END, version DESC LIMIT 1"};

inline constexpr db::Sql kTemplateByCodeVersion{
    "assess.run.template_by_version",
    "SELECT id, version, status FROM assess_templates WHERE code = $1 AND version = $2"};

// ---- objects ----------------------------------------------------------------

inline constexpr db::Sql kScopeOrg{
    "assess.object.scope_org", "SELECT id, code, name, field, path FROM orgs WHERE id = $1"};
inline constexpr db::Sql kRootRegion{
    "assess.object.root_region",
    "SELECT id, code, name, field, path FROM orgs WHERE parent_id IS NULL AND level = 'region' AND active = 1 "
    "ORDER BY id LIMIT 1"};

// Active orgs under a scope path: $1 path prefix pattern ('/1/4/%'),
// $2 level ('' = any), $3 org_kind ('' = any).
inline constexpr db::Sql kObjectCandidates{
    "assess.object.candidates",
    "SELECT id, code, name, field FROM orgs WHERE active = 1 AND path LIKE $1 "
    "AND ($2 = '' OR level = $2) AND ($3 = '' OR org_kind = $3) ORDER BY id"};

inline constexpr db::Sql kObjectInsert{
    "assess.object.insert", "INSERT INTO assess_objects (assessment_id, object_id, group_key) VALUES ($1, $2, $3)"};

inline constexpr db::Sql kObjectsOf{
    "assess.object.of",
    "SELECT o.object_id, o.group_key, g.code, g.name, g.path FROM assess_objects o JOIN orgs g ON g.id = o.object_id "
    "WHERE o.assessment_id = $1 ORDER BY o.object_id"};

inline constexpr db::Sql kObjectOne{
    "assess.object.one",
    "SELECT o.object_id, o.group_key, g.code, g.name, g.path FROM assess_objects o JOIN orgs g ON g.id = o.object_id "
    "WHERE o.assessment_id = $1 AND o.object_id = $2"};

inline constexpr db::Sql kExpertObjects{
    "assess.object.of_expert",
    "SELECT object_id FROM assess_experts WHERE assessment_id = $1 AND expert_user_id = $2"};

// ---- inputs (one query per table; $2 NULL = every object) -------------------

// The period's metric values (every object: the caller keeps those of its
// objects — a scan of the period's key range beats a join probe per row).
inline constexpr db::Sql kMetricValues{
    "assess.input.metric_values", "SELECT metric_key, object_id, value FROM metric_values WHERE period = $1"};

// One object's values of these keys ($3: a JSON array of keys): key lookups, no scan.
inline constexpr db::Sql kMetricValuesOfObject{
    "assess.input.metric_values_object",
    "SELECT metric_key, object_id, value FROM metric_values WHERE period = $1 AND object_id = $2 "
    "AND metric_key IN (SELECT value FROM json_each($3))",
    "SELECT metric_key, object_id, value FROM metric_values WHERE period = $1 AND object_id = $2 "
    "AND metric_key = ANY(ARRAY(SELECT t.v FROM json_array_elements_text(CAST($3 AS JSON)) AS t(v)))"};

inline constexpr db::Sql kMetricValueOne{
    "assess.input.metric_value_one",
    "SELECT value, numerator, denominator, computed_at FROM metric_values "
    "WHERE period = $1 AND metric_key = $2 AND object_id = $3"};

inline constexpr db::Sql kAcceptedInputs{
    "assess.input.accepted",
    "SELECT id, object_id, indicator_code, role, value, not_applicable FROM assess_inputs "
    "WHERE assessment_id = $1 AND status = 'accepted' AND (CAST($2 AS BIGINT) IS NULL OR object_id = $2)"};

inline constexpr db::Sql kExpertScores{
    "assess.input.expert_scores",
    "SELECT object_id, indicator_code, share FROM assess_expert_scores "
    "WHERE assessment_id = $1 AND (CAST($2 AS BIGINT) IS NULL OR object_id = $2) "
    "ORDER BY object_id, indicator_code, expert_user_id"};

inline constexpr db::Sql kOverrides{
    "assess.input.overrides",
    "SELECT object_id, indicator_code, value, not_applicable, appeal_id FROM assess_overrides "
    "WHERE assessment_id = $1 AND (CAST($2 AS BIGINT) IS NULL OR object_id = $2)"};

// For explain: one input with its reviewer, its evidence, one leaf's experts.
inline constexpr db::Sql kInputDetail{
    "assess.input.detail",
    "SELECT i.id, i.role, i.value, i.not_applicable, i.remark, i.status, i.submitted_by, i.submitted_at, "
    "i.reviewed_by, u.display_name, i.reviewed_at FROM assess_inputs i LEFT JOIN users u ON u.id = i.reviewed_by "
    "WHERE i.assessment_id = $1 AND i.object_id = $2 AND i.indicator_code = $3 ORDER BY i.role"};

inline constexpr db::Sql kInputFiles{
    "assess.input.files",
    "SELECT id, file_name FROM assess_files WHERE owner_kind = 'input' AND owner_id = $1 ORDER BY id"};

inline constexpr db::Sql kExpertDetail{
    "assess.input.expert_detail",
    "SELECT s.expert_user_id, u.display_name, s.share, s.comment, s.scored_at FROM assess_expert_scores s "
    "LEFT JOIN users u ON u.id = s.expert_user_id "
    "WHERE s.assessment_id = $1 AND s.object_id = $2 AND s.indicator_code = $3 ORDER BY s.expert_user_id"};

inline constexpr db::Sql kOverrideDetail{
    "assess.input.override_detail",
    "SELECT value, not_applicable, appeal_id, set_by, set_at FROM assess_overrides "
    "WHERE assessment_id = $1 AND object_id = $2 AND indicator_code = $3"};

// ---- results ------------------------------------------------------------------

inline constexpr db::Sql kResultsDelete{"assess.result.delete", "DELETE FROM assess_results WHERE assessment_id = $1"};

inline constexpr int kResultColumns = 13;
inline constexpr int kResultBatchRows = 100;
inline constexpr const char* kResultInsertHead =
    "INSERT INTO assess_results (assessment_id, object_id, group_key, total, rounded, grade, colour, vetoed, "
    "rank_in_group, group_size, previous_total, scores_json, computed_at) VALUES ";

// Ranking rows with the object's org: see ReadRanking (run_store.cpp).
inline constexpr db::Sql kResultsOf{
    "assess.result.of",
    "SELECT r.object_id, g.code, g.name, g.path, r.group_key, r.total, r.rounded, r.grade, r.colour, r.vetoed, "
    "r.rank_in_group, r.group_size, r.previous_total, r.computed_at FROM assess_results r "
    "JOIN orgs g ON g.id = r.object_id WHERE r.assessment_id = $1 ORDER BY r.group_key, r.rank_in_group, g.code"};

inline constexpr db::Sql kResultScores{
    "assess.result.scores", "SELECT object_id, scores_json FROM assess_results WHERE assessment_id = $1"};

inline constexpr db::Sql kResultOne{
    "assess.result.one",
    "SELECT total, rounded, grade, colour, vetoed, rank_in_group, group_size, previous_total, scores_json, "
    "computed_at FROM assess_results WHERE assessment_id = $1 AND object_id = $2"};

inline constexpr db::Sql kResultUpdate{
    "assess.result.update",
    "UPDATE assess_results SET total = $3, rounded = $4, grade = $5, colour = $6, vetoed = $7, rank_in_group = $8, "
    "group_size = $9, previous_total = $10, scores_json = $11, computed_at = $12 "
    "WHERE assessment_id = $1 AND object_id = $2"};

inline constexpr db::Sql kGroupRows{
    "assess.result.group",
    "SELECT object_id, rounded, vetoed, rank_in_group FROM assess_results WHERE assessment_id = $1 AND group_key = $2"};

inline constexpr db::Sql kRankUpdate{
    "assess.result.rank",
    "UPDATE assess_results SET rank_in_group = $3, group_size = $4 WHERE assessment_id = $1 AND object_id = $2"};

// Totals of the same template code's assessment of another period.
inline constexpr db::Sql kPreviousTotals{
    "assess.result.previous",
    "SELECT r.object_id, r.total FROM assess_results r JOIN assess_assessments a ON a.id = r.assessment_id "
    "WHERE a.period = $1 AND a.template_code = $2 AND (CAST($3 AS BIGINT) IS NULL OR r.object_id = $3)"};

// ---- bulletins ------------------------------------------------------------------

inline constexpr db::Sql kBulletinUpsert{
    "assess.bulletin.upsert",
    "INSERT INTO assess_bulletins (assessment_id, body_json, published_by, published_at) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (assessment_id) DO UPDATE SET body_json = excluded.body_json, published_by = excluded.published_by, "
    "published_at = excluded.published_at"};

inline constexpr db::Sql kBulletinOf{
    "assess.bulletin.of", "SELECT body_json, published_at FROM assess_bulletins WHERE assessment_id = $1"};

}  // namespace minsheng::assessment::sql
