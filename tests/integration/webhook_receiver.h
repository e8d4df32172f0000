// A tiny HTTP/1.1 server standing in for a custom connector's webhook in tests.
//
// It listens on 127.0.0.1 with an ephemeral port from construction on, serves every connection
// (keep-alive included) on its own I/O thread, records each request, and answers from a script:
// queued replies are used one per request in arrival order, then the default reply (200 "{}").
//
//   WebhookReceiver hook;
//   hook.fail_next(3);                    // 500, 500, 500, then 200
//   channel.webhook_url = hook.url();
//   ASSERT_TRUE(hook.wait_for(4, 5s));
//   EXPECT_EQ(hook.requests()[3].header("x-omniline-delivery"), "1");
//
// Every accessor is thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace omniline::testing {

struct WebhookRequest {
  std::string method;                               // "POST"
  std::string path;                                 // the request target as sent (path and query)
  std::multimap<std::string, std::string> headers;  // lower-cased names
  std::string body;
  int status = 0;  // the status it was (or is being) answered with

  std::string header(const std::string& lower) const;  // first value, or ""
};

struct WebhookReply {
  int status = 200;
  std::string body = "{}";             // sent as application/json unless empty
  std::chrono::milliseconds delay{0};  // wait this long before answering ("slow")
};

class WebhookReceiver {
 public:
  WebhookReceiver();   // listening when constructed; throws when it cannot bind
  ~WebhookReceiver();  // stop()

  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  unsigned short port() const;
  // "http://127.0.0.1:<port><path>"
  std::string url(const std::string& path = "/hook") const;

  // Scripting. Queued replies are consumed one per request, before the default reply.
  void fail_next(std::size_t n, int status = 500);  // queue n replies with `status`
  void push_reply(WebhookReply reply);
  void set_default_reply(WebhookReply reply);
  void set_delay(std::chrono::milliseconds delay);  // the default reply's delay
  std::size_t queued_replies() const;

  // What arrived so far, in arrival order (recorded when fully read, before answering).
  std::vector<WebhookRequest> requests() const;
  std::size_t count() const;
  std::optional<WebhookRequest> last() const;
  // Responses fully written, and TCP connections accepted.
  std::size_t answered() const;
  std::size_t connections() const;
  // True once at least `count` requests have been recorded; false after `timeout`.
  bool wait_for(std::size_t count, std::chrono::milliseconds timeout) const;
  // The same for responses written (a client may see its answer just before it is counted).
  bool wait_answered(std::size_t count, std::chrono::milliseconds timeout) const;
  // Forgets recorded requests and counters (scripted replies stay).
  void clear();

  // Stops serving: open connections are closed, slow answers abandoned. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace omniline::testing
