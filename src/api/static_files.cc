#include "api/static_files.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "api/json_util.h"

namespace omniline::api {

namespace {
constexpr std::size_t kMaxStaticFile = 32 * 1024 * 1024;

bool is_regular_file(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

std::optional<std::string> read_file(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  if (s.size() > kMaxStaticFile) return std::nullopt;
  return s;
}

std::optional<std::string> resolve_static_path(const std::string& root, std::string_view path) {
  if (root.empty() || path.empty() || path.front() != '/') return std::nullopt;
  if (path.find('\0') != std::string_view::npos || path.find('\\') != std::string_view::npos)
    return std::nullopt;
  std::string rel;
  std::string_view rest = path;
  while (!rest.empty()) {
    rest.remove_prefix(1);  // the '/'
    auto slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    if (seg.empty()) {
      if (slash == std::string_view::npos) break;
      rest.remove_prefix(slash);
      continue;
    }
    // No `.`/`..` and no dot-files (e.g. .git, .env).
    if (seg.front() == '.') return std::nullopt;
    rel += '/';
    rel += seg;
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash);
  }
  if (rel.empty()) rel = "/index.html";
  std::string full = root + rel;
  if (!is_regular_file(full)) return std::nullopt;
  return full;
}

std::string_view mime_type_for(std::string_view p) {
  auto dot = p.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  std::string_view ext = p.substr(dot + 1);
  struct M {
    std::string_view ext, type;
  };
  static constexpr M kTypes[] = {
      {"html", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"ico", "image/x-icon"},
      {"woff", "font/woff"},
      {"woff2", "font/woff2"},
      {"txt", "text/plain; charset=utf-8"},
      {"wasm", "application/wasm"},
      {"mp3", "audio/mpeg"},
      {"ogg", "audio/ogg"},
      {"wav", "audio/wav"},
      {"webmanifest", "application/manifest+json"},
      {"yaml", "application/yaml"},
  };
  for (const auto& m : kTypes)
    if (m.ext == ext) return m.type;
  return "application/octet-stream";
}

Response serve_static(const std::string& root, const Request& req) {
  std::optional<std::string> file = resolve_static_path(root, req.path);
  bool fallback = false;
  if (!file) {
    // SPA fallback: client-side routes have no extension in their last segment; unsafe paths
    // (traversal attempts) never fall back, they are answered 404.
    auto last = req.path.substr(req.path.rfind('/') + 1);
    bool unsafe =
        req.path.find("/.") != std::string::npos || req.path.find('\\') != std::string::npos;
    if (!unsafe && last.find('.') == std::string::npos) {
      file = resolve_static_path(root, "/index.html");
      fallback = true;
    }
  }
  if (!file) return error_response(Error::not_found("no such file"));
  auto body = read_file(*file);
  if (!body) return error_response(Error::not_found("no such file"));
  Response r;
  r.status = 200;
  r.content_type = std::string(mime_type_for(*file));
  r.body = std::move(*body);  // for HEAD the http layer sends the length without the body
  // The app's pages may load only our own scripts and talk only to us: an injected <script> or
  // inline handler would not run even if user text ever reached the DOM as HTML.
  if (r.content_type.starts_with("text/html"))
    r.set_header("Content-Security-Policy", std::string(kPageCsp));
  if (!fallback && req.path.starts_with("/assets/"))
    r.set_header("Cache-Control", "public, max-age=31536000, immutable");
  else
    r.set_header("Cache-Control", "no-cache");
  return r;
}

}  // namespace omniline::api
