// ConsequenceService: the results-and-consequences step of an assessment
// (结果运用, docs/assessment-consequences.md). On finalize (RunService's
// finalize hook, same transaction) it applies the consequence rules
// (consequence.h) to every object's result and records the actions
// (assess_actions), and opens rectification tasks (整改, assess_tasks) for red
// colours, 差 grades and failed indicators. It then runs the task flow:
//
//   open ──submit (unit, assess.submit, evidence)──▶ submitted
//   submitted ──verify (assess.review, not the submitter)──▶ verified
//   submitted ──reject (assess.review, reason)──▶ rejected ──submit──▶ submitted
//
// While a task is open or rejected its unit attaches evidence files
// (assess_files, owner kind task; the upload checks of evidence.h).
// and reminders for overdue tasks (due_on < today in Asia/Shanghai, not verified).
//
// Scoping: actions and tasks belong to their object's org; a caller sees those
// in its assess.read scope (a unit its own); anything else is NotFound.
// Every write commits with its audit row.
//
// Thread-safe: holds the thread-safe Database and immutable settings.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "assessment/consequence.h"
#include "assessment/consequence_store.h"
#include "auth/model.h"
#include "core/config.h"
#include "core/result.h"
#include "db/database.h"

namespace minsheng::assessment {

// What consequences need of an assessment. RefOf copies it from RunService's
// Assessment (or any type with these members) without this header depending
// on the run module.
struct AssessmentRef {
  int64_t id = 0;
  Period period;
  int64_t template_id = 0;
  std::string template_code;
  int64_t scope_org_id = 0;  // the finance bureau's region: owner of finance actions
  std::optional<UtcTime> published_at;
  std::optional<UtcTime> finalized_at;
};

template <typename A>
AssessmentRef RefOf(const A& a) {
  return {a.id, a.period, a.template_id, a.template_code, a.scope_org_id, a.published_at, a.finalized_at};
}

struct ConsequenceSettings {
  ConsequenceRules rules = DefaultConsequenceRules();
  TaskRules tasks;                 // assess.failed_indicator_share
  int rectification_days = 30;     // assess.rectification_days: due = finalize/publish date + days
  int reminder_interval_days = 7;  // assess.reminder_interval_days: remind again after
  int64_t evidence_max_bytes = 10 * 1024 * 1024;  // assess.evidence_max_bytes: largest task evidence file
  bool verify_requires_file = false;              // assess.task_verify_requires_file: no verify without a file
};

// The settings from the configuration: the rules file named by
// assess.consequence_rules_file (else the shipped rules) and the task keys.
// InvalidArgument naming the file when it cannot be read or is not valid
// (the field errors say where).
Result<ConsequenceSettings> LoadConsequenceSettings(const AssessConsequenceConfig& config);

// The compiled template of an assessment (leaf targets for over_target, leaf
// names for failed indicators); nullopt when it cannot be had, and then those
// rules are skipped.
using TemplateLoader =
    std::function<Result<std::optional<CompiledTemplate>>(db::Connection& c, const AssessmentRef& a)>;

// Reads the assessment's template version (assess_templates.doc_json) and
// compiles it.
TemplateLoader StoredTemplateLoader();

struct ActionPage {
  std::vector<ConsequenceAction> items;
  std::optional<int64_t> next_cursor;
};

struct TaskPage {
  std::vector<RectificationTask> items;
  std::optional<int64_t> next_cursor;
  Date today;  // the day "overdue" was judged on
};

struct TaskSubmission {
  std::string evidence_note;      // required, 1–2000 characters
  std::optional<int64_t> version;  // optimistic lock; nullopt = the current one
};

struct TaskReview {
  std::optional<std::string> note;  // verify: optional; reject: the reason, required
  std::optional<int64_t> version;
};

class ConsequenceService {
 public:
  ConsequenceService(db::Database& db, ConsequenceSettings settings, TemplateLoader loader = {});

  // ---- inside finalize / publish transactions ------------------------------

  // The finalize hook: actions of every rule for every object, then the
  // rectification tasks, with one audit row. Idempotent.
  Result<void> OnFinalize(db::Connection& tx, const AssessmentRef& a, const std::vector<ObjectResult>& results);
  // The tasks alone (quarterly bulletins call it on publish). Due date = the
  // finalize (else publish, else current) date in Asia/Shanghai +
  // rectification_days. Idempotent: an existing (object, source, indicator)
  // task of the assessment is kept as it is. One audit row when tasks were added.
  Result<void> GenerateTasks(db::Connection& tx, const AssessmentRef& a, const std::vector<ObjectResult>& results);

