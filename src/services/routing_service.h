// The routing engine: offers sessions to operators by each line's rules, passes them on when
// the queue time runs out, and reacts when operators come online, go away or free a slot.
//
// Every decision is made inside a write transaction (assign/pass_on take the caller's
// transaction), and all writes go through the store's single writer, so a session is never
// given to two operators. Deadlines are stored on the session, so a restart keeps them.
// Triggers (line_changed, employee_changed, tick) are queued for one background thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "common/clock.h"
#include "domain/dialog.h"
#include "domain/line.h"
#include "domain/routing.h"
#include "events/hub.h"
#include "services/event_tx.h"
#include "services/presence.h"
#include "store/store.h"

namespace omniline::services {

class RoutingService {
 public:
  RoutingService(store::Store& store, events::Hub& hub, Presence& presence, const Clock& clock)
      : store_(store), hub_(hub), presence_(presence), clock_(clock) {}
  ~RoutingService() { stop(); }

  // --- inside a write transaction (s and d are written) ---
  // Offers an unassigned new/skipped session to an operator of its line, if one is eligible;
  // otherwise it stays in the line's queue.
  Status assign(store::WriteTx& tx, TxEvents& ev, domain::Session& s, domain::Dialog& d);
  // For a session that just joined its line's queue: sessions waiting longer are offered
  // first (first come, first served), then this one if an operator is still eligible.
  Status assign_in_order(store::WriteTx& tx, TxEvents& ev, domain::Session& s, domain::Dialog& d);
  // Passes the session on from its current operator (queue time over, or skipped).
  Status pass_on(store::WriteTx& tx, TxEvents& ev, domain::Session& s, domain::Dialog& d);
  // Gives the session to `employee` (answer, take over, forward, pinned return): operator,
  // membership, last assignment time on the line.
  Status set_operator(store::WriteTx& tx, domain::Session& s, EmployeeId employee);

  // Sets the employee away (or back), tells everyone and re-routes their lines. Blocking.
  Status set_away(EmployeeId employee, bool away);
  // Ephemeral presence event for all staff: {"employee_id", "online"} or {"employee_id","away"}.
  void publish_presence(EmployeeId employee, std::optional<bool> online, std::optional<bool> away);

  // --- triggers, any thread, never block ---
  void line_changed(LineId line);
  void employee_changed(EmployeeId employee);  // online/offline/away, or freed a slot
  void tick();                                 // check deadlines now

  // Runs queued triggers and ticks every `tick_ms` on a background thread.
  void start(int tick_ms = 1000);
  void stop();
  // Waits until every trigger queued so far has been handled (tests, the test clock).
  void drain();

 private:
  struct Task {
    enum Kind { kLine, kEmployee, kTick } kind;
    std::int64_t id = 0;
  };
  void push(Task t);
  void run(int tick_ms);
  void handle(const Task& t);
  Status route_line(LineId line);
  Status run_due_offers();
  Result<std::vector<domain::Candidate>> candidates(store::ReadTx& tx, const domain::Line& line);

  store::Store& store_;
  events::Hub& hub_;
  Presence& presence_;
  const Clock& clock_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::deque<Task> tasks_;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace omniline::services
