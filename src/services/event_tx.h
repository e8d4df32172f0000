// Writing state and its events in one transaction, and publishing the events only after the
// commit is durable — so a client never sees an event for something that could still be lost,
// and the event log (for resume) always matches the data.
#pragma once

#include <functional>
#include <vector>

#include "common/result.h"
#include "domain/event_record.h"
#include "events/hub.h"
#include "store/store.h"

namespace omniline::services {

// Collects the events of one write transaction; each is stored (getting its seq) at once.
class TxEvents {
 public:
  explicit TxEvents(store::WriteTx& tx) : tx_(tx) {}
  Status emit(domain::EventRecord e);
  std::vector<domain::EventRecord>& events() { return events_; }

 private:
  store::WriteTx& tx_;
  std::vector<domain::EventRecord> events_;
};

using EventWriteFn = std::function<Status(store::WriteTx&, TxEvents&)>;

// Runs fn in a write transaction and waits for the commit. On success the events are published
// to `hub` from the writer thread (commit order) before this returns. Blocks: workers only.
Status write_with_events(store::Store& store, events::Hub& hub, EventWriteFn fn);

// Same, without waiting: `done` gets the status after the events were published.
void submit_with_events(store::Store& store, events::Hub& hub, EventWriteFn fn,
                        std::function<void(Status)> done);

}  // namespace omniline::services
