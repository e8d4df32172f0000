// Wall-clock time as Unix milliseconds, and RFC 3339 formatting for the API.
#pragma once

#include <atomic>
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

// The time the services run on. The system clock in production; tests (and `serve
// --test-clock`) use an adjustable one, so timers are tested by moving time, not by sleeping.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual UnixMs now() const = 0;
};

class SystemClock final : public Clock {
 public:
  UnixMs now() const override { return now_ms(); }
};

// The system clock plus an offset that only grows (thread-safe).
class AdjustableClock final : public Clock {
 public:
  UnixMs now() const override { return now_ms() + offset_.load(); }
  void advance(UnixMs ms) { offset_ += ms; }

 private:
  std::atomic<UnixMs> offset_{0};
};

}  // namespace omniline
