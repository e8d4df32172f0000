// Lines (with their queues), channels and customers.
#include <string>
#include <unordered_set>
#include <utility>

#include "store/sqlite/reads.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_tx.h"

namespace omniline::store::sqlite {
namespace {

const auto line_fn = [](const Statement& s) { return line_row(s); };
const auto channel_fn = [](const Statement& s) { return channel_row(s); };
const auto customer_fn = [](const Statement& s) { return customer_row(s); };

// The queue of a line in queue order.
Result<std::vector<EmployeeId>> queue_of(Connection& conn, LineId line) {
  auto st = conn.prepare(
      "SELECT employee_id FROM line_queue WHERE line_id = ?1 ORDER BY position, employee_id");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, line.get());
  return all_rows<EmployeeId>(
      *st, [](const Statement& s) -> Result<EmployeeId> { return EmployeeId(s.column_int(0)); });
}

// Fills in the queue of a line read by line_row.
Result<domain::Line> with_queue(Connection& conn, Result<domain::Line> line) {
  if (!line.ok()) return line;
  auto queue = queue_of(conn, line->id);
  if (!queue.ok()) return std::move(queue).take_error();
  line->queue = std::move(*queue);
  return line;
}

// Whether the line exists and is not deleted.
Result<bool> live_line(Connection& conn, LineId id) {
  auto st = conn.prepare("SELECT 1 FROM lines WHERE id = ?1 AND deleted_at IS NULL");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, id.get());
  return st->step();
}

// A queue naming someone twice is invalid: checked before anything is written.
Status check_queue(const std::vector<EmployeeId>& queue) {
  std::unordered_set<EmployeeId> seen;
  for (EmployeeId e : queue) {
    if (!seen.insert(e).second) return Error::invalid("employee twice in the queue");
  }
  return {};
}

// Binds a channel's fields to ?1..?8 (all but id, created_at and deleted_at).
void bind_channel(Statement& st, const domain::Channel& c) {
  st.bind(1, c.line_id.get())
      .bind_text(2, domain::channel_kind_name(c.kind))
      .bind_text(3, c.name)
      .bind_text(4, c.secret)
      .bind_text(5, c.webhook_url)
      .bind_text(6, strings_json(c.allowed_origins))
      .bind(7, flag(c.active))
      .bind(8, c.updated_at)
      .bind_text(10, widget_json(c.widget));
}

// Binds a customer's fields to ?1..?7 (all but id and created_at).
void bind_customer(Statement& st, const domain::Customer& c) {
  st.bind(1, c.channel_id.get()).bind_text(2, c.external_id).bind_text(3, c.name);
  st.bind_text(4, c.email).bind_text(5, c.phone);
  bind_blob_or_null(st, 6, c.token_hash);
  st.bind(7, c.updated_at);
}

constexpr const char* kCustomerTaken = "customer external id or token already in use";

}  // namespace

// --- reads ---

namespace reads {

Result<domain::Line> line_by_id(Connection& conn, LineId id) {
  auto st = conn.prepare("SELECT " OMNILINE_LINE_COLUMNS
                         " FROM lines WHERE id = ?1 AND deleted_at IS NULL");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, id.get());
  auto line = one_row(*st, line_fn, "line not found");
  return with_queue(conn, std::move(line));
}

Result<Page<domain::Line>> list_lines(Connection& conn, PageRequest page) {
  auto limit = checked_limit(page.limit, kMaxPageLimit);
  if (!limit.ok()) return std::move(limit).take_error();
  auto st = conn.prepare("SELECT " OMNILINE_LINE_COLUMNS
                         " FROM lines WHERE id > ?1 AND deleted_at IS NULL ORDER BY id LIMIT ?2");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, page.after).bind(2, std::int64_t{*limit} + 1);
  auto out = page_rows<domain::Line>(*st, line_fn, *limit);
  if (!out.ok()) return out;
  for (domain::Line& line : out->items) {
    auto queue = queue_of(conn, line.id);
    if (!queue.ok()) return std::move(queue).take_error();
    line.queue = std::move(*queue);
  }
  return out;
}

Result<std::vector<LineId>> lines_of_employee(Connection& conn, EmployeeId employee) {
  auto st = conn.prepare(
      "SELECT q.line_id FROM line_queue q JOIN lines l ON l.id = q.line_id"
      " WHERE q.employee_id = ?1 AND l.deleted_at IS NULL ORDER BY q.line_id");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, employee.get());
  return all_rows<LineId>(
      *st, [](const Statement& s) -> Result<LineId> { return LineId(s.column_int(0)); });
}

