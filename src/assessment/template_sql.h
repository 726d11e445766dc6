// SQL of the indicator library and the templates: assess_indicators,
// assess_templates (migration 0004_assessment.sql).
#pragma once

#include "db/database.h"

namespace minsheng::assessment::sql {

// ---- indicator library ----------------------------------------------------

#define MS_INDICATOR_COLUMNS                                                                              \
  "code, name_zh, name_en, unit, direction, indicator_type, source, metric_key, method_json, description, " \
  "version, updated_at FROM assess_indicators "
inline constexpr db::Sql kIndicatorList{"assess.indicator.list",
                                        "SELECT " MS_INDICATOR_COLUMNS "ORDER BY code"};
inline constexpr db::Sql kIndicatorGet{"assess.indicator.get", "SELECT " MS_INDICATOR_COLUMNS "WHERE code = $1"};
#undef MS_INDICATOR_COLUMNS
inline constexpr db::Sql kIndicatorInsert{
    "assess.indicator.insert",
    "INSERT INTO assess_indicators (code, name_zh, name_en, unit, direction, indicator_type, source, metric_key, "
    "method_json, description, version, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11)"};
// Seeding writes only what is missing (two processes may seed at once).
inline constexpr db::Sql kIndicatorSeed{
    "assess.indicator.seed",
    "INSERT INTO assess_indicators (code, name_zh, name_en, unit, direction, indicator_type, source, metric_key, "
    "method_json, description, version, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11) "
    "ON CONFLICT (code) DO NOTHING"};
inline constexpr db::Sql kIndicatorUpdate{
    "assess.indicator.update",
    "UPDATE assess_indicators SET name_zh = $2, name_en = $3, unit = $4, direction = $5, indicator_type = $6, "
    "source = $7, metric_key = $8, method_json = $9, description = $10, version = version + 1, updated_at = $11 "
    "WHERE code = $1"};

// ---- templates ----------------------------------------------------------------

inline constexpr db::Sql kTemplateCount{"assess.template.count", "SELECT COUNT(*) FROM assess_templates"};
inline constexpr db::Sql kTemplateMaxVersion{
    "assess.template.max_version", "SELECT COALESCE(MAX(version), 0) FROM assess_templates WHERE code = $1"};

#define MS_TEMPLATE_COLUMNS \
  "id, code, version, status, frozen, doc_json, created_at, published_at FROM assess_templates "
inline constexpr db::Sql kTemplateById{"assess.template.by_id", "SELECT " MS_TEMPLATE_COLUMNS "WHERE id = $1"};
inline constexpr db::Sql kTemplateByVersion{"assess.template.by_version",
                                            "SELECT " MS_TEMPLATE_COLUMNS "WHERE code = $1 AND version = $2"};
inline constexpr db::Sql kTemplateLatest{
    "assess.template.latest", "SELECT " MS_TEMPLATE_COLUMNS "WHERE code = $1 ORDER BY version DESC LIMIT 1"};
inline constexpr db::Sql kTemplateLatestPublished{
    "assess.template.latest_published",
    "SELECT " MS_TEMPLATE_COLUMNS "WHERE code = $1 AND status = 'published' ORDER BY version DESC LIMIT 1"};
#undef MS_TEMPLATE_COLUMNS

// Summaries: the row without its document, plus the newest published version of the code.
#define MS_SUMMARY_COLUMNS                                                                                 \
  "t.id, t.code, t.version, t.name_zh, t.name_en, t.object_class, t.status, t.frozen, t.created_at, "       \
  "t.published_at, (SELECT MAX(p.version) FROM assess_templates p WHERE p.code = t.code AND p.status = "    \
  "'published') FROM assess_templates t "
inline constexpr db::Sql kTemplateList{
    "assess.template.list",
    "SELECT " MS_SUMMARY_COLUMNS
    "WHERE t.version = (SELECT MAX(v.version) FROM assess_templates v WHERE v.code = t.code) ORDER BY t.code"};
inline constexpr db::Sql kTemplateVersions{
    "assess.template.versions", "SELECT " MS_SUMMARY_COLUMNS "WHERE t.code = $1 ORDER BY t.version DESC"};
#undef MS_SUMMARY_COLUMNS

inline constexpr db::Sql kTemplateInsert{
    "assess.template.insert",
    "INSERT INTO assess_templates (code, version, name_zh, name_en, object_class, status, frozen, doc_json, "
    "created_by, created_at, published_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, $9, $10, $9) "
    "RETURNING id"};
inline constexpr db::Sql kTemplateSeed{
    "assess.template.seed",
    "INSERT INTO assess_templates (code, version, name_zh, name_en, object_class, status, frozen, doc_json, "
    "created_by, created_at, published_at, updated_at) VALUES ($1, 1, $2, $3, $4, 'published', 0, $5, NULL, $6, "
    "$6, $6) ON CONFLICT (code, version) DO NOTHING"};
// Only an unfrozen draft is edited in place; the WHERE makes a race lose
// instead of changing a version that was published or frozen meanwhile.
inline constexpr db::Sql kTemplateUpdateDraft{
    "assess.template.update_draft",
    "UPDATE assess_templates SET name_zh = $2, name_en = $3, object_class = $4, doc_json = $5, updated_at = $6 "
    "WHERE id = $1 AND status = 'draft' AND frozen = 0"};
inline constexpr db::Sql kTemplatePublish{
    "assess.template.publish",
    "UPDATE assess_templates SET status = 'published', published_at = $2, updated_at = $2 "
    "WHERE id = $1 AND status = 'draft'"};
inline constexpr db::Sql kTemplateFreeze{
    "assess.template.freeze", "UPDATE assess_templates SET frozen = 1, updated_at = $2 WHERE id = $1 AND frozen = 0"};

}  // namespace minsheng::assessment::sql
