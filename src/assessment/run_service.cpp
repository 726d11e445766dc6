#include "assessment/run_service.h"

#include <algorithm>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>
#include <charconv>
#include <chrono>
#include <cmath>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "assessment/run_detail.h"
#include "assessment/template_service.h"
#include "audit/audit.h"
#include "auth/access.h"

namespace minsheng::assessment {

namespace json = boost::json;

// ---------------------------------------------------------------------------
// A template version ready to score: its document, the compiled tree and the
// leaf lookups a run needs.

struct RunService::Compiled {
  TemplateDoc doc;
  CompiledTemplate compiled;
  std::vector<size_t> leaf_node;  // leaf index → nodes() index
  std::unordered_map<std::string, std::vector<size_t>> leaves_by_metric;
  std::vector<std::string> metric_keys;  // distinct, in leaf order

  Compiled(TemplateDoc d, CompiledTemplate c) : doc(std::move(d)), compiled(std::move(c)) {
    leaf_node.assign(compiled.leaf_count(), 0);
    const auto& nodes = compiled.nodes();
    for (size_t k = 0; k < nodes.size(); ++k) {
      if (nodes[k].leaf >= 0) leaf_node[static_cast<size_t>(nodes[k].leaf)] = k;
    }
    for (size_t i = 0; i < compiled.leaf_count(); ++i) {
      const auto& key = compiled.leaf_info(i).metric_key;
      if (!key || key->empty()) continue;
      auto& v = leaves_by_metric[*key];
      if (v.empty()) metric_keys.push_back(*key);
      v.push_back(i);
    }
  }
};

namespace {

using detail::Cell;
using detail::Prio;

Error Conflict(std::string code, std::string zh, std::string en) {
  return MakeError(ErrorCode::kConflict, std::move(code), std::move(zh), std::move(en));
}

Error AssessmentNotFound() { return NotFoundError("考核", "Assessment"); }

// Calls work(begin, end) over [0, n) cut into `threads` contiguous slices, the
// last in the calling thread. Below kMinSlice items per thread it stays in the
// caller: a thread costs more than scoring a few hundred objects.
template <typename Work>
void ForEachSlice(size_t n, int threads, Work&& work) {
  constexpr size_t kMinSlice = 256;
  const size_t wanted = static_cast<size_t>(std::max(threads, 1));
  const size_t count = std::max<size_t>(1, std::min(wanted, n / kMinSlice));
  if (count == 1) {
    work(size_t{0}, n);
    return;
  }
  const size_t step = (n + count - 1) / count;
  std::vector<std::jthread> pool;  // joined on return
  pool.reserve(count - 1);
  size_t begin = 0;
  for (; n - begin > step; begin += step) pool.emplace_back([&work, begin, step] { work(begin, begin + step); });
  work(begin, n);
}

std::string ObjectClassLevel(std::string_view object_class) {
  if (object_class == "unit") return "unit";
  if (object_class == "department") return "department";
  return "";
}

// Whether some assignment granting `action` has a scope overlapping `path`
// (inside it or containing it).
bool ScopeOverlaps(const auth::Principal& p, auth::Action action, std::string_view path) {
  if (p.is_system) return true;
  for (const auto& root : auth::ScopeRoots(p, action)) {
    if (path.starts_with(root.path) || std::string_view(root.path).starts_with(path)) return true;
  }
  return false;
}

// The org id at the end of a materialized path ("/1/4/17/" → 17).
std::optional<int64_t> LastIdOfPath(std::string_view path) {
  if (path.size() < 3 || path.back() != '/') return std::nullopt;
  const size_t start = path.rfind('/', path.size() - 2);
  int64_t id = 0;
  const char* first = path.data() + start + 1;
  const char* last = path.data() + path.size() - 1;
  const auto [end, ec] = std::from_chars(first, last, id);
  if (ec != std::errc() || end != last || id <= 0) return std::nullopt;
  return id;
}

// Parses the stored template document into a compiled template.
Result<std::pair<TemplateDoc, CompiledTemplate>> CompileDoc(std::string_view doc_json,
                                                            const IndicatorLookup& stored) {
  MS_ASSIGN_OR_RETURN(TemplateFile file, ParseTemplateFile(doc_json, stored));
  TemplateDoc doc = std::move(file.doc);
  MS_ASSIGN_OR_RETURN(CompiledTemplate ct, CompiledTemplate::Compile(doc.tmpl, doc.Lookup()));
  return std::make_pair(std::move(doc), std::move(ct));
}

RankingRow ToRow(const StoredResult& s) {
  RankingRow row;
  row.object_id = s.object_id;
  row.code = s.code;
  row.name = s.name;
  row.group_key = s.group_key;
  row.total = s.total;
  row.rounded = s.rounded;
  row.grade = GradeFromStored(s.grade);
  row.colour = ParseColour(s.colour).value_or(Colour::kRed);
  row.vetoed = s.vetoed;
  row.rank = s.rank;
  row.group_size = s.group_size;
  row.previous_total = s.previous_total;
  if (s.previous_total) row.change = s.rounded - RoundHalfUp2(*s.previous_total);
  return row;
}

std::string AuditJson(const Assessment& a, const json::object& extra) {
  json::object o{{"period", a.period.ToString()},
                 {"template_code", a.template_code},
                 {"template_version", a.template_version},
                 {"scope_org_id", a.scope_org_id},
                 {"status", a.status}};
  for (const auto& [k, v] : extra) o[k] = v;
  return json::serialize(o);
}

}  // namespace

std::optional<Grade> ParseGrade(std::string_view s) {
  if (s == "excellent" || s == "优") return Grade::kExcellent;
  if (s == "good" || s == "良") return Grade::kGood;
  if (s == "fair" || s == "中") return Grade::kFair;
  if (s == "poor" || s == "差") return Grade::kPoor;
  return std::nullopt;
}

std::optional<Colour> ParseColour(std::string_view s) {
  if (s == "red") return Colour::kRed;
  if (s == "yellow") return Colour::kYellow;
  if (s == "blue") return Colour::kBlue;
  return std::nullopt;
}

Grade GradeFromStored(std::string_view s) { return ParseGrade(s).value_or(Grade::kPoor); }

RunService::RunService(db::Database& db, MetricLink metrics, RunSettings settings)
    : db_(db), metrics_(std::move(metrics)), settings_(settings) {}

RunService::~RunService() = default;

void RunService::SetFinalizeHook(FinalizeHook hook) { finalize_hook_ = std::move(hook); }
void RunService::SetPublishHook(FinalizeHook hook) { publish_hook_ = std::move(hook); }

Result<std::shared_ptr<const RunService::Compiled>> RunService::LoadCompiled(db::Connection& c,
                                                                             int64_t template_id) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = compiled_.find(template_id); it != compiled_.end()) return it->second;
  }
  MS_ASSIGN_OR_RETURN(TemplateDoc doc, TemplateService::Load(c, template_id));
  auto ct = CompiledTemplate::Compile(doc.tmpl, doc.Lookup());
  if (!ct.ok())
    return InternalError("stored template " + std::to_string(template_id) + " does not compile: " + ct.error().en);
  const bool frozen = doc.tmpl.frozen;
  auto out = std::make_shared<const Compiled>(std::move(doc), std::move(ct).value());
  if (frozen) {  // a frozen version never changes: keep it
    std::lock_guard lock(mutex_);
    compiled_.emplace(template_id, out);
  }
  return std::shared_ptr<const Compiled>(out);
}

