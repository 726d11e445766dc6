#include "assessment/task_metrics.h"

#include <unordered_set>

#include "assessment/consequence_store.h"
#include "core/date.h"

namespace minsheng::assessment {

namespace {

Result<std::vector<metric::MetricValue>> ComputeClosure(const metric::ComputeContext& ctx) {
  const std::unordered_set<int64_t> wanted(ctx.object_ids.begin(), ctx.object_ids.end());
  MS_ASSIGN_OR_RETURN(auto counts, ConsequenceStore::Closure(ctx.conn, Date{ctx.period.FirstDay()},
                                                             Date{ctx.period.LastDay()}));
  std::vector<metric::MetricValue> out;
  for (const ClosureCount& c : counts) {
    if (!wanted.contains(c.object_id) || c.due == 0) continue;
    const auto num = static_cast<double>(c.closed);
    const auto den = static_cast<double>(c.due);
    out.push_back({c.object_id, 100.0 * num / den, num, den});
  }
  return out;
}

Result<metric::RecordPage> ClosureRecords(db::Connection& conn, const Period& period, int64_t object_id,
                                          std::optional<int64_t> cursor, int limit) {
  MS_ASSIGN_OR_RETURN(auto rows, ConsequenceStore::ClosureRecords(conn, object_id, Date{period.FirstDay()},
                                                                  Date{period.LastDay()}, cursor, limit + 1));
  metric::RecordPage page;
  for (const ClosureRecord& r : rows) {
    if (page.items.size() == static_cast<size_t>(limit)) {
      page.next_cursor = page.items.back().id;
      break;
    }
    const std::string due = FormatDate(r.due_on);
    std::string note = "due " + due + "; ";
    std::string note_zh = "截止 " + due + "；";
    if (r.verified_at && r.status == "verified") {
      const std::string on = FormatDate(DateInShanghai(*r.verified_at));
      note += std::string("verified ") + on + (r.closed ? " (on time)" : " (late)");
      note_zh += "已于 " + on + (r.closed ? " 验收（按期）" : " 验收（逾期）");
    } else {
      note += "status " + r.status;
      note_zh += "状态 " + r.status;
    }
    page.items.push_back({"assess_task", r.id, r.title, std::move(note), std::move(note_zh), r.closed});
  }
  return page;
}

}  // namespace

Result<void> RegisterTaskMetrics(metric::Registry& registry) {
  metric::Metric m;
  m.key = kClosureMetricKey;
  m.name_zh = "整改闭环率";
  m.name_en = "Rectification closure rate";
  m.unit = "%";
  m.description_zh = "期间内到期的整改任务中，在截止日（含）前通过验收的比例；期间内无到期任务时不适用。";
  m.description_en =
      "Of the rectification tasks due within the period, the share verified on or before their due date; "
      "not applicable when none is due.";
  m.object_class = "unit";
  m.compute = ComputeClosure;
  m.records = ClosureRecords;
  return registry.Add(std::move(m));
}

}  // namespace minsheng::assessment
