#include "services/rate_limiter.h"

namespace omniline::services {

UnixMs FailureLimiter::blocked_for(const std::string& key, UnixMs now) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return 0;
  const Entry& e = it->second;
  UnixMs end = e.window_start + window_ms_;
  if (now >= end || e.failures < max_failures_) return 0;
  return end - now;
}

void FailureLimiter::record_failure(const std::string& key, UnixMs now) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (entries_.size() >= max_keys_) evict_expired(now);
    if (entries_.size() >= max_keys_) entries_.erase(entries_.begin());  // still full: drop one
    entries_.emplace(key, Entry{now, 1});
    return;
  }
  Entry& e = it->second;
  if (now >= e.window_start + window_ms_) {
    e = Entry{now, 1};
  } else {
    ++e.failures;
  }
}

void FailureLimiter::reset(const std::string& key) {
  std::lock_guard lock(mu_);
  entries_.erase(key);
}

std::size_t FailureLimiter::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

void FailureLimiter::evict_expired(UnixMs now) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (now >= it->second.window_start + window_ms_)
      it = entries_.erase(it);
    else
      ++it;
  }
}

}  // namespace omniline::services
