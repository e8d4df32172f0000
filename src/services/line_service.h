// Lines and their channels. Admins manage them; every employee may list lines (to forward a
// dialog to one). Blocking: call from worker threads only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "domain/line.h"
#include "events/hub.h"
#include "services/auth_service.h"
#include "services/routing_service.h"
#include "store/store.h"

namespace omniline::services {

struct LinePatch {
  std::optional<std::string> name;
  std::optional<std::vector<EmployeeId>> queue;
  std::optional<domain::RoutingSettings> routing;  // replaces all routing settings
  std::optional<bool> show_operator;
};

struct ChannelPatch {
  std::optional<std::string> name;
  std::optional<std::string> webhook_url;
  std::optional<std::vector<std::string>> allowed_origins;
  std::optional<bool> active;
  std::optional<domain::WidgetSettings> widget;  // replaces all widget settings
  bool rotate_secret = false;
};

class LineService {
 public:
  LineService(store::Store& store, events::Hub& hub, RoutingService& routing, const Clock& clock)
      : store_(store), hub_(hub), routing_(routing), clock_(clock) {}

  // forbidden unless admin; invalid for bad fields or unknown/inactive employees in the queue.
  Result<domain::Line> create(const Principal& actor, domain::Line line);
  Result<domain::Line> get(const Principal& actor, LineId id);
  Result<store::Page<domain::Line>> list(const Principal& actor, store::PageRequest page);
  Result<domain::Line> update(const Principal& actor, LineId id, const LinePatch& patch);
  // conflict while the line has channels.
  Status remove(const Principal& actor, LineId id);

  // The reply to creation (and to a secret rotation) is the only one carrying the secret.
  Result<domain::Channel> create_channel(const Principal& actor, domain::Channel channel);
  Result<domain::Channel> get_channel(const Principal& actor, ChannelId id);
  Result<std::vector<domain::Channel>> list_channels(const Principal& actor, LineId line);
  Result<domain::Channel> update_channel(const Principal& actor, ChannelId id,
                                         const ChannelPatch& patch);
  Status remove_channel(const Principal& actor, ChannelId id);

 private:
  Status check_queue(store::ReadTx& tx, const std::vector<EmployeeId>& queue);
  Status emit_line(TxEvents& ev, const domain::Line& line, const char* type);

  store::Store& store_;
  events::Hub& hub_;
  RoutingService& routing_;
  const Clock& clock_;
};

}  // namespace omniline::services
