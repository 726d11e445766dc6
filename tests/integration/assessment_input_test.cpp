// Inputs from people on both engines: manual values and their review,
// evidence files, the monthly self-check and its timeliness metric, expert
// panels and appeals. The run (RunService) is wired as in App::Open, so an
// accepted appeal really moves the score and the ranks; every expected number
// is worked out by hand in the comments.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <set>

#include "assessment/input_metrics.h"
#include "assessment/input_json.h"
#include "assessment/input_service.h"
#include "assessment/input_store.h"
// The run (helper "run") may not be committed yet: without it the fixture
// counts RecomputeObject calls and checks the override rows only.
#if __has_include("assessment/run_service.h")
#include "assessment/run_service.h"
#define MS_WITH_RUN 1
#else
#define MS_WITH_RUN 0
#endif
#include "assessment/template.h"
#include "core/crypto.h"
#include "metric/registry.h"
#include "platform_fixture.h"

namespace minsheng::testing {
namespace {

using assessment::Decision;
using assessment::InputPut;
using assessment::InputRole;
using assessment::InputStatus;

// T-IN (100, one group): A 100 = A.1 in.rect 20 (manual, linear 0 → 10),
// A.2 in.tier 10 (manual, tiers), A.3 in.yes 10 (survey, yesno), A.4 in.ded 10
// (manual, deduction 2 per occurrence), A.5 in.exp 20 (expert, tiers),
// A.6 in.time 30 (metric assess.self_check_timeliness, ratio target 1).
constexpr const char* kTemplate = R"({
  "code": "T-IN", "name_zh": "填报测试", "name_en": "Inputs test", "object_class": "unit",
  "total_points": 100, "group_by": "none",
  "indicators": [
    {"code": "in.rect", "name_zh": "整改完成数", "name_en": "Rectified", "direction": ">=", "type": "management",
     "source": "manual", "method": {"method": "linear", "floor": 0, "target": 10}},
    {"code": "in.tier", "name_zh": "制度建设", "name_en": "Rules", "direction": ">=", "type": "management",
     "source": "manual", "method": {"method": "tiers"}},
    {"code": "in.yes", "name_zh": "公示", "name_en": "Published", "direction": ">=", "type": "management",
     "source": "survey", "method": {"method": "yesno"}},
    {"code": "in.ded", "name_zh": "违规", "name_en": "Violations", "direction": "<=", "type": "management",
     "source": "manual", "method": {"method": "deduction", "per_occurrence": 2}},
    {"code": "in.exp", "name_zh": "专家评价", "name_en": "Expert view", "direction": ">=", "type": "quality",
     "source": "expert", "method": {"method": "tiers"}},
    {"code": "in.time", "name_zh": "自查及时率", "name_en": "Self-check timeliness", "unit": "%",
     "direction": ">=", "type": "timeliness", "source": "metric", "metric": "assess.self_check_timeliness",
     "method": {"method": "ratio", "target": 1}}
  ],
  "nodes": [
    {"code": "A", "name_zh": "管理", "name_en": "Management", "points": 100, "children": [
      {"code": "A.1", "name_zh": "整改", "name_en": "Rectification", "points": 20, "indicator": "in.rect"},
      {"code": "A.2", "name_zh": "制度", "name_en": "Rules", "points": 10, "indicator": "in.tier"},
      {"code": "A.3", "name_zh": "公示", "name_en": "Published", "points": 10, "indicator": "in.yes"},
      {"code": "A.4", "name_zh": "违规", "name_en": "Violations", "points": 10, "indicator": "in.ded"},
      {"code": "A.5", "name_zh": "专家", "name_en": "Experts", "points": 20, "indicator": "in.exp"},
      {"code": "A.6", "name_zh": "及时", "name_en": "Timeliness", "points": 30, "indicator": "in.time"}
    ]}
  ]
})";

// 2026-12-01 12:00 Shanghai = 04:00 UTC.
UtcTime At(const char* rfc3339) { return *ParseTime(rfc3339); }

class AssessInputTest : public PlatformTest {
 protected:
  void SetUp() override {
    PlatformTest::SetUp();
    if (HasFatalFailure()) return;
    SetClockForTesting(At("2026-12-01T12:00:00+08:00"));
    fin_ = MakeUser("fin", auth::Role::kFinanceOfficer, county_.id);
    edu_sup_ = MakeUser("edusup", auth::Role::kDeptSupervisor, edu_.id);
    clerk_a_ = MakeUser("clerka", auth::Role::kUnitClerk, school_a_.id);
    clerk_b_ = MakeUser("clerkb", auth::Role::kUnitClerk, school_b_.id);
    expert_h_ = MakeUser("experth", auth::Role::kExpert, health_.id);
    expert_c_ = MakeUser("expertc", auth::Role::kExpert, county_.id);
#if MS_WITH_RUN
    runs_ = std::make_unique<assessment::RunService>(*db_, assessment::MetricLink{}, assessment::RunSettings{});
#endif
    assessment::InputSettings settings;
    settings.evidence_max_bytes = 4096;
    inputs_ = std::make_unique<assessment::InputService>(*db_, settings);
    inputs_->SetRecompute([this](db::Connection& tx, int64_t a, int64_t o) -> Result<void> {
      ++recomputes_;
      last_recompute_ = {a, o};
#if MS_WITH_RUN
      MS_TRY(runs_->RecomputeObject(tx, a, o));
#else
      (void)tx;
#endif
      return Ok();
    });
    StoreTemplate();
    MustCreate("2026-11", At("2026-12-05T00:00:00+08:00"));
  }

  void StoreTemplate() {
    auto file = assessment::ParseTemplateFile(kTemplate, [](std::string_view) { return nullptr; });
    ASSERT_TRUE(file.ok()) << file.error().en << (file.error().fields.empty() ? "" : file.error().fields[0].field);
    auto tx = db_->Write();
    ASSERT_TRUE(tx.ok());
    auto r = (*tx)->Exec({"test.template.insert",
                          "INSERT INTO assess_templates (code, version, name_zh, name_en, object_class, status, frozen, "
                          "doc_json, created_at, updated_at) VALUES ('T-IN', 1, '填报测试', 'Inputs', 'unit', "
                          "'published', 0, $1, 1, 1)"},
                         {assessment::TemplateDocJson(file->doc)});
    ASSERT_TRUE(r.ok()) << r.error().log_detail;
    ASSERT_TRUE(tx->Commit().ok());
  }

