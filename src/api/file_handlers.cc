// Files: employees' uploads (POST /api/v1/files) and downloads by signed URL (GET /files/{id}).
// The widget's upload lives with the other widget routes.
#include "api/api.h"
#include "api/json_util.h"
#include "services/views.h"

namespace omniline::api {
namespace json = boost::json;
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

// An optional non-negative id in the query (missing: 0).
Result<std::int64_t> query_id(const Request& req, std::string_view name) {
  auto v = req.query_param(name);
  if (!v || v->empty()) return std::int64_t{0};
  std::int64_t out = 0;
  for (char c : *v) {
    if (c < '0' || c > '9' || out > (INT64_MAX - 9) / 10)
      return Error::invalid(std::string(name) + " must be 0 or a positive integer");
    out = out * 10 + (c - '0');
  }
  return out;
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
  // ?folder_id=N puts the upload straight into the Drive (0: its root).
  router_.add("POST", "/api/v1/files", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    std::optional<FolderId> folder;
    if (req.query_param("folder_id")) {
      auto id = query_id(req, "folder_id");
      if (!id.ok()) return error_response(id.error());
      folder = FolderId(*id);
    }
    auto part = uploaded_file(req);
    if (!part.ok()) return error_response(part.error());
    auto f = deps_.files.upload(services::Uploader{who->employee.id, {}}, part->name, part->data,
                                folder);
    if (!f.ok()) return error_response(f.error());
    return json_response(201, views::file(*f));
  });

  // --- the Drive ---
  router_.add("GET", "/api/v1/drive/folders", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto parent = query_id(req, "parent_id");
    if (!parent.ok()) return error_response(parent.error());
    auto l = deps_.drive.folders(*who, FolderId(*parent));
    if (!l.ok()) return error_response(l.error());
    json::array path, items;
    for (const auto& f : l->path) path.push_back(views::folder(f));
    for (const auto& f : l->folders) items.push_back(views::folder(f));
    return json_response(200, json::object{{"path", std::move(path)}, {"items", std::move(items)}});
  });

  router_.add("POST", "/api/v1/drive/folders", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto body = parse_object(req.body);
    if (!body.ok()) return error_response(body.error());
    auto name = req_string(*body, "name");
    if (!name.ok()) return error_response(name.error());
    auto parent = opt_int(*body, "parent_id");
    if (!parent.ok()) return error_response(parent.error());
    if (parent->value_or(0) < 0) return error_response(Error::invalid("parent_id must be 0 or a folder id"));
    auto f = deps_.drive.create_folder(*who, FolderId(parent->value_or(0)), std::move(*name));
    if (!f.ok()) return error_response(f.error());
    return json_response(201, views::folder(*f));
  });

  router_.add("PATCH", "/api/v1/drive/folders/{id}", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto id = path_id(req, "id");
    if (!id.ok()) return error_response(id.error());
    auto body = parse_object(req.body);
    if (!body.ok()) return error_response(body.error());
    auto name = req_string(*body, "name");
    if (!name.ok()) return error_response(name.error());
    auto f = deps_.drive.rename_folder(*who, FolderId(*id), std::move(*name));
    if (!f.ok()) return error_response(f.error());
    return json_response(200, views::folder(*f));
  });

  router_.add("DELETE", "/api/v1/drive/folders/{id}", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto id = path_id(req, "id");
    if (!id.ok()) return error_response(id.error());
    if (Status st = deps_.drive.delete_folder(*who, FolderId(*id)); !st.ok())
      return error_response(st.error());
    return no_content();
  });

  router_.add("GET", "/api/v1/drive/files", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto folder = query_id(req, "folder_id");
    if (!folder.ok()) return error_response(folder.error());
    auto page = page_params(req);
    if (!page.ok()) return error_response(page.error());
    store::DriveFileQuery q;
    q.folder = FolderId(*folder);
    q.q = std::string(req.query_param("q").value_or(""));
    q.before = FileId(page->after);
    q.limit = page->limit;
    auto res = deps_.drive.files(*who, std::move(q));
    if (!res.ok()) return error_response(res.error());
    json::array items;
    for (const auto& f : res->items) items.push_back(views::file(f));
    std::optional<std::int64_t> next;
    if (res->has_more && !res->items.empty()) next = res->items.back().id.get();
    return json_response(200, page_object(std::move(items), next));
  });

  router_.add("GET", "/api/v1/drive/chat-files", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto page = page_params(req);
    if (!page.ok()) return error_response(page.error());
    store::ChatFileQuery q;
    q.q = std::string(req.query_param("q").value_or(""));
    q.before = FileId(page->after);
    q.limit = page->limit;
    auto res = deps_.drive.chat_files(*who, std::move(q));
    if (!res.ok()) return error_response(res.error());
    json::array items;
    for (const auto& c : res->items) {
      json::object o = views::file(c.file);
      o["dialog_id"] = c.dialog.get();
      o["message_id"] = c.message.get();
      items.push_back(std::move(o));
    }
    std::optional<std::int64_t> next;
    if (res->has_more && !res->items.empty()) next = res->items.back().file.id.get();
    return json_response(200, page_object(std::move(items), next));
  });

  router_.add("PUT", "/api/v1/drive/files/{id}", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto id = path_id(req, "id");
    if (!id.ok()) return error_response(id.error());
    auto body = parse_object(req.body);
    if (!body.ok()) return error_response(body.error());
    auto folder = opt_int(*body, "folder_id");
    if (!folder.ok()) return error_response(folder.error());
    if (folder->value_or(0) < 0) return error_response(Error::invalid("folder_id must be 0 or a folder id"));
    auto f = deps_.drive.put(*who, FileId(*id), FolderId(folder->value_or(0)));
    if (!f.ok()) return error_response(f.error());
    return json_response(200, views::file(*f));
  });

  router_.add("DELETE", "/api/v1/drive/files/{id}", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto id = path_id(req, "id");
    if (!id.ok()) return error_response(id.error());
    if (Status st = deps_.drive.remove(*who, FileId(*id)); !st.ok()) return error_response(st.error());
    return no_content();
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
