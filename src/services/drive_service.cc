#include "services/drive_service.h"

#include <algorithm>

#include "domain/permissions.h"
#include "domain/text.h"
#include "services/files.h"

namespace omniline::services {

namespace {

bool is_admin(const domain::Employee& e) { return e.role == domain::Role::kAdmin; }

// The folder's ancestors and itself, root first; not_found for an unknown folder.
Result<std::vector<domain::DriveFolder>> path_of(store::ReadTx& tx, FolderId id) {
  std::vector<domain::DriveFolder> path;
  while (id.is_valid()) {
    if (path.size() > static_cast<std::size_t>(domain::kMaxFolderDepth))
      return Error::internal("drive folders form a cycle");
    auto f = tx.folder_by_id(id);
    if (!f.ok()) return std::move(f).take_error();
    id = f->parent;
    path.push_back(std::move(*f));
  }
  std::reverse(path.begin(), path.end());
  return path;
}

Status may_change(const Principal& who, const domain::DriveFolder& f) {
  if (f.created_by == who.employee.id || is_admin(who.employee)) return {};
  return Error::forbidden("only whoever made the folder, or an admin, may change it");
}

}  // namespace

Result<FolderListing> DriveService::folders(const Principal&, FolderId parent) {
  return store_.read_value<FolderListing>([&](store::ReadTx& tx) -> Result<FolderListing> {
    FolderListing out;
    auto path = path_of(tx, parent);
    if (!path.ok()) return std::move(path).take_error();
    out.path = std::move(*path);
    auto folders = tx.list_folders(parent);
    if (!folders.ok()) return std::move(folders).take_error();
    out.folders = std::move(*folders);
    return out;
  });
}

Result<domain::DriveFolder> DriveService::create_folder(const Principal& who, FolderId parent,
                                                        std::string name) {
  if (Status st = domain::validate_folder_name(name); !st.ok()) return st.error();
  domain::DriveFolder f;
  f.parent = parent;
  f.name = std::string(domain::text::trim(name));
  f.created_by = who.employee.id;
  f.created_at = clock_.now();
  return store_.write_value<domain::DriveFolder>([&](store::WriteTx& tx) -> Result<domain::DriveFolder> {
    auto path = path_of(tx, parent);
    if (!path.ok()) return std::move(path).take_error();
    if (path->size() >= static_cast<std::size_t>(domain::kMaxFolderDepth))
      return Error::invalid("folders nest " + std::to_string(domain::kMaxFolderDepth) + " deep at most");
    auto id = tx.insert_folder(f);
    if (!id.ok()) return std::move(id).take_error();
    f.id = *id;
    return f;
  });
}

Result<domain::DriveFolder> DriveService::rename_folder(const Principal& who, FolderId id,
                                                        std::string name) {
  if (Status st = domain::validate_folder_name(name); !st.ok()) return st.error();
  return store_.write_value<domain::DriveFolder>([&](store::WriteTx& tx) -> Result<domain::DriveFolder> {
    auto f = tx.folder_by_id(id);
    if (!f.ok()) return std::move(f).take_error();
    if (Status st = may_change(who, *f); !st.ok()) return st.error();
    f->name = std::string(domain::text::trim(name));
    if (Status st = tx.update_folder(*f); !st.ok()) return st.error();
    return std::move(*f);
  });
}

Status DriveService::delete_folder(const Principal& who, FolderId id) {
  return store_.write([&](store::WriteTx& tx) -> Status {
    auto f = tx.folder_by_id(id);
    if (!f.ok()) return f.error();
    if (Status st = may_change(who, *f); !st.ok()) return st;
    auto empty = tx.folder_is_empty(id);
    if (!empty.ok()) return empty.error();
    if (!*empty) return Error::conflict("the folder is not empty: move or remove what is in it first");
    return tx.delete_folder(id);
  });
}

Result<store::Page<domain::StoredFile>> DriveService::files(const Principal&, store::DriveFileQuery q) {
  return store_.read_value<store::Page<domain::StoredFile>>(
      [&](store::ReadTx& tx) -> Result<store::Page<domain::StoredFile>> {
        if (q.folder.is_valid()) {
          if (auto f = tx.folder_by_id(q.folder); !f.ok()) return f.error();
        }
        return tx.list_drive_files(q);
      });
}

Result<store::Page<store::ChatFile>> DriveService::chat_files(const Principal& who, store::ChatFileQuery q) {
  q.viewer = who.employee.id;
  q.viewer_sees_all = domain::may(who.employee.role, domain::Action::kViewAllDialogs);
  return store_.read_value<store::Page<store::ChatFile>>(
      [&](store::ReadTx& tx) { return tx.list_chat_files(q); });
}

Result<domain::StoredFile> DriveService::put(const Principal& who, FileId file, FolderId folder) {
  return store_.write_value<domain::StoredFile>([&](store::WriteTx& tx) -> Result<domain::StoredFile> {
    auto f = tx.file_by_id(file);
    if (!f.ok()) return std::move(f).take_error();
    auto seen = FileService::visible_to(tx, who.employee, *f);
    if (!seen.ok()) return std::move(seen).take_error();
    if (!*seen) return Error::not_found("file not found");
    if (folder.is_valid()) {
      if (auto target = tx.folder_by_id(folder); !target.ok()) return target.error();
    }
    if (Status st = tx.set_drive_folder(file, folder); !st.ok()) return st.error();
    f->drive_folder = folder;
    return std::move(*f);
  });
}

Status DriveService::remove(const Principal& who, FileId file) {
  return store_.write([&](store::WriteTx& tx) -> Status {
    auto f = tx.file_by_id(file);
    if (!f.ok() || !f->drive_folder) return Error::not_found("file not found in the Drive");
    if (f->uploader_employee != who.employee.id &&
        !domain::may(who.employee.role, domain::Action::kViewAllDialogs))
      return Error::forbidden("only whoever uploaded the file, an admin or a supervisor may remove it");
    return tx.set_drive_folder(file, std::nullopt);
  });
}

}  // namespace omniline::services