  // The assessment row and its objects (the three units), written as the run's Create would.
  void MustCreate(const std::string& period, std::optional<UtcTime> due) {
    const std::string kind = period.size() == 7 ? "month" : period.find('Q') != std::string::npos ? "quarter" : "year";
    auto tx = db_->Write();
    ASSERT_TRUE(tx.ok());
    auto id = (*tx)->QueryInt(
        {"test.assessment.insert",
         "INSERT INTO assess_assessments (period, period_kind, template_id, template_code, scope_org_id, scope_path, "
         "name, status, self_check_due, created_at) SELECT $1, $2, id, code, $3, $4, 'test', 'open', $5, 1 "
         "FROM assess_templates WHERE code = 'T-IN' RETURNING id"},
        {period, kind, county_.id, county_.path, due ? std::optional<int64_t>(due->micros) : std::nullopt});
    ASSERT_TRUE(id.ok()) << id.error().log_detail;
    for (const int64_t o : {school_a_.id, school_b_.id, clinic_.id}) {
      auto r = (*tx)->Exec({"test.object.insert",
                            "INSERT INTO assess_objects (assessment_id, object_id, group_key) VALUES ($1, $2, 'all')"},
                           {*id, o});
      ASSERT_TRUE(r.ok()) << r.error().log_detail;
    }
    ASSERT_TRUE(tx->Commit().ok());
  }

  InputPut Put(int64_t object, const std::string& code, InputRole role, std::optional<double> value,
               std::optional<int64_t> version = std::nullopt) {
    InputPut p;
    p.object_id = object;
    p.indicator_code = code;
    p.role = role;
    p.value = value;
    p.version = version;
    return p;
  }

  assessment::Input MustPut(const auth::SessionState& who, const InputPut& p, const std::string& period = "2026-11") {
    auto r = inputs_->PutInput(CallerOf(who), period, "T-IN", p);
    EXPECT_TRUE(r.ok()) << r.error().code << " " << r.error().en
                        << (r.error().fields.empty() ? "" : " " + r.error().fields[0].field);
    return r.ok() ? *r : assessment::Input{};
  }

  // Statements are cached by name: each distinct text gets its own (kept alive here).
  int64_t Count(const std::string& sql) {
    static std::set<std::string> texts;
    const char* text = texts.insert(sql).first->c_str();
    auto conn = db_->Read();
    auto n = (*conn)->QueryInt({text, text});
    EXPECT_TRUE(n.ok()) << sql;
    return n.ok() ? *n : -1;
  }

  static std::string FieldOf(const Error& e) { return e.fields.empty() ? "" : e.fields[0].field + ":" + e.fields[0].code; }

  auth::SessionState fin_, edu_sup_, clerk_a_, clerk_b_, expert_h_, expert_c_;
#if MS_WITH_RUN
  std::unique_ptr<assessment::RunService> runs_;
#endif
  std::unique_ptr<assessment::InputService> inputs_;
  int recomputes_ = 0;
  std::pair<int64_t, int64_t> last_recompute_;
};

// ---------------------------------------------------------------------------
// Manual values

TEST_F(AssessInputTest, SelfAndSupervisorValuesAreKeptAndTheGapFlagged) {
  const int64_t audits = AuditCount();
  auto self = MustPut(clerk_a_, Put(school_a_.id, "in.rect", InputRole::kSelf, 8));
  EXPECT_EQ(self.status, InputStatus::kSubmitted);
  EXPECT_EQ(self.version, 1);
  EXPECT_EQ(self.submitted_by, clerk_a_.principal->user_id);
  auto sup = MustPut(edu_sup_, Put(school_a_.id, "in.rect", InputRole::kSupervisor, 6));
  EXPECT_EQ(AuditCount(), audits + 2);

  auto list = inputs_->ListInputs(*fin_.principal, "2026-11", "T-IN", {});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  const auto& pair = (*list)[0];
  ASSERT_TRUE(pair.self && pair.supervisor);
  EXPECT_EQ(*pair.self->value, 8);
  EXPECT_EQ(*pair.supervisor->value, 6);
  ASSERT_TRUE(pair.gap);
  EXPECT_DOUBLE_EQ(*pair.gap, 0.25);  // |8 − 6| / 8
  EXPECT_TRUE(pair.gap_flag);        // > 0.10

  // 10 vs 9.5: 0.05, not flagged.
  MustPut(clerk_a_, Put(school_a_.id, "in.rect", InputRole::kSelf, 10, 1));
  MustPut(edu_sup_, Put(school_a_.id, "in.rect", InputRole::kSupervisor, 9.5, 1));
  list = inputs_->ListInputs(*fin_.principal, "2026-11", "T-IN", {});
  ASSERT_TRUE(list.ok());
  EXPECT_DOUBLE_EQ(*(*list)[0].gap, 0.05);
  EXPECT_FALSE((*list)[0].gap_flag);

  // School B's clerk sees nothing of school A.
  list = inputs_->ListInputs(*clerk_b_.principal, "2026-11", "T-IN", {});
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
}

TEST_F(AssessInputTest, RolesAndScopesAreChecked) {
  // A clerk may not enter the supervisor's value (no assess.review at all): 403.
  auto r = inputs_->PutInput(CallerOf(clerk_a_), "2026-11", "T-IN", Put(school_a_.id, "in.rect", InputRole::kSupervisor, 5));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorCode::kForbidden);
  // …nor a value for another school: 404.
  r = inputs_->PutInput(CallerOf(clerk_a_), "2026-11", "T-IN", Put(school_b_.id, "in.rect", InputRole::kSelf, 5));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorCode::kNotFound);
  // The education supervisor may not touch the clinic (health).
  r = inputs_->PutInput(CallerOf(edu_sup_), "2026-11", "T-IN", Put(clinic_.id, "in.rect", InputRole::kSupervisor, 5));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorCode::kNotFound);
  // An expert has no assess.submit: 403.
  r = inputs_->PutInput(CallerOf(expert_h_), "2026-11", "T-IN", Put(school_a_.id, "in.rect", InputRole::kSelf, 5));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorCode::kForbidden);
  // An unknown assessment: 404.
  r = inputs_->PutInput(CallerOf(clerk_a_), "2026-10", "T-IN", Put(school_a_.id, "in.rect", InputRole::kSelf, 5));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorCode::kNotFound);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM assess_inputs"), 0);
}

TEST_F(AssessInputTest, OnlyManualOrSurveyIndicatorsAndValuesPerMethod) {
  struct Case {
    const char* code;
    std::optional<double> value;
    bool na;
    const char* field_code;  // "" = valid
  };
  const Case cases[] = {
      {"in.time", 1, false, "indicator:not_manual"},  // metric
      {"in.exp", 0.9, false, "indicator:not_manual"},  // expert
      {"in.nope", 1, false, "indicator:unknown_indicator"},
      {"in.tier", 1.2, false, "value:range"},
      {"in.tier", -0.1, false, "value:range"},
      {"in.tier", 0.85, false, ""},
      {"in.yes", 0.5, false, "value:yesno"},
      {"in.yes", 1, false, ""},  // survey is fine
      {"in.ded", 1.5, false, "value:count"},
      {"in.ded", -1, false, "value:count"},
      {"in.ded", 3, false, ""},
      {"in.rect", std::nullopt, false, "value:required"},
      {"in.rect", 4, true, "value:conflict"},
      {"in.rect", std::nullopt, true, ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.code) + " " + (c.value ? std::to_string(*c.value) : "null"));
    auto p = Put(school_b_.id, c.code, InputRole::kSelf, c.value);
    p.not_applicable = c.na;
    auto r = inputs_->PutInput(CallerOf(clerk_b_), "2026-11", "T-IN", p);
    if (std::string(c.field_code).empty()) {
      EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().en + " " + FieldOf(r.error()));
    } else {
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.error().kind, ErrorCode::kInvalidArgument);
      EXPECT_EQ(FieldOf(r.error()), c.field_code);
      EXPECT_FALSE(r.error().fields[0].zh.empty());
    }
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM assess_inputs"), 4);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM assess_inputs WHERE not_applicable = 1 AND value IS NULL"), 1);
}

