// Consequences and rectification tasks through ConsequenceService on the test
// engine, driven with hand-made assessments and results: two years running
// (listing + freeze) vs not, owners, idempotent generation, the task flow and
// its bad paths, reminders, and the closure metric computed by hand.
#include <algorithm>
#include <boost/json.hpp>

#include "assessment/consequence_service.h"
#include "assessment/task_metrics.h"
#include "auth/access.h"
#include "platform_fixture.h"

namespace minsheng::testing {
namespace {

namespace json = boost::json;
using namespace assessment;  // NOLINT(google-build-using-namespace): test file

constexpr db::Sql kInsertTemplate{
    "test.conseq.template",
    "INSERT INTO assess_templates (code, version, name_zh, name_en, object_class, status, frozen, doc_json, "
    "created_at, updated_at) VALUES ($1, 1, '测试模板', 'Test', 'unit', 'published', 1, '{}', 0, 0) RETURNING id"};
constexpr db::Sql kInsertAssessment{
    "test.conseq.assessment",
    "INSERT INTO assess_assessments (period, period_kind, template_id, template_code, scope_org_id, scope_path, "
    "name, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $1, $7, 0) RETURNING id"};
constexpr db::Sql kInsertResult{
    "test.conseq.result",
    "INSERT INTO assess_results (assessment_id, object_id, group_key, total, rounded, grade, colour, vetoed, "
    "rank_in_group, group_size, scores_json, computed_at) VALUES ($1, $2, '', $3, $3, $4, $5, 0, 1, 1, '{}', 0)"};

UtcTime At(const char* text) { return *ParseTime(text); }

NodeScore Score(std::string code, double score, double max, std::optional<double> value = std::nullopt) {
  NodeScore n;
  n.code = std::move(code);
  n.score = score;
  n.max = max;
  n.value = value;
  return n;
}

Indicator MakeIndicator(std::string code, std::string name_zh, const MethodSpec& method) {
  Indicator i;
  i.code = std::move(code);
  i.name_zh = std::move(name_zh);
  i.name_en = i.code;
  i.method = method;
  return i;
}

Node MakeNode(std::string code, double points, int level, std::optional<std::string> indicator) {
  Node n;
  n.code = std::move(code);
  n.name_zh = n.code;
  n.points = points;
  n.level = level;
  n.indicator_code = std::move(indicator);
  return n;
}

class ConsequenceServiceTest : public PlatformTest {
 protected:
  void SetUp() override {
    PlatformTest::SetUp();
    if (HasFatalFailure()) return;
    // R (100): L1 ratio ≥ 100 (60 points, I1) · L2 linear 0 → 0.9 (40 points, I2)
    MethodSpec ratio;
    ratio.method = Method::kRatio;
    ratio.target = 100;
    MethodSpec linear;
    linear.method = Method::kLinear;
    linear.target = 0.9;
    indicators_ = {MakeIndicator("I1", "资产登记率", ratio), MakeIndicator("I2", "账实相符率", linear)};
    Template t;
    t.code = "T-UNIT";
    Node root = MakeNode("R", 100, 1, std::nullopt);
    root.children.push_back(MakeNode("L1", 60, 2, "I1"));
    root.children.push_back(MakeNode("L2", 40, 2, "I2"));
    t.roots.push_back(root);
    auto compiled = CompiledTemplate::Compile(t, [this](std::string_view code) -> const Indicator* {
      for (const auto& i : indicators_) {
        if (i.code == code) return &i;
      }
      return nullptr;
    });
    ASSERT_TRUE(compiled.ok());
    compiled_.emplace(std::move(compiled).value());
    {
      auto tx = db_->Write();
      ASSERT_TRUE(tx.ok());
      template_id_ = (*tx)->QueryInt(kInsertTemplate, {"T-UNIT"}).value();
      ASSERT_TRUE(tx->Commit().ok());
    }
    ConsequenceSettings settings;
    settings.rectification_days = 30;
    settings.reminder_interval_days = 7;
    service_ = std::make_unique<ConsequenceService>(
        *db_, settings, [this](db::Connection&, const AssessmentRef&) -> Result<std::optional<CompiledTemplate>> {
          return std::optional<CompiledTemplate>(*compiled_);
        });
    finance_ = MakeUser("fin", auth::Role::kFinanceOfficer, county_.id);
    supervisor_ = MakeUser("edu_sup", auth::Role::kDeptSupervisor, edu_.id);
    clerk_a_ = MakeUser("clerk_a", auth::Role::kUnitClerk, school_a_.id);
    clerk_b_ = MakeUser("clerk_b", auth::Role::kUnitClerk, school_b_.id);
    clerk_clinic_ = MakeUser("clerk_c", auth::Role::kUnitClerk, clinic_.id);
  }

