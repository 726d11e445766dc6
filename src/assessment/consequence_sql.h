// SQL of consequences (assess_actions) and rectification tasks (assess_tasks).
// Named constants with $n parameters; optional filters are
// `CAST($n AS type) IS NULL OR …`. Scope: one org exactly ($k = 1, path = $k+1)
// or a subtree (path LIKE $k+2, the root's path followed by %).
#pragma once

#include "db/database.h"

namespace minsheng::assessment::sql {

// ---- facts the rules read ---------------------------------------------------

// The grades of the same template code's final assessment of one period.
inline constexpr db::Sql kFinalGrades{
    "assess.conseq.final_grades",
    "SELECT r.object_id, r.grade FROM assess_results r JOIN assess_assessments a ON a.id = r.assessment_id "
    "WHERE a.template_code = $1 AND a.period = $2 AND a.status = 'final'"};

// The nearest department (主管部门) above an org, or the org itself when it
// is one; no row when there is none.
inline constexpr db::Sql kSupervisor{
    "assess.conseq.supervisor",
    "SELECT d.id FROM orgs o JOIN orgs d ON o.path LIKE d.path || '%' "
    "WHERE o.id = $1 AND d.level = 'department' ORDER BY d.depth DESC LIMIT 1"};

// ---- actions ------------------------------------------------------------------

inline constexpr db::Sql kActionInsert{
    "assess.action.insert",
    "INSERT INTO assess_actions (assessment_id, object_id, rule_code, kind, detail_json, owner_org_id, status, "
    "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $7) "
    "ON CONFLICT (assessment_id, object_id, rule_code) DO NOTHING"};

#define MS_ACTION_SELECT                                                                                   \
  "SELECT x.id, x.assessment_id, a.period, a.template_code, x.object_id, o.code, o.name, o.path, "         \
  "x.rule_code, x.kind, x.detail_json, x.owner_org_id, w.name, x.status, x.note, x.created_at, "           \
  "x.updated_at FROM assess_actions x JOIN assess_assessments a ON a.id = x.assessment_id "                \
  "JOIN orgs o ON o.id = x.object_id LEFT JOIN orgs w ON w.id = x.owner_org_id "

inline constexpr db::Sql kActionGet{"assess.action.get", MS_ACTION_SELECT "WHERE x.id = $1"};
// $1 period, $2 template code, $3 object, $4 status, $5 kind, $6 assessment id,
// $7 exact (1/0), $8 path, $9 path pattern, $10 after id, $11 limit.
inline constexpr db::Sql kActionList{
    "assess.action.list",
    MS_ACTION_SELECT
    "WHERE (CAST($1 AS TEXT) IS NULL OR a.period = $1) AND (CAST($2 AS TEXT) IS NULL OR a.template_code = $2) "
    "AND (CAST($3 AS BIGINT) IS NULL OR x.object_id = $3) AND (CAST($4 AS TEXT) IS NULL OR x.status = $4) "
    "AND (CAST($5 AS TEXT) IS NULL OR x.kind = $5) AND (CAST($6 AS BIGINT) IS NULL OR x.assessment_id = $6) "
    "AND (($7 = 1 AND o.path = $8) OR ($7 = 0 AND o.path LIKE $9)) "
    "AND (CAST($10 AS BIGINT) IS NULL OR x.id > $10) ORDER BY x.id LIMIT $11"};
#undef MS_ACTION_SELECT

inline constexpr db::Sql kActionSetStatus{
    "assess.action.set_status",
    "UPDATE assess_actions SET status = $2, note = $3, updated_at = $4 WHERE id = $1 AND status = 'open'"};

// ---- tasks --------------------------------------------------------------------

inline constexpr db::Sql kTaskInsert{
    "assess.task.insert",
    "INSERT INTO assess_tasks (assessment_id, object_id, source, indicator_code, title, due_on, status, "
    "created_at, version) VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, 1) "
    "ON CONFLICT (assessment_id, object_id, source, indicator_code) DO NOTHING"};

#define MS_TASK_SELECT                                                                                     \
  "SELECT t.id, t.assessment_id, a.period, a.template_code, t.object_id, o.code, o.name, o.path, "         \
  "t.source, t.indicator_code, t.title, t.due_on, t.status, t.evidence_note, t.submitted_by, "             \
  "t.submitted_at, t.verified_by, t.verified_at, t.verify_note, t.reminded_at, t.created_at, t.version, "  \
  "su.username, vu.username FROM assess_tasks t JOIN assess_assessments a ON a.id = t.assessment_id "      \
  "JOIN orgs o ON o.id = t.object_id LEFT JOIN users su ON su.id = t.submitted_by "                        \
  "LEFT JOIN users vu ON vu.id = t.verified_by "

inline constexpr db::Sql kTaskGet{"assess.task.get", MS_TASK_SELECT "WHERE t.id = $1"};
// $1 period, $2 template code, $3 object, $4 status, $5 overdue (1/0/NULL) as
// of day $6, $7 assessment id, $8 exact (1/0), $9 path, $10 path pattern,
// $11 after id, $12 limit, $13 reminded before (micros; NULL = any).
inline constexpr db::Sql kTaskList{
    "assess.task.list",
    MS_TASK_SELECT
    "WHERE (CAST($1 AS TEXT) IS NULL OR a.period = $1) AND (CAST($2 AS TEXT) IS NULL OR a.template_code = $2) "
    "AND (CAST($3 AS BIGINT) IS NULL OR t.object_id = $3) AND (CAST($4 AS TEXT) IS NULL OR t.status = $4) "
    "AND (CAST($5 AS BIGINT) IS NULL OR ($5 = 1 AND t.due_on < $6 AND t.status <> 'verified') "
    "OR ($5 = 0 AND (t.due_on >= $6 OR t.status = 'verified'))) "
    "AND (CAST($7 AS BIGINT) IS NULL OR t.assessment_id = $7) "
    "AND (($8 = 1 AND o.path = $9) OR ($8 = 0 AND o.path LIKE $10)) "
    "AND (CAST($11 AS BIGINT) IS NULL OR t.id > $11) "
    "AND (CAST($13 AS BIGINT) IS NULL OR t.reminded_at IS NULL OR t.reminded_at <= $13) "
    "ORDER BY t.id LIMIT $12"};
#undef MS_TASK_SELECT

// Flow steps with optimistic locking on version.
inline constexpr db::Sql kTaskSubmit{
    "assess.task.submit",
    "UPDATE assess_tasks SET status = 'submitted', evidence_note = $3, submitted_by = $4, submitted_at = $5, "
    "version = version + 1 WHERE id = $1 AND version = $2 AND status IN ('open', 'rejected')"};
// verified_by / verified_at / verify_note hold the last review (verify or reject).
inline constexpr db::Sql kTaskReview{
    "assess.task.review",
    "UPDATE assess_tasks SET status = $3, verified_by = $4, verified_at = $5, verify_note = $6, "
    "version = version + 1 WHERE id = $1 AND version = $2 AND status = 'submitted'"};
inline constexpr db::Sql kTaskReminded{"assess.task.reminded",
                                       "UPDATE assess_tasks SET reminded_at = $2 WHERE id = $1"};

// ---- the closure metric (整改闭环率) ------------------------------------------

// Per object: tasks due within days [$1, $2] and those verified before the
// end of their due day in Asia/Shanghai (UTC+8: the day ends at
// (due_on + 1) × 86400 s − 8 h).
inline constexpr db::Sql kClosure{
    "assess.task.closure",
    "SELECT object_id, COUNT(*), SUM(CASE WHEN status = 'verified' AND "
    "verified_at < (due_on + 1) * 86400000000 - 28800000000 THEN 1 ELSE 0 END) "
    "FROM assess_tasks WHERE due_on >= $1 AND due_on <= $2 GROUP BY object_id"};
inline constexpr db::Sql kClosureRecords{
    "assess.task.closure_records",
    "SELECT id, title, status, due_on, verified_at, CASE WHEN status = 'verified' AND "
    "verified_at < (due_on + 1) * 86400000000 - 28800000000 THEN 1 ELSE 0 END FROM assess_tasks "
    "WHERE object_id = $1 AND due_on >= $2 AND due_on <= $3 AND (CAST($4 AS BIGINT) IS NULL OR id > $4) "
    "ORDER BY id LIMIT $5"};

}  // namespace minsheng::assessment::sql
