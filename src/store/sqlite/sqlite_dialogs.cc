// Dialogs, their members, the dialog list (views, filters, cursor) and related dialogs.
#include <algorithm>
#include <limits>
#include <string>
#include <utility>

#include "domain/text.h"
#include "store/sqlite/reads.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_tx.h"

namespace omniline::store::sqlite {
namespace {

const auto dialog_fn = [](const Statement& s) { return dialog_row(s); };

// --- the dialog list ---
//
// One constant statement per (view, line filter or not, search plan), for the list and for the
// count. The views filter on the dialog's own copy of its latest session's status and operator
// (`session_status`, `session_operator`, kept by triggers; migration 8). So each view walks an
// index newest first and joins only the rows it returns: "all" dialogs_activity (or dialogs_line
// with a line), "unanswered" the partial index dialogs_unanswered, "mine" dialogs_open from the
// viewer's entries; and the counts read those partial indexes alone (they cover the filters).
// Parameters: ?1 viewer, ?2 viewer sees all (0/1), ?3 line, ?4 search text, ?5/?6 cursor
// (last_message_at, id), ?7 limit + 1, ?8 the search as an FTS5 phrase. d: the dialog, s: its
// latest session (NULL columns when it has none), c: its customer, m: its newest message.
//
// The search (a case-insensitive substring of the title or the customer's name) has two plans:
// - kFtsDriven, when the text has at least 3 characters and dialog_search holds at most
//   kFtsDrivenMax candidates for it: the candidates are looked up, filtered and sorted, so a rare
//   text costs next to nothing however deep its matches are. It re-checks the substring with
//   omni_lower, so it answers exactly what kScan would.
// - kScan otherwise (a shorter text, which the trigram index cannot look up, or a frequent one):
//   omni_lower over each dialog the walk meets; with many matches, the page fills early.
// (A walk that keeps the rows in the candidate set was slower: building a set of ~40 000
// candidates cost more than folding the few thousand rows a frequent text needs.)

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
  "(d.session_status IN " OMNILINE_UNANSWERED_STATUSES                             \
  " AND (?2 = 1 OR d.session_operator = ?1"                                        \
  " OR (d.session_operator = 0 AND d.line_id IN " OMNILINE_VIEWER_LINES ")))"
#define OMNILINE_VIEW_MINE                                                         \
  "(d.session_operator = ?1"                                                       \
  " AND d.session_status NOT IN " OMNILINE_CLOSED_STATUSES                         \
  " AND d.session_status NOT IN " OMNILINE_UNANSWERED_STATUSES ")"
#define OMNILINE_ANY_LINE ""
#define OMNILINE_ONE_LINE " AND d.line_id = ?3"
#define OMNILINE_MATCH_TEXT                                                        \
  "(instr(omni_lower(d.title), omni_lower(?4)) > 0"                                \
  " OR instr(omni_lower(c.name), omni_lower(?4)) > 0)"
#define OMNILINE_FTS_CANDIDATES                                                    \
  " IN (SELECT rowid FROM dialog_search WHERE dialog_search MATCH ?8)"
#define OMNILINE_NO_SEARCH ""
#define OMNILINE_SEARCH_SCAN " AND " OMNILINE_MATCH_TEXT
#define OMNILINE_SEARCH_FTS_DRIVEN " AND d.id" OMNILINE_FTS_CANDIDATES " AND " OMNILINE_MATCH_TEXT
#define OMNILINE_LIST_COLUMNS                                                      \
  OMNILINE_DIALOG_COLUMNS_OF("d.") ", " OMNILINE_SESSION_COLUMNS_OF("s.") ", "     \
  OMNILINE_CUSTOMER_COLUMNS_OF("c.") ", " OMNILINE_MESSAGE_COLUMNS_OF("m.")
// The page is chosen first (dialogs, and customers only to search), then only its rows are
// joined to their session, customer and newest message.
#define OMNILINE_LIST_SQL(from, view, line, search)                                \
  "SELECT " OMNILINE_LIST_COLUMNS                                                  \
  " FROM (SELECT d.* FROM " from " WHERE " view line search                        \
  " AND (d.last_message_at, d.id) < (?5, ?6)"                                      \
  " ORDER BY d.last_message_at DESC, d.id DESC LIMIT ?7) d"                        \
  " JOIN customers c ON c.id = d.customer_id"                                      \
  " LEFT JOIN sessions s ON s.id = d.session_id"                                   \
  " LEFT JOIN messages m"                                                          \
  " ON m.id = (SELECT max(id) FROM messages WHERE dialog_id = d.id)"               \
  " ORDER BY d.last_message_at DESC, d.id DESC"
#define OMNILINE_DIALOGS "dialogs d"
#define OMNILINE_DIALOGS_CUSTOMERS "dialogs d JOIN customers c ON c.id = d.customer_id"
#define OMNILINE_LIST_SQL_ALL(view, line)                                                   \
  {OMNILINE_LIST_SQL(OMNILINE_DIALOGS, view, line, OMNILINE_NO_SEARCH),                     \
   OMNILINE_LIST_SQL(OMNILINE_DIALOGS_CUSTOMERS, view, line, OMNILINE_SEARCH_SCAN),         \
   OMNILINE_LIST_SQL(OMNILINE_DIALOGS_CUSTOMERS, view, line, OMNILINE_SEARCH_FTS_DRIVEN)}
// Counts join the customer only to search (the FTS candidates drive the search counts).
#define OMNILINE_COUNT_SQL_ALL(view, line)                                         \
  {"SELECT count(*) FROM dialogs d WHERE " view line,                              \
   "SELECT count(*) FROM dialogs d JOIN customers c ON c.id = d.customer_id"       \
   " WHERE " view line OMNILINE_SEARCH_SCAN,                                       \
   "SELECT count(*) FROM dialogs d JOIN customers c ON c.id = d.customer_id"       \
   " WHERE " view line OMNILINE_SEARCH_FTS_DRIVEN}
// clang-format on

enum SearchPlan { kNoSearch = 0, kScan = 1, kFtsDriven = 2 };

// At most this many candidates: look them up rather than walk the list (see above).
constexpr std::int64_t kFtsDrivenMax = 5000;

// Indexed by DialogView, then by "filtered by line", then by SearchPlan.
constexpr const char* kListSql[3][2][3] = {
    {OMNILINE_LIST_SQL_ALL(OMNILINE_VIEW_UNANSWERED, OMNILINE_ANY_LINE),
     OMNILINE_LIST_SQL_ALL(OMNILINE_VIEW_UNANSWERED, OMNILINE_ONE_LINE)},
    {OMNILINE_LIST_SQL_ALL(OMNILINE_VIEW_MINE, OMNILINE_ANY_LINE),
     OMNILINE_LIST_SQL_ALL(OMNILINE_VIEW_MINE, OMNILINE_ONE_LINE)},
    {OMNILINE_LIST_SQL_ALL(OMNILINE_VIEW_ALL, OMNILINE_ANY_LINE),
     OMNILINE_LIST_SQL_ALL(OMNILINE_VIEW_ALL, OMNILINE_ONE_LINE)},
};
constexpr const char* kCountSql[3][2][3] = {
    {OMNILINE_COUNT_SQL_ALL(OMNILINE_VIEW_UNANSWERED, OMNILINE_ANY_LINE),
     OMNILINE_COUNT_SQL_ALL(OMNILINE_VIEW_UNANSWERED, OMNILINE_ONE_LINE)},
    {OMNILINE_COUNT_SQL_ALL(OMNILINE_VIEW_MINE, OMNILINE_ANY_LINE),
     OMNILINE_COUNT_SQL_ALL(OMNILINE_VIEW_MINE, OMNILINE_ONE_LINE)},
    {OMNILINE_COUNT_SQL_ALL(OMNILINE_VIEW_ALL, OMNILINE_ANY_LINE),
     OMNILINE_COUNT_SQL_ALL(OMNILINE_VIEW_ALL, OMNILINE_ONE_LINE)},
};

// Counts without a search text, from dialog_tallies (migration 10): the same conditions as the
// views above, over (line, operator, class) rows instead of dialogs. "All" for a viewer who does
// not see everything adds the dialogs they are a member of on other lines.
// clang-format off
#define OMNILINE_TALLY_SUM "SELECT coalesce(sum(t.n), 0) FROM dialog_tallies t WHERE "
#define OMNILINE_TALLY_UNANSWERED                                                  \
  OMNILINE_TALLY_SUM "t.class = 1 AND (?2 = 1 OR t.operator_id = ?1"               \
  " OR (t.operator_id = 0 AND t.line_id IN " OMNILINE_VIEWER_LINES "))"
#define OMNILINE_TALLY_MINE OMNILINE_TALLY_SUM "t.operator_id = ?1 AND t.class = 2"
#define OMNILINE_TALLY_ALL(tline, dline)                                           \
  "SELECT (" OMNILINE_TALLY_SUM "t.line_id IN " OMNILINE_VIEWER_LINES tline        \
  ") + (SELECT count(*) FROM dialog_members vm JOIN dialogs d ON d.id = vm.dialog_id" \
  " WHERE vm.employee_id = ?1 AND d.line_id NOT IN " OMNILINE_VIEWER_LINES dline ")"
#define OMNILINE_TALLY_LINE " AND t.line_id = ?3"
// [view][with a line]; "all" here is for a viewer who does not see everything.
constexpr const char* kTallySql[3][2] = {
    {OMNILINE_TALLY_UNANSWERED, OMNILINE_TALLY_UNANSWERED OMNILINE_TALLY_LINE},
    {OMNILINE_TALLY_MINE, OMNILINE_TALLY_MINE OMNILINE_TALLY_LINE},
    {OMNILINE_TALLY_ALL("", ""), OMNILINE_TALLY_ALL(OMNILINE_TALLY_LINE, " AND d.line_id = ?3")},
};
// clang-format on
#undef OMNILINE_VIEWER_LINES
#undef OMNILINE_TALLY_SUM
#undef OMNILINE_TALLY_UNANSWERED
#undef OMNILINE_TALLY_MINE
#undef OMNILINE_TALLY_ALL
#undef OMNILINE_TALLY_LINE
#undef OMNILINE_VIEW_ALL
#undef OMNILINE_VIEW_UNANSWERED
#undef OMNILINE_VIEW_MINE
#undef OMNILINE_ANY_LINE
#undef OMNILINE_ONE_LINE
#undef OMNILINE_MATCH_TEXT
#undef OMNILINE_FTS_CANDIDATES
#undef OMNILINE_NO_SEARCH
#undef OMNILINE_SEARCH_SCAN
#undef OMNILINE_SEARCH_FTS_DRIVEN
#undef OMNILINE_LIST_COLUMNS
#undef OMNILINE_LIST_SQL
#undef OMNILINE_LIST_SQL_ALL
#undef OMNILINE_DIALOGS
#undef OMNILINE_DIALOGS_CUSTOMERS
#undef OMNILINE_COUNT_SQL_ALL

// The search text as an FTS5 phrase of its folded form ("" inside doubled), and whether the
// trigram index can look it up (at least 3 characters).
struct FtsPhrase {
  std::string phrase;
  bool usable = false;
};

FtsPhrase fts_phrase(std::string_view q) {
  const std::string folded = domain::text::fold_case(q);
  std::size_t chars = 0;
  for (unsigned char ch : folded)
    if ((ch & 0xC0) != 0x80) ++chars;  // UTF-8 lead bytes
  FtsPhrase f;
  f.usable = chars >= 3;
  f.phrase.reserve(folded.size() + 2);
  f.phrase += '"';
  for (char ch : folded) {
    if (ch == '"') f.phrase += '"';
    f.phrase += ch;
  }
  f.phrase += '"';
  return f;
}

// How many dialogs the phrase finds in dialog_search, counting no further than `cap`.
Result<std::int64_t> fts_candidates(Connection& conn, const std::string& phrase, std::int64_t cap) {
  auto st = conn.prepare(
      "SELECT count(*) FROM (SELECT 1 FROM dialog_search WHERE dialog_search MATCH ?1 LIMIT ?2)");
  if (!st.ok()) return std::move(st).take_error();
  st->bind_text(1, phrase).bind(2, cap);
  return scalar(*st);
}

// Picks the statement for the query (and, for a list, the search plan by the candidates).
Result<Statement> prepare_query(Connection& conn, const char* const (&sql)[3][2][3],
                                const DialogQuery& q, bool list) {
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
  SearchPlan plan = kNoSearch;
  FtsPhrase fts;
  if (!q.q.empty()) {
    fts = fts_phrase(q.q);
    plan = kScan;
    if (fts.usable) {
      plan = kFtsDriven;
      if (list) {
        auto n = fts_candidates(conn, fts.phrase, kFtsDrivenMax + 1);
        if (!n.ok()) return std::move(n).take_error();
        if (*n > kFtsDrivenMax) plan = kScan;
      }
    }
  }
  auto st = conn.prepare(sql[view][q.line_id ? 1 : 0][plan]);
  if (!st.ok()) return st;
  st->bind(1, q.viewer.get());
  if (q.view != DialogView::kMine) st->bind(2, flag(q.viewer_sees_all));  // "mine" has no ?2
  if (plan != kNoSearch) st->bind_text(4, q.q);
  if (plan == kFtsDriven) st->bind_text(8, fts.phrase);
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
  auto st = prepare_query(conn, kListSql, q, true);
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
  if (q.q.empty()) {
    if (q.view == DialogView::kAll && q.viewer_sees_all) {
      // Everything, or everything on one line: the tallies add up to the dialogs (counting a
      // million rows of an index took 4 ms).
      auto st = conn.prepare(
          q.line_id ? "SELECT coalesce(sum(n), 0) FROM dialog_tallies WHERE line_id = ?1"
                    : "SELECT coalesce(sum(n), 0) FROM dialog_tallies");
      if (!st.ok()) return std::move(st).take_error();
      if (q.line_id) st->bind(1, q.line_id->get());
      return scalar(*st);
    }
    const int view = q.view == DialogView::kUnanswered ? 0 : q.view == DialogView::kMine ? 1 : 2;
    auto st = conn.prepare(kTallySql[view][q.line_id ? 1 : 0]);
    if (!st.ok()) return std::move(st).take_error();
    st->bind(1, q.viewer.get());
    if (view == 0) st->bind(2, flag(q.viewer_sees_all));  // only "unanswered" has ?2
    if (q.line_id) st->bind(3, q.line_id->get());
    return scalar(*st);
  }
  auto st = prepare_query(conn, kCountSql, q, false);
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

Status SqliteWriteTx::set_dialog_last_message(DialogId dialog, MessageId message, UnixMs at) {
  auto st =
      conn_.prepare("UPDATE dialogs SET last_message_id = ?1, last_message_at = ?2 WHERE id = ?3");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, message.get()).bind(2, at).bind(3, dialog.get());
  auto n = changed_rows(conn_, *st);
  if (!n.ok()) return n.error();
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
