// Inputs from people (人工填报、专家评分、复核) to an assessment: plain
// types of manual values, evidence files, monthly self-checks (月度自查),
// expert panels and appeals. docs/assessment-inputs.md describes the rules;
// no SQL, no JSON here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace minsheng::assessment {

// The assessment an input belongs to, as the input rules need it.
struct AssessmentHead {
  int64_t id = 0;
  std::string period;       // 2026-11 | 2026Q3 | 2026
  std::string period_kind;  // month | quarter | year
  int64_t template_id = 0;
  std::string template_code;
  int64_t scope_org_id = 0;
  std::string scope_path;
  std::string status;  // open | review | published | final
  std::optional<UtcTime> self_check_due;
  std::optional<UtcTime> appeal_until;
};

// One assessed object with the facts scope checks need.
struct ObjectRef {
  int64_t id = 0;
  std::string code;
  std::string name;
  std::string path;  // materialized org path "/1/4/17/"
};

// ---- manual values --------------------------------------------------------

enum class InputRole { kSelf, kSupervisor };  // 单位自评 | 主管部门
enum class InputStatus { kSubmitted, kAccepted, kRejected };

std::string_view InputRoleName(InputRole r);  // self | supervisor
std::optional<InputRole> ParseInputRole(std::string_view s);
std::string_view InputStatusName(InputStatus s);  // submitted | accepted | rejected
std::optional<InputStatus> ParseInputStatus(std::string_view s);

struct Input {
  int64_t id = 0;
  int64_t assessment_id = 0;
  int64_t object_id = 0;
  std::string object_code;
  std::string object_name;
  std::string indicator_code;
  InputRole role = InputRole::kSelf;
  std::optional<double> value;  // nullopt with not_applicable
  bool not_applicable = false;
  std::optional<std::string> remark;
  InputStatus status = InputStatus::kSubmitted;
  std::optional<int64_t> submitted_by;
  UtcTime submitted_at;
  std::optional<int64_t> reviewed_by;
  std::optional<UtcTime> reviewed_at;
  std::optional<std::string> review_reason;
  int64_t version = 1;
  int64_t file_count = 0;
};

// PUT …/inputs: a new value, or a change to an existing one (then `version`
// is the version the caller saw).
struct InputPut {
  int64_t object_id = 0;
  std::string indicator_code;
  InputRole role = InputRole::kSelf;
  std::optional<double> value;
  bool not_applicable = false;
  std::optional<std::string> remark;
  std::optional<int64_t> version;
};

enum class Decision { kAccept, kReject };
std::optional<Decision> ParseDecision(std::string_view s);  // accept | reject

struct InputReview {
  Decision decision = Decision::kAccept;
  std::optional<std::string> reason;  // required on reject
  int64_t version = 0;
};

struct InputFilter {
  std::optional<int64_t> object_id;
  std::optional<std::string> indicator_code;
  std::optional<InputStatus> status;
};

// One object × indicator of the list: both roles' values side by side.
struct InputPair {
  int64_t object_id = 0;
  std::string object_code;
  std::string object_name;
  std::string indicator_code;
  std::optional<Input> self;
  std::optional<Input> supervisor;
  std::optional<double> gap;  // |self − supervisor| / max(|self|, |supervisor|)
  bool gap_flag = false;      // gap above assess.self_supervisor_gap, or N/A against a value
};

// ---- evidence files -------------------------------------------------------

enum class FileOwner { kInput, kAppeal, kTask };
std::string_view FileOwnerName(FileOwner o);  // input | appeal | task

struct EvidenceFile {
  int64_t id = 0;
  FileOwner owner_kind = FileOwner::kInput;
  int64_t owner_id = 0;
  int64_t object_id = 0;
  std::string file_name;
  std::string content_type;
  int64_t size_bytes = 0;
  std::string sha256;  // hex
  std::optional<int64_t> uploaded_by;
  UtcTime uploaded_at;
  std::string data;  // filled only by downloads
};

struct Upload {
  std::string content_type;  // as declared (parameters ignored)
  std::string file_name;     // decoded X-Filename; may be empty
  std::string data;
};

// ---- monthly self-check ---------------------------------------------------

