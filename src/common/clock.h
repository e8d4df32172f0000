// Wall-clock time as Unix milliseconds, and RFC 3339 formatting for the API.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace omniline {

using UnixMs = std::int64_t;

UnixMs now_ms();
// "2026-11-25T12:00:00.123Z"
std::string format_rfc3339(UnixMs t);
// Accepts "YYYY-MM-DDTHH:MM:SS[.fff]Z"; nullopt for anything else.
std::optional<UnixMs> parse_rfc3339(std::string_view s);

}  // namespace omniline
