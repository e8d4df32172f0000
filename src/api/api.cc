#include "api/api.h"

#include <spdlog/spdlog.h>

#include "api/json_util.h"
#include "api/static_files.h"

namespace omniline::api {

Api::Api(ApiDeps deps, ApiConfig config) : deps_(deps), config_(std::move(config)) {
  add_routes();
}

void Api::add_routes() {
  auto bind = [this](Response (Api::*fn)(Request&)) {
    return [this, fn](Request& r) { return (this->*fn)(r); };
  };
  router_.add("GET", "/healthz", [](Request&) {
    Response r;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "ok\n";
    return r;
  });
  router_.add("GET", "/readyz", bind(&Api::route_readyz));
  router_.add("GET", "/metrics", bind(&Api::route_metrics));
  router_.add("GET", "/api/v1/openapi.yaml", bind(&Api::route_openapi));

  router_.add("POST", "/api/v1/auth/login", bind(&Api::route_login));
  router_.add("POST", "/api/v1/auth/logout", bind(&Api::route_logout));
  router_.add("GET", "/api/v1/me", bind(&Api::route_me));
  router_.add("PATCH", "/api/v1/me", bind(&Api::route_patch_me));
  router_.add("GET", "/api/v1/me/tokens", bind(&Api::route_list_tokens));
  router_.add("POST", "/api/v1/me/tokens", bind(&Api::route_create_token));
  router_.add("DELETE", "/api/v1/me/tokens/{id}", bind(&Api::route_revoke_token));

  router_.add("GET", "/api/v1/employees", bind(&Api::route_list_employees));
  router_.add("GET", "/api/v1/directory/employees", bind(&Api::route_directory));
  router_.add("POST", "/api/v1/employees", bind(&Api::route_create_employee));
  router_.add("GET", "/api/v1/employees/{id}", bind(&Api::route_get_employee));
  router_.add("PATCH", "/api/v1/employees/{id}", bind(&Api::route_patch_employee));
  router_.add("DELETE", "/api/v1/employees/{id}", bind(&Api::route_delete_employee));
  add_line_routes();
  add_dialog_routes();
  add_widget_routes();
  add_hook_routes();
  add_quick_answer_routes();
  add_file_routes();
}

Response widget_preflight(const Request& req);  // widget_handlers.cc

Response Api::handle(Request& req, std::string& route_label) {
  if (req.method == "OPTIONS" && req.path.starts_with("/api/v1/widget/")) {
    route_label = "widget_preflight";
    return widget_preflight(req);
  }
  Match m = router_.match(req.method, req.path);
  if (m.handler) {
    route_label = m.pattern;
    req.params = std::move(m.params);
    try {
      return (*m.handler)(req);
    } catch (const std::exception& e) {
      spdlog::error("request {} {} {} failed: {}", req.request_id, req.method, req.path, e.what());
      return error_response(Error::internal("internal error; request id " + req.request_id));
    }
  }
  if (m.method_not_allowed) {
    route_label = m.pattern;
    Response r;
    r.status = 405;
    r.body = R"({"error":{"code":"method_not_allowed","message":"method not allowed"}})";
    r.set_header("Allow", m.allowed);
    return r;
  }
  const bool api_path = req.path.starts_with("/api/") || req.path == "/api" ||
                        req.path.starts_with("/hooks/") || req.path == "/hooks";
  if (!api_path && (req.method == "GET" || req.method == "HEAD") && !config_.web_root.empty()) {
    route_label = "static";
    return serve_static(config_.web_root, req);
  }
  route_label = "unmatched";
  return error_response(Error::not_found("no such endpoint"));
}

Result<services::Principal> Api::authenticate(const Request& req) {
  if (auto h = req.header("authorization")) {
    std::string_view v = *h;
    constexpr std::string_view kBearer = "Bearer ";
    if (v.size() <= kBearer.size() ||
        !std::equal(kBearer.begin(), kBearer.end(), v.begin(),
                    [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
      return Error::unauthorized("Authorization must be 'Bearer <token>'");
    return deps_.auth.authenticate(v.substr(kBearer.size()));
  }
  auto cookie = req.cookie(kSessionCookie);
  if (!cookie || cookie->empty()) return Error::unauthorized("sign in first");
  auto p = deps_.auth.authenticate(*cookie);
  if (!p.ok()) return p;
  if (!req.is_safe_method()) {
    auto presented = req.header(kCsrfHeader);
    if (!presented || !services::AuthService::csrf_matches(*cookie, *presented))
      return Error::forbidden("missing or wrong X-CSRF-Token");
  }
  return p;
}

std::string Api::session_cookie(const std::string& token, UnixMs expires_at) const {
  long max_age = expires_at > 0 ? std::max<long>(0, (expires_at - now_ms()) / 1000) : 0;
  return std::string(kSessionCookie) + "=" + token +
         "; Path=/; Max-Age=" + std::to_string(max_age) + "; HttpOnly; SameSite=Lax" +
         (config_.secure_cookies ? "; Secure" : "");
}

std::string Api::csrf_cookie(const std::string& csrf, UnixMs expires_at) const {
  long max_age = expires_at > 0 ? std::max<long>(0, (expires_at - now_ms()) / 1000) : 0;
  return std::string(kCsrfCookie) + "=" + csrf + "; Path=/; Max-Age=" + std::to_string(max_age) +
         "; SameSite=Strict" + (config_.secure_cookies ? "; Secure" : "");
}

Response Api::route_readyz(Request&) {
  if (!deps_.store.ready())
    return error_response(Error::unavailable("storage is not open or not migrated"));
  boost::json::object o;
  o["status"] = "ready";
  o["schema_version"] = deps_.store.schema_version();
  return json_response(200, o);
}

Response Api::route_metrics(Request&) {
  Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = deps_.metrics.render();
  return r;
}

Response Api::route_openapi(Request& req) {
  if (config_.web_root.empty()) return error_response(Error::not_found("no API description"));
  Request copy = req;
  copy.path = "/openapi.yaml";
  Response r = serve_static(config_.web_root, copy);
  if (r.status == 200) r.content_type = "application/yaml";
  return r;
}

}  // namespace omniline::api
