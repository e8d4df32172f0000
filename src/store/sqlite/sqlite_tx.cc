#include "store/sqlite/sqlite_tx.h"

#include <sqlite3.h>

#include <algorithm>
#include <string>
#include <utility>

#include "store/sqlite/rows.h"

namespace omniline::store::sqlite {
namespace {

// Column lists are spliced into constant SQL at compile time only; values are always bound.
#define OMNILINE_EMPLOYEE_COLUMNS \
  "id, name, email, role, avatar_url, active, password_hash, created_at, updated_at, away"
#define OMNILINE_TOKEN_COLUMNS \
  "id, employee_id, kind, name, token_hash, created_at, expires_at, last_used_at, revoked_at"

Result<domain::Employee> employee_row(const Statement& st) {
  domain::Employee e;
  e.id = EmployeeId(st.column_int(0));
  e.name = st.column_text(1);
  e.email = st.column_text(2);
  auto role = domain::parse_role(st.column_text(3));
  if (!role) return Error::internal("employee " + std::to_string(e.id.get()) + ": bad role");
  e.role = *role;
  e.avatar_url = st.column_text(4);
  e.active = st.column_int(5) != 0;
  e.password_hash = st.column_text(6);
  e.created_at = st.column_int(7);
  e.updated_at = st.column_int(8);
  e.away = st.column_int(9) != 0;
  return e;
}

std::optional<domain::TokenKind> parse_token_kind(std::string_view name) {
  if (name == "session") return domain::TokenKind::kSession;
  if (name == "personal") return domain::TokenKind::kPersonal;
  return std::nullopt;
}

Result<domain::AuthToken> token_row(const Statement& st) {
  domain::AuthToken t;
  t.id = TokenId(st.column_int(0));
  t.employee_id = EmployeeId(st.column_int(1));
  auto kind = parse_token_kind(st.column_text(2));
  if (!kind) return Error::internal("token " + std::to_string(t.id.get()) + ": bad kind");
  t.kind = *kind;
  t.name = st.column_text(3);
  t.token_hash = st.column_blob(4);
  t.created_at = st.column_int(5);
  t.expires_at = st.column_optional_int(6);
  t.last_used_at = st.column_optional_int(7);
  t.revoked_at = st.column_optional_int(8);
  return t;
}

Result<std::int64_t> count(Connection& conn, const char* sql) {
  auto st = conn.prepare(sql);
  if (!st.ok()) return std::move(st).take_error();
  auto has_row = st->step();
  if (!has_row.ok()) return std::move(has_row).take_error();
  return st->column_int(0);
}

// Binds the employee's fields to ?1..?9 (everything but the id).
void bind_employee(Statement& st, const domain::Employee& e) {
  st.bind_text(1, e.name)
      .bind_text(2, e.email)
      .bind_text(3, domain::role_name(e.role))
      .bind_text(4, e.avatar_url)
      .bind(5, flag(e.active))
      .bind_text(6, e.password_hash)
      .bind(7, e.created_at)
      .bind(8, e.updated_at)
      .bind(9, flag(e.away));
}

}  // namespace

// --- reads ---

template <typename Base>
Result<domain::Employee> SqliteReads<Base>::employee_by_id(EmployeeId id) {
  auto st = conn_.prepare("SELECT " OMNILINE_EMPLOYEE_COLUMNS " FROM employees WHERE id = ?1");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, id.get());
  return one_row(*st, employee_row, "employee not found");
}

template <typename Base>
Result<domain::Employee> SqliteReads<Base>::employee_by_email(std::string_view email) {
  auto st = conn_.prepare("SELECT " OMNILINE_EMPLOYEE_COLUMNS " FROM employees WHERE email = ?1");
  if (!st.ok()) return std::move(st).take_error();
  st->bind_text(1, email);
  return one_row(*st, employee_row, "employee not found");
}

template <typename Base>
Result<Page<domain::Employee>> SqliteReads<Base>::list_employees(const EmployeeFilter& filter,
                                                                 PageRequest page) {
  if (page.limit < 1) return Error::invalid("page limit must be at least 1");
  const int limit = std::min(page.limit, kMaxPageLimit);
  auto st = conn_.prepare("SELECT " OMNILINE_EMPLOYEE_COLUMNS
                          " FROM employees WHERE id > ?1 AND (?2 IS NULL OR active = ?2)"
                          " AND (?4 = '' OR instr(omni_lower(name), omni_lower(?4)) > 0"
                          " OR instr(email, omni_lower(?4)) > 0)"
                          " ORDER BY id LIMIT ?3");
  if (!st.ok()) return std::move(st).take_error();
  std::optional<std::int64_t> active;
  if (filter.active) active = *filter.active ? 1 : 0;
  // One row more than asked tells whether another page follows.
  st->bind(1, page.after).bind(2, active).bind(3, std::int64_t{limit} + 1);
  st->bind_text(4, filter.search);
  Page<domain::Employee> out;
  for (;;) {
    auto has_row = st->step();
    if (!has_row.ok()) return std::move(has_row).take_error();
    if (!*has_row) break;
    if (out.items.size() == static_cast<std::size_t>(limit)) {
      out.has_more = true;
      break;
    }
    auto e = employee_row(*st);
    if (!e.ok()) return std::move(e).take_error();
    out.items.push_back(std::move(*e));
  }
  return out;
}

template <typename Base>
Result<std::int64_t> SqliteReads<Base>::count_employees() {
  return count(conn_, "SELECT count(*) FROM employees");
}

