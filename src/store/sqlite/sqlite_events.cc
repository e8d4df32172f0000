// The realtime event log and the outbox of channel deliveries.
#include <string>
#include <utility>

#include "store/sqlite/reads.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_tx.h"

namespace omniline::store::sqlite {
namespace {

const auto event_fn = [](const Statement& s) { return event_row(s); };
const auto outbox_fn = [](const Statement& s) { return outbox_row(s); };

// Binds an outbox item's fields to ?1..?8 (all but id and created_at).
void bind_outbox(Statement& st, const domain::OutboxItem& o) {
  st.bind(1, o.channel_id.get())
      .bind(2, o.message_id.get())
      .bind_text(3, o.payload)
      .bind_text(4, domain::outbox_status_name(o.status))
      .bind(5, std::int64_t{o.attempts})
      .bind(6, o.next_attempt_at)
      .bind_text(7, o.last_error)
      .bind(8, o.sent_at)
      .bind_text(10, o.kind);
}

constexpr const char* kOutboxTaken = "the message already has an outbox item";

}  // namespace

// --- reads ---

namespace reads {

Result<std::vector<domain::EventRecord>> events_after(Connection& conn, std::int64_t after,
                                                      int limit) {
  auto checked = checked_limit(limit);
  if (!checked.ok()) return std::move(checked).take_error();
  auto st = conn.prepare("SELECT " OMNILINE_EVENT_COLUMNS
                         " FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, after).bind(2, std::int64_t{*checked});
  return all_rows<domain::EventRecord>(*st, event_fn);
}

// The AUTOINCREMENT counter, so the newest seq survives purging every event: a client that saw
// it has missed nothing. (sqlite_sequence has no row before the first insert.)
Result<std::int64_t> last_event_seq(Connection& conn) {
  auto st = conn.prepare(
      "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0),"
      " coalesce((SELECT max(seq) FROM events), 0))");
  if (!st.ok()) return std::move(st).take_error();
  return scalar(*st);
}

Result<std::int64_t> first_event_seq(Connection& conn) {
  auto st = conn.prepare("SELECT coalesce(min(seq), 0) FROM events");
  if (!st.ok()) return std::move(st).take_error();
  return scalar(*st);
}

Result<domain::OutboxItem> outbox_by_id(Connection& conn, OutboxId id) {
  auto st = conn.prepare("SELECT " OMNILINE_OUTBOX_COLUMNS " FROM outbox WHERE id = ?1");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, id.get());
  return one_row(*st, outbox_fn, "outbox item not found");
}

Result<std::vector<domain::OutboxItem>> due_outbox(Connection& conn, UnixMs now, int limit) {
  auto checked = checked_limit(limit);
  if (!checked.ok()) return std::move(checked).take_error();
  auto st = conn.prepare("SELECT " OMNILINE_OUTBOX_COLUMNS
                         " FROM outbox o WHERE status = 'pending' AND next_attempt_at <= ?1"
                         // A message's edits and deletion wait for what came before them.
                         " AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.message_id = o.message_id"
                         " AND p.id < o.id AND p.status = 'pending')"
                         " ORDER BY next_attempt_at, id LIMIT ?2");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, now).bind(2, std::int64_t{*checked});
  return all_rows<domain::OutboxItem>(*st, outbox_fn);
}

Result<domain::OutboxItem> outbox_by_message(Connection& conn, MessageId message) {
  auto st = conn.prepare("SELECT " OMNILINE_OUTBOX_COLUMNS
                         " FROM outbox WHERE message_id = ?1 AND kind = 'message'");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, message.get());
  return one_row(*st, outbox_fn, "outbox item not found");
}

}  // namespace reads

// --- event log ---

Result<std::int64_t> SqliteWriteTx::insert_event(const domain::EventRecord& e) {
  auto st = conn_.prepare(
      "INSERT INTO events (type, at, line_id, dialog_id, employee_ids, staff_all, data,"
      " customer_id, customer_data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!st.ok()) return std::move(st).take_error();
  st->bind_text(1, e.type)
      .bind(2, e.at)
      .bind(3, e.line_id.get())
      .bind(4, e.dialog_id.get())
      .bind_text(5, ids_json(e.employee_ids))
      .bind(6, flag(e.staff_all))
      .bind_text(7, e.data)
      .bind(8, e.customer_id.get());
  if (e.customer_data) {
    st->bind_text(9, *e.customer_data);
  } else {
    st->bind_null(9);
  }
  if (Status s = st->run(); !s.ok()) return std::move(s).take_error();
  return conn_.last_insert_rowid();
}

Result<std::int64_t> SqliteWriteTx::purge_events(UnixMs before, std::int64_t keep) {
  if (keep < 0) return Error::invalid("keep must not be negative");
  auto st = conn_.prepare(
      "DELETE FROM events WHERE at < ?1"
      " AND seq NOT IN (SELECT seq FROM events ORDER BY seq DESC LIMIT ?2)");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, before).bind(2, keep);
  return changed_rows(conn_, *st);
}

// --- outbox ---

Result<OutboxId> SqliteWriteTx::insert_outbox(const domain::OutboxItem& item) {
  auto st = conn_.prepare(
      "INSERT INTO outbox (channel_id, message_id, payload, status, attempts, next_attempt_at,"
      " last_error, sent_at, created_at, kind) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  if (!st.ok()) return std::move(st).take_error();
  bind_outbox(*st, item);
  st->bind(9, item.created_at);
  if (Status s = st->run(); !s.ok()) {
    return write_error(*st, s.error(), "outbox reference not found", kOutboxTaken);
  }
  return OutboxId(conn_.last_insert_rowid());
}

// Replaces every field but id and created_at.
Status SqliteWriteTx::update_outbox(const domain::OutboxItem& item) {
  auto st = conn_.prepare(
      "UPDATE outbox SET channel_id = ?1, message_id = ?2, payload = ?3, status = ?4,"
      " attempts = ?5, next_attempt_at = ?6, last_error = ?7, sent_at = ?8, kind = ?10"
      " WHERE id = ?9");
  if (!st.ok()) return std::move(st).take_error();
  bind_outbox(*st, item);
  st->bind(9, item.id.get());
  auto n = changed_rows(conn_, *st);
  if (!n.ok()) return write_error(*st, n.error(), "outbox reference not found", kOutboxTaken);
  if (*n == 0) return Error::not_found("outbox item not found");
  return {};
}

}  // namespace omniline::store::sqlite
