#include "services/files.h"

#include <fcntl.h>
#include <magic.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "services/crypto.h"
#include "services/dialog_events.h"
#include "services/url_fetch.h"

namespace omniline::services {

namespace fs = std::filesystem;

std::string sha256_hex(std::string_view bytes) {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return crypto::to_hex(std::string_view(reinterpret_cast<const char*>(out), sizeof out));
}

namespace {

bool valid_key(std::string_view key) {
  if (key.size() != 64) return false;
  for (char c : key)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

Error io_error(const std::string& what, const std::string& path) {
  return Error::internal(what + " " + path + ": " + std::strerror(errno));
}

// Writes all bytes and fsyncs; false on any error (errno set).
bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return ::fsync(fd) == 0;
}

}  // namespace

std::string LocalBlobStore::path_of(std::string_view key) const {
  return dir_ + "/" + std::string(key.substr(0, 2)) + "/" + std::string(key.substr(2, 2)) + "/" +
         std::string(key);
}

Result<std::string> LocalBlobStore::put(std::string_view bytes) {
  std::string key = sha256_hex(bytes);
  const std::string path = path_of(key);
  std::error_code ec;
  if (fs::exists(path, ec) && fs::file_size(path, ec) == bytes.size()) return key;  // stored once
  const fs::path folder = fs::path(path).parent_path();
  fs::create_directories(folder, ec);
  if (ec) return Error::internal("cannot create " + folder.string() + ": " + ec.message());
  static std::atomic<unsigned> counter{0};
  const std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." +
                          std::to_string(counter.fetch_add(1));
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return io_error("cannot create", tmp);
  const bool ok = write_all(fd, bytes);
  const int saved = errno;
  ::close(fd);
  if (!ok) {
    ::unlink(tmp.c_str());
    errno = saved;
    return io_error("cannot write", tmp);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const Error e = io_error("cannot rename to", path);
    ::unlink(tmp.c_str());
    return e;
  }
  // The rename itself must survive a crash: sync the folder.
  if (int dfd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
  return key;
}

Result<std::string> LocalBlobStore::get(std::string_view key) {
  if (!valid_key(key)) return Error::not_found("file not found");
  std::ifstream in(path_of(key), std::ios::binary);
  if (!in) return Error::not_found("file content not found");
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return Error::internal("cannot read file content");
  return std::move(out).str();
}

std::string sniff_mime(std::string_view bytes) {
  // One libmagic cookie for the process: loading the database takes milliseconds, and a cookie
  // must not be used by two threads at once.
  static std::mutex mu;
  static magic_t cookie = [] {
    magic_t c = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
    if (c != nullptr && magic_load(c, nullptr) != 0) {
      magic_close(c);
      c = nullptr;
    }
    return c;
  }();
  std::lock_guard lock(mu);
  if (cookie == nullptr) return "application/octet-stream";
  const char* type = magic_buffer(cookie, bytes.data(), bytes.size());
  if (type == nullptr || *type == '\0') return "application/octet-stream";
  return type;
}

// --- signed URLs ---

namespace {
std::shared_ptr<const FileUrls>& installed() {
  static std::shared_ptr<const FileUrls> urls;
  return urls;
}
std::mutex& installed_mu() {
  static std::mutex mu;
  return mu;
}
constexpr std::int64_t kDay = 86400;
}  // namespace

void install_file_urls(std::shared_ptr<const FileUrls> urls) {
  std::lock_guard lock(installed_mu());
  installed() = std::move(urls);
}

std::shared_ptr<const FileUrls> file_urls() {
  std::lock_guard lock(installed_mu());
  return installed();
}

std::string FileUrls::sign(FileId id, std::int64_t exp) const {
  const std::string msg = "omniline-file-v1:" + std::to_string(id.get()) + ":" + std::to_string(exp);
  return crypto::to_hex(crypto::keyed_digest(key_, msg)).substr(0, 32);
}

std::string FileUrls::path(FileId id) const {
  const std::int64_t now_s = clock_.now() / 1000;
  const std::int64_t exp = (now_s / kDay + 9) * kDay;
  return "/files/" + std::to_string(id.get()) + "?exp=" + std::to_string(exp) +
         "&sig=" + sign(id, exp);
}

bool FileUrls::verify(FileId id, std::string_view exp, std::string_view sig) const {
  std::int64_t e = 0;
  auto [end, ec] = std::from_chars(exp.data(), exp.data() + exp.size(), e);
  if (ec != std::errc() || end != exp.data() + exp.size() || e <= 0) return false;
  if (e * 1000 < clock_.now()) return false;
  return crypto::equal_ct(sign(id, e), sig);
}

Result<std::string> file_url_key(store::Store& store) {
  const std::string fresh = crypto::random_hex(32);
  return store.write_value<std::string>([&](store::WriteTx& tx) {
    return tx.put_setting_if_absent("file_url_key", fresh);
  });
}

// --- use cases ---

Result<domain::StoredFile> FileService::upload(const Uploader& who, std::string_view name,
                                               std::string_view bytes,
                                               std::optional<FolderId> drive_folder) {
  if (bytes.empty()) return Error::invalid("the file is empty");
  domain::StoredFile f;
  f.size = static_cast<std::int64_t>(bytes.size());
  f.mime = sniff_mime(bytes);
  f.name = domain::sanitize_file_name(name);
  f.uploader_employee = who.employee;
  f.uploader_customer = who.customer;
  f.created_at = clock_.now();
  f.drive_folder = drive_folder;
  auto key = blobs_.put(bytes);
  if (!key.ok()) return std::move(key).take_error();
  f.sha256 = std::move(*key);
  auto id = store_.write_value<FileId>([&](store::WriteTx& tx) -> Result<FileId> {
    if (drive_folder && drive_folder->is_valid()) {
      if (auto folder = tx.folder_by_id(*drive_folder); !folder.ok()) return folder.error();
    }
    return tx.insert_file(f);
  });
  if (!id.ok()) return std::move(id).take_error();
  f.id = *id;
  return f;
}

Result<domain::StoredFile> FileService::fetch_for_channel(std::string_view url,
                                                          std::string_view name) {
  FetchLimits limits;
  limits.max_bytes = config_.upload_limit;
  limits.allow_private = config_.fetch_private;
  auto got = fetch_url(url, limits);
  if (!got.ok()) return std::move(got).take_error();
  return upload(Uploader{}, name.empty() ? std::string_view(got->name) : name, got->bytes);
}

Result<bool> FileService::visible_to(store::ReadTx& tx, const domain::Employee& staff,
                                     const domain::StoredFile& f) {
  if (f.uploader_employee == staff.id || f.drive_folder) return true;
  auto carriers = tx.messages_with_file(f.id, 50);
  if (!carriers.ok()) return std::move(carriers).take_error();
  for (const auto& m : *carriers) {
    if (m.deleted_at) continue;
    auto d = tx.dialog_by_id(m.dialog_id);
    if (d.ok() && dialog_access(tx, staff, *d).ok()) return true;
  }
  return false;
}

Result<std::vector<domain::FileRef>> FileService::attachable(store::ReadTx& tx,
                                                             const Uploader& who,
                                                             const std::vector<FileId>& ids,
                                                             const domain::Employee* staff) {
  if (Status st = domain::validate_file_ids(ids); !st.ok()) return st.error();
  std::vector<domain::FileRef> out;
  for (FileId id : ids) {
    auto f = tx.file_by_id(id);
    const bool channel = !who.employee.is_valid() && !who.customer.is_valid();
    bool ok = f.ok() && ((who.employee.is_valid() && f->uploader_employee == who.employee) ||
                         (who.customer.is_valid() && f->uploader_customer == who.customer) ||
                         (channel && !f->uploader_employee.is_valid() && !f->uploader_customer.is_valid()));
    if (f.ok() && !ok && staff) {
      auto seen = visible_to(tx, *staff, *f);
      if (!seen.ok()) return std::move(seen).take_error();
      ok = *seen;
    }
    if (!ok) return Error::not_found("file " + std::to_string(id.get()) + " not found");
    out.push_back(domain::FileRef{f->id, f->name, f->size, f->mime});
  }
  return out;
}

Result<Download> FileService::download(FileId id, std::string_view exp, std::string_view sig) {
  auto urls = file_urls();
  if (!urls || !urls->verify(id, exp, sig)) return Error::not_found("file not found");
  auto f = store_.read_value<domain::StoredFile>([&](store::ReadTx& tx) { return tx.file_by_id(id); });
  if (!f.ok()) return std::move(f).take_error();
  // Deleting the messages that carried a file withdraws it (a fresh upload has none yet),
  // unless it was put into the Drive.
  auto carriers = store_.read_value<std::vector<domain::Message>>(
      [&](store::ReadTx& tx) { return tx.messages_with_file(id, 100); });
  if (!carriers.ok()) return std::move(carriers).take_error();
  if (!f->drive_folder && !carriers->empty() && std::all_of(carriers->begin(), carriers->end(),
                                        [](const domain::Message& m) { return m.deleted_at.has_value(); }))
    return Error::not_found("file not found");
  auto bytes = blobs_.get(f->sha256);
  if (!bytes.ok()) return std::move(bytes).take_error();
  return Download{std::move(*f), std::move(*bytes)};
}

Result<Download> FileService::read(FileId id) {
  auto f = store_.read_value<domain::StoredFile>([&](store::ReadTx& tx) { return tx.file_by_id(id); });
  if (!f.ok()) return std::move(f).take_error();
  auto bytes = blobs_.get(f->sha256);
  if (!bytes.ok()) return std::move(bytes).take_error();
  return Download{std::move(*f), std::move(*bytes)};
}

}  // namespace omniline::services
