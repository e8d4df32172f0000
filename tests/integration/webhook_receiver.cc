#include "webhook_receiver.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

namespace omniline::testing {

namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

constexpr std::size_t kBodyLimit = 64 * 1024 * 1024;
constexpr auto kReadTimeout = std::chrono::seconds(60);
constexpr auto kWriteTimeout = std::chrono::seconds(30);
}  // namespace

std::string WebhookRequest::header(const std::string& lower) const {
  auto it = headers.find(lower);
  return it == headers.end() ? std::string() : it->second;
}

struct WebhookReceiver::Impl {
  // Shared state (declared first: destroyed after the I/O objects whose handlers use it).
  mutable std::mutex mu;
  mutable std::condition_variable cv;
  std::vector<WebhookRequest> requests;
  std::deque<WebhookReply> script;
  WebhookReply fallback;
  std::size_t answered = 0;
  std::size_t connections = 0;

  bool io_done = false;  // the I/O thread has returned (guarded by mu)

  unsigned short port = 0;
  std::unique_ptr<asio::io_context> ioc;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::thread thread;
  std::mutex stop_mu;

  // I/O thread only: what stop() must cancel so every coroutine ends on its own.
  struct Live {
    beast::tcp_stream* stream;
    asio::steady_timer* timer;
  };
  struct LiveGuard {
    std::set<Live*>& set;
    Live* live;
    ~LiveGuard() { set.erase(live); }
  };
  std::set<Live*> live;
  bool closing = false;

  void close_all() {
    closing = true;
    beast::error_code ec;
    if (acceptor) acceptor->close(ec);
    for (Live* l : live) {
      l->timer->cancel();
      l->stream->socket().close(ec);
    }
  }

  // Records the request and picks its reply.
  WebhookReply take(const bhttp::request<bhttp::string_body>& req) {
    WebhookRequest r;
    r.method = std::string(req.method_string());
    r.path = std::string(req.target());
    for (const auto& f : req) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers.emplace(std::move(name), std::string(f.value()));
    }
    r.body = req.body();
    WebhookReply reply;
    {
      std::lock_guard lk(mu);
      if (!script.empty()) {
        reply = std::move(script.front());
        script.pop_front();
      } else {
        reply = fallback;
      }
      r.status = reply.status;
      requests.push_back(std::move(r));
    }
    cv.notify_all();
    return reply;
  }

  // GCC 12: no temporaries with destructors inside a co_await expression (named locals only).
  asio::awaitable<void> serve(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    asio::steady_timer timer(stream.get_executor());
    Live self{&stream, &timer};
    live.insert(&self);
    LiveGuard guard{live, &self};
    beast::flat_buffer buffer;
    while (!closing) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.body_limit(kBodyLimit);
      stream.expires_after(kReadTimeout);
      auto [rec, rn] =
          co_await bhttp::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
      if (rec) break;
      const auto& req = parser.get();
      WebhookReply reply = take(req);
      if (reply.delay.count() > 0) {
        timer.expires_after(reply.delay);
        auto [tec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (tec || closing) break;
      }
      bhttp::response<bhttp::string_body> res;
      res.version(req.version());
      res.result(static_cast<unsigned>(reply.status));
      res.set(bhttp::field::server, "webhook-receiver");
      if (!reply.body.empty()) res.set(bhttp::field::content_type, "application/json");
      res.body() = reply.body;
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      stream.expires_after(kWriteTimeout);
      auto [wec, wn] =
          co_await bhttp::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
      if (wec) break;
      {
        std::lock_guard lk(mu);
        ++answered;
      }
      cv.notify_all();
      if (!res.keep_alive()) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor->async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor->is_open()) co_return;
        continue;  // e.g. too many open files: keep serving
      }
      if (closing) co_return;
      {
        std::lock_guard lk(mu);
        ++connections;
      }
      asio::co_spawn(*ioc, serve(std::move(socket)), asio::detached);
    }
  }
};

