// Assessment templates (考核模板) as files: the JSON format of
// docs/assessment-templates.md read into the types of assessment/model.h,
// checked for structure, and written back. Pure: no SQL, no clock; the
// stored indicator library comes in through a lookup.
//
// Thread-safe: free functions over their arguments only.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "assessment/model.h"
#include "core/result.h"

namespace minsheng::assessment {

// The same signature as CompiledTemplate::IndicatorLookup (scoring.h): nullptr
// when the code is unknown.
using IndicatorLookup = std::function<const Indicator*(std::string_view code)>;

// What validation needs to know of a registered metric (metric/registry.h).
// It comes in through a lookup so that this module does not depend on the
// metric module (template_metric_link.h builds one over the registry).
struct MetricInfo {
  std::string unit;  // "%", "天", "件"
};
// nullopt when no metric has the key. An empty MetricLookup checks nothing
// (stored documents read back, tests of the structure alone).
using MetricLookup = std::function<std::optional<MetricInfo>(std::string_view key)>;

// A template with the library entries its leaves use. `indicators` is a
// snapshot taken when the version was saved (sorted by code), so a frozen
// version scores the same even after the library changes.
struct TemplateDoc {
  Template tmpl;
  std::vector<Indicator> indicators;

  // Finds an entry of the snapshot (nullptr when absent).
  const Indicator* FindIndicator(std::string_view code) const;
  // A lookup over the snapshot for CompiledTemplate::Compile. It points into
  // this object: keep the TemplateDoc alive while the lookup is used.
  IndicatorLookup Lookup() const;
};

// What a file holds: the template, plus the library entries it brings
// (`indicators`, in file order; they may include entries no leaf uses).
struct TemplateFile {
  TemplateDoc doc;                   // doc.indicators: the snapshot (every used indicator)
  std::vector<Indicator> library;    // the file's own "indicators" array
};

// Limits of the format (documented in docs/assessment-templates.md).
inline constexpr int kMaxTemplateLevels = 3;
inline constexpr size_t kMaxTemplateNodes = 500;
inline constexpr size_t kMaxIndicatorsPerFile = 500;
inline constexpr size_t kMaxCodeLength = 64;
inline constexpr size_t kMaxNameZh = 100;
inline constexpr size_t kMaxNameEn = 200;
inline constexpr size_t kMaxUnit = 20;
inline constexpr size_t kMaxDescription = 2000;
inline constexpr size_t kMaxSteps = 50;
inline constexpr double kPointsTolerance = 1e-6;  // sums of points

// Reads and validates a template file. Leaves may name indicators of the
// file's own "indicators" array or of the stored library (`stored`, may be
// empty). Every problem is reported at once as ValidationError (code
// "validation_failed") with field paths such as "nodes[0].children[1].points",
// "indicators[2].method.target" or "grades.good", in zh and en. Unknown keys
// are refused. Weights ("weight": percent of the parent) become points.
// With `metrics`, the metric key of every indicator a leaf uses is checked
// against the registry ("nodes[0].children[1].metric"; an entry of the file
// no leaf uses at "indicators[2].metric"): see ValidateMetric.
Result<TemplateFile> ParseTemplateFile(std::string_view json_text, const IndicatorLookup& stored,
                                       const MetricLookup& metrics = {});

// The ValidationError of a bad template: code "assess.template_invalid" with
// the field errors.
Error TemplateInvalid(std::vector<FieldError> errors);

// Reads one library entry (the body of PUT /api/v1/assess/indicators/{code});
// field paths have no prefix ("method.target"); the read-only "version" and
// "updated_at" of a stored entry are ignored. With a non-empty `code` (the
// path's), the body's "code" may be left out and must match when given.
// With `metrics`, its metric key is checked too (field "metric").
Result<Indicator> ParseIndicator(std::string_view json_text, std::string_view code = {},
                                 const MetricLookup& metrics = {});

// Reads a method object on its own (assess_indicators.method_json);
// `direction` applies when the object gives none. Field paths start "method".
Result<MethodSpec> ParseMethodJson(std::string_view json_text, Direction direction);

// Validates a parsed template against the rules of the format (levels, unique
// codes, points adding up, bands, methods). ParseTemplateFile calls it; it is
// public for templates built in code (tests, the demo). `find` resolves a
// leaf's indicator.
// With `metrics`, the leaves' metric keys are checked too (ValidateMetric).
std::vector<FieldError> ValidateTemplate(const Template& t, const IndicatorLookup& find,
                                         const MetricLookup& metrics = {});
// Field errors of one method's parameters under `path` ("method", "nodes[0].method").
std::vector<FieldError> ValidateMethod(const MethodSpec& m, const std::string& path);
// Field errors, all at `field` ("nodes[0].children[1].metric"), of an
// indicator with source metric scored by `method`: "unknown_metric" when the
// registry has no such key; "unit_mismatch" when the indicator gives a unit
// other than the metric's; "method_mismatch" when a rate (%) is scored by
// deduction, yes/no or veto (those count occurrences or read 0/1), or a
// ratio/linear target or a step threshold lies outside 0–100. Nothing for
// other sources or an empty lookup.
std::vector<FieldError> ValidateMetric(const Indicator& ind, const MethodSpec& method, const std::string& field,
                                       const MetricLookup& metrics);

// JSON: the file format. TemplateDocJson is what is stored (doc_json) and
// what an export writes — it re-imports as is. TemplateJson adds id, version,
// status, frozen, created_at and published_at (the API's Template object).
std::string TemplateDocJson(const TemplateDoc& d);
std::string TemplateJson(const TemplateDoc& d);
std::string IndicatorJson(const Indicator& i);
std::string MethodJson(const MethodSpec& m);

// Names used in the JSON and the database.
std::string_view DirectionName(Direction d);        // ">=" | "<="
std::string_view DirectionColumn(Direction d);      // "higher" | "lower" (assess_indicators.direction)
std::optional<Direction> ParseDirectionColumn(std::string_view s);
std::string_view IndicatorTypeName(IndicatorType t);
std::optional<IndicatorType> ParseIndicatorType(std::string_view s);
std::string_view SourceKindName(SourceKind s);
std::optional<SourceKind> ParseSourceKind(std::string_view s);
std::string_view MethodName(Method m);
std::optional<Method> ParseMethod(std::string_view s);
std::string_view GroupByName(GroupBy g);

// The effective method of a leaf: its override, else its indicator's default.
const MethodSpec* LeafMethod(const Node& leaf, const Indicator* indicator);

// The indicator codes of the leaves, in pre-order.
std::vector<std::string> LeafIndicatorCodes(const Template& t);

}  // namespace minsheng::assessment