TEST_F(AssessInputTest, ReviewAcceptRejectAndEditingPutsItBack) {
  auto in = MustPut(clerk_a_, Put(school_a_.id, "in.rect", InputRole::kSelf, 7));
  // A clerk cannot review (403); the submitter never reviews their own value.
  auto r = inputs_->Review(CallerOf(clerk_a_), "2026-11", "T-IN", in.id, {Decision::kAccept, std::nullopt, 1});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorCode::kForbidden);
  auto own = MustPut(edu_sup_, Put(school_a_.id, "in.rect", InputRole::kSupervisor, 6));
  r = inputs_->Review(CallerOf(edu_sup_), "2026-11", "T-IN", own.id, {Decision::kAccept, std::nullopt, 1});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorCode::kForbidden);
  EXPECT_EQ(r.error().code, "assess.own_input");

  // Reject needs a reason.
  r = inputs_->Review(CallerOf(edu_sup_), "2026-11", "T-IN", in.id, {Decision::kReject, std::string("  "), 1});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(FieldOf(r.error()), "reason:required");
  r = inputs_->Review(CallerOf(edu_sup_), "2026-11", "T-IN", in.id, {Decision::kReject, std::string("缺少证明材料"), 1});
  ASSERT_TRUE(r.ok()) << r.error().en;
  EXPECT_EQ(r->status, InputStatus::kRejected);
  EXPECT_EQ(*r->review_reason, "缺少证明材料");
  EXPECT_EQ(r->version, 2);
  EXPECT_EQ(recomputes_, 0);  // a rejected value never counted

  // Editing with a stale version: 409; with the current one: back to submitted.
  auto stale = inputs_->PutInput(CallerOf(clerk_a_), "2026-11", "T-IN", Put(school_a_.id, "in.rect", InputRole::kSelf, 9, 1));
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().kind, ErrorCode::kConflict);
  EXPECT_EQ(stale.error().code, "version_conflict");
  auto missing_version =
      inputs_->PutInput(CallerOf(clerk_a_), "2026-11", "T-IN", Put(school_a_.id, "in.rect", InputRole::kSelf, 9));
  ASSERT_FALSE(missing_version.ok());
  EXPECT_EQ(FieldOf(missing_version.error()), "version:required");
  auto again = MustPut(clerk_a_, Put(school_a_.id, "in.rect", InputRole::kSelf, 9, 2));
  EXPECT_EQ(again.status, InputStatus::kSubmitted);
  EXPECT_EQ(again.version, 3);
  EXPECT_FALSE(again.review_reason);

  // Finance accepts; the object is rescored in the same transaction.
  r = inputs_->Review(CallerOf(fin_), "2026-11", "T-IN", in.id, {Decision::kAccept, std::nullopt, 3});
  ASSERT_TRUE(r.ok()) << r.error().en;
  EXPECT_EQ(r->status, InputStatus::kAccepted);
  EXPECT_EQ(r->reviewed_by, fin_.principal->user_id);
  EXPECT_EQ(recomputes_, 1);
  // A stale review: 409.
  r = inputs_->Review(CallerOf(fin_), "2026-11", "T-IN", in.id, {Decision::kReject, std::string("x"), 3});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "version_conflict");
  // Editing the accepted value puts it back to submitted and rescoring again.
  again = MustPut(clerk_a_, Put(school_a_.id, "in.rect", InputRole::kSelf, 10, 4));
  EXPECT_EQ(again.status, InputStatus::kSubmitted);
  EXPECT_EQ(recomputes_, 2);
  // Six writes succeeded (two puts, reject, put, accept, put); refused calls audit nothing.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'assess.input.%'"), 6);
}

// ---------------------------------------------------------------------------
// Evidence files

// 27 bytes with a NUL and a 0xFF inside: the size comes from the array, not a count.
std::string PdfBytes() {
  static constexpr char kPdf[] = "%PDF-1.7\n\0\x01\x02\xff binary\n%%EOF\n";
  return std::string(kPdf, sizeof(kPdf) - 1);
}

TEST_F(AssessInputTest, EvidenceFilesAreCheckedStoredAndScoped) {
  auto in = MustPut(clerk_a_, Put(school_a_.id, "in.rect", InputRole::kSelf, 7));
  const std::string pdf = PdfBytes();
  ASSERT_EQ(pdf.size(), 27u);
  auto f = inputs_->AddInputFile(CallerOf(clerk_a_), "2026-11", "T-IN", in.id,
                                 {"application/pdf", "整改报告.pdf", pdf});
  ASSERT_TRUE(f.ok()) << f.error().en;
  EXPECT_EQ(f->size_bytes, 27);
  EXPECT_EQ(f->sha256, Sha256Hex(pdf));
  EXPECT_EQ(f->file_name, "整改报告.pdf");

  // Bytes come back exactly (NUL and 0xFF included), for those who see school A.
  auto got = inputs_->Download(*edu_sup_.principal, "2026-11", "T-IN", f->id);
  ASSERT_TRUE(got.ok()) << got.error().en;
  EXPECT_EQ(got->data, pdf);
  EXPECT_EQ(got->content_type, "application/pdf");
  auto hidden = inputs_->Download(*clerk_b_.principal, "2026-11", "T-IN", f->id);
  ASSERT_FALSE(hidden.ok());
  EXPECT_EQ(hidden.error().kind, ErrorCode::kNotFound);
  auto list = inputs_->InputFiles(*clerk_a_.principal, "2026-11", "T-IN", in.id);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_TRUE((*list)[0].data.empty());  // lists never carry the bytes
  EXPECT_EQ(inputs_->GetInput(*clerk_a_.principal, "2026-11", "T-IN", in.id)->file_count, 1);

  // Wrong kinds, mismatches, sizes.
  struct Bad {
    std::string type;
    std::string data;
    const char* code;
  };
  const std::string png("\x89PNG\r\n\x1a\n rest", 13);
  const std::string docx = std::string("PK\x03\x04", 4) + "....[Content_Types].xml....word/document.xml";
  const std::string xlsx = std::string("PK\x03\x04", 4) + "....[Content_Types].xml....xl/workbook.xml";
  const Bad bads[] = {
      {"text/plain", "hello", "assess.file_type"},
      {"application/zip", docx, "assess.file_type"},
      {"application/pdf", png, "assess.file_content_mismatch"},
      {"image/png", pdf, "assess.file_content_mismatch"},
      {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", xlsx,
       "assess.file_content_mismatch"},
      {"application/ofd", docx, "assess.file_content_mismatch"},
      {"application/pdf", "", "assess.file_empty"},
      {"application/pdf", "%PDF-" + std::string(5000, 'x'), "assess.file_too_large"},
  };
  for (const auto& b : bads) {
    SCOPED_TRACE(b.type + " " + b.code);
    auto r = inputs_->AddInputFile(CallerOf(clerk_a_), "2026-11", "T-IN", in.id, {b.type, "x", b.data});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, b.code);
    EXPECT_EQ(r.error().kind, std::string(b.code) == "assess.file_too_large" ? ErrorCode::kTooLarge
                                                                              : ErrorCode::kInvalidArgument);
  }
  // The accepted kinds by their bytes.
  for (const auto& [type, data] : std::vector<std::pair<std::string, std::string>>{
           {"image/png", png},
           {"image/jpeg", std::string("\xFF\xD8\xFF\xE0 jfif", 9)},
           {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx},
           {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet; charset=binary", xlsx},
           {"application/ofd", std::string("PK\x03\x04", 4) + "..OFD.xml..Doc_0/Document.xml"}}) {
    SCOPED_TRACE(type);
    EXPECT_TRUE(inputs_->AddInputFile(CallerOf(clerk_a_), "2026-11", "T-IN", in.id, {type, "", data}).ok());
  }
  // Another school's clerk may not attach to school A's value.
  auto other = inputs_->AddInputFile(CallerOf(clerk_b_), "2026-11", "T-IN", in.id, {"application/pdf", "x", pdf});
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().kind, ErrorCode::kNotFound);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM assess_files"), 6);
}