  AssessmentRef MakeAssessment(const std::string& period, const std::string& status,
                            std::optional<UtcTime> finalized_at = std::nullopt) {
    AssessmentRef a;
    a.period = ParsePeriod(period).value();
    a.template_id = template_id_;
    a.template_code = "T-UNIT";
    a.scope_org_id = county_.id;
    a.finalized_at = finalized_at;
    const char* kind = a.period.kind == Period::Kind::kYear      ? "year"
                       : a.period.kind == Period::Kind::kQuarter ? "quarter"
                                                                 : "month";
    auto tx = db_->Write();
    EXPECT_TRUE(tx.ok());
    auto id = (*tx)->QueryInt(kInsertAssessment, {period, kind, template_id_, "T-UNIT", county_.id, county_.path, status});
    EXPECT_TRUE(id.ok()) << (id.ok() ? "" : id.error().log_detail);
    a.id = id.ok() ? *id : 0;
    EXPECT_TRUE(tx->Commit().ok());
    return a;
  }

  void StoreResult(const AssessmentRef& a, int64_t object, double total, const char* grade, const char* colour) {
    auto tx = db_->Write();
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE((*tx)->Exec(kInsertResult, {a.id, object, total, grade, colour}).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }

  // A result whose leaves score the given shares (values = share × target).
  static ObjectResult Res(int64_t object, double total, Grade grade, Colour colour, double l1_share = 1,
                          double l1_value = 100) {
    ObjectResult r;
    r.object_id = object;
    r.total = total;
    r.rounded = RoundHalfUp2(total);
    r.grade = grade;
    r.colour = colour;
    r.nodes = {Score("R", total, 100), Score("L1", 60 * l1_share, 60, l1_value), Score("L2", 40, 40, 0.9)};
    return r;
  }

  void Finalize(const AssessmentRef& a, const std::vector<ObjectResult>& results) {
    auto tx = db_->Write();
    ASSERT_TRUE(tx.ok());
    auto done = service_->OnFinalize(**tx, a, results);
    ASSERT_TRUE(done.ok()) << done.error().en << " " << done.error().log_detail;
    ASSERT_TRUE(tx->Commit().ok());
  }

  std::vector<ConsequenceAction> Actions(const auth::SessionState& who, ActionQuery q = {}) {
    auto page = service_->ListActions(*who.principal, q);
    EXPECT_TRUE(page.ok()) << (page.ok() ? "" : page.error().en);
    return page.ok() ? page->items : std::vector<ConsequenceAction>{};
  }
  std::vector<RectificationTask> Tasks(const auth::SessionState& who, TaskQuery q = {}) {
    auto page = service_->ListTasks(*who.principal, q);
    EXPECT_TRUE(page.ok()) << (page.ok() ? "" : page.error().en);
    return page.ok() ? page->items : std::vector<RectificationTask>{};
  }
  static std::vector<std::string> RuleCodes(const std::vector<ConsequenceAction>& actions, int64_t object) {
    std::vector<std::string> out;
    for (const auto& a : actions) {
      if (a.object_id == object) out.push_back(a.rule_code);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  const RectificationTask& TaskOf(const std::vector<RectificationTask>& tasks, int64_t object,
                                  const std::string& source) {
    auto it = std::find_if(tasks.begin(), tasks.end(),
                           [&](const RectificationTask& t) { return t.object_id == object && t.source == source; });
    EXPECT_NE(it, tasks.end());
    return *it;
  }
  // Rows of assess_actions / assess_tasks (statement names must be unique per text).
  int64_t Count(std::string_view table) {
    static constexpr db::Sql kActions{"test.conseq.count_actions", "SELECT COUNT(*) FROM assess_actions"};
    static constexpr db::Sql kTasks{"test.conseq.count_tasks", "SELECT COUNT(*) FROM assess_tasks"};
    auto conn = db_->Read();
    auto n = (*conn)->QueryInt(table == "assess_actions" ? kActions : kTasks);
    EXPECT_TRUE(n.ok()) << (n.ok() ? "" : n.error().log_detail);
    return n.ok() ? *n : -1;
  }

  std::vector<Indicator> indicators_;
  std::optional<CompiledTemplate> compiled_;
  int64_t template_id_ = 0;
  std::unique_ptr<ConsequenceService> service_;
  auth::SessionState finance_, supervisor_, clerk_a_, clerk_b_, clerk_clinic_;
};

TEST_F(ConsequenceServiceTest, PoorTwoYearsRunningIsListedAndFrozen) {
  const AssessmentRef y1 = MakeAssessment("2025", "final", At("2026-01-20T02:00:00Z"));
  StoreResult(y1, school_a_.id, 55, "poor", "red");
  StoreResult(y1, school_b_.id, 52, "poor", "red");
  StoreResult(y1, clinic_.id, 70, "fair", "yellow");
  const AssessmentRef y2 = MakeAssessment("2026", "final", At("2027-01-20T02:00:00Z"));
  Finalize(y2, {Res(school_a_.id, 50, Grade::kPoor, Colour::kRed), Res(school_b_.id, 65, Grade::kFair, Colour::kYellow),
                Res(clinic_.id, 58, Grade::kPoor, Colour::kRed)});

  const auto actions = Actions(finance_);
  // 差 twice: listed for supervision and no new investment; plus no reward and no budget.
  EXPECT_EQ(RuleCodes(actions, school_a_.id), (std::vector<std::string>{"budget_suspend", "investment_freeze",
                                                                         "no_reward", "supervision_listing"}));
  // 差 then 中: no listing.
  EXPECT_EQ(RuleCodes(actions, school_b_.id), (std::vector<std::string>{"budget_cut", "no_reward"}));
  // 中 then 差: no listing either.
  EXPECT_EQ(RuleCodes(actions, clinic_.id), (std::vector<std::string>{"budget_suspend", "no_reward"}));

  for (const auto& a : actions) {
    EXPECT_EQ(a.status, "open");
    EXPECT_EQ(a.period, "2026");
    if (a.rule_code == "supervision_listing") {
      EXPECT_EQ(a.owner_org_id, edu_.id) << "the school's supervising department acts";
      const auto facts = json::parse(a.detail_json).as_object();
      EXPECT_EQ(facts.at("grade").as_string(), "poor");
      EXPECT_DOUBLE_EQ(facts.at("rounded").as_double(), 50);
      const auto& prev = facts.at("previous").as_array().at(0).as_object();
      EXPECT_EQ(prev.at("period").as_string(), "2025");
      EXPECT_EQ(prev.at("grade").as_string(), "poor");
    } else {
      EXPECT_EQ(a.owner_org_id, county_.id) << a.rule_code << ": the finance bureau (scope org) acts";
    }
  }

  // Scoped: a unit sees its own actions only; another unit's filter finds nothing.
  EXPECT_EQ(Actions(clerk_a_).size(), 4u);
  ActionQuery other;
  other.object_id = clinic_.id;
  EXPECT_TRUE(Actions(clerk_a_, other).empty());
  EXPECT_EQ(Actions(supervisor_).size(), 6u);  // the two schools under edu
  ActionQuery listing;
  listing.kind = "supervision_listing";
  EXPECT_EQ(Actions(finance_, listing).size(), 1u);
}

TEST_F(ConsequenceServiceTest, OnlyAFinalPreviousYearCounts) {
  const AssessmentRef y1 = MakeAssessment("2025", "published");  // never finalized
  StoreResult(y1, school_a_.id, 55, "poor", "red");
  const AssessmentRef y2 = MakeAssessment("2026", "final", At("2027-01-20T02:00:00Z"));
  Finalize(y2, {Res(school_a_.id, 50, Grade::kPoor, Colour::kRed)});
  EXPECT_EQ(RuleCodes(Actions(finance_), school_a_.id), (std::vector<std::string>{"budget_suspend", "no_reward"}));
}

TEST_F(ConsequenceServiceTest, TasksAreGeneratedOnceWithTheirDueDate) {
  // Finalized 2026-03-31 20:00 UTC = 2026-04-01 04:00 in Shanghai: due 2026-05-01.
  const AssessmentRef a = MakeAssessment("2026", "final", At("2026-03-31T20:00:00Z"));
  const std::vector<ObjectResult> results = {
      Res(school_a_.id, 40, Grade::kPoor, Colour::kRed, 0.5, 50),          // red, 差, I1 at 50 %
      Res(school_b_.id, 88, Grade::kGood, Colour::kBlue, 0.6, 60),         // exactly 60 %: not failed
      Res(clinic_.id, 75, Grade::kFair, Colour::kYellow, 0.59, 59)};       // I1 failed
  const int64_t audits = AuditCount();
  Finalize(a, results);
  EXPECT_EQ(AuditCount(), audits + 1);
  auto tasks = Tasks(finance_);
  ASSERT_EQ(tasks.size(), 4u);
  for (const auto& t : tasks) {
    EXPECT_EQ(FormatDate(t.due_on), "2026-05-01");
    EXPECT_EQ(t.status, "open");
  }
  EXPECT_EQ(TaskOf(tasks, school_a_.id, "indicator").indicator_code, "I1");
  EXPECT_EQ(TaskOf(tasks, school_a_.id, "indicator").title, "指标「资产登记率」得分率 50.0%，低于 60%，需整改");
  TaskOf(tasks, school_a_.id, "colour");
  TaskOf(tasks, school_a_.id, "grade");
  EXPECT_EQ(TaskOf(tasks, clinic_.id, "indicator").indicator_code, "I1");

  // Again (a retried hook, a publish after finalize): nothing new, nothing changed.
  const int64_t actions = Count("assess_actions");
  Finalize(a, results);
  {
    auto tx = db_->Write();
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(service_->GenerateTasks(**tx, a, results).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(Count("assess_tasks"), 4);
  EXPECT_EQ(Count("assess_actions"), actions);

  // A quarterly bulletin: tasks on publish, due from the publish date; no annual consequences.
  AssessmentRef q = MakeAssessment("2026Q2", "published");
  q.published_at = At("2026-07-10T01:00:00Z");
  {
    auto tx = db_->Write();
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(service_->GenerateTasks(**tx, q, {Res(school_b_.id, 55, Grade::kPoor, Colour::kRed)}).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  TaskQuery of_q;
  of_q.period = "2026Q2";
  const auto quarter = Tasks(finance_, of_q);
  ASSERT_EQ(quarter.size(), 2u);
  EXPECT_EQ(FormatDate(quarter[0].due_on), "2026-08-09");
  EXPECT_EQ(Count("assess_actions"), actions);

  // Scoped lists: a unit sees its own.
  const auto mine = Tasks(clerk_a_);
  ASSERT_EQ(mine.size(), 3u);
  for (const auto& t : mine) EXPECT_EQ(t.object_id, school_a_.id);
}

class TaskFlowTest : public ConsequenceServiceTest {
 protected:
  void SetUp() override {
    ConsequenceServiceTest::SetUp();
    if (HasFatalFailure()) return;
    SetClockForTesting(At("2026-04-02T02:00:00Z"));
    a_ = MakeAssessment("2026", "final", At("2026-03-31T20:00:00Z"));
    Finalize(a_, {Res(school_a_.id, 40, Grade::kPoor, Colour::kRed, 0.5, 50)});
    const auto tasks = Tasks(finance_);
    ASSERT_EQ(tasks.size(), 3u);
    colour_ = TaskOf(tasks, school_a_.id, "colour").id;
    grade_ = TaskOf(tasks, school_a_.id, "grade").id;
    indicator_ = TaskOf(tasks, school_a_.id, "indicator").id;
  }
  auth::Caller C(const auth::SessionState& s) { return CallerOf(s); }
  Result<RectificationTask> Submit(const auth::SessionState& s, int64_t id, std::string note = "已整改，附台账") {
    return service_->Submit(C(s), id, {std::move(note), std::nullopt});
  }

  AssessmentRef a_;
  int64_t colour_ = 0, grade_ = 0, indicator_ = 0;
};

TEST_F(TaskFlowTest, SubmitVerifyRejectAndTheirBadPaths) {
  // Another unit cannot see or submit it.
  auto foreign = Submit(clerk_b_, colour_);
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().kind, ErrorCode::kNotFound);
  EXPECT_EQ(service_->GetTask(*clerk_clinic_.principal, colour_).error().kind, ErrorCode::kNotFound);
  EXPECT_EQ(service_->GetTask(*clerk_a_.principal, 999999).error().kind, ErrorCode::kNotFound);
  // Evidence is required.
  auto empty = Submit(clerk_a_, colour_, "  ");
  ASSERT_FALSE(empty.ok());
  ASSERT_EQ(empty.error().fields.size(), 1u);
  EXPECT_EQ(empty.error().fields[0].field, "evidence_note");
  // Nothing to verify before a submission.
  EXPECT_EQ(service_->Verify(C(finance_), colour_, {}).error().code, "assess.task.state");

  const int64_t audits = AuditCount();
  auto submitted = Submit(clerk_a_, colour_);
  ASSERT_TRUE(submitted.ok()) << submitted.error().en;
  EXPECT_EQ(submitted->status, "submitted");
  EXPECT_EQ(submitted->evidence_note, "已整改，附台账");
  EXPECT_EQ(submitted->submitted_by, clerk_a_.principal->user_id);
  EXPECT_EQ(submitted->version, 2);
  EXPECT_EQ(AuditCount(), audits + 1);
  // Submitting again while it waits for review is a conflict.
  EXPECT_EQ(Submit(clerk_a_, colour_).error().code, "assess.task.state");
  // A clerk cannot review at all.
  EXPECT_EQ(service_->Verify(C(clerk_a_), colour_, {}).error().kind, ErrorCode::kForbidden);

  // Reject needs a reason; then the unit submits again; finance verifies.
  auto no_reason = service_->Reject(C(finance_), colour_, {});
  ASSERT_FALSE(no_reason.ok());
  EXPECT_EQ(no_reason.error().fields.at(0).field, "reason");
  EXPECT_EQ(AuditCount(), audits + 1);
  auto rejected = service_->Reject(C(finance_), colour_, {std::string("材料不全"), std::nullopt});
  ASSERT_TRUE(rejected.ok());
  EXPECT_EQ(rejected->status, "rejected");
  EXPECT_EQ(rejected->verify_note, "材料不全");
  EXPECT_EQ(rejected->verified_by, finance_.principal->user_id);
  auto again = Submit(clerk_a_, colour_, "补充了验收单");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->status, "submitted");
  // A stale version is refused.
  auto stale = service_->Verify(C(finance_), colour_, {std::nullopt, int64_t{2}});
  EXPECT_EQ(stale.error().code, "version_conflict");
  auto verified = service_->Verify(C(finance_), colour_, {std::string("通过"), again->version});
  ASSERT_TRUE(verified.ok()) << verified.error().en;
  EXPECT_EQ(verified->status, "verified");
  EXPECT_EQ(AuditCount(), audits + 4);
  EXPECT_EQ(service_->Reject(C(finance_), colour_, {std::string("x"), std::nullopt}).error().code,
            "assess.task.state");
}

TEST_F(TaskFlowTest, TheSubmitterCannotVerify) {
  // The supervising department may both submit (for its unit) and review — not the same task.
  auto submitted = Submit(supervisor_, grade_);
  ASSERT_TRUE(submitted.ok()) << submitted.error().en;
  auto own = service_->Verify(C(supervisor_), grade_, {});
  ASSERT_FALSE(own.ok());
  EXPECT_EQ(own.error().kind, ErrorCode::kForbidden);
  EXPECT_EQ(own.error().code, "assess.task.own_submission");
  EXPECT_EQ(service_->Reject(C(supervisor_), grade_, {std::string("x"), std::nullopt}).error().code,
            "assess.task.own_submission");
  // A health department supervisor is out of scope: NotFound.
  auto other_sup = MakeUser("health_sup", auth::Role::kDeptSupervisor, health_.id);
  EXPECT_EQ(service_->Verify(C(other_sup), grade_, {}).error().kind, ErrorCode::kNotFound);
  auto by_finance = service_->Verify(C(finance_), grade_, {});
  ASSERT_TRUE(by_finance.ok());
  EXPECT_EQ(by_finance->status, "verified");
}

TEST_F(TaskFlowTest, ActionStatusNeedsAdminAndANoteToCancel) {
  const auto actions = Actions(finance_);
  ASSERT_FALSE(actions.empty());
  const int64_t id = actions[0].id;
  EXPECT_EQ(service_->SetActionStatus(C(clerk_a_), id, "done", std::nullopt).error().kind, ErrorCode::kForbidden);
  EXPECT_EQ(service_->SetActionStatus(C(finance_), id, "closed", std::nullopt).error().fields.at(0).field, "status");
  EXPECT_EQ(service_->SetActionStatus(C(finance_), id, "cancelled", std::nullopt).error().fields.at(0).field, "note");
  EXPECT_EQ(service_->SetActionStatus(C(finance_), 999999, "done", std::nullopt).error().kind, ErrorCode::kNotFound);
  const int64_t audits = AuditCount();
  auto done = service_->SetActionStatus(C(finance_), id, "cancelled", std::string("已按复核结果撤销"));
  ASSERT_TRUE(done.ok()) << done.error().en;
  EXPECT_EQ(done->status, "cancelled");
  EXPECT_EQ(done->note, "已按复核结果撤销");
  EXPECT_EQ(AuditCount(), audits + 1);
  EXPECT_EQ(service_->SetActionStatus(C(finance_), id, "done", std::nullopt).error().code, "assess.action.closed");
  ActionQuery open;
  open.status = "open";
  EXPECT_EQ(Actions(finance_, open).size(), actions.size() - 1);
}

TEST_F(TaskFlowTest, OverdueTasksAreRemindedEveryIntervalUntilVerified) {
  ASSERT_TRUE(Submit(clerk_a_, colour_).ok());
  ASSERT_TRUE(service_->Verify(C(finance_), colour_, {}).ok());
  // Due 2026-05-01: on that day nothing is overdue.
  auto none = service_->Remind(C(finance_), At("2026-05-01T15:00:00Z"));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  // 2026-05-02 in Shanghai: the two unverified tasks are overdue.
  const UtcTime first = At("2026-05-01T16:30:00Z");
  auto reminded = service_->Remind(C(finance_), first);
  ASSERT_TRUE(reminded.ok());
  ASSERT_EQ(reminded->size(), 2u);
  EXPECT_EQ((*reminded)[0].id, grade_);
  EXPECT_EQ((*reminded)[1].id, indicator_);
  EXPECT_EQ((*reminded)[0].reminded_at, first);
  TaskQuery overdue;
  overdue.overdue = true;
  overdue.today = DateInShanghai(first);
  EXPECT_EQ(Tasks(finance_, overdue).size(), 2u);
  overdue.overdue = false;
  EXPECT_EQ(Tasks(finance_, overdue).size(), 1u);
  // Within the interval: not again. After 7 days: again.
  EXPECT_TRUE(service_->Remind(C(finance_), first.PlusSeconds(6 * 86400))->empty());
  EXPECT_EQ(service_->Remind(C(finance_), first.PlusSeconds(7 * 86400))->size(), 2u);
  // Only assess.admin reminds; a unit clerk is forbidden.
  EXPECT_EQ(service_->Remind(C(clerk_a_), first).error().kind, ErrorCode::kForbidden);
}

TEST_F(TaskFlowTest, ClosureRateCountsTasksVerifiedByTheirDueDay) {
  // Due 2026-05-01 (Shanghai); the day ends at 2026-05-01T16:00:00Z.
  SetClockForTesting(At("2026-05-01T15:59:59Z"));  // 23:59:59 on the due day: on time
  ASSERT_TRUE(Submit(clerk_a_, colour_).ok());
  ASSERT_TRUE(service_->Verify(C(finance_), colour_, {}).ok());
  ASSERT_TRUE(Submit(clerk_a_, grade_).ok());
  SetClockForTesting(At("2026-05-01T16:00:00Z"));  // 00:00 the day after: late
  ASSERT_TRUE(service_->Verify(C(finance_), grade_, {}).ok());
  // indicator_ stays open.

  metric::Registry registry;
  ASSERT_TRUE(RegisterTaskMetrics(registry).ok());
  EXPECT_EQ(RegisterTaskMetrics(registry).error().kind, ErrorCode::kConflict);
  const metric::Metric* m = registry.Find("assess.rectification_closure");
  ASSERT_NE(m, nullptr);
  auto conn = db_->Read();
  ASSERT_TRUE(conn.ok());
  const std::vector<int64_t> objects = {school_a_.id, school_b_.id};
  const Period q2 = ParsePeriod("2026Q2").value();
  auto values = m->compute({**conn, q2, objects});
  ASSERT_TRUE(values.ok()) << values.error().log_detail;
  ASSERT_EQ(values->size(), 1u) << "school B has no task due: not applicable";
  EXPECT_EQ((*values)[0].object_id, school_a_.id);
  EXPECT_DOUBLE_EQ((*values)[0].numerator, 1);
  EXPECT_DOUBLE_EQ((*values)[0].denominator, 3);
  EXPECT_NEAR(*(*values)[0].value, 100.0 / 3, 1e-9);
  // Outside the period nothing is due.
  auto q1 = m->compute({**conn, ParsePeriod("2026Q1").value(), objects});
  ASSERT_TRUE(q1.ok());
  EXPECT_TRUE(q1->empty());
  // The year 2026 holds the same tasks; the month 2026-05 too.
  EXPECT_EQ(m->compute({**conn, ParsePeriod("2026-05").value(), objects})->size(), 1u);

  auto records = m->records(**conn, q2, school_a_.id, std::nullopt, 2);
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->items.size(), 2u);
  EXPECT_EQ(records->items[0].id, colour_);
  EXPECT_TRUE(records->items[0].counted);
  EXPECT_EQ(records->items[0].kind, "assess_task");
  EXPECT_EQ(records->items[1].id, grade_);
  EXPECT_FALSE(records->items[1].counted);
  ASSERT_TRUE(records->next_cursor.has_value());
  auto rest = m->records(**conn, q2, school_a_.id, records->next_cursor, 2);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->items.size(), 1u);
  EXPECT_EQ(rest->items[0].id, indicator_);
  EXPECT_FALSE(rest->next_cursor.has_value());
}


// ---- evidence files on rectification tasks -------------------------------------

std::string TaskPdf() {
  static constexpr char kPdf[] = "%PDF-1.7\n\0\x01\x02\xff 整改验收单\n%%EOF\n";
  return std::string(kPdf, sizeof(kPdf) - 1);
}

class TaskFilesTest : public TaskFlowTest {
 protected:
  void SetUp() override {
    TaskFlowTest::SetUp();
    if (HasFatalFailure()) return;
    UseSettings(false);
  }
  // The same tasks under a service with a 4 KiB file limit.
  void UseSettings(bool verify_requires_file) {
    ConsequenceSettings settings;
    settings.evidence_max_bytes = 4096;
    settings.verify_requires_file = verify_requires_file;
    service_ = std::make_unique<ConsequenceService>(
        *db_, settings, [this](db::Connection&, const AssessmentRef&) -> Result<std::optional<CompiledTemplate>> {
          return std::optional<CompiledTemplate>(*compiled_);
        });
  }
  Result<EvidenceFile> Upload(const auth::SessionState& s, int64_t task, std::string type = "application/pdf",
                              std::string data = TaskPdf(), std::string name = "整改验收单.pdf") {
    return service_->AddTaskFile(C(s), task, {std::move(type), std::move(name), std::move(data)});
  }
  int64_t FileCount() {
    static constexpr db::Sql kFiles{"test.conseq.count_files", "SELECT COUNT(*) FROM assess_files"};
    auto conn = db_->Read();
    auto n = (*conn)->QueryInt(kFiles);
    EXPECT_TRUE(n.ok()) << (n.ok() ? "" : n.error().log_detail);
    return n.ok() ? *n : -1;
  }
};

TEST_F(TaskFilesTest, TheUnitUploadsAndBothSidesListAndDownload) {
  const int64_t audits = AuditCount();
  auto up = Upload(clerk_a_, colour_);
  ASSERT_TRUE(up.ok()) << up.error().en << " " << up.error().log_detail;
  EXPECT_GT(up->id, 0);
  EXPECT_EQ(up->owner_kind, FileOwner::kTask);
  EXPECT_EQ(up->owner_id, colour_);
  EXPECT_EQ(up->object_id, school_a_.id);
  EXPECT_EQ(up->file_name, "整改验收单.pdf");
  EXPECT_EQ(up->content_type, "application/pdf");
  EXPECT_EQ(up->size_bytes, 36);  // "%PDF-1.7\n" 9 + 4 binary + " 整改验收单\n" 17 (5 × 3 UTF-8) + "%%EOF\n" 6
  EXPECT_EQ(up->uploaded_by, clerk_a_.principal->user_id);
  EXPECT_TRUE(up->data.empty());
  EXPECT_EQ(AuditCount(), audits + 1);  // assess.file.add in the upload's transaction
  EXPECT_EQ(FileCount(), 1);
  // A second file, a PNG; the list keeps upload order.
  auto png = Upload(clerk_a_, colour_, "image/png", std::string("\x89PNG\r\n\x1a\n", 8) + "IHDR", "现场照片.png");
  ASSERT_TRUE(png.ok()) << png.error().en;

  // The task carries its files (get and list); the other tasks none.
  auto task = service_->GetTask(*clerk_a_.principal, colour_);
  ASSERT_TRUE(task.ok());
  ASSERT_EQ(task->files.size(), 2u);
  EXPECT_EQ(task->files[0].id, up->id);
  EXPECT_EQ(task->files[0].file_name, "整改验收单.pdf");
  EXPECT_EQ(task->files[1].file_name, "现场照片.png");
  EXPECT_EQ(task->files[1].content_type, "image/png");
  EXPECT_TRUE(task->files[0].data.empty());
  for (const auto& t : Tasks(finance_)) EXPECT_EQ(t.files.size(), t.id == colour_ ? 2u : 0u) << t.id;
  const std::string json = TaskJson(*task, Date{0});
  const auto parsed = json::parse(json).as_object();
  ASSERT_EQ(parsed.at("files").as_array().size(), 2u);
  const auto& first = parsed.at("files").as_array()[0].as_object();
  EXPECT_EQ(first.at("id").as_int64(), up->id);
  EXPECT_EQ(first.at("name").as_string(), "整改验收单.pdf");
  EXPECT_EQ(first.at("size").as_int64(), up->size_bytes);
  EXPECT_EQ(first.at("content_type").as_string(), "application/pdf");
  EXPECT_TRUE(first.contains("uploaded_at"));

  // Who reads: the unit, its department supervisor, the finance bureau.
  for (const auth::SessionState* who : {&clerk_a_, &supervisor_, &finance_}) {
    auto files = service_->TaskFiles(*who->principal, colour_);
    ASSERT_TRUE(files.ok()) << files.error().en;
    EXPECT_EQ(files->size(), 2u);
    auto f = service_->TaskFile(*who->principal, colour_, up->id);
    ASSERT_TRUE(f.ok()) << f.error().en;
    EXPECT_EQ(f->data, TaskPdf());
    EXPECT_EQ(f->sha256, up->sha256);
  }
  // Another unit: NotFound for the list and the bytes; a reader with no
  // submit/review/admin at all (a steward): Forbidden.
  EXPECT_EQ(service_->TaskFiles(*clerk_b_.principal, colour_).error().kind, ErrorCode::kNotFound);
  EXPECT_EQ(service_->TaskFile(*clerk_clinic_.principal, colour_, up->id).error().kind, ErrorCode::kNotFound);
  auto steward = MakeUser("steward_a", auth::Role::kSteward, school_a_.id);
  EXPECT_EQ(service_->TaskFiles(*steward.principal, colour_).error().kind, ErrorCode::kForbidden);
  // A file asked for under another task (even one the caller sees), or unknown: NotFound.
  EXPECT_EQ(service_->TaskFile(*clerk_a_.principal, grade_, up->id).error().kind, ErrorCode::kNotFound);
  EXPECT_EQ(service_->TaskFile(*clerk_a_.principal, colour_, 999999).error().kind, ErrorCode::kNotFound);
  EXPECT_EQ(service_->TaskFiles(*clerk_a_.principal, 999999).error().kind, ErrorCode::kNotFound);
}

TEST_F(TaskFilesTest, BadFilesAndWrongCallersWriteNothing) {
  const int64_t audits = AuditCount();
  struct Bad {
    const char* type;
    std::string data;
    const char* code;
    ErrorCode kind;
  };
  const std::vector<Bad> bad = {
      {"application/pdf", "%PDF-" + std::string(4092, 'x'), "assess.file_too_large", ErrorCode::kTooLarge},  // 4097 B
      {"text/plain", "整改说明", "assess.file_type", ErrorCode::kInvalidArgument},
      {"application/x-msdownload", "MZ\x90", "assess.file_type", ErrorCode::kInvalidArgument},
      {"image/png", TaskPdf(), "assess.file_content_mismatch", ErrorCode::kInvalidArgument},
      {"application/pdf", "", "assess.file_empty", ErrorCode::kInvalidArgument},
  };
  for (const auto& b : bad) {
    auto r = Upload(clerk_a_, colour_, b.type, b.data);
    ASSERT_FALSE(r.ok()) << b.code;
    EXPECT_EQ(r.error().code, b.code);
    EXPECT_EQ(r.error().kind, b.kind) << b.code;
    EXPECT_FALSE(r.error().zh.empty());
    EXPECT_FALSE(r.error().en.empty());
  }
  // Exactly at the limit is accepted (4096 bytes).
  EXPECT_TRUE(Upload(clerk_a_, grade_, "application/pdf", "%PDF-" + std::string(4091, 'x')).ok());
  EXPECT_EQ(FileCount(), 1);
  EXPECT_EQ(AuditCount(), audits + 1);

  // Another unit's task: NotFound; a finance officer (no assess.submit): Forbidden; unknown task: NotFound.
  EXPECT_EQ(Upload(clerk_b_, colour_).error().kind, ErrorCode::kNotFound);
  EXPECT_EQ(Upload(clerk_clinic_, colour_).error().kind, ErrorCode::kNotFound);
  EXPECT_EQ(Upload(finance_, colour_).error().kind, ErrorCode::kForbidden);
  EXPECT_EQ(Upload(clerk_a_, 999999).error().kind, ErrorCode::kNotFound);
  EXPECT_EQ(FileCount(), 1);
  EXPECT_EQ(AuditCount(), audits + 1);
}

TEST_F(TaskFilesTest, FilesAreTakenWhileOpenOrRejectedOnly) {
  ASSERT_TRUE(Upload(clerk_a_, colour_).ok());
  ASSERT_TRUE(Submit(clerk_a_, colour_).ok());
  // Under review: the evidence is frozen.
  auto waiting = Upload(clerk_a_, colour_);
  ASSERT_FALSE(waiting.ok());
  EXPECT_EQ(waiting.error().code, "assess.task.state");
  ASSERT_TRUE(service_->Reject(C(finance_), colour_, {std::string("缺少验收单"), std::nullopt}).ok());
  // Sent back: the unit adds what was missing (its supervising department may too).
  ASSERT_TRUE(Upload(clerk_a_, colour_).ok());
  ASSERT_TRUE(Upload(supervisor_, colour_).ok());
  ASSERT_TRUE(Submit(clerk_a_, colour_, "补充了验收单").ok());
  auto verified = service_->Verify(C(finance_), colour_, {});
  ASSERT_TRUE(verified.ok()) << verified.error().en;
  EXPECT_EQ(verified->files.size(), 3u);
  // Verified: closed for good.
  const int64_t audits = AuditCount();
  auto after = Upload(clerk_a_, colour_);
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().kind, ErrorCode::kConflict);
  EXPECT_EQ(after.error().code, "assess.task.state");
  EXPECT_EQ(FileCount(), 3);
  EXPECT_EQ(AuditCount(), audits);
}

TEST_F(TaskFilesTest, VerificationMayRequireAFile) {
  // Off (the default): a task without files is verified.
  ASSERT_TRUE(Submit(clerk_a_, grade_).ok());
  ASSERT_TRUE(service_->Verify(C(finance_), grade_, {}).ok());

  UseSettings(true);
  ASSERT_TRUE(Submit(clerk_a_, colour_).ok());
  const int64_t audits = AuditCount();
  auto none = service_->Verify(C(finance_), colour_, {});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().kind, ErrorCode::kInvalidArgument);
  ASSERT_EQ(none.error().fields.size(), 1u);
  EXPECT_EQ(none.error().fields[0].field, "files");
  EXPECT_EQ(none.error().fields[0].code, "required");
  EXPECT_FALSE(none.error().fields[0].zh.empty());
  EXPECT_FALSE(none.error().fields[0].en.empty());
  EXPECT_EQ(AuditCount(), audits);
  EXPECT_EQ(service_->GetTask(*finance_.principal, colour_)->status, "submitted");
  // Reject still works without files; after a file and a new submission, verify passes.
  ASSERT_TRUE(service_->Reject(C(finance_), colour_, {std::string("请上传验收单"), std::nullopt}).ok());
  ASSERT_TRUE(Upload(clerk_a_, colour_).ok());
  ASSERT_TRUE(Submit(clerk_a_, colour_).ok());
  auto ok = service_->Verify(C(finance_), colour_, {});
  ASSERT_TRUE(ok.ok()) << ok.error().en;
  EXPECT_EQ(ok->status, "verified");
}

}  // namespace
}  // namespace minsheng::testing
