// A persisted realtime event (the event log clients resume from) and an outbox entry.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"

namespace omniline::domain {

// Who may receive an event is decided from these fields alone (see events::visible_frame in events/hub.h):
// staff with access to `line_id` or listed in `employee_ids`, and, when `customer_data` is
// set, the connections of `customer_id`.
struct EventRecord {
  std::int64_t seq = 0;  // assigned by the store, strictly increasing in commit order
  std::string type;      // "message.created", "dialog.updated", …
  UnixMs at = 0;
  LineId line_id;                       // 0: not about one line
  DialogId dialog_id;                   // 0: not about one dialog
  std::vector<EmployeeId> employee_ids;  // staff who see it besides the line's audience
  bool staff_all = false;                // every employee sees it (e.g. line changes)
  std::string data;                      // JSON object for employees
  CustomerId customer_id;                // 0: no customer audience
  std::optional<std::string> customer_data;  // JSON object for the customer; nullopt: not for them
};

enum class OutboxStatus { kPending, kSent, kFailed };
const char* outbox_status_name(OutboxStatus s);  // "pending", "sent", "failed"

// One outbound delivery to a channel (an operator's message to an `api` connector's webhook).
struct OutboxItem {
  OutboxId id;
  ChannelId channel_id;
  MessageId message_id;
  // What is delivered: "message" (the message itself: its outcome is the message's delivery
  // status; one per message), "message.updated" or "message.deleted" (after it, in order).
  std::string kind = "message";
  std::string payload;  // the exact body to POST (the HMAC covers it)
  OutboxStatus status = OutboxStatus::kPending;
  int attempts = 0;
  UnixMs next_attempt_at = 0;
  std::string last_error;
  UnixMs created_at = 0;
  std::optional<UnixMs> sent_at;
};

}  // namespace omniline::domain
