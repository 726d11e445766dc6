#include "metric/asset_metrics.h"

#include <charconv>

#include "asset/lifecycle.h"
#include "core/date.h"
#include "core/money.h"
#include "metric/sql.h"
#include "metric/store.h"

namespace minsheng::metric {
namespace {

// What a metric's statements take besides the object list / unit, cursor and
// limit.
enum class Extra {
  kNone,
  kTimeliness,  // compute: first day, last day, days; records: days, first day, last day
  kLastDay,     // the period's last day
};

// One record row: id, number, counted, detail 1, detail 2 (sql.h).
struct RecordRow {
  int64_t id = 0;
  std::string number;
  bool counted = false;
  std::optional<std::string> d1;
  std::optional<std::string> d2;
};

struct Note {
  std::string en;
  std::string zh;
};
using NoteFn = Note (*)(const RecordRow& r, const AssetMetricSettings& s);

struct Definition {
  const char* key;
  const char* name_zh;
  const char* name_en;
  const char* unit;
  const char* description_zh;
  const char* description_en;
  const db::Sql* compute;
  const db::Sql* records;
  Extra extra;
  bool rate;  // value = 100 × num ÷ den (else num ÷ den)
  NoteFn note;
};

int64_t ToInt(const std::optional<std::string>& s) {
  int64_t v = 0;
  if (s) std::from_chars(s->data(), s->data() + s->size(), v);
  return v;
}

std::string StateEn(const std::optional<std::string>& s) { return s.value_or(""); }
std::string StateZh(const std::optional<std::string>& s) {
  if (!s) return "";
  const auto st = asset::ParseState(*s);
  return st ? std::string(asset::StateNameZh(*st)) : *s;
}

Note StateNote(const RecordRow& r, const AssetMetricSettings&) {
  return {"state: " + StateEn(r.d1), "状态：" + StateZh(r.d1)};
}

Note IdleValueNote(const RecordRow& r, const AssetMetricSettings&) {
  const std::string yuan = FormatYuan(Fen{ToInt(r.d2)}, true);
  return {"state: " + StateEn(r.d1) + ", original value " + yuan + " yuan",
          "状态：" + StateZh(r.d1) + "，原值 " + yuan + " 元"};
}

Note TimelinessNote(const RecordRow& r, const AssetMetricSettings& s) {
  const std::string days = std::to_string(ToInt(r.d1));
  const std::string acquired = FormatDate(Date{static_cast<int32_t>(ToInt(r.d2))});
  const std::string limit = std::to_string(s.registration_days);
  if (r.counted) {
    return {"acquired " + acquired + ", registered " + days + " days later (limit " + limit + ")",
            acquired + " 取得，" + days + " 天后登记（时限 " + limit + " 天）"};
  }
  return {"acquired " + acquired + ", registered " + days + " days later, over the limit of " + limit,
          acquired + " 取得，" + days + " 天后才登记，超过时限 " + limit + " 天"};
}

Note RegistrationNote(const RecordRow& r, const AssetMetricSettings&) {
  if (r.counted) return {"value settled", "价值已确定"};
  return {"provisional value (暂估), not fully registered", "暂估入账，价值未确定"};
}

Note CompletenessNote(const RecordRow& r, const AssetMetricSettings&) {
  if (r.counted) return {"department, custodian, manager, location and model/spec set", "关键信息齐全"};
  const std::string flags = r.d1.value_or("");
  std::string en, zh;
  auto add = [&](char f, const char* e, const char* z) {
    if (flags.find(f) == std::string::npos) return;
    en += en.empty() ? e : std::string(", ") + e;
    zh += zh.empty() ? z : std::string("、") + z;
  };
  add('d', "department", "使用部门");
  add('c', "custodian", "使用人");
  add('m', "manager", "管理人");
  add('s', "model or spec", "型号或规格");
  return {"missing: " + en, "缺少：" + zh};
}

Note IdleDurationNote(const RecordRow& r, const AssetMetricSettings&) {
  const std::string days = std::to_string(ToInt(r.d1));
  const std::string since = FormatDate(Date{static_cast<int32_t>(ToInt(r.d2))});
  return {"idle since " + since + ", " + days + " days to the period end",
          "自 " + since + " 起闲置，至期末 " + days + " 天"};
}

Note CustodianNote(const RecordRow& r, const AssetMetricSettings&) {
  if (r.counted) return {"custodian assigned", "已落实使用人"};
  return {"no custodian", "未落实使用人"};
}

Note DepreciationNote(const RecordRow& r, const AssetMetricSettings&) {
  const std::string months = std::to_string(ToInt(r.d1));
  const std::string years = std::to_string(ToInt(r.d2));
  if (r.counted) {
    return {"life " + months + " months, at least the class minimum of " + years + " years",
            "使用年限 " + months + " 个月，不低于最低 " + years + " 年"};
  }
  return {"life " + months + " months, below the class minimum of " + years + " years",
          "使用年限 " + months + " 个月，低于最低 " + years + " 年"};
}

const std::vector<Definition>& Definitions() {
  static const std::vector<Definition> kDefs = {
      {"asset.registration_timeliness", "登记及时率", "Registration timeliness", "%",
       "本期取得的资产卡片中，在取得后规定天数内登记的比例",
       "Share of the cards acquired in the period that were registered within the allowed days of acquisition",
       &sql::kTimelinessCompute, &sql::kTimelinessRecords, Extra::kTimeliness, true, TimelinessNote},
      {"asset.registration_rate", "资产登记率", "Registration rate", "%",
       "未处置资产卡片中价值已确定（非暂估）的比例",
       "Share of the cards not disposed whose value is settled (not provisional)", &sql::kRegistrationCompute,
       &sql::kRegistrationRecords, Extra::kNone, true, RegistrationNote},
      {"asset.card_completeness", "卡片信息完整率", "Card completeness", "%",
       "未处置资产卡片中使用部门、使用人、管理人、存放地点及型号或规格齐全的比例",
       "Share of the cards not disposed with department, custodian, manager, location and model or spec set",
       &sql::kCompletenessCompute, &sql::kCompletenessRecords, Extra::kNone, true, CompletenessNote},
      {"asset.idle_rate", "闲置率", "Idle rate", "%", "未处置资产卡片中闲置卡片的比例（越低越好）",
       "Share of the cards not disposed that are idle (lower is better)", &sql::kIdleCompute, &sql::kIdleRecords,
       Extra::kNone, true, StateNote},
      {"asset.idle_value_rate", "闲置资产原值占比", "Idle rate by value", "%",
       "未处置资产原值中闲置资产原值的比例（越低越好）",
       "Share of the original value of the cards not disposed that is idle (lower is better)",
       &sql::kIdleValueCompute, &sql::kIdleRecords, Extra::kNone, true, IdleValueNote},
      {"asset.idle_duration_days", "平均闲置时长", "Mean idle duration", "天",
       "期末闲置的资产卡片自最近一次转为闲置至期末的平均天数",
       "Mean days from the last change to idle to the period end, of the cards idle", &sql::kIdleDurationCompute,
       &sql::kIdleDurationRecords, Extra::kLastDay, false, IdleDurationNote},
      {"asset.custodian_coverage", "使用人落实率", "Custodian coverage", "%", "在用资产卡片中已落实使用人的比例",
       "Share of the cards in use that have a custodian", &sql::kCustodianCompute, &sql::kCustodianRecords,
       Extra::kNone, true, CustodianNote},
      {"asset.utilisation_rate", "资产使用率", "Utilisation rate", "%",
       "未处置资产卡片中在用、出租、出借的比例", "Share of the cards not disposed that are in use, leased or lent",
       &sql::kUtilisationCompute, &sql::kUtilisationRecords, Extra::kNone, true, StateNote},
      {"asset.depreciation_coverage", "折旧计提覆盖率", "Depreciation coverage", "%",
       "应计提折旧类别的未处置资产卡片中，使用年限不低于该类最低折旧年限的比例",
       "Share of the cards of depreciable classes, not disposed, whose life is at least the class minimum",
       &sql::kDepreciationCompute, &sql::kDepreciationRecords, Extra::kNone, true, DepreciationNote},
  };
  return kDefs;
}

Result<std::vector<MetricValue>> Compute(const Definition& d, const AssetMetricSettings& s,
                                         const ComputeContext& ctx) {
  const std::string ids = db::IdListJson(ctx.object_ids);
  const int64_t first = ctx.period.FirstDay();
  const int64_t last = ctx.period.LastDay();
  std::vector<db::Param> params{ids};
  if (d.extra == Extra::kTimeliness) {
    params.insert(params.end(), {first, last, static_cast<int64_t>(s.registration_days)});
  } else if (d.extra == Extra::kLastDay) {
    params.emplace_back(last);
  }
  std::vector<MetricValue> out;
  if (ctx.object_ids.empty()) return out;
  MS_TRY(ctx.conn.ForEach(*d.compute, db::Params(params.data(), params.size()), [&](const db::Row& r) {
    MetricValue v;
    v.object_id = r.Int(0);
    v.numerator = r.Real(1);
    v.denominator = r.Real(2);
    if (v.denominator != 0) v.value = (d.rate ? 100.0 : 1.0) * v.numerator / v.denominator;
    out.push_back(v);
    return true;
  }));
  return out;
}

Result<RecordPage> Records(const Definition& d, const AssetMetricSettings& s, db::Connection& conn,
                           const Period& period, int64_t object_id, std::optional<int64_t> cursor, int limit) {
  std::vector<db::Param> params{object_id, cursor, static_cast<int64_t>(limit) + 1};
  if (d.extra == Extra::kTimeliness) {
    params.insert(params.end(), {static_cast<int64_t>(s.registration_days), static_cast<int64_t>(period.FirstDay()),
                                 static_cast<int64_t>(period.LastDay())});
  } else if (d.extra == Extra::kLastDay) {
    params.emplace_back(static_cast<int64_t>(period.LastDay()));
  }
  RecordPage page;
  MS_TRY(conn.ForEach(*d.records, db::Params(params.data(), params.size()), [&](const db::Row& r) {
    if (static_cast<int>(page.items.size()) == limit) {
      page.next_cursor = page.items.back().id;
      return false;
    }
    RecordRow row{r.Int(0), r.Text(1), r.Int(2) != 0, r.OptText(3), r.OptText(4)};
    const Note note = d.note(row, s);
    page.items.push_back(RecordRef{"asset", row.id, row.number, note.en, note.zh, row.counted});
    return true;
  }));
  return page;
}

}  // namespace

Result<void> RegisterAssetMetrics(Registry& registry, const AssetMetricSettings& settings) {
  for (const Definition& d : Definitions()) {
    Metric m;
    m.key = d.key;
    m.name_zh = d.name_zh;
    m.name_en = d.name_en;
    m.unit = d.unit;
    m.description_zh = d.description_zh;
    m.description_en = d.description_en;
    m.object_class = "unit";
    m.compute = [&d, settings](const ComputeContext& ctx) { return Compute(d, settings, ctx); };
    m.records = [&d, settings](db::Connection& conn, const Period& p, int64_t object_id,
                               std::optional<int64_t> cursor, int limit) {
      return Records(d, settings, conn, p, object_id, cursor, limit);
    };
    MS_TRY(registry.Add(std::move(m)));
  }
  return Ok();
}

}  // namespace minsheng::metric
