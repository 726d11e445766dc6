// TemplateStore: persistence of the indicator library (assess_indicators)
// and of template versions (assess_templates, the tree as doc_json). SQL
// lives here and in template_sql.h only. Each call runs on the connection the
// service supplies (its transaction for writes). Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "assessment/template.h"
#include "core/result.h"
#include "db/database.h"

namespace minsheng::assessment {

// One template version without its tree (lists).
struct TemplateSummary {
  int64_t id = 0;
  std::string code;
  int version = 1;
  std::string name_zh;
  std::string name_en;
  std::string object_class;
  std::string status;  // draft | published
  bool frozen = false;
  UtcTime created_at;
  std::optional<UtcTime> published_at;
  std::optional<int> published_version;  // the newest published version of this code
};

// A library entry with its row's bookkeeping.
struct StoredIndicator {
  Indicator indicator;
  int version = 1;
  UtcTime updated_at;
};

class TemplateStore {
 public:
  // ---- indicator library
  static Result<std::vector<StoredIndicator>> ListIndicators(db::Connection& c);
  // nullopt when no entry has this code.
  static Result<std::optional<StoredIndicator>> FindIndicator(db::Connection& c, std::string_view code);
  static Result<void> InsertIndicator(db::Connection& c, const Indicator& i, UtcTime now);
  // Adds the entry unless its code exists (seeding).
  static Result<void> SeedIndicator(db::Connection& c, const Indicator& i, UtcTime now);
  // Replaces the entry and bumps its version.
  static Result<void> UpdateIndicator(db::Connection& c, const Indicator& i, UtcTime now);

  // ---- templates
  static Result<int64_t> Count(db::Connection& c);
  static Result<int> MaxVersion(db::Connection& c, std::string_view code);
  // NotFound ("考核模板" / "Template") when absent. The document is read back
  // through ParseTemplateFile; a stored document that no longer parses is an
  // internal error (logged with the id).
  static Result<TemplateDoc> GetById(db::Connection& c, int64_t id);
  static Result<TemplateDoc> GetVersion(db::Connection& c, std::string_view code, int version);
  static Result<TemplateDoc> GetLatest(db::Connection& c, std::string_view code);
  static Result<TemplateDoc> GetLatestPublished(db::Connection& c, std::string_view code);
  static Result<std::vector<TemplateSummary>> ListLatest(db::Connection& c);
  static Result<std::vector<TemplateSummary>> ListVersions(db::Connection& c, std::string_view code);

  // Inserts doc.tmpl as (code, version) with its status; returns the id.
  // Conflict "assess.template_version_taken" when the version exists.
  static Result<int64_t> Insert(db::Connection& c, const TemplateDoc& doc, std::optional<int64_t> created_by,
                                UtcTime now);
  // Version 1, published, unless the code already has version 1 (seeding).
  static Result<void> Seed(db::Connection& c, const TemplateDoc& doc, UtcTime now);
  // Replace an unfrozen draft's document; false when the row is no longer an
  // unfrozen draft.
  static Result<bool> UpdateDraft(db::Connection& c, const TemplateDoc& doc, UtcTime now);
  // draft → published; false when the row was not a draft.
  static Result<bool> Publish(db::Connection& c, int64_t id, UtcTime now);
  // Sets frozen; false when it already was.
  static Result<bool> Freeze(db::Connection& c, int64_t id, UtcTime now);
};

}  // namespace minsheng::assessment
