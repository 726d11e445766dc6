#include "assessment/template_service.h"

#include <boost/json.hpp>
#include <map>
#include <spdlog/spdlog.h>

#include "audit/audit.h"
#include "auth/access.h"

namespace minsheng {
// Generated from data/templates/*.json by cmake/embed_text.cmake.
extern const char* const kTemplateUnitAssetMgmtJson;
extern const char* const kTemplateProjectSelfEvalJson;
extern const char* const kTemplateProjectEvalJson;
extern const char* const kTemplateDeptOverallJson;
extern const char* const kTemplateSoeJson;
}  // namespace minsheng

namespace minsheng::assessment {

namespace json = boost::json;
using auth::Action;

const std::vector<ShippedTemplate>& ShippedTemplates() {
  static const std::vector<ShippedTemplate> kShipped = {
      {"unit_asset_mgmt.json", kTemplateUnitAssetMgmtJson},
      {"project_self_eval.json", kTemplateProjectSelfEvalJson},
      {"project_eval.json", kTemplateProjectEvalJson},
      {"dept_overall.json", kTemplateDeptOverallJson},
      {"soe.json", kTemplateSoeJson},
  };
  return kShipped;
}

std::string TemplateSummaryJson(const TemplateSummary& s) {
  json::object o;
  o["id"] = s.id;
  o["code"] = s.code;
  o["version"] = s.version;
  o["name_zh"] = s.name_zh;
  o["name_en"] = s.name_en;
  o["object_class"] = s.object_class;
  o["status"] = s.status;
  o["frozen"] = s.frozen;
  o["created_at"] = FormatUtc(s.created_at);
  o["published_at"] = s.published_at ? json::value(FormatUtc(*s.published_at)) : json::value(nullptr);
  o["published_version"] = s.published_version ? json::value(*s.published_version) : json::value(nullptr);
  return json::serialize(o);
}

std::string StoredIndicatorJson(const StoredIndicator& s) {
  std::string out = IndicatorJson(s.indicator);  // an object: "{…}"
  out.pop_back();
  out += ",\"version\":" + std::to_string(s.version) + ",\"updated_at\":" +
         json::serialize(json::value(FormatUtc(s.updated_at))) + "}";
  return out;
}

namespace {

using Library = std::map<std::string, Indicator, std::less<>>;

IndicatorLookup LookupIn(const Library& lib) {
  return [&lib](std::string_view code) -> const Indicator* {
    auto it = lib.find(code);
    return it == lib.end() ? nullptr : &it->second;
  };
}

Result<Library> LoadLibrary(db::Connection& c) {
  MS_ASSIGN_OR_RETURN(auto list, TemplateStore::ListIndicators(c));
  Library lib;
  for (auto& s : list) {
    std::string code = s.indicator.code;
    lib.emplace(std::move(code), std::move(s.indicator));
  }
  return lib;
}

// Creates or replaces one library entry with its audit row; unchanged entries
// are left alone (no version bump, no audit row).
Result<void> UpsertOne(db::Connection& tx, const auth::Caller& caller, const Indicator& ind,
                       const std::optional<StoredIndicator>& before, UtcTime now) {
  const std::string after = IndicatorJson(ind);
  if (!before) {
    MS_TRY(TemplateStore::InsertIndicator(tx, ind, now));
    return audit::Write(tx, caller, {"assess.indicator.create", "assess_indicator", ind.code, std::nullopt,
                                     std::nullopt, after});
  }
  const std::string was = IndicatorJson(before->indicator);
  if (was == after) return Ok();
  MS_TRY(TemplateStore::UpdateIndicator(tx, ind, now));
  return audit::Write(tx, caller,
                      {"assess.indicator.update", "assess_indicator", ind.code, std::nullopt, was, after});
}

Error NotDraft(const Template& t) {
  return MakeError(ErrorCode::kConflict, "assess.template_not_draft",
                   "模板 " + t.code + " 的最新版本 " + std::to_string(t.version) + " 已发布，没有待发布的草稿",
                   "The newest version (" + std::to_string(t.version) + ") of template " + t.code +
                       " is already published; there is no draft to publish");
}

}  // namespace

Result<void> TemplateService::EnsureSeeded() {
  {
    // The usual case (already seeded) takes no write lock.
    MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
    MS_ASSIGN_OR_RETURN(const int64_t count, TemplateStore::Count(*conn));
    if (count > 0) return Ok();
  }
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  MS_ASSIGN_OR_RETURN(const int64_t count, TemplateStore::Count(*tx));
  if (count > 0) return Ok();
  MS_ASSIGN_OR_RETURN(Library lib, LoadLibrary(*tx));
  const UtcTime now = Now();
  for (const auto& shipped : ShippedTemplates()) {
    // The shipped files are checked by unit tests; failing here is a build defect.
    auto file = ParseTemplateFile(shipped.json, LookupIn(lib), metrics_);
    if (!file.ok()) {
      std::string detail = "shipped template " + std::string(shipped.file_name) + ": " + file.error().en;
      for (const auto& f : file.error().fields) detail += "; " + f.field + ": " + f.en;
      return InternalError(detail);
    }
    for (const auto& ind : file->library) {
      if (lib.contains(ind.code)) continue;
      MS_TRY(TemplateStore::SeedIndicator(*tx, ind, now));
      lib.emplace(ind.code, ind);
    }
    MS_TRY(TemplateStore::Seed(*tx, file->doc, now));
  }
  MS_TRY(tx.Commit());
  spdlog::info("seeded {} assessment templates and {} indicators", ShippedTemplates().size(), lib.size());
  return Ok();
}

Result<TemplateFile> TemplateService::ParseAndUpsert(db::Connection& tx, const auth::Caller& caller,
                                                     std::string_view json_text) {
  MS_ASSIGN_OR_RETURN(Library lib, LoadLibrary(tx));
  MS_ASSIGN_OR_RETURN(TemplateFile file, ParseTemplateFile(json_text, LookupIn(lib), metrics_));
  const UtcTime now = Now();
  for (const auto& ind : file.library) {
    std::optional<StoredIndicator> before;
    if (auto it = lib.find(ind.code); it != lib.end()) before = StoredIndicator{it->second, 0, {}};
    MS_TRY(UpsertOne(tx, caller, ind, before, now));
  }
  return file;
}

Result<TemplateDoc> TemplateService::Import(const auth::Caller& caller, std::string_view json_text,
                                            ImportOptions options) {
  MS_TRY(auth::Require(*caller.principal, Action::kAssessAdmin));
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  MS_ASSIGN_OR_RETURN(TemplateFile file, ParseAndUpsert(*tx, caller, json_text));
  TemplateDoc doc = std::move(file.doc);
  Template& t = doc.tmpl;
  const UtcTime now = Now();
  MS_ASSIGN_OR_RETURN(const int max_version, TemplateStore::MaxVersion(*tx, t.code));
  t.version = max_version + 1;
  t.status = options.publish ? "published" : "draft";
  t.frozen = false;
  t.created_at = now;
  if (options.publish) t.published_at = now;
  std::optional<int64_t> by;
  if (caller.principal->user_id != 0) by = caller.principal->user_id;
  MS_ASSIGN_OR_RETURN(t.id, TemplateStore::Insert(*tx, doc, by, now));
  MS_TRY(audit::Write(*tx, caller, {"assess.template.import", "assess_template", std::to_string(t.id), std::nullopt,
                                    std::nullopt, TemplateJson(doc)}));
  MS_TRY(tx.Commit());
  return doc;
}

Result<std::vector<TemplateSummary>> TemplateService::List(const auth::Principal& who) {
  MS_TRY(auth::Require(who, Action::kAssessRead));
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  return TemplateStore::ListLatest(*conn);
}

Result<std::vector<TemplateSummary>> TemplateService::Versions(const auth::Principal& who, std::string_view code) {
  MS_TRY(auth::Require(who, Action::kAssessRead));
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  MS_ASSIGN_OR_RETURN(auto list, TemplateStore::ListVersions(*conn, code));
  if (list.empty()) return NotFoundError("考核模板", "Template");
  return list;
}

Result<TemplateDoc> TemplateService::Get(const auth::Principal& who, std::string_view code,
                                         std::optional<int> version) {
  MS_TRY(auth::Require(who, Action::kAssessRead));
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  if (version) return TemplateStore::GetVersion(*conn, code, *version);
  return TemplateStore::GetLatest(*conn, code);
}

Result<TemplateDoc> TemplateService::GetPublished(const auth::Principal& who, std::string_view code) {
  MS_TRY(auth::Require(who, Action::kAssessRead));
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  return TemplateStore::GetLatestPublished(*conn, code);
}

Result<TemplateDoc> TemplateService::GetById(const auth::Principal& who, int64_t id) {
  MS_TRY(auth::Require(who, Action::kAssessRead));
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  return TemplateStore::GetById(*conn, id);
}

Result<TemplateDoc> TemplateService::Load(db::Connection& conn, int64_t id) { return TemplateStore::GetById(conn, id); }

Result<TemplateDoc> TemplateService::SaveDraft(const auth::Caller& caller, std::string_view code,
                                               std::string_view json_text) {
  MS_TRY(auth::Require(*caller.principal, Action::kAssessAdmin));
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  MS_ASSIGN_OR_RETURN(TemplateDoc latest, TemplateStore::GetLatest(*tx, code));
  MS_ASSIGN_OR_RETURN(TemplateFile file, ParseAndUpsert(*tx, caller, json_text));
  TemplateDoc doc = std::move(file.doc);
  Template& t = doc.tmpl;
  if (t.code != code) {
    return ValidationError({{"code", "mismatch", "文档中的编码与地址中的模板编码不一致",
                             "the document's code differs from the template code in the URL"}});
  }
  const UtcTime now = Now();
  t.status = "draft";
  t.frozen = false;
  t.published_at.reset();
  if (latest.tmpl.status == "draft" && !latest.tmpl.frozen) {
    // Edit the draft in place.
    t.id = latest.tmpl.id;
    t.version = latest.tmpl.version;
    t.created_at = latest.tmpl.created_at;
    MS_ASSIGN_OR_RETURN(const bool updated, TemplateStore::UpdateDraft(*tx, doc, now));
    if (!updated) return InternalError("assess_templates " + std::to_string(t.id) + ": draft vanished in its tx");
    MS_TRY(audit::Write(*tx, caller, {"assess.template.save", "assess_template", std::to_string(t.id), std::nullopt,
                                      TemplateJson(latest), TemplateJson(doc)}));
  } else {
    // The newest version is published or frozen: a new draft version.
    t.version = latest.tmpl.version + 1;
    t.created_at = now;
    std::optional<int64_t> by;
    if (caller.principal->user_id != 0) by = caller.principal->user_id;
    MS_ASSIGN_OR_RETURN(t.id, TemplateStore::Insert(*tx, doc, by, now));
    MS_TRY(audit::Write(*tx, caller, {"assess.template.save", "assess_template", std::to_string(t.id), std::nullopt,
                                      std::nullopt, TemplateJson(doc)}));
  }
  MS_TRY(tx.Commit());
  return doc;
}

Result<TemplateDoc> TemplateService::Publish(const auth::Caller& caller, std::string_view code) {
  MS_TRY(auth::Require(*caller.principal, Action::kAssessAdmin));
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  MS_ASSIGN_OR_RETURN(TemplateDoc doc, TemplateStore::GetLatest(*tx, code));
  if (doc.tmpl.status != "draft") return NotDraft(doc.tmpl);
  // The draft was checked when saved; its metric keys again here, against
  // the registry of this build (a draft may predate it).
  if (auto errors = ValidateTemplate(doc.tmpl, doc.Lookup(), metrics_); !errors.empty()) {
    return TemplateInvalid(std::move(errors));
  }
  const UtcTime now = Now();
  MS_ASSIGN_OR_RETURN(const bool published, TemplateStore::Publish(*tx, doc.tmpl.id, now));
  if (!published) return NotDraft(doc.tmpl);
  const std::string before = TemplateSummaryJson({doc.tmpl.id, doc.tmpl.code, doc.tmpl.version, doc.tmpl.name_zh,
                                                  doc.tmpl.name_en, doc.tmpl.object_class, doc.tmpl.status,
                                                  doc.tmpl.frozen, doc.tmpl.created_at, std::nullopt, std::nullopt});
  doc.tmpl.status = "published";
  doc.tmpl.published_at = now;
  const std::string after = TemplateSummaryJson({doc.tmpl.id, doc.tmpl.code, doc.tmpl.version, doc.tmpl.name_zh,
                                                 doc.tmpl.name_en, doc.tmpl.object_class, doc.tmpl.status,
                                                 doc.tmpl.frozen, doc.tmpl.created_at, now, doc.tmpl.version});
  MS_TRY(audit::Write(*tx, caller, {"assess.template.publish", "assess_template", std::to_string(doc.tmpl.id),
                                    std::nullopt, before, after}));
  MS_TRY(tx.Commit());
  return doc;
}

Result<void> TemplateService::Freeze(db::Connection& tx, int64_t template_id) {
  MS_ASSIGN_OR_RETURN(TemplateDoc doc, TemplateStore::GetById(tx, template_id));
  if (doc.tmpl.status != "published") {
    return MakeError(ErrorCode::kConflict, "assess.template_not_published",
                     "模板 " + doc.tmpl.code + " 第 " + std::to_string(doc.tmpl.version) + " 版尚未发布，不能用于考核",
                     "Version " + std::to_string(doc.tmpl.version) + " of template " + doc.tmpl.code +
                         " is not published and cannot be used by an assessment");
  }
  if (doc.tmpl.frozen) return Ok();
  MS_TRY(TemplateStore::Freeze(tx, template_id, Now()));
  return Ok();
}

Result<std::vector<StoredIndicator>> TemplateService::ListIndicators(const auth::Principal& who) {
  MS_TRY(auth::Require(who, Action::kAssessRead));
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  return TemplateStore::ListIndicators(*conn);
}

Result<StoredIndicator> TemplateService::GetIndicator(const auth::Principal& who, std::string_view code) {
  MS_TRY(auth::Require(who, Action::kAssessRead));
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  MS_ASSIGN_OR_RETURN(auto found, TemplateStore::FindIndicator(*conn, code));
  if (!found) return NotFoundError("指标", "Indicator");
  return std::move(*found);
}

Result<StoredIndicator> TemplateService::UpsertIndicator(const auth::Caller& caller, std::string_view code,
                                                         std::string_view json_text) {
  MS_TRY(auth::Require(*caller.principal, Action::kAssessAdmin));
  MS_ASSIGN_OR_RETURN(Indicator ind, ParseIndicator(json_text, code, metrics_));
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  MS_ASSIGN_OR_RETURN(auto before, TemplateStore::FindIndicator(*tx, ind.code));
  MS_TRY(UpsertOne(*tx, caller, ind, before, Now()));
  MS_ASSIGN_OR_RETURN(auto stored, TemplateStore::FindIndicator(*tx, ind.code));
  MS_TRY(tx.Commit());
  if (!stored) return InternalError("assess_indicators " + ind.code + ": missing after upsert");
  return std::move(*stored);
}

}  // namespace minsheng::assessment