Result<Assessment> RunService::Find(db::Connection& c, std::string_view period, std::string_view template_code) {
  MS_ASSIGN_OR_RETURN(const Period p, ParsePeriod(period));
  MS_ASSIGN_OR_RETURN(auto a, RunStore::FindByKey(c, p.ToString(), template_code));
  if (!a) return AssessmentNotFound();
  return std::move(*a);
}

Result<RunService::AdminTx> RunService::BeginAdmin(const auth::Caller& caller, std::string_view period,
                                                   std::string_view template_code) {
  const auth::Principal& who = *caller.principal;
  MS_TRY(auth::Require(who, auth::Action::kAssessAdmin));
  MS_ASSIGN_OR_RETURN(db::Tx tx, db_.Write());
  MS_ASSIGN_OR_RETURN(Assessment a, Find(*tx, period, template_code));
  MS_TRY(auth::RequireOn(who, auth::Action::kAssessAdmin, a.scope_path, "考核", "Assessment"));
  return AdminTx{std::move(tx), std::move(a)};
}

Result<Assessment> RunService::Lookup(db::Connection& c, int64_t assessment_id) {
  MS_ASSIGN_OR_RETURN(auto a, RunStore::FindById(c, assessment_id));
  if (!a) return AssessmentNotFound();
  return std::move(*a);
}

// ---------------------------------------------------------------------------
// Create

