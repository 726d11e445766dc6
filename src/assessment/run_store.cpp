#include "assessment/run_store.h"

#include <algorithm>
#include <iterator>

#include <boost/json.hpp>
#include <deque>

#include "assessment/run_sql.h"

namespace minsheng::assessment {

namespace {

std::optional<UtcTime> OptTime(const db::Row& r, int col) {
  if (r.IsNull(col)) return std::nullopt;
  return UtcTime{r.Int(col)};
}

std::optional<double> OptReal(const db::Row& r, int col) {
  if (r.IsNull(col)) return std::nullopt;
  return r.Real(col);
}

Assessment ReadAssessment(const db::Row& r) {
  Assessment a;
  a.id = r.Int(0);
  if (auto p = ParsePeriod(r.Text(1)); p.ok()) a.period = *p;
  a.template_id = r.Int(2);
  a.template_code = r.Text(3);
  a.template_version = static_cast<int>(r.Int(4));
  a.scope_org_id = r.Int(5);
  a.scope_path = r.Text(6);
  a.name = r.Text(7);
  a.status = r.Text(8);
  a.self_check_due = OptTime(r, 9);
  a.appeal_until = OptTime(r, 10);
  a.computed_at = OptTime(r, 11);
  a.published_at = OptTime(r, 12);
  a.finalized_at = OptTime(r, 13);
  a.created_by = r.OptInt(14);
  a.created_at = UtcTime{r.Int(15)};
  a.version = r.Int(16);
  a.scope_name = r.Text(17);
  a.object_count = r.Int(18);
  a.result_count = r.Int(19);
  return a;
}

std::string_view PeriodKindName(Period::Kind k) {
  switch (k) {
    case Period::Kind::kMonth:
      return "month";
    case Period::Kind::kQuarter:
      return "quarter";
    case Period::Kind::kYear:
      return "year";
  }
  return "year";
}

// The multi-row INSERT of results, built once.
const db::Sql& ResultBatchSql() {
  static const std::string kText = [] {
    std::string s = sql::kResultInsertHead;
    int n = 1;
    for (int r = 0; r < sql::kResultBatchRows; ++r) {
      s += r == 0 ? "(" : ", (";
      for (int c = 0; c < sql::kResultColumns; ++c) {
        if (c > 0) s += ", ";
        s += "$" + std::to_string(n++);
      }
      s += ")";
    }
    return s;
  }();
  static const db::Sql kSql{"assess.result.insert_batch", kText.c_str()};
  return kSql;
}

const db::Sql& ResultOneSql() {
  static const std::string kText = [] {
    std::string s = sql::kResultInsertHead;
    s += "(";
    for (int c = 0; c < sql::kResultColumns; ++c) {
      if (c > 0) s += ", ";
      s += "$" + std::to_string(c + 1);
    }
    return s + ")";
  }();
  static const db::Sql kSql{"assess.result.insert", kText.c_str()};
  return kSql;
}

void AppendResultParams(int64_t assessment_id, const ResultRow& row, UtcTime at, std::vector<db::Param>& p) {
  const ObjectResult& r = *row.result;
  p.emplace_back(assessment_id);
  p.emplace_back(r.object_id);
  p.emplace_back(std::string_view(r.group_key));
  p.emplace_back(r.total);
  p.emplace_back(r.rounded);
  p.emplace_back(GradeName(r.grade));
  p.emplace_back(ColourName(r.colour));
  p.emplace_back(r.vetoed);
  p.emplace_back(r.rank);
  p.emplace_back(r.group_size);
  p.emplace_back(r.previous_total);
  p.emplace_back(std::string_view(row.scores_json));
  p.emplace_back(at.micros);
}

StoredResult ReadStoredResult(const db::Row& r) {
  StoredResult s;
  s.object_id = r.Int(0);
  s.code = r.Text(1);
  s.name = r.Text(2);
  s.path = r.Text(3);
  s.group_key = r.Text(4);
  s.total = r.Real(5);
  s.rounded = r.Real(6);
  s.grade = r.Text(7);
  s.colour = r.Text(8);
  s.vetoed = r.Bool(9);
  s.rank = static_cast<int>(r.Int(10));
  s.group_size = static_cast<int>(r.Int(11));
  s.previous_total = OptReal(r, 12);
  s.computed_at = UtcTime{r.Int(13)};
  return s;
}

AssessObject ReadObject(const db::Row& r) {
  return {r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4)};
}

}  // namespace

// ---- assessments ------------------------------------------------------------

