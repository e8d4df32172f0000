// Accepting /api/v1/realtime (employees) and /api/v1/widget/realtime (customers).
#include <boost/json/serialize.hpp>

#include "api/api.h"
#include "api/json_util.h"
#include "api/realtime.h"
#include "domain/permissions.h"

namespace omniline::api {
namespace json = boost::json;
namespace {

class Session final : public RealtimeSession {
 public:
  Session(Api::RealtimeParts parts) : parts_(std::move(parts)) {}
  ~Session() override { closed(); }

  void open(RealtimeConnection::SendFn send) override {
    conn_ = std::make_shared<RealtimeConnection>(parts_.viewer, parts_.store, std::move(send),
                                                 parts_.typing);
    conn_->use_recent(&parts_.hub);
    sub_ = parts_.hub.subscribe(conn_, parts_.viewer);
    events::Hub* hub = &parts_.hub;
    conn_->on_lines_changed([hub, id = sub_](const std::unordered_set<std::int64_t>& lines) {
      hub->set_lines(id, lines);
    });
    conn_->start(parts_.hello);
    if (parts_.presence && parts_.viewer.employee.is_valid())
      parts_.presence->connected(parts_.viewer.employee);
  }

  void on_client_message(const std::string& text) override {
    if (conn_) conn_->on_client_message(text);
  }

  void closed() override {
    if (done_.exchange(true) || !conn_) return;
    parts_.hub.unsubscribe(sub_);
    if (parts_.presence && parts_.viewer.employee.is_valid())
      parts_.presence->disconnected(parts_.viewer.employee);
  }

  std::string who() const override {
    if (parts_.viewer.customer.is_valid())
      return "customer " + std::to_string(parts_.viewer.customer.get());
    return "employee " + std::to_string(parts_.viewer.employee.get());
  }

 private:
  Api::RealtimeParts parts_;
  std::shared_ptr<RealtimeConnection> conn_;
  std::uint64_t sub_ = 0;
  std::atomic<bool> done_{false};
};

}  // namespace

Result<std::shared_ptr<RealtimeSession>> Api::accept_realtime(const Request& req) {
  RealtimeParts parts{.viewer = {}, .store = deps_.store, .hub = deps_.hub,
                      .presence = &deps_.presence, .typing = nullptr, .hello = {}};
  if (req.path == kWidgetRealtimePath) {
    if (int wait = deps_.widget.limit_ip(req.remote_ip); wait > 0)
      return Error::rate_limited("too many requests; slow down", wait);
    auto token = req.query_param("token");
    auto who = deps_.widget.authenticate(token ? *token : std::string_view());
    if (!who.ok()) return std::move(who).take_error();
    auto origin = req.header("origin");
    if (origin && !domain::origin_allowed(who->channel, *origin))
      return Error::forbidden("this website may not use the chat");
    parts.viewer.customer = who->customer.id;
    parts.hello = json::serialize(json::object{{"customer_id", who->customer.id.get()}});
    auto caller = std::make_shared<services::WidgetCaller>(std::move(*who));
    services::WidgetService* widget = &deps_.widget;
    parts.typing = [widget, caller](std::int64_t) { return widget->typing(*caller); };
    parts.presence = nullptr;
    return std::shared_ptr<RealtimeSession>(std::make_shared<Session>(std::move(parts)));
  }
  auto who = authenticate(req);
  if (!who.ok()) return std::move(who).take_error();
  parts.viewer.employee = who->employee.id;
  parts.viewer.sees_all = domain::may(who->employee.role, domain::Action::kViewAllDialogs);
  auto lines = deps_.store.read_value<std::vector<LineId>>(
      [&](store::ReadTx& tx) { return tx.lines_of_employee(who->employee.id); });
  if (!lines.ok()) return std::move(lines).take_error();
  for (LineId l : *lines) parts.viewer.lines.insert(l.get());
  parts.hello = json::serialize(json::object{{"employee_id", who->employee.id.get()}});
  auto principal = std::make_shared<services::Principal>(std::move(*who));
  services::DialogService* dialogs = &deps_.dialogs;
  parts.typing = [dialogs, principal](std::int64_t dialog_id) {
    return dialogs->typing(*principal, DialogId(dialog_id));
  };
  return std::shared_ptr<RealtimeSession>(std::make_shared<Session>(std::move(parts)));
}

}  // namespace omniline::api