Result<UnixMs> last_assigned_at(Connection& conn, LineId line, EmployeeId employee) {
  auto st = conn.prepare(
      "SELECT last_assigned_at FROM line_queue WHERE line_id = ?1 AND employee_id = ?2");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, line.get()).bind(2, employee.get());
  return scalar(*st);
}

Result<domain::Channel> channel_by_id(Connection& conn, ChannelId id) {
  auto st = conn.prepare("SELECT " OMNILINE_CHANNEL_COLUMNS
                         " FROM channels WHERE id = ?1 AND deleted_at IS NULL");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, id.get());
  return one_row(*st, channel_fn, "channel not found");
}

Result<std::vector<domain::Channel>> list_channels(Connection& conn, LineId line) {
  auto st = conn.prepare("SELECT " OMNILINE_CHANNEL_COLUMNS
                         " FROM channels WHERE line_id = ?1 AND deleted_at IS NULL ORDER BY id");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, line.get());
  return all_rows<domain::Channel>(*st, channel_fn);
}

Result<domain::Customer> customer_by_id(Connection& conn, CustomerId id) {
  auto st = conn.prepare("SELECT " OMNILINE_CUSTOMER_COLUMNS " FROM customers WHERE id = ?1");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, id.get());
  return one_row(*st, customer_fn, "customer not found");
}

Result<domain::Customer> customer_by_external(Connection& conn, ChannelId channel,
                                              std::string_view external_id) {
  auto st = conn.prepare("SELECT " OMNILINE_CUSTOMER_COLUMNS
                         " FROM customers WHERE channel_id = ?1 AND external_id = ?2");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, channel.get()).bind_text(2, external_id);
  return one_row(*st, customer_fn, "customer not found");
}

// An empty hash binds NULL, which matches nothing.
Result<domain::Customer> customer_by_token_hash(Connection& conn, std::string_view token_hash) {
  auto st =
      conn.prepare("SELECT " OMNILINE_CUSTOMER_COLUMNS " FROM customers WHERE token_hash = ?1");
  if (!st.ok()) return std::move(st).take_error();
  bind_blob_or_null(*st, 1, token_hash);
  return one_row(*st, customer_fn, "customer not found");
}

}  // namespace reads

// --- lines ---

Status SqliteWriteTx::write_queue(LineId line, const std::vector<EmployeeId>& queue) {
  auto drop = conn_.prepare(
      "DELETE FROM line_queue WHERE line_id = ?1"
      " AND employee_id NOT IN (SELECT value FROM json_each(?2))");
  if (!drop.ok()) return std::move(drop).take_error();
  drop->bind(1, line.get()).bind_text(2, ids_json(queue));
  if (Status s = drop->run(); !s.ok()) return s;
  for (std::size_t i = 0; i < queue.size(); ++i) {
    auto put = conn_.prepare(
        "INSERT INTO line_queue (line_id, employee_id, position) VALUES (?1, ?2, ?3)"
        " ON CONFLICT (line_id, employee_id) DO UPDATE SET position = excluded.position");
    if (!put.ok()) return std::move(put).take_error();
    put->bind(1, line.get()).bind(2, queue[i].get()).bind(3, static_cast<std::int64_t>(i));
    if (Status s = put->run(); !s.ok()) {
      return write_error(*put, s.error(), "employee not found", "queue entry taken");
    }
  }
  return {};
}

Result<LineId> SqliteWriteTx::insert_line(const domain::Line& line) {
  if (Status s = check_queue(line.queue); !s.ok()) return std::move(s).take_error();
  auto st = conn_.prepare(
      "INSERT INTO lines (name, routing, created_at, updated_at, show_operator)"
      " VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!st.ok()) return std::move(st).take_error();
  st->bind_text(1, line.name)
      .bind_text(2, routing_json(line.routing))
      .bind(3, line.created_at)
      .bind(4, line.updated_at)
      .bind(5, flag(line.show_operator));
  if (Status s = st->run(); !s.ok()) return std::move(s).take_error();
  const LineId id(conn_.last_insert_rowid());
  if (Status s = write_queue(id, line.queue); !s.ok()) return std::move(s).take_error();
  return id;
}

Status SqliteWriteTx::update_line(const domain::Line& line) {
  if (Status s = check_queue(line.queue); !s.ok()) return s;
  auto st = conn_.prepare(
      "UPDATE lines SET name = ?1, routing = ?2, updated_at = ?3, show_operator = ?5"
      " WHERE id = ?4 AND deleted_at IS NULL");
  if (!st.ok()) return std::move(st).take_error();
  st->bind_text(1, line.name)
      .bind_text(2, routing_json(line.routing))
      .bind(3, line.updated_at)
      .bind(4, line.id.get())
      .bind(5, flag(line.show_operator));
  if (Status s = change_one(conn_, *st, "line not found"); !s.ok()) return s;
  return write_queue(line.id, line.queue);
}

// The queue rows stay: lines_of_employee and the dialog visibility skip deleted lines.
Status SqliteWriteTx::delete_line(LineId id, UnixMs at) {
  auto st = conn_.prepare("UPDATE lines SET deleted_at = ?2 WHERE id = ?1 AND deleted_at IS NULL");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, id.get()).bind(2, at);
  return change_one(conn_, *st, "line not found");
}