// ---------------------------------------------------------------------------
// Self-check and its timeliness metric

TEST_F(AssessInputTest, SelfCheckOnTimeLateMissingAndTheMetric) {
  // October's monthly assessment, due 2026-11-05; school A submits late on 11-06.
  MustCreate("2026-10", At("2026-11-05T00:00:00+08:00"));
  SetClockForTesting(At("2026-11-06T09:00:00+08:00"));
  auto s = inputs_->SubmitSelfCheck(CallerOf(clerk_a_), "2026-10", "T-IN", school_a_.id, std::string("十月运行日志"));
  ASSERT_TRUE(s.ok()) << s.error().en;
  EXPECT_TRUE(s->late);

  // November's, due 12-05: school A on time on 12-01, school B late on 12-06, the clinic never.
  SetClockForTesting(At("2026-12-01T12:00:00+08:00"));
  s = inputs_->SubmitSelfCheck(CallerOf(clerk_a_), "2026-11", "T-IN", school_a_.id, std::string("十一月"));
  ASSERT_TRUE(s.ok()) << s.error().en;
  EXPECT_FALSE(s->late);
  EXPECT_EQ(s->status, "submitted");
  auto twice = inputs_->SubmitSelfCheck(CallerOf(clerk_a_), "2026-11", "T-IN", school_a_.id, std::nullopt);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, "assess.already_submitted");
  auto other = inputs_->SubmitSelfCheck(CallerOf(clerk_a_), "2026-11", "T-IN", school_b_.id, std::nullopt);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().kind, ErrorCode::kNotFound);
  auto expert = inputs_->SubmitSelfCheck(CallerOf(expert_h_), "2026-11", "T-IN", school_a_.id, std::nullopt);
  ASSERT_FALSE(expert.ok());
  EXPECT_EQ(expert.error().kind, ErrorCode::kForbidden);

  // Before B's deadline passes, November counts only what was submitted.
  metric::Registry registry;
  ASSERT_TRUE(assessment::RegisterInputMetrics(registry).ok());
  const metric::Metric* m = registry.Find(assessment::kSelfCheckTimeliness);
  ASSERT_NE(m, nullptr);
  auto compute = [&](const char* period) {
    auto conn = db_->Read();
    const Period p = *ParsePeriod(period);
    const std::vector<int64_t> ids = {school_a_.id, school_b_.id, clinic_.id};
    auto values = m->compute({**conn, p, ids});
    EXPECT_TRUE(values.ok());
    std::map<int64_t, std::pair<double, double>> out;
    for (const auto& v : *values) out[v.object_id] = {v.numerator, v.denominator};
    return out;
  };
  auto nov = compute("2026-11");
  EXPECT_EQ(nov[school_a_.id], std::make_pair(1.0, 1.0));
  EXPECT_FALSE(nov.contains(school_b_.id));  // nothing due yet → not applicable

  SetClockForTesting(At("2026-12-06T10:00:00+08:00"));
  s = inputs_->SubmitSelfCheck(CallerOf(clerk_b_), "2026-11", "T-IN", school_b_.id, std::nullopt);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->late);
  auto list = inputs_->SelfChecks(*fin_.principal, "2026-11", "T-IN");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);
  for (const auto& row : *list) {
    if (row.object_id == clinic_.id) {
      EXPECT_EQ(row.status, "missing");
      EXPECT_TRUE(row.late);  // the deadline passed with nothing
    }
  }
  nov = compute("2026-11");
  EXPECT_EQ(nov[school_a_.id], std::make_pair(1.0, 1.0));  // on time
  EXPECT_EQ(nov[school_b_.id], std::make_pair(0.0, 1.0));  // late
  EXPECT_EQ(nov[clinic_.id], std::make_pair(0.0, 1.0));    // missing
  // The quarter holds October (A late, B and the clinic missing) and November.
  auto q4 = compute("2026Q4");
  EXPECT_EQ(q4[school_a_.id], std::make_pair(1.0, 2.0));
  EXPECT_EQ(q4[school_b_.id], std::make_pair(0.0, 2.0));
  auto conn = db_->Read();
  auto records = m->records(**conn, *ParsePeriod("2026Q4"), school_a_.id, std::nullopt, 1);
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->items.size(), 1u);
  // By assessment id: November (created first, on time), then October (late).
  EXPECT_EQ(records->items[0].label, "2026-11 T-IN");
  EXPECT_TRUE(records->items[0].counted);
  ASSERT_TRUE(records->next_cursor);
  records = m->records(**conn, *ParsePeriod("2026Q4"), school_a_.id, records->next_cursor, 5);
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->items.size(), 1u);
  EXPECT_EQ(records->items[0].label, "2026-10 T-IN");
  EXPECT_FALSE(records->items[0].counted);
  EXPECT_FALSE(records->next_cursor);

  // Self-checks belong to monthly assessments.
  MustCreate("2026Q4", std::nullopt);
  auto quarterly = inputs_->SubmitSelfCheck(CallerOf(clerk_a_), "2026Q4", "T-IN", school_a_.id, std::nullopt);
  ASSERT_FALSE(quarterly.ok());
  EXPECT_EQ(quarterly.error().code, "assess.not_monthly");
}

