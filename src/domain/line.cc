#include "domain/line.h"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <cctype>
#include <string>
#include <unordered_set>

#include "domain/text.h"

namespace omniline::domain {

namespace {

constexpr std::size_t kMaxNameBytes = 200;
constexpr std::size_t kMaxUrlLength = 2048;
constexpr unsigned kKnownCountBits =
    kCountNew | kCountAnswered | kCountWaitingCustomer | kCountClosing;

// `what` is the field name used in the messages ("name").
Status validate_display_name(std::string_view name, const std::string& what) {
  if (text::trim(name).empty()) return Error::invalid(what + " is required");
  if (name.size() > kMaxNameBytes)
    return Error::invalid(what + " is too long (" + std::to_string(kMaxNameBytes) +
                          " bytes at most)");
  if (!text::valid_utf8(name)) return Error::invalid(what + " is not valid UTF-8");
  if (text::has_control_chars(name)) return Error::invalid(what + " contains control characters");
  return {};
}

bool is_http_scheme(const boost::urls::url_view& u) {
  auto id = u.scheme_id();
  return id == boost::urls::scheme::http || id == boost::urls::scheme::https;
}

// A present port must be a number in 1..65535 ("host:" and "host:0" are refused). Checked on
// the text: url_view::port_number() wraps values above 65535.
bool port_ok(const boost::urls::url_view& u) {
  if (!u.has_port()) return true;
  std::string_view p = u.port();
  if (p.empty() || p.size() > 5) return false;
  unsigned long v = 0;
  for (char c : p) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned long>(c - '0');
  }
  return v >= 1 && v <= 65535;
}

// Origins name real hosts: letters, digits, dots and hyphens (or an IP literal). This rules out
// wildcard-looking entries such as "https://*.example.com", which would never match.
bool origin_host_ok(const boost::urls::url_view& u) {
  if (u.host_type() != boost::urls::host_type::name) return true;
  std::string_view h = u.encoded_host();
  return !h.empty() && std::all_of(h.begin(), h.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
  });
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The serialised origin of RFC 6454: "scheme://host[:port]", lower-case, nothing else.
bool is_origin(std::string_view o) {
  if (o.size() > kMaxUrlLength || text::has_control_chars(o)) return false;
  if (std::any_of(o.begin(), o.end(),
                  [](char c) { return std::isupper(static_cast<unsigned char>(c)); }))
    return false;
  auto parsed = boost::urls::parse_absolute_uri(o);
  if (!parsed) return false;
  const auto& u = *parsed;
  return is_http_scheme(u) && u.has_authority() && !u.has_userinfo() && !u.encoded_host().empty() &&
         origin_host_ok(u) && port_ok(u) && u.encoded_path().empty() && !u.has_query() &&
         !u.has_fragment();
}

}  // namespace

Status validate_line_name(std::string_view name) {
  return validate_display_name(name, "name");
}

Status validate_routing(const RoutingSettings& r) {
  if (r.queue_time_s < 0 || r.queue_time_s > kMaxQueueTimeS)
    return Error::invalid("queue_time_s must be between 0 and " + std::to_string(kMaxQueueTimeS));
  if (r.max_chats < 0 || r.max_chats > kMaxMaxChats)
    return Error::invalid("max_chats must be between 0 and " + std::to_string(kMaxMaxChats));
  if ((r.max_chats_count & ~kKnownCountBits) != 0)
    return Error::invalid("max_chats_count contains an unknown status");
  if (r.max_chats > 0 && r.max_chats_count == 0)
    return Error::invalid("max_chats_count must name at least one status when max_chats is set");
  return {};
}

Status validate_queue(const std::vector<EmployeeId>& queue) {
  if (queue.size() > kMaxQueueLength)
    return Error::invalid("queue is too long (" + std::to_string(kMaxQueueLength) +
                          " operators at most)");
  std::unordered_set<EmployeeId> seen;
  for (EmployeeId id : queue) {
    if (!id.is_valid()) return Error::invalid("queue contains an invalid employee id");
    if (!seen.insert(id).second)
      return Error::invalid("queue lists employee " + std::to_string(id.get()) + " twice");
  }
  return {};
}