Result<std::optional<Assessment>> RunStore::FindByKey(db::Connection& c, std::string_view period,
                                                      std::string_view template_code) {
  std::optional<Assessment> out;
  MS_TRY(c.ForEach(sql::kAssessmentByKey, {period, template_code}, [&](const db::Row& r) {
    out = ReadAssessment(r);
    return false;
  }));
  return out;
}

Result<std::optional<Assessment>> RunStore::FindById(db::Connection& c, int64_t id) {
  std::optional<Assessment> out;
  MS_TRY(c.ForEach(sql::kAssessmentById, {id}, [&](const db::Row& r) {
    out = ReadAssessment(r);
    return false;
  }));
  return out;
}

Result<std::vector<Assessment>> RunStore::List(db::Connection& c, const std::optional<std::string>& period,
                                               const std::optional<std::string>& template_code,
                                               const std::optional<std::string>& status) {
  std::vector<Assessment> out;
  MS_TRY(c.ForEach(sql::kAssessmentList, {period, template_code, status}, [&](const db::Row& r) {
    out.push_back(ReadAssessment(r));
    return true;
  }));
  return out;
}

Result<int64_t> RunStore::Insert(db::Connection& c, const Assessment& a) {
  std::optional<int64_t> self_check;
  if (a.self_check_due) self_check = a.self_check_due->micros;
  const std::string period = a.period.ToString();
  int64_t id = 0;
  MS_TRY(c.ForEach(sql::kAssessmentInsert,
                   {period, PeriodKindName(a.period.kind), a.template_id, a.template_code, a.scope_org_id,
                    a.scope_path, a.name, self_check, a.created_by, a.created_at.micros},
                   [&](const db::Row& r) {
                     id = r.Int(0);
                     return false;
                   }));
  if (id == 0) return InternalError("assess_assessments insert returned no id");
  return id;
}

Result<void> RunStore::SetComputed(db::Connection& c, int64_t id, UtcTime at) {
  MS_TRY(c.Exec(sql::kAssessmentComputed, {id, at.micros}));
  return Ok();
}

Result<bool> RunStore::SetPublished(db::Connection& c, int64_t id, UtcTime at, UtcTime appeal_until) {
  MS_ASSIGN_OR_RETURN(const int64_t n, c.Exec(sql::kAssessmentPublish, {id, at.micros, appeal_until.micros}));
  return n == 1;
}

Result<bool> RunStore::SetFinal(db::Connection& c, int64_t id, UtcTime at) {
  MS_ASSIGN_OR_RETURN(const int64_t n, c.Exec(sql::kAssessmentFinalize, {id, at.micros}));
  return n == 1;
}

// ---- templates ----------------------------------------------------------------

Result<std::optional<StoredTemplate>> RunStore::TemplateInUse(db::Connection& c, std::string_view code) {
  std::optional<StoredTemplate> out;
  MS_TRY(c.ForEach(sql::kTemplateInUse, {code}, [&](const db::Row& r) {
    out = StoredTemplate{r.Int(0), static_cast<int>(r.Int(1)), r.Text(2)};
    return false;
  }));
  return out;
}

Result<std::optional<StoredTemplate>> RunStore::TemplateByVersion(db::Connection& c, std::string_view code,
                                                                  int version) {
  std::optional<StoredTemplate> out;
  MS_TRY(c.ForEach(sql::kTemplateByCodeVersion, {code, version}, [&](const db::Row& r) {
    out = StoredTemplate{r.Int(0), static_cast<int>(r.Int(1)), r.Text(2)};
    return false;
  }));
  return out;
}

// ---- objects ---------------------------------------------------------------------

Result<std::optional<OrgCandidate>> RunStore::ScopeOrg(db::Connection& c, std::optional<int64_t> id) {
  std::optional<OrgCandidate> out;
  auto read = [&](const db::Row& r) {
    out = OrgCandidate{r.Int(0), r.Text(1), r.Text(2), r.OptText(3), r.Text(4)};
    return false;
  };
  if (id) {
    MS_TRY(c.ForEach(sql::kScopeOrg, {*id}, read));
  } else {
    MS_TRY(c.ForEach(sql::kRootRegion, {}, read));
  }
  return out;
}

Result<std::vector<OrgCandidate>> RunStore::Candidates(db::Connection& c, const std::string& scope_path,
                                                       std::string_view level, std::string_view org_kind) {
  std::vector<OrgCandidate> out;
  const std::string pattern = scope_path + "%";
  MS_TRY(c.ForEach(sql::kObjectCandidates, {pattern, level, org_kind}, [&](const db::Row& r) {
    out.push_back({r.Int(0), r.Text(1), r.Text(2), r.OptText(3), {}});
    return true;
  }));
  return out;
}

