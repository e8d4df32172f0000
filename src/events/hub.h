// The in-process event bus: durable events (already committed, with a seq) and ephemeral ones
// (typing, presence; seq 0, never stored) go to the subscribed realtime connections, each of
// which keeps what its viewer may see. Who sees what is decided in one place: visible_frame().
// The hub only narrows who is asked: it indexes subscriptions by audience (admins, line, employee,
// customer), so an event reaches the few connections that may see it instead of all of them.
// It also keeps the most recent durable frames (bounded by bytes), so that a reconnecting client
// resumes from memory instead of reading and re-framing the event log.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/ids.h"
#include "domain/event_record.h"

namespace omniline::events {

// The owner of a realtime connection and what they may see.
struct Viewer {
  EmployeeId employee;    // staff connections
  bool sees_all = false;  // admins and supervisors see every line
  std::unordered_set<std::int64_t> lines;  // lines whose queue the employee is in
  CustomerId customer;    // customer (widget) connections
};

// An event serialised once for each audience: {"seq":N,"type":"…","data":{…}}.
struct Frame {
  domain::EventRecord record;  // audience fields; data strings are not used after framing
  std::shared_ptr<const std::string> staff;
  std::shared_ptr<const std::string> customer;  // nullptr: not for the customer
};
using FramePtr = std::shared_ptr<const Frame>;

FramePtr make_frame(domain::EventRecord record);

// The frame `viewer` may receive, or nullptr. Staff: everything for admins and supervisors;
// operators get events of their lines and events that list them (dialog members), plus events
// meant for all staff. Customers get only events of their own identity that carry customer
// data (hidden messages never do). Line changes update `viewer.lines`, so a connection follows
// the queue it is added to or removed from.
std::shared_ptr<const std::string> visible_frame(Viewer& viewer, const Frame& frame);

class Subscriber {
 public:
  virtual ~Subscriber() = default;
  // Called from the publishing thread; must not block.
  virtual void on_event(const FramePtr& frame) = 0;
};

class Hub {
 public:
  // recent_bytes: how much framed text the recent-frames window may hold (0: none).
  explicit Hub(std::size_t recent_bytes = kDefaultRecentBytes) : recent_cap_(recent_bytes) {}
  static constexpr std::size_t kDefaultRecentBytes = 32u << 20;

  // Durable events, already committed, in seq order. The store's writer thread calls this in
  // commit order, so subscribers see seq increasing.
  void publish(std::vector<domain::EventRecord> events);
  // Not stored and without seq (0).
  void publish_ephemeral(domain::EventRecord event);

  // A subscriber for `viewer`: it is offered the events visible_frame() may show that viewer
  // (a superset is fine; the subscriber filters). Keep its lines current with set_lines().
  std::uint64_t subscribe(std::weak_ptr<Subscriber> s, const Viewer& viewer);
  // A subscriber offered every event (tests, diagnostics).
  std::uint64_t subscribe(std::weak_ptr<Subscriber> s);
  // The subscriber's viewer now has these lines (after a line.updated / line.deleted it saw).
  void set_lines(std::uint64_t id, const std::unordered_set<std::int64_t>& lines);
  void unsubscribe(std::uint64_t id);
  std::size_t subscribers() const;

  // The durable frames with seq > `after`, oldest first, appended to `out` — when the recent
  // window holds every one of them published by this process and there are at most `max`.
  // False otherwise (the caller reads the store): `after` older than the window, newer than
  // the newest frame published, or nothing published yet.
  bool recent_after(std::int64_t after, std::size_t max, std::vector<FramePtr>& out) const;

 private:
  void remember(const std::vector<FramePtr>& frames);

  struct Entry {
    std::weak_ptr<Subscriber> sub;
    bool everything = false;
    bool staff = false;
    bool sees_all = false;
    std::int64_t employee = 0;
    std::int64_t customer = 0;
    std::unordered_set<std::int64_t> lines;
  };
  using Index = std::unordered_map<std::int64_t, std::unordered_set<std::uint64_t>>;

  // The live subscribers `record` should be offered, each once, in subscription order.
  std::vector<std::shared_ptr<Subscriber>> route(const domain::EventRecord& record,
                                                 bool customer_frame) const;
  static void drop(Index& index, std::int64_t key, std::uint64_t id);

  mutable std::mutex mu_;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, Entry> subs_;
  std::set<std::uint64_t> everything_, staff_, sees_all_;
  Index by_line_, by_employee_, by_customer_;

  // The recent window: frames in seq order; it holds every frame with seq > covered_after_.
  mutable std::mutex recent_mu_;
  const std::size_t recent_cap_;
  std::deque<FramePtr> recent_;
  std::size_t recent_bytes_ = 0;
  bool recent_known_ = false;  // something was published, so covered_after_ means something
  std::int64_t covered_after_ = 0;
  std::int64_t newest_ = 0;
};

}  // namespace omniline::events