  // ---- actions ------------------------------------------------------------

  // assess.read scope; Forbidden without assess.read anywhere.
  Result<ActionPage> ListActions(const auth::Principal& who, const ActionQuery& q);
  // open → done | cancelled (a note is required for cancelled). assess.admin
  // on the object; Conflict "assess.action.closed" when no longer open;
  // validation error "status" / "note".
  Result<ConsequenceAction> SetActionStatus(const auth::Caller& caller, int64_t id, const std::string& status,
                                            const std::optional<std::string>& note);

  // ---- tasks --------------------------------------------------------------

  Result<TaskPage> ListTasks(const auth::Principal& who, TaskQuery q);
  Result<RectificationTask> GetTask(const auth::Principal& who, int64_t id);
  // assess.submit on the object (another unit's task is NotFound); Conflict
  // "assess.task.state" unless open or rejected, "version_conflict" when stale.
  Result<RectificationTask> Submit(const auth::Caller& caller, int64_t id, const TaskSubmission& s);
  // assess.review on the object; Forbidden "assess.task.own_submission" for
  // the submitter; Conflict "assess.task.state" unless submitted.
  Result<RectificationTask> Verify(const auth::Caller& caller, int64_t id, const TaskReview& r);
  // When verify_requires_file, a task without files is refused with the
  // validation error "files" (code "required").
  // As Verify; the reason (note) is required (validation error "reason").
  Result<RectificationTask> Reject(const auth::Caller& caller, int64_t id, const TaskReview& r);
  // Marks reminded_at = now on the overdue tasks in the caller's assess.admin
  // scope not reminded within reminder_interval_days, and returns them (one
  // audit row). Forbidden without assess.admin.
  Result<std::vector<RectificationTask>> Remind(const auth::Caller& caller, UtcTime now);

  // ---- task evidence files (证明材料) ---------------------------------------

  // assess.submit on the task's object (another unit's task is NotFound)
  // while the task is open or rejected (Conflict "assess.task.state" when
  // submitted or verified); the upload passes CheckEvidence with
  // evidence_max_bytes. The file and its audit row commit together; the
  // returned file carries no data.
  Result<EvidenceFile> AddTaskFile(const auth::Caller& caller, int64_t task_id, const Upload& upload);
  // The task's files (without data) for its unit (assess.submit) or a
  // supervisor (assess.review or assess.admin) in scope; else NotFound
  // (Forbidden without any of them anywhere).
  Result<std::vector<EvidenceFile>> TaskFiles(const auth::Principal& who, int64_t task_id);
  // One file of the task with its bytes; same rule; a file of another task is NotFound.
  Result<EvidenceFile> TaskFile(const auth::Principal& who, int64_t task_id, int64_t file_id);

  const ConsequenceSettings& settings() const { return settings_; }

 private:
  Result<int> InsertTasks(db::Connection& tx, const AssessmentRef& a, const std::vector<ObjectResult>& results,
                          const CompiledTemplate* compiled);
  Result<std::optional<CompiledTemplate>> LoadTemplate(db::Connection& c, const AssessmentRef& a);
  Result<RectificationTask> Review(const auth::Caller& caller, int64_t id, const TaskReview& r, bool verify);
  Result<RectificationTask> TaskOfUnit(db::Connection& tx, const auth::Principal& who, int64_t id);
  Result<RectificationTask> TaskForFiles(db::Connection& c, const auth::Principal& who, int64_t task_id);
  Result<RectificationTask> CommitTaskChange(db::Tx& tx, const auth::Caller& caller, std::string_view action,
                                             const RectificationTask& before);

  db::Database& db_;
  ConsequenceSettings settings_;
  TemplateLoader loader_;
};

std::string ActionJson(const ConsequenceAction& a);
std::string TaskJson(const RectificationTask& t, Date today);
// {id, name, size, content_type, sha256, uploaded_at}: a task's file as the API shows it.
std::string TaskFileJson(const EvidenceFile& f);

}  // namespace minsheng::assessment
