// Dialogs, their members, the dialog list (views, filters, cursor) and related dialogs.
#include <algorithm>
#include <limits>
#include <string>
#include <utility>

#include "store/sqlite/reads.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_tx.h"

namespace omniline::store::sqlite {
namespace {

const auto dialog_fn = [](const Statement& s) { return dialog_row(s); };

// --- the dialog list ---
//
// One constant statement per (view, line filter or not), for the list and for the count, so that
// each can use its index (dialogs_activity, or dialogs_line with a line) to walk dialogs newest
// first. Parameters: ?1 viewer, ?2 viewer sees all (0/1), ?3 line, ?4 search text ("" = none),
// ?5/?6 cursor (last_message_at, id), ?7 limit + 1. d: the dialog, s: its latest session (NULL
// columns when it has none), c: its customer, m: its newest message.

// clang-format off
// The non-deleted lines whose queue holds the viewer.
#define OMNILINE_VIEWER_LINES                                                 \
  "(SELECT vq.line_id FROM line_queue vq JOIN lines vl ON vl.id = vq.line_id" \
  " WHERE vq.employee_id = ?1 AND vl.deleted_at IS NULL)"
#define OMNILINE_VIEW_ALL                                                          \
  "(?2 = 1 OR d.line_id IN " OMNILINE_VIEWER_LINES                                 \
  " OR EXISTS (SELECT 1 FROM dialog_members vm"                                    \
  " WHERE vm.dialog_id = d.id AND vm.employee_id = ?1))"
#define OMNILINE_VIEW_UNANSWERED                                                   \
  "(s.status IN " OMNILINE_UNANSWERED_STATUSES                                     \
  " AND (?2 = 1 OR s.operator_id = ?1"                                             \
  " OR (s.operator_id = 0 AND d.line_id IN " OMNILINE_VIEWER_LINES ")))"
#define OMNILINE_VIEW_MINE                                                         \
  "(s.operator_id = ?1"                                                            \
  " AND s.status NOT IN " OMNILINE_CLOSED_STATUSES                                 \
  " AND s.status NOT IN " OMNILINE_UNANSWERED_STATUSES ")"
#define OMNILINE_ANY_LINE ""
#define OMNILINE_ONE_LINE " AND d.line_id = ?3"
#define OMNILINE_SEARCH                                                            \
  " AND (?4 = '' OR instr(omni_lower(d.title), omni_lower(?4)) > 0"                          \
  " OR instr(omni_lower(c.name), omni_lower(?4)) > 0)"
#define OMNILINE_DIALOG_FROM                                                       \
  " FROM dialogs d JOIN customers c ON c.id = d.customer_id"                       \
  " LEFT JOIN sessions s ON s.id = d.session_id"
#define OMNILINE_LIST_COLUMNS                                                      \
  OMNILINE_DIALOG_COLUMNS_OF("d.") ", " OMNILINE_SESSION_COLUMNS_OF("s.") ", "     \
  OMNILINE_CUSTOMER_COLUMNS_OF("c.") ", " OMNILINE_MESSAGE_COLUMNS_OF("m.")
#define OMNILINE_LIST_SQL(view, line)                                              \
  "SELECT " OMNILINE_LIST_COLUMNS OMNILINE_DIALOG_FROM                             \
  " LEFT JOIN messages m"                                                          \
  " ON m.id = (SELECT max(id) FROM messages WHERE dialog_id = d.id)"               \
  " WHERE " view line OMNILINE_SEARCH                                              \
  " AND (d.last_message_at, d.id) < (?5, ?6)"                                      \
  " ORDER BY d.last_message_at DESC, d.id DESC LIMIT ?7"
#define OMNILINE_COUNT_SQL(view, line)                                             \
  "SELECT count(*)" OMNILINE_DIALOG_FROM " WHERE " view line OMNILINE_SEARCH
// clang-format on

// Indexed by DialogView, then by "filtered by line".
constexpr const char* kListSql[3][2] = {
    {OMNILINE_LIST_SQL(OMNILINE_VIEW_UNANSWERED, OMNILINE_ANY_LINE),
     OMNILINE_LIST_SQL(OMNILINE_VIEW_UNANSWERED, OMNILINE_ONE_LINE)},
    {OMNILINE_LIST_SQL(OMNILINE_VIEW_MINE, OMNILINE_ANY_LINE),
     OMNILINE_LIST_SQL(OMNILINE_VIEW_MINE, OMNILINE_ONE_LINE)},
    {OMNILINE_LIST_SQL(OMNILINE_VIEW_ALL, OMNILINE_ANY_LINE),
     OMNILINE_LIST_SQL(OMNILINE_VIEW_ALL, OMNILINE_ONE_LINE)},
};
constexpr const char* kCountSql[3][2] = {
    {OMNILINE_COUNT_SQL(OMNILINE_VIEW_UNANSWERED, OMNILINE_ANY_LINE),
     OMNILINE_COUNT_SQL(OMNILINE_VIEW_UNANSWERED, OMNILINE_ONE_LINE)},
    {OMNILINE_COUNT_SQL(OMNILINE_VIEW_MINE, OMNILINE_ANY_LINE),
     OMNILINE_COUNT_SQL(OMNILINE_VIEW_MINE, OMNILINE_ONE_LINE)},
    {OMNILINE_COUNT_SQL(OMNILINE_VIEW_ALL, OMNILINE_ANY_LINE),
     OMNILINE_COUNT_SQL(OMNILINE_VIEW_ALL, OMNILINE_ONE_LINE)},
};

#undef OMNILINE_VIEWER_LINES
#undef OMNILINE_VIEW_ALL
#undef OMNILINE_VIEW_UNANSWERED
#undef OMNILINE_VIEW_MINE
#undef OMNILINE_ANY_LINE
#undef OMNILINE_ONE_LINE
#undef OMNILINE_SEARCH
#undef OMNILINE_DIALOG_FROM
#undef OMNILINE_LIST_COLUMNS
#undef OMNILINE_LIST_SQL
#undef OMNILINE_COUNT_SQL

Result<Statement> prepare_query(Connection& conn, const char* const (&sql)[3][2],
                                const DialogQuery& q) {
  int view = 0;
  switch (q.view) {
    case DialogView::kUnanswered:
      view = 0;
      break;
    case DialogView::kMine:
      view = 1;
      break;
    case DialogView::kAll:
      view = 2;
      break;
  }
  auto st = conn.prepare(sql[view][q.line_id ? 1 : 0]);
  if (!st.ok()) return st;
  st->bind(1, q.viewer.get()).bind(2, flag(q.viewer_sees_all)).bind_text(4, q.q);
  if (q.line_id) st->bind(3, q.line_id->get());
  return st;
}

Result<DialogRow> list_row(const Statement& st) {
  constexpr int kSessionAt = kDialogColumnCount;
  constexpr int kCustomerAt = kSessionAt + kSessionColumnCount;
  constexpr int kMessageAt = kCustomerAt + kCustomerColumnCount;
  DialogRow row;
  auto d = dialog_row(st, 0);
  if (!d.ok()) return std::move(d).take_error();
  row.dialog = std::move(*d);
  if (st.column_optional_int(kSessionAt)) {  // NULL: the dialog has no session yet
    auto s = session_row(st, kSessionAt);
    if (!s.ok()) return std::move(s).take_error();
    row.session = std::move(*s);
  }
  auto c = customer_row(st, kCustomerAt);
  if (!c.ok()) return std::move(c).take_error();
  row.customer = std::move(*c);
  if (st.column_optional_int(kMessageAt)) {
    auto m = message_row(st, kMessageAt);
    if (!m.ok()) return std::move(m).take_error();
    row.last_message = std::move(*m);
  }
  return row;
}

// Binds a dialog's fields to ?1..?9 (all but id and created_at).
void bind_dialog(Statement& st, const domain::Dialog& d) {
  st.bind(1, d.line_id.get())
      .bind(2, d.channel_id.get())
      .bind(3, d.customer_id.get())
      .bind_text(4, d.external_chat_id)
      .bind_text(5, d.title)
      .bind(6, d.session_id.get())
      .bind(7, d.last_message_id.get())
      .bind(8, d.last_message_at)
      .bind(9, d.customer_read_id.get());
}

constexpr const char* kDialogRefs = "line, channel or customer not found";
constexpr const char* kDialogTaken = "a dialog with this channel, customer and chat id exists";

// What related_dialogs matches on: the dialog's line and its customer's e-mail and phone.
struct RelatedKey {
  LineId line;
  std::string email;
  std::string phone;
};

Result<RelatedKey> related_key(Connection& conn, DialogId id) {
  auto st = conn.prepare(
      "SELECT d.line_id, c.email, c.phone FROM dialogs d JOIN customers c ON c.id = d.customer_id"
      " WHERE d.id = ?1");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, id.get());
  return one_row(
      *st,
      [](const Statement& s) -> Result<RelatedKey> {
        return RelatedKey{LineId(s.column_int(0)), s.column_text(1), s.column_text(2)};
      },
      "dialog not found");
}

}  // namespace

