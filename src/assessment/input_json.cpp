#include "assessment/input_json.h"

#include <boost/json.hpp>

namespace minsheng::assessment {

namespace json = boost::json;

namespace {

template <typename T>
json::value Opt(const std::optional<T>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}
json::value OptTime(const std::optional<UtcTime>& t) { return t ? json::value(FormatUtc(*t)) : json::value(nullptr); }

json::object InputObject(const Input& i) {
  return json::object{{"id", i.id},
                      {"object_id", i.object_id},
                      {"object_code", i.object_code},
                      {"object_name", i.object_name},
                      {"indicator", i.indicator_code},
                      {"role", InputRoleName(i.role)},
                      {"value", Opt(i.value)},
                      {"not_applicable", i.not_applicable},
                      {"remark", Opt(i.remark)},
                      {"status", InputStatusName(i.status)},
                      {"submitted_by", Opt(i.submitted_by)},
                      {"submitted_at", FormatUtc(i.submitted_at)},
                      {"reviewed_by", Opt(i.reviewed_by)},
                      {"reviewed_at", OptTime(i.reviewed_at)},
                      {"review_reason", Opt(i.review_reason)},
                      {"version", i.version},
                      {"file_count", i.file_count}};
}

}  // namespace

std::string InputJson(const Input& i) { return json::serialize(InputObject(i)); }

std::string InputPairJson(const InputPair& p) {
  return json::serialize(json::object{
      {"object_id", p.object_id},
      {"object_code", p.object_code},
      {"object_name", p.object_name},
      {"indicator", p.indicator_code},
      {"self", p.self ? json::value(InputObject(*p.self)) : json::value(nullptr)},
      {"supervisor", p.supervisor ? json::value(InputObject(*p.supervisor)) : json::value(nullptr)},
      {"gap", Opt(p.gap)},
      {"gap_flag", p.gap_flag}});
}

std::string FileJson(const EvidenceFile& f) {
  return json::serialize(json::object{{"id", f.id},
                                      {"owner_kind", FileOwnerName(f.owner_kind)},
                                      {"owner_id", f.owner_id},
                                      {"object_id", f.object_id},
                                      {"file_name", f.file_name},
                                      {"content_type", f.content_type},
                                      {"size_bytes", f.size_bytes},
                                      {"sha256", f.sha256},
                                      {"uploaded_by", Opt(f.uploaded_by)},
                                      {"uploaded_at", FormatUtc(f.uploaded_at)}});
}

namespace {
json::object DraftItemObject(const DraftItem& d) {
  return json::object{{"indicator", d.indicator_code},
                      {"value", Opt(d.value)},
                      {"not_applicable", d.not_applicable},
                      {"remark", Opt(d.remark)},
                      {"version", Opt(d.version)}};
}
json::array DraftItemsArray(const std::vector<DraftItem>& items) {
  json::array out;
  for (const auto& d : items) out.push_back(DraftItemObject(d));
  return out;
}
}  // namespace

std::string DraftItemsJson(const std::vector<DraftItem>& items) { return json::serialize(DraftItemsArray(items)); }

std::vector<DraftItem> ParseDraftItems(std::string_view text) {
  std::vector<DraftItem> out;
  boost::system::error_code ec;
  const json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& e : v.as_array()) {
    if (!e.is_object()) continue;
    const json::object& o = e.as_object();
    DraftItem d;
    if (const auto* c = o.if_contains("indicator"); c != nullptr && c->is_string()) d.indicator_code = c->as_string();
    if (const auto* x = o.if_contains("value"); x != nullptr && x->is_number()) d.value = x->to_number<double>();
    if (const auto* x = o.if_contains("not_applicable"); x != nullptr && x->is_bool()) d.not_applicable = x->as_bool();
    if (const auto* x = o.if_contains("remark"); x != nullptr && x->is_string()) d.remark = std::string(x->as_string());
    if (const auto* x = o.if_contains("version"); x != nullptr && x->is_int64()) d.version = x->as_int64();
    out.push_back(std::move(d));
  }
  return out;
}

