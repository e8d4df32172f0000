// Which employees are online: connected to the workspace by at least one realtime connection.
// In memory (a restart starts everyone offline; their browsers reconnect). Thread-safe.
#pragma once

#include <functional>
#include <mutex>
#include <unordered_map>

#include "common/ids.h"

namespace omniline::services {

class Presence {
 public:
  // Called (outside the lock) when an employee goes online (first connection) or offline
  // (last connection gone). Set before connections arrive.
  using Observer = std::function<void(EmployeeId, bool online)>;
  void set_observer(Observer o) { observer_ = std::move(o); }

  void connected(EmployeeId id);
  void disconnected(EmployeeId id);
  bool online(EmployeeId id) const;

 private:
  Observer observer_;
  mutable std::mutex mu_;
  std::unordered_map<EmployeeId, int> connections_;
};

}  // namespace omniline::services