// One manual value kept in a self-check draft (not yet an input): applied as
// the unit's own (self) input when the self-check is submitted.
struct DraftItem {
  std::string indicator_code;
  std::optional<double> value;
  bool not_applicable = false;
  std::optional<std::string> remark;
  std::optional<int64_t> version;  // the stored self input's version the unit saw (none: there was none)
};

struct SelfCheck {
  int64_t object_id = 0;
  std::string object_code;
  std::string object_name;
  std::string status;  // missing | draft | submitted
  std::optional<std::string> remarks;  // a draft's remarks while status is draft
  std::optional<int64_t> submitted_by;
  std::optional<UtcTime> submitted_at;
  bool late = false;  // submitted after the deadline, or the deadline passed with nothing
  std::optional<UtcTime> due;
  std::vector<DraftItem> draft_items;  // while status is draft
  std::optional<int64_t> draft_saved_by;
  std::optional<UtcTime> draft_saved_at;  // the last draft save
};

// PUT …/submissions/draft: replaces the object's draft.
struct SelfCheckDraft {
  int64_t object_id = 0;
  std::optional<std::string> remarks;
  std::vector<DraftItem> items;
};

// ---- expert panels --------------------------------------------------------

struct ExpertAssignment {
  int64_t expert_user_id = 0;
  std::string expert_name;
  int64_t object_id = 0;
  std::string object_code;
  std::string object_name;
  std::optional<int64_t> assigned_by;
  UtcTime assigned_at;
};

struct ExpertScore {
  int64_t expert_user_id = 0;
  int64_t object_id = 0;
  std::string indicator_code;
  double share = 0;  // 0..1 of the points
  std::optional<std::string> comment;
  UtcTime scored_at;
};

struct ExpertScorePut {
  int64_t object_id = 0;
  std::string indicator_code;
  double share = 0;
  std::optional<std::string> comment;
};

// A qualitative indicator as the expert scores it, from the template version
// frozen for the assessment (experts hold no assess.read on templates).
struct ExpertIndicator {
  std::string code;          // indicator code
  std::string name_zh;       // the indicator's name
  std::string name_en;
  std::string node_code;     // the leaf's code in the tree, e.g. "C1.2"
  std::string node_name_zh;  // the leaf's name (usually the indicator's)
  std::string node_name_en;
  double points = 0;
  std::string description;   // the indicator's, may be empty
  double achieved = 0.8;     // tier bounds (shares): ≥ achieved 达到, ≥ partly 部分达到, below 未达到
  double partly = 0.6;
};

// What an expert sees: the object, the indicators to score and their scores.
struct ExpertTask {
  ExpertAssignment assignment;
  std::vector<std::string> indicators;  // expert-source indicator codes of the template
  std::vector<ExpertIndicator> details;  // the same indicators, in the same order
  std::vector<ExpertScore> scores;
};

struct Progress {
  int64_t id = 0;  // expert user id or object id
  std::string label;
  int64_t scored = 0;
  int64_t expected = 0;  // assigned objects × expert indicators
  double ratio = 0;      // scored ÷ expected (0 when nothing expected)
};

struct ExpertProgress {
  int64_t indicator_count = 0;
  std::vector<Progress> by_expert;
  std::vector<Progress> by_object;
};

// ---- appeals (复核) --------------------------------------------------------

struct Appeal {
  int64_t id = 0;
  int64_t assessment_id = 0;
  int64_t object_id = 0;
  std::string object_code;
  std::string object_name;
  std::string indicator_code;
  std::string reason;
  std::optional<double> requested_value;
  std::string status;  // open | accepted | rejected
  std::optional<int64_t> filed_by;
  UtcTime filed_at;
  std::optional<int64_t> decided_by;
  std::optional<UtcTime> decided_at;
  std::optional<std::string> decision_reason;
  std::optional<double> decided_value;
  bool decided_not_applicable = false;
  std::optional<double> score_before;
  std::optional<double> score_after;
  std::optional<int64_t> rank_before;
  std::optional<int64_t> rank_after;
  int64_t file_count = 0;
};

struct NewAppeal {
  int64_t object_id = 0;
  std::string indicator_code;
  std::string reason;
  std::optional<double> requested_value;
};

struct AppealDecision {
  Decision decision = Decision::kAccept;
  std::optional<std::string> reason;  // required on reject
  std::optional<double> value;        // the decided value on accept
  bool not_applicable = false;        // …or "does not apply"
};

}  // namespace minsheng::assessment
