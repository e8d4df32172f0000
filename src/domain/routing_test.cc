#include "domain/routing.h"

#include <gtest/gtest.h>

#include <vector>

namespace omniline::domain {
namespace {

EmployeeId E(int v) {
  return EmployeeId(v);
}

// An operator who can take sessions, unless a test says otherwise.
Candidate ready(int id, UnixMs last = 0, int open = 0) {
  Candidate c;
  c.id = E(id);
  c.online = true;
  c.last_assigned_at = last;
  c.open_count = open;
  return c;
}

RoutingSettings mode(RoutingMode m) {
  RoutingSettings s;
  s.mode = m;
  return s;
}

using Ids = std::vector<EmployeeId>;

TEST(RoutingEligible, EveryFlagCombination) {
  for (bool only_available : {false, true}) {
    for (bool active : {false, true}) {
      for (bool online : {false, true}) {
        for (bool away : {false, true}) {
          RoutingSettings s;
          s.only_available = only_available;
          Candidate c;
          c.id = E(1);
          c.active = active;
          c.online = online;
          c.away = away;
          bool want = active && (!only_available || (online && !away));
          EXPECT_EQ(eligible(s, c), want)
              << "only_available=" << only_available << " active=" << active << " online=" << online
              << " away=" << away;
        }
      }
    }
  }
}

TEST(RoutingEligible, InactiveNeverEvenWithoutPresence) {
  RoutingSettings s;
  s.only_available = false;
  Candidate c = ready(1);
  c.active = false;
  EXPECT_FALSE(eligible(s, c));
  c.active = true;
  c.online = false;
  c.away = true;
  EXPECT_TRUE(eligible(s, c));
}

TEST(RoutingEligible, MaxChatsBoundary) {
  RoutingSettings s;
  s.max_chats = 3;
  EXPECT_TRUE(eligible(s, ready(1, 0, 0)));
  EXPECT_TRUE(eligible(s, ready(1, 0, 2)));
  EXPECT_FALSE(eligible(s, ready(1, 0, 3)));  // at the limit
  EXPECT_FALSE(eligible(s, ready(1, 0, 4)));
  s.max_chats = 1;
  EXPECT_TRUE(eligible(s, ready(1, 0, 0)));
  EXPECT_FALSE(eligible(s, ready(1, 0, 1)));
}

TEST(RoutingEligible, MaxChatsZeroIsUnlimited) {
  RoutingSettings s;
  s.max_chats = 0;
  EXPECT_TRUE(eligible(s, ready(1, 0, 0)));
  EXPECT_TRUE(eligible(s, ready(1, 0, 1000000)));
}

TEST(RoutingPick, EvenlyPicksLongestWaiting) {
  auto s = mode(RoutingMode::kEvenly);
  std::vector<Candidate> q = {ready(1, 300), ready(2, 100), ready(3, 200)};
  EXPECT_EQ(pick_operator(s, q, {}), E(2));
  q[0].last_assigned_at = 0;  // never assigned beats everyone
  EXPECT_EQ(pick_operator(s, q, {}), E(1));
}

TEST(RoutingPick, EvenlyTiesGoToQueueOrder) {
  auto s = mode(RoutingMode::kEvenly);
  std::vector<Candidate> q = {ready(7, 500), ready(3, 100), ready(5, 100), ready(1, 100)};
  EXPECT_EQ(pick_operator(s, q, {}), E(3));  // not the smallest id, the first in the queue
  std::vector<Candidate> never = {ready(9), ready(4), ready(6)};
  EXPECT_EQ(pick_operator(s, never, {}), E(9));
}

TEST(RoutingPick, EvenlySkipsTriedAndIneligible) {
  auto s = mode(RoutingMode::kEvenly);
  std::vector<Candidate> q = {ready(1, 100), ready(2, 50), ready(3, 300), ready(4, 10)};
  q[3].away = true;  // would be the longest waiting
  EXPECT_EQ(pick_operator(s, q, {}), E(2));
  Ids tried = {E(2)};
  EXPECT_EQ(pick_operator(s, q, tried), E(1));
  tried = {E(2), E(1)};
  EXPECT_EQ(pick_operator(s, q, tried), E(3));
  tried = {E(2), E(1), E(3)};
  EXPECT_EQ(pick_operator(s, q, tried), std::nullopt);
}

TEST(RoutingPick, StrictlyTakesFirstInQueueOrder) {
  auto s = mode(RoutingMode::kStrictly);
  // last_assigned_at does not matter.
  std::vector<Candidate> q = {ready(3, 900), ready(1, 0), ready(2, 5)};
  EXPECT_EQ(pick_operator(s, q, {}), E(3));
  q[0].online = false;
  EXPECT_EQ(pick_operator(s, q, {}), E(1));
  Ids tried = {E(1)};
  EXPECT_EQ(pick_operator(s, q, tried), E(2));
  tried = {E(1), E(2)};
  EXPECT_EQ(pick_operator(s, q, tried), std::nullopt);
}

TEST(RoutingPick, StrictlyRespectsMaxChats) {
  auto s = mode(RoutingMode::kStrictly);
  s.max_chats = 2;
  std::vector<Candidate> q = {ready(1, 0, 2), ready(2, 0, 1)};
  EXPECT_EQ(pick_operator(s, q, {}), E(2));
  q[1].open_count = 2;
  EXPECT_EQ(pick_operator(s, q, {}), std::nullopt);
  s.max_chats = 0;
  EXPECT_EQ(pick_operator(s, q, {}), E(1));
}

TEST(RoutingPick, OnlyAvailableFalseIgnoresPresenceButNotActive) {
  for (auto m : {RoutingMode::kEvenly, RoutingMode::kStrictly}) {
    auto s = mode(m);
    s.only_available = false;
    std::vector<Candidate> q = {ready(1), ready(2)};
    q[0].active = false;
    q[1].online = false;
    q[1].away = true;
    EXPECT_EQ(pick_operator(s, q, {}), E(2));
    s.only_available = true;
    EXPECT_EQ(pick_operator(s, q, {}), std::nullopt);
  }
}

TEST(RoutingPick, ModeAllNeverPicks) {
  auto s = mode(RoutingMode::kAll);
  std::vector<Candidate> q = {ready(1), ready(2)};
  EXPECT_EQ(pick_operator(s, q, {}), std::nullopt);
  auto d = pass_to_next(s, q, {}, E(1));
  EXPECT_EQ(d.next, std::nullopt);
  EXPECT_TRUE(d.tried.empty());
  Ids tried = {E(2)};
  d = pass_to_next(s, q, tried, E(1));
  EXPECT_EQ(d.next, std::nullopt);
  EXPECT_TRUE(d.tried.empty());
}

TEST(RoutingPick, EmptyQueue) {
  for (auto m : {RoutingMode::kEvenly, RoutingMode::kStrictly, RoutingMode::kAll}) {
    auto s = mode(m);
    EXPECT_EQ(pick_operator(s, {}, {}), std::nullopt);
    auto d = pass_to_next(s, {}, {}, EmployeeId());
    EXPECT_EQ(d.next, std::nullopt);
    EXPECT_TRUE(d.tried.empty());
  }
}

TEST(RoutingPass, CyclesThroughThreeOperatorsThenStartsANewRound) {
  for (auto m : {RoutingMode::kEvenly, RoutingMode::kStrictly}) {
    SCOPED_TRACE(routing_mode_name(m));
    auto s = mode(m);
    // Queue order equals last-assignment order, so both modes go 1, 2, 3.
    std::vector<Candidate> q = {ready(1, 10), ready(2, 20), ready(3, 30)};
    auto first = pick_operator(s, q, {});
    ASSERT_EQ(first, E(1));

    auto d = pass_to_next(s, q, {}, E(1));
    EXPECT_EQ(d.next, E(2));
    EXPECT_EQ(d.tried, (Ids{E(1)}));

    d = pass_to_next(s, q, d.tried, E(2));
    EXPECT_EQ(d.next, E(3));
    EXPECT_EQ(d.tried, (Ids{E(1), E(2)}));

    // Everyone tried: a new round from the queue's start, without the one it leaves.
    d = pass_to_next(s, q, d.tried, E(3));
    EXPECT_EQ(d.next, E(1));
    EXPECT_EQ(d.tried, (Ids{E(3)}));

    d = pass_to_next(s, q, d.tried, E(1));
    EXPECT_EQ(d.next, E(2));
    EXPECT_EQ(d.tried, (Ids{E(3), E(1)}));
  }
}

TEST(RoutingPass, NewRoundSkipsIneligible) {
  auto s = mode(RoutingMode::kStrictly);
  std::vector<Candidate> q = {ready(1), ready(2), ready(3)};
  q[0].away = true;
  Ids tried = {E(2)};
  auto d = pass_to_next(s, q, tried, E(3));
  EXPECT_EQ(d.next, E(2));  // 1 is away, so the new round lands on 2
  EXPECT_EQ(d.tried, (Ids{E(3)}));
}

TEST(RoutingPass, CurrentAlreadyInTriedIsNotDuplicated) {
  auto s = mode(RoutingMode::kStrictly);
  std::vector<Candidate> q = {ready(1), ready(2), ready(3)};
  Ids tried = {E(1)};
  auto d = pass_to_next(s, q, tried, E(1));
  EXPECT_EQ(d.next, E(2));
  EXPECT_EQ(d.tried, (Ids{E(1)}));
}

TEST(RoutingPass, WithoutCurrent) {
  // A session nobody holds (current 0) is passed like a fresh pick, keeping `tried`.
  auto s = mode(RoutingMode::kStrictly);
  std::vector<Candidate> q = {ready(1), ready(2)};
  Ids tried = {E(1)};
  auto d = pass_to_next(s, q, tried, EmployeeId());
  EXPECT_EQ(d.next, E(2));
  EXPECT_EQ(d.tried, (Ids{E(1)}));
  tried = {E(1), E(2)};
  d = pass_to_next(s, q, tried, EmployeeId());
  EXPECT_EQ(d.next, E(1));  // new round, nobody to leave out
  EXPECT_TRUE(d.tried.empty());
}

TEST(RoutingPass, SingleOperatorQueue) {
  for (auto m : {RoutingMode::kEvenly, RoutingMode::kStrictly}) {
    auto s = mode(m);
    std::vector<Candidate> q = {ready(1)};
    auto d = pass_to_next(s, q, {}, E(1));
    EXPECT_EQ(d.next, std::nullopt);  // never back to the operator it is taken from
    EXPECT_EQ(d.tried, (Ids{E(1)}));
    // Passed from nobody (e.g. after the operator was removed), the one operator gets it.
    d = pass_to_next(s, q, d.tried, EmployeeId());
    EXPECT_EQ(d.next, E(1));
    EXPECT_TRUE(d.tried.empty());
  }
}

TEST(RoutingPass, NobodyEligible) {
  auto s = mode(RoutingMode::kEvenly);
  std::vector<Candidate> q = {ready(1), ready(2)};
  q[0].online = false;
  q[1].active = false;
  auto d = pass_to_next(s, q, {}, E(2));
  EXPECT_EQ(d.next, std::nullopt);
  EXPECT_EQ(d.tried, (Ids{E(2)}));
}

TEST(RoutingPass, EvenlyPrefersLongestWaitingAmongUntried) {
  auto s = mode(RoutingMode::kEvenly);
  std::vector<Candidate> q = {ready(1, 300), ready(2, 100), ready(3, 200)};
  auto d = pass_to_next(s, q, {}, E(2));
  EXPECT_EQ(d.next, E(3));
  d = pass_to_next(s, q, d.tried, E(3));
  EXPECT_EQ(d.next, E(1));
  EXPECT_EQ(d.tried, (Ids{E(2), E(3)}));
  d = pass_to_next(s, q, d.tried, E(1));
  EXPECT_EQ(d.next, E(2));  // new round
  EXPECT_EQ(d.tried, (Ids{E(1)}));
}

}  // namespace
}  // namespace omniline::domain
