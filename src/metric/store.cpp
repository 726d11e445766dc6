#include "metric/store.h"

#include <algorithm>
#include <deque>

#include "metric/sql.h"

namespace minsheng::metric {

std::string KeyListJson(const std::vector<std::string>& keys) {
  std::string out = "[";
  bool first = true;
  for (const auto& k : keys) {
    const bool plain = !k.empty() && std::all_of(k.begin(), k.end(), [](char ch) {
      return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
             ch == '.';
    });
    if (!plain) continue;
    if (!first) out.push_back(',');
    first = false;
    out += "\"" + k + "\"";
  }
  out.push_back(']');
  return out;
}

namespace {

// The one-row and the batch INSERT, built once from sql.h's fragments.
struct InsertStatements {
  std::deque<std::string> texts;
  db::Sql one{"metric.value.insert", ""};
  db::Sql batch{"metric.value.insert_batch", ""};

  static std::string Rows(int n) {
    std::string s = sql::kInsertHead;
    for (int r = 0; r < n; ++r) {
      s += r > 0 ? ", (" : "(";
      for (int col = 0; col < sql::kInsertColumns; ++col) {
        if (col > 0) s += ", ";
        s += "$" + std::to_string(r * sql::kInsertColumns + col + 1);
      }
      s += ")";
    }
    return s;
  }

  InsertStatements() {
    texts.push_back(Rows(1));
    one.text = texts.back().c_str();
    texts.push_back(Rows(sql::kInsertBatchRows));
    batch.text = texts.back().c_str();
  }

  static const InsertStatements& Get() {
    static const InsertStatements kStatements;
    return kStatements;
  }
};

StoredValue ValueFromRow(const db::Row& r) {
  StoredValue v;
  v.metric_key = r.Text(0);
  v.object_id = r.Int(1);
  if (!r.IsNull(2)) v.value = r.Real(2);
  v.numerator = r.Real(3);
  v.denominator = r.Real(4);
  v.computed_at = UtcTime{r.Int(5)};
  return v;
}

}  // namespace

Result<void> MetricStore::Replace(db::Connection& c, const std::string& period, const std::string& key,
                                  const std::vector<int64_t>& object_ids, const std::vector<MetricValue>& values,
                                  UtcTime computed_at) {
  const std::string ids = db::IdListJson(object_ids);
  MS_TRY(c.Exec(sql::kDeleteValues, {period, key, ids}));
  const auto& st = InsertStatements::Get();
  std::vector<db::Param> params;
  params.reserve(static_cast<size_t>(sql::kInsertBatchRows * sql::kInsertColumns));
  size_t at = 0;
  while (at < values.size()) {
    const size_t left = values.size() - at;
    const size_t n = left >= static_cast<size_t>(sql::kInsertBatchRows) ? static_cast<size_t>(sql::kInsertBatchRows) : 1;
    params.clear();
    for (size_t i = at; i < at + n; ++i) {
      const MetricValue& v = values[i];
      params.emplace_back(period);
      params.emplace_back(key);
      params.emplace_back(v.object_id);
      params.emplace_back(v.value);
      params.emplace_back(v.numerator);
      params.emplace_back(v.denominator);
      params.emplace_back(computed_at.micros);
    }
    MS_TRY(c.Exec(n == 1 ? st.one : st.batch, db::Params(params.data(), params.size())));
    at += n;
  }
  return Ok();
}

Result<std::vector<StoredValue>> MetricStore::Values(db::Connection& c, const std::string& period,
                                                     const std::vector<std::string>& keys,
                                                     const std::vector<int64_t>& object_ids) {
  std::vector<StoredValue> out;
  const std::string key_list = KeyListJson(keys);
  const std::string ids = db::IdListJson(object_ids);
  MS_TRY(c.ForEach(sql::kValues, {period, key_list, ids}, [&](const db::Row& r) {
    out.push_back(ValueFromRow(r));
    return true;
  }));
  return out;
}

Result<std::vector<ScopedValue>> MetricStore::ValuesWithOrg(db::Connection& c, const std::string& period,
                                                            const std::optional<std::string>& key,
                                                            const std::optional<int64_t>& object_id, bool exact,
                                                            const std::string& scope_path,
                                                            const std::optional<ValueKey>& after, int limit) {
  std::vector<ScopedValue> out;
  const std::optional<int64_t> after_object = after ? std::optional(after->object_id) : std::nullopt;
  const std::optional<std::string> after_key = after ? std::optional(after->metric_key) : std::nullopt;
  MS_TRY(c.ForEach(sql::kValuesWithOrg,
                   {period, key, object_id, int64_t{exact ? 1 : 0}, scope_path, scope_path + "%", after_object,
                    after_key, static_cast<int64_t>(limit)},
                   [&](const db::Row& r) {
                     ScopedValue s;
                     s.v = ValueFromRow(r);
                     s.org_path = r.Text(6);
                     s.org_code = r.Text(7);
                     s.org_name = r.Text(8);
                     out.push_back(std::move(s));
                     return true;
                   }));
  return out;
}

}  // namespace minsheng::metric
