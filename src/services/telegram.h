// The Telegram channel adapter. A channel of kind `telegram` talks through one bot:
// - connect: the admin's bot token is checked with getMe; with a public URL the server asks
//   Telegram to POST updates to /hooks/telegram/{channel} (setWebhook with the channel secret as
//   secret_token), otherwise it polls getUpdates on its own thread, keeping the offset durably.
// - inbound: messages and edited messages become the hot path's ingest / edit_inbound,
//   idempotent by (chat, message id); a shared contact puts the phone on the customer. A
//   message's file (photo, document, voice, audio, video, video note, animation) is fetched
//   (getFile, then {base}/file/bot{token}/{file_path}) and stored as the channel's before the
//   message is ingested; a file that cannot be had is named in the text instead.
// - outbound: the outbox delivers operators' messages (sendMessage in HTML parse mode; each file
//   with sendPhoto / sendDocument, the text as the first file's caption when it fits), edits
//   (editMessageText, else editMessageCaption) and deletions (deleteMessage of every part);
//   429 waits retry_after, 5xx and network errors are retried without sending a part twice, a
//   refusal (blocked, chat not found) fails the message at once.
// The Bot API base URL is configurable, so tests run against a real emulator on loopback.
#pragma once

#include <atomic>
#include <boost/json/value.hpp>
#include <condition_variable>
#include <mutex>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "domain/event_record.h"
#include "domain/line.h"
#include "domain/telegram.h"
#include "services/dialog_service.h"
#include "services/files.h"
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

// A file sent as multipart/form-data (sendPhoto, sendDocument).
struct TelegramUpload {
  std::string field;  // "photo", "document"
  std::string name;
  std::string mime;
  std::string_view bytes;
};

// Bot API calls: POST {base}/bot{token}/{method} with a JSON body, or multipart/form-data with
// a file. Thread-safe (a handle per call). Errors never carry the token.
class TelegramApi {
 public:
  explicit TelegramApi(std::string base_url, long timeout_ms = 15000, long upload_timeout_ms = 120000)
      : base_(std::move(base_url)), timeout_ms_(timeout_ms), upload_timeout_ms_(upload_timeout_ms) {}
  TelegramReply call(const std::string& token, std::string_view method,
                     const boost::json::object& params) const;
  // The fields as text parts, then the file.
  TelegramReply upload(const std::string& token, std::string_view method,
                       const std::vector<std::pair<std::string, std::string>>& fields,
                       const TelegramUpload& file) const;
  // Where a file getFile described is downloaded: {base}/file/bot{token}/{file_path}.
  std::string file_url(const std::string& token, std::string_view file_path) const;

 private:
  std::string base_;
  long timeout_ms_;
  long upload_timeout_ms_;
};

// The file of a customer's message (one per message in Telegram).
struct TelegramMedia {
  std::string kind;  // "photo", "document", "voice", "audio", "video", "video_note", "animation"; "" none
  std::string file_id;
  std::string name;       // "" → the last segment of Telegram's file_path
  std::int64_t size = 0;  // as Telegram announced it; 0 unknown
};

struct TelegramConfig {
  std::string public_url;  // "" → long polling
  int poll_interval_ms = 300;
  // Customers' files: at most this many bytes (the Bot API lets bots download 20 MB; the
  // server's upload limit may be lower), fetched within this time.
  std::size_t file_limit = 20 * 1024 * 1024;
  long file_timeout_ms = 60000;
  // A file whose download fails for a reason that may pass (network, 5xx) is tried this many
  // times (the update is asked for again) before the message is taken without it.
  int file_attempts = 3;
};

class TelegramService {
 public:
  TelegramService(store::Store& store, DialogService& dialogs, FileService& files,
                  const TelegramApi& api, TelegramConfig config)
      : store_(store), dialogs_(dialogs), files_(files), api_(api), config_(std::move(config)) {}
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
  // A customer's file: its id, or why it could not be had (`problem`). An error means "not
  // now": the update is to be handled again later.
  struct Received {
    FileId id;
    std::string problem;
  };
  Result<Received> receive_file(ChannelId channel, const std::string& key, const TelegramMedia& media);
  // Counts a failure that may pass: an error while attempts remain, else the problem.
  Result<Received> failed_for_now(const std::string& key, const std::string& label,
                                  const std::string& why);
  void forget_attempts(const std::string& key);
  ChannelDelivery send_message(const domain::TelegramBot& bot, const std::string& chat_id,
                               const domain::OutboxItem& item, const boost::json::object& message);

  void run();
  void poll_once();

  store::Store& store_;
  DialogService& dialogs_;
  FileService& files_;
  const TelegramApi& api_;
  TelegramConfig config_;
  std::mutex attempts_mu_;
  std::map<std::string, int> attempts_;  // failed file downloads by "<channel>/<message key>"
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool poked_ = false;
  std::thread thread_;
};

}  // namespace omniline::services
