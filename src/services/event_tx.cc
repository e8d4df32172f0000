#include "services/event_tx.h"

#include <future>
#include <memory>

namespace omniline::services {

Status TxEvents::emit(domain::EventRecord e) {
  auto seq = tx_.insert_event(e);
  if (!seq.ok()) return std::move(seq).take_error();
  e.seq = *seq;
  events_.push_back(std::move(e));
  return {};
}

void submit_with_events(store::Store& store, events::Hub& hub, EventWriteFn fn,
                        std::function<void(Status)> done) {
  // The events survive from fn (inside the batch) to done (after the commit).
  auto pending = std::make_shared<std::vector<domain::EventRecord>>();
  store.submit_write(
      [fn = std::move(fn), pending](store::WriteTx& tx) -> Status {
        TxEvents events(tx);
        Status st = fn(tx, events);
        if (st.ok()) *pending = std::move(events.events());
        return st;
      },
      [&hub, pending, done = std::move(done)](Status st) {
        if (st.ok()) hub.publish(std::move(*pending));
        if (done) done(std::move(st));
      });
}

Status write_with_events(store::Store& store, events::Hub& hub, EventWriteFn fn) {
  std::promise<Status> promise;
  auto future = promise.get_future();
  submit_with_events(store, hub, std::move(fn),
                     [&promise](Status st) { promise.set_value(std::move(st)); });
  return future.get();
}

}  // namespace omniline::services