template <typename Base>
Result<std::int64_t> SqliteReads<Base>::count_active_admins() {
  return count(conn_, "SELECT count(*) FROM employees WHERE role = 'admin' AND active = 1");
}

template <typename Base>
Result<domain::AuthToken> SqliteReads<Base>::token_by_hash(std::string_view token_hash) {
  auto st =
      conn_.prepare("SELECT " OMNILINE_TOKEN_COLUMNS " FROM auth_tokens WHERE token_hash = ?1");
  if (!st.ok()) return std::move(st).take_error();
  st->bind_blob(1, token_hash);
  return one_row(*st, token_row, "token not found");
}

template <typename Base>
Result<std::vector<domain::AuthToken>> SqliteReads<Base>::list_tokens(EmployeeId employee,
                                                                      domain::TokenKind kind) {
  auto st = conn_.prepare("SELECT " OMNILINE_TOKEN_COLUMNS
                          " FROM auth_tokens WHERE employee_id = ?1 AND kind = ?2"
                          " AND revoked_at IS NULL ORDER BY created_at DESC, id DESC");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, employee.get()).bind_text(2, domain::token_kind_name(kind));
  std::vector<domain::AuthToken> out;
  for (;;) {
    auto has_row = st->step();
    if (!has_row.ok()) return std::move(has_row).take_error();
    if (!*has_row) break;
    auto t = token_row(*st);
    if (!t.ok()) return std::move(t).take_error();
    out.push_back(std::move(*t));
  }
  return out;
}

template class SqliteReads<ReadTx>;
template class SqliteReads<WriteTx>;

// --- writes ---

Result<EmployeeId> SqliteWriteTx::insert_employee(const domain::Employee& e) {
  auto st = conn_.prepare(
      "INSERT INTO employees (name, email, role, avatar_url, active, password_hash, created_at,"
      " updated_at, away) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!st.ok()) return std::move(st).take_error();
  bind_employee(*st, e);
  if (Status s = st->run(); !s.ok()) {
    if (s.error().code == ErrorCode::kConflict) return Error::conflict("e-mail already in use");
    return std::move(s).take_error();
  }
  return EmployeeId(conn_.last_insert_rowid());
}

Status SqliteWriteTx::update_employee(const domain::Employee& e) {
  auto st = conn_.prepare(
      "UPDATE employees SET name = ?1, email = ?2, role = ?3, avatar_url = ?4, active = ?5,"
      " password_hash = ?6, created_at = ?7, updated_at = ?8, away = ?9 WHERE id = ?10");
  if (!st.ok()) return std::move(st).take_error();
  bind_employee(*st, e);
  st->bind(10, e.id.get());
  auto n = changed_rows(conn_, *st);
  if (!n.ok()) {
    if (n.error().code == ErrorCode::kConflict) return Error::conflict("e-mail already in use");
    return std::move(n).take_error();
  }
  if (*n == 0) return Error::not_found("employee not found");
  return {};
}

Result<TokenId> SqliteWriteTx::insert_token(const domain::AuthToken& t) {
  auto st = conn_.prepare(
      "INSERT INTO auth_tokens (employee_id, kind, name, token_hash, created_at, expires_at,"
      " last_used_at, revoked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, t.employee_id.get())
      .bind_text(2, domain::token_kind_name(t.kind))
      .bind_text(3, t.name)
      .bind_blob(4, t.token_hash)
      .bind(5, t.created_at)
      .bind(6, t.expires_at)
      .bind(7, t.last_used_at)
      .bind(8, t.revoked_at);
  if (Status s = st->run(); !s.ok()) {
    if (st->last_rc() == SQLITE_CONSTRAINT_FOREIGNKEY) {
      return Error::not_found("employee not found");
    }
    if (s.error().code == ErrorCode::kConflict) return Error::conflict("token already exists");
    return std::move(s).take_error();
  }
  return TokenId(conn_.last_insert_rowid());
}

Status SqliteWriteTx::touch_token(TokenId id, UnixMs used_at) {
  auto st = conn_.prepare("UPDATE auth_tokens SET last_used_at = ?2 WHERE id = ?1");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, id.get()).bind(2, used_at);
  auto n = changed_rows(conn_, *st);
  if (!n.ok()) return std::move(n).take_error();
  if (*n == 0) return Error::not_found("token not found");
  return {};
}

Status SqliteWriteTx::revoke_token(EmployeeId employee, TokenId id, UnixMs at) {
  auto st = conn_.prepare(
      "UPDATE auth_tokens SET revoked_at = ?3"
      " WHERE id = ?1 AND employee_id = ?2 AND revoked_at IS NULL");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, id.get()).bind(2, employee.get()).bind(3, at);
  auto n = changed_rows(conn_, *st);
  if (!n.ok()) return std::move(n).take_error();
  if (*n == 0) return Error::not_found("token not found");
  return {};
}

Result<std::int64_t> SqliteWriteTx::revoke_all_tokens(EmployeeId employee, UnixMs at) {
  auto st = conn_.prepare(
      "UPDATE auth_tokens SET revoked_at = ?2 WHERE employee_id = ?1 AND revoked_at IS NULL");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, employee.get()).bind(2, at);
  return changed_rows(conn_, *st);
}

Result<std::int64_t> SqliteWriteTx::purge_tokens(UnixMs before) {
  auto st = conn_.prepare("DELETE FROM auth_tokens WHERE expires_at < ?1 OR revoked_at < ?1");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, before);
  return changed_rows(conn_, *st);
}

#undef OMNILINE_EMPLOYEE_COLUMNS
#undef OMNILINE_TOKEN_COLUMNS

}  // namespace omniline::store::sqlite
