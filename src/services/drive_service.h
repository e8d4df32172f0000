// The Drive: the company's file store with folders. Every employee may browse it, add folders
// and put files in (their own uploads, or files of chats they may open); a folder is renamed or
// deleted (only when empty) by whoever made it or an admin; a file is taken out of the Drive by
// whoever uploaded it, an admin or a supervisor. Files of chats are reachable too, through
// chat_files (as the viewer may see the chats). Blocking: worker threads only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "domain/file.h"
#include "services/auth_service.h"
#include "store/store.h"

namespace omniline::services {

struct FolderListing {
  std::vector<domain::DriveFolder> path;  // from the root's first folder down to this one
  std::vector<domain::DriveFolder> folders;
};

class DriveService {
 public:
  DriveService(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  Result<FolderListing> folders(const Principal& who, FolderId parent);
  Result<domain::DriveFolder> create_folder(const Principal& who, FolderId parent, std::string name);
  Result<domain::DriveFolder> rename_folder(const Principal& who, FolderId id, std::string name);
  Status delete_folder(const Principal& who, FolderId id);

  Result<store::Page<domain::StoredFile>> files(const Principal& who, store::DriveFileQuery q);
  Result<store::Page<store::ChatFile>> chat_files(const Principal& who, store::ChatFileQuery q);
  // Puts a file the employee may see into a folder (0: the root), or moves it there.
  Result<domain::StoredFile> put(const Principal& who, FileId file, FolderId folder);
  // Takes a file out of the Drive (its chats keep it).
  Status remove(const Principal& who, FileId file);

 private:
  store::Store& store_;
  const Clock& clock_;
};

}  // namespace omniline::services