Status validate_channel_name(std::string_view name) {
  return validate_display_name(name, "name");
}

Status validate_webhook_url(std::string_view url) {
  if (url.empty()) return {};
  if (url.size() > kMaxUrlLength)
    return Error::invalid("webhook_url is too long (" + std::to_string(kMaxUrlLength) +
                          " bytes at most)");
  if (url.find(' ') != std::string_view::npos || text::has_control_chars(url))
    return Error::invalid("webhook_url contains spaces or control characters");
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return Error::invalid("webhook_url is not a valid URL");
  const auto& u = *parsed;
  if (!is_http_scheme(u)) return Error::invalid("webhook_url must be an http or https URL");
  if (!u.has_authority() || u.encoded_host().empty())
    return Error::invalid("webhook_url must have a host");
  // Credentials in the URL would end up in logs and in the admin UI.
  if (u.has_userinfo()) return Error::invalid("webhook_url must not contain user info");
  if (!port_ok(u)) return Error::invalid("webhook_url has an invalid port");
  if (u.has_fragment()) return Error::invalid("webhook_url must not contain a fragment");
  return {};
}

Status validate_origins(const std::vector<std::string>& origins) {
  if (origins.size() > kMaxOrigins)
    return Error::invalid("allowed_origins has too many entries (" + std::to_string(kMaxOrigins) +
                          " at most)");
  for (std::size_t i = 0; i < origins.size(); ++i) {
    const std::string& o = origins[i];
    if (o == "*") {
      if (origins.size() != 1)
        return Error::invalid("allowed_origins: \"*\" must be the only entry");
      continue;
    }
    // The index, not the value: the value may be huge or not UTF-8.
    if (!is_origin(o))
      return Error::invalid("allowed_origins[" + std::to_string(i) +
                            "] is not a lower-case origin like https://example.com[:port]");
  }
  return {};
}

namespace {
// Free text shown to visitors: UTF-8, no control characters but line breaks, bounded.
Status validate_widget_text(std::string_view t, std::size_t max, const std::string& what,
                            bool required) {
  if (required && text::trim(t).empty()) return Error::invalid("widget." + what + " is required");
  if (t.size() > max)
    return Error::invalid("widget." + what + " is too long (" + std::to_string(max) +
                          " bytes at most)");
  if (!text::valid_utf8(t)) return Error::invalid("widget." + what + " is not valid UTF-8");
  for (unsigned char ch : t)
    if ((ch < 0x20 && ch != '\n') || ch == 0x7f)
      return Error::invalid("widget." + what + " contains control characters");
  return {};
}
}  // namespace

Status validate_widget(const WidgetSettings& w) {
  if (Status s = validate_widget_text(w.title, kMaxWidgetTitle, "title", true); !s.ok()) return s;
  if (w.title.find('\n') != std::string::npos)
    return Error::invalid("widget.title must be one line");
  if (Status s = validate_widget_text(w.greeting, kMaxWidgetGreeting, "greeting", false); !s.ok())
    return s;
  if (Status s = validate_widget_text(w.consent_text, kMaxConsentText, "consent_text",
                                      w.consent_required);
      !s.ok())
    return s;
  const bool hex = w.color.size() == 7 && w.color[0] == '#' &&
                   std::all_of(w.color.begin() + 1, w.color.end(), [](char c) {
                     return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                   });
  if (!hex) return Error::invalid("widget.color must be a lower-case #rrggbb colour");
  if ((w.prechat_fields & ~(kPrechatName | kPrechatEmail | kPrechatPhone)) != 0)
    return Error::invalid("widget.prechat_fields has an unknown field");
  if (w.prechat_required && w.prechat_fields == 0)
    return Error::invalid("widget.prechat_required needs at least one prechat field");
  return {};
}

bool origin_allowed(const Channel& c, std::string_view origin) {
  if (c.allowed_origins.empty()) return true;
  return std::any_of(c.allowed_origins.begin(), c.allowed_origins.end(),
                     [&](const std::string& o) { return o == "*" || iequals(o, origin); });
}

}  // namespace omniline::domain
