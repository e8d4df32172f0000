// The realtime protocol of one WebSocket (/api/v1/realtime for employees,
// /api/v1/widget/realtime for customers), independent of the transport:
//  - server → client: {"seq":0,"type":"hello","data":{…,"last_seq":N}}, then events
//    {"seq":N,"type":"message.created","data":{…}} in seq order; ephemeral events (typing,
//    presence) have seq 0.
//  - client → server: {"type":"resume","seq":N} replays every event after N the viewer may
//    see from the persisted log, then continues live without a gap or a duplicate; when N is
//    older than the log keeps, {"type":"resync_required"} tells the client to reload.
//    {"type":"typing","dialog_id":N}, {"type":"ping"} → {"type":"pong"}.
// Thread-safe: events arrive on the publishing thread, client messages on a worker.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "events/hub.h"
#include "store/store.h"

namespace omniline::api {

class RealtimeConnection : public events::Subscriber,
                           public std::enable_shared_from_this<RealtimeConnection> {
 public:
  // `send` queues one text frame (must not block); `typing` handles a typing notice.
  using SendFn = std::function<void(std::shared_ptr<const std::string>)>;
  using TypingFn = std::function<Status(std::int64_t dialog_id)>;
  // Told the viewer's lines whenever a line change it receives (live or replayed) alters them,
  // so the hub's index keeps offering this connection the events of its lines.
  using LinesFn = std::function<void(const std::unordered_set<std::int64_t>&)>;

  RealtimeConnection(events::Viewer viewer, store::Store& store, SendFn send, TypingFn typing,
                     std::size_t max_replay = 10000)
      : viewer_(std::move(viewer)), store_(store), send_(std::move(send)),
        typing_(std::move(typing)), max_replay_(max_replay) {}

  // Sends hello with the newest seq; live events flow from here on. `hello_data` is a JSON
  // object text with the viewer's identity.
  void start(const std::string& hello_fields);
  // Before start().
  void on_lines_changed(LinesFn fn);
  // Before start(): resume from the hub's recent window when it holds what was missed.
  void use_recent(const events::Hub* hub) { recent_ = hub; }
  void on_event(const events::FramePtr& frame) override;
  // One message from the client. May block on storage (resume): call on a worker.
  void on_client_message(const std::string& text);

 private:
  void resume(std::int64_t after);
  // The end of a resume: sends the replayed frames (seq order), then those held meanwhile, or
  // resync_required when the replay `failed` or overflowed; caller holds mu_.
  void finish_resume_locked(std::int64_t after, const std::vector<events::FramePtr>& replay,
                            bool failed);
  void reply(const std::string& type, const std::string& data_json);
  // Sends a durable event unless already sent; caller holds mu_.
  void deliver_locked(const events::Frame& frame);
  // visible_frame() for this viewer, reporting a change of its lines; caller holds mu_.
  std::shared_ptr<const std::string> visible_locked(const events::Frame& frame);

  std::mutex mu_;
  events::Viewer viewer_;         // guarded by mu_ (line membership changes with events)
  // Guarded: every visible event with seq in (sent_from_, last_sent_] has been sent.
  std::int64_t sent_from_ = 0;
  std::int64_t last_sent_ = 0;
  bool replaying_ = true;  // guarded: live events are held in pending_ (until hello, resumes)
  std::vector<events::FramePtr> pending_;
  bool started_ = false;  // guarded: hello was sent
  bool overflow_ = false;
  store::Store& store_;
  SendFn send_;
  TypingFn typing_;
  LinesFn lines_changed_;  // guarded
  const events::Hub* recent_ = nullptr;
  const std::size_t max_replay_;
};

}  // namespace omniline::api

namespace omniline::api {

// One accepted realtime WebSocket as the api layer sees it; the http layer only moves text.
class RealtimeSession {
 public:
  virtual ~RealtimeSession() = default;
  // Subscribes to events and sends hello. Once, on a worker, before any client message.
  virtual void open(RealtimeConnection::SendFn send) = 0;
  // One text message from the client; on a worker (may block on storage).
  virtual void on_client_message(const std::string& text) = 0;
  // The socket is gone (any thread; must not block).
  virtual void closed() = 0;
  virtual std::string who() const = 0;  // for logs: "employee 3" / "customer 12"
};

}  // namespace omniline::api
