// Uploaded files' metadata, the messages that carry a file, and server-wide settings.
#include <string>
#include <utility>

#include "store/sqlite/reads.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_tx.h"

namespace omniline::store::sqlite {

namespace reads {

Result<domain::StoredFile> file_by_id(Connection& conn, FileId id) {
  auto st = conn.prepare(
      "SELECT id, sha256, size, mime, name, uploader_employee, uploader_customer, created_at"
      " FROM files WHERE id = ?1");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, id.get());
  auto row = st->step();
  if (!row.ok()) return std::move(row).take_error();
  if (!*row) return Error::not_found("file not found");
  domain::StoredFile f;
  f.id = FileId(st->column_int(0));
  f.sha256 = st->column_text(1);
  f.size = st->column_int(2);
  f.mime = st->column_text(3);
  f.name = st->column_text(4);
  f.uploader_employee = EmployeeId(st->column_int(5));
  f.uploader_customer = CustomerId(st->column_int(6));
  f.created_at = st->column_int(7);
  return f;
}

Result<std::vector<domain::Message>> messages_with_file(Connection& conn, FileId id, int limit) {
  auto st = conn.prepare("SELECT " OMNILINE_MESSAGE_COLUMNS_OF("m.")
                         " FROM message_files mf JOIN messages m ON m.id = mf.message_id"
                         " WHERE mf.file_id = ?1 ORDER BY mf.message_id DESC LIMIT ?2");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, id.get()).bind(2, std::int64_t{limit});
  return all_rows<domain::Message>(*st, [](const Statement& s) { return message_row(s); });
}

Result<std::optional<std::string>> setting(Connection& conn, std::string_view key) {
  auto st = conn.prepare("SELECT value FROM settings WHERE key = ?1");
  if (!st.ok()) return std::move(st).take_error();
  st->bind_text(1, key);
  auto row = st->step();
  if (!row.ok()) return std::move(row).take_error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(st->column_text(0));
}

}  // namespace reads

Result<FileId> SqliteWriteTx::insert_file(const domain::StoredFile& f) {
  auto st = conn_.prepare(
      "INSERT INTO files (sha256, size, mime, name, uploader_employee, uploader_customer,"
      " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!st.ok()) return std::move(st).take_error();
  st->bind_text(1, f.sha256)
      .bind(2, f.size)
      .bind_text(3, f.mime)
      .bind_text(4, f.name)
      .bind(5, f.uploader_employee.get())
      .bind(6, f.uploader_customer.get())
      .bind(7, f.created_at);
  if (Status r = st->run(); !r.ok()) return r.error();
  return FileId(conn_.last_insert_rowid());
}

Result<std::string> SqliteWriteTx::put_setting_if_absent(std::string_view key,
                                                         std::string_view value) {
  {
    auto st = conn_.prepare("INSERT OR IGNORE INTO settings (key, value) VALUES (?1, ?2)");
    if (!st.ok()) return std::move(st).take_error();
    st->bind_text(1, key).bind_text(2, value);
    if (Status r = st->run(); !r.ok()) return r.error();
  }
  auto now = reads::setting(conn_, key);
  if (!now.ok()) return std::move(now).take_error();
  if (!*now) return Error::internal("setting vanished");
  return std::move(**now);
}

}  // namespace omniline::store::sqlite
