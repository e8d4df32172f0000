// Files: the blob store (bytes by content hash behind one interface), type sniffing by content
// (libmagic), signed expiring download URLs, and the use cases: upload, attach to a message,
// download. Blocking: worker threads only.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "domain/employee.h"
#include "domain/file.h"
#include "store/store.h"

namespace omniline::services {

// Where file bytes live, keyed by the lowercase hex SHA-256 of the content. An object store
// can replace the local directory behind this interface.
class BlobStore {
 public:
  virtual ~BlobStore() = default;
  // Stores the bytes (once per content) and returns their key.
  virtual Result<std::string> put(std::string_view bytes) = 0;
  virtual Result<std::string> get(std::string_view key) = 0;  // not_found
};

// <dir>/<first 2 hex>/<next 2 hex>/<sha256>; written to a temporary file, fsynced, renamed.
class LocalBlobStore final : public BlobStore {
 public:
  explicit LocalBlobStore(std::string dir) : dir_(std::move(dir)) {}
  Result<std::string> put(std::string_view bytes) override;
  Result<std::string> get(std::string_view key) override;

 private:
  std::string path_of(std::string_view key) const;
  std::string dir_;
};

std::string sha256_hex(std::string_view bytes);

// The MIME type of the content as libmagic judges it ("application/octet-stream" when it
// cannot tell). Thread-safe.
std::string sniff_mime(std::string_view bytes);

// Signs and checks download URLs: /files/{id}?exp=<unix s>&sig=<hex>. The signature is a keyed
// BLAKE2b over the id and the expiry; the expiry is rounded to whole days, 8 to 9 days ahead,
// so a URL stays the same (and cacheable) for a day and outlives the event log's 7 days.
class FileUrls {
 public:
  FileUrls(std::string key, const Clock& clock, std::string public_base = {})
      : key_(std::move(key)), clock_(clock), base_(std::move(public_base)) {}
  // Relative to the server ("/files/12?exp=…&sig=…").
  std::string path(FileId id) const;
  // With the configured public base URL in front (relative when none is configured).
  std::string absolute(FileId id) const { return base_ + path(id); }
  // The signature is right and the expiry not passed.
  bool verify(FileId id, std::string_view exp, std::string_view sig) const;

 private:
  std::string sign(FileId id, std::int64_t exp) const;
  std::string key_;
  const Clock& clock_;
  std::string base_;
};

// The process's signer, used by services::views to put URLs into message JSON. Until one is
// installed, URLs are empty.
void install_file_urls(std::shared_ptr<const FileUrls> urls);
std::shared_ptr<const FileUrls> file_urls();

// The 32-byte signing key, created once per database (settings table, key "file_url_key").
Result<std::string> file_url_key(store::Store& store);

struct Uploader {
  EmployeeId employee;
  CustomerId customer;
};

struct Download {
  domain::StoredFile file;
  std::string bytes;
};

struct FileConfig {
  std::size_t upload_limit = domain::kDefaultUploadLimit;
  bool fetch_private = false;  // channels may point at private/loopback addresses (tests, LANs)
};

class FileService {
 public:
  FileService(store::Store& store, BlobStore& blobs, const Clock& clock, FileConfig config = {})
      : store_(store), blobs_(blobs), clock_(clock), config_(config) {}

  // Stores the bytes and a metadata row. invalid_request for an empty file.
  Result<domain::StoredFile> upload(const Uploader& who, std::string_view name,
                                    std::string_view bytes,
                                    std::optional<FolderId> drive_folder = std::nullopt);
  // Downloads a file a channel sent by URL (limits and address rules of url_fetch.h) and
  // stores it as the channel's (no uploader). `name` "" takes the URL's last segment.
  Result<domain::StoredFile> fetch_for_channel(std::string_view url, std::string_view name);
  // Inside a write transaction: the references of files `who` uploaded, in the given order.
  // not_found names a file that does not exist or was uploaded by someone else. An Uploader
  // with neither id is a channel: it may attach files that channels stored (no uploader).
  // With `staff` (the employee sending), also files of the Drive and files of chats that
  // employee may open (forwarding a file).
  static Result<std::vector<domain::FileRef>> attachable(store::ReadTx& tx, const Uploader& who,
                                                         const std::vector<FileId>& ids,
                                                         const domain::Employee* staff = nullptr);
  // Whether `staff` may see the file: they uploaded it, it is in the Drive, or a message of a
  // dialog they may open carries it.
  static Result<bool> visible_to(store::ReadTx& tx, const domain::Employee& staff,
                                 const domain::StoredFile& f);
  // A file by a signed URL's parts: not_found for a bad signature, an expired URL or an
  // unknown file (one answer for all three).
  Result<Download> download(FileId id, std::string_view exp, std::string_view sig);
  // A stored file's metadata and bytes by id, with no access check: for a channel adapter
  // sending the files of a message it delivers. not_found for an unknown file.
  Result<Download> read(FileId id);
  std::size_t upload_limit() const { return config_.upload_limit; }

 private:
  store::Store& store_;
  BlobStore& blobs_;
  const Clock& clock_;
  FileConfig config_;
};

}  // namespace omniline::services
