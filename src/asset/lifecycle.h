// The life cycle of an asset card: its states, the events that happen to it,
// which event may happen in which state, and the closed-form depreciation.
// Pure functions; thread-safe.
//
// States (DOMAIN.md): 在用 in use · 出租 leased · 出借 lent · 闲置 idle · 在仓 in
// the pool · 维修中 under repair · 待处置 pending disposal · 已处置 disposed
// (final) · 在建 under construction (a project asset before hand-over).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/money.h"

namespace minsheng::asset {

enum class State {
  kInUse,
  kLeased,
  kLent,
  kIdle,
  kInPool,
  kUnderRepair,
  kPendingDisposal,
  kDisposed,
  kUnderConstruction,
};
inline constexpr int kStateCount = 9;
std::string_view StateName(State s);       // "in_use", …
std::string_view StateNameZh(State s);     // "在用", …
std::optional<State> ParseState(std::string_view s);  // either name

// Every event is one row of the card's history. The asset register issue
// writes register … back_in_use; transfers, the pool, leasing, repairs,
// counts, revaluation and disposal are written by later modules through the
// same table and the same transition check.
enum class Event {
  kRegister,
  kEdit,
  kAssign,             // custodian / department / manager change (交接)
  kRelocate,
  kMarkIdle,
  kBackInUse,
  kTransferOut,        // 调拨 to another unit
  kTransferIn,
  kPoolIn,             // 入公物仓
  kPoolOut,
  kLeaseStart,
  kLeaseEnd,
  kLendStart,
  kLendEnd,
  kRepairStart,
  kRepairEnd,
  kCountResult,        // 盘点
  kRevalue,            // revaluation or improvement
  kMarkPendingDisposal,
  kCancelDisposal,
  kDispose,
  kHandOver,           // 在建 → 在用 when a project delivers
};
std::string_view EventName(Event e);
std::optional<Event> ParseEvent(std::string_view s);

// The state after `event` in `from`; empty when the event is not allowed
// there. Events that do not change the state return `from`.
std::optional<State> Transition(State from, Event event);
// The states an asset may be registered in.
bool IsRegistrableState(State s);

enum class DepreciationMethod { kStraightLine, kUnitsOfWork, kNone };
std::string_view DepreciationMethodName(DepreciationMethod m);
std::optional<DepreciationMethod> ParseDepreciationMethod(std::string_view s);

// When depreciation starts: the month of acquisition (当月, the default
// reading of the government rule) or the month after.
enum class DepreciationStart { kSameMonth, kNextMonth };

struct DepreciationAt {
  Fen accumulated;  // 累计折旧
  Fen net;          // 净值
  int months = 0;   // months depreciated so far
  bool fully = false;
};

// Straight line, monthly, no residual value: after m of n months the
// accumulated amount is floor(original × m / n), so the last month absorbs
// the rounding and the net value reaches exactly zero. Months counted up to
// and including the month of `at`. kNone and kUnitsOfWork (which needs the
// usage records of the full engine) leave the value undepreciated.
DepreciationAt ComputeDepreciation(Fen original, Date acquired, int life_months, DepreciationMethod method,
                                   DepreciationStart start, Date at);

}  // namespace minsheng::asset