Result<Assessment> RunService::Create(const auth::Caller& caller, const NewAssessment& input) {
  const auth::Principal& who = *caller.principal;
  MS_TRY(auth::Require(who, auth::Action::kAssessAdmin));
  std::vector<FieldError> errors;
  auto period = ParsePeriod(input.period);
  if (!period.ok()) errors.insert(errors.end(), period.error().fields.begin(), period.error().fields.end());
  if (!period.ok() && errors.empty())
    errors.push_back({"period", "invalid", "期间格式应为 2026-11、2026Q3 或 2026", "expected 2026-11, 2026Q3 or 2026"});
  if (input.template_code.empty())
    errors.push_back({"template_code", "required", "必填", "is required"});
  if (input.name && input.name->size() > 200) errors.push_back({"name", "too_long", "过长", "is too long"});
  if (!errors.empty()) return ValidationError(std::move(errors));

  MS_ASSIGN_OR_RETURN(db::Tx tx, db_.Write());
  MS_ASSIGN_OR_RETURN(auto stored, RunStore::TemplateInUse(*tx, input.template_code));
  if (!stored) return NotFoundError("考核模板", "Template");
  if (stored->status != "published")
    return Conflict("assessment.template_not_published", "模板 " + input.template_code + " 尚无已发布版本",
                    "Template " + input.template_code + " has no published version");
  MS_ASSIGN_OR_RETURN(auto compiled, LoadCompiled(*tx, stored->id));
  const Template& t = compiled->compiled.source();

  // Default scope: the caller's own assess.admin scope when it has one, else the root region.
  std::optional<int64_t> scope_id = input.scope_org_id;
  if (!scope_id) {
    const auto roots = auth::ScopeRoots(who, auth::Action::kAssessAdmin);
    if (roots.size() == 1 && roots[0].path.size() > 2) scope_id = LastIdOfPath(roots[0].path);
  }
  MS_ASSIGN_OR_RETURN(auto scope, RunStore::ScopeOrg(*tx, scope_id));
  if (!scope) {
    if (!input.scope_org_id) return NotFoundError("区域", "Region");
    return ValidationError({{"scope_org_id", "unknown", "机构不存在", "no such organisation"}});
  }
  MS_TRY(auth::RequireOn(who, auth::Action::kAssessAdmin, scope->path, "机构", "Organisation"));

  const std::string period_text = period->ToString();
  MS_ASSIGN_OR_RETURN(auto existing, RunStore::FindByKey(*tx, period_text, input.template_code));
  if (existing)
    return Conflict("assessment.exists", "该期间已有此模板的考核：" + period_text + " " + input.template_code,
                    "This period already has an assessment of this template: " + period_text + " " +
                        input.template_code);

  std::string level = ObjectClassLevel(t.object_class);
  std::string kind = t.object_class == "soe" ? "soe" : "";
  if (level.empty() && kind.empty())
    return ValidationError({{"template_code", "unsupported_object_class", "暂不支持该考核对象类别：" + t.object_class,
                             "Objects of class " + t.object_class + " cannot be assessed yet"}});
  MS_ASSIGN_OR_RETURN(auto candidates, RunStore::Candidates(*tx, scope->path, level, kind));

  Assessment a;
  a.period = *period;
  a.template_id = stored->id;
  a.template_code = input.template_code;
  a.template_version = stored->version;
  a.scope_org_id = scope->id;
  a.scope_path = scope->path;
  a.scope_name = scope->name;
  a.name = input.name.value_or(scope->name + " " + period_text + " " + t.name_zh);
  a.status = "open";
  a.self_check_due = input.self_check_due;
  if (who.user_id != 0) a.created_by = who.user_id;
  a.created_at = Now();
  MS_ASSIGN_OR_RETURN(a.id, RunStore::Insert(*tx, a));
  MS_TRY(TemplateService::Freeze(*tx, stored->id));

  std::vector<std::pair<int64_t, std::string>> objects;
  objects.reserve(candidates.size());
  for (const auto& o : candidates) {
    std::string group = t.object_class;
    if (t.group_by == GroupBy::kField) group += ":" + o.field.value_or("general");
    objects.emplace_back(o.id, std::move(group));
  }
  MS_TRY(RunStore::InsertObjects(*tx, a.id, objects));
  a.object_count = static_cast<int64_t>(objects.size());
  MS_TRY(audit::Write(*tx, caller,
                      {"assess.create", "assessment", std::to_string(a.id), a.scope_org_id, std::nullopt,
                       AuditJson(a, json::object{{"objects", a.object_count}, {"name", a.name}})}));
  MS_TRY(tx.Commit());
  {
    std::lock_guard lock(mutex_);  // the version is frozen from now on
    compiled_.erase(stored->id);
  }
  return a;
}

// ---------------------------------------------------------------------------
// Run

