#include "metric/service.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <map>

#include "auth/access.h"
#include "metric/sql.h"
#include "metric/store.h"

namespace minsheng::metric {

using auth::Action;

namespace {

Error UnknownKey(std::string field, std::string_view key) {
  return ValidationError({{std::move(field), "invalid", "未知的指标：" + std::string(key),
                           "unknown metric: " + std::string(key)}});
}

// Root → its subtree's members (root included), for the objects above unit level.
Result<std::map<int64_t, std::vector<int64_t>>> Subtrees(db::Connection& c, const std::vector<int64_t>& ids) {
  std::map<int64_t, std::vector<int64_t>> out;
  if (ids.empty()) return out;
  MS_TRY(c.ForEach(sql::kSubtreeMembers, {db::IdListJson(ids)}, [&](const db::Row& r) {
    out[r.Int(0)].push_back(r.Int(1));
    return true;
  }));
  return out;
}

// A rate is 100 × numerator ÷ denominator, anything else numerator ÷
// denominator (registry.h, MetricValue).
double Scale(const Metric& m) { return m.unit == "%" ? 100.0 : 1.0; }

}  // namespace

Result<ComputeSummary> MetricService::ComputePeriod(db::Connection& tx, const Period& p,
                                                    const std::vector<int64_t>& object_ids,
                                                    const std::vector<std::string>& metric_keys) {
  std::vector<const Metric*> metrics;
  if (metric_keys.empty()) {
    for (const auto& m : registry_.all()) metrics.push_back(&m);
  } else {
    for (const auto& k : metric_keys) {
      const Metric* m = registry_.Find(k);
      if (m == nullptr) return UnknownKey("metric_keys", k);
      if (std::find(metrics.begin(), metrics.end(), m) == metrics.end()) metrics.push_back(m);
    }
  }
  std::vector<int64_t> ids = object_ids;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());

  const std::string period = p.ToString();
  const UtcTime now = Now();
  // The objects and every member of the subtrees of those above unit level:
  // one set computation covers them all.
  MS_ASSIGN_OR_RETURN(const auto subtrees, Subtrees(tx, ids));
  std::vector<int64_t> all_ids = ids;
  for (const auto& [root, members] : subtrees) all_ids.insert(all_ids.end(), members.begin(), members.end());
  std::sort(all_ids.begin(), all_ids.end());
  all_ids.erase(std::unique(all_ids.begin(), all_ids.end()), all_ids.end());
  ComputeSummary summary;
  for (const Metric* m : metrics) {
    const auto t0 = std::chrono::steady_clock::now();
    const ComputeContext ctx{tx, p, all_ids};
    MS_ASSIGN_OR_RETURN(std::vector<MetricValue> computed, m->compute(ctx));
    std::map<int64_t, const MetricValue*> by_id;
    for (const auto& v : computed) by_id.emplace(v.object_id, &v);
    // One row per requested object: what the computation gave (pooled over
    // the subtree above unit level), else N/A.
    std::vector<MetricValue> rows;
    rows.reserve(ids.size());
    for (const int64_t id : ids) {
      MetricValue v{id, std::nullopt, 0, 0};
      if (auto st = subtrees.find(id); st != subtrees.end()) {
        for (const int64_t member : st->second) {
          if (auto it = by_id.find(member); it != by_id.end()) {
            v.numerator += it->second->numerator;
            v.denominator += it->second->denominator;
          }
        }
        if (v.denominator != 0) v.value = Scale(*m) * v.numerator / v.denominator;
      } else if (auto it = by_id.find(id); it != by_id.end()) {
        v = *it->second;
        if (v.denominator == 0) v.value.reset();
      }
      rows.push_back(v);
    }
    MS_TRY(MetricStore::Replace(tx, period, m->key, ids, rows, now));
    ComputeSummary::PerMetric pm;
    pm.key = m->key;
    pm.values = static_cast<int64_t>(rows.size());
    pm.not_applicable =
        std::count_if(rows.begin(), rows.end(), [](const MetricValue& v) { return !v.value.has_value(); });
    pm.millis = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    summary.values += pm.values;
    summary.not_applicable += pm.not_applicable;
    summary.metrics.push_back(std::move(pm));
  }
  return summary;
}

Result<std::vector<StoredValue>> MetricService::Values(db::Connection& c, const Period& p,
                                                       const std::vector<std::string>& keys,
                                                       const std::vector<int64_t>& object_ids) {
  std::vector<std::string> all;
  if (keys.empty()) {
    for (const auto& m : registry_.all()) all.push_back(m.key);
  }
  return MetricStore::Values(c, p.ToString(), keys.empty() ? all : keys, object_ids);
}

Result<std::vector<const Metric*>> MetricService::List(const auth::Principal& who) const {
  MS_TRY(auth::Require(who, Action::kAssessRead));
  std::vector<const Metric*> out;
  for (const auto& m : registry_.all()) out.push_back(&m);
  return out;
}

