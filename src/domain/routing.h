// Routing policy: which operator of a line's queue gets a session. Pure; the routing service
// gathers the facts (presence, load, last assignment) inside a write transaction and applies
// the decision there, so a session is never given to two operators.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"
#include "domain/line.h"

namespace omniline::domain {

// One operator of the line's queue, as routing sees them now.
struct Candidate {
  EmployeeId id;
  bool active = true;   // an active employee account
  bool online = false;  // connected to the workspace
  bool away = false;    // set themselves away
  int open_count = 0;   // open sessions that count toward max_chats (per the line's settings)
  UnixMs last_assigned_at = 0;  // on this line; 0 = never
};

// Whether routing may offer a session to `c` at all (active; available if the line requires it;
// below max_chats).
bool eligible(const RoutingSettings& settings, const Candidate& c);

// The operator to offer a session to: `queue` in queue order, `tried` are operators already
// offered it in this round (skipped over). nullopt when nobody eligible is left, and always for
// mode `all` (the session then waits in the line's queue, visible to every operator of it).
// evenly: the eligible one with the smallest last_assigned_at (ties: queue order);
// strictly: the first eligible one in queue order.
std::optional<EmployeeId> pick_operator(const RoutingSettings& settings,
                                        std::span<const Candidate> queue,
                                        std::span<const EmployeeId> tried);

// Passing a session on (queue time elapsed, or skipped) from `current`: the next pick with
// `current` added to `tried`; when that leaves nobody, a new round starts (tried = {current})
// and the queue is tried again from its start without `current`. Returns the new `tried` list
// and the pick (nullopt: nobody; the session waits unassigned in the line's queue).
struct PassDecision {
  std::optional<EmployeeId> next;
  std::vector<EmployeeId> tried;
};
PassDecision pass_to_next(const RoutingSettings& settings, std::span<const Candidate> queue,
                          std::span<const EmployeeId> tried, EmployeeId current);

}  // namespace omniline::domain
