// Durable outbox delivery for `api` (custom connector) channels.
//
// An operator's message to an `api` channel is committed together with an `outbox` row whose
// `payload` is the exact JSON body to send. OutboxWorker owns one background thread that picks
// up due rows (`Store::due_outbox`) and POSTs each payload to the channel's `webhook_url`:
//
//   POST <webhook_url>
//   Content-Type: application/json
//   X-Omniline-Signature: sha256=<lower hex HMAC-SHA256 of the body, keyed by the channel secret>
//   X-Omniline-Delivery: <outbox id>        (stable across retries: receivers dedupe on it)
//   User-Agent: omniline
//
// A 2xx answer marks the row sent. Anything else (another status, a network error, a timeout,
// a missing/inactive channel or an empty webhook_url) is a failed attempt: the row is retried
// with exponential backoff and ±20% jitter, and marked failed after `max_attempts`.
//
// Delivery is at least once: the outcome is recorded after the request, so a crash (or a failed
// store write) between the receiver's 2xx and the commit sends the row again. Once `sent` is
// committed, the row is never sent again. Redirects are not followed, and only http/https URLs
// are used. Times come from the injected Clock, so tests move time instead of sleeping.
//
// Threading: start()/stop()/poke() are thread-safe. The observer runs on the worker thread after
// the outcome is durable; it should be short (it delays the next delivery) and must not destroy
// the worker (stop() from it only asks the loop to end). Stop the worker before closing the store.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <thread>

#include "common/clock.h"
#include "common/ids.h"
#include "domain/dialog.h"
#include "domain/event_record.h"
#include "domain/line.h"
#include "store/store.h"

namespace omniline::services {

struct OutboxConfig {
  int max_attempts = 12;          // then the item is failed
  UnixMs base_backoff_ms = 1000;  // first retry after ~1 s, doubling, with ±20% jitter
  UnixMs max_backoff_ms = 10 * 60 * 1000;
  long timeout_ms = 10000;  // per request (connect + transfer)
  int poll_ms = 500;        // how often due items are looked for when idle
  int batch = 32;           // items fetched per poll
};

// Called after an item's outcome is durably recorded: kSent when the webhook answered 2xx,
// kFailed when attempts ran out. (The caller turns this into the message's delivery status.)
using DeliveryObserver = std::function<void(MessageId, domain::DeliveryStatus)>;

// Delivery of an item to a channel kind other than `api` (whose webhook the worker POSTs
// itself): delivered, a permanent refusal (failed at once), or a failure to retry, maybe after
// a wait the channel asked for.
struct ChannelDelivery {
  bool delivered = false;
  bool permanent = false;
  int retry_after_ms = 0;
  std::string error;
};
using ChannelSender = std::function<ChannelDelivery(const domain::Channel&, const domain::OutboxItem&)>;

class OutboxWorker {
 public:
  OutboxWorker(store::Store& store, const Clock& clock, OutboxConfig config,
               DeliveryObserver on_status);
  ~OutboxWorker();  // stops

  OutboxWorker(const OutboxWorker&) = delete;
  OutboxWorker& operator=(const OutboxWorker&) = delete;

  // Who delivers the items of channels of `kind` (set before start()).
  void set_sender(domain::ChannelKind kind, ChannelSender sender);

  void start();  // one background thread (no-op when already running)
  void stop();   // finishes the request in flight (bounded by timeout_ms), joins; idempotent
  // Look for due items now (called after an outbox row is committed, and by the test clock).
  void poke();

 private:
  struct Attempt;  // the outcome of one delivery attempt

  void run();
  std::map<domain::ChannelKind, ChannelSender> senders_;
  // Fetches one batch and delivers it. Returns true when the batch was full and every item was
  // processed without a store error (so more may be due right away).
  bool deliver_due();
  Attempt attempt(const domain::OutboxItem& item);
  // Records the outcome; false on a store error.
  bool record(const domain::OutboxItem& item, const Attempt& a);
  bool stopping() const;

  store::Store& store_;
  const Clock& clock_;
  const OutboxConfig config_;
  DeliveryObserver on_status_;

  std::mutex join_mu_;  // serialises start() and stop()
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool poked_ = false;
  std::thread thread_;

  // Worker-thread only.
  void* curl_ = nullptr;  // CURL*, reused so connections to a webhook are kept alive
  std::mt19937_64 rng_;
  std::chrono::steady_clock::time_point last_store_log_{};  // throttles "cannot read" warnings
};

// Pure helpers, exposed for tests:

// "sha256=<lower hex HMAC-SHA256 of body keyed by secret>" (any key length, as in RFC 2104).
std::string webhook_signature(std::string_view secret, std::string_view body);

// Delay before the next attempt after `attempts` failed ones (attempts >= 1; below 1 counts as 1):
// base * 2^(attempts-1), capped at max_backoff_ms, times a jitter factor in [0.8, 1.2)
// (jitter01 in [0,1) maps linearly, 0.5 = no jitter), and never above max_backoff_ms or below 0.
UnixMs retry_delay_ms(const OutboxConfig& c, int attempts, double jitter01);

}  // namespace omniline::services
