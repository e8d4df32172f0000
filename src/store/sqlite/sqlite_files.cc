// Uploaded files' metadata, the Drive (folders and the files put into it), the files of chats
// as a viewer may see them, and server-wide settings.
#include <string>
#include <utility>

#include "store/sqlite/reads.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_tx.h"

namespace omniline::store::sqlite {

namespace {

#define OMNILINE_FILE_COLUMNS_OF(p)                                                            \
  p "id, " p "sha256, " p "size, " p "mime, " p "name, " p "uploader_employee, " p             \
    "uploader_customer, " p "created_at, " p "drive_folder"
constexpr int kFileColumnCount = 9;

Result<domain::StoredFile> file_row(const Statement& st, int at = 0) {
  domain::StoredFile f;
  f.id = FileId(st.column_int(at));
  f.sha256 = st.column_text(at + 1);
  f.size = st.column_int(at + 2);
  f.mime = st.column_text(at + 3);
  f.name = st.column_text(at + 4);
  f.uploader_employee = EmployeeId(st.column_int(at + 5));
  f.uploader_customer = CustomerId(st.column_int(at + 6));
  f.created_at = st.column_int(at + 7);
  if (auto folder = st.column_optional_int(at + 8)) f.drive_folder = FolderId(*folder);
  return f;
}

Result<domain::DriveFolder> folder_row(const Statement& st) {
  return domain::DriveFolder{FolderId(st.column_int(0)), FolderId(st.column_int(1)),
                             st.column_text(2), EmployeeId(st.column_int(3)), st.column_int(4)};
}

constexpr int kMaxPage = 200;
constexpr const char* kFolderTaken = "a folder of that name is already there";

}  // namespace

namespace reads {

Result<domain::StoredFile> file_by_id(Connection& conn, FileId id) {
  auto st = conn.prepare("SELECT " OMNILINE_FILE_COLUMNS_OF("") " FROM files WHERE id = ?1");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, id.get());
  return one_row(*st, [](const Statement& s) { return file_row(s); }, "file not found");
}

Result<std::vector<domain::Message>> messages_with_file(Connection& conn, FileId id, int limit) {
  auto st = conn.prepare("SELECT " OMNILINE_MESSAGE_COLUMNS_OF("m.")
                         " FROM message_files mf JOIN messages m ON m.id = mf.message_id"
                         " WHERE mf.file_id = ?1 ORDER BY mf.message_id DESC LIMIT ?2");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, id.get()).bind(2, std::int64_t{limit});
  return all_rows<domain::Message>(*st, [](const Statement& s) { return message_row(s); });
}

Result<Page<domain::StoredFile>> list_drive_files(Connection& conn, const DriveFileQuery& q) {
  auto limit = checked_limit(q.limit, kMaxPage);
  if (!limit.ok()) return std::move(limit).take_error();
  auto st = conn.prepare(
      "SELECT " OMNILINE_FILE_COLUMNS_OF("") " FROM files"
      " WHERE drive_folder = ?1 AND id < ?2"
      " AND (?3 = '' OR instr(omni_lower(name), omni_lower(?3)) > 0)"
      " ORDER BY id DESC LIMIT ?4");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, q.folder.get())
      .bind(2, q.before.is_valid() ? q.before.get() : INT64_MAX)
      .bind_text(3, q.q)
      .bind(4, std::int64_t{*limit} + 1);
  return page_rows<domain::StoredFile>(*st, [](const Statement& s) { return file_row(s); }, *limit);
}

