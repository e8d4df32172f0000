// Serving the web app's built files: MIME types by extension, long caching for hashed assets
// (under /assets/), SPA fallback to index.html, and no way out of the web root.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api/http_types.h"

namespace omniline::api {

// Maps a decoded request path to a file path under `root`, or nullopt when the path is unsafe
// (a `..` or `.` segment, a NUL, a backslash, a hidden file) or names no regular file.
std::optional<std::string> resolve_static_path(const std::string& root, std::string_view path);
std::string_view mime_type_for(std::string_view file_path);

// The Content-Security-Policy of our HTML pages: only our own scripts, only our own API.
inline constexpr std::string_view kPageCsp =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob: https:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

// The contents of a file (nullopt when it cannot be read).
std::optional<std::string> read_file(const std::string& path);

// GET/HEAD of a static file, or the SPA's index.html for an extension-less path. 404 JSON when
// neither exists.
Response serve_static(const std::string& root, const Request& req);

}  // namespace omniline::api