Result<RecordPage> MetricService::Records(const auth::Principal& who, std::string_view key, const Period& p,
                                          int64_t object_id, std::optional<int64_t> cursor, int limit) {
  MS_TRY(auth::Require(who, Action::kAssessRead));
  const Metric* m = registry_.Find(key);
  if (m == nullptr) return NotFoundError("指标", "Metric");
  auto org = orgs_.Lookup(object_id);
  if (!org.ok()) {
    if (org.error().kind == ErrorCode::kNotFound) return NotFoundError("考核对象", "Assessed object");
    return std::move(org).error();
  }
  MS_TRY(auth::RequireOn(who, Action::kAssessRead, org->path, "考核对象", "Assessed object"));
  limit = std::clamp(limit, 1, 200);
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  return RecordsOf(*conn, *m, p, object_id, cursor, limit);
}

Result<RecordPage> MetricService::RecordsOf(db::Connection& c, const Metric& m, const Period& p, int64_t object_id,
                                            std::optional<int64_t> cursor, int limit) {
  MS_ASSIGN_OR_RETURN(const auto subtrees, Subtrees(c, {object_id}));
  const auto st = subtrees.find(object_id);
  if (st == subtrees.end()) return m.records(c, p, object_id, cursor, limit);
  // Each member's first `limit` records after the cursor, merged by id: the
  // first `limit` of the merge are the subtree's next page.
  RecordPage out;
  bool more = false;
  for (const int64_t member : st->second) {
    MS_ASSIGN_OR_RETURN(RecordPage page, m.records(c, p, member, cursor, limit));
    more = more || page.next_cursor.has_value();
    out.items.insert(out.items.end(), std::make_move_iterator(page.items.begin()),
                     std::make_move_iterator(page.items.end()));
  }
  std::sort(out.items.begin(), out.items.end(), [](const RecordRef& a, const RecordRef& b) { return a.id < b.id; });
  if (out.items.size() > static_cast<size_t>(limit)) {
    out.items.resize(static_cast<size_t>(limit));
    more = true;
  }
  if (more && !out.items.empty()) out.next_cursor = out.items.back().id;
  return out;
}

namespace {

// The cursor "<object id>:<metric key>" of the last row of a page.
std::string EncodeValueCursor(const ScopedValue& last) {
  return std::to_string(last.v.object_id) + ":" + last.v.metric_key;
}

std::optional<ValueKey> DecodeValueCursor(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  ValueKey k;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + colon, k.object_id);
  if (ec != std::errc() || p != text.data() + colon || k.object_id <= 0) return std::nullopt;
  k.metric_key = std::string(text.substr(colon + 1));
  if (k.metric_key.empty() || k.metric_key.size() > 100) return std::nullopt;
  for (const char ch : k.metric_key) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
                    ch == '.';
    if (!ok) return std::nullopt;
  }
  return k;
}

bool Before(const ScopedValue& a, const ScopedValue& b) {
  if (a.v.object_id != b.v.object_id) return a.v.object_id < b.v.object_id;
  return a.v.metric_key < b.v.metric_key;
}

}  // namespace

Result<ValuePage> MetricService::ValuesInScope(const auth::Principal& who, const Period& p,
                                               const std::optional<std::string>& key,
                                               const std::optional<int64_t>& object_id,
                                               const std::optional<std::string>& cursor, int limit) {
  MS_TRY(auth::Require(who, Action::kAssessRead));
  if (key && registry_.Find(*key) == nullptr) return UnknownKey("key", *key);
  std::optional<ValueKey> after;
  if (cursor) {
    after = DecodeValueCursor(*cursor);
    if (!after) return ValidationError({{"cursor", "invalid", "无效的游标", "invalid cursor"}});
  }
  if (object_id) {
    auto org = orgs_.Lookup(*object_id);
    if (!org.ok()) {
      if (org.error().kind == ErrorCode::kNotFound) return NotFoundError("考核对象", "Assessed object");
      return std::move(org).error();
    }
    MS_TRY(auth::RequireOn(who, Action::kAssessRead, org->path, "考核对象", "Assessed object"));
  }
  const int page_size = std::clamp(limit, 1, kValuesMaxLimit);
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  // One query per scope root (limit + 1 rows each), merged in (object, key)
  // order; roots are disjoint, so nothing is seen twice.
  ValuePage page;
  for (const auto& root : auth::ScopeRoots(who, Action::kAssessRead)) {
    MS_ASSIGN_OR_RETURN(auto part, MetricStore::ValuesWithOrg(*conn, p.ToString(), key, object_id, root.exact,
                                                              root.path, after, page_size + 1));
    for (auto& v : part) page.items.push_back(std::move(v));
  }
  std::sort(page.items.begin(), page.items.end(), Before);
  if (page.items.size() > static_cast<size_t>(page_size)) {
    page.items.resize(static_cast<size_t>(page_size));
    page.next_cursor = EncodeValueCursor(page.items.back());
  }
  return page;
}

}  // namespace minsheng::metric