Result<Page<ChatFile>> list_chat_files(Connection& conn, const ChatFileQuery& q) {
  auto limit = checked_limit(q.limit, kMaxPage);
  if (!limit.ok()) return std::move(limit).take_error();
  // The same visibility as the dialog list's "all" view: everything for admins and
  // supervisors, else the dialogs of the viewer's lines and those they are a member of.
  // (SQLite: the bare columns of an aggregate row come from the row with the max.)
  auto st = conn.prepare(
      "SELECT " OMNILINE_FILE_COLUMNS_OF("f.") ", max(m.id), m.dialog_id"
      " FROM message_files mf JOIN files f ON f.id = mf.file_id"
      " JOIN messages m ON m.id = mf.message_id JOIN dialogs d ON d.id = m.dialog_id"
      " WHERE m.deleted_at IS NULL AND f.id < ?3"
      " AND (?2 = 1 OR d.line_id IN (SELECT vq.line_id FROM line_queue vq"
      "   JOIN lines vl ON vl.id = vq.line_id WHERE vq.employee_id = ?1 AND vl.deleted_at IS NULL)"
      "  OR EXISTS (SELECT 1 FROM dialog_members vm WHERE vm.dialog_id = d.id AND vm.employee_id = ?1))"
      " AND (?4 = '' OR instr(omni_lower(f.name), omni_lower(?4)) > 0)"
      " GROUP BY f.id ORDER BY f.id DESC LIMIT ?5");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, q.viewer.get())
      .bind(2, flag(q.viewer_sees_all))
      .bind(3, q.before.is_valid() ? q.before.get() : INT64_MAX)
      .bind_text(4, q.q)
      .bind(5, std::int64_t{*limit} + 1);
  return page_rows<ChatFile>(
      *st,
      [](const Statement& s) -> Result<ChatFile> {
        auto f = file_row(s);
        if (!f.ok()) return std::move(f).take_error();
        return ChatFile{std::move(*f), MessageId(s.column_int(kFileColumnCount)),
                        DialogId(s.column_int(kFileColumnCount + 1))};
      },
      *limit);
}

Result<domain::DriveFolder> folder_by_id(Connection& conn, FolderId id) {
  auto st = conn.prepare(
      "SELECT id, parent_id, name, created_by, created_at FROM drive_folders WHERE id = ?1");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, id.get());
  return one_row(*st, folder_row, "folder not found");
}

Result<std::vector<domain::DriveFolder>> list_folders(Connection& conn, FolderId parent) {
  auto st = conn.prepare(
      "SELECT id, parent_id, name, created_by, created_at FROM drive_folders"
      " WHERE parent_id = ?1 ORDER BY omni_lower(name), id LIMIT 1000");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, parent.get());
  return all_rows<domain::DriveFolder>(*st, folder_row);
}

Result<bool> folder_is_empty(Connection& conn, FolderId id) {
  auto st = conn.prepare(
      "SELECT EXISTS (SELECT 1 FROM drive_folders WHERE parent_id = ?1)"
      " OR EXISTS (SELECT 1 FROM files WHERE drive_folder = ?1)");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, id.get());
  auto n = scalar(*st);
  if (!n.ok()) return std::move(n).take_error();
  return *n == 0;
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
      " created_at, drive_folder) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!st.ok()) return std::move(st).take_error();
  st->bind_text(1, f.sha256)
      .bind(2, f.size)
      .bind_text(3, f.mime)
      .bind_text(4, f.name)
      .bind(5, f.uploader_employee.get())
      .bind(6, f.uploader_customer.get())
      .bind(7, f.created_at);
  if (f.drive_folder) st->bind(8, f.drive_folder->get());
  else st->bind_null(8);
  if (Status r = st->run(); !r.ok()) return r.error();
  return FileId(conn_.last_insert_rowid());
}

Status SqliteWriteTx::set_drive_folder(FileId id, std::optional<FolderId> folder) {
  auto st = conn_.prepare("UPDATE files SET drive_folder = ?2 WHERE id = ?1");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, id.get());
  if (folder) st->bind(2, folder->get());
  else st->bind_null(2);
  return change_one(conn_, *st, "file not found");
}

Result<FolderId> SqliteWriteTx::insert_folder(const domain::DriveFolder& f) {
  auto st = conn_.prepare(
      "INSERT INTO drive_folders (parent_id, name, created_by, created_at) VALUES (?1, ?2, ?3, ?4)");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, f.parent.get()).bind_text(2, f.name).bind(3, f.created_by.get()).bind(4, f.created_at);
  if (Status r = st->run(); !r.ok()) return write_error(*st, r.error(), "folder not found", kFolderTaken);
  return FolderId(conn_.last_insert_rowid());
}

Status SqliteWriteTx::update_folder(const domain::DriveFolder& f) {
  auto st = conn_.prepare("UPDATE drive_folders SET parent_id = ?2, name = ?3 WHERE id = ?1");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, f.id.get()).bind(2, f.parent.get()).bind_text(3, f.name);
  auto n = changed_rows(conn_, *st);
  if (!n.ok()) return write_error(*st, n.error(), "folder not found", kFolderTaken);
  if (*n == 0) return Error::not_found("folder not found");
  return {};
}

Status SqliteWriteTx::delete_folder(FolderId id) {
  auto st = conn_.prepare("DELETE FROM drive_folders WHERE id = ?1");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, id.get());
  return change_one(conn_, *st, "folder not found");
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
