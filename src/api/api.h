// The REST API: routes, authentication of each request, and thin handlers that parse, call a
// service and serialise. handle() blocks (storage, hashing): the http layer runs it on a
// worker thread, never on an I/O thread.
#pragma once

#include <atomic>
#include <string>

#include "api/http_types.h"
#include "api/realtime.h"
#include "api/router.h"
#include "common/metrics.h"
#include "common/result.h"
#include "common/clock.h"
#include "events/hub.h"
#include "services/auth_service.h"
#include "services/dialog_service.h"
#include "services/employee_service.h"
#include "services/drive_service.h"
#include "services/files.h"
#include "services/line_service.h"
#include "services/quick_answer_service.h"
#include "services/routing_service.h"
#include "services/telegram.h"
#include "services/widget_service.h"
#include "services/outbox_worker.h"
#include "store/store.h"

namespace omniline::api {

struct ApiConfig {
  std::string web_root;         // static files of the web app; empty: none
  bool secure_cookies = false;  // add `Secure` to cookies (set when served over HTTPS)
};

struct ApiDeps {
  store::Store& store;
  services::AuthService& auth;
  services::EmployeeService& employees;
  metrics::Registry& metrics;
  services::LineService& lines;
  services::DialogService& dialogs;
  services::WidgetService& widget;
  services::RoutingService& routing;
  events::Hub& hub;
  services::Presence& presence;
  services::QuickAnswerService& quick_answers;
  services::FileService& files;
  services::DriveService& drive;
  // Set only with `serve --test-clock`: POST /api/v1/testing/clock moves it.
  AdjustableClock* test_clock = nullptr;
  services::OutboxWorker* outbox = nullptr;
  services::TelegramService* telegram = nullptr;
};

inline constexpr std::string_view kRealtimePath = "/api/v1/realtime";
inline constexpr std::string_view kWidgetRealtimePath = "/api/v1/widget/realtime";
inline constexpr std::string_view kSessionCookie = "omniline_session";
inline constexpr std::string_view kCsrfCookie = "omniline_csrf";
inline constexpr std::string_view kCsrfHeader = "x-csrf-token";

class Api {
 public:
  Api(ApiDeps deps, ApiConfig config);

  // Answers one request. `route_label` receives the matched route pattern (or a fixed label
  // such as "static" / "unmatched") for metrics and logs.
  Response handle(Request& req, std::string& route_label);

  // Resolves the caller from `Authorization: Bearer` or the session cookie. With a cookie and a
  // state-changing method, the X-CSRF-Token header must match (forbidden otherwise).
  Result<services::Principal> authenticate(const Request& req);

  // Authenticates a realtime WebSocket (employee at kRealtimePath, customer token in ?token=
  // at kWidgetRealtimePath) and prepares its session. Blocking: call on a worker.
  Result<std::shared_ptr<RealtimeSession>> accept_realtime(const Request& req);

  struct RealtimeParts {
    events::Viewer viewer;
    store::Store& store;
    events::Hub& hub;
    services::Presence* presence;
    RealtimeConnection::TypingFn typing;
    std::string hello;
  };

 private:
  void add_routes();
  void add_line_routes();
  void add_dialog_routes();
  void add_widget_routes();
  void add_hook_routes();
  void add_quick_answer_routes();
  void add_file_routes();
  Response route_login(Request& req);
  Response route_logout(Request& req);
  Response route_me(Request& req);
  Response route_patch_me(Request& req);
  Response route_list_tokens(Request& req);
  Response route_create_token(Request& req);
  Response route_revoke_token(Request& req);
  Response route_list_employees(Request& req);
  Response route_directory(Request& req);
  Response route_create_employee(Request& req);
  Response route_get_employee(Request& req);
  Response route_patch_employee(Request& req);
  Response route_delete_employee(Request& req);
  Response route_readyz(Request& req);
  Response route_metrics(Request& req);
  Response route_openapi(Request& req);

  std::string session_cookie(const std::string& token, UnixMs expires_at) const;
  std::string csrf_cookie(const std::string& csrf, UnixMs expires_at) const;

  ApiDeps deps_;
  ApiConfig config_;
  Router router_;
};

}  // namespace omniline::api
