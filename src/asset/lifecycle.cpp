#include "asset/lifecycle.h"

#include <algorithm>
#include <array>

namespace minsheng::asset {
namespace {

struct StateInfo {
  std::string_view name;
  std::string_view zh;
};
constexpr std::array<StateInfo, kStateCount> kStates = {{
    {"in_use", "在用"},
    {"leased", "出租"},
    {"lent", "出借"},
    {"idle", "闲置"},
    {"in_pool", "在仓"},
    {"under_repair", "维修中"},
    {"pending_disposal", "待处置"},
    {"disposed", "已处置"},
    {"under_construction", "在建"},
}};

constexpr std::array<std::string_view, 22> kEvents = {
    "register",      "edit",        "assign",       "relocate",   "mark_idle",
    "back_in_use",   "transfer_out", "transfer_in", "pool_in",    "pool_out",
    "lease_start",   "lease_end",   "lend_start",   "lend_end",   "repair_start",
    "repair_end",    "count_result", "revalue",     "mark_pending_disposal",
    "cancel_disposal", "dispose",   "hand_over"};

using S = State;
using E = Event;

struct Rule {
  Event event;
  std::vector<State> from;  // empty: any state but disposed
  std::optional<State> to;  // empty: unchanged
};

// The transition table. One place to read what may happen when.
const std::vector<Rule>& Rules() {
  static const std::vector<Rule> kRules = {
      {E::kEdit, {}, std::nullopt},
      {E::kAssign, {}, std::nullopt},
      {E::kRelocate, {}, std::nullopt},
      {E::kCountResult, {}, std::nullopt},
      {E::kRevalue, {}, std::nullopt},
      {E::kMarkIdle, {S::kInUse}, S::kIdle},
      {E::kBackInUse, {S::kIdle}, S::kInUse},
      {E::kTransferOut, {S::kInUse, S::kIdle, S::kInPool}, std::nullopt},
      {E::kTransferIn, {S::kInUse, S::kIdle, S::kInPool}, std::nullopt},
      {E::kPoolIn, {S::kInUse, S::kIdle, S::kPendingDisposal}, S::kInPool},
      {E::kPoolOut, {S::kInPool}, S::kInUse},
      {E::kLeaseStart, {S::kInUse, S::kIdle}, S::kLeased},
      {E::kLeaseEnd, {S::kLeased}, S::kInUse},
      {E::kLendStart, {S::kInUse, S::kIdle}, S::kLent},
      {E::kLendEnd, {S::kLent}, S::kInUse},
      {E::kRepairStart, {S::kInUse, S::kIdle, S::kLent}, S::kUnderRepair},
      {E::kRepairEnd, {S::kUnderRepair}, S::kInUse},
      {E::kMarkPendingDisposal, {S::kInUse, S::kIdle, S::kInPool, S::kUnderRepair}, S::kPendingDisposal},
      {E::kCancelDisposal, {S::kPendingDisposal}, S::kIdle},
      {E::kDispose, {S::kPendingDisposal}, S::kDisposed},
      {E::kHandOver, {S::kUnderConstruction}, S::kInUse},
  };
  return kRules;
}

}  // namespace

std::string_view StateName(State s) { return kStates[static_cast<size_t>(s)].name; }
std::string_view StateNameZh(State s) { return kStates[static_cast<size_t>(s)].zh; }

std::optional<State> ParseState(std::string_view s) {
  for (size_t i = 0; i < kStates.size(); ++i) {
    if (kStates[i].name == s || kStates[i].zh == s) return static_cast<State>(i);
  }
  return std::nullopt;
}

std::string_view EventName(Event e) { return kEvents[static_cast<size_t>(e)]; }

std::optional<Event> ParseEvent(std::string_view s) {
  for (size_t i = 0; i < kEvents.size(); ++i) {
    if (kEvents[i] == s) return static_cast<Event>(i);
  }
  return std::nullopt;
}

bool IsRegistrableState(State s) {
  return s == S::kInUse || s == S::kIdle || s == S::kUnderConstruction || s == S::kLeased || s == S::kLent ||
         s == S::kUnderRepair;
}

std::optional<State> Transition(State from, Event event) {
  if (from == S::kDisposed) return std::nullopt;  // final
  if (event == E::kRegister) return std::nullopt;  // only for new cards
  for (const auto& rule : Rules()) {
    if (rule.event != event) continue;
    const bool allowed =
        rule.from.empty() || std::find(rule.from.begin(), rule.from.end(), from) != rule.from.end();
    if (!allowed) return std::nullopt;
    return rule.to.value_or(from);
  }
  return std::nullopt;
}

std::string_view DepreciationMethodName(DepreciationMethod m) {
  switch (m) {
    case DepreciationMethod::kStraightLine:
      return "straight_line";
    case DepreciationMethod::kUnitsOfWork:
      return "units_of_work";
    case DepreciationMethod::kNone:
      return "none";
  }
  return "none";
}

std::optional<DepreciationMethod> ParseDepreciationMethod(std::string_view s) {
  if (s == "straight_line" || s == "年限平均法") return DepreciationMethod::kStraightLine;
  if (s == "units_of_work" || s == "工作量法") return DepreciationMethod::kUnitsOfWork;
  if (s == "none" || s == "不计提") return DepreciationMethod::kNone;
  return std::nullopt;
}

DepreciationAt ComputeDepreciation(Fen original, Date acquired, int life_months, DepreciationMethod method,
                                   DepreciationStart start, Date at) {
  DepreciationAt out;
  out.net = original;
  if (method != DepreciationMethod::kStraightLine || life_months <= 0 || original.value <= 0) return out;
  const int first = acquired.MonthIndex() + (start == DepreciationStart::kNextMonth ? 1 : 0);
  const int months = std::clamp(at.MonthIndex() - first + 1, 0, life_months);
  // original × months fits in int64 for any realistic value (< 9.2e16 fen after × 1200 months).
  out.months = months;
  out.accumulated = Fen{original.value / life_months * months +
                        original.value % life_months * months / life_months};
  out.net = original - out.accumulated;
  out.fully = months == life_months;
  return out;
}

}  // namespace minsheng::asset
