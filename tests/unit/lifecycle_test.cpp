#include "asset/lifecycle.h"

#include <gtest/gtest.h>

namespace minsheng::asset {
namespace {

TEST(LifecycleTest, NamesRoundTrip) {
  for (int i = 0; i < kStateCount; ++i) {
    const auto s = static_cast<State>(i);
    EXPECT_EQ(ParseState(StateName(s)), s);
    EXPECT_EQ(ParseState(StateNameZh(s)), s);
  }
  for (int i = 0; i <= static_cast<int>(Event::kHandOver); ++i) {
    const auto e = static_cast<Event>(i);
    EXPECT_EQ(ParseEvent(EventName(e)), e);
  }
}

TEST(LifecycleTest, IdleAndBack) {
  EXPECT_EQ(Transition(State::kInUse, Event::kMarkIdle), State::kIdle);
  EXPECT_EQ(Transition(State::kIdle, Event::kBackInUse), State::kInUse);
  EXPECT_EQ(Transition(State::kLeased, Event::kMarkIdle), std::nullopt);
  EXPECT_EQ(Transition(State::kInUse, Event::kBackInUse), std::nullopt);
}

TEST(LifecycleTest, EditsKeepTheStateButNotAfterDisposal) {
  for (int i = 0; i < kStateCount; ++i) {
    const auto s = static_cast<State>(i);
    if (s == State::kDisposed) {
      EXPECT_EQ(Transition(s, Event::kEdit), std::nullopt);
      EXPECT_EQ(Transition(s, Event::kAssign), std::nullopt);
    } else {
      EXPECT_EQ(Transition(s, Event::kEdit), s);
      EXPECT_EQ(Transition(s, Event::kRelocate), s);
    }
  }
}

TEST(LifecycleTest, DisposalNeedsThePendingStep) {
  EXPECT_EQ(Transition(State::kInUse, Event::kDispose), std::nullopt);
  EXPECT_EQ(Transition(State::kInUse, Event::kMarkPendingDisposal), State::kPendingDisposal);
  EXPECT_EQ(Transition(State::kPendingDisposal, Event::kDispose), State::kDisposed);
  EXPECT_EQ(Transition(State::kPendingDisposal, Event::kCancelDisposal), State::kIdle);
}

TEST(LifecycleTest, LaterModulesTransitionsAreAlreadyKnown) {
  EXPECT_EQ(Transition(State::kIdle, Event::kPoolIn), State::kInPool);
  EXPECT_EQ(Transition(State::kInPool, Event::kPoolOut), State::kInUse);
  EXPECT_EQ(Transition(State::kInUse, Event::kLeaseStart), State::kLeased);
  EXPECT_EQ(Transition(State::kLent, Event::kLendEnd), State::kInUse);
  EXPECT_EQ(Transition(State::kInUse, Event::kRepairStart), State::kUnderRepair);
  EXPECT_EQ(Transition(State::kUnderConstruction, Event::kHandOver), State::kInUse);
  EXPECT_EQ(Transition(State::kInUse, Event::kTransferOut), State::kInUse);
  EXPECT_EQ(Transition(State::kLeased, Event::kTransferOut), std::nullopt);
  EXPECT_EQ(Transition(State::kInUse, Event::kRegister), std::nullopt);
}

TEST(DepreciationTest, StraightLineSameMonthReachesZeroExactly) {
  // 10,000.00 yuan over 6 years (72 months), acquired 2020-03-15.
  const Fen cost{1'000'000};
  const Date acquired = MakeDate(2020, 3, 15);
  const auto first = ComputeDepreciation(cost, acquired, 72, DepreciationMethod::kStraightLine,
                                         DepreciationStart::kSameMonth, MakeDate(2020, 3, 31));
  EXPECT_EQ(first.months, 1);
  EXPECT_EQ(first.accumulated, Fen{13888});  // floor(1,000,000 / 72)
  const auto year = ComputeDepreciation(cost, acquired, 72, DepreciationMethod::kStraightLine,
                                        DepreciationStart::kSameMonth, MakeDate(2021, 2, 1));
  EXPECT_EQ(year.months, 12);
  EXPECT_EQ(year.accumulated, Fen{166666});  // floor(1,000,000 × 12 / 72)
  EXPECT_EQ(year.net, Fen{833334});
  const auto end = ComputeDepreciation(cost, acquired, 72, DepreciationMethod::kStraightLine,
                                       DepreciationStart::kSameMonth, MakeDate(2026, 2, 28));
  EXPECT_EQ(end.months, 72);
  EXPECT_TRUE(end.fully);
  EXPECT_EQ(end.net, Fen{0});
  const auto later = ComputeDepreciation(cost, acquired, 72, DepreciationMethod::kStraightLine,
                                         DepreciationStart::kSameMonth, MakeDate(2030, 1, 1));
  EXPECT_EQ(later.accumulated, cost);  // stops when fully depreciated
}

TEST(DepreciationTest, NextMonthStartAndBeforeAcquisition) {
  const Fen cost{720'00};
  const Date acquired = MakeDate(2024, 12, 31);
  EXPECT_EQ(ComputeDepreciation(cost, acquired, 72, DepreciationMethod::kStraightLine,
                                DepreciationStart::kNextMonth, MakeDate(2024, 12, 31))
                .months,
            0);
  EXPECT_EQ(ComputeDepreciation(cost, acquired, 72, DepreciationMethod::kStraightLine,
                                DepreciationStart::kNextMonth, MakeDate(2025, 1, 1))
                .accumulated,
            Fen{1000});
  EXPECT_EQ(ComputeDepreciation(cost, acquired, 72, DepreciationMethod::kStraightLine,
                                DepreciationStart::kSameMonth, MakeDate(2024, 11, 30))
                .months,
            0);
}

TEST(DepreciationTest, NotDepreciatedClassesKeepTheirValue) {
  const auto r = ComputeDepreciation(Fen{500000}, MakeDate(2000, 1, 1), 0, DepreciationMethod::kNone,
                                     DepreciationStart::kSameMonth, MakeDate(2026, 1, 1));
  EXPECT_EQ(r.accumulated, Fen{0});
  EXPECT_EQ(r.net, Fen{500000});
}

TEST(DepreciationTest, LargeValuesDoNotOverflow) {
  const Fen cost{90'000'000'000'000'000};  // 9e17 fen
  const auto r = ComputeDepreciation(cost, MakeDate(2000, 1, 1), 600, DepreciationMethod::kStraightLine,
                                     DepreciationStart::kSameMonth, MakeDate(2024, 12, 1));
  EXPECT_EQ(r.months, 300);
  EXPECT_EQ(r.accumulated, Fen{45'000'000'000'000'000});
}

}  // namespace
}  // namespace minsheng::asset