WebhookReceiver::WebhookReceiver() : impl_(std::make_unique<Impl>()) {
  auto& s = *impl_;
  s.ioc = std::make_unique<asio::io_context>(1);
  s.acceptor = std::make_unique<tcp::acceptor>(*s.ioc);
  const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  s.acceptor->open(ep.protocol());
  s.acceptor->set_option(asio::socket_base::reuse_address(true));
  s.acceptor->bind(ep);
  s.acceptor->listen();
  s.port = s.acceptor->local_endpoint().port();
  asio::co_spawn(*s.ioc, s.accept_loop(), asio::detached);
  s.thread = std::thread([&s] {
    for (;;) {
      try {
        s.ioc->run();  // returns once stop() has ended every coroutine (or stopped it)
        break;
      } catch (...) {
        // A handler threw (it should not): keep serving the others.
      }
    }
    {
      std::lock_guard lk(s.mu);
      s.io_done = true;
    }
    s.cv.notify_all();
  });
}

WebhookReceiver::~WebhookReceiver() {
  stop();
}

void WebhookReceiver::stop() {
  auto& s = *impl_;
  std::lock_guard stop_lock(s.stop_mu);
  if (!s.ioc) return;
  // Close the acceptor and every connection on the I/O thread; the coroutines then end and
  // run() runs out of work. Should one not end in time, stop the loop (its frame is destroyed
  // with the io_context).
  asio::post(*s.ioc, [&s] { s.close_all(); });
  {
    std::unique_lock lk(s.mu);
    if (!s.cv.wait_for(lk, std::chrono::seconds(5), [&] { return s.io_done; })) {
      lk.unlock();
      s.ioc->stop();
    }
  }
  if (s.thread.joinable()) s.thread.join();
  s.acceptor.reset();
  s.ioc.reset();
  s.cv.notify_all();
}

unsigned short WebhookReceiver::port() const {
  return impl_->port;
}

std::string WebhookReceiver::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(impl_->port) + path;
}

void WebhookReceiver::fail_next(std::size_t n, int status) {
  std::lock_guard lk(impl_->mu);
  for (std::size_t i = 0; i < n; ++i) impl_->script.push_back(WebhookReply{status, "{}", {}});
}

void WebhookReceiver::push_reply(WebhookReply reply) {
  std::lock_guard lk(impl_->mu);
  impl_->script.push_back(std::move(reply));
}

void WebhookReceiver::set_default_reply(WebhookReply reply) {
  std::lock_guard lk(impl_->mu);
  impl_->fallback = std::move(reply);
}

void WebhookReceiver::set_delay(std::chrono::milliseconds delay) {
  std::lock_guard lk(impl_->mu);
  impl_->fallback.delay = delay;
}

std::size_t WebhookReceiver::queued_replies() const {
  std::lock_guard lk(impl_->mu);
  return impl_->script.size();
}

std::vector<WebhookRequest> WebhookReceiver::requests() const {
  std::lock_guard lk(impl_->mu);
  return impl_->requests;
}

std::size_t WebhookReceiver::count() const {
  std::lock_guard lk(impl_->mu);
  return impl_->requests.size();
}

std::optional<WebhookRequest> WebhookReceiver::last() const {
  std::lock_guard lk(impl_->mu);
  if (impl_->requests.empty()) return std::nullopt;
  return impl_->requests.back();
}

std::size_t WebhookReceiver::answered() const {
  std::lock_guard lk(impl_->mu);
  return impl_->answered;
}

std::size_t WebhookReceiver::connections() const {
  std::lock_guard lk(impl_->mu);
  return impl_->connections;
}

bool WebhookReceiver::wait_for(std::size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lk(impl_->mu);
  return impl_->cv.wait_for(lk, timeout, [&] { return impl_->requests.size() >= count; });
}

bool WebhookReceiver::wait_answered(std::size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lk(impl_->mu);
  return impl_->cv.wait_for(lk, timeout, [&] { return impl_->answered >= count; });
}

void WebhookReceiver::clear() {
  std::lock_guard lk(impl_->mu);
  impl_->requests.clear();
  impl_->answered = 0;
  impl_->connections = 0;
}

}  // namespace omniline::testing
