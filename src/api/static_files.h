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

// GET/HEAD of a static file, or the SPA's index.html for an extension-less path. 404 JSON when
// neither exists.
Response serve_static(const std::string& root, const Request& req);

}  // namespace omniline::api