Result<void> RunStore::InsertObjects(db::Connection& c, int64_t assessment_id,
                                     const std::vector<std::pair<int64_t, std::string>>& objects) {
  if (c.engine() == db::Engine::kPostgres) {
    // COPY: 3,000 single-row INSERTs were most of Create's 435 ms there.
    static constexpr std::string_view kColumns[] = {"assessment_id", "object_id", "group_key"};
    std::vector<db::Param> p;
    p.reserve(objects.size() * std::size(kColumns));
    for (const auto& [id, group] : objects) {
      p.emplace_back(assessment_id);
      p.emplace_back(id);
      p.emplace_back(std::string_view(group));
    }
    if (!p.empty()) MS_TRY(c.CopyIn("assess_objects", kColumns, p));
    return Ok();
  }
  for (const auto& [id, group] : objects) MS_TRY(c.Exec(sql::kObjectInsert, {assessment_id, id, group}));
  return Ok();
}

Result<std::vector<AssessObject>> RunStore::Objects(db::Connection& c, int64_t assessment_id) {
  std::vector<AssessObject> out;
  MS_TRY(c.ForEach(sql::kObjectsOf, {assessment_id}, [&](const db::Row& r) {
    out.push_back(ReadObject(r));
    return true;
  }));
  return out;
}

Result<std::optional<AssessObject>> RunStore::Object(db::Connection& c, int64_t assessment_id, int64_t object_id) {
  std::optional<AssessObject> out;
  MS_TRY(c.ForEach(sql::kObjectOne, {assessment_id, object_id}, [&](const db::Row& r) {
    out = ReadObject(r);
    return false;
  }));
  return out;
}

Result<std::vector<int64_t>> RunStore::ExpertObjects(db::Connection& c, int64_t assessment_id, int64_t user_id) {
  std::vector<int64_t> out;
  MS_TRY(c.ForEach(sql::kExpertObjects, {assessment_id, user_id}, [&](const db::Row& r) {
    out.push_back(r.Int(0));
    return true;
  }));
  return out;
}

// ---- inputs --------------------------------------------------------------------

Result<void> RunStore::ForEachMetric(db::Connection& c, int64_t assessment_id, const std::string& period,
                                     std::optional<int64_t> object, const std::vector<std::string>& keys,
                                     const std::function<void(const MetricRow&)>& fn) {
  std::string key;
  auto read = [&](const db::Row& r) {
    key = r.Text(0);
    fn(MetricRow{key, r.Int(1), OptReal(r, 2)});
    return true;
  };
  if (object) {
    boost::json::array list;
    for (const auto& k : keys) list.emplace_back(k);
    return c.ForEach(sql::kMetricValuesOfObject, {period, *object, boost::json::serialize(list)}, read);
  }
  (void)assessment_id;
  return c.ForEach(sql::kMetricValues, {period}, read);
}

Result<void> RunStore::ForEachManual(db::Connection& c, int64_t assessment_id, std::optional<int64_t> object,
                                     const std::function<void(const ManualRow&)>& fn) {
  std::string code, role;
  return c.ForEach(sql::kAcceptedInputs, {assessment_id, object}, [&](const db::Row& r) {
    code = r.Text(2);
    role = r.Text(3);
    fn(ManualRow{r.Int(0), r.Int(1), code, role, OptReal(r, 4), r.Bool(5)});
    return true;
  });
}

Result<void> RunStore::ForEachExpert(db::Connection& c, int64_t assessment_id, std::optional<int64_t> object,
                                     const std::function<void(const ExpertRow&)>& fn) {
  std::string code;
  return c.ForEach(sql::kExpertScores, {assessment_id, object}, [&](const db::Row& r) {
    code = r.Text(1);
    fn(ExpertRow{r.Int(0), code, r.Real(2)});
    return true;
  });
}

Result<void> RunStore::ForEachOverride(db::Connection& c, int64_t assessment_id, std::optional<int64_t> object,
                                       const std::function<void(const OverrideRow&)>& fn) {
  std::string code;
  return c.ForEach(sql::kOverrides, {assessment_id, object}, [&](const db::Row& r) {
    code = r.Text(1);
    fn(OverrideRow{r.Int(0), code, OptReal(r, 2), r.Bool(3), r.OptInt(4)});
    return true;
  });
}