Result<RunSummary> RunService::Run(const auth::Caller& caller, std::string_view period,
                                   std::string_view template_code) {
  const auto started = std::chrono::steady_clock::now();
  MS_ASSIGN_OR_RETURN(AdminTx admin, BeginAdmin(caller, period, template_code));
  db::Tx& tx = admin.tx;
  Assessment& a = admin.assessment;
  if (a.published())
    return Conflict("assessment.closed", "考核已发布，不能重新计算", "The assessment is published and cannot be rerun");
  MS_ASSIGN_OR_RETURN(auto compiled, LoadCompiled(*tx, a.template_id));
  const CompiledTemplate& ct = compiled->compiled;
  MS_ASSIGN_OR_RETURN(auto objects, RunStore::Objects(*tx, a.id));
  std::vector<int64_t> ids;
  ids.reserve(objects.size());
  for (const auto& o : objects) ids.push_back(o.object_id);

  // 1. Metrics from records (only the registered ones; others keep their stored values).
  RunSummary summary;
  if (metrics_.compute && metrics_.registered && !ids.empty()) {
    std::vector<std::string> keys;
    for (const auto& k : compiled->metric_keys) {
      if (metrics_.registered(k)) keys.push_back(k);
    }
    if (!keys.empty()) {
      MS_TRY(metrics_.compute(*tx, a.period, ids, keys));
      summary.metrics_computed = static_cast<int64_t>(keys.size());
    }
  }

  const auto t_metrics = std::chrono::steady_clock::now();
  // 2. Inputs, in sets.
  detail::InputSet inputs(ct.leaf_count(), ids, settings_);
  MS_TRY(inputs.Load(*tx, a, ct, compiled->leaves_by_metric, compiled->metric_keys, std::nullopt));
  std::unordered_map<int64_t, double> previous;
  {
    MS_ASSIGN_OR_RETURN(auto prev,
                        RunStore::PreviousTotals(*tx, a.period.Previous().ToString(), a.template_code, std::nullopt));
    previous.insert(prev.begin(), prev.end());
  }

  const auto t_inputs = std::chrono::steady_clock::now();
  // 3. Scores and score JSON, then ranks.
  std::vector<ObjectResult> results(objects.size());
  std::vector<ResultRow> rows(objects.size());
  ForEachSlice(objects.size(), settings_.score_threads, [&](size_t begin, size_t end) {
    std::vector<LeafInput> leaf_inputs;
    std::vector<uint8_t> flags;
    for (size_t i = begin; i < end; ++i) {
      inputs.Build(i, ct, leaf_inputs, flags);
      results[i] = detail::Score(ct, compiled->leaf_node, objects[i].object_id, objects[i].group_key, leaf_inputs,
                                 flags);
      if (auto it = previous.find(objects[i].object_id); it != previous.end()) results[i].previous_total = it->second;
      detail::AppendScoresJson(rows[i].scores_json, results[i], flags, ct);
      rows[i].result = &results[i];
    }
  });
  RankWithinGroups(results);

  const auto t_scores = std::chrono::steady_clock::now();
  const UtcTime now = Now();
  MS_TRY(RunStore::ReplaceResults(*tx, a.id, rows, now));
  MS_TRY(RunStore::SetComputed(*tx, a.id, now));
  a.computed_at = now;
  a.result_count = static_cast<int64_t>(results.size());
  MS_TRY(audit::Write(*tx, caller,
                      {"assess.run", "assessment", std::to_string(a.id), a.scope_org_id, std::nullopt,
                       AuditJson(a, json::object{{"objects", a.result_count},
                                     {"metrics_computed", summary.metrics_computed},
                                     {"computed_at", FormatUtc(now)}})}));
  MS_TRY(tx.Commit());
  summary.assessment = std::move(a);
  summary.assessment.version += 1;
  summary.objects = static_cast<int64_t>(results.size());
  const auto done = std::chrono::steady_clock::now();
  auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
  summary.millis = ms(done - started);
  spdlog::info("assessment run {} {}: {} objects in {:.0f} ms (template+metrics {:.0f}, inputs {:.0f}, scores {:.0f}, "
               "write+commit {:.0f})",
               summary.assessment.period.ToString(), summary.assessment.template_code, summary.objects,
               summary.millis, ms(t_metrics - started), ms(t_inputs - t_metrics), ms(t_scores - t_inputs),
               ms(done - t_scores));
  return summary;
}

// ---------------------------------------------------------------------------
// RecomputeObject

