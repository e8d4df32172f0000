// The HTTP/1.1 + WebSocket server on one port. Beast stays behind this header (pimpl), so the
// rest of the code compiles without it.
//
// Threads: `io_threads` run the I/O (a strand per connection); requests are answered by
// Api::handle on `worker_threads` (storage and hashing block there, never on an I/O thread).
// Shutdown (SIGINT/SIGTERM or request_stop): stop accepting; idle keep-alive connections are
// closed; in-flight requests finish and are answered with `Connection: close`; WebSockets get a
// close frame (1001 going away); after `shutdown_grace` whatever is left is cut. run() returns
// when all of that is done.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "api/api.h"
#include "common/metrics.h"
#include "common/result.h"

namespace omniline::http {

struct ServerConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: pick a free port (see Server::port())
  int io_threads = 0;         // 0: one per core
  int worker_threads = 32;
  std::size_t header_limit = 16 * 1024;
  std::size_t body_limit = 1024 * 1024;   // JSON bodies
  std::size_t upload_limit = 25 * 1024 * 1024;  // file uploads (kUploadPaths)
  std::chrono::seconds upload_timeout{300};      // the whole body of an upload must arrive within
  std::chrono::seconds read_timeout{15};  // whole header (and whole body) must arrive within
  std::chrono::seconds idle_timeout{60};  // keep-alive connection with no request
  std::size_t max_connections = 18000;
  std::chrono::seconds shutdown_grace{10};
  std::size_t ws_queue_limit = 1024;         // queued outbound messages before a slow reader is cut
  std::size_t ws_message_limit = 64 * 1024;  // largest inbound WebSocket message
  bool access_log = true;
};

class Server {
 public:
  Server(ServerConfig config, api::Api& api, metrics::Registry& metrics);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens; fails with the reason (address in use, bad address).
  Status start();
  std::uint16_t port() const;  // the bound port, after start()
  // Serves until a signal or request_stop(), then shuts down gracefully. Blocks.
  void run();
  // Thread-safe; begins the graceful shutdown.
  void request_stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace omniline::http
