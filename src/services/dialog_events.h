// Helpers shared by the dialog and routing services inside one write transaction: who may
// see a dialog, system messages, and the events that tell clients about changes.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "domain/dialog.h"
#include "domain/employee.h"
#include "services/event_tx.h"
#include "store/store.h"

namespace omniline::services {

struct DialogAccess {
  bool sees_all = false;  // admin or supervisor
  bool in_line = false;   // in the queue of the dialog's line
  bool member = false;    // invited, or has been its operator
  bool any() const { return sees_all || in_line || member; }
};

// What `e` may do with `d`; not_found when nothing (a dialog one may not see does not exist).
Result<DialogAccess> dialog_access(store::ReadTx& tx, const domain::Employee& e,
                                   const domain::Dialog& d);

// A message with its dialog, as `e` may see it; not_found when the message does not exist or
// its dialog is not visible to `e` (the two are not told apart).
struct VisibleMessage {
  domain::Message message;
  domain::Dialog dialog;
  DialogAccess access;
};
Result<VisibleMessage> visible_message(store::ReadTx& tx, const domain::Employee& e, MessageId id);

// The name shown as a message's author.
std::string author_name(store::ReadTx& tx, const domain::Message& m);

// Names of the authors of `messages`, by message id, with one lookup per distinct author.
std::unordered_map<std::int64_t, std::string> author_names(
    store::ReadTx& tx, const std::vector<domain::Message>& messages);

// Queues the outbound webhook of an `api` channel for a public operator message: `kind` is
// "message" (sent), "message.updated" (edited) or "message.deleted". The payload carries the
// text with mentions as names and a plain-text version. Returns whether something was queued
// (false for other channels, hidden and non-operator messages).
Result<bool> queue_outbound(store::WriteTx& tx, const domain::Dialog& d, const domain::Message& m,
                            const std::string& kind, const std::string& author, UnixMs now);

// Who a customer is shown as a message's author: for operators, their name and avatar unless
// the dialog's line hides operators (`show_operator`), then nothing ("" / ""); for others, the
// author's name.
struct ShownAuthor {
  std::string name, avatar_url;
};
// `line_shows` caches the line's setting across calls (nullopt: not looked up yet).
ShownAuthor shown_to_customer(store::ReadTx& tx, const domain::Dialog& d, const domain::Message& m,
                              std::optional<bool>& line_shows);

// An event about dialog `d` addressed to its audience: the line's operators (by line), its
// members, and its customer (when customer_data is set). `at` is now (the log is trimmed by it).
Result<domain::EventRecord> dialog_event(store::ReadTx& tx, const domain::Dialog& d,
                                         const char* type);

// Stores the message (its id is set) and updates the dialog's last message; emits
// message.created (with the customer's view when the customer may see it).
Status add_message(store::WriteTx& tx, TxEvents& ev, domain::Dialog& d, domain::Message& m);

// Stores the message and updates the dialog's last message, emitting nothing: the caller emits
// with emit_message_with_dialog() once the session is updated too.
Status store_message(store::WriteTx& tx, domain::Dialog& d, domain::Message& m);
// The same for a dialog read in this transaction and otherwise unchanged: writes only its last
// message (id and time) instead of the whole row (the ingest hot path).
Status append_message(store::WriteTx& tx, domain::Dialog& d, domain::Message& m);

// One message.created that also carries the dialog as dialog.updated would (staff and customer
// views): what a customer's message in an open session changes, in one event instead of two.
Status emit_message_with_dialog(store::WriteTx& tx, TxEvents& ev, const domain::Dialog& d,
                                const domain::Session& s, const domain::Message& m);

// A system message (always hidden from the customer): {"kind": kind, ...fields}, with an
// English text for clients that do not localise.
Status add_system_message(store::WriteTx& tx, TxEvents& ev, domain::Dialog& d,
                          const domain::Session& s, boost::json::object fields,
                          std::string text, UnixMs now);

// Emits `type` ("dialog.updated" / "dialog.created") with the dialog as a GET returns it.
Status emit_dialog(store::WriteTx& tx, TxEvents& ev, const domain::Dialog& d,
                   const domain::Session& s, const char* type = "dialog.updated");

// Emits message.updated for an edited/deleted message or a delivery change.
Status emit_message_updated(store::WriteTx& tx, TxEvents& ev, const domain::Dialog& d,
                            const domain::Message& m);

}  // namespace omniline::services