std::string SelfCheckJson(const SelfCheck& s) {
  return json::serialize(json::object{{"object_id", s.object_id},
                                      {"object_code", s.object_code},
                                      {"object_name", s.object_name},
                                      {"status", s.status},
                                      {"remarks", Opt(s.remarks)},
                                      {"submitted_by", Opt(s.submitted_by)},
                                      {"submitted_at", OptTime(s.submitted_at)},
                                      {"late", s.late},
                                      {"due", OptTime(s.due)},
                                      {"draft_items", DraftItemsArray(s.draft_items)},
                                      {"draft_saved_by", Opt(s.draft_saved_by)},
                                      {"draft_saved_at", OptTime(s.draft_saved_at)}});
}

namespace {
json::object AssignmentObject(const ExpertAssignment& a) {
  return json::object{{"expert_user_id", a.expert_user_id}, {"expert_name", a.expert_name},
                      {"object_id", a.object_id},           {"object_code", a.object_code},
                      {"object_name", a.object_name},       {"assigned_by", Opt(a.assigned_by)},
                      {"assigned_at", FormatUtc(a.assigned_at)}};
}
json::object ScoreObject(const ExpertScore& s) {
  return json::object{{"expert_user_id", s.expert_user_id}, {"object_id", s.object_id},
                      {"indicator", s.indicator_code},      {"share", s.share},
                      {"comment", Opt(s.comment)},          {"scored_at", FormatUtc(s.scored_at)}};
}
json::object ProgressObject(const Progress& p) {
  return json::object{{"id", p.id}, {"label", p.label}, {"scored", p.scored}, {"expected", p.expected},
                      {"progress", p.ratio}};
}
}  // namespace

std::string AssignmentJson(const ExpertAssignment& a) { return json::serialize(AssignmentObject(a)); }
std::string ExpertScoreJson(const ExpertScore& s) { return json::serialize(ScoreObject(s)); }

std::string ExpertTaskJson(const ExpertTask& t) {
  json::object o = AssignmentObject(t.assignment);
  json::array indicators;
  for (const auto& c : t.indicators) indicators.emplace_back(c);
  json::array scores;
  for (const auto& s : t.scores) scores.push_back(ScoreObject(s));
  json::array details;
  for (const auto& d : t.details) {
    details.push_back(json::object{{"code", d.code},
                                   {"name_zh", d.name_zh},
                                   {"name_en", d.name_en},
                                   {"node_code", d.node_code},
                                   {"node_name_zh", d.node_name_zh},
                                   {"node_name_en", d.node_name_en},
                                   {"points", d.points},
                                   {"description", d.description},
                                   {"tiers", json::object{{"achieved", d.achieved}, {"partly", d.partly}}}});
  }
  o["indicators"] = std::move(indicators);
  o["indicator_details"] = std::move(details);
  o["scores"] = std::move(scores);
  return json::serialize(o);
}

std::string ProgressJson(const ExpertProgress& p) {
  json::array experts, objects;
  for (const auto& e : p.by_expert) experts.push_back(ProgressObject(e));
  for (const auto& o : p.by_object) objects.push_back(ProgressObject(o));
  return json::serialize(json::object{
      {"indicator_count", p.indicator_count}, {"by_expert", std::move(experts)}, {"by_object", std::move(objects)}});
}

std::string AppealJson(const Appeal& a) {
  return json::serialize(json::object{{"id", a.id},
                                      {"object_id", a.object_id},
                                      {"object_code", a.object_code},
                                      {"object_name", a.object_name},
                                      {"indicator", a.indicator_code},
                                      {"reason", a.reason},
                                      {"requested_value", Opt(a.requested_value)},
                                      {"status", a.status},
                                      {"filed_by", Opt(a.filed_by)},
                                      {"filed_at", FormatUtc(a.filed_at)},
                                      {"decided_by", Opt(a.decided_by)},
                                      {"decided_at", OptTime(a.decided_at)},
                                      {"decision_reason", Opt(a.decision_reason)},
                                      {"decided_value", Opt(a.decided_value)},
                                      {"decided_not_applicable", a.decided_not_applicable},
                                      {"score_before", Opt(a.score_before)},
                                      {"score_after", Opt(a.score_after)},
                                      {"rank_before", Opt(a.rank_before)},
                                      {"rank_after", Opt(a.rank_after)},
                                      {"file_count", a.file_count}});
}

}  // namespace minsheng::assessment