// A draft holds remarks and manual values; saving again replaces it; it does
// not count as submitted; the submit turns it into the submission and its
// values into the unit's own inputs, all in one transaction.
TEST_F(AssessInputTest, SelfCheckDraftIsSavedReplacedAndBecomesTheSubmission) {
  using assessment::DraftItem;
  using assessment::SelfCheckDraft;
  auto item = [](const std::string& code, std::optional<double> v, std::optional<int64_t> version = std::nullopt,
                 std::optional<std::string> remark = std::nullopt) {
    DraftItem d;
    d.indicator_code = code;
    d.value = v;
    d.version = version;
    d.remark = std::move(remark);
    return d;
  };
  auto save = [&](const auth::SessionState& who, int64_t object, std::optional<std::string> remarks,
                  std::vector<DraftItem> items, const std::string& period = "2026-11") {
    return inputs_->SaveSelfCheckDraft(CallerOf(who), period, "T-IN",
                                       SelfCheckDraft{object, std::move(remarks), std::move(items)});
  };
  auto row_of = [&](int64_t object) {
    auto list = inputs_->SelfChecks(*fin_.principal, "2026-11", "T-IN");
    EXPECT_TRUE(list.ok());
    for (const auto& r : *list) {
      if (r.object_id == object) return r;
    }
    return assessment::SelfCheck{};
  };
  const UtcTime first_save = At("2026-12-01T12:00:00+08:00");

  // A stored survey value the draft repeats unchanged, and a deduction count the draft changes.
  const auto yes = MustPut(clerk_a_, Put(school_a_.id, "in.yes", InputRole::kSelf, 1));
  const auto ded = MustPut(clerk_a_, Put(school_a_.id, "in.ded", InputRole::kSelf, 2));
  const int64_t inputs_before = Count("SELECT COUNT(*) FROM assess_inputs");
  ASSERT_EQ(inputs_before, 2);

  auto d = save(clerk_a_, school_a_.id, std::string("  草稿一  "), {item("in.rect", 6), item("in.tier", std::nullopt)});
  ASSERT_TRUE(d.ok()) << d.error().en << FieldOf(d.error());
  EXPECT_EQ(d->status, "draft");
  EXPECT_EQ(d->remarks, "草稿一");  // trimmed
  ASSERT_EQ(d->draft_items.size(), 2u);
  EXPECT_EQ(d->draft_items[0].value, 6.0);
  EXPECT_FALSE(d->draft_items[1].value.has_value());
  EXPECT_EQ(d->draft_saved_at, first_save);
  EXPECT_EQ(d->draft_saved_by, clerk_a_.principal->user_id);
  EXPECT_FALSE(d->submitted_at.has_value());

  // Saved again 10 minutes later: replaced, still one row, no input written yet.
  SetClockForTesting(At("2026-12-01T12:10:00+08:00"));
  d = save(clerk_a_, school_a_.id, std::string("草稿二"),
           {item("in.rect", 7, std::nullopt, std::string("已整改七项")), item("in.ded", 1, ded.version),
            item("in.yes", 1, yes.version)});
  ASSERT_TRUE(d.ok()) << d.error().en << FieldOf(d.error());
  auto row = row_of(school_a_.id);
  EXPECT_EQ(row.status, "draft");
  EXPECT_EQ(row.remarks, "草稿二");
  ASSERT_EQ(row.draft_items.size(), 3u);
  EXPECT_EQ(row.draft_items[0].indicator_code, "in.rect");
  EXPECT_EQ(row.draft_items[0].remark, "已整改七项");
  EXPECT_EQ(row.draft_items[1].version, ded.version);
  EXPECT_EQ(row.draft_saved_at, At("2026-12-01T12:10:00+08:00"));
  EXPECT_FALSE(row.late);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM assess_submissions"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM assess_inputs"), inputs_before);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'assess.self_check.draft'"), 2);

  // Bad drafts: field errors, nothing changes.
  struct Bad {
    std::vector<DraftItem> items;
    std::string field;
  };
  for (const auto& b : std::vector<Bad>{
           {{item("in.nope", 1)}, "items[0].indicator:unknown_indicator"},
           {{item("in.time", 1)}, "items[0].indicator:not_manual"},
           {{item("in.exp", 0.5)}, "items[0].indicator:not_manual"},
           {{item("in.tier", 1.5)}, "items[0].value:range"},
           {{item("in.ded", 1.5)}, "items[0].value:count"},
           {{item("in.rect", 1), item("in.rect", 2)}, "items[1].indicator:duplicate"},
       }) {
    auto bad = save(clerk_a_, school_a_.id, std::string("坏草稿"), b.items);
    ASSERT_FALSE(bad.ok()) << b.field;
    EXPECT_EQ(FieldOf(bad.error()), b.field);
  }
  auto long_remarks = save(clerk_a_, school_a_.id, std::string(4001, 'x'), {});
  ASSERT_FALSE(long_remarks.ok());
  EXPECT_EQ(long_remarks.error().fields.at(0).field, "remarks");
  auto other = save(clerk_a_, school_b_.id, std::string("别人的"), {});
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().kind, ErrorCode::kNotFound);
  auto expert = save(expert_h_, school_a_.id, std::string("专家"), {});
  ASSERT_FALSE(expert.ok());
  EXPECT_EQ(expert.error().kind, ErrorCode::kForbidden);
  MustCreate("2026Q4", std::nullopt);
  auto quarterly = save(clerk_a_, school_a_.id, std::string("季度"), {}, "2026Q4");
  ASSERT_FALSE(quarterly.ok());
  EXPECT_EQ(quarterly.error().code, "assess.not_monthly");
  EXPECT_EQ(row_of(school_a_.id).remarks, "草稿二");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'assess.self_check.draft'"), 2);

  // A draft is not a submission: past the deadline it is late, and the metric counts it 0 of 1.
  metric::Registry registry;
  ASSERT_TRUE(assessment::RegisterInputMetrics(registry).ok());
  const metric::Metric* m = registry.Find(assessment::kSelfCheckTimeliness);
  ASSERT_NE(m, nullptr);
  auto timeliness = [&]() {
    auto conn = db_->Read();
    auto values = m->compute({**conn, *ParsePeriod("2026-11"), {school_a_.id}});
    EXPECT_TRUE(values.ok());
    return values->empty() ? std::make_pair(-1.0, -1.0) : std::make_pair((*values)[0].numerator, (*values)[0].denominator);
  };
  EXPECT_EQ(timeliness(), std::make_pair(-1.0, -1.0));  // nothing due yet, nothing submitted
  SetClockForTesting(At("2026-12-05T08:00:00+08:00"));
  EXPECT_TRUE(row_of(school_a_.id).late);
  EXPECT_EQ(timeliness(), std::make_pair(0.0, 1.0));

  // The deduction count changed after the draft: the submit is refused and writes nothing.
  SetClockForTesting(At("2026-12-04T09:00:00+08:00"));
  const auto ded2 = MustPut(clerk_a_, Put(school_a_.id, "in.ded", InputRole::kSelf, 3, ded.version));
  auto refused = inputs_->SubmitSelfCheck(CallerOf(clerk_a_), "2026-11", "T-IN", school_a_.id, std::nullopt);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "version_conflict");
  EXPECT_EQ(row_of(school_a_.id).status, "draft");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM assess_inputs"), inputs_before);

  // Saved again against the new version, then submitted (remarks not given: the draft's).
  d = save(clerk_a_, school_a_.id, std::string("草稿三"),
           {item("in.rect", 7, std::nullopt, std::string("已整改七项")), item("in.ded", 1, ded2.version),
            item("in.yes", 1, yes.version), item("in.tier", std::nullopt)});
  ASSERT_TRUE(d.ok()) << d.error().en << FieldOf(d.error());
  SetClockForTesting(At("2026-12-04T09:30:00+08:00"));
  auto s = inputs_->SubmitSelfCheck(CallerOf(clerk_a_), "2026-11", "T-IN", school_a_.id, std::nullopt);
  ASSERT_TRUE(s.ok()) << s.error().code << " " << s.error().en << FieldOf(s.error());
  EXPECT_EQ(s->status, "submitted");
  EXPECT_EQ(s->remarks, "草稿三");
  EXPECT_FALSE(s->late);
  EXPECT_EQ(s->submitted_at, At("2026-12-04T09:30:00+08:00"));
  EXPECT_TRUE(s->draft_items.empty());
  EXPECT_EQ(s->draft_saved_at, At("2026-12-04T09:00:00+08:00"));  // the last save stays
  // in.rect created (7), in.ded changed (1, version 2 → 3), in.yes unchanged (same value), in.tier empty.
  auto pairs = inputs_->ListInputs(*fin_.principal, "2026-11", "T-IN", {school_a_.id, std::nullopt, std::nullopt});
  ASSERT_TRUE(pairs.ok());
  std::map<std::string, assessment::Input> self;
  for (const auto& p : *pairs) {
    if (p.self) self[p.indicator_code] = *p.self;
  }
  ASSERT_EQ(self.size(), 3u);
  EXPECT_EQ(self["in.rect"].value, 7.0);
  EXPECT_EQ(self["in.rect"].remark, "已整改七项");
  EXPECT_EQ(self["in.rect"].status, InputStatus::kSubmitted);
  EXPECT_EQ(self["in.ded"].value, 1.0);
  EXPECT_EQ(self["in.ded"].version, ded2.version + 1);
  EXPECT_EQ(self["in.yes"].version, yes.version);
  EXPECT_EQ(timeliness(), std::make_pair(1.0, 1.0));  // submitted on time
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'assess.self_check.submit'"), 1);

  // Once submitted, neither a draft nor a second submit.
  auto after = save(clerk_a_, school_a_.id, std::string("又一稿"), {});
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().code, "assess.already_submitted");
  EXPECT_EQ(row_of(school_a_.id).remarks, "草稿三");

  // Remarks given on submit win over the draft's.
  d = save(clerk_b_, school_b_.id, std::string("B 的草稿"), {});
  ASSERT_TRUE(d.ok());
  s = inputs_->SubmitSelfCheck(CallerOf(clerk_b_), "2026-11", "T-IN", school_b_.id, std::string("B 的正式说明"));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->remarks, "B 的正式说明");
}

