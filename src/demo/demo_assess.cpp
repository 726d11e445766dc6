#include "demo/demo_assess.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <spdlog/spdlog.h>
#include <string>
#include <vector>

#include "core/time.h"
#include "demo/demo.h"

namespace minsheng::demo {
namespace {

using assessment::InputRole;
using assessment::Method;
using assessment::MethodSpec;
using assessment::SourceKind;

constexpr const char* kTemplate = "unit_asset_mgmt";

struct Unit {
  int64_t id = 0;
  std::string code;
  double base = 0;   // how well the unit keeps its books, 0..1
  double trend = 0;  // per period step, improving or slipping
};

// A value for one leaf that a unit of quality q (0..1) would report, in the
// indicator's own terms (a share for tiers, a count for deductions, …).
std::optional<double> ValueFor(const MethodSpec& m, double q, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  switch (m.method) {
    case Method::kTiers:
      return std::clamp(q + (u(rng) - 0.5) * 0.15, 0.3, 1.0);
    case Method::kYesNo:
      return u(rng) < 0.35 + 0.65 * q ? 1.0 : 0.0;
    case Method::kVeto:
      return 0.0;
    case Method::kDeduction:
      return std::floor((1.0 - q) * 4.0 * u(rng) + 0.3);
    case Method::kRatio: {
      const double t = m.target > 0 ? m.target : 1.0;
      return m.direction == assessment::Direction::kHigher ? t * (0.55 + 0.55 * q + 0.05 * u(rng))
                                                           : t * (1.5 - 0.55 * q + 0.05 * u(rng));
    }
    case Method::kLinear:
      return m.floor + (m.target - m.floor) * std::clamp(0.3 + 0.8 * q + 0.1 * (u(rng) - 0.5), 0.0, 1.1);
    case Method::kSteps: {
      if (m.steps.empty()) return q;
      double lo = m.steps.front().threshold;
      double hi = m.steps.back().threshold;
      if (lo > hi) std::swap(lo, hi);
      const double f = m.direction == assessment::Direction::kHigher ? q : 1.0 - q;
      return lo + (hi - lo) * std::clamp(f + 0.1 * (u(rng) - 0.5), 0.0, 1.0);
    }
  }
  return std::nullopt;
}

double Round4(double v) { return std::round(v * 10000.0) / 10000.0; }

class Loader {
 public:
  Loader(App& app, const AssessOptions& o) : app_(app), o_(o), rng_(o.seed * 7919 + 17) {}

  Result<AssessSummary> Run() {
    MS_TRY(CreateReviewers());
    // The annual evaluations of the last two years, final with consequences.
    MS_TRY(Annual("2024", /*step=*/0, /*finalize=*/true));
    MS_TRY(Annual("2025", 4, true));
    MS_TRY(Rectify("2025"));
    // This year's quarterly bulletins; an appeal on the latest one.
    MS_TRY(Quarter("2026Q1", 5));
    MS_TRY(Quarter("2026Q2", 6));
    MS_TRY(Quarter("2026Q3", 7));
    MS_TRY(Appeal("2026Q3"));
    // Monthly self-checks: October done, November under way.
    MS_TRY(Month("2026-10", 8, 0.9, 0.85, Now().PlusSeconds(2LL * 24 * 3600)));
    MS_TRY(Month("2026-11", 9, 0.35, 0.25, *ParseTime("2026-12-05T09:00:00Z")));
    // The 2026 annual evaluation: inputs coming in, the expert panel at work.
    MS_TRY(AnnualInProgress("2026", 9));
    return summary_;
  }

 private:
  // The finance bureau's reviewer acts as a person, not as the submitting
  // CLI, so "nobody reviews their own input" holds in the demo too.
  Result<void> CreateReviewers() {
    reviewer_.user_id = o_.reviewer_user_id;
    reviewer_.username = "finance";
    reviewer_.is_system = true;
    const auth::Caller cli{&CliPrincipal(), "demo", "local"};
    const struct {
      const char* username;
      const char* name;
    } kExperts[] = {{"expert_li", "李专家（评价专家库）"}, {"expert_chen", "陈专家（评价专家库）"}};
    for (const auto& e : kExperts) {
      auth::NewUser nu;
      nu.username = e.username;
      nu.display_name = e.name;
      nu.org_id = o_.expert_org_id;
      nu.password = kDemoPassword;
      nu.must_change_password = false;
      nu.roles = {{"expert", o_.county_id}};
      MS_ASSIGN_OR_RETURN(auto user, app_.users->Create(cli, nu));
      auth::Principal p;
      p.user_id = user.id;
      p.username = e.username;
      p.is_system = true;
      experts_.push_back(p);
    }
    return Ok();
  }

