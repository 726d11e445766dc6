#include "assessment/template_store.h"

#include "assessment/template_sql.h"

namespace minsheng::assessment {
namespace {

Result<StoredIndicator> IndicatorFromRow(const db::Row& r) {
  StoredIndicator s;
  Indicator& i = s.indicator;
  i.code = r.Text(0);
  i.name_zh = r.Text(1);
  i.name_en = r.Text(2);
  i.unit = r.Text(3);
  i.direction = ParseDirectionColumn(r.Text(4)).value_or(Direction::kHigher);
  i.type = ParseIndicatorType(r.Text(5)).value_or(IndicatorType::kManagement);
  i.source = ParseSourceKind(r.Text(6)).value_or(SourceKind::kManual);
  i.metric_key = r.OptText(7);
  auto method = ParseMethodJson(r.Text(8), i.direction);
  if (!method.ok()) return InternalError("assess_indicators " + i.code + ": bad method_json: " + method.error().en);
  i.method = std::move(method).value();
  i.description = r.Text(9);
  s.version = static_cast<int>(r.Int(10));
  s.updated_at = UtcTime{r.Int(11)};
  return s;
}

// Params keep views of their text: everything here must outlive the vector
// (i and method_json do; the optional holds a view into i).
std::vector<db::Param> IndicatorParams(const Indicator& i, const std::string& method_json, UtcTime now) {
  std::optional<std::string_view> description;
  if (!i.description.empty()) description = i.description;
  return {i.code,
          i.name_zh,
          i.name_en,
          i.unit,
          DirectionColumn(i.direction),
          IndicatorTypeName(i.type),
          SourceKindName(i.source),
          i.metric_key,
          method_json,
          description,
          now.micros};
}

// The stored document carries its own indicator snapshot: no library lookup.
Result<TemplateDoc> DocFromRow(const db::Row& r) {
  const int64_t id = r.Int(0);
  auto file = ParseTemplateFile(r.Text(5), {});
  if (!file.ok()) {
    std::string detail = "assess_templates " + std::to_string(id) + ": stored doc_json does not parse:";
    for (const auto& f : file.error().fields) detail += " " + f.field + " " + f.code + ";";
    return InternalError(detail + " " + file.error().en);
  }
  TemplateDoc doc = std::move(file->doc);
  Template& t = doc.tmpl;
  t.id = id;
  t.code = r.Text(1);
  t.version = static_cast<int>(r.Int(2));
  t.status = r.Text(3);
  t.frozen = r.Bool(4);
  t.created_at = UtcTime{r.Int(6)};
  if (!r.IsNull(7)) t.published_at = UtcTime{r.Int(7)};
  return doc;
}

Result<TemplateDoc> OneDoc(Result<db::Rows> rows) {
  if (!rows.ok()) return std::move(rows).error();
  if (rows->empty()) return NotFoundError("考核模板", "Template");
  return DocFromRow((*rows)[0]);
}

TemplateSummary SummaryFromRow(const db::Row& r) {
  TemplateSummary s;
  s.id = r.Int(0);
  s.code = r.Text(1);
  s.version = static_cast<int>(r.Int(2));
  s.name_zh = r.Text(3);
  s.name_en = r.Text(4);
  s.object_class = r.Text(5);
  s.status = r.Text(6);
  s.frozen = r.Bool(7);
  s.created_at = UtcTime{r.Int(8)};
  if (!r.IsNull(9)) s.published_at = UtcTime{r.Int(9)};
  if (!r.IsNull(10)) s.published_version = static_cast<int>(r.Int(10));
  return s;
}

Result<std::vector<TemplateSummary>> Summaries(db::Connection& c, const db::Sql& sql,
                                               std::initializer_list<db::Param> params) {
  std::vector<TemplateSummary> out;
  MS_TRY(c.ForEach(sql, params, [&](const db::Row& r) {
    out.push_back(SummaryFromRow(r));
    return true;
  }));
  return out;
}

}  // namespace

Result<std::vector<StoredIndicator>> TemplateStore::ListIndicators(db::Connection& c) {
  std::vector<StoredIndicator> out;
  std::optional<Error> failed;
  MS_TRY(c.ForEach(sql::kIndicatorList, {}, [&](const db::Row& r) {
    auto s = IndicatorFromRow(r);
    if (!s.ok()) {
      failed = std::move(s).error();
      return false;
    }
    out.push_back(std::move(s).value());
    return true;
  }));
  if (failed) return std::move(*failed);
  return out;
}

Result<std::optional<StoredIndicator>> TemplateStore::FindIndicator(db::Connection& c, std::string_view code) {
  MS_ASSIGN_OR_RETURN(auto rows, c.Query(sql::kIndicatorGet, {code}));
  if (rows.empty()) return std::optional<StoredIndicator>();
  MS_ASSIGN_OR_RETURN(auto s, IndicatorFromRow(rows[0]));
  return std::optional<StoredIndicator>(std::move(s));
}

Result<void> TemplateStore::InsertIndicator(db::Connection& c, const Indicator& i, UtcTime now) {
  const std::string method = MethodJson(i.method);
  const auto params = IndicatorParams(i, method, now);
  MS_TRY(c.Exec(sql::kIndicatorInsert, params));
  return Ok();
}

Result<void> TemplateStore::SeedIndicator(db::Connection& c, const Indicator& i, UtcTime now) {
  const std::string method = MethodJson(i.method);
  const auto params = IndicatorParams(i, method, now);
  MS_TRY(c.Exec(sql::kIndicatorSeed, params));
  return Ok();
}

Result<void> TemplateStore::UpdateIndicator(db::Connection& c, const Indicator& i, UtcTime now) {
  const std::string method = MethodJson(i.method);
  const auto params = IndicatorParams(i, method, now);
  MS_TRY(c.Exec(sql::kIndicatorUpdate, params));
  return Ok();
}

Result<int64_t> TemplateStore::Count(db::Connection& c) { return c.QueryInt(sql::kTemplateCount); }

Result<int> TemplateStore::MaxVersion(db::Connection& c, std::string_view code) {
  MS_ASSIGN_OR_RETURN(const int64_t v, c.QueryInt(sql::kTemplateMaxVersion, {code}));
  return static_cast<int>(v);
}

Result<TemplateDoc> TemplateStore::GetById(db::Connection& c, int64_t id) {
  return OneDoc(c.Query(sql::kTemplateById, {id}));
}

Result<TemplateDoc> TemplateStore::GetVersion(db::Connection& c, std::string_view code, int version) {
  return OneDoc(c.Query(sql::kTemplateByVersion, {code, version}));
}

Result<TemplateDoc> TemplateStore::GetLatest(db::Connection& c, std::string_view code) {
  return OneDoc(c.Query(sql::kTemplateLatest, {code}));
}

Result<TemplateDoc> TemplateStore::GetLatestPublished(db::Connection& c, std::string_view code) {
  return OneDoc(c.Query(sql::kTemplateLatestPublished, {code}));
}

Result<std::vector<TemplateSummary>> TemplateStore::ListLatest(db::Connection& c) {
  return Summaries(c, sql::kTemplateList, {});
}

Result<std::vector<TemplateSummary>> TemplateStore::ListVersions(db::Connection& c, std::string_view code) {
  return Summaries(c, sql::kTemplateVersions, {code});
}

Result<int64_t> TemplateStore::Insert(db::Connection& c, const TemplateDoc& doc, std::optional<int64_t> created_by,
                                      UtcTime now) {
  const Template& t = doc.tmpl;
  const std::string json = TemplateDocJson(doc);
  std::optional<int64_t> published_at;
  if (t.published_at) published_at = t.published_at->micros;
  auto id = c.QueryInt(sql::kTemplateInsert, {t.code, t.version, t.name_zh, t.name_en, t.object_class, t.status,
                                              json, created_by, now.micros, published_at});
  if (!id.ok() && id.error().code == "duplicate") {
    return MakeError(ErrorCode::kConflict, "assess.template_version_taken",
                     "该模板的这个版本刚被另一个操作创建，请重试",
                     "This version of the template was just created by another request; try again");
  }
  return id;
}

Result<void> TemplateStore::Seed(db::Connection& c, const TemplateDoc& doc, UtcTime now) {
  const Template& t = doc.tmpl;
  const std::string json = TemplateDocJson(doc);
  MS_TRY(c.Exec(sql::kTemplateSeed, {t.code, t.name_zh, t.name_en, t.object_class, json, now.micros}));
  return Ok();
}

Result<bool> TemplateStore::UpdateDraft(db::Connection& c, const TemplateDoc& doc, UtcTime now) {
  const Template& t = doc.tmpl;
  const std::string json = TemplateDocJson(doc);
  MS_ASSIGN_OR_RETURN(const int64_t n,
                      c.Exec(sql::kTemplateUpdateDraft, {t.id, t.name_zh, t.name_en, t.object_class, json, now.micros}));
  return n == 1;
}

Result<bool> TemplateStore::Publish(db::Connection& c, int64_t id, UtcTime now) {
  MS_ASSIGN_OR_RETURN(const int64_t n, c.Exec(sql::kTemplatePublish, {id, now.micros}));
  return n == 1;
}

Result<bool> TemplateStore::Freeze(db::Connection& c, int64_t id, UtcTime now) {
  MS_ASSIGN_OR_RETURN(const int64_t n, c.Exec(sql::kTemplateFreeze, {id, now.micros}));
  return n == 1;
}

}  // namespace minsheng::assessment
