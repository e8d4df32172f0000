// Fetching a file a channel points at by URL (the custom connector's message.files, later the
// messengers' file links): http(s) only, a size limit, a time limit, a few redirects, and never
// a private, loopback or link-local address unless the server allows it (SSRF). Blocking.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/result.h"

namespace omniline::services {

struct FetchLimits {
  std::size_t max_bytes = 25 * 1024 * 1024;
  std::chrono::milliseconds timeout{20000};
  int max_redirects = 3;
  bool allow_private = false;  // loopback, RFC 1918, link-local, CGNAT, ULA, …
};

struct Fetched {
  std::string bytes;
  std::string name;  // the last path segment of the final URL, percent-decoded ("" if none)
};

// Why a fetch failed, for callers that try some failures again (a Bot API file download).
enum class FetchFailure {
  kNone,
  kRefused,    // the URL's scheme or address is not allowed
  kTooLarge,   // over max_bytes
  kHttp,       // an HTTP error status that will not change (4xx other than 408/429)
  kTransient,  // a network failure, a timeout, 5xx, 408 or 429: another try may work
};

// Errors: invalid_request for a refused URL (scheme, private address, too large, an HTTP error
// status, a network failure), with a message that says which; `why`, when given, tells which.
Result<Fetched> fetch_url(std::string_view url, const FetchLimits& limits,
                          FetchFailure* why = nullptr);

// True for addresses a server-side fetch must not reach by default: IPv4 0/8, 10/8, 100.64/10,
// 127/8, 169.254/16, 172.16/12, 192.0.0/24, 192.168/16, 198.18/15, 224/4 and above; IPv6 ::,
// ::1, fc00::/7, fe80::/10, ff00::/8, and IPv4-mapped/compatible forms of the IPv4 ones.
// Anything unparsable counts as private.
bool is_private_address(std::string_view ip);

}  // namespace omniline::services