  const auth::Caller Cli() const { return {&CliPrincipal(), "demo", "local"}; }
  const auth::Caller Reviewer() const { return {&reviewer_, "demo", "local"}; }

  Result<assessment::Assessment> Create(const std::string& period, std::optional<UtcTime> due) {
    assessment::NewAssessment na;
    na.period = period;
    na.template_code = kTemplate;
    na.scope_org_id = o_.county_id;
    na.self_check_due = due;
    MS_ASSIGN_OR_RETURN(auto a, app_.runs->Create(Cli(), na));
    ++summary_.assessments;
    // A first run lists the objects (and computes the metrics from the cards).
    MS_TRY(app_.runs->Run(Cli(), period, kTemplate));
    if (units_.empty()) MS_TRY(LoadUnits(period));
    MS_ASSIGN_OR_RETURN(auto conn, app_.db->Read());
    MS_ASSIGN_OR_RETURN(inputs_, app_.inputs->InputsOf(*conn, a.template_id));
    return a;
  }

  Result<void> LoadUnits(const std::string& period) {
    MS_ASSIGN_OR_RETURN(auto ranking, app_.runs->Results(CliPrincipal(), period, kTemplate));
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::sort(ranking.rows.begin(), ranking.rows.end(),
              [](const auto& a, const auto& b) { return a.code < b.code; });
    for (const auto& row : ranking.rows) {
      units_.push_back({row.object_id, row.code, 0.5 + 0.45 * u(rng_), (u(rng_) - 0.45) * 0.05});
    }
    // One unit lets a major loss of state assets happen two years running.
    if (!units_.empty()) vetoed_ = units_.back().id;
    return Ok();
  }

  double Quality(const Unit& unit, int step) {
    std::uniform_real_distribution<double> noise(-0.06, 0.06);
    return std::clamp(unit.base + unit.trend * step + noise(rng_), 0.05, 1.0);
  }

  // Self-reported values for the manual and survey leaves of a share of the
  // units, accepted by the finance bureau in one import.
  Result<void> Inputs(const std::string& period, int step, double share_of_units, bool veto_fires) {
    assessment::ImportFile file;
    file.period = period;
    file.template_code = kTemplate;
    file.accept = true;
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (const auto& unit : units_) {
      if (u(rng_) > share_of_units) continue;
      const double q = Quality(unit, step);
      for (const auto& [code, source] : inputs_->source) {
        if (source != SourceKind::kManual && source != SourceKind::kSurvey) continue;
        const MethodSpec& m = inputs_->method.at(code);
        assessment::ImportRow row;
        row.object_code = unit.code;
        row.indicator_code = code;
        row.role = InputRole::kSelf;
        row.value = ValueFor(m, q, rng_);
        if (m.method == Method::kVeto && veto_fires && unit.id == vetoed_) row.value = 1.0;
        if (row.value) row.value = Round4(*row.value);
        row.remark = "示范数据";
        file.rows.push_back(std::move(row));
      }
    }
    if (file.rows.empty()) return Ok();
    MS_ASSIGN_OR_RETURN(auto done, app_.inputs->Import(Cli(), file, &reviewer_));
    summary_.inputs += done.created + done.updated;
    return Ok();
  }

  // The panel scores the expert (qualitative) leaves of a share of the units.
  Result<void> Experts(const std::string& period, int step, double share_scored) {
    std::vector<int64_t> ids;
    for (const auto& unit : units_) ids.push_back(unit.id);
    for (const auto& expert : experts_) {
      MS_TRY(app_.inputs->AssignExpert(Cli(), period, kTemplate, expert.user_id, ids));
    }
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (const auto& expert : experts_) {
      const auth::Caller caller{&expert, "demo", "local"};
      for (const auto& unit : units_) {
        if (u(rng_) > share_scored) continue;
        const double q = Quality(unit, step);
        for (const auto& code : inputs_->expert_codes) {
          assessment::ExpertScorePut put;
          put.object_id = unit.id;
          put.indicator_code = code;
          put.share = Round4(std::clamp(q + (u(rng_) - 0.5) * 0.2, 0.3, 1.0));
          MS_TRY(app_.inputs->PutExpertScore(caller, period, kTemplate, put));
          ++summary_.expert_scores;
        }
      }
    }
    return Ok();
  }

  Result<void> Annual(const std::string& period, int step, bool finalize) {
    MS_TRY(Create(period, std::nullopt));
    MS_TRY(Inputs(period, step, 1.0, /*veto_fires=*/true));
    MS_TRY(Experts(period, step, 1.0));
    MS_TRY(app_.runs->Run(Cli(), period, kTemplate));
    MS_TRY(app_.runs->Publish(Cli(), period, kTemplate));
    if (finalize) MS_TRY(app_.runs->Finalize(Cli(), period, kTemplate));
    return Ok();
  }