Result<std::vector<std::pair<int64_t, double>>> RunStore::PreviousTotals(db::Connection& c,
                                                                         const std::string& period,
                                                                         std::string_view template_code,
                                                                         std::optional<int64_t> object) {
  std::vector<std::pair<int64_t, double>> out;
  MS_TRY(c.ForEach(sql::kPreviousTotals, {period, template_code, object}, [&](const db::Row& r) {
    out.emplace_back(r.Int(0), r.Real(1));
    return true;
  }));
  return out;
}

// ---- results ---------------------------------------------------------------------

Result<void> RunStore::ReplaceResults(db::Connection& c, int64_t assessment_id, const std::vector<ResultRow>& rows,
                                      UtcTime computed_at) {
  MS_TRY(c.Exec(sql::kResultsDelete, {assessment_id}));
  std::vector<db::Param> p;
  if (c.engine() == db::Engine::kPostgres) {
    // COPY: the ≈ 10 KB scores_json of thousands of objects is most of a
    // run's time through INSERT statements on PostgreSQL.
    static constexpr std::string_view kColumns[] = {
        "assessment_id", "object_id", "group_key",   "total",          "rounded",     "grade",      "colour",
        "vetoed",        "rank_in_group", "group_size", "previous_total", "scores_json", "computed_at"};
    static_assert(std::size(kColumns) == static_cast<size_t>(sql::kResultColumns));
    constexpr size_t kChunk = 1000;
    for (size_t i = 0; i < rows.size(); i += kChunk) {
      p.clear();
      for (size_t k = i; k < std::min(rows.size(), i + kChunk); ++k) AppendResultParams(assessment_id, rows[k], computed_at, p);
      MS_TRY(c.CopyIn("assess_results", kColumns, p));
    }
    return Ok();
  }
  constexpr auto kBatch = static_cast<size_t>(sql::kResultBatchRows);
  p.reserve(kBatch * static_cast<size_t>(sql::kResultColumns));
  size_t i = 0;
  for (; i + kBatch <= rows.size(); i += kBatch) {
    p.clear();
    for (size_t k = 0; k < kBatch; ++k) AppendResultParams(assessment_id, rows[i + k], computed_at, p);
    MS_TRY(c.Exec(ResultBatchSql(), p));
  }
  for (; i < rows.size(); ++i) {
    p.clear();
    AppendResultParams(assessment_id, rows[i], computed_at, p);
    MS_TRY(c.Exec(ResultOneSql(), p));
  }
  return Ok();
}

Result<void> RunStore::UpdateResult(db::Connection& c, int64_t assessment_id, const ResultRow& row, UtcTime at) {
  const ObjectResult& r = *row.result;
  MS_ASSIGN_OR_RETURN(const int64_t n,
                      c.Exec(sql::kResultUpdate, {assessment_id, r.object_id, r.total, r.rounded, GradeName(r.grade),
                                                  ColourName(r.colour), r.vetoed, r.rank, r.group_size,
                                                  r.previous_total, std::string_view(row.scores_json), at.micros}));
  if (n == 0) {
    std::vector<db::Param> p;
    AppendResultParams(assessment_id, row, at, p);
    MS_TRY(c.Exec(ResultOneSql(), p));
  }
  return Ok();
}

Result<std::vector<RunStore::GroupMember>> RunStore::Group(db::Connection& c, int64_t assessment_id,
                                                           const std::string& group) {
  std::vector<GroupMember> out;
  MS_TRY(c.ForEach(sql::kGroupRows, {assessment_id, group}, [&](const db::Row& r) {
    out.push_back({r.Int(0), r.Real(1), r.Bool(2), static_cast<int>(r.Int(3))});
    return true;
  }));
  return out;
}

Result<void> RunStore::SetRank(db::Connection& c, int64_t assessment_id, int64_t object_id, int rank,
                               int group_size) {
  MS_TRY(c.Exec(sql::kRankUpdate, {assessment_id, object_id, rank, group_size}));
  return Ok();
}

Result<std::vector<StoredResult>> RunStore::Ranking(db::Connection& c, int64_t assessment_id) {
  std::vector<StoredResult> out;
  MS_TRY(c.ForEach(sql::kResultsOf, {assessment_id}, [&](const db::Row& r) {
    out.push_back(ReadStoredResult(r));
    return true;
  }));
  return out;
}

