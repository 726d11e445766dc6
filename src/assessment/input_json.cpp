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

std::string SelfCheckJson(const SelfCheck& s) {
  return json::serialize(json::object{{"object_id", s.object_id},
                                      {"object_code", s.object_code},
                                      {"object_name", s.object_name},
                                      {"status", s.status},
                                      {"remarks", Opt(s.remarks)},
                                      {"submitted_by", Opt(s.submitted_by)},
                                      {"submitted_at", OptTime(s.submitted_at)},
                                      {"late", s.late},
                                      {"due", OptTime(s.due)}});
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
  o["indicators"] = std::move(indicators);
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