// --- reads ---

namespace reads {

Result<domain::Dialog> dialog_by_id(Connection& conn, DialogId id) {
  auto st = conn.prepare("SELECT " OMNILINE_DIALOG_COLUMNS " FROM dialogs WHERE id = ?1");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, id.get());
  return one_row(*st, dialog_fn, "dialog not found");
}

Result<domain::Dialog> dialog_by_key(Connection& conn, ChannelId channel, CustomerId customer,
                                     std::string_view external_chat_id) {
  auto st = conn.prepare("SELECT " OMNILINE_DIALOG_COLUMNS
                         " FROM dialogs WHERE channel_id = ?1 AND customer_id = ?2"
                         " AND external_chat_id = ?3");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, channel.get()).bind(2, customer.get()).bind_text(3, external_chat_id);
  return one_row(*st, dialog_fn, "dialog not found");
}

Result<Page<DialogRow>> list_dialogs(Connection& conn, const DialogQuery& q) {
  auto limit = checked_limit(q.limit, kMaxPageLimit);
  if (!limit.ok()) return std::move(limit).take_error();
  auto st = prepare_query(conn, kListSql, q);
  if (!st.ok()) return std::move(st).take_error();
  // No cursor: a bound above every row, so the one statement serves both cases.
  constexpr std::int64_t kTop = std::numeric_limits<std::int64_t>::max();
  const bool cursor = q.before_id > 0;
  st->bind(5, cursor ? q.before_at : kTop)
      .bind(6, cursor ? q.before_id : kTop)
      .bind(7, std::int64_t{*limit} + 1);
  return page_rows<DialogRow>(*st, list_row, *limit);
}

