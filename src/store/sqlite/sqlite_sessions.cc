// Sessions (one stretch of work on a dialog) and messages.
#include <limits>
#include <string>
#include <utility>

#include "store/sqlite/reads.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_tx.h"

namespace omniline::store::sqlite {
namespace {

const auto session_fn = [](const Statement& s) { return session_row(s); };
const auto message_fn = [](const Statement& s) { return message_row(s); };

// Binds a session's fields to ?1..?11 (all but id, dialog_id and created_at).
void bind_session(Statement& st, const domain::Session& s) {
  st.bind(1, s.line_id.get())
      .bind_text(2, domain::session_status_name(s.status))
      .bind(3, s.operator_id.get())
      .bind(4, flag(s.pinned))
      .bind_text(5, ids_json(s.tried))
      .bind(6, s.offer_deadline)
      .bind(7, s.assigned_at)
      .bind(8, s.answered_at)
      .bind(9, s.first_reply_at)
      .bind(10, s.closed_at)
      .bind(11, s.message_count);
}

// Binds a message's fields to ?1..?13 (all but id, dialog_id and created_at).
void bind_message(Statement& st, const domain::Message& m) {
  st.bind(1, m.session_id.get())
      .bind(2, m.channel_id.get())
      .bind_text(3, domain::author_kind_name(m.author_kind))
      .bind(4, m.author_employee.get())
      .bind(5, m.author_customer.get())
      .bind_text(6, m.text)
      .bind(7, flag(m.hidden))
      .bind(8, m.reply_to.get());
  bind_text_or_null(st, 9, m.external_id);
  st.bind_text(10, m.system)
      .bind_text(11, domain::delivery_status_name(m.delivery))
      .bind(12, m.edited_at)
      .bind(13, m.deleted_at);
}

constexpr const char* kMessageTaken = "a message with this external id exists on the channel";

}  // namespace

// --- reads ---

namespace reads {

Result<domain::Session> session_by_id(Connection& conn, SessionId id) {
  auto st = conn.prepare("SELECT " OMNILINE_SESSION_COLUMNS " FROM sessions WHERE id = ?1");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, id.get());
  return one_row(*st, session_fn, "session not found");
}

Result<Page<domain::Session>> list_sessions(Connection& conn, DialogId dialog, SessionId before,
                                            int limit) {
  auto checked = checked_limit(limit, kMaxPageLimit);
  if (!checked.ok()) return std::move(checked).take_error();
  auto st = conn.prepare("SELECT " OMNILINE_SESSION_COLUMNS
                         " FROM sessions WHERE dialog_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3");
  if (!st.ok()) return std::move(st).take_error();
  const std::int64_t upper =
      before.get() > 0 ? before.get() : std::numeric_limits<std::int64_t>::max();
  st->bind(1, dialog.get()).bind(2, upper).bind(3, std::int64_t{*checked} + 1);
  return page_rows<domain::Session>(*st, session_fn, *checked);
}

Result<int> count_open_sessions(Connection& conn, EmployeeId employee, unsigned mask) {
  auto st = conn.prepare(
      "SELECT count(*) FROM sessions WHERE operator_id = ?1"
      " AND status NOT IN " OMNILINE_CLOSED_STATUSES
      " AND ("
      " ((?2 & 1) <> 0 AND status IN " OMNILINE_UNANSWERED_STATUSES
      ")"
      " OR ((?2 & 2) <> 0 AND status IN ('in_work', 'waiting_operator'))"
      " OR ((?2 & 4) <> 0 AND status = 'operator_replied')"
      " OR ((?2 & 8) <> 0 AND status = 'closing'))");
  if (!st.ok()) return std::move(st).take_error();
  static_assert(domain::kCountNew == 1 && domain::kCountAnswered == 2 &&
                domain::kCountWaitingCustomer == 4 && domain::kCountClosing == 8);
  st->bind(1, employee.get()).bind(2, static_cast<std::int64_t>(mask));
  auto n = scalar(*st);
  if (!n.ok()) return std::move(n).take_error();
  return static_cast<int>(*n);
}

Result<std::vector<domain::Session>> waiting_sessions(Connection& conn, LineId line, int limit) {
  auto checked = checked_limit(limit);
  if (!checked.ok()) return std::move(checked).take_error();
  auto st = conn.prepare("SELECT " OMNILINE_SESSION_COLUMNS
                         " FROM sessions WHERE line_id = ?1 AND operator_id = 0"
                         " AND status IN " OMNILINE_UNANSWERED_STATUSES
                         " ORDER BY created_at, id LIMIT ?2");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, line.get()).bind(2, std::int64_t{*checked});
  return all_rows<domain::Session>(*st, session_fn);
}