// The expert's own assignments carry what the grid shows: object names and,
// per qualitative indicator, its names, points and tier bounds from the
// frozen template version (experts cannot read templates).
TEST_F(AssessInputTest, ExpertAssignmentsCarryIndicatorNamesPointsAndTiers) {
  auto a = inputs_->AssignExpert(CallerOf(fin_), "2026-11", "T-IN", expert_h_.principal->user_id,
                                 {school_b_.id, school_a_.id});
  ASSERT_TRUE(a.ok()) << a.error().en;
  auto mine = inputs_->MyAssignments(*expert_h_.principal, "2026-11", "T-IN");
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 2u);
  std::set<std::string> names;
  for (const auto& t : *mine) {
    names.insert(t.assignment.object_name);
    ASSERT_EQ(t.details.size(), 1u);
    const auto& d = t.details[0];
    EXPECT_EQ(d.code, "in.exp");
    EXPECT_EQ(d.name_zh, "专家评价");
    EXPECT_EQ(d.name_en, "Expert view");
    EXPECT_EQ(d.node_code, "A.5");
    EXPECT_EQ(d.node_name_zh, "专家");
    EXPECT_DOUBLE_EQ(d.points, 20);
    EXPECT_DOUBLE_EQ(d.achieved, 0.8);
    EXPECT_DOUBLE_EQ(d.partly, 0.6);
  }
  EXPECT_EQ(names, (std::set<std::string>{school_a_.name, school_b_.name}));
  // The JSON the console reads.
  const auto doc = boost::json::parse(assessment::ExpertTaskJson((*mine)[0])).as_object();
  const auto& detail = doc.at("indicator_details").as_array().at(0).as_object();
  EXPECT_EQ(detail.at("name_zh").as_string(), "专家评价");
  EXPECT_EQ(detail.at("name_en").as_string(), "Expert view");
  EXPECT_DOUBLE_EQ(detail.at("points").to_number<double>(), 20);
  EXPECT_DOUBLE_EQ(detail.at("tiers").at("achieved").to_number<double>(), 0.8);
  EXPECT_DOUBLE_EQ(detail.at("tiers").at("partly").to_number<double>(), 0.6);
  EXPECT_EQ(doc.at("object_name").as_string(), (*mine)[0].assignment.object_name);
}

// ---------------------------------------------------------------------------
// Expert panels

