// The JSON forms of the inputs from people, shared by the API (input_routes)
// and the audit log (input_service). Times are RFC 3339 UTC.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "assessment/input_model.h"

namespace minsheng::assessment {

std::string InputJson(const Input& i);
std::string InputPairJson(const InputPair& p);
std::string FileJson(const EvidenceFile& f);
std::string SelfCheckJson(const SelfCheck& s);
// The stored form of a draft's items (assess_submissions.draft_items) and back;
// text that does not parse reads as no items.
std::string DraftItemsJson(const std::vector<DraftItem>& items);
std::vector<DraftItem> ParseDraftItems(std::string_view text);
std::string AssignmentJson(const ExpertAssignment& a);
std::string ExpertScoreJson(const ExpertScore& s);
std::string ExpertTaskJson(const ExpertTask& t);
std::string ProgressJson(const ExpertProgress& p);
std::string AppealJson(const Appeal& a);

// {"items":[…]} of already serialized items.
template <typename T, typename F>
std::string ItemsJson(const std::vector<T>& items, F&& to_json) {
  std::string out = "{\"items\":[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += to_json(items[i]);
  }
  out += "]}";
  return out;
}

}  // namespace minsheng::assessment
