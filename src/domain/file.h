// Files attached to messages: what is stored about an uploaded file, the reference a message
// keeps, and the pure rules (names, which types a browser may show inline, the multipart
// upload format). No I/O: the bytes live behind services::BlobStore.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"
#include "common/result.h"

namespace omniline::domain {

// One uploaded file. Its bytes are stored once per content (sha256); metadata rows are per
// upload. Exactly one of the uploader ids is set.
struct StoredFile {
  FileId id;
  std::string sha256;  // lowercase hex of the content's SHA-256: the blob's key
  std::int64_t size = 0;
  std::string mime;    // judged from the content (libmagic), never from the name
  std::string name;    // sanitised (see sanitize_file_name)
  EmployeeId uploader_employee;
  CustomerId uploader_customer;
  UnixMs created_at = 0;
  // The company Drive: nullopt = not in the Drive; FolderId() (0) = its root; else a folder.
  std::optional<FolderId> drive_folder;
};

// A folder of the Drive (the company's file store). parent 0 = the root.
struct DriveFolder {
  FolderId id;
  FolderId parent;
  std::string name;
  EmployeeId created_by;
  UnixMs created_at = 0;
};

constexpr std::size_t kMaxFolderName = 100;
constexpr int kMaxFolderDepth = 16;
// 1..100 bytes after trimming, UTF-8, no control characters, no '/' or '\\', not "." or "..".
Status validate_folder_name(std::string_view name);

// What a message keeps of each attachment (immutable, so copied onto the message).
struct FileRef {
  FileId id;
  std::string name;
  std::int64_t size = 0;
  std::string mime;
};

constexpr std::size_t kMaxFilesPerMessage = 10;
constexpr std::size_t kMaxFileNameLength = 255;
constexpr std::size_t kDefaultUploadLimit = 25 * 1024 * 1024;

// The last path component, without control characters, bidi overrides or leading dots,
// cut to 255 bytes on a UTF-8 boundary; "file" when nothing is left. Invalid UTF-8 bytes
// become '_'.
std::string sanitize_file_name(std::string_view name);

// Types a browser may show inline: PNG, JPEG, GIF and WebP pictures. Everything else
// (SVG and HTML included) is served as an attachment.
bool is_inline_image(std::string_view mime);

// The file ids of a message being sent: at most kMaxFilesPerMessage, no duplicates, valid.
Status validate_file_ids(const std::vector<FileId>& ids);

// A multipart/form-data body's part (RFC 7578).
struct FormPart {
  std::string name;                     // the field name
  std::optional<std::string> filename;  // present for file fields
  std::string content_type;             // "" when the part declares none
  std::string_view data;                // a view into the body
};

// The boundary of a `multipart/form-data; boundary=...` content type (quoted or not);
// invalid_request when the type is another or the boundary is missing or malformed.
Result<std::string> multipart_boundary(std::string_view content_type);
// Splits a multipart body into its parts. invalid_request for anything malformed: no
// opening boundary, a part without a header end, no closing boundary, more than 16 parts.
Result<std::vector<FormPart>> parse_multipart(std::string_view body, std::string_view boundary);

}  // namespace omniline::domain
