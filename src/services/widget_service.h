// The customer's side of a `webchat` channel (the website widget's API): a customer token kept
// by the browser scopes every call to that customer's own dialog. Blocking: workers only.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/clock.h"
#include "domain/dialog.h"
#include "domain/line.h"
#include "services/dialog_service.h"
#include "store/store.h"

namespace omniline::services {

struct WidgetStart {
  ChannelId channel;
  std::string origin;                // the Origin header ("" when none)
  std::optional<std::string> token;  // resume this customer when valid for the channel
  std::string name, email, phone;
  bool consent = false;  // the visitor accepted the channel's consent text
};

// The widget's look for a channel, for GET /api/v1/widget/channels/{id}/config.
struct WidgetConfig {
  domain::Channel channel;
  bool show_operator = true;
};

// A page of the customer's history with its authors as the customer is shown them.
struct WidgetHistory {
  store::Page<domain::Message> page;
  std::unordered_map<std::int64_t, ShownAuthor> authors;  // by message id
};

struct WidgetSession {
  std::string token;  // new or the same; the browser keeps it
  domain::Customer customer;
  domain::Channel channel;
  std::optional<domain::Dialog> dialog;
  std::optional<domain::Session> session;
};

struct WidgetCaller {
  domain::Customer customer;
  domain::Channel channel;
};

// Fixed-window counters per key (customer token, IP), bounded in memory.
class WindowLimiter {
 public:
  WindowLimiter(int max_per_window, UnixMs window_ms) : max_(max_per_window), window_(window_ms) {}
  // 0 when allowed (and counted); otherwise seconds until the window resets.
  int hit(const std::string& key, UnixMs now);

 private:
  struct Window {
    UnixMs start = 0;
    int count = 0;
  };
  const int max_;
  const UnixMs window_;
  std::mutex mu_;
  std::unordered_map<std::string, Window> windows_;
};

class WidgetService {
 public:
  WidgetService(store::Store& store, events::Hub& hub, DialogService& dialogs, const Clock& clock)
      : store_(store), hub_(hub), dialogs_(dialogs), clock_(clock) {}

  // not_found for an unknown/disabled/non-webchat channel; forbidden for a disallowed origin.
  Result<WidgetSession> start(const WidgetStart& in);
  // The customer of a token (unauthorized otherwise).
  Result<WidgetCaller> authenticate(std::string_view token);
  // Sends as the customer. `client_id` makes a resend after a network error harmless.
  Result<domain::Message> send(const WidgetCaller& who, const std::string& text,
                               const std::string& client_id, std::vector<FileId> files = {});
  // The first active webchat channel (by line, then channel id), for the /demo page.
  Result<ChannelId> demo_channel();
  // not_found for an unknown/disabled/non-webchat channel; forbidden for a disallowed origin.
  Result<WidgetConfig> config(ChannelId channel, const std::string& origin);
  // The customer's dialog, newest first from `before`: no hidden or system messages.
  Result<WidgetHistory> history(const WidgetCaller& who, MessageId before, int limit);
  Status typing(const WidgetCaller& who);
  Status read(const WidgetCaller& who, MessageId upto);

  // Rate limits: 0 when allowed, else seconds to wait.
  int limit_ip(const std::string& ip) { return ip_limiter_.hit(ip, clock_.now()); }
  int limit_customer(CustomerId id) { return customer_limiter_.hit(std::to_string(id.get()), clock_.now()); }

 private:
  store::Store& store_;
  events::Hub& hub_;
  DialogService& dialogs_;
  const Clock& clock_;
  WindowLimiter ip_limiter_{600, 60'000};       // any widget call, per IP per minute
  WindowLimiter customer_limiter_{60, 60'000};  // messages per customer per minute
};

}  // namespace omniline::services
