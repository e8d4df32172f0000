// The stable names of the domain enums, as used in the API, the database and the event log.
// Each enum has one table; name() and parse() both read it, so they cannot disagree.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/dialog.h"
#include "domain/event_record.h"
#include "domain/line.h"
#include "domain/session_state.h"

namespace omniline::domain {
namespace {

template <typename E, std::size_t N>
using NameTable = std::array<std::pair<E, const char*>, N>;

template <typename E, std::size_t N>
const char* name_in(const NameTable<E, N>& table, E value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "unknown";  // unreachable for a valid enumerator
}

template <typename E, std::size_t N>
std::optional<E> parse_in(const NameTable<E, N>& table, std::string_view name) {
  for (const auto& [v, n] : table) {
    if (name == n) return v;
  }
  return std::nullopt;
}

constexpr NameTable<RoutingMode, 3> kRoutingModes{{
    {RoutingMode::kEvenly, "evenly"},
    {RoutingMode::kStrictly, "strictly"},
    {RoutingMode::kAll, "all"},
}};

constexpr NameTable<unsigned, 4> kCountedStatuses{{
    {kCountNew, "new"},
    {kCountAnswered, "answered"},
    {kCountWaitingCustomer, "waiting_customer"},
    {kCountClosing, "closing"},
}};

constexpr NameTable<unsigned, 3> kPrechatFields{{
    {kPrechatName, "name"},
    {kPrechatEmail, "email"},
    {kPrechatPhone, "phone"},
}};

constexpr NameTable<ChannelKind, 3> kChannelKinds{{
    {ChannelKind::kWebchat, "webchat"},
    {ChannelKind::kApi, "api"},
    {ChannelKind::kTelegram, "telegram"},
}};

constexpr NameTable<SessionStatus, 9> kSessionStatuses{{
    {SessionStatus::kNew, "new"},
    {SessionStatus::kSkipped, "skipped"},
    {SessionStatus::kInWork, "in_work"},
    {SessionStatus::kOperatorReplied, "operator_replied"},
    {SessionStatus::kWaitingOperator, "waiting_operator"},
    {SessionStatus::kClosing, "closing"},
    {SessionStatus::kClosed, "closed"},
    {SessionStatus::kSpam, "spam"},
    {SessionStatus::kSilentlyClosed, "silently_closed"},
}};

constexpr NameTable<AuthorKind, 4> kAuthorKinds{{
    {AuthorKind::kCustomer, "customer"},
    {AuthorKind::kOperator, "operator"},
    {AuthorKind::kBot, "bot"},
    {AuthorKind::kSystem, "system"},
}};

constexpr NameTable<DeliveryStatus, 6> kDeliveryStatuses{{
    {DeliveryStatus::kNone, "none"},
    {DeliveryStatus::kPending, "pending"},
    {DeliveryStatus::kSent, "sent"},
    {DeliveryStatus::kDelivered, "delivered"},
    {DeliveryStatus::kRead, "read"},
    {DeliveryStatus::kFailed, "failed"},
}};

constexpr NameTable<OutboxStatus, 3> kOutboxStatuses{{
    {OutboxStatus::kPending, "pending"},
    {OutboxStatus::kSent, "sent"},
    {OutboxStatus::kFailed, "failed"},
}};

constexpr NameTable<SessionEvent, 12> kSessionEvents{{
    {SessionEvent::kCustomerMessage, "customer_message"},
    {SessionEvent::kOperatorMessage, "operator_message"},
    {SessionEvent::kOffer, "offer"},
    {SessionEvent::kAnswer, "answer"},
    {SessionEvent::kSkip, "skip"},
    {SessionEvent::kForward, "forward"},
    {SessionEvent::kTakeOver, "take_over"},
    {SessionEvent::kClose, "close"},
    {SessionEvent::kCloseForRating, "close_for_rating"},
    {SessionEvent::kFinish, "finish"},
    {SessionEvent::kSpam, "spam"},
    {SessionEvent::kForceClose, "force_close"},
}};

}  // namespace

const char* routing_mode_name(RoutingMode m) {
  return name_in(kRoutingModes, m);
}

std::optional<RoutingMode> parse_routing_mode(std::string_view name) {
  return parse_in(kRoutingModes, name);
}

// In bit order; bits without a name are ignored.
std::vector<std::string> counted_status_names(unsigned mask) {
  std::vector<std::string> out;
  for (const auto& [bit, name] : kCountedStatuses) {
    if ((mask & bit) != 0) out.emplace_back(name);
  }
  return out;
}

std::optional<unsigned> parse_counted_status(std::string_view name) {
  return parse_in(kCountedStatuses, name);
}

std::vector<std::string> prechat_field_names(unsigned mask) {
  std::vector<std::string> out;
  for (const auto& [bit, name] : kPrechatFields) {
    if ((mask & bit) != 0) out.emplace_back(name);
  }
  return out;
}

std::optional<unsigned> parse_prechat_field(std::string_view name) {
  return parse_in(kPrechatFields, name);
}

const char* channel_kind_name(ChannelKind k) {
  return name_in(kChannelKinds, k);
}

std::optional<ChannelKind> parse_channel_kind(std::string_view name) {
  return parse_in(kChannelKinds, name);
}

const char* session_status_name(SessionStatus s) {
  return name_in(kSessionStatuses, s);
}

std::optional<SessionStatus> parse_session_status(std::string_view name) {
  return parse_in(kSessionStatuses, name);
}

const char* author_kind_name(AuthorKind k) {
  return name_in(kAuthorKinds, k);
}

std::optional<AuthorKind> parse_author_kind(std::string_view name) {
  return parse_in(kAuthorKinds, name);
}

const char* delivery_status_name(DeliveryStatus s) {
  return name_in(kDeliveryStatuses, s);
}

std::optional<DeliveryStatus> parse_delivery_status(std::string_view name) {
  return parse_in(kDeliveryStatuses, name);
}

const char* outbox_status_name(OutboxStatus s) {
  return name_in(kOutboxStatuses, s);
}

const char* session_event_name(SessionEvent e) {
  return name_in(kSessionEvents, e);
}

}  // namespace omniline::domain
