// /api/v1/realtime: one WebSocket per browser tab. A bounded outbound queue with one write in
// flight; a reader too slow to keep up is disconnected rather than allowed to grow memory.
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <list>

#include "http/detail.h"

namespace omniline::http::detail {

namespace {

namespace json = boost::json;

class WsSession : public Closable, public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(std::shared_ptr<Shared> shared, beast::tcp_stream stream,
            std::shared_ptr<api::RealtimeSession> session)
      : shared_(std::move(shared)), ws_(std::move(stream)), session_(std::move(session)) {}

  ~WsSession() override {
    session_->closed();
    shared_->remove(id_);
    --shared_->metrics.open_websockets;
    --shared_->metrics.open_connections;
  }

  void start(bhttp::request<bhttp::string_body> upgrade) {
    ++shared_->metrics.open_connections;
    ++shared_->metrics.open_websockets;
    id_ = shared_->add(weak_from_this());
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(bhttp::field::server, "omniline"); }));
    ws_.read_message_max(shared_->config.ws_message_limit);
    asio::co_spawn(ws_.get_executor(), run(shared_from_this(), std::move(upgrade)), asio::detached);
  }

  // Queues a message (any thread). Over the queue limit the connection is closed.
  void send(std::shared_ptr<const std::string> msg) {
    asio::post(ws_.get_executor(), [self = shared_from_this(), msg = std::move(msg)]() mutable {
      self->enqueue(std::move(msg));
    });
  }

  void begin_close() override {
    asio::post(ws_.get_executor(), [self = shared_from_this()] {
      self->close(websocket::close_code::going_away, "server shutting down");
    });
  }

 private:
  static asio::awaitable<void> run(std::shared_ptr<WsSession> self,
                                   bhttp::request<bhttp::string_body> upgrade) {
    boost::system::error_code aec;
    {
      // The upgrade request lives in the coroutine frame as long as the socket: keep only its
      // moved-from shell, not the browser's headers (memory per idle connection).
      auto req = std::move(upgrade);
      std::tie(aec) = co_await self->ws_.async_accept(req, asio::as_tuple(asio::use_awaitable));
    }
    if (aec) co_return;
    self->accepted_ = true;
    {
      // Subscribe and say hello on a worker (it reads storage); client messages wait for it.
      std::weak_ptr<WsSession> weak = self;
      api::RealtimeSession* session = self->session_.get();
      auto open_task = on_workers<bool>(*self->shared_, [session, weak]() {
        session->open([weak](std::shared_ptr<const std::string> msg) {
          if (auto s = weak.lock()) s->send(std::move(msg));
        });
        return true;
      });
      co_await std::move(open_task);
    }
    if (self->shared_->draining)
      self->close(websocket::close_code::going_away, "server shutting down");

    beast::flat_buffer buf;
    for (;;) {
      auto [ec, n] = co_await self->ws_.async_read(buf, asio::as_tuple(asio::use_awaitable));
      (void)n;
      if (ec) break;  // closed, timed out, message too big, cancelled
      auto text = std::make_shared<const std::string>(beast::buffers_to_string(buf.data()));
      buf.consume(buf.size());
      self->on_message(text);
    }
  }

  // Client messages are handled on a worker (resume reads storage), one at a time per
  // connection so that their order holds.
  void on_message(std::shared_ptr<const std::string> text) {
    if (inbox_.size() >= kMaxInbox) {
      close(websocket::close_code::policy_error, "too many messages");
      return;
    }
    inbox_.push_back(std::move(text));
    if (!handling_) handle_next();
  }

  void handle_next() {
    if (inbox_.empty()) {
      handling_ = false;
      return;
    }
    handling_ = true;
    auto text = std::move(inbox_.front());
    inbox_.pop_front();
    asio::post(shared_->workers, [self = shared_from_this(), text = std::move(text)]() {
      self->session_->on_client_message(*text);
      asio::post(self->ws_.get_executor(), [self]() { self->handle_next(); });
    });
  }

  void enqueue(std::shared_ptr<const std::string> msg) {
    if (closing_) return;
    if (queue_.size() >= shared_->config.ws_queue_limit) {
      spdlog::warn("websocket of {}: outbound queue full, disconnecting", session_->who());
      close(websocket::close_code::policy_error, "too slow");
      return;
    }
    queue_.push_back(std::move(msg));
    if (!writing_) write_next();
  }

  void write_next() {
    if (queue_.empty() || !accepted_) {
      writing_ = false;
      if (close_pending_) do_close();
      return;
    }
    writing_ = true;
    ws_.text(true);
    ws_.async_write(asio::buffer(*queue_.front()),
                    [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                      if (!self->queue_.empty()) self->queue_.pop_front();
                      if (ec) {
                        self->queue_.clear();
                        self->writing_ = false;
                        return;
                      }
                      self->write_next();
                    });
  }

  void close(websocket::close_code code, const char* reason) {
    if (closing_) return;
    closing_ = true;
    close_reason_ = websocket::close_reason(code, reason);
    // Drop what is queued, but never the message a write in flight is still sending.
    while (queue_.size() > (writing_ ? 1u : 0u)) queue_.pop_back();
    if (writing_ || !accepted_) {
      close_pending_ = true;  // after the write in flight (or never, if not yet accepted)
      if (!accepted_) beast::get_lowest_layer(ws_).cancel();
      return;
    }
    do_close();
  }

  void do_close() {
    close_pending_ = false;
    ws_.async_close(close_reason_, [self = shared_from_this()](boost::system::error_code) {});
  }

  std::shared_ptr<Shared> shared_;
  websocket::stream<beast::tcp_stream> ws_;
  std::shared_ptr<api::RealtimeSession> session_;
  std::uint64_t id_ = 0;
  static constexpr std::size_t kMaxInbox = 64;
  // std::list, not std::deque: an empty libstdc++ deque already holds ~600 bytes, and an idle
  // connection's queues are empty.
  std::list<std::shared_ptr<const std::string>> inbox_;  // strand only
  bool handling_ = false;                                  // strand only
  // Touched only on the strand:
  std::list<std::shared_ptr<const std::string>> queue_;
  bool writing_ = false;
  bool accepted_ = false;
  bool closing_ = false;
  bool close_pending_ = false;
  websocket::close_reason close_reason_;
};

}  // namespace

void start_websocket(std::shared_ptr<Shared> shared, beast::tcp_stream stream,
                     bhttp::request<bhttp::string_body> upgrade,
                     std::shared_ptr<api::RealtimeSession> session) {
  auto s = std::make_shared<WsSession>(std::move(shared), std::move(stream), std::move(session));
  s->start(std::move(upgrade));
}

}  // namespace omniline::http::detail
