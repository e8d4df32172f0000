#include "domain/session_state.h"

#include <optional>
#include <string>

namespace omniline::domain {

namespace {

using S = SessionStatus;
using E = SessionEvent;

// The closing events, the same from every open status but `closing` (which has its own rules).
std::optional<S> close_event(E e) {
  switch (e) {
    case E::kClose:
      return S::kClosed;
    case E::kCloseForRating:
      return S::kClosing;
    case E::kSpam:
      return S::kSpam;
    case E::kForceClose:
      return S::kSilentlyClosed;
    default:
      return std::nullopt;
  }
}

// nullopt: illegal.
std::optional<S> transition(S from, E e) {
  switch (from) {
    case S::kNew:
    case S::kSkipped:
      switch (e) {
        case E::kCustomerMessage:
          return from;
        case E::kOffer:  // a skipped session offered again is new again
        case E::kForward:
          return S::kNew;
        case E::kAnswer:
        case E::kTakeOver:
          return S::kInWork;
        case E::kSkip:
          return S::kSkipped;
        case E::kOperatorMessage:  // writing to it answers it
          return S::kOperatorReplied;
        default:
          return close_event(e);
      }
    case S::kInWork:
      switch (e) {
        case E::kCustomerMessage:
        case E::kTakeOver:
          return S::kInWork;
        case E::kOperatorMessage:
          return S::kOperatorReplied;
        case E::kSkip:
          return S::kSkipped;
        case E::kForward:
          return S::kNew;
        case E::kAnswer:  // already answered: two operators raced for it
        case E::kOffer:
          return std::nullopt;
        default:
          return close_event(e);
      }
    case S::kOperatorReplied:
    case S::kWaitingOperator:
      switch (e) {
        case E::kCustomerMessage:
          return S::kWaitingOperator;
        case E::kOperatorMessage:
          return S::kOperatorReplied;
        case E::kForward:
          return S::kNew;
        case E::kTakeOver:
          return from;
        case E::kSkip:
        case E::kAnswer:
        case E::kOffer:
          return std::nullopt;
        default:
          return close_event(e);
      }
    case S::kClosing:
      switch (e) {
        case E::kCustomerMessage:  // the customer wrote again before the final close
          return S::kWaitingOperator;
        case E::kOperatorMessage:  // a final word
          return S::kClosing;
        case E::kFinish:
        case E::kClose:
          return S::kClosed;
        case E::kSpam:
          return S::kSpam;
        case E::kForceClose:
          return S::kSilentlyClosed;
        default:
          return std::nullopt;
      }
    case S::kClosed:
    case S::kSpam:
    case S::kSilentlyClosed:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

Result<SessionStatus> next_status(SessionStatus from, SessionEvent event) {
  if (auto to = transition(from, event)) return *to;
  return Error::conflict(std::string("cannot ") + session_event_name(event) + " a " +
                         session_status_name(from) + " session");
}

}  // namespace omniline::domain
