#include "domain/session_state.h"

#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <string>

namespace omniline::domain {
namespace {

using S = SessionStatus;
using E = SessionEvent;

constexpr std::array kStatuses = {
    S::kNew,     S::kSkipped, S::kInWork, S::kOperatorReplied, S::kWaitingOperator,
    S::kClosing, S::kClosed,  S::kSpam,   S::kSilentlyClosed};
constexpr std::array kEvents = {E::kCustomerMessage,
                                E::kOperatorMessage,
                                E::kOffer,
                                E::kAnswer,
                                E::kSkip,
                                E::kForward,
                                E::kTakeOver,
                                E::kClose,
                                E::kCloseForRating,
                                E::kFinish,
                                E::kSpam,
                                E::kForceClose};

constexpr std::optional<S> X = std::nullopt;  // illegal
constexpr auto kNew = S::kNew, kSkipped = S::kSkipped, kInWork = S::kInWork,
               kReplied = S::kOperatorReplied, kWaiting = S::kWaitingOperator,
               kClosing = S::kClosing, kClosed = S::kClosed, kSpam = S::kSpam,
               kSilent = S::kSilentlyClosed;

// Rows: kStatuses; columns: kEvents, in the order above.
// clang-format off
const std::optional<S> kTable[9][12] = {
  //              cust      op        offer  answer   skip      forward take_over close    for_rating finish   spam   force_close
  /* new */      {kNew,     kReplied, kNew,  kInWork, kSkipped, kNew,   kInWork,  kClosed, kClosing,  X,       kSpam, kSilent},
  /* skipped */  {kSkipped, kReplied, kNew,  kInWork, kSkipped, kNew,   kInWork,  kClosed, kClosing,  X,       kSpam, kSilent},
  /* in_work */  {kInWork,  kReplied, X,     X,       kSkipped, kNew,   kInWork,  kClosed, kClosing,  X,       kSpam, kSilent},
  /* replied */  {kWaiting, kReplied, X,     X,       X,        kNew,   kReplied, kClosed, kClosing,  X,       kSpam, kSilent},
  /* waiting */  {kWaiting, kReplied, X,     X,       X,        kNew,   kWaiting, kClosed, kClosing,  X,       kSpam, kSilent},
  /* closing */  {kWaiting, kClosing, X,     X,       X,        X,      X,        kClosed, X,         kClosed, kSpam, kSilent},
  /* closed */   {X,        X,        X,     X,       X,        X,      X,        X,       X,         X,       X,     X},
  /* spam */     {X,        X,        X,     X,       X,        X,      X,        X,       X,         X,       X,     X},
  /* silent */   {X,        X,        X,     X,       X,        X,      X,        X,       X,         X,       X,     X},
};
// clang-format on

TEST(SessionState, EveryStatusEventPair) {
  int checked = 0;
  for (std::size_t i = 0; i < kStatuses.size(); ++i) {
    for (std::size_t j = 0; j < kEvents.size(); ++j) {
      S from = kStatuses[i];
      E event = kEvents[j];
      SCOPED_TRACE(std::string(session_status_name(from)) + " + " + session_event_name(event));
      auto got = next_status(from, event);
      if (const auto& want = kTable[i][j]) {
        ASSERT_TRUE(got.ok()) << got.error().message;
        EXPECT_EQ(*got, *want) << "got " << session_status_name(*got) << ", want "
                               << session_status_name(*want);
      } else {
        ASSERT_FALSE(got.ok()) << "got " << session_status_name(*got);
        EXPECT_EQ(got.error().code, ErrorCode::kConflict);
        EXPECT_EQ(got.error().message, std::string("cannot ") + session_event_name(event) + " a " +
                                           session_status_name(from) + " session");
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, 9 * 12);
}

TEST(SessionState, ClosedStatusesAreTerminal) {
  for (S s : {S::kClosed, S::kSpam, S::kSilentlyClosed}) {
    EXPECT_FALSE(is_open(s));
    for (E e : kEvents) EXPECT_FALSE(next_status(s, e).ok());
  }
}

TEST(SessionState, EveryOpenStatusCanBeClosedSpammedOrForceClosed) {
  for (S s : kStatuses) {
    if (!is_open(s)) continue;
    auto closed = next_status(s, E::kClose);
    ASSERT_TRUE(closed.ok());
    EXPECT_EQ(*closed, S::kClosed);
    auto spam = next_status(s, E::kSpam);
    ASSERT_TRUE(spam.ok());
    EXPECT_EQ(*spam, S::kSpam);
    auto silent = next_status(s, E::kForceClose);
    ASSERT_TRUE(silent.ok());
    EXPECT_EQ(*silent, S::kSilentlyClosed);
  }
}

TEST(SessionState, ConflictMessagesVerbatim) {
  EXPECT_EQ(next_status(S::kInWork, E::kAnswer).error().message, "cannot answer a in_work session");
  EXPECT_EQ(next_status(S::kNew, E::kFinish).error().message, "cannot finish a new session");
  EXPECT_EQ(next_status(S::kClosed, E::kCustomerMessage).error().message,
            "cannot customer_message a closed session");
  EXPECT_EQ(next_status(S::kClosing, E::kTakeOver).error().message,
            "cannot take_over a closing session");
}

}  // namespace
}  // namespace omniline::domain