Result<Recomputed> RunService::RecomputeObject(db::Connection& tx, int64_t assessment_id, int64_t object_id) {
  MS_ASSIGN_OR_RETURN(Assessment a, Lookup(tx, assessment_id));
  if (a.status == "final")
    return Conflict("assessment.final", "考核已定稿，不能再修改", "The assessment is final and cannot change");
  MS_ASSIGN_OR_RETURN(auto object, RunStore::Object(tx, a.id, object_id));
  if (!object) return NotFoundError("考核对象", "Assessed object");
  MS_ASSIGN_OR_RETURN(auto compiled, LoadCompiled(tx, a.template_id));
  const CompiledTemplate& ct = compiled->compiled;

  detail::InputSet inputs(ct.leaf_count(), {object_id}, settings_);
  MS_TRY(inputs.Load(tx, a, ct, compiled->leaves_by_metric, compiled->metric_keys, object_id));
  std::vector<LeafInput> leaf_inputs;
  std::vector<uint8_t> flags;
  inputs.Build(0, ct, leaf_inputs, flags);
  Recomputed out;
  out.after = detail::Score(ct, compiled->leaf_node, object_id, object->group_key, leaf_inputs, flags);
  MS_ASSIGN_OR_RETURN(auto prev,
                      RunStore::PreviousTotals(tx, a.period.Previous().ToString(), a.template_code, object_id));
  if (!prev.empty()) out.after.previous_total = prev.front().second;

  MS_ASSIGN_OR_RETURN(auto before, RunStore::OneResult(tx, a.id, object_id));
  if (before) {
    out.total_before = before->first.total;
    out.rank_before = before->first.rank;
  }
  // Re-rank the group with the new total: only rows whose rank moved are written.
  MS_ASSIGN_OR_RETURN(auto members, RunStore::Group(tx, a.id, object->group_key));
  std::vector<ObjectResult> group;
  group.reserve(members.size() + 1);
  bool found = false;
  for (const auto& m : members) {
    ObjectResult r;
    r.object_id = m.object_id;
    r.group_key = object->group_key;
    if (m.object_id == object_id) {
      r.rounded = out.after.rounded;
      r.vetoed = out.after.vetoed;
      found = true;
    } else {
      r.rounded = m.rounded;
      r.vetoed = m.vetoed;
    }
    r.rank = m.rank;
    group.push_back(std::move(r));
  }
  if (!found && a.computed_at) {
    ObjectResult r;
    r.object_id = object_id;
    r.group_key = object->group_key;
    r.rounded = out.after.rounded;
    r.vetoed = out.after.vetoed;
    group.push_back(std::move(r));
  }
  std::vector<int> old_ranks;
  old_ranks.reserve(group.size());
  for (const auto& g : group) old_ranks.push_back(g.rank);
  const size_t old_size = members.size();
  RankWithinGroups(group);

  const UtcTime now = Now();
  for (size_t i = 0; i < group.size(); ++i) {
    if (group[i].object_id == object_id) {
      out.after.rank = group[i].rank;
      out.after.group_size = group[i].group_size;
      continue;
    }
    if (group[i].rank != old_ranks[i] || static_cast<size_t>(group[i].group_size) != old_size)
      MS_TRY(RunStore::SetRank(tx, a.id, group[i].object_id, group[i].rank, group[i].group_size));
  }
  ResultRow row;
  row.result = &out.after;
  detail::AppendScoresJson(row.scores_json, out.after, flags, ct);
  MS_TRY(RunStore::UpdateResult(tx, a.id, row, now));
  return out;
}

// ---------------------------------------------------------------------------
// Publish / Finalize

// The stored results of an assessment as the engine's types (for the hooks).
Result<std::vector<ObjectResult>> RunService::StoredResults(db::Connection& c, int64_t assessment_id) {
  MS_ASSIGN_OR_RETURN(auto ranking, RunStore::Ranking(c, assessment_id));
  std::unordered_map<int64_t, std::vector<NodeScore>> nodes;
  MS_TRY(RunStore::ForEachScores(c, assessment_id, [&](int64_t object_id, std::string_view text) {
    nodes[object_id] = detail::ParseScoresJson(text);
  }));
  std::vector<ObjectResult> results;
  results.reserve(ranking.size());
  for (const auto& s : ranking) {
    ObjectResult r;
    r.object_id = s.object_id;
    r.group_key = s.group_key;
    r.total = s.total;
    r.rounded = s.rounded;
    r.grade = GradeFromStored(s.grade);
    r.colour = ParseColour(s.colour).value_or(Colour::kRed);
    r.vetoed = s.vetoed;
    r.rank = s.rank;
    r.group_size = s.group_size;
    r.previous_total = s.previous_total;
    if (auto it = nodes.find(s.object_id); it != nodes.end()) r.nodes = std::move(it->second);
    results.push_back(std::move(r));
  }
  return results;
}

