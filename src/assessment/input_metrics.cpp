#include "assessment/input_metrics.h"

#include <cstdio>

#include "assessment/input_store.h"
#include "core/time.h"

namespace minsheng::assessment {

namespace {

std::string MonthText(int year, int month) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
  return buf;
}

// The first and last month ("2026-07", "2026-09") a period covers.
std::pair<std::string, std::string> Months(const Period& p) {
  switch (p.kind) {
    case Period::Kind::kMonth: return {MonthText(p.year, p.index), MonthText(p.year, p.index)};
    case Period::Kind::kQuarter: return {MonthText(p.year, p.index * 3 - 2), MonthText(p.year, p.index * 3)};
    case Period::Kind::kYear: return {MonthText(p.year, 1), MonthText(p.year, 12)};
  }
  return {MonthText(p.year, 1), MonthText(p.year, 12)};
}

}  // namespace

Result<void> RegisterInputMetrics(metric::Registry& registry) {
  metric::Metric m;
  m.key = kSelfCheckTimeliness;
  m.name_zh = "月度自查及时率";
  m.name_en = "Self-check timeliness";
  m.unit = "%";
  m.description_zh = "期间内各月度考核的自查中，按期（截止时间前）提交的份数 ÷ 已到期的份数；逾期提交或到期未提交都不计入分子。";
  m.description_en =
      "On-time self-checks ÷ self-checks due, over the object's monthly assessments in the period; a late or "
      "missing submission does not count as on time.";
  m.object_class = "unit";
  m.compute = [](const metric::ComputeContext& ctx) -> Result<std::vector<metric::MetricValue>> {
    const auto [first, last] = Months(ctx.period);
    MS_ASSIGN_OR_RETURN(auto rows, InputStore::Timeliness(ctx.conn, first, last, Now()));
    std::vector<metric::MetricValue> out;
    for (const auto& r : rows) {
      if (r.due == 0) continue;
      out.push_back({r.object_id, static_cast<double>(r.on_time) / static_cast<double>(r.due),
                     static_cast<double>(r.on_time), static_cast<double>(r.due)});
    }
    return out;
  };
  m.records = [](db::Connection& conn, const Period& period, int64_t object_id, std::optional<int64_t> cursor,
                 int limit) -> Result<metric::RecordPage> {
    const auto [first, last] = Months(period);
    MS_ASSIGN_OR_RETURN(auto rows, InputStore::TimelinessRecords(conn, first, last, Now(), object_id, cursor,
                                                                limit + 1));
    metric::RecordPage page;
    for (const auto& r : rows) {
      if (static_cast<int>(page.items.size()) == limit) {
        page.next_cursor = page.items.back().id;
        break;
      }
      const bool on_time = r.submitted && !r.late;
      metric::RecordRef ref;
      ref.kind = "self_check";
      ref.id = r.assessment_id;
      ref.label = r.period + " " + r.template_code;
      ref.note = !r.submitted ? "not submitted by the deadline" : r.late ? "submitted late" : "submitted on time";
      ref.note_zh = !r.submitted ? "到期未提交" : r.late ? "逾期提交" : "按期提交";
      ref.counted = on_time;
      page.items.push_back(std::move(ref));
    }
    return page;
  };
  return registry.Add(std::move(m));
}

}  // namespace minsheng::assessment
