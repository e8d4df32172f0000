#include "api/router.h"

namespace omniline::api {

std::vector<std::string_view> Router::split(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return out;
}

void Router::add(std::string method, std::string pattern, Handler handler) {
  Route r;
  r.method = std::move(method);
  for (auto s : split(pattern)) r.segments.emplace_back(s);
  r.pattern = std::move(pattern);
  r.handler = std::move(handler);
  routes_.push_back(std::move(r));
}

Match Router::match(std::string_view method, std::string_view path) const {
  Match out;
  const auto parts = split(path);
  // A trailing slash is a different resource ("/api/v1/employees/" is not the list).
  const bool trailing_slash = path.size() > 1 && path.back() == '/';
  for (const Route& r : routes_) {
    if (trailing_slash || r.segments.size() != parts.size()) continue;
    std::unordered_map<std::string, std::string> params;
    bool ok = true;
    for (std::size_t i = 0; i < parts.size() && ok; ++i) {
      const std::string& seg = r.segments[i];
      if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
        if (parts[i].empty())
          ok = false;
        else
          params.emplace(seg.substr(1, seg.size() - 2), std::string(parts[i]));
      } else {
        ok = seg == parts[i];
      }
    }
    if (!ok) continue;
    if (r.method != method && !(method == "HEAD" && r.method == "GET")) {
      out.method_not_allowed = true;
      const bool listed = (", " + out.allowed + ",").find(", " + r.method + ",") != std::string::npos;
      if (!listed) {
        if (!out.allowed.empty()) out.allowed += ", ";
        out.allowed += r.method;
      }
      out.pattern = r.pattern;
      continue;
    }
    out.handler = &r.handler;
    out.pattern = r.pattern;
    out.params = std::move(params);
    out.method_not_allowed = false;
    return out;
  }
  return out;
}

}  // namespace omniline::api