Result<std::optional<std::pair<StoredResult, std::string>>> RunStore::OneResult(db::Connection& c,
                                                                                 int64_t assessment_id,
                                                                                 int64_t object_id) {
  std::optional<std::pair<StoredResult, std::string>> out;
  MS_TRY(c.ForEach(sql::kResultOne, {assessment_id, object_id}, [&](const db::Row& r) {
    StoredResult s;
    s.object_id = object_id;
    s.total = r.Real(0);
    s.rounded = r.Real(1);
    s.grade = r.Text(2);
    s.colour = r.Text(3);
    s.vetoed = r.Bool(4);
    s.rank = static_cast<int>(r.Int(5));
    s.group_size = static_cast<int>(r.Int(6));
    s.previous_total = OptReal(r, 7);
    s.computed_at = UtcTime{r.Int(9)};
    out.emplace(std::move(s), r.Text(8));
    return false;
  }));
  return out;
}

Result<void> RunStore::ForEachScores(db::Connection& c, int64_t assessment_id,
                                     const std::function<void(int64_t, std::string_view)>& fn) {
  return c.ForEach(sql::kResultScores, {assessment_id}, [&](const db::Row& r) {
    const std::string json = r.Text(1);
    fn(r.Int(0), json);
    return true;
  });
}

// ---- explain ---------------------------------------------------------------------

Result<std::optional<RunStore::MetricDetail>> RunStore::MetricValue(db::Connection& c, const std::string& period,
                                                                   const std::string& key, int64_t object_id) {
  std::optional<MetricDetail> out;
  MS_TRY(c.ForEach(sql::kMetricValueOne, {period, key, object_id}, [&](const db::Row& r) {
    out = MetricDetail{OptReal(r, 0), r.Real(1), r.Real(2), UtcTime{r.Int(3)}};
    return false;
  }));
  return out;
}

Result<std::vector<ExplainManual>> RunStore::ManualDetail(db::Connection& c, int64_t assessment_id, int64_t object_id,
                                                          const std::string& indicator_code) {
  std::vector<ExplainManual> out;
  MS_TRY(c.ForEach(sql::kInputDetail, {assessment_id, object_id, indicator_code}, [&](const db::Row& r) {
    ExplainManual m;
    m.input_id = r.Int(0);
    m.role = r.Text(1);
    m.value = OptReal(r, 2);
    m.not_applicable = r.Bool(3);
    m.remark = r.Text(4);
    m.status = r.Text(5);
    m.submitted_by = r.OptInt(6);
    m.submitted_at = OptTime(r, 7);
    m.reviewed_by = r.OptInt(8);
    m.reviewer = r.Text(9);
    m.reviewed_at = OptTime(r, 10);
    out.push_back(std::move(m));
    return true;
  }));
  for (auto& m : out) {
    MS_TRY(c.ForEach(sql::kInputFiles, {m.input_id}, [&](const db::Row& r) {
      m.files.emplace_back(r.Int(0), r.Text(1));
      return true;
    }));
  }
  return out;
}

Result<std::vector<ExplainExpert>> RunStore::ExpertDetail(db::Connection& c, int64_t assessment_id, int64_t object_id,
                                                          const std::string& indicator_code) {
  std::vector<ExplainExpert> out;
  MS_TRY(c.ForEach(sql::kExpertDetail, {assessment_id, object_id, indicator_code}, [&](const db::Row& r) {
    out.push_back({r.Int(0), r.Text(1), r.Real(2), r.Text(3), false});
    return true;
  }));
  return out;
}

Result<std::optional<std::optional<int64_t>>> RunStore::OverrideAppeal(db::Connection& c, int64_t assessment_id,
                                                                       int64_t object_id,
                                                                       const std::string& indicator_code) {
  std::optional<std::optional<int64_t>> out;
  MS_TRY(c.ForEach(sql::kOverrideDetail, {assessment_id, object_id, indicator_code}, [&](const db::Row& r) {
    out = r.OptInt(2);
    return false;
  }));
  return out;
}

// ---- bulletins ---------------------------------------------------------------------

Result<void> RunStore::SaveBulletin(db::Connection& c, int64_t assessment_id, const std::string& body,
                                    std::optional<int64_t> by, UtcTime at) {
  MS_TRY(c.Exec(sql::kBulletinUpsert, {assessment_id, body, by, at.micros}));
  return Ok();
}

Result<std::optional<std::string>> RunStore::Bulletin(db::Connection& c, int64_t assessment_id) {
  std::optional<std::string> out;
  MS_TRY(c.ForEach(sql::kBulletinOf, {assessment_id}, [&](const db::Row& r) {
    out = r.Text(0);
    return false;
  }));
  return out;
}

}  // namespace minsheng::assessment