Result<Assessment> RunService::Publish(const auth::Caller& caller, std::string_view period,
                                       std::string_view template_code) {
  const auth::Principal& who = *caller.principal;
  MS_ASSIGN_OR_RETURN(AdminTx admin, BeginAdmin(caller, period, template_code));
  db::Tx& tx = admin.tx;
  Assessment& a = admin.assessment;
  if (a.published())
    return Conflict("assessment.closed", "考核已发布", "The assessment is already published");
  if (!a.computed_at)
    return Conflict("assessment.not_computed", "考核尚未计算，请先运行", "The assessment has not been run yet");
  const UtcTime now = Now();
  const UtcTime appeal_until = now.PlusSeconds(int64_t{settings_.appeal_days} * 86400);
  MS_ASSIGN_OR_RETURN(const bool changed, RunStore::SetPublished(*tx, a.id, now, appeal_until));
  if (!changed) return Conflict("assessment.closed", "考核已发布", "The assessment is already published");
  const std::string before_status = a.status;
  a.status = "published";
  a.published_at = now;
  a.appeal_until = appeal_until;
  a.version += 1;
  MS_ASSIGN_OR_RETURN(auto compiled, LoadCompiled(*tx, a.template_id));
  MS_ASSIGN_OR_RETURN(auto ranking, RunStore::Ranking(*tx, a.id));
  std::unordered_map<int64_t, std::vector<NodeScore>> nodes;
  MS_TRY(RunStore::ForEachScores(*tx, a.id, [&](int64_t object_id, std::string_view text) {
    nodes[object_id] = detail::ParseScoresJson(text);
  }));
  const std::string body = detail::BulletinJson(a, compiled->compiled, ranking, nodes);
  MS_TRY(RunStore::SaveBulletin(*tx, a.id, body, who.user_id != 0 ? std::optional<int64_t>(who.user_id) : std::nullopt,
                                now));
  if (publish_hook_) {
    MS_ASSIGN_OR_RETURN(auto results, StoredResults(*tx, a.id));
    MS_TRY(publish_hook_(*tx, a, results));
  }
  MS_TRY(audit::Write(*tx, caller,
                      {"assess.publish", "assessment", std::to_string(a.id), a.scope_org_id,
                       json::serialize(json::object{{"status", before_status}}),
                       AuditJson(a, json::object{{"appeal_until", FormatUtc(appeal_until)}})}));
  MS_TRY(tx.Commit());
  return a;
}

Result<Assessment> RunService::Finalize(const auth::Caller& caller, std::string_view period,
                                        std::string_view template_code) {
  MS_ASSIGN_OR_RETURN(AdminTx admin, BeginAdmin(caller, period, template_code));
  db::Tx& tx = admin.tx;
  Assessment& a = admin.assessment;
  if (a.status != "published")
    return Conflict("assessment.not_published", "只有已发布的考核可以定稿", "Only a published assessment can be finalized");
  const UtcTime now = Now();
  MS_ASSIGN_OR_RETURN(const bool changed, RunStore::SetFinal(*tx, a.id, now));
  if (!changed)
    return Conflict("assessment.not_published", "只有已发布的考核可以定稿", "Only a published assessment can be finalized");
  a.status = "final";
  a.finalized_at = now;
  a.version += 1;
  if (finalize_hook_) {
    MS_ASSIGN_OR_RETURN(auto results, StoredResults(*tx, a.id));
    MS_TRY(finalize_hook_(*tx, a, results));
  }
  MS_TRY(audit::Write(*tx, caller,
                      {"assess.finalize", "assessment", std::to_string(a.id), a.scope_org_id,
                       json::serialize(json::object{{"status", "published"}}), AuditJson(a, json::object{})}));
  MS_TRY(tx.Commit());
  return a;
}

// ---------------------------------------------------------------------------
// Reads

namespace {

// Who may see what of one assessment.
struct View {
  bool any = false;           // the assessment is visible at all
  bool whole_ranking = false;  // published and the caller's scope overlaps
  std::unordered_set<int64_t> expert_objects;
  bool expert = false;

  bool Detail(const auth::Principal& p, const std::string& object_path, int64_t object_id) const {
    if (auth::CanOn(p, auth::Action::kAssessRead, object_path)) return true;
    return expert && expert_objects.contains(object_id);
  }
};

Result<View> ViewOf(db::Connection& c, const auth::Principal& p, const Assessment& a) {
  const bool reader = auth::Can(p, auth::Action::kAssessRead);
  const bool expert = auth::Can(p, auth::Action::kAssessExpert);
  if (!reader && !expert) return ForbiddenError();
  View v;
  if (reader && ScopeOverlaps(p, auth::Action::kAssessRead, a.scope_path)) {
    v.any = true;
    v.whole_ranking = a.published();
  }
  if (expert) {
    v.expert = true;
    MS_ASSIGN_OR_RETURN(auto ids, RunStore::ExpertObjects(c, a.id, p.user_id));
    v.expert_objects.insert(ids.begin(), ids.end());
    if (!ids.empty()) v.any = true;
  }
  if (!v.any) return AssessmentNotFound();
  return v;
}

}  // namespace

