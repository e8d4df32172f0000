// Internals shared by the http/ translation units (Beast lives here).
#pragma once

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "api/api.h"
#include "common/metrics.h"
#include "http/server.h"

namespace omniline::http::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;

// Something open that the shutdown must close: an HTTP connection or a WebSocket.
class Closable {
 public:
  virtual ~Closable() = default;
  // Called from any thread; the implementation posts to its own strand.
  virtual void begin_close() = 0;
};

// State shared by the listener and every connection.
struct Shared {
  ServerConfig config;
  api::Api& api;
  metrics::Registry& metrics;
  asio::thread_pool workers;
  std::atomic<bool> draining{false};

  Shared(ServerConfig c, api::Api& a, metrics::Registry& m)
      : config(std::move(c)),
        api(a),
        metrics(m),
        workers(static_cast<std::size_t>(config.worker_threads)) {}

  std::uint64_t add(std::weak_ptr<Closable> c);
  void remove(std::uint64_t id);
  void close_all();

 private:
  std::mutex mu_;
  std::uint64_t next_id_ = 1;                                        // guarded by mu_
  std::unordered_map<std::uint64_t, std::weak_ptr<Closable>> open_;  // guarded by mu_
};

// Initiation of on_workers: posts fn to the pool, then the result to the awaiting coroutine's
// own executor (its strand).
template <typename T, typename F>
struct WorkerInitiation {
  Shared* shared;
  F fn;
  template <typename Handler>
  void operator()(Handler handler) {
    auto ex = asio::get_associated_executor(handler);
    asio::post(shared->workers, [ex, fn = std::move(fn), handler = std::move(handler)]() mutable {
      T result = fn();
      asio::post(ex, [handler = std::move(handler), result = std::move(result)]() mutable {
        std::move(handler)(std::move(result));
      });
    });
  }
};

// Runs fn() on the worker pool; co_await it from a connection's coroutine. Deliberately not a
// coroutine itself: GCC 12 miscompiles init-captures in lambdas defined inside coroutines.
template <typename T, typename F>
asio::awaitable<T> on_workers(Shared& shared, F fn) {
  return asio::async_initiate<decltype(asio::use_awaitable), void(T)>(
      WorkerInitiation<T, F>{&shared, std::move(fn)}, asio::use_awaitable);
}

// The HTTP connection: reads requests with limits and timeouts, answers, upgrades to WebSocket.
asio::awaitable<void> run_http_session(std::shared_ptr<Shared> shared, tcp::socket socket);

// Takes over an upgraded connection for /api/v1/realtime (already authenticated).
void start_websocket(std::shared_ptr<Shared> shared, beast::tcp_stream stream,
                     bhttp::request<bhttp::string_body> upgrade,
                     std::shared_ptr<api::RealtimeSession> session);

// Fills an api::Request from a parsed Beast request; false when the target is malformed.
bool to_api_request(const bhttp::request<bhttp::string_body>& in, api::Request& out);

}  // namespace omniline::http::detail