Result<std::vector<domain::Session>> due_offers(Connection& conn, UnixMs now, int limit) {
  auto checked = checked_limit(limit);
  if (!checked.ok()) return std::move(checked).take_error();
  auto st = conn.prepare("SELECT " OMNILINE_SESSION_COLUMNS
                         " FROM sessions WHERE offer_deadline IS NOT NULL AND offer_deadline <= ?1"
                         " AND status NOT IN " OMNILINE_CLOSED_STATUSES
                         " ORDER BY offer_deadline, id LIMIT ?2");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, now).bind(2, std::int64_t{*checked});
  return all_rows<domain::Session>(*st, session_fn);
}

Result<domain::Message> message_by_id(Connection& conn, MessageId id) {
  auto st = conn.prepare("SELECT " OMNILINE_MESSAGE_COLUMNS " FROM messages WHERE id = ?1");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, id.get());
  return one_row(*st, message_fn, "message not found");
}

// An empty external id binds NULL, which matches nothing.
Result<domain::Message> message_by_external(Connection& conn, ChannelId channel,
                                            std::string_view external_id) {
  auto st = conn.prepare("SELECT " OMNILINE_MESSAGE_COLUMNS
                         " FROM messages WHERE channel_id = ?1 AND external_id = ?2");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, channel.get());
  bind_text_or_null(*st, 2, external_id);
  return one_row(*st, message_fn, "message not found");
}

Result<Page<domain::Message>> list_messages(Connection& conn, DialogId dialog, MessageId before,
                                            int limit, bool include_hidden) {
  auto checked = checked_limit(limit, kMaxPageLimit);
  if (!checked.ok()) return std::move(checked).take_error();
  auto st =
      conn.prepare("SELECT " OMNILINE_MESSAGE_COLUMNS
                   " FROM messages WHERE dialog_id = ?1 AND id < ?2 AND (?3 = 1 OR hidden = 0)"
                   " ORDER BY id DESC LIMIT ?4");
  if (!st.ok()) return std::move(st).take_error();
  const std::int64_t upper =
      before.get() > 0 ? before.get() : std::numeric_limits<std::int64_t>::max();
  st->bind(1, dialog.get())
      .bind(2, upper)
      .bind(3, flag(include_hidden))
      .bind(4, std::int64_t{*checked} + 1);
  return page_rows<domain::Message>(*st, message_fn, *checked);
}

Result<std::vector<domain::MessageEdit>> message_edits(Connection& conn, MessageId message) {
  auto st = conn.prepare(
      "SELECT message_id, previous_text, editor_id, edited_at FROM message_edits"
      " WHERE message_id = ?1 ORDER BY id LIMIT 1000");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, message.get());
  return all_rows<domain::MessageEdit>(*st, [](const Statement& s) -> Result<domain::MessageEdit> {
    return domain::MessageEdit{MessageId(s.column_int(0)), s.column_text(1), EmployeeId(s.column_int(2)),
                               s.column_int(3)};
  });
}

}  // namespace reads

// --- sessions ---

