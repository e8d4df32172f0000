// Customers, dialogs, sessions and messages: pure data, no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"
#include "common/result.h"
#include "domain/file.h"

namespace omniline::domain {

// One person's identity on one channel (channel + external user id).
struct Customer {
  CustomerId id;
  ChannelId channel_id;
  std::string external_id;  // the channel's user id; webchat: random, chosen by us
  std::string name;
  std::string email;  // optional; links the customer's dialogs across channels of a line
  std::string phone;  // optional; likewise
  std::string token_hash;  // webchat: BLAKE2b of the customer token; empty otherwise
  UnixMs created_at = 0;
  UnixMs updated_at = 0;
};

// The lasting chat between a customer identity and a line.
struct Dialog {
  DialogId id;
  LineId line_id;
  ChannelId channel_id;
  CustomerId customer_id;
  std::string external_chat_id;  // the channel's chat id; "" for webchat
  std::string title;             // shown to employees only
  SessionId session_id;          // the latest session (open or not)
  MessageId last_message_id;     // 0: none yet
  UnixMs last_message_at = 0;
  MessageId customer_read_id;  // the newest message the customer has read
  UnixMs created_at = 0;
};

enum class SessionStatus {
  kNew,              // waiting to be answered (maybe offered to an operator)
  kSkipped,          // an operator skipped it; back in the queue
  kInWork,           // an operator answered it, has not written yet
  kOperatorReplied,  // the operator wrote; waiting for the customer
  kWaitingOperator,  // the customer wrote after the operator; waiting for the operator
  kClosing,          // closed by the operator, waiting for the customer's rating
  kClosed,
  kSpam,
  kSilentlyClosed,
};
const char* session_status_name(SessionStatus s);
std::optional<SessionStatus> parse_session_status(std::string_view name);
// Open: not closed, spam or silently closed (closing is still open).
bool is_open(SessionStatus s);
// Waiting to be picked up: new or skipped.
bool is_unanswered(SessionStatus s);

struct Session {
  SessionId id;
  DialogId dialog_id;
  LineId line_id;
  SessionStatus status = SessionStatus::kNew;
  EmployeeId operator_id;  // 0: nobody (in the line's queue)
  bool pinned = false;
  std::vector<EmployeeId> tried;       // operators already offered it in this round
  std::optional<UnixMs> offer_deadline;  // pass to the next operator at this time
  UnixMs created_at = 0;
  std::optional<UnixMs> assigned_at;      // last change of operator
  std::optional<UnixMs> answered_at;      // taken into work
  std::optional<UnixMs> first_reply_at;   // the operator's first public message
  std::optional<UnixMs> closed_at;
  std::int64_t message_count = 0;
};

enum class AuthorKind { kCustomer, kOperator, kBot, kSystem };
const char* author_kind_name(AuthorKind k);
std::optional<AuthorKind> parse_author_kind(std::string_view name);

// Delivery of an outbound message through its channel.
enum class DeliveryStatus { kNone, kPending, kSent, kDelivered, kRead, kFailed };
const char* delivery_status_name(DeliveryStatus s);  // "none", "pending", "sent", …
std::optional<DeliveryStatus> parse_delivery_status(std::string_view name);

// One edit of a message: the text it had before, who changed it and when.
struct MessageEdit {
  MessageId message_id;
  std::string previous_text;
  EmployeeId editor;
  UnixMs edited_at = 0;
};

struct Message {
  MessageId id;
  DialogId dialog_id;
  SessionId session_id;
  ChannelId channel_id;  // the dialog's channel; scopes external_id
  AuthorKind author_kind = AuthorKind::kCustomer;
  EmployeeId author_employee;  // operator messages
  CustomerId author_customer;  // customer messages
  std::string text;
  bool hidden = false;  // whisper: employees only, never sent to the customer or a channel
  MessageId reply_to;   // 0: none
  std::string external_id;  // channel message id / client message id; "" for ours
  std::string system;  // system messages: JSON object {"kind": ..., ...}; "" otherwise
  DeliveryStatus delivery = DeliveryStatus::kNone;
  UnixMs created_at = 0;
  std::optional<UnixMs> edited_at;
  std::optional<UnixMs> deleted_at;
  std::vector<FileRef> files;  // attachments, in the order sent
};

constexpr std::size_t kMaxMessageLength = 20000;
constexpr std::size_t kMaxTitleLength = 255;
constexpr std::size_t kMaxExternalIdLength = 255;
Status validate_message_text(std::string_view text);  // non-empty after trim, UTF-8, ≤ limit
// A message with files may have an empty text; otherwise as validate_message_text.
Status validate_message_body(std::string_view text, std::size_t files);
Status validate_title(std::string_view title);
Status validate_external_id(std::string_view id);  // 1..255 bytes

}  // namespace omniline::domain
