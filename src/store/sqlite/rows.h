// Internal to the SQLite backend: column lists, row mapping and the small statement helpers
// shared by the sqlite_*.cc files. Nothing outside src/store/sqlite includes this.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/sqlite/connection.h"
#include "store/store.h"

namespace omniline::store::sqlite {

// Column lists are spliced into constant SQL at compile time only; values are always bound.
// The row functions below read the columns in exactly this order, starting at the column index
// they are given. The _OF forms prefix every column with a table alias and its dot ("d.").
#define OMNILINE_LINE_COLUMNS "id, name, routing, created_at, updated_at, show_operator"
#define OMNILINE_CHANNEL_COLUMNS                                                        \
  "id, line_id, kind, name, secret, webhook_url, allowed_origins, active, created_at, " \
  "updated_at, widget"
#define OMNILINE_CUSTOMER_COLUMNS_OF(p)                                            \
  p "id, " p "channel_id, " p "external_id, " p "name, " p "email, " p "phone, " p \
    "token_hash, " p "created_at, " p "updated_at"
#define OMNILINE_DIALOG_COLUMNS_OF(p)                                                            \
  p "id, " p "line_id, " p "channel_id, " p "customer_id, " p "external_chat_id, " p "title, " p \
    "session_id, " p "last_message_id, " p "last_message_at, " p "customer_read_id, " p          \
    "created_at"
#define OMNILINE_SESSION_COLUMNS_OF(p)                                                             \
  p "id, " p "dialog_id, " p "line_id, " p "status, " p "operator_id, " p "pinned, " p "tried, " p \
    "offer_deadline, " p "created_at, " p "assigned_at, " p "answered_at, " p "first_reply_at, " p \
    "closed_at, " p "message_count"
#define OMNILINE_MESSAGE_COLUMNS_OF(p)                                                 \
  p "id, " p "dialog_id, " p "session_id, " p "channel_id, " p "author_kind, " p       \
    "author_employee, " p "author_customer, " p "text, " p "hidden, " p "reply_to, " p \
    "external_id, " p "system, " p "delivery, " p "created_at, " p "edited_at, " p "deleted_at, " \
    p "files"
#define OMNILINE_CUSTOMER_COLUMNS OMNILINE_CUSTOMER_COLUMNS_OF("")
#define OMNILINE_DIALOG_COLUMNS OMNILINE_DIALOG_COLUMNS_OF("")
#define OMNILINE_SESSION_COLUMNS OMNILINE_SESSION_COLUMNS_OF("")
#define OMNILINE_MESSAGE_COLUMNS OMNILINE_MESSAGE_COLUMNS_OF("")
#define OMNILINE_EVENT_COLUMNS \
  "seq, type, at, line_id, dialog_id, employee_ids, staff_all, data, customer_id, customer_data"
#define OMNILINE_OUTBOX_COLUMNS                                                          \
  "id, channel_id, message_id, payload, status, attempts, next_attempt_at, last_error, " \
  "created_at, sent_at, kind"

// How many columns each list has (for joins that read several after one another).
constexpr int kDialogColumnCount = 11;
constexpr int kSessionColumnCount = 14;
constexpr int kCustomerColumnCount = 9;

// Open session statuses, and the unanswered ones, for SQL text.
#define OMNILINE_CLOSED_STATUSES "('closed', 'spam', 'silently_closed')"
#define OMNILINE_UNANSWERED_STATUSES "('new', 'skipped')"

// --- row mapping (rows.cc); a row that cannot be mapped (bad enum, bad JSON) is internal ---

// The line's own columns; the queue is read separately.
Result<domain::Line> line_row(const Statement& st, int at = 0);
Result<domain::Channel> channel_row(const Statement& st, int at = 0);
Result<domain::Customer> customer_row(const Statement& st, int at = 0);
Result<domain::Dialog> dialog_row(const Statement& st, int at = 0);
Result<domain::Session> session_row(const Statement& st, int at = 0);
Result<domain::Message> message_row(const Statement& st, int at = 0);
Result<domain::EventRecord> event_row(const Statement& st, int at = 0);
Result<domain::OutboxItem> outbox_row(const Statement& st, int at = 0);

// --- JSON columns (rows.cc) ---

std::string widget_json(const domain::WidgetSettings& w);
std::string routing_json(const domain::RoutingSettings& r);
std::string strings_json(const std::vector<std::string>& values);
std::string ints_json(const std::vector<std::int64_t>& values);
std::string files_json(const std::vector<domain::FileRef>& files);

template <typename IdT>
std::string ids_json(const std::vector<IdT>& ids) {
  std::vector<std::int64_t> raw;
  raw.reserve(ids.size());
  for (IdT id : ids) raw.push_back(id.get());
  return ints_json(raw);
}

// --- binding helpers ---

// Binds text, or NULL when it is empty (columns where "" means "none": unique when present).
inline Statement& bind_text_or_null(Statement& st, int index, std::string_view value) {
  return value.empty() ? st.bind_null(index) : st.bind_text(index, value);
}
inline Statement& bind_blob_or_null(Statement& st, int index, std::string_view value) {
  return value.empty() ? st.bind_null(index) : st.bind_blob(index, value);
}
inline std::int64_t flag(bool b) {
  return b ? 1 : 0;
}

// A page or batch size: invalid below 1, at most `max`.
Result<int> checked_limit(int limit, int max = std::numeric_limits<int>::max() - 1);

// The error of a failed INSERT/UPDATE: a foreign-key violation becomes not_found(`missing`), a
// UNIQUE violation conflict(`taken`), anything else stays as it is.
Error write_error(const Statement& st, Error e, const char* missing, const char* taken);

// --- statement helpers ---

// Steps a statement expected to return at most one row and maps it with `row_fn`.
template <typename RowFn>
auto one_row(Statement& st, RowFn row_fn, const char* not_found)
    -> decltype(row_fn(std::declval<const Statement&>())) {
  auto has_row = st.step();
  if (!has_row.ok()) return std::move(has_row).take_error();
  if (!*has_row) return Error::not_found(not_found);
  return row_fn(st);
}

// Maps every row with `row_fn` (a function of (const Statement&, int) or (const Statement&)).
template <typename T, typename RowFn>
Result<std::vector<T>> all_rows(Statement& st, RowFn row_fn) {
  std::vector<T> out;
  for (;;) {
    auto has_row = st.step();
    if (!has_row.ok()) return std::move(has_row).take_error();
    if (!*has_row) return out;
    auto item = row_fn(st);
    if (!item.ok()) return std::move(item).take_error();
    out.push_back(std::move(*item));
  }
}

// Maps up to `limit` rows of a statement that was bound with LIMIT limit+1: one row more than
// asked tells whether another page follows.
template <typename T, typename RowFn>
Result<Page<T>> page_rows(Statement& st, RowFn row_fn, int limit) {
  Page<T> out;
  for (;;) {
    auto has_row = st.step();
    if (!has_row.ok()) return std::move(has_row).take_error();
    if (!*has_row) return out;
    if (out.items.size() == static_cast<std::size_t>(limit)) {
      out.has_more = true;
      return out;
    }
    auto item = row_fn(st);
    if (!item.ok()) return std::move(item).take_error();
    out.items.push_back(std::move(*item));
  }
}

// The first column of the first row as an integer (0 when there is no row or it is NULL).
inline Result<std::int64_t> scalar(Statement& st) {
  auto has_row = st.step();
  if (!has_row.ok()) return std::move(has_row).take_error();
  if (!*has_row) return std::int64_t{0};
  return st.column_int(0);
}

// Runs an UPDATE/DELETE and returns how many rows it changed.
inline Result<std::int64_t> changed_rows(Connection& conn, Statement& st) {
  if (Status s = st.run(); !s.ok()) return std::move(s).take_error();
  return conn.changes();
}

// Runs an UPDATE/DELETE that must change a row: not_found(`missing`) when it changed none.
inline Status change_one(Connection& conn, Statement& st, const char* missing) {
  auto n = changed_rows(conn, st);
  if (!n.ok()) return std::move(n).take_error();
  if (*n == 0) return Error::not_found(missing);
  return {};
}

}  // namespace omniline::store::sqlite