Result<std::int64_t> count_dialogs(Connection& conn, const DialogQuery& q) {
  auto st = prepare_query(conn, kCountSql, q);
  if (!st.ok()) return std::move(st).take_error();
  return scalar(*st);
}

Result<std::vector<domain::Dialog>> related_dialogs(Connection& conn, DialogId id, int limit) {
  auto checked = checked_limit(limit, kMaxPageLimit);
  if (!checked.ok()) return std::move(checked).take_error();
  auto key = related_key(conn, id);
  if (!key.ok()) return std::move(key).take_error();
  // `email <> ''` / `phone <> ''` spelled out so the partial indexes apply.
  auto st = conn.prepare("SELECT " OMNILINE_DIALOG_COLUMNS
                         " FROM dialogs WHERE line_id = ?1 AND id <> ?2 AND customer_id IN"
                         " (SELECT id FROM customers WHERE email = ?3 AND email <> ''"
                         " UNION SELECT id FROM customers WHERE phone = ?4 AND phone <> '')"
                         " ORDER BY last_message_at DESC, id DESC LIMIT ?5");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, key->line.get())
      .bind(2, id.get())
      .bind_text(3, key->email)
      .bind_text(4, key->phone)
      .bind(5, std::int64_t{*checked});
  return all_rows<domain::Dialog>(*st, dialog_fn);
}

Result<bool> is_member(Connection& conn, DialogId dialog, EmployeeId employee) {
  auto st = conn.prepare(
      "SELECT EXISTS (SELECT 1 FROM dialog_members WHERE dialog_id = ?1 AND employee_id = ?2)");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, dialog.get()).bind(2, employee.get());
  auto n = scalar(*st);
  if (!n.ok()) return std::move(n).take_error();
  return *n != 0;
}