Result<std::vector<Assessment>> RunService::List(const auth::Principal& who,
                                                 const std::optional<std::string>& period,
                                                 const std::optional<std::string>& template_code,
                                                 const std::optional<std::string>& status) {
  if (!auth::Can(who, auth::Action::kAssessRead) && !auth::Can(who, auth::Action::kAssessExpert))
    return ForbiddenError();
  std::optional<std::string> period_text;
  if (period) {
    MS_ASSIGN_OR_RETURN(const Period p, ParsePeriod(*period));
    period_text = p.ToString();
  }
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  MS_ASSIGN_OR_RETURN(auto all, RunStore::List(*conn, period_text, template_code, status));
  std::vector<Assessment> out;
  for (auto& a : all) {
    auto v = ViewOf(*conn, who, a);
    if (v.ok()) out.push_back(std::move(a));
  }
  return out;
}

Result<Assessment> RunService::Get(const auth::Principal& who, std::string_view period,
                                   std::string_view template_code) {
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  MS_ASSIGN_OR_RETURN(Assessment a, Find(*conn, period, template_code));
  MS_TRY(ViewOf(*conn, who, a));
  return a;
}

Result<Ranking> RunService::Results(const auth::Principal& who, std::string_view period,
                                    std::string_view template_code, const ResultsFilter& filter) {
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  MS_ASSIGN_OR_RETURN(Assessment a, Find(*conn, period, template_code));
  MS_ASSIGN_OR_RETURN(const View v, ViewOf(*conn, who, a));
  MS_ASSIGN_OR_RETURN(auto stored, RunStore::Ranking(*conn, a.id));
  Ranking out;
  for (const auto& s : stored) {
    const bool detail = v.Detail(who, s.path, s.object_id);
    if (!detail && !v.whole_ranking) continue;
    RankingRow row = ToRow(s);
    row.detail = detail;
    if (filter.group && row.group_key != *filter.group) continue;
    if (filter.colour && row.colour != *filter.colour) continue;
    if (filter.grade && row.grade != *filter.grade) continue;
    out.rows.push_back(std::move(row));
  }
  out.assessment = std::move(a);
  return out;
}

Result<std::string> RunService::Bulletin(const auth::Principal& who, std::string_view period,
                                         std::string_view template_code) {
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  MS_ASSIGN_OR_RETURN(Assessment a, Find(*conn, period, template_code));
  MS_ASSIGN_OR_RETURN(const View v, ViewOf(*conn, who, a));
  if (!v.whole_ranking && !who.is_system) return NotFoundError("考核通报", "Bulletin");
  MS_ASSIGN_OR_RETURN(auto body, RunStore::Bulletin(*conn, a.id));
  if (!body) return NotFoundError("考核通报", "Bulletin");
  return std::move(*body);
}

// ---------------------------------------------------------------------------
// Explain

Result<Explanation> RunService::Explain(const auth::Principal& who, std::string_view period,
                                        std::string_view template_code, std::string_view object,
                                        const std::optional<std::string>& node) {
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  MS_ASSIGN_OR_RETURN(Assessment a, Find(*conn, period, template_code));
  MS_ASSIGN_OR_RETURN(const View v, ViewOf(*conn, who, a));
  MS_ASSIGN_OR_RETURN(auto objects, RunStore::Objects(*conn, a.id));
  const AssessObject* obj = nullptr;
  int64_t wanted_id = 0;
  const bool numeric = !object.empty() && std::all_of(object.begin(), object.end(), [](char ch) {
    return ch >= '0' && ch <= '9';
  });
  if (numeric) std::from_chars(object.data(), object.data() + object.size(), wanted_id);
  for (const auto& o : objects) {
    if ((numeric && o.object_id == wanted_id) || o.code == object) {
      obj = &o;
      break;
    }
  }
  if (obj == nullptr || !v.Detail(who, obj->path, obj->object_id)) return NotFoundError("考核对象", "Assessed object");
  MS_ASSIGN_OR_RETURN(auto stored, RunStore::OneResult(*conn, a.id, obj->object_id));
  if (!stored)
    return Conflict("assessment.not_computed", "考核尚未计算，请先运行", "The assessment has not been run yet");
  MS_ASSIGN_OR_RETURN(auto compiled, LoadCompiled(*conn, a.template_id));

  Explanation out;
  StoredResult s = stored->first;
  s.code = obj->code;
  s.name = obj->name;
  s.group_key = obj->group_key;
  out.result = ToRow(s);
  out.result.detail = true;
  out.total_points = compiled->compiled.source().total_points;
  std::vector<std::vector<std::string>> flags;
  const std::vector<NodeScore> scores = detail::ParseScoresJson(stored->second, &flags);
  detail::ExplainContext ctx{*conn, a, *obj, compiled->compiled, scores, flags, metrics_, settings_};
  MS_ASSIGN_OR_RETURN(out.nodes, detail::ExplainTree(ctx, node));
  out.note_zh = "缺失的指标按 0 分计入（不作为不适用剔除）；不适用的指标剔除后其余按总分折算。";
  out.note_en =
      "A missing input scores 0 of its points (it is not left out as not applicable); not-applicable "
      "indicators are left out and the rest rescaled to the total.";
  out.assessment = std::move(a);
  return out;
}

