// The session state machine: the one place that decides which status follows which event.
// Pure; every transition (and every illegal one) is unit-tested.
#pragma once

#include "common/result.h"
#include "domain/dialog.h"

namespace omniline::domain {

enum class SessionEvent {
  kCustomerMessage,  // the customer wrote
  kOperatorMessage,  // the responsible operator (or a colleague) wrote a public message
  kOffer,            // routing offered it to an operator (or back to the queue)
  kAnswer,           // an operator took it into work
  kSkip,             // the offered operator declined it
  kForward,          // handed to another employee or line: must be answered again
  kTakeOver,         // an employee became responsible, even from another operator
  kClose,            // closed by an employee
  kCloseForRating,   // closed, waiting for the customer's rating
  kFinish,           // the rating came (or its wait ended): closing → closed
  kSpam,             // marked as spam
  kForceClose,       // closed silently (no closing message, no rating)
};
const char* session_event_name(SessionEvent e);

// The status after `event`, or conflict ("cannot <event> a <status> session") when the event
// is not allowed in that status. Closed sessions accept nothing: a customer writing to a
// dialog whose session ended opens a new session (the caller's job).
Result<SessionStatus> next_status(SessionStatus from, SessionEvent event);

}  // namespace omniline::domain
