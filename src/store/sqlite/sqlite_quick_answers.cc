// Quick answers (reply templates): global or of one line, soft-deleted, listed by (title, id).
#include <string>
#include <utility>

#include "store/sqlite/reads.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_tx.h"

namespace omniline::store::sqlite {
namespace {

#define OMNILINE_QA_COLUMNS \
  "qa.id, qa.line_id, qa.section, qa.title, qa.text, qa.created_by, qa.created_at, qa.updated_at"

// Answers that are not deleted and whose line (if any) is not deleted.
#define OMNILINE_QA_LIVE                                          \
  " FROM quick_answers qa LEFT JOIN lines l ON l.id = qa.line_id" \
  " WHERE qa.deleted_at IS NULL AND (qa.line_id IS NULL OR l.deleted_at IS NULL)"

// What the viewer may see (?1 sees all, ?2 the viewer) and the line filter (?3, 0 = none).
#define OMNILINE_QA_VISIBLE                                                  \
  " AND (?1 = 1 OR qa.line_id IS NULL OR EXISTS (SELECT 1 FROM line_queue q" \
  " WHERE q.line_id = qa.line_id AND q.employee_id = ?2))"                   \
  " AND (?3 = 0 OR qa.line_id IS NULL OR qa.line_id = ?3)"

Result<domain::QuickAnswer> qa_row(const Statement& s) {
  domain::QuickAnswer qa;
  qa.id = QuickAnswerId(s.column_int(0));
  if (auto line = s.column_optional_int(1)) qa.line_id = LineId(*line);
  qa.section = s.column_text(2);
  qa.title = s.column_text(3);
  qa.text = s.column_text(4);
  qa.created_by = EmployeeId(s.column_int(5));
  qa.created_at = s.column_int(6);
  qa.updated_at = s.column_int(7);
  return qa;
}

void bind_visibility(Statement& st, const QuickAnswerQuery& q) {
  st.bind(1, flag(q.viewer_sees_all))
      .bind(2, q.viewer.get())
      .bind(3, q.line_id ? q.line_id->get() : std::int64_t{0});
}

std::optional<std::int64_t> line_value(const domain::QuickAnswer& qa) {
  if (!qa.line_id) return std::nullopt;
  return qa.line_id->get();
}

// Whether the line exists and is not deleted (nullopt: global, always fine).
Status check_line(Connection& conn, std::optional<LineId> line) {
  if (!line) return {};
  auto st = conn.prepare("SELECT 1 FROM lines WHERE id = ?1 AND deleted_at IS NULL");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, line->get());
  auto found = st->step();
  if (!found.ok()) return std::move(found).take_error();
  if (!*found) return Error::not_found("line not found");
  return {};
}

}  // namespace

namespace reads {

Result<domain::QuickAnswer> quick_answer_by_id(Connection& conn, QuickAnswerId id) {
  auto st = conn.prepare("SELECT " OMNILINE_QA_COLUMNS OMNILINE_QA_LIVE " AND qa.id = ?1");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, id.get());
  return one_row(*st, qa_row, "quick answer not found");
}

Result<Page<domain::QuickAnswer>> list_quick_answers(Connection& conn, const QuickAnswerQuery& q) {
  auto limit = checked_limit(q.limit, kMaxPageLimit);
  if (!limit.ok()) return std::move(limit).take_error();
  auto st = conn.prepare("SELECT " OMNILINE_QA_COLUMNS OMNILINE_QA_LIVE OMNILINE_QA_VISIBLE
                         " AND (?4 = '' OR qa.section = ?4)"
                         " AND (?5 = '' OR instr(omni_lower(qa.title), omni_lower(?5)) > 0"
                         " OR instr(omni_lower(qa.text), omni_lower(?5)) > 0)"
                         " AND (qa.title, qa.id) > (?6, ?7)"
                         " ORDER BY qa.title, qa.id LIMIT ?8");
  if (!st.ok()) return std::move(st).take_error();
  bind_visibility(*st, q);
  st->bind_text(4, q.section)
      .bind_text(5, q.q)
      .bind_text(6, q.after_title)
      .bind(7, q.after_id)
      .bind(8, std::int64_t{*limit} + 1);
  return page_rows<domain::QuickAnswer>(*st, qa_row, *limit);
}

Result<std::vector<std::string>> quick_answer_sections(Connection& conn,
                                                       const QuickAnswerQuery& q) {
  auto st = conn.prepare("SELECT DISTINCT qa.section" OMNILINE_QA_LIVE OMNILINE_QA_VISIBLE
                         " AND qa.section <> '' ORDER BY qa.section");
  if (!st.ok()) return std::move(st).take_error();
  bind_visibility(*st, q);
  return all_rows<std::string>(
      *st, [](const Statement& s) -> Result<std::string> { return s.column_text(0); });
}

}  // namespace reads

Result<QuickAnswerId> SqliteWriteTx::insert_quick_answer(const domain::QuickAnswer& qa) {
  if (Status s = check_line(conn_, qa.line_id); !s.ok()) return std::move(s).take_error();
  auto st = conn_.prepare(
      "INSERT INTO quick_answers (line_id, section, title, text, created_by, created_at,"
      " updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, line_value(qa))
      .bind_text(2, qa.section)
      .bind_text(3, qa.title)
      .bind_text(4, qa.text)
      .bind(5, qa.created_by.get())
      .bind(6, qa.created_at)
      .bind(7, qa.updated_at);
  if (Status s = st->run(); !s.ok())
    return write_error(*st, std::move(s).take_error(), "author not found", "quick answer taken");
  return QuickAnswerId(conn_.last_insert_rowid());
}

Status SqliteWriteTx::update_quick_answer(const domain::QuickAnswer& qa) {
  if (Status s = check_line(conn_, qa.line_id); !s.ok()) return s;
  auto st = conn_.prepare(
      "UPDATE quick_answers SET line_id = ?2, section = ?3, title = ?4, text = ?5,"
      " updated_at = ?6 WHERE id = ?1 AND deleted_at IS NULL");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, qa.id.get())
      .bind(2, line_value(qa))
      .bind_text(3, qa.section)
      .bind_text(4, qa.title)
      .bind_text(5, qa.text)
      .bind(6, qa.updated_at);
  return change_one(conn_, *st, "quick answer not found");
}

Status SqliteWriteTx::delete_quick_answer(QuickAnswerId id, UnixMs at) {
  auto st = conn_.prepare(
      "UPDATE quick_answers SET deleted_at = ?2 WHERE id = ?1 AND deleted_at IS NULL");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, id.get()).bind(2, at);
  return change_one(conn_, *st, "quick answer not found");
}

}  // namespace omniline::store::sqlite
