// SQL of the inputs from people: manual values, evidence files, self-checks,
// expert panels, appeals and overrides (docs/assessment-inputs.md). Named
// constants with $n parameters; optional filters are `CAST($n AS type) IS
// NULL OR …`.
#pragma once

#include "db/database.h"

namespace minsheng::assessment::input_sql {

// ---- the assessment and its objects ----------------------------------------

#define MS_HEAD_COLUMNS                                                                                   \
  "SELECT id, period, period_kind, template_id, template_code, scope_org_id, scope_path, status, "      \
  "self_check_due, appeal_until FROM assess_assessments "
inline constexpr db::Sql kHeadByKey{"assess.input.head.by_key",
                                    MS_HEAD_COLUMNS "WHERE period = $1 AND template_code = $2"};
inline constexpr db::Sql kHeadById{"assess.input.head.by_id", MS_HEAD_COLUMNS "WHERE id = $1"};
#undef MS_HEAD_COLUMNS
inline constexpr db::Sql kTemplateDoc{"assess.input.template_doc",
                                      "SELECT doc_json FROM assess_templates WHERE id = $1"};

inline constexpr db::Sql kObject{
    "assess.input.object",
    "SELECT o.id, o.code, o.name, o.path FROM assess_objects ao JOIN orgs o ON o.id = ao.object_id "
    "WHERE ao.assessment_id = $1 AND ao.object_id = $2"};
inline constexpr db::Sql kObjectByCode{
    "assess.input.object.by_code",
    "SELECT o.id, o.code, o.name, o.path FROM assess_objects ao JOIN orgs o ON o.id = ao.object_id "
    "WHERE ao.assessment_id = $1 AND o.code = $2"};
inline constexpr db::Sql kObjects{
    "assess.input.objects",
    "SELECT o.id, o.code, o.name, o.path FROM assess_objects ao JOIN orgs o ON o.id = ao.object_id "
    "WHERE ao.assessment_id = $1 ORDER BY o.code"};

// ---- manual values ---------------------------------------------------------

#define MS_INPUT_COLUMNS                                                                                  \
  "SELECT i.id, i.assessment_id, i.object_id, o.code, o.name, i.indicator_code, i.role, i.value, "       \
  "i.not_applicable, i.remark, i.status, i.submitted_by, i.submitted_at, i.reviewed_by, i.reviewed_at, " \
  "i.review_reason, i.version, "                                                                          \
  "(SELECT COUNT(*) FROM assess_files f WHERE f.owner_kind = 'input' AND f.owner_id = i.id) "            \
  "FROM assess_inputs i JOIN orgs o ON o.id = i.object_id "
inline constexpr db::Sql kInputById{"assess.input.by_id", MS_INPUT_COLUMNS "WHERE i.id = $1"};
inline constexpr db::Sql kInputByKey{
    "assess.input.by_key",
    MS_INPUT_COLUMNS "WHERE i.assessment_id = $1 AND i.object_id = $2 AND i.indicator_code = $3 AND i.role = $4"};
inline constexpr db::Sql kInputList{
    "assess.input.list",
    MS_INPUT_COLUMNS
    "WHERE i.assessment_id = $1 AND (CAST($2 AS BIGINT) IS NULL OR i.object_id = $2) "
    "AND (CAST($3 AS TEXT) IS NULL OR i.indicator_code = $3) "
    "ORDER BY o.code, i.object_id, i.indicator_code, i.role"};
#undef MS_INPUT_COLUMNS
inline constexpr db::Sql kInputInsert{
    "assess.input.insert",
    "INSERT INTO assess_inputs (assessment_id, object_id, indicator_code, role, value, not_applicable, remark, "
    "status, submitted_by, submitted_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, 'submitted', $8, $9, 1) "
    "RETURNING id"};
// Back to submitted with the new value; only when the version is still $2.
inline constexpr db::Sql kInputResubmit{
    "assess.input.resubmit",
    "UPDATE assess_inputs SET value = $3, not_applicable = $4, remark = $5, status = 'submitted', "
    "submitted_by = $6, submitted_at = $7, reviewed_by = NULL, reviewed_at = NULL, review_reason = NULL, "
    "version = version + 1 WHERE id = $1 AND version = $2"};
inline constexpr db::Sql kInputReview{
    "assess.input.review",
    "UPDATE assess_inputs SET status = $3, reviewed_by = $4, reviewed_at = $5, review_reason = $6, "
    "version = version + 1 WHERE id = $1 AND version = $2"};

// ---- evidence files --------------------------------------------------------

// The bytes go in as text: raw on SQLite (CAST keeps them as a BLOB), hex on
// PostgreSQL (the text protocol cannot carry NUL bytes).
inline constexpr db::Sql kFileInsert{
    "assess.file.insert",
    "INSERT INTO assess_files (owner_kind, owner_id, object_id, file_name, content_type, size_bytes, sha256, "
    "data, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, CAST($8 AS BLOB), $9, $10) RETURNING id",
    "INSERT INTO assess_files (owner_kind, owner_id, object_id, file_name, content_type, size_bytes, sha256, "
    "data, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, decode($8, 'hex'), $9, $10) RETURNING id"};
#define MS_FILE_COLUMNS \
  "SELECT id, owner_kind, owner_id, object_id, file_name, content_type, size_bytes, sha256, uploaded_by, uploaded_at "
inline constexpr db::Sql kFileList{
    "assess.file.list", MS_FILE_COLUMNS "FROM assess_files WHERE owner_kind = $1 AND owner_id = $2 ORDER BY id"};
// The files of owners with ids in [$2, $3] (one indexed range of assess_files_owner).
inline constexpr db::Sql kFileListRange{
    "assess.file.list_range",
    MS_FILE_COLUMNS "FROM assess_files WHERE owner_kind = $1 AND owner_id BETWEEN $2 AND $3 ORDER BY owner_id, id"};
inline constexpr db::Sql kFileGet{"assess.file.get", MS_FILE_COLUMNS ", data FROM assess_files WHERE id = $1",
                                  MS_FILE_COLUMNS ", encode(data, 'hex') FROM assess_files WHERE id = $1"};
#undef MS_FILE_COLUMNS

// ---- self-checks -----------------------------------------------------------

#define MS_SUBMISSION_COLUMNS \
  "s.status, s.remarks, s.submitted_by, s.submitted_at, s.late, s.draft_items, s.draft_saved_by, s.draft_saved_at "
inline constexpr db::Sql kSubmissionList{
    "assess.submission.list",
    "SELECT o.id, o.code, o.name, o.path, " MS_SUBMISSION_COLUMNS
    "FROM assess_objects ao JOIN orgs o ON o.id = ao.object_id "
    "LEFT JOIN assess_submissions s ON s.assessment_id = ao.assessment_id AND s.object_id = ao.object_id "
    "WHERE ao.assessment_id = $1 ORDER BY o.code"};
inline constexpr db::Sql kSubmissionGet{
    "assess.submission.get",
    "SELECT o.id, o.code, o.name, o.path, " MS_SUBMISSION_COLUMNS
    "FROM assess_submissions s JOIN orgs o ON o.id = s.object_id "
    "WHERE s.assessment_id = $1 AND s.object_id = $2"};
#undef MS_SUBMISSION_COLUMNS
// A submit turns the draft (if any) into the submission: its items are gone,
// the time of the last draft save stays.
inline constexpr db::Sql kSubmissionUpsert{
    "assess.submission.upsert",
    "INSERT INTO assess_submissions (assessment_id, object_id, status, remarks, submitted_by, submitted_at, late) "
    "VALUES ($1, $2, 'submitted', $3, $4, $5, $6) ON CONFLICT (assessment_id, object_id) DO UPDATE SET "
    "status = 'submitted', remarks = excluded.remarks, submitted_by = excluded.submitted_by, "
    "submitted_at = excluded.submitted_at, late = excluded.late, draft_items = NULL"};
// Replaces the draft; never touches a submitted row (0 rows changed then).
inline constexpr db::Sql kSubmissionDraftUpsert{
    "assess.submission.draft_upsert",
    "INSERT INTO assess_submissions (assessment_id, object_id, status, remarks, draft_items, draft_saved_by, "
    "draft_saved_at, late) VALUES ($1, $2, 'draft', $3, $4, $5, $6, 0) ON CONFLICT (assessment_id, object_id) "
    "DO UPDATE SET remarks = excluded.remarks, draft_items = excluded.draft_items, "
    "draft_saved_by = excluded.draft_saved_by, draft_saved_at = excluded.draft_saved_at "
    "WHERE assess_submissions.status = 'draft'"};

// The self-check timeliness metric: every (monthly assessment, object) pair
// with a deadline inside [$1, $2] (month texts) whose deadline has passed by
// $3 or that has been submitted; on time = submitted, not late.
inline constexpr db::Sql kTimeliness{
    "assess.metric.self_check_timeliness",
    "SELECT ao.object_id, "
    "SUM(CASE WHEN s.status = 'submitted' AND s.late = 0 THEN 1 ELSE 0 END), COUNT(*) "
    "FROM assess_assessments a JOIN assess_objects ao ON ao.assessment_id = a.id "
    "LEFT JOIN assess_submissions s ON s.assessment_id = a.id AND s.object_id = ao.object_id "
    "WHERE a.period_kind = 'month' AND a.period >= $1 AND a.period <= $2 AND a.self_check_due IS NOT NULL "
    "AND (a.self_check_due <= $3 OR s.status = 'submitted') "
    "GROUP BY ao.object_id"};
inline constexpr db::Sql kTimelinessRecords{
    "assess.metric.self_check_timeliness.records",
    "SELECT a.id, a.period, a.template_code, s.status, s.late "
    "FROM assess_assessments a JOIN assess_objects ao ON ao.assessment_id = a.id "
    "LEFT JOIN assess_submissions s ON s.assessment_id = a.id AND s.object_id = ao.object_id "
    "WHERE a.period_kind = 'month' AND a.period >= $1 AND a.period <= $2 AND a.self_check_due IS NOT NULL "
    "AND (a.self_check_due <= $3 OR s.status = 'submitted') AND ao.object_id = $4 "
    "AND (CAST($5 AS BIGINT) IS NULL OR a.id > $5) ORDER BY a.id LIMIT $6"};

// ---- experts ---------------------------------------------------------------

// The user's org path when the user is active and holds the expert role.
inline constexpr db::Sql kExpertUser{
    "assess.expert.user",
    "SELECT u.id, u.display_name, o.path, "
    "(SELECT COUNT(*) FROM user_roles r WHERE r.user_id = u.id AND r.role = 'expert') "
    "FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.id = $1 AND u.active = 1"};
inline constexpr db::Sql kExpertAssign{
    "assess.expert.assign",
    "INSERT INTO assess_experts (assessment_id, expert_user_id, object_id, assigned_by, assigned_at) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (assessment_id, expert_user_id, object_id) DO NOTHING"};
inline constexpr db::Sql kExpertAssigned{
    "assess.expert.assigned",
    "SELECT COUNT(*) FROM assess_experts WHERE assessment_id = $1 AND expert_user_id = $2 AND object_id = $3"};
inline constexpr db::Sql kExpertAssignments{
    "assess.expert.assignments",
    "SELECT e.expert_user_id, u.display_name, e.object_id, o.code, o.name, o.path, e.assigned_by, e.assigned_at "
    "FROM assess_experts e JOIN users u ON u.id = e.expert_user_id JOIN orgs o ON o.id = e.object_id "
    "WHERE e.assessment_id = $1 AND (CAST($2 AS BIGINT) IS NULL OR e.expert_user_id = $2) "
    "ORDER BY e.expert_user_id, o.code"};
inline constexpr db::Sql kExpertScores{
    "assess.expert.scores",
    "SELECT expert_user_id, object_id, indicator_code, share, comment, scored_at FROM assess_expert_scores "
    "WHERE assessment_id = $1 AND (CAST($2 AS BIGINT) IS NULL OR expert_user_id = $2) "
    "ORDER BY expert_user_id, object_id, indicator_code"};
inline constexpr db::Sql kExpertScoreGet{
    "assess.expert.score.get",
    "SELECT share, comment FROM assess_expert_scores WHERE assessment_id = $1 AND expert_user_id = $2 "
    "AND object_id = $3 AND indicator_code = $4"};
inline constexpr db::Sql kExpertScoreUpsert{
    "assess.expert.score.upsert",
    "INSERT INTO assess_expert_scores (assessment_id, expert_user_id, object_id, indicator_code, share, comment, "
    "scored_at) VALUES ($1, $2, $3, $4, $5, $6, $7) "
    "ON CONFLICT (assessment_id, expert_user_id, object_id, indicator_code) DO UPDATE SET "
    "share = excluded.share, comment = excluded.comment, scored_at = excluded.scored_at"};

// ---- appeals and overrides -------------------------------------------------

#define MS_APPEAL_COLUMNS                                                                                  \
  "SELECT a.id, a.assessment_id, a.object_id, o.code, o.name, a.indicator_code, a.reason, "              \
  "a.requested_value, a.status, a.filed_by, a.filed_at, a.decided_by, a.decided_at, a.decision_reason, "  \
  "a.decided_value, a.score_before, a.score_after, a.rank_before, a.rank_after, "                         \
  "(SELECT COUNT(*) FROM assess_files f WHERE f.owner_kind = 'appeal' AND f.owner_id = a.id) "            \
  "FROM assess_appeals a JOIN orgs o ON o.id = a.object_id "
inline constexpr db::Sql kAppealById{"assess.appeal.by_id", MS_APPEAL_COLUMNS "WHERE a.id = $1"};
inline constexpr db::Sql kAppealList{
    "assess.appeal.list",
    MS_APPEAL_COLUMNS "WHERE a.assessment_id = $1 AND (CAST($2 AS BIGINT) IS NULL OR a.object_id = $2) "
                      "AND (CAST($3 AS TEXT) IS NULL OR a.status = $3) ORDER BY a.id"};
#undef MS_APPEAL_COLUMNS
inline constexpr db::Sql kAppealInsert{
    "assess.appeal.insert",
    "INSERT INTO assess_appeals (assessment_id, object_id, indicator_code, reason, requested_value, status, "
    "filed_by, filed_at) VALUES ($1, $2, $3, $4, $5, 'open', $6, $7) RETURNING id"};
inline constexpr db::Sql kAppealDecide{
    "assess.appeal.decide",
    "UPDATE assess_appeals SET status = $2, decided_by = $3, decided_at = $4, decision_reason = $5, "
    "decided_value = $6, score_before = $7, score_after = $8, rank_before = $9, rank_after = $10 "
    "WHERE id = $1 AND status = 'open'"};
inline constexpr db::Sql kOverrideUpsert{
    "assess.override.upsert",
    "INSERT INTO assess_overrides (assessment_id, object_id, indicator_code, value, not_applicable, appeal_id, "
    "set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
    "ON CONFLICT (assessment_id, object_id, indicator_code) DO UPDATE SET value = excluded.value, "
    "not_applicable = excluded.not_applicable, appeal_id = excluded.appeal_id, set_by = excluded.set_by, "
    "set_at = excluded.set_at"};
// The run's result of one object (score and rank before / after an appeal).
inline constexpr db::Sql kResultOf{
    "assess.input.result_of",
    "SELECT rounded, rank_in_group FROM assess_results WHERE assessment_id = $1 AND object_id = $2"};

}  // namespace minsheng::assessment::input_sql