// Join order is added_at; members added in the same millisecond come in employee id order.
Result<std::vector<EmployeeId>> members(Connection& conn, DialogId dialog) {
  auto st = conn.prepare(
      "SELECT employee_id FROM dialog_members WHERE dialog_id = ?1"
      " ORDER BY added_at, employee_id");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, dialog.get());
  return all_rows<EmployeeId>(
      *st, [](const Statement& s) -> Result<EmployeeId> { return EmployeeId(s.column_int(0)); });
}

// Walks messages_dialog from the read mark up, stopping at `cap`, so a long unread dialog costs
// no more than a short one.
Result<std::int64_t> unread_count(Connection& conn, DialogId dialog, EmployeeId employee, int cap) {
  auto st = conn.prepare(
      "SELECT count(*) FROM (SELECT 1 FROM messages WHERE dialog_id = ?1"
      " AND id > coalesce((SELECT message_id FROM dialog_reads"
      " WHERE dialog_id = ?1 AND employee_id = ?2), 0)"
      " AND author_kind = 'customer' AND deleted_at IS NULL LIMIT ?3)");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, dialog.get()).bind(2, employee.get()).bind(3, std::int64_t{std::max(cap, 0)});
  return scalar(*st);
}

}  // namespace reads

// --- writes ---

Result<DialogId> SqliteWriteTx::insert_dialog(const domain::Dialog& d) {
  auto st = conn_.prepare(
      "INSERT INTO dialogs (line_id, channel_id, customer_id, external_chat_id, title, session_id,"
      " last_message_id, last_message_at, customer_read_id, created_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  if (!st.ok()) return std::move(st).take_error();
  bind_dialog(*st, d);
  st->bind(10, d.created_at);
  if (Status s = st->run(); !s.ok()) return write_error(*st, s.error(), kDialogRefs, kDialogTaken);
  return DialogId(conn_.last_insert_rowid());
}

// Replaces every field but id and created_at.
Status SqliteWriteTx::update_dialog(const domain::Dialog& d) {
  auto st = conn_.prepare(
      "UPDATE dialogs SET line_id = ?1, channel_id = ?2, customer_id = ?3, external_chat_id = ?4,"
      " title = ?5, session_id = ?6, last_message_id = ?7, last_message_at = ?8,"
      " customer_read_id = ?9 WHERE id = ?10");
  if (!st.ok()) return std::move(st).take_error();
  bind_dialog(*st, d);
  st->bind(10, d.id.get());
  auto n = changed_rows(conn_, *st);
  if (!n.ok()) return write_error(*st, n.error(), kDialogRefs, kDialogTaken);
  if (*n == 0) return Error::not_found("dialog not found");
  return {};
}

Status SqliteWriteTx::set_read_mark(DialogId dialog, EmployeeId employee, MessageId message) {
  auto st = conn_.prepare(
      "INSERT INTO dialog_reads (dialog_id, employee_id, message_id) VALUES (?1, ?2, ?3)"
      " ON CONFLICT (dialog_id, employee_id)"
      " DO UPDATE SET message_id = max(message_id, excluded.message_id)");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, dialog.get()).bind(2, employee.get()).bind(3, message.get());
  if (Status s = st->run(); !s.ok()) {
    return write_error(*st, s.error(), "dialog or employee not found", "read mark conflict");
  }
  return {};
}

Status SqliteWriteTx::add_member(DialogId dialog, EmployeeId employee, UnixMs at) {
  auto st = conn_.prepare(
      "INSERT INTO dialog_members (dialog_id, employee_id, added_at) VALUES (?1, ?2, ?3)"
      " ON CONFLICT (dialog_id, employee_id) DO NOTHING");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, dialog.get()).bind(2, employee.get()).bind(3, at);
  if (Status s = st->run(); !s.ok()) {
    return write_error(*st, s.error(), "dialog or employee not found", "already a member");
  }
  return {};
}

}  // namespace omniline::store::sqlite
