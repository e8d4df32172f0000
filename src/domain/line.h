// Lines (a queue of operators with routing settings) and channels (sources attached to a line).
// Pure data and validation, no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"
#include "common/result.h"

namespace omniline::domain {

// How a line distributes new sessions among the operators of its queue.
enum class RoutingMode {
  kEvenly,    // the eligible operator who has waited longest since their last assignment
  kStrictly,  // the first eligible operator down the queue, in queue order
  kAll,       // offered to every operator of the queue; the first to answer takes it
};
const char* routing_mode_name(RoutingMode m);  // "evenly", "strictly", "all"
std::optional<RoutingMode> parse_routing_mode(std::string_view name);

// Which of an operator's open sessions count toward `max_chats` (a bit set).
enum CountedStatus : unsigned {
  kCountNew = 1u,              // offered to the operator, not answered yet
  kCountAnswered = 2u,         // in work, or the customer is waiting for the operator
  kCountWaitingCustomer = 4u,  // the operator replied, waiting for the customer
  kCountClosing = 8u,          // closed by the operator, waiting for the customer's rating
};
// Names used in the API: "new", "answered", "waiting_customer", "closing".
std::vector<std::string> counted_status_names(unsigned mask);
std::optional<unsigned> parse_counted_status(std::string_view name);

struct RoutingSettings {
  RoutingMode mode = RoutingMode::kEvenly;
  int queue_time_s = 60;  // pass to the next operator after this long unanswered; 0 = never
  int max_chats = 0;      // most counted open sessions per operator; 0 = no limit
  unsigned max_chats_count = kCountNew | kCountAnswered | kCountWaitingCustomer;
  bool only_available = true;  // route only to operators who are online and not away
};

constexpr int kMaxQueueTimeS = 7 * 24 * 3600;
constexpr int kMaxMaxChats = 1000;
constexpr std::size_t kMaxQueueLength = 500;

struct Line {
  LineId id;
  std::string name;
  std::vector<EmployeeId> queue;  // ordered, no duplicates
  RoutingSettings routing;
  bool show_operator = true;  // customers see the operator's name and avatar
  UnixMs created_at = 0;
  UnixMs updated_at = 0;
};

Status validate_line_name(std::string_view name);
// Ranges of queue_time_s and max_chats, a non-empty max_chats_count when max_chats > 0.
Status validate_routing(const RoutingSettings& r);
// No duplicates, at most kMaxQueueLength.
Status validate_queue(const std::vector<EmployeeId>& queue);

enum class ChannelKind { kWebchat, kApi, kTelegram };
const char* channel_kind_name(ChannelKind k);  // "webchat", "api", "telegram"
std::optional<ChannelKind> parse_channel_kind(std::string_view name);
// Operators' messages leave through the outbox (not the widget's own connection).
inline bool delivered_by_outbox(ChannelKind k) { return k == ChannelKind::kApi || k == ChannelKind::kTelegram; }

// How a webchat channel's widget looks and what it asks before the first message.
enum PrechatField : unsigned { kPrechatName = 1u, kPrechatEmail = 2u, kPrechatPhone = 4u };
std::vector<std::string> prechat_field_names(unsigned mask);
std::optional<unsigned> parse_prechat_field(std::string_view name);

struct WidgetSettings {
  std::string title = "Chat with us";
  std::string greeting = "Hello! How can we help you?";
  std::string color = "#2563eb";  // #rrggbb
  bool position_left = false;     // "left" / "right" (default)
  unsigned prechat_fields = 0;    // PrechatField bits; 0 = no form
  bool prechat_required = false;  // the form's fields must be filled
  bool consent_required = false;  // the visitor must accept consent_text first
  std::string consent_text;
};
constexpr std::size_t kMaxWidgetTitle = 100;
constexpr std::size_t kMaxWidgetGreeting = 1000;
constexpr std::size_t kMaxConsentText = 4000;
Status validate_widget(const WidgetSettings& w);

struct Channel {
  ChannelId id;
  LineId line_id;
  ChannelKind kind = ChannelKind::kWebchat;
  std::string name;
  // Random, shown to the admin once at creation. Kept in clear because it keys the HMAC of
  // outbound webhooks; inbound requests are compared in constant time.
  std::string secret;
  std::string webhook_url;                   // api: where operator messages are POSTed
  std::vector<std::string> allowed_origins;  // webchat: empty = any origin
  WidgetSettings widget;                     // webchat
  bool active = true;
  UnixMs created_at = 0;
  UnixMs updated_at = 0;
};

constexpr std::size_t kMaxOrigins = 50;
Status validate_channel_name(std::string_view name);
// http(s) URL without user info or fragment, at most 2048 bytes; empty is allowed.
Status validate_webhook_url(std::string_view url);
// Each entry "http(s)://host[:port]" (no path), at most kMaxOrigins.
Status validate_origins(const std::vector<std::string>& origins);
// True when `origin` (the Origin header) is allowed by the channel.
bool origin_allowed(const Channel& c, std::string_view origin);

}  // namespace omniline::domain
