// A fixed-window failure counter per key (an account, an IP), bounded in memory.
// Thread-safe. Used to slow down password guessing: after `max_failures` failures inside
// `window_ms`, the key is blocked until the window that started with its first failure ends.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/clock.h"

namespace omniline::services {

class FailureLimiter {
 public:
  FailureLimiter(int max_failures, UnixMs window_ms, std::size_t max_keys = 100000)
      : max_failures_(max_failures), window_ms_(window_ms), max_keys_(max_keys) {}

  // Milliseconds until `key` may try again, 0 when it may try now.
  UnixMs blocked_for(const std::string& key, UnixMs now) const;
  void record_failure(const std::string& key, UnixMs now);
  void reset(const std::string& key);
  std::size_t size() const;

 private:
  struct Entry {
    UnixMs window_start = 0;
    int failures = 0;
  };
  void evict_expired(UnixMs now);  // requires mu_

  const int max_failures_;
  const UnixMs window_ms_;
  const std::size_t max_keys_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mu_
};

}  // namespace omniline::services
