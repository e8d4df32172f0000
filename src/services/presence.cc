#include "services/presence.h"

namespace omniline::services {

void Presence::connected(EmployeeId id) {
  bool first = false;
  {
    std::lock_guard lock(mu_);
    first = ++connections_[id] == 1;
  }
  if (first && observer_) observer_(id, true);
}

void Presence::disconnected(EmployeeId id) {
  bool last = false;
  {
    std::lock_guard lock(mu_);
    auto it = connections_.find(id);
    if (it == connections_.end()) return;
    if (--it->second == 0) {
      connections_.erase(it);
      last = true;
    }
  }
  if (last && observer_) observer_(id, false);
}

bool Presence::online(EmployeeId id) const {
  std::lock_guard lock(mu_);
  return connections_.contains(id);
}

}  // namespace omniline::services