  Result<void> AnnualInProgress(const std::string& period, int step) {
    MS_TRY(Create(period, std::nullopt));
    MS_TRY(Inputs(period, step, 0.6, false));
    MS_TRY(Experts(period, step, 0.4));
    MS_TRY(app_.runs->Run(Cli(), period, kTemplate));
    return Ok();
  }

  Result<void> Quarter(const std::string& period, int step) {
    MS_TRY(Create(period, std::nullopt));
    MS_TRY(Inputs(period, step, 1.0, false));
    MS_TRY(Experts(period, step, 1.0));
    MS_TRY(app_.runs->Run(Cli(), period, kTemplate));
    MS_TRY(app_.runs->Publish(Cli(), period, kTemplate));
    return Ok();
  }

  Result<void> Month(const std::string& period, int step, double share_inputs, double share_submitted,
                     UtcTime due) {
    MS_TRY(Create(period, due));
    MS_TRY(Inputs(period, step, share_inputs, false));
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (const auto& unit : units_) {
      if (u(rng_) > share_submitted) continue;
      MS_TRY(app_.inputs->SubmitSelfCheck(Cli(), period, kTemplate, unit.id,
                                          std::optional<std::string>("本月资产变动已登记，闲置资产已上报公物仓")));
    }
    MS_TRY(app_.runs->Run(Cli(), period, kTemplate));
    return Ok();
  }

  // The first school contests a manual indicator of the bulletin; the
  // finance bureau accepts a corrected value, which moves its score and rank.
  Result<void> Appeal(const std::string& period) {
    std::string indicator;
    const MethodSpec* method = nullptr;
    for (const auto& [code, source] : inputs_->source) {
      const MethodSpec& m = inputs_->method.at(code);
      if (source == SourceKind::kManual && m.method != Method::kVeto && m.method != Method::kDeduction) {
        indicator = code;
        method = &m;
        break;
      }
    }
    if (indicator.empty() || o_.first_school_id == 0) return Ok();
    const std::optional<double> corrected = ValueFor(*method, 1.0, rng_);
    assessment::NewAppeal na;
    na.object_id = o_.first_school_id;
    na.indicator_code = indicator;
    na.reason = "本季度已完成整改并经党组会审议通过，自评材料漏报，现补充会议纪要申请复核";
    na.requested_value = corrected ? std::optional<double>(Round4(*corrected)) : std::nullopt;
    MS_ASSIGN_OR_RETURN(auto appeal, app_.inputs->FileAppeal(Cli(), period, kTemplate, na));
    assessment::AppealDecision d;
    d.decision = assessment::Decision::kAccept;
    d.value = na.requested_value;
    d.reason = std::string("会议纪要属实，按申请值认定");
    MS_TRY(app_.inputs->DecideAppeal(Reviewer(), period, kTemplate, appeal.id, d));
    return Ok();
  }

  // Some units answer their rectification tasks; the bureau verifies most.
  Result<void> Rectify(const std::string& period) {
    assessment::TaskQuery q;
    q.period = period;
    q.template_code = kTemplate;
    q.limit = 200;
    std::vector<assessment::RectificationTask> tasks;
    for (;;) {
      MS_ASSIGN_OR_RETURN(auto page, app_.consequences->ListTasks(CliPrincipal(), q));
      for (auto& t : page.items) tasks.push_back(std::move(t));
      if (!page.next_cursor) break;
      q.after_id = page.next_cursor;
    }
    summary_.tasks += static_cast<int64_t>(tasks.size());
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (const auto& task : tasks) {
      if (u(rng_) > 0.6) continue;
      assessment::TaskSubmission s;
      s.evidence_note = "已制定整改方案并完成整改，附整改报告";
      MS_ASSIGN_OR_RETURN(auto submitted, app_.consequences->Submit(Cli(), task.id, s));
      if (u(rng_) > 0.7) continue;
      assessment::TaskReview r;
      r.note = std::string("经核查整改到位");
      r.version = submitted.version;
      MS_TRY(app_.consequences->Verify(Reviewer(), task.id, r));
    }
    return Ok();
  }

  App& app_;
  AssessOptions o_;
  std::mt19937_64 rng_;
  AssessSummary summary_;
  auth::Principal reviewer_;
  std::vector<auth::Principal> experts_;
  std::vector<Unit> units_;
  int64_t vetoed_ = 0;
  std::shared_ptr<const assessment::TemplateInputs> inputs_;
};

}  // namespace

Result<AssessSummary> LoadAssessments(App& app, const AssessOptions& options) {
  Loader loader(app, options);
  return loader.Run();
}

}  // namespace minsheng::demo
