#include "api/realtime.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace omniline::api {
namespace json = boost::json;

void RealtimeConnection::reply(const std::string& type, const std::string& data_json) {
  send_(std::make_shared<const std::string>("{\"seq\":0,\"type\":\"" + type +
                                            "\",\"data\":" + data_json + "}"));
}

std::shared_ptr<const std::string> RealtimeConnection::visible_locked(
    const events::Frame& frame) {
  const std::string& type = frame.record.type;
  if (type != "line.updated" && type != "line.deleted")
    return events::visible_frame(viewer_, frame);
  const auto before = viewer_.lines;
  auto text = events::visible_frame(viewer_, frame);
  if (lines_changed_ && viewer_.lines != before) lines_changed_(viewer_.lines);
  return text;
}

void RealtimeConnection::on_lines_changed(LinesFn fn) {
  std::lock_guard lock(mu_);
  lines_changed_ = std::move(fn);
}

void RealtimeConnection::deliver_locked(const events::Frame& frame) {
  const std::int64_t seq = frame.record.seq;
  if (seq > sent_from_ && seq <= last_sent_) return;  // already sent
  auto text = visible_locked(frame);
  if (seq > last_sent_) last_sent_ = seq;
  if (text) send_(std::move(text));
}

void RealtimeConnection::start(const std::string& hello_fields) {
  auto last = store_.read_value<std::int64_t>(
      [](store::ReadTx& tx) { return tx.last_event_seq(); });
  std::lock_guard lock(mu_);
  // Live events start after this seq; those committed earlier are what resume is for.
  last_sent_ = sent_from_ = last.ok() ? *last : 0;
  json::value v = json::parse(hello_fields);
  v.as_object()["last_seq"] = last_sent_;
  reply("hello", json::serialize(v));
  for (const auto& frame : pending_)
    if (frame->record.seq > last_sent_) deliver_locked(*frame);
  pending_.clear();
  replaying_ = false;
  started_ = true;
}

void RealtimeConnection::on_event(const events::FramePtr& frame) {
  std::lock_guard lock(mu_);
  const std::int64_t seq = frame->record.seq;
  if (seq == 0) {  // ephemeral: now or never (and never before hello)
    if (!started_) return;
    if (auto text = visible_locked(*frame)) send_(std::move(text));
    return;
  }
  if (replaying_) {
    if (pending_.size() >= max_replay_) {
      overflow_ = true;
      return;
    }
    pending_.push_back(frame);
    return;
  }
  if (seq <= last_sent_) return;  // committed before hello: resume's business
  deliver_locked(*frame);
}

void RealtimeConnection::resume(std::int64_t after) {
  {
    std::lock_guard lock(mu_);
    if (replaying_) return;
    replaying_ = true;
    pending_.clear();
    overflow_ = false;
  }
  // What was committed after `after`: from the hub's recent window when it holds all of it,
  // else from the store. Anything published meanwhile waits in pending_.
  std::vector<events::FramePtr> recent;
  if (recent_ != nullptr && recent_->recent_after(after, max_replay_, recent)) {
    std::lock_guard lock(mu_);
    finish_resume_locked(after, recent, false);
    return;
  }
  std::vector<domain::EventRecord> replay;
  bool too_old = false;
  Status st = store_.read([&](store::ReadTx& tx) -> Status {
    auto first = tx.first_event_seq();
    if (!first.ok()) return first.error();
    auto last = tx.last_event_seq();
    if (!last.ok()) return last.error();
    if (after < 0 || after > *last || (*first > 0 && after + 1 < *first) ||
        static_cast<std::size_t>(*last - after) > max_replay_) {
      too_old = true;  // gone from the log, or a seq from another database
      return {};
    }
    auto events = tx.events_after(after, static_cast<int>(max_replay_));
    if (!events.ok()) return events.error();
    replay = std::move(*events);
    return {};
  });
  std::vector<events::FramePtr> frames;
  frames.reserve(replay.size());
  for (auto& rec : replay)
    if (rec.seq > after) frames.push_back(events::make_frame(std::move(rec)));
  std::lock_guard lock(mu_);
  finish_resume_locked(after, frames, !st.ok() || too_old);
}

void RealtimeConnection::finish_resume_locked(std::int64_t after,
                                              const std::vector<events::FramePtr>& replay,
                                              bool failed) {
  replaying_ = false;
  if (failed || overflow_) {
    pending_.clear();
    reply("resync_required", R"({"reason":"the missed events are no longer available; reload"})");
    return;
  }
  for (const auto& frame : replay) deliver_locked(*frame);
  for (const auto& frame : pending_) deliver_locked(*frame);
  pending_.clear();
  if (after < sent_from_) sent_from_ = after;
  reply("resumed", "{\"seq\":" + std::to_string(last_sent_) + "}");
}

void RealtimeConnection::on_client_message(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) {
    reply("error", R"({"code":"invalid_request","message":"malformed JSON message"})");
    return;
  }
  const json::object& o = v.as_object();
  std::string type;
  if (auto* t = o.if_contains("type"); t && t->is_string()) type = std::string(t->as_string());
  if (type == "ping") {
    send_(std::make_shared<const std::string>(R"({"type":"pong"})"));
  } else if (type == "resume") {
    auto* s = o.if_contains("seq");
    if (!s || !s->is_int64()) {
      reply("error", R"({"code":"invalid_request","message":"resume needs an integer seq"})");
      return;
    }
    resume(s->as_int64());
  } else if (type == "typing") {
    auto* d = o.if_contains("dialog_id");
    std::int64_t id = d && d->is_int64() ? d->as_int64() : 0;
    if (!typing_) return;
    Status st = typing_(id);
    if (!st.ok()) {
      json::object err{{"code", error_code_name(st.error().code)}, {"message", st.error().message}};
      reply("error", json::serialize(err));
    }
  } else {
    reply("error", R"({"code":"invalid_request","message":"unknown message type"})");
  }
}

}  // namespace omniline::api
