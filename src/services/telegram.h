// The Telegram channel adapter. A channel of kind `telegram` talks through one bot:
// - connect: the admin's bot token is checked with getMe; with a public URL the server asks
//   Telegram to POST updates to /hooks/telegram/{channel} (setWebhook with the channel secret as
//   secret_token), otherwise it polls getUpdates on its own thread, keeping the offset durably.
// - inbound: messages and edited messages become the hot path's ingest / edit_inbound,
//   idempotent by (chat, message id); a shared contact puts the phone on the customer.
// - outbound: the outbox delivers operators' messages (sendMessage in HTML parse mode), edits
//   (editMessageText) and deletions (deleteMessage); 429 waits retry_after, 5xx and network
//   errors are retried, a refusal (blocked, chat not found) fails the message at once.
// The Bot API base URL is configurable, so tests run against a real emulator on loopback.
#pragma once

#include <atomic>
#include <boost/json/value.hpp>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "common/clock.h"
#include "domain/event_record.h"
#include "domain/line.h"
#include "domain/telegram.h"
#include "services/dialog_service.h"
#include "services/outbox_worker.h"
#include "store/store.h"

namespace omniline::services {

struct TelegramReply {
  bool ok = false;
  boost::json::value result;
  int error_code = 0;         // Telegram's (400, 403, 429, 5xx), or 0 for a network failure
  std::string description;
  int retry_after_s = 0;      // with 429
};

// Bot API calls: POST {base}/bot{token}/{method} with a JSON body. Thread-safe (a handle per call).
class TelegramApi {
 public:
  explicit TelegramApi(std::string base_url, long timeout_ms = 15000)
      : base_(std::move(base_url)), timeout_ms_(timeout_ms) {}
  TelegramReply call(const std::string& token, std::string_view method,
                     const boost::json::object& params) const;

 private:
  std::string base_;
  long timeout_ms_;
};

struct TelegramConfig {
  std::string public_url;  // "" → long polling
  int poll_interval_ms = 300;
};

class TelegramService {
 public:
  TelegramService(store::Store& store, DialogService& dialogs, const TelegramApi& api,
                  TelegramConfig config)
      : store_(store), dialogs_(dialogs), api_(api), config_(std::move(config)) {}
  ~TelegramService() { stop(); }

  // getMe with the token: the bot it names, or invalid_request when Telegram refuses it
  // (unavailable when Telegram cannot be reached).
  Result<domain::TelegramBot> check_token(const std::string& token) const;
  // Stores the bot of a telegram channel and sets up how its updates arrive.
  Result<domain::TelegramBot> attach(const domain::Channel& channel, domain::TelegramBot bot);

  // Sets up the channel's updates again (after its secret changed, or the public URL did).
  Status refresh(const domain::Channel& channel);
  // After the channel was deleted: asks Telegram to stop its webhook (errors are logged).
  void detach(ChannelId channel);

  // One Telegram Update. Errors that retrying cannot fix (an update we do not understand) are
  // logged and swallowed; store errors come back so the update is tried again.
  Status handle_update(ChannelId channel, const boost::json::value& update);
  // POST /hooks/telegram/{channel}: the secret header must match the channel's secret.
  Status webhook(ChannelId channel, std::string_view secret, std::string_view body);

  // Delivers one outbox item of a telegram channel.
  ChannelDelivery deliver(const domain::Channel& channel, const domain::OutboxItem& item);

  void start();  // the polling thread
  void stop();
  void poke();   // poll now

 private:
  void run();
  void poll_once();

  store::Store& store_;
  DialogService& dialogs_;
  const TelegramApi& api_;
  TelegramConfig config_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool poked_ = false;
  std::thread thread_;
};

}  // namespace omniline::services
