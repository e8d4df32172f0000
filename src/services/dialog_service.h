// Dialogs, sessions and messages: what arrives from customers (ingest), and what employees do
// (send, answer, forward, close, …). Every change is one write transaction with its events and
// system messages; routing decisions happen inside it. Blocking: worker threads only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "domain/dialog.h"
#include "domain/line.h"
#include "events/hub.h"
#include "services/auth_service.h"
#include "services/dialog_events.h"
#include "services/routing_service.h"
#include "store/store.h"

namespace omniline::services {

// A customer's message as a channel adapter normalised it.
struct InboundMessage {
  ChannelId channel;
  std::string user_id;  // the channel's user id
  std::string user_name, user_email, user_phone;
  std::string chat_id;     // the channel's chat id ("" when the channel has one chat per user)
  std::string message_id;  // the channel's message id: the idempotency key
  std::string text;        // may be empty when files are given
  std::vector<FileId> files;  // uploaded by this customer (widget) or stored by the channel
  bool files_from_channel = false;  // the channel adapter stored them (no uploader)
};

struct IngestResult {
  DialogId dialog;
  MessageId message;
  CustomerId customer;
  bool duplicate = false;
};

enum class DialogAction {
  kAnswer, kSkip, kForward, kClose, kAcceptAndClose, kSpam, kForceClose, kTakeOver,
  kPin, kUnpin, kInvite, kRename, kNewSession, kRead,
};
std::optional<DialogAction> parse_dialog_action(std::string_view name);

struct ActionParams {
  EmployeeId employee;  // forward, invite
  LineId line;          // forward
  std::optional<std::string> title;  // rename
  MessageId message;    // new_session (from), read (up to; 0 = the newest)
};

struct DialogDetail {
  domain::Dialog dialog;
  domain::Session session;
  domain::Customer customer;
  std::optional<domain::Message> last_message;
  std::string last_author;
  std::int64_t unread = 0;  // customer messages after the viewer's read mark (capped)
  std::optional<domain::Channel> channel;
};

// Unread counters stop counting here ("99+" in the app).
inline constexpr int kUnreadCap = 100;

struct NewMessage {
  std::string text;  // may be empty when files are given
  bool hidden = false;
  MessageId reply_to;
  std::vector<FileId> files;  // uploaded by the sender
};

struct DialogCounts {
  std::int64_t unanswered = 0, mine = 0, all = 0;  // all: -1 when the viewer may not list all
};

class DialogService {
 public:
  DialogService(store::Store& store, events::Hub& hub, RoutingService& routing,
                const Clock& clock)
      : store_(store), hub_(hub), routing_(routing), clock_(clock) {}

  // Stores a customer's message durably (opening a dialog/session as needed, routing a new
  // session) and returns once it is committed. The same (channel, message_id) again is a
  // duplicate: nothing is stored and the first message's ids are returned.
  Result<IngestResult> ingest(const InboundMessage& in);
  // A channel reports that the customer edited their message (channel, its message id): the
  // text changes (the earlier one kept in the edit history) and message.updated goes out.
  // not_found when no such message was received.
  Status edit_inbound(ChannelId channel, const std::string& external_id, std::string text);
  // Sends a message whose delivery failed once more (anyone who may see the dialog): its
  // outbox row starts over and the message is pending again. 409 unless it failed.
  Result<domain::Message> retry_delivery(const Principal& who, MessageId id);
  // Records the channel's id of an operator message once the channel accepted it (for later
  // edits and deletions there).
  Status set_external_id(MessageId id, const std::string& external_id);

  Result<store::Page<store::DialogRow>> list(const Principal& who, store::DialogQuery q);
  Result<DialogCounts> counts(const Principal& who, std::optional<LineId> line);
  Result<DialogDetail> get(const Principal& who, DialogId id);
  Result<std::vector<domain::Dialog>> related(const Principal& who, DialogId id);
  // Sessions of the dialog, newest first, before `before` (0: from the newest).
  Result<store::Page<domain::Session>> sessions(const Principal& who, DialogId id,
                                                SessionId before, int limit);
  // History of all sessions, newest first from `before` (0: newest).
  Result<store::Page<domain::Message>> history(const Principal& who, DialogId id,
                                               MessageId before, int limit);

  Result<domain::Message> send(const Principal& who, DialogId id, const NewMessage& in);
  Result<DialogDetail> act(const Principal& who, DialogId id, DialogAction action,
                           const ActionParams& p);
  Result<domain::Message> edit_message(const Principal& who, MessageId id, std::string text);
  Result<domain::Message> delete_message(const Principal& who, MessageId id);
  // A message's earlier versions, oldest first (same access as the dialog).
  Result<std::vector<domain::MessageEdit>> message_edits(const Principal& who, MessageId id);
  // Ephemeral "typing" to the dialog's staff and customer.
  Status typing(const Principal& who, DialogId id);

  // Records a delivery status reported by the outbox worker or by the channel (delivered,
  // read). Only moves forward (pending → sent → delivered → read; failed is final). With
  // `channel` set, the message must belong to it (not_found otherwise).
  Status set_delivery(MessageId id, domain::DeliveryStatus status,
                      std::optional<ChannelId> channel = std::nullopt);

  // Called after a commit that queued outbound deliveries (wakes the outbox worker).
  void set_outbox_hook(std::function<void()> hook) { outbox_hook_ = std::move(hook); }

  // Author names of a page of messages, by message id (one read for the page).
  std::unordered_map<std::int64_t, std::string> author_names_of(
      const std::vector<domain::Message>& messages);

 private:
  // The dialog as `viewer` sees it (their unread counter).
  Result<DialogDetail> detail(store::ReadTx& tx, DialogId id, EmployeeId viewer);
  Status open_session(store::WriteTx& tx, TxEvents& ev, domain::Dialog& d,
                      domain::Session& s, const domain::Session* previous);
  // A session an employee opens themselves (writing into a finished dialog, or splitting one):
  // in work, theirs. The dialog is not updated.
  Result<domain::Session> employee_session(store::WriteTx& tx, const domain::Dialog& d,
                                           EmployeeId employee);
  Status apply_action(store::WriteTx& tx, TxEvents& ev, const domain::Employee& me,
                      const DialogAccess& access, domain::Dialog& d, domain::Session& s,
                      DialogAction action, const ActionParams& p,
                      std::vector<EmployeeId>& freed);

  store::Store& store_;
  events::Hub& hub_;
  RoutingService& routing_;
  const Clock& clock_;
  std::function<void()> outbox_hook_;
};

}  // namespace omniline::services