// ---------------------------------------------------------------------------
// What-if

Result<WhatIfResult> RunService::WhatIf(const auth::Principal& who, std::string_view period,
                                        std::string_view template_code, const WhatIfDraft& draft) {
  MS_TRY(auth::Require(who, auth::Action::kAssessAdmin));
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  MS_ASSIGN_OR_RETURN(Assessment a, Find(*conn, period, template_code));
  MS_TRY(auth::RequireOn(who, auth::Action::kAssessAdmin, a.scope_path, "考核", "Assessment"));
  if (draft.version.has_value() == draft.document.has_value())
    return ValidationError({{"version", "one_of", "请给出 version 或 template 之一", "give either version or template"}});
  MS_ASSIGN_OR_RETURN(auto current, LoadCompiled(*conn, a.template_id));
  WhatIfResult out;
  std::shared_ptr<const Compiled> draft_compiled;
  if (draft.version) {
    MS_ASSIGN_OR_RETURN(auto stored, RunStore::TemplateByVersion(*conn, a.template_code, *draft.version));
    if (!stored) return NotFoundError("模板版本", "Template version");
    MS_ASSIGN_OR_RETURN(draft_compiled, LoadCompiled(*conn, stored->id));
    out.draft_version = stored->version;
  } else {
    // Leaves may name indicators of the document or of the current version's snapshot.
    MS_ASSIGN_OR_RETURN(auto parsed, CompileDoc(*draft.document, current->doc.Lookup()));
    draft_compiled = std::make_shared<const Compiled>(std::move(parsed.first), std::move(parsed.second));
  }
  const CompiledTemplate& ct = draft_compiled->compiled;
  out.draft_code = ct.source().code;

  MS_ASSIGN_OR_RETURN(auto objects, RunStore::Objects(*conn, a.id));
  std::vector<int64_t> ids;
  for (const auto& o : objects) ids.push_back(o.object_id);
  detail::InputSet inputs(ct.leaf_count(), ids, settings_);
  MS_TRY(inputs.Load(*conn, a, ct, draft_compiled->leaves_by_metric, draft_compiled->metric_keys, std::nullopt));
  std::vector<ObjectResult> results;
  std::vector<LeafInput> leaf_inputs;
  std::vector<uint8_t> flags;
  for (size_t i = 0; i < objects.size(); ++i) {
    inputs.Build(i, ct, leaf_inputs, flags);
    results.push_back(detail::Score(ct, draft_compiled->leaf_node, objects[i].object_id, objects[i].group_key,
                                    leaf_inputs, flags));
  }
  RankWithinGroups(results);
  MS_ASSIGN_OR_RETURN(auto stored, RunStore::Ranking(*conn, a.id));
  std::unordered_map<int64_t, const StoredResult*> by_id;
  for (const auto& s : stored) by_id[s.object_id] = &s;
  for (size_t i = 0; i < objects.size(); ++i) {
    const ObjectResult& r = results[i];
    WhatIfRow row;
    row.object_id = r.object_id;
    row.code = objects[i].code;
    row.name = objects[i].name;
    row.group_key = r.group_key;
    row.total = r.total;
    row.rounded = r.rounded;
    row.grade = r.grade;
    row.colour = r.colour;
    row.rank = r.rank;
    row.group_size = r.group_size;
    if (auto it = by_id.find(r.object_id); it != by_id.end()) {
      row.current = ToRow(*it->second);
      row.current->detail = true;
      row.total_change = r.rounded - row.current->rounded;
      row.rank_change = row.current->rank - r.rank;
    }
    out.rows.push_back(std::move(row));
  }
  std::sort(out.rows.begin(), out.rows.end(), [](const WhatIfRow& x, const WhatIfRow& y) {
    if (x.group_key != y.group_key) return x.group_key < y.group_key;
    if (x.rank != y.rank) return x.rank < y.rank;
    return x.code < y.code;
  });
  out.assessment = std::move(a);
  return out;
}

}  // namespace minsheng::assessment
