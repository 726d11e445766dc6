// TemplateService: the indicator library (指标库) and versioned three-level
// assessment templates (考核模板) — import, drafts, publishing, freezing —
// and the shipped templates that seed a fresh database.
//
// Versions: every import creates version max+1 of its code (a draft unless
// published at once). Saving a draft edits the newest version when it is an
// unfrozen draft; when the newest is published or frozen, the save creates
// version N+1 as a draft. A frozen version (used by an assessment) is never
// changed. Each stored version carries a snapshot of the library entries its
// leaves use, so later library edits do not change how it scores.
//
// Access: reading needs assess.read, writing assess.admin (Forbidden
// otherwise); templates are not owned by an org, so there is no scope check.
// Every write commits with its audit row. Thread-safe: holds only the
// thread-safe Database.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "assessment/template.h"
#include "assessment/template_store.h"
#include "auth/model.h"
#include "core/result.h"
#include "db/database.h"

namespace minsheng::assessment {

// One shipped template file (data/templates/*.json, embedded at build time).
struct ShippedTemplate {
  std::string_view file_name;  // "unit_asset_mgmt.json"
  std::string_view json;
};
const std::vector<ShippedTemplate>& ShippedTemplates();

struct ImportOptions {
  bool publish = false;
};

class TemplateService {
 public:
  // `metrics` resolves the metric keys of indicators with source metric
  // (template_metric_link.h); empty: keys are not checked.
  explicit TemplateService(db::Database& db, MetricLookup metrics = {}) : db_(db), metrics_(std::move(metrics)) {}

  // Loads the shipped templates (published, version 1) and their indicators
  // into a database whose assess_templates is empty. Idempotent; safe when
  // two processes start at once. Not audited (like the category seed).
  Result<void> EnsureSeeded();

  // A template file (docs/assessment-templates.md): upserts the file's
  // library entries, then stores the template as version max+1 of its code,
  // a draft unless options.publish. ValidationError
  // "assess.template_invalid" with field paths when the file is bad (nothing
  // written). Audited as assess.indicator.create / .update and
  // assess.template.import.
  Result<TemplateDoc> Import(const auth::Caller& caller, std::string_view json_text, ImportOptions options = {});

  // The newest version of every code (with its status and newest published version).
  Result<std::vector<TemplateSummary>> List(const auth::Principal& who);
  // Every version of a code, newest first; NotFound when the code has none.
  Result<std::vector<TemplateSummary>> Versions(const auth::Principal& who, std::string_view code);
  // A version of a code, or its newest when version is nullopt; NotFound otherwise.
  Result<TemplateDoc> Get(const auth::Principal& who, std::string_view code, std::optional<int> version = {});
  // The newest published version of a code (what a new assessment uses); NotFound when none.
  Result<TemplateDoc> GetPublished(const auth::Principal& who, std::string_view code);
  Result<TemplateDoc> GetById(const auth::Principal& who, int64_t id);
  // For another service inside its own transaction (it has checked access): no check here.
  static Result<TemplateDoc> Load(db::Connection& conn, int64_t id);

  // Saves a whole document as the draft of `code` (see Versions above).
  // NotFound when the code has no version yet (import it first); field error
  // "code" / "mismatch" when the document names another code. Audited as
  // assess.template.save.
  Result<TemplateDoc> SaveDraft(const auth::Caller& caller, std::string_view code, std::string_view json_text);
  // The newest version, a draft, becomes published. Conflict
  // "assess.template_not_draft" when the newest version is already published;
  // ValidationError "assess.template_invalid" when a leaf's metric key is
  // (no longer) registered or does not fit its method (nothing written).
  // Audited as assess.template.publish.
  Result<TemplateDoc> Publish(const auth::Caller& caller, std::string_view code);

  // Marks a version as used by an assessment, inside the caller's transaction
  // (helper "run" calls it when an assessment starts; that write is audited
  // there). NotFound for an unknown id; Conflict "assess.template_not_published"
  // for a draft. Freezing a frozen version is a no-op.
  static Result<void> Freeze(db::Connection& tx, int64_t template_id);

  // ---- the indicator library
  Result<std::vector<StoredIndicator>> ListIndicators(const auth::Principal& who);
  Result<StoredIndicator> GetIndicator(const auth::Principal& who, std::string_view code);
  // Creates or replaces an entry (body: the indicator JSON; its "code", when
  // given, must equal `code`; a metric key must be registered and fit the
  // method). Stored template versions keep their snapshot.
  // Audited as assess.indicator.create / assess.indicator.update.
  Result<StoredIndicator> UpsertIndicator(const auth::Caller& caller, std::string_view code,
                                          std::string_view json_text);

 private:
  // Validates a document against the stored library in the transaction and
  // upserts its library entries (audited).
  Result<TemplateFile> ParseAndUpsert(db::Connection& tx, const auth::Caller& caller, std::string_view json_text);

  db::Database& db_;
  MetricLookup metrics_;
};

std::string TemplateSummaryJson(const TemplateSummary& s);
std::string StoredIndicatorJson(const StoredIndicator& s);

}  // namespace minsheng::assessment
