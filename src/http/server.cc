#include "http/server.h"

#include <spdlog/spdlog.h>

#include <thread>
#include <vector>

#include "http/detail.h"

namespace omniline::http {

using namespace detail;  // NOLINT: the http/ internals

std::uint64_t Shared::add(std::weak_ptr<Closable> c) {
  std::lock_guard lock(mu_);
  auto id = next_id_++;
  open_.emplace(id, std::move(c));
  return id;
}

void Shared::remove(std::uint64_t id) {
  std::lock_guard lock(mu_);
  open_.erase(id);
}

void Shared::close_all() {
  std::vector<std::shared_ptr<Closable>> live;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, w] : open_)
      if (auto s = w.lock()) live.push_back(std::move(s));
  }
  for (auto& s : live) s->begin_close();  // outside the lock: it posts to the connection's strand
}

struct Server::Impl {
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  asio::signal_set signals{ioc, SIGINT, SIGTERM};
  std::shared_ptr<Shared> shared;
  std::uint16_t port = 0;
  std::atomic<bool> stopping{false};
  asio::steady_timer drain_timer{ioc};
  std::chrono::steady_clock::time_point drain_deadline;

  Impl(ServerConfig config, api::Api& api, metrics::Registry& metrics)
      : shared(std::make_shared<Shared>(std::move(config), api, metrics)) {}

  asio::awaitable<void> accept_loop() {
    for (;;) {
      // A named strand: no temporaries with destructors inside co_await (GCC 12 bug).
      auto strand = asio::make_strand(ioc);
      auto [ec, socket] =
          co_await acceptor.async_accept(strand, asio::as_tuple(asio::use_awaitable));
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
        // Out of file descriptors and similar: log, back off a little, keep serving.
        spdlog::warn("accept failed: {}", ec.message());
        asio::steady_timer t(ioc, std::chrono::milliseconds(50));
        co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
        continue;
      }
      if (shared->draining || shared->metrics.open_connections.load() >=
                                  static_cast<std::int64_t>(shared->config.max_connections)) {
        ++shared->metrics.rejected_connections;
        boost::system::error_code ignored;
        socket.close(ignored);
        continue;
      }
      auto ex = socket.get_executor();
      asio::co_spawn(ex, run_http_session(shared, std::move(socket)), asio::detached);
    }
  }

  void begin_shutdown() {
    if (stopping.exchange(true)) return;
    spdlog::info("shutting down: no new connections; finishing requests (up to {} s)",
                 shared->config.shutdown_grace.count());
    shared->draining = true;
    boost::system::error_code ignored;
    acceptor.close(ignored);
    signals.cancel(ignored);
    shared->close_all();
    drain_deadline = std::chrono::steady_clock::now() + shared->config.shutdown_grace;
    wait_drained();
  }

  void wait_drained() {
    if (shared->metrics.open_connections.load() <= 0 ||
        std::chrono::steady_clock::now() >= drain_deadline) {
      if (shared->metrics.open_connections.load() > 0)
        spdlog::warn("shutdown grace over: cutting {} connections",
                     shared->metrics.open_connections.load());
      ioc.stop();
      return;
    }
    // Connections that became idle after the first sweep are closed on the next one.
    shared->close_all();
    drain_timer.expires_after(std::chrono::milliseconds(20));
    drain_timer.async_wait([this](boost::system::error_code) { wait_drained(); });
  }
};

Server::Server(ServerConfig config, api::Api& api, metrics::Registry& metrics)
    : impl_(std::make_unique<Impl>(std::move(config), api, metrics)) {}

Server::~Server() {
  impl_->shared->workers.join();
}

Status Server::start() {
  auto& cfg = impl_->shared->config;
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(cfg.host, ec);
  if (ec) return Error::invalid("bad listen address '" + cfg.host + "': " + ec.message());
  tcp::endpoint ep(addr, cfg.port);
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return Error::unavailable("cannot listen on " + cfg.host + ":" + std::to_string(cfg.port) +
                              ": " + ec.message());
  impl_->port = a.local_endpoint().port();
  return {};
}

std::uint16_t Server::port() const {
  return impl_->port;
}

void Server::run() {
  Impl& im = *impl_;
  asio::co_spawn(im.ioc, im.accept_loop(), asio::detached);
  im.signals.async_wait([&im](boost::system::error_code ec, int sig) {
    if (ec) return;
    spdlog::info("received signal {}", sig);
    im.begin_shutdown();
  });
  int n = im.shared->config.io_threads > 0 ? im.shared->config.io_threads
                                           : static_cast<int>(std::thread::hardware_concurrency());
  if (n < 1) n = 1;
  std::vector<std::thread> threads;
  for (int i = 1; i < n; ++i) threads.emplace_back([&im] { im.ioc.run(); });
  im.ioc.run();
  for (auto& t : threads) t.join();
  // Requests still on workers finish their storage work before the store is closed.
  im.shared->workers.join();
}

void Server::request_stop() {
  asio::post(impl_->ioc, [im = impl_.get()] { im->begin_shutdown(); });
}

}  // namespace omniline::http