// Nothing to do (and no error) when the employee is not in the line's queue.
Status SqliteWriteTx::set_last_assigned(LineId line, EmployeeId employee, UnixMs at) {
  auto st = conn_.prepare(
      "UPDATE line_queue SET last_assigned_at = ?3 WHERE line_id = ?1 AND employee_id = ?2");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, line.get()).bind(2, employee.get()).bind(3, at);
  return st->run();
}

// --- channels ---

// A missing or deleted line is not_found (store.h allows conflict; not_found says more).
Result<ChannelId> SqliteWriteTx::insert_channel(const domain::Channel& channel) {
  auto st = conn_.prepare(
      "INSERT INTO channels (line_id, kind, name, secret, webhook_url, allowed_origins, active,"
      " updated_at, created_at, widget) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10"
      " WHERE EXISTS (SELECT 1 FROM lines WHERE id = ?1 AND deleted_at IS NULL)");
  if (!st.ok()) return std::move(st).take_error();
  bind_channel(*st, channel);
  st->bind(9, channel.created_at);
  auto n = changed_rows(conn_, *st);
  if (!n.ok()) return std::move(n).take_error();
  if (*n == 0) return Error::not_found("line not found");
  return ChannelId(conn_.last_insert_rowid());
}

// Replaces every field but id and created_at; moving to a missing/deleted line is not_found.
Status SqliteWriteTx::update_channel(const domain::Channel& channel) {
  auto line = live_line(conn_, channel.line_id);
  if (!line.ok()) return std::move(line).take_error();
  if (!*line) return Error::not_found("line not found");
  auto st = conn_.prepare(
      "UPDATE channels SET line_id = ?1, kind = ?2, name = ?3, secret = ?4, webhook_url = ?5,"
      " allowed_origins = ?6, active = ?7, updated_at = ?8, widget = ?10"
      " WHERE id = ?9 AND deleted_at IS NULL");
  if (!st.ok()) return std::move(st).take_error();
  bind_channel(*st, channel);
  st->bind(9, channel.id.get());
  return change_one(conn_, *st, "channel not found");
}

Status SqliteWriteTx::delete_channel(ChannelId id, UnixMs at) {
  auto st =
      conn_.prepare("UPDATE channels SET deleted_at = ?2 WHERE id = ?1 AND deleted_at IS NULL");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, id.get()).bind(2, at);
  return change_one(conn_, *st, "channel not found");
}

// --- customers ---

Result<CustomerId> SqliteWriteTx::insert_customer(const domain::Customer& c) {
  auto st = conn_.prepare(
      "INSERT INTO customers (channel_id, external_id, name, email, phone, token_hash, updated_at,"
      " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!st.ok()) return std::move(st).take_error();
  bind_customer(*st, c);
  st->bind(8, c.created_at);
  if (Status s = st->run(); !s.ok()) {
    return write_error(*st, s.error(), "channel not found", kCustomerTaken);
  }
  return CustomerId(conn_.last_insert_rowid());
}

// Replaces every field but id and created_at.
Status SqliteWriteTx::update_customer(const domain::Customer& c) {
  auto st = conn_.prepare(
      "UPDATE customers SET channel_id = ?1, external_id = ?2, name = ?3, email = ?4, phone = ?5,"
      " token_hash = ?6, updated_at = ?7 WHERE id = ?8");
  if (!st.ok()) return std::move(st).take_error();
  bind_customer(*st, c);
  st->bind(8, c.id.get());
  auto n = changed_rows(conn_, *st);
  if (!n.ok()) return write_error(*st, n.error(), "channel not found", kCustomerTaken);
  if (*n == 0) return Error::not_found("customer not found");
  return {};
}

}  // namespace omniline::store::sqlite
