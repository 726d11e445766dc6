// ConsequenceStore: persistence of consequence actions (assess_actions) and
// rectification tasks (assess_tasks, 整改). SQL lives in consequence_sql.h
// and here only. Every call runs on the connection the service passes (its
// transaction for writes). Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "assessment/input_model.h"
#include "assessment/model.h"
#include "core/date.h"
#include "core/result.h"
#include "core/time.h"
#include "db/database.h"

namespace minsheng::assessment {

// One consequence of a finalized assessment for one object.
struct ConsequenceAction {
  int64_t id = 0;
  int64_t assessment_id = 0;
  std::string period;
  std::string template_code;
  int64_t object_id = 0;
  std::string object_code;
  std::string object_name;
  std::string object_path;
  std::string rule_code;
  std::string kind;
  std::string detail_json;  // the facts that triggered the rule
  int64_t owner_org_id = 0;
  std::string owner_org_name;
  std::string status = "open";  // open | done | cancelled
  std::optional<std::string> note;
  UtcTime created_at;
  UtcTime updated_at;
};

// 整改 one rectification task of one object.
struct RectificationTask {
  int64_t id = 0;
  int64_t assessment_id = 0;
  std::string period;
  std::string template_code;
  int64_t object_id = 0;
  std::string object_code;
  std::string object_name;
  std::string object_path;
  std::string source;          // colour | grade | indicator
  std::string indicator_code;  // "" unless source = indicator
  std::string title;
  Date due_on;
  std::string status = "open";  // open | submitted | verified | rejected
  std::optional<std::string> evidence_note;
  std::optional<int64_t> submitted_by;
  std::optional<std::string> submitted_by_name;
  std::optional<UtcTime> submitted_at;
  std::optional<int64_t> verified_by;  // the last reviewer (verify or reject)
  std::optional<std::string> verified_by_name;
  std::optional<UtcTime> verified_at;
  std::optional<std::string> verify_note;  // verify note or reject reason
  std::optional<UtcTime> reminded_at;
  UtcTime created_at;
  int64_t version = 1;
  std::vector<EvidenceFile> files;  // evidence files (owner kind task), without data, oldest first

  // due_on < today and not verified.
  bool OverdueOn(Date today) const { return due_on < today && status != "verified"; }
};

// Where a list looks: one org exactly, or a subtree by path.
struct StoreScopeRoot {
  bool exact = false;
  std::string path;
};

// The filters both lists share.
struct ListFilter {
  std::optional<std::string> period;
  std::optional<std::string> template_code;
  std::optional<int64_t> object_id;
  std::optional<std::string> status;
  std::optional<int64_t> assessment_id;
  std::optional<int64_t> after_id;
  int limit = 50;
};

struct ActionQuery : ListFilter {
  std::optional<std::string> kind;
};

struct TaskQuery : ListFilter {
  std::optional<bool> overdue;  // as of `today`
  Date today;
  std::optional<UtcTime> reminded_before;  // reminded_at NULL or ≤ this
};

struct NewAction {
  int64_t assessment_id = 0;
  int64_t object_id = 0;
  std::string rule_code;
  std::string kind;
  std::string detail_json;
  int64_t owner_org_id = 0;
  UtcTime at;
};

struct NewTask {
  int64_t assessment_id = 0;
  int64_t object_id = 0;
  std::string source;
  std::string indicator_code;
  std::string title;
  Date due_on;
  UtcTime at;
};

// Per object: tasks due in a period and those verified on time.
struct ClosureCount {
  int64_t object_id = 0;
  int64_t due = 0;
  int64_t closed = 0;
};

struct ClosureRecord {
  int64_t id = 0;
  std::string title;
  std::string status;
  Date due_on;
  std::optional<UtcTime> verified_at;
  bool closed = false;
};

class ConsequenceStore {
 public:
  // object_id → grade of the same template code's final assessment of period.
  static Result<std::map<int64_t, Grade>> FinalGrades(db::Connection& c, std::string_view template_code,
                                                      std::string_view period);
  // The nearest department at or above the org; nullopt when none.
  static Result<std::optional<int64_t>> Supervisor(db::Connection& c, int64_t org_id);

  // Inserts unless (assessment, object, rule_code) exists; true when inserted.
  static Result<bool> InsertAction(db::Connection& c, const NewAction& a);
  static Result<std::optional<ConsequenceAction>> GetAction(db::Connection& c, int64_t id);
  static Result<std::vector<ConsequenceAction>> ListActions(db::Connection& c, const StoreScopeRoot& scope,
                                                            const ActionQuery& q);
  // false when the action is no longer open.
  static Result<bool> SetActionStatus(db::Connection& c, int64_t id, std::string_view status,
                                      const std::optional<std::string>& note, UtcTime at);

  // Inserts unless (assessment, object, source, indicator_code) exists; true when inserted.
  static Result<bool> InsertTask(db::Connection& c, const NewTask& t);
  // GetTask and ListTasks fill each task's files (without data).
  static Result<std::optional<RectificationTask>> GetTask(db::Connection& c, int64_t id);
  static Result<std::vector<RectificationTask>> ListTasks(db::Connection& c, const StoreScopeRoot& scope,
                                                          const TaskQuery& q);
  // false when the version or status no longer matches.
  static Result<bool> SubmitTask(db::Connection& c, int64_t id, int64_t version, const std::string& note,
                                 int64_t user_id, UtcTime at);
  static Result<bool> ReviewTask(db::Connection& c, int64_t id, int64_t version, std::string_view status,
                                 int64_t user_id, UtcTime at, const std::optional<std::string>& note);
  static Result<void> MarkReminded(db::Connection& c, int64_t id, UtcTime at);

  static Result<std::vector<ClosureCount>> Closure(db::Connection& c, Date first, Date last);
  static Result<std::vector<ClosureRecord>> ClosureRecords(db::Connection& c, int64_t object_id, Date first,
                                                           Date last, std::optional<int64_t> after_id, int limit);
};

}  // namespace minsheng::assessment