TEST_F(AssessInputTest, ExpertsNeverScoreTheirOwnUnitAndSeeOnlyTheirAssignments) {
  // The health expert: the schools are fine, the clinic (inside health) is not.
  auto a = inputs_->AssignExpert(CallerOf(fin_), "2026-11", "T-IN", expert_h_.principal->user_id,
                                 {school_a_.id, clinic_.id});
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(FieldOf(a.error()), "object_ids[1]:own_unit");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM assess_experts"), 0);  // all or nothing
  // The county expert's org contains every object.
  a = inputs_->AssignExpert(CallerOf(fin_), "2026-11", "T-IN", expert_c_.principal->user_id, {school_b_.id});
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(FieldOf(a.error()), "object_ids[0]:own_unit");
  // A user without the expert role; a clerk may not assign at all.
  a = inputs_->AssignExpert(CallerOf(fin_), "2026-11", "T-IN", clerk_b_.principal->user_id, {school_a_.id});
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(FieldOf(a.error()), "expert_user_id:not_expert");
  a = inputs_->AssignExpert(CallerOf(clerk_a_), "2026-11", "T-IN", expert_h_.principal->user_id, {school_a_.id});
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().kind, ErrorCode::kForbidden);

  a = inputs_->AssignExpert(CallerOf(fin_), "2026-11", "T-IN", expert_h_.principal->user_id,
                            {school_a_.id, school_b_.id});
  ASSERT_TRUE(a.ok()) << a.error().en << FieldOf(a.error());
  EXPECT_EQ(a->size(), 2u);

  auto mine = inputs_->MyAssignments(*expert_h_.principal, "2026-11", "T-IN");
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ((*mine)[0].indicators, std::vector<std::string>{"in.exp"});
  auto none = inputs_->MyAssignments(*expert_c_.principal, "2026-11", "T-IN");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  // Scores: unassigned object 404; non-expert indicator and bad share 400.
  auto s = inputs_->PutExpertScore(CallerOf(expert_h_), "2026-11", "T-IN", {clinic_.id, "in.exp", 0.8, std::nullopt});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorCode::kNotFound);
  s = inputs_->PutExpertScore(CallerOf(expert_h_), "2026-11", "T-IN", {school_a_.id, "in.rect", 0.8, std::nullopt});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(FieldOf(s.error()), "indicator:not_expert");
  s = inputs_->PutExpertScore(CallerOf(expert_h_), "2026-11", "T-IN", {school_a_.id, "in.exp", 1.2, std::nullopt});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(FieldOf(s.error()), "share:range");
  s = inputs_->PutExpertScore(CallerOf(clerk_a_), "2026-11", "T-IN", {school_a_.id, "in.exp", 0.8, std::nullopt});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorCode::kForbidden);
  s = inputs_->PutExpertScore(CallerOf(expert_h_), "2026-11", "T-IN",
                              {school_a_.id, "in.exp", 0.85, std::string("制度健全")});
  ASSERT_TRUE(s.ok()) << s.error().en;
  EXPECT_EQ(recomputes_, 1);
  // Scoring again replaces the share.
  s = inputs_->PutExpertScore(CallerOf(expert_h_), "2026-11", "T-IN", {school_a_.id, "in.exp", 0.9, std::nullopt});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM assess_expert_scores"), 1);

  // Progress: 1 scored of 2 objects × 1 indicator.
  auto p = inputs_->Progress(*fin_.principal, "2026-11", "T-IN");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->indicator_count, 1);
  ASSERT_EQ(p->by_expert.size(), 1u);
  EXPECT_EQ(p->by_expert[0].scored, 1);
  EXPECT_EQ(p->by_expert[0].expected, 2);
  EXPECT_DOUBLE_EQ(p->by_expert[0].ratio, 0.5);
  ASSERT_EQ(p->by_object.size(), 2u);
  for (const auto& o : p->by_object) EXPECT_DOUBLE_EQ(o.ratio, o.id == school_a_.id ? 1.0 : 0.0);
  auto own = inputs_->Progress(*expert_h_.principal, "2026-11", "T-IN");
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->by_expert.size(), 1u);
  auto clerk = inputs_->Progress(*clerk_a_.principal, "2026-11", "T-IN");
  ASSERT_FALSE(clerk.ok());
  EXPECT_EQ(clerk.error().kind, ErrorCode::kForbidden);
}

// ---------------------------------------------------------------------------
// Appeals

class AssessAppealTest : public AssessInputTest {
 protected:
  // School A 5 of 10 rectified (10 of 20 points), school B 8 (16 points); the
  // other leaves are missing (0 points, still counted): totals 10, 16, 0;
  // ranks B 1, A 2, clinic 3. Published on 12-01 12:00: appeals until 12-11 12:00.
  void Publish() {
    for (auto [clerk, org, value] : {std::tuple{&clerk_a_, school_a_.id, 5.0}, std::tuple{&clerk_b_, school_b_.id, 8.0}}) {
      auto in = MustPut(*clerk, Put(org, "in.rect", InputRole::kSelf, value));
      auto r = inputs_->Review(CallerOf(fin_), "2026-11", "T-IN", in.id, {Decision::kAccept, std::nullopt, in.version});
      ASSERT_TRUE(r.ok()) << r.error().en;
    }
#if MS_WITH_RUN
    auto run = runs_->Run(CallerOf(fin_), "2026-11", "T-IN");
    ASSERT_TRUE(run.ok()) << run.error().en << run.error().log_detail;
    auto pub = runs_->Publish(CallerOf(fin_), "2026-11", "T-IN");
    ASSERT_TRUE(pub.ok()) << pub.error().en << pub.error().log_detail;
#else
    auto tx = db_->Write();
    ASSERT_TRUE(tx.ok());
    auto r = (*tx)->Exec({"test.assessment.publish",
                          "UPDATE assess_assessments SET status = 'published', published_at = $1, appeal_until = $2"},
                         {Now().micros, Now().PlusSeconds(10 * 86400).micros});
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(tx->Commit().ok());
#endif
  }

  std::pair<double, int64_t> ResultOf(int64_t object) {
    auto conn = db_->Read();
    auto head = assessment::InputStore::Head(**conn, "2026-11", "T-IN");
    EXPECT_TRUE(head.ok());
    auto r = assessment::InputStore::ResultOf(**conn, head->id, object);
    EXPECT_TRUE(r.ok() && r->has_value());
    return {(*r)->rounded, (*r)->rank};
  }
};

TEST_F(AssessAppealTest, AppealsOnlyWhilePublishedAndWithinTheWindow) {
  assessment::NewAppeal a{school_a_.id, "in.rect", "已完成整改 10 项，附验收单", 10.0};
  auto early = inputs_->FileAppeal(CallerOf(clerk_a_), "2026-11", "T-IN", a);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().code, "assess.appeal_closed");
  Publish();
  if (HasFatalFailure()) return;

  auto no_reason = inputs_->FileAppeal(CallerOf(clerk_a_), "2026-11", "T-IN", {school_a_.id, "in.rect", " ", {}});
  ASSERT_FALSE(no_reason.ok());
  EXPECT_EQ(FieldOf(no_reason.error()), "reason:required");
  auto other = inputs_->FileAppeal(CallerOf(clerk_a_), "2026-11", "T-IN", {school_b_.id, "in.rect", "x", {}});
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().kind, ErrorCode::kNotFound);
  auto unknown = inputs_->FileAppeal(CallerOf(clerk_a_), "2026-11", "T-IN", {school_a_.id, "in.zzz", "x", {}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(FieldOf(unknown.error()), "indicator:unknown_indicator");

  SetClockForTesting(At("2026-12-11T11:59:00+08:00"));  // one minute before the window closes
  auto filed = inputs_->FileAppeal(CallerOf(clerk_a_), "2026-11", "T-IN", a);
  ASSERT_TRUE(filed.ok()) << filed.error().en;
  EXPECT_EQ(filed->status, "open");
  auto dup = inputs_->FileAppeal(CallerOf(clerk_a_), "2026-11", "T-IN", a);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, "assess.appeal_open");
  auto file = inputs_->AddAppealFile(CallerOf(clerk_a_), "2026-11", "T-IN", filed->id,
                                     {"application/pdf", "验收单.pdf", PdfBytes()});
  ASSERT_TRUE(file.ok()) << file.error().en;

  SetClockForTesting(At("2026-12-11T12:01:00+08:00"));
  auto late = inputs_->FileAppeal(CallerOf(clerk_b_), "2026-11", "T-IN", {school_b_.id, "in.rect", "迟到", {}});
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().kind, ErrorCode::kConflict);
  EXPECT_EQ(late.error().code, "assess.appeal_closed");
  EXPECT_NE(late.error().zh.find("2026-12-11 12:00"), std::string::npos) << late.error().zh;
  // Inputs are closed once published.
  auto put = inputs_->PutInput(CallerOf(clerk_b_), "2026-11", "T-IN", Put(school_b_.id, "in.tier", InputRole::kSelf, 1));
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code, "assess.not_open");
}