Result<SessionId> SqliteWriteTx::insert_session(const domain::Session& s) {
  auto st = conn_.prepare(
      "INSERT INTO sessions (line_id, status, operator_id, pinned, tried, offer_deadline,"
      " assigned_at, answered_at, first_reply_at, closed_at, message_count, dialog_id, created_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
  if (!st.ok()) return std::move(st).take_error();
  bind_session(*st, s);
  st->bind(12, s.dialog_id.get()).bind(13, s.created_at);
  if (Status r = st->run(); !r.ok()) {
    return write_error(*st, r.error(), "dialog or line not found", "session already exists");
  }
  return SessionId(conn_.last_insert_rowid());
}

// Replaces every field but id, dialog_id and created_at.
Status SqliteWriteTx::update_session(const domain::Session& s) {
  auto st = conn_.prepare(
      "UPDATE sessions SET line_id = ?1, status = ?2, operator_id = ?3, pinned = ?4, tried = ?5,"
      " offer_deadline = ?6, assigned_at = ?7, answered_at = ?8, first_reply_at = ?9,"
      " closed_at = ?10, message_count = ?11 WHERE id = ?12");
  if (!st.ok()) return std::move(st).take_error();
  bind_session(*st, s);
  st->bind(12, s.id.get());
  auto n = changed_rows(conn_, *st);
  if (!n.ok()) return write_error(*st, n.error(), "line not found", "session already exists");
  if (*n == 0) return Error::not_found("session not found");
  return {};
}

Status SqliteWriteTx::set_session_message_count(SessionId session, std::int64_t count) {
  auto st = conn_.prepare("UPDATE sessions SET message_count = ?1 WHERE id = ?2");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, count).bind(2, session.get());
  auto n = changed_rows(conn_, *st);
  if (!n.ok()) return n.error();
  if (*n == 0) return Error::not_found("session not found");
  return {};
}

// --- messages ---

Result<MessageId> SqliteWriteTx::insert_message(const domain::Message& m) {
  auto st = conn_.prepare(
      "INSERT INTO messages (session_id, channel_id, author_kind, author_employee,"
      " author_customer, text, hidden, reply_to, external_id, system, delivery, edited_at,"
      " deleted_at, dialog_id, created_at, files)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
  if (!st.ok()) return std::move(st).take_error();
  bind_message(*st, m);
  st->bind(14, m.dialog_id.get()).bind(15, m.created_at).bind_text(16, files_json(m.files));
  if (Status r = st->run(); !r.ok()) {
    return write_error(*st, r.error(), "dialog not found", kMessageTaken);
  }
  const MessageId id(conn_.last_insert_rowid());
  if (!m.files.empty()) {
    for (const auto& f : m.files) {
      auto link = conn_.prepare("INSERT INTO message_files (file_id, message_id) VALUES (?1, ?2)");
      if (!link.ok()) return std::move(link).take_error();
      link->bind(1, f.id.get()).bind(2, id.get());
      if (Status r = link->run(); !r.ok())
        return write_error(*link, r.error(), "file not found", "a file is attached twice");
    }
  }
  return id;
}

// Replaces every field but id, dialog_id and created_at.
Status SqliteWriteTx::update_message(const domain::Message& m) {
  auto st = conn_.prepare(
      "UPDATE messages SET session_id = ?1, channel_id = ?2, author_kind = ?3,"
      " author_employee = ?4, author_customer = ?5, text = ?6, hidden = ?7, reply_to = ?8,"
      " external_id = ?9, system = ?10, delivery = ?11, edited_at = ?12, deleted_at = ?13"
      " WHERE id = ?14");
  if (!st.ok()) return std::move(st).take_error();
  bind_message(*st, m);
  st->bind(14, m.id.get());
  auto n = changed_rows(conn_, *st);
  if (!n.ok()) return write_error(*st, n.error(), "dialog not found", kMessageTaken);
  if (*n == 0) return Error::not_found("message not found");
  return {};
}

Status SqliteWriteTx::insert_message_edit(const domain::MessageEdit& e) {
  auto st = conn_.prepare(
      "INSERT INTO message_edits (message_id, previous_text, editor_id, edited_at)"
      " VALUES (?1, ?2, ?3, ?4)");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, e.message_id.get()).bind_text(2, e.previous_text).bind(3, e.editor.get()).bind(4, e.edited_at);
  if (Status s = st->run(); !s.ok()) return write_error(*st, s.error(), "message not found", "edit conflict");
  return {};
}

}  // namespace omniline::store::sqlite
