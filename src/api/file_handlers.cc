// Files: employees' uploads (POST /api/v1/files) and downloads by signed URL (GET /files/{id}).
// The widget's upload lives with the other widget routes.
#include "api/api.h"
#include "api/json_util.h"
#include "services/views.h"

namespace omniline::api {
namespace views = services::views;

namespace {

// RFC 6266 / 5987: an ASCII fallback name and the exact UTF-8 name.
std::string content_disposition(std::string_view kind, std::string_view name) {
  std::string ascii, encoded;
  static const char* hex = "0123456789ABCDEF";
  for (unsigned char c : name) {
    const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                       c == '.' || c == '-' || c == '_';
    ascii.push_back(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? static_cast<char>(c) : '_');
    if (plain) {
      encoded.push_back(static_cast<char>(c));
    } else {
      encoded.push_back('%');
      encoded.push_back(hex[c >> 4]);
      encoded.push_back(hex[c & 15]);
    }
  }
  return std::string(kind) + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

}  // namespace

Response file_download_response(services::Download d) {
  Response r;
  r.status = 200;
  const bool inline_image = domain::is_inline_image(d.file.mime);
  // Only the safe picture types keep their type and show in the page; anything else is a
  // download of opaque bytes, so no browser ever renders or runs it.
  r.content_type = inline_image ? d.file.mime : "application/octet-stream";
  r.body = std::move(d.bytes);
  r.set_header("Content-Disposition",
               content_disposition(inline_image ? "inline" : "attachment", d.file.name));
  r.set_header("Content-Security-Policy", "default-src 'none'; img-src 'self'; sandbox");
  r.set_header("Cross-Origin-Resource-Policy", "cross-origin");
  // The URL is signed and never changes meaning: private caches may keep it.
  r.set_header("Cache-Control", "private, max-age=86400");
  return r;
}

void Api::add_file_routes() {
  router_.add("POST", "/api/v1/files", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto part = uploaded_file(req);
    if (!part.ok()) return error_response(part.error());
    auto f = deps_.files.upload(services::Uploader{who->employee.id, {}}, part->name, part->data);
    if (!f.ok()) return error_response(f.error());
    return json_response(201, views::file(*f));
  });

  router_.add("GET", "/files/{id}", [this](Request& req) {
    auto id = path_id(req, "id");
    if (!id.ok()) return error_response(Error::not_found("file not found"));
    auto d = deps_.files.download(FileId(*id), req.query_param("exp").value_or(""),
                                  req.query_param("sig").value_or(""));
    if (!d.ok()) return error_response(d.error());
    return file_download_response(std::move(*d));
  });
}

}  // namespace omniline::api