TEST_F(AssessAppealTest, AcceptedAppealOverridesAndMovesScoreAndRank) {
  Publish();
  if (HasFatalFailure()) return;
#if MS_WITH_RUN
  EXPECT_EQ(ResultOf(school_a_.id), std::make_pair(10.0, int64_t{2}));
  EXPECT_EQ(ResultOf(school_b_.id), std::make_pair(16.0, int64_t{1}));
#endif

  auto filed = inputs_->FileAppeal(CallerOf(clerk_a_), "2026-11", "T-IN",
                                   {school_a_.id, "in.rect", "已完成整改 10 项", 10.0});
  ASSERT_TRUE(filed.ok()) << filed.error().en;
  // A clerk cannot decide; a reject needs a reason; a value must fit the method.
  auto r = inputs_->DecideAppeal(CallerOf(clerk_b_), "2026-11", "T-IN", filed->id,
                                 {Decision::kAccept, std::nullopt, 10.0, false});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorCode::kForbidden);
  r = inputs_->DecideAppeal(CallerOf(fin_), "2026-11", "T-IN", filed->id, {Decision::kReject, std::nullopt, {}, false});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(FieldOf(r.error()), "reason:required");
  r = inputs_->DecideAppeal(CallerOf(fin_), "2026-11", "T-IN", filed->id, {Decision::kAccept, std::nullopt, {}, false});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(FieldOf(r.error()), "value:required");

  // Accepted with 10 of 10: A.1 20 points → A 20 > B 16.
  r = inputs_->DecideAppeal(CallerOf(edu_sup_), "2026-11", "T-IN", filed->id,
                            {Decision::kAccept, std::string("验收单属实"), 10.0, false});
  ASSERT_TRUE(r.ok()) << r.error().code << " " << r.error().en << " " << r.error().log_detail;
  EXPECT_EQ(r->status, "accepted");
  EXPECT_EQ(*r->decided_value, 10.0);
  EXPECT_EQ(last_recompute_, std::make_pair(r->assessment_id, school_a_.id));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM assess_overrides WHERE value = 10 AND not_applicable = 0 AND appeal_id = " +
                  std::to_string(filed->id)),
            1);
#if MS_WITH_RUN
  EXPECT_EQ(*r->score_before, 10.0);
  EXPECT_EQ(*r->score_after, 20.0);
  EXPECT_EQ(*r->rank_before, 2);
  EXPECT_EQ(*r->rank_after, 1);
  EXPECT_EQ(ResultOf(school_a_.id), std::make_pair(20.0, int64_t{1}));
  EXPECT_EQ(ResultOf(school_b_.id), std::make_pair(16.0, int64_t{2}));
#else
  EXPECT_FALSE(r->score_before);  // no run has scored anything
#endif
  // Decided once only.
  r = inputs_->DecideAppeal(CallerOf(fin_), "2026-11", "T-IN", filed->id, {Decision::kReject, std::string("x"), {}, false});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "assess.appeal_decided");
}

TEST_F(AssessAppealTest, TheFilerNeverDecidesAndARejectChangesNothing) {
  Publish();
  if (HasFatalFailure()) return;
  // The education supervisor may file for school B (assess.submit over its subtree)…
  auto filed = inputs_->FileAppeal(CallerOf(edu_sup_), "2026-11", "T-IN", {school_b_.id, "in.rect", "复核", 10.0});
  ASSERT_TRUE(filed.ok()) << filed.error().en;
  // …but not decide it.
  auto r = inputs_->DecideAppeal(CallerOf(edu_sup_), "2026-11", "T-IN", filed->id,
                                 {Decision::kAccept, std::nullopt, 10.0, false});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "assess.own_appeal");
  r = inputs_->DecideAppeal(CallerOf(fin_), "2026-11", "T-IN", filed->id,
                            {Decision::kReject, std::string("材料不足"), {}, false});
  ASSERT_TRUE(r.ok()) << r.error().en;
  EXPECT_EQ(r->status, "rejected");
  EXPECT_FALSE(r->score_after);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM assess_overrides"), 0);
#if MS_WITH_RUN
  EXPECT_EQ(ResultOf(school_b_.id), std::make_pair(16.0, int64_t{1}));
#endif
  auto list = inputs_->ListAppeals(*clerk_a_.principal, "2026-11", "T-IN", std::nullopt, std::nullopt);
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());  // school B's appeal is not school A's business
}

// ---------------------------------------------------------------------------
// Import (all or nothing)

TEST_F(AssessInputTest, ImportIsAllOrNothingWithRowErrors) {
  assessment::ImportFile file;
  file.period = "2026-11";
  file.template_code = "T-IN";
  file.rows = {
      {"T-SCHOOL-A", "in.rect", InputRole::kSelf, 6.0, false, std::string("ok")},
      {"T-NOPE", "in.rect", InputRole::kSelf, 6.0, false, {}},
      {"T-SCHOOL-B", "in.time", InputRole::kSelf, 1.0, false, {}},
      {"T-SCHOOL-B", "in.tier", InputRole::kSupervisor, 2.0, false, {}},
      {"T-SCHOOL-A", "in.rect", InputRole::kSelf, 7.0, false, {}},
  };
  const auth::Caller cli{&CliPrincipal(), "req-cli", "local"};
  auto r = inputs_->Import(cli, file, nullptr);
  ASSERT_FALSE(r.ok());
  std::vector<std::string> fields;
  for (const auto& f : r.error().fields) fields.push_back(f.field + ":" + f.code);
  EXPECT_EQ(fields, (std::vector<std::string>{"rows[1].object:unknown_object", "rows[2].indicator:not_manual",
                                              "rows[3].value:range", "rows[4].indicator:duplicate"}));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM assess_inputs"), 0);

  file.rows = {{"T-SCHOOL-A", "in.rect", InputRole::kSelf, 6.0, false, {}},
               {"T-SCHOOL-B", "in.tier", InputRole::kSupervisor, {}, true, std::string("不适用")}};
  file.accept = true;
  r = inputs_->Import(cli, file, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(FieldOf(r.error()), "accept:reviewer_required");
  // A reviewer whose scope misses the clinic cannot accept for it; the education supervisor covers both schools.
  r = inputs_->Import(cli, file, edu_sup_.principal.get());
  ASSERT_TRUE(r.ok()) << r.error().en << FieldOf(r.error());
  EXPECT_EQ(r->created, 2);
  EXPECT_EQ(r->accepted, 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM assess_inputs WHERE status = 'accepted'"), 2);
  file.rows = {{"T-CLINIC", "in.rect", InputRole::kSelf, 1.0, false, {}}};
  r = inputs_->Import(cli, file, edu_sup_.principal.get());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(FieldOf(r.error()), "rows[0].object:reviewer_out_of_scope");
  // Importing again updates (and puts back to submitted without accept).
  file.accept = false;
  file.rows = {{"T-SCHOOL-A", "in.rect", InputRole::kSelf, 9.0, false, {}}};
  r = inputs_->Import(cli, file, nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->updated, 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM assess_inputs WHERE status = 'submitted' AND value = 9"), 1);
}

}  // namespace
}  // namespace minsheng::testing
