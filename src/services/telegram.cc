#include "services/telegram.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <algorithm>
#include <cstdio>
#include <memory>

#include "domain/bbcode.h"
#include "services/crypto.h"
#include "services/url_fetch.h"

namespace omniline::services {

namespace json = boost::json;

namespace {

std::size_t collect(char* data, std::size_t size, std::size_t n, void* user) {
  auto* out = static_cast<std::string*>(user);
  if (out->size() + size * n > 4 * 1024 * 1024) return 0;  // no Bot API answer is this big
  out->append(data, size * n);
  return size * n;
}

std::string as_id(const json::value* v) {
  if (v == nullptr) return {};
  if (v->is_int64()) return std::to_string(v->as_int64());
  if (v->is_uint64()) return std::to_string(v->as_uint64());
  if (v->is_string()) return std::string(v->as_string());
  return {};
}

std::string str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// What a message that carries no text is, for the operator to read.
std::string describe_content(const json::object& msg) {
  static const std::pair<const char*, const char*> kinds[] = {
      {"photo", "[photo]"},       {"document", "[file]"},   {"voice", "[voice message]"},
      {"video", "[video]"},       {"video_note", "[video message]"},
      {"audio", "[audio]"},       {"sticker", "[sticker]"}, {"animation", "[animation]"},
      {"location", "[location]"}, {"venue", "[place]"},     {"poll", "[poll]"}};
  for (const auto& [key, text] : kinds)
    if (msg.contains(key)) return text;
  return {};
}

// Telegram's message id of one of our messages: external_id "tg:<chat>:<message_id>".
std::string telegram_message_id(const std::string& external_id) {
  const auto colon = external_id.rfind(':');
  if (external_id.rfind("tg:", 0) != 0 || colon == std::string::npos) return {};
  return external_id.substr(colon + 1);
}

// The Telegram messages one of ours became, in order: external_id "tg:<chat>:<id1>,<id2>,…"
// (one id for a text message; the text and/or each file are parts). Recorded after each part,
// so a retry continues where the last attempt stopped.
std::vector<std::string> sent_parts(const std::string& external_id, const std::string& chat_id) {
  std::vector<std::string> out;
  const std::string prefix = "tg:" + chat_id + ":";
  if (external_id.rfind(prefix, 0) != 0) return out;
  std::string ids = telegram_message_id(external_id);
  std::size_t from = 0;
  while (from <= ids.size()) {
    const std::size_t comma = std::min(ids.find(',', from), ids.size());
    if (comma > from) out.push_back(ids.substr(from, comma - from));
    from = comma + 1;
  }
  return out;
}

std::string parts_external_id(const std::string& chat_id, const std::vector<std::string>& ids) {
  std::string out = "tg:" + chat_id + ":";
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + ids[i];
  return out;
}

// A message id Telegram named, as a JSON number when it is one.
json::value message_id_value(const std::string& id) {
  try {
    std::size_t used = 0;
    const long long v = std::stoll(id, &used);
    if (used == id.size()) return v;
  } catch (const std::exception&) {
  }
  return json::value(id);
}

// Telegram counts text lengths in UTF-16 code units.
std::size_t utf16_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) == 0x80) continue;  // a continuation byte
    n += c >= 0xF0 ? 2 : 1;
  }
  return n;
}

constexpr std::size_t kCaptionLimit = 1024;
constexpr std::int64_t kPhotoLimit = 10 * 1024 * 1024;

// Sent as a photo (Telegram shows it inline, recompressed); everything else as a document.
bool as_photo(const std::string& mime, std::int64_t size) {
  return (mime == "image/jpeg" || mime == "image/png" || mime == "image/webp") && size <= kPhotoLimit;
}

// The deletion's target is gone already (deleted in an earlier attempt, or by the user).
bool already_gone(const TelegramReply& r) {
  return !r.ok && r.error_code == 400 &&
         (r.description.find("not found") != std::string::npos ||
          r.description.find("wasn't found") != std::string::npos);
}

std::string without_token(std::string text, const std::string& token) {
  if (token.empty()) return text;
  for (std::size_t at = text.find(token); at != std::string::npos; at = text.find(token, at))
    text.replace(at, token.size(), "<token>");
  return text;
}

std::string size_text(std::size_t bytes) {
  char buf[32];
  if (bytes >= 1024 * 1024) std::snprintf(buf, sizeof buf, "%.3g MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  else std::snprintf(buf, sizeof buf, "%.3g KB", static_cast<double>(bytes) / 1024.0);
  return buf;
}

std::int64_t int_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return 0;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
  return 0;
}

// The file of a message, if it carries one we receive. An animation also comes as a document:
// the animation is taken.
TelegramMedia media_of(const json::object& msg) {
  TelegramMedia m;
  if (const json::value* photo = msg.if_contains("photo"); photo && photo->is_array()) {
    // Sizes of one picture, small to large: the largest.
    const json::object* best = nullptr;
    std::int64_t best_size = -1, best_area = -1;
    for (const json::value& p : photo->as_array()) {
      if (!p.is_object()) continue;
      const json::object& o = p.as_object();
      const std::int64_t size = int_of(o, "file_size"), area = int_of(o, "width") * int_of(o, "height");
      if (best == nullptr || size > best_size || (size == best_size && area >= best_area)) {
        best = &o;
        best_size = size;
        best_area = area;
      }
    }
    if (best == nullptr) return m;
    m.kind = "photo";
    m.file_id = str(*best, "file_id");
    m.name = "photo.jpg";
    m.size = int_of(*best, "file_size");
    return m;
  }
  static const char* const kinds[] = {"animation", "video", "video_note", "voice", "audio", "document"};
  for (const char* kind : kinds) {
    const json::value* v = msg.if_contains(kind);
    if (v == nullptr || !v->is_object()) continue;
    const json::object& o = v->as_object();
    m.kind = kind;
    m.file_id = str(o, "file_id");
    m.size = int_of(o, "file_size");
    m.name = str(o, "file_name");
    if (m.name.empty()) {
      if (m.kind == "voice") m.name = "voice.ogg";
      else if (m.kind == "video" || m.kind == "video_note") m.name = "video.mp4";
    }
    return m;
  }
  return m;
}

// How the operator reads which file is missing.
std::string media_label(const TelegramMedia& m) {
  if ((m.kind == "document" || m.kind == "audio" || m.kind == "video" || m.kind == "animation") &&
      !m.name.empty() && m.name != "video.mp4")
    return "file \"" + m.name + "\"";
  if (m.kind == "photo") return "photo";
  if (m.kind == "voice") return "voice message";
  if (m.kind == "video_note") return "video message";
  if (m.kind == "document") return "file";
  return m.kind;
}

ChannelDelivery outcome_of(const TelegramReply& r) {
  ChannelDelivery o;
  if (r.ok) {
    o.delivered = true;
    return o;
  }
  o.error = r.error_code ? "Telegram " + std::to_string(r.error_code) + ": " + r.description
                         : "Telegram unreachable: " + r.description;
  if (r.error_code == 429) o.retry_after_ms = std::max(1, r.retry_after_s) * 1000;
  // A refusal (blocked by the user, chat not found, bad request) stays a refusal.
  else if (r.error_code >= 400 && r.error_code < 500) o.permanent = true;
  return o;
}

const json::array& allowed_updates() {
  static const json::array a{"message", "edited_message"};
  return a;
}

}  // namespace

namespace {

// Performs a prepared Bot API request and reads Telegram's answer.
TelegramReply perform(CURL* c, const std::string& url, long timeout_ms, curl_slist* headers) {
  TelegramReply r;
  std::string response;
  char errbuf[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, std::min(timeout_ms, 15000L));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  if (headers) curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "omniline");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  const CURLcode rc = curl_easy_perform(c);
  long status = 0;
  if (rc == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (rc != CURLE_OK) {
    r.description = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    return r;
  }
  boost::system::error_code ec;
  json::value v = json::parse(response, ec);
  if (ec || !v.is_object()) {
    r.error_code = status >= 400 ? static_cast<int>(status) : 502;
    r.description = "not a Bot API answer (HTTP " + std::to_string(status) + ")";
    return r;
  }
  const json::object& o = v.as_object();
  const json::value* ok = o.if_contains("ok");
  if (ok && ok->is_bool() && ok->as_bool()) {
    r.ok = true;
    if (const json::value* res = o.if_contains("result")) r.result = *res;
    return r;
  }
  const json::value* code = o.if_contains("error_code");
  r.error_code = code && code->is_int64() ? static_cast<int>(code->as_int64())
                                          : (status >= 400 ? static_cast<int>(status) : 500);
  r.description = str(o, "description");
  if (r.description.empty()) r.description = str(o, "message");
  if (const json::value* p = o.if_contains("parameters"); p && p->is_object())
    if (const json::value* ra = p->as_object().if_contains("retry_after"); ra && ra->is_int64())
      r.retry_after_s = static_cast<int>(ra->as_int64());
  return r;
}

}  // namespace

TelegramReply TelegramApi::call(const std::string& token, std::string_view method,
                                const json::object& params) const {
  std::unique_ptr<CURL, void (*)(CURL*)> h(curl_easy_init(), curl_easy_cleanup);
  if (!h) return TelegramReply{.description = "curl_easy_init failed"};
  const std::string body = json::serialize(params);
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(h.get(), CURLOPT_POST, 1L);
  curl_easy_setopt(h.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(h.get(), CURLOPT_POSTFIELDS, body.data());
  TelegramReply r = perform(h.get(), base_ + "/bot" + token + "/" + std::string(method), timeout_ms_, headers);
  curl_slist_free_all(headers);
  r.description = without_token(std::move(r.description), token);
  return r;
}

TelegramReply TelegramApi::upload(const std::string& token, std::string_view method,
                                  const std::vector<std::pair<std::string, std::string>>& fields,
                                  const TelegramUpload& file) const {
  std::unique_ptr<CURL, void (*)(CURL*)> h(curl_easy_init(), curl_easy_cleanup);
  if (!h) return TelegramReply{.description = "curl_easy_init failed"};
  std::unique_ptr<curl_mime, void (*)(curl_mime*)> form(curl_mime_init(h.get()), curl_mime_free);
  if (!form) return TelegramReply{.description = "curl_mime_init failed"};
  for (const auto& [name, value] : fields) {
    curl_mimepart* part = curl_mime_addpart(form.get());
    curl_mime_name(part, name.c_str());
    curl_mime_data(part, value.data(), value.size());
  }
  curl_mimepart* part = curl_mime_addpart(form.get());
  curl_mime_name(part, file.field.c_str());
  curl_mime_filename(part, file.name.c_str());
  curl_mime_type(part, file.mime.empty() ? "application/octet-stream" : file.mime.c_str());
  curl_mime_data(part, file.bytes.data(), file.bytes.size());
  curl_easy_setopt(h.get(), CURLOPT_MIMEPOST, form.get());
  TelegramReply r = perform(h.get(), base_ + "/bot" + token + "/" + std::string(method), upload_timeout_ms_, nullptr);
  r.description = without_token(std::move(r.description), token);
  return r;
}

std::string TelegramApi::file_url(const std::string& token, std::string_view file_path) const {
  return base_ + "/file/bot" + token + "/" + std::string(file_path);
}

Result<domain::TelegramBot> TelegramService::check_token(const std::string& token) const {
  if (Status st = domain::validate_bot_token(token); !st.ok()) return st.error();
  const TelegramReply r = api_.call(token, "getMe", json::object{});
  if (!r.ok) {
    if (r.error_code == 0 || r.error_code >= 500)
      return Error::unavailable("Telegram cannot be reached to check the token: " + r.description);
    return Error::invalid("Telegram refused the bot token: " + r.description);
  }
  if (!r.result.is_object()) return Error::unavailable("Telegram answered getMe without a bot");
  const json::object& me = r.result.as_object();
  domain::TelegramBot bot;
  bot.token = token;
  const json::value* id = me.if_contains("id");
  bot.bot_id = id && id->is_int64() ? id->as_int64() : 0;
  bot.username = str(me, "username");
  bot.first_name = str(me, "first_name");
  return bot;
}

Result<domain::TelegramBot> TelegramService::attach(const domain::Channel& channel,
                                                    domain::TelegramBot bot) {
  bot.channel = channel.id;
  bot.webhook = !config_.public_url.empty();
  TelegramReply r;
  if (bot.webhook) {
    r = api_.call(bot.token, "setWebhook",
                  json::object{{"url", config_.public_url + "/hooks/telegram/" + std::to_string(channel.id.get())},
                               {"secret_token", channel.secret},
                               {"allowed_updates", allowed_updates()}});
  } else {
    r = api_.call(bot.token, "deleteWebhook", json::object{});
  }
  if (!r.ok)
    return Error::unavailable(std::string("Telegram refused ") + (bot.webhook ? "setWebhook" : "deleteWebhook") +
                              ": " + r.description);
  if (Status st = store_.write([&](store::WriteTx& tx) { return tx.put_telegram_bot(bot); }); !st.ok())
    return st.error();
  poke();
  return bot;
}

Status TelegramService::refresh(const domain::Channel& channel) {
  auto bot = store_.read_value<domain::TelegramBot>([&](store::ReadTx& tx) { return tx.telegram_bot(channel.id); });
  if (!bot.ok()) return bot.error().code == ErrorCode::kNotFound ? Status{} : Status(bot.error());
  auto attached = attach(channel, std::move(*bot));
  return attached.ok() ? Status{} : Status(attached.error());
}

void TelegramService::detach(ChannelId channel) {
  auto bot = store_.read_value<domain::TelegramBot>([&](store::ReadTx& tx) { return tx.telegram_bot(channel); });
  if (!bot.ok() || !bot->webhook) return;
  const TelegramReply r = api_.call(bot->token, "deleteWebhook", json::object{});
  if (!r.ok) spdlog::warn("telegram channel {}: deleteWebhook failed: {}", channel.get(), r.description);
}

Status TelegramService::handle_update(ChannelId channel, const json::value& update) {
  const json::object* u = update.if_object();
  if (u == nullptr) return {};
  const json::value* edited = u->if_contains("edited_message");
  const json::value* message = edited ? edited : u->if_contains("message");
  if (message == nullptr || !message->is_object()) return {};  // other kinds are not asked for
  const json::object& msg = message->as_object();
  const json::object* from = msg.contains("from") && msg.at("from").is_object() ? &msg.at("from").as_object() : nullptr;
  const json::object* chat = msg.contains("chat") && msg.at("chat").is_object() ? &msg.at("chat").as_object() : nullptr;
  const std::string chat_id = chat ? as_id(chat->if_contains("id")) : std::string();
  const std::string message_id = as_id(msg.if_contains("message_id"));
  const std::string user_id = from ? as_id(from->if_contains("id")) : chat_id;
  if (chat_id.empty() || message_id.empty() || user_id.empty()) {
    spdlog::warn("telegram channel {}: an update without chat, sender or message id, skipped", channel.get());
    return {};
  }
  const std::string external = "tg:" + chat_id + ":" + message_id;
  std::string text = str(msg, "text");
  if (text.empty()) text = str(msg, "caption");
  std::string phone;
  if (const json::value* contact = msg.if_contains("contact"); contact && contact->is_object()) {
    phone = str(contact->as_object(), "phone_number");
    if (text.empty()) text = "Shared a contact: " + phone;
  }
  const TelegramMedia media = media_of(msg);
  if (media.kind.empty()) {
    // Content that is not received as a file (a sticker, a place, a poll): a placeholder.
    const std::string kind = describe_content(msg);
    if (!kind.empty()) text = text.empty() ? kind : kind + " " + text;
  }

  Status st;
  if (edited) {
    if (text.empty()) return {};  // a caption removed: the file stays, there is no text to change
    st = dialogs_.edit_inbound(channel, external, text);
    if (!st.ok() && st.error().code == ErrorCode::kNotFound) st = {};  // an edit of one we never had
  } else {
    InboundMessage in;
    in.channel = channel;
    in.user_id = user_id;
    if (from) {
      in.user_name = str(*from, "first_name");
      if (auto last = str(*from, "last_name"); !last.empty()) in.user_name += " " + last;
      if (in.user_name.empty()) in.user_name = str(*from, "username");
    }
    in.user_phone = phone;
    in.chat_id = chat_id;
    in.message_id = external;
    if (!media.kind.empty()) {
      // An update seen again (a retry, a restart before the offset was kept) fetches nothing.
      auto known = store_.read_value<bool>([&](store::ReadTx& tx) -> Result<bool> {
        auto m = tx.message_by_external(channel, external);
        if (m.ok()) return true;
        if (m.error().code == ErrorCode::kNotFound) return false;
        return m.error();
      });
      if (!known.ok()) return known.error();
      if (*known) return {};
      auto got = receive_file(channel, std::to_string(channel.get()) + "/" + external, media);
      if (!got.ok()) return got.error();  // not now: the update comes again
      if (got->id.is_valid()) {
        in.files.push_back(got->id);
        in.files_from_channel = true;
      } else {
        spdlog::warn("telegram channel {}: message {}: {}", channel.get(), external, got->problem);
        text = text.empty() ? "[" + got->problem + "]" : text + "\n[" + got->problem + "]";
      }
    }
    if (text.empty() && in.files.empty()) text = "[a message this channel cannot show yet]";
    in.text = text;
    auto r = dialogs_.ingest(in);
    st = r.ok() ? Status{} : Status(r.error());
  }
  if (!st.ok() && (st.error().code == ErrorCode::kInvalid || st.error().code == ErrorCode::kForbidden)) {
    spdlog::warn("telegram channel {}: update for message {} skipped: {}", channel.get(), external,
                 st.error().message);
    return {};
  }
  return st;
}

Result<TelegramService::Received> TelegramService::receive_file(ChannelId channel, const std::string& key,
                                                                const TelegramMedia& media) {
  const std::string label = media_label(media);
  auto problem = [&](const std::string& why) {
    forget_attempts(key);
    return Received{FileId(), label + " could not be received: " + why};
  };
  const std::size_t limit = config_.file_limit;
  if (media.file_id.empty()) return problem("Telegram named no file");
  if (media.size > 0 && static_cast<std::size_t>(media.size) > limit)
    return problem("it is larger than " + size_text(limit));
  auto bot = store_.read_value<domain::TelegramBot>([&](store::ReadTx& tx) { return tx.telegram_bot(channel); });
  if (!bot.ok()) {
    if (bot.error().code == ErrorCode::kNotFound) return problem("the channel has no bot");
    return bot.error();
  }
  const TelegramReply r = api_.call(bot->token, "getFile", json::object{{"file_id", media.file_id}});
  if (!r.ok) {
    if (r.error_code == 0 || r.error_code >= 500 || r.error_code == 429)
      return failed_for_now(key, label, "Telegram: " + r.description);
    return problem("Telegram refused it (" + r.description + ")");
  }
  const json::object* described = r.result.if_object();
  const std::string file_path = described ? str(*described, "file_path") : std::string();
  if (file_path.empty()) return problem("Telegram gave no download path");
  if (const std::int64_t size = int_of(*described, "file_size"); size > 0 && static_cast<std::size_t>(size) > limit)
    return problem("it is larger than " + size_text(limit));
  FetchLimits limits;
  limits.max_bytes = limit;
  limits.timeout = std::chrono::milliseconds(config_.file_timeout_ms);
  limits.max_redirects = 0;
  // The Bot API's address is the server's own configuration, not anyone's input (tests and
  // self-hosted Bot API servers run on loopback or a LAN).
  limits.allow_private = true;
  FetchFailure why = FetchFailure::kNone;
  auto got = fetch_url(api_.file_url(bot->token, file_path), limits, &why);
  if (!got.ok()) {
    const std::string message = without_token(got.error().message, bot->token);
    if (why == FetchFailure::kTransient) return failed_for_now(key, label, message);
    if (why == FetchFailure::kTooLarge) return problem("it is larger than " + size_text(limit));
    return problem(message);
  }
  auto stored = files_.upload(Uploader{}, media.name.empty() ? std::string_view(got->name) : std::string_view(media.name),
                              got->bytes);
  if (!stored.ok()) {
    if (stored.error().code == ErrorCode::kInvalid) return problem(stored.error().message);
    return stored.error();
  }
  forget_attempts(key);
  return Received{stored->id, {}};
}

Result<TelegramService::Received> TelegramService::failed_for_now(const std::string& key, const std::string& label,
                                                                  const std::string& why) {
  int attempts = 0;
  {
    std::lock_guard lock(attempts_mu_);
    if (attempts_.size() > 10000) attempts_.clear();  // bounded; a lost count only means more tries
    attempts = ++attempts_[key];
    if (attempts >= config_.file_attempts) attempts_.erase(key);
  }
  if (attempts >= config_.file_attempts)
    return Received{FileId(), label + " could not be received: the download failed " + std::to_string(attempts) +
                                  " times (" + why + ")"};
  return Error::unavailable("the file of the message cannot be fetched yet: " + why);
}

void TelegramService::forget_attempts(const std::string& key) {
  std::lock_guard lock(attempts_mu_);
  attempts_.erase(key);
}

Status TelegramService::webhook(ChannelId channel, std::string_view secret, std::string_view body) {
  auto c = store_.read_value<domain::Channel>([&](store::ReadTx& tx) { return tx.channel_by_id(channel); });
  if (!c.ok() || c->kind != domain::ChannelKind::kTelegram || secret.empty() ||
      !crypto::equal_ct(c->secret, secret))
    return Error::unauthorized("unknown channel or wrong X-Telegram-Bot-Api-Secret-Token");
  if (!c->active) return Error::forbidden("the channel is disabled");
  boost::system::error_code ec;
  json::value update = json::parse(body, ec);
  if (ec) return Error::invalid("the update is not JSON");
  return handle_update(channel, update);
}

ChannelDelivery TelegramService::deliver(const domain::Channel& channel,
                                            const domain::OutboxItem& item) {
  ChannelDelivery out;
  auto bot = store_.read_value<domain::TelegramBot>(
      [&](store::ReadTx& tx) { return tx.telegram_bot(channel.id); });
  if (!bot.ok()) {
    out.error = "the channel has no bot: " + bot.error().message;
    return out;
  }
  boost::system::error_code ec;
  json::value payload = json::parse(item.payload, ec);
  if (ec || !payload.is_object()) {
    out.permanent = true;
    out.error = "unreadable outbox payload";
    return out;
  }
  const json::object& p = payload.as_object();
  const std::string chat_id = p.contains("chat") && p.at("chat").is_object()
                                  ? as_id(p.at("chat").as_object().if_contains("id")) : std::string();
  const json::object* message =
      p.contains("message") && p.at("message").is_object() ? &p.at("message").as_object() : nullptr;
  if (chat_id.empty() || message == nullptr) {
    out.permanent = true;
    out.error = "the payload names no chat or message";
    return out;
  }
  if (item.kind == "message") return send_message(*bot, chat_id, item, *message);
  // Edits and deletions need Telegram's ids of the message, recorded when it was sent.
  auto ours = store_.read_value<domain::Message>([&](store::ReadTx& tx) { return tx.message_by_id(item.message_id); });
  const std::vector<std::string> parts = ours.ok() ? sent_parts(ours->external_id, chat_id) : std::vector<std::string>();
  if (parts.empty()) {
    out.permanent = true;  // it never reached Telegram, so there is nothing to change there
    out.error = "the message was never delivered to Telegram";
    return out;
  }
  if (item.kind == "message.updated") {
    // The text is the first part: a text message, or the caption of the first file.
    const std::string html = domain::to_telegram_html(str(*message, "text"));
    TelegramReply r = api_.call(bot->token, "editMessageText",
                                json::object{{"chat_id", chat_id}, {"message_id", message_id_value(parts[0])},
                                             {"text", html}, {"parse_mode", "HTML"}});
    if (!r.ok && r.error_code == 400 && r.description.find("no text in the message") != std::string::npos)
      r = api_.call(bot->token, "editMessageCaption",
                    json::object{{"chat_id", chat_id}, {"message_id", message_id_value(parts[0])},
                                 {"caption", html}, {"parse_mode", "HTML"}});
    out = outcome_of(r);
    if (!r.ok && r.description.find("not modified") != std::string::npos) out = {.delivered = true};
    return out;
  }
  if (item.kind == "message.deleted") {
    // Every part; a part deleted by an earlier attempt is gone already, which is fine.
    for (const std::string& id : parts) {
      const TelegramReply r = api_.call(bot->token, "deleteMessage",
                                        json::object{{"chat_id", chat_id}, {"message_id", message_id_value(id)}});
      if (!r.ok && !already_gone(r)) return outcome_of(r);
    }
    return {.delivered = true};
  }
  out.permanent = true;
  out.error = "unknown outbox kind " + item.kind;
  return out;
}

ChannelDelivery TelegramService::send_message(const domain::TelegramBot& bot, const std::string& chat_id,
                                              const domain::OutboxItem& item, const json::object& message) {
  ChannelDelivery out;
  const std::string html = domain::to_telegram_html(str(message, "text"));
  const std::string plain = str(message, "text_plain");
  std::vector<FileId> files;
  if (const json::value* list = message.if_contains("files"); list && list->is_array())
    for (const json::value& f : list->as_array())
      if (f.is_object())
        if (const std::int64_t id = int_of(f.as_object(), "id"); id > 0) files.emplace_back(id);
  // The parts, always the same for the same message: the text alone (when there are no files,
  // or it is too long for a caption), then each file, the first with the text as its caption.
  struct Part {
    int file = -1;  // index into files; -1 the text
    bool caption = false;
  };
  const bool text_as_caption = !files.empty() && !html.empty() &&
                               utf16_length(plain.empty() ? html : plain) <= kCaptionLimit;
  std::vector<Part> parts;
  if (files.empty() || (!html.empty() && !text_as_caption)) parts.push_back(Part{});
  for (std::size_t i = 0; i < files.size(); ++i)
    parts.push_back(Part{static_cast<int>(i), i == 0 && text_as_caption});
  // Parts an earlier attempt sent are not sent again.
  auto ours = store_.read_value<domain::Message>([&](store::ReadTx& tx) { return tx.message_by_id(item.message_id); });
  std::vector<std::string> sent = ours.ok() ? sent_parts(ours->external_id, chat_id) : std::vector<std::string>();
  for (std::size_t i = sent.size(); i < parts.size(); ++i) {
    TelegramReply r;
    if (parts[i].file < 0) {
      r = api_.call(bot.token, "sendMessage",
                    json::object{{"chat_id", chat_id}, {"text", html}, {"parse_mode", "HTML"}});
    } else {
      const FileId file = files[static_cast<std::size_t>(parts[i].file)];
      auto f = files_.read(file);
      if (!f.ok()) {
        out.permanent = f.error().code == ErrorCode::kNotFound;
        out.error = "file " + std::to_string(file.get()) + ": " + f.error().message;
        return out;
      }
      std::vector<std::pair<std::string, std::string>> fields{{"chat_id", chat_id}};
      if (parts[i].caption) {
        fields.emplace_back("caption", html);
        fields.emplace_back("parse_mode", "HTML");
      }
      const bool photo = as_photo(f->file.mime, f->file.size);
      r = api_.upload(bot.token, photo ? "sendPhoto" : "sendDocument", fields,
                      TelegramUpload{photo ? "photo" : "document", f->file.name, f->file.mime, f->bytes});
      // A picture Telegram will not take as a photo (dimensions, format) goes as a document.
      if (photo && !r.ok && r.error_code == 400 &&
          (r.description.find("PHOTO") != std::string::npos || r.description.find("IMAGE") != std::string::npos))
        r = api_.upload(bot.token, "sendDocument", fields,
                        TelegramUpload{"document", f->file.name, f->file.mime, f->bytes});
    }
    if (!r.ok) return outcome_of(r);
    std::string id = r.result.is_object() ? as_id(r.result.as_object().if_contains("message_id")) : std::string();
    if (id.empty() || id.find_first_of(",:") != std::string::npos) id = "0";  // keeps the count of parts
    sent.push_back(id);
    if (Status st = dialogs_.set_external_id(item.message_id, parts_external_id(chat_id, sent)); !st.ok())
      spdlog::warn("telegram: cannot record the ids of message {}: {}", item.message_id.get(), st.error().message);
  }
  out.delivered = true;
  return out;
}

void TelegramService::start() {
  // A bot set up for the other mode (--public-url was added or removed since) is set up again.
  auto bots = store_.read_value<std::vector<domain::TelegramBot>>(
      [](store::ReadTx& tx) { return tx.telegram_bots(); });
  if (bots.ok()) {
    for (auto& bot : *bots) {
      if (bot.webhook == !config_.public_url.empty()) continue;
      auto channel = store_.read_value<domain::Channel>(
          [&](store::ReadTx& tx) { return tx.channel_by_id(bot.channel); });
      if (!channel.ok()) continue;
      if (auto r = attach(*channel, bot); !r.ok())
        spdlog::warn("telegram channel {}: cannot switch how updates arrive: {}", bot.channel.get(),
                     r.error().message);
    }
  }
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void TelegramService::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void TelegramService::poke() {
  {
    std::lock_guard lock(mu_);
    poked_ = true;
  }
  cv_.notify_all();
}

void TelegramService::run() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      if (stopping_) return;
    }
    try {
      poll_once();
    } catch (const std::exception& e) {
      spdlog::error("telegram polling: {}", e.what());
    }
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(config_.poll_interval_ms),
                 [this] { return stopping_ || poked_; });
    poked_ = false;
  }
}

void TelegramService::poll_once() {
  auto bots = store_.read_value<std::vector<domain::TelegramBot>>(
      [](store::ReadTx& tx) { return tx.telegram_bots(); });
  if (!bots.ok()) return;
  for (const auto& bot : *bots) {
    if (bot.webhook) continue;
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
    }
    const TelegramReply r = api_.call(bot.token, "getUpdates",
                                      json::object{{"offset", bot.update_offset},
                                                   {"timeout", 0},
                                                   {"limit", 100},
                                                   {"allowed_updates", allowed_updates()}});
    if (!r.ok || !r.result.is_array()) {
      spdlog::debug("telegram channel {}: getUpdates failed: {} {}", bot.channel.get(), r.error_code, r.description);
      continue;
    }
    std::int64_t next = bot.update_offset;
    for (const json::value& u : r.result.as_array()) {
      const json::value* id = u.is_object() ? u.as_object().if_contains("update_id") : nullptr;
      const std::int64_t update_id = id && id->is_int64() ? id->as_int64() : -1;
      if (update_id >= 0 && update_id < bot.update_offset) continue;  // already handled
      if (Status st = handle_update(bot.channel, u); !st.ok()) {
        spdlog::warn("telegram channel {}: update {} not stored yet: {}", bot.channel.get(), update_id,
                     st.error().message);
        break;  // asked for again next time (ingest is idempotent)
      }
      if (update_id >= 0) next = std::max(next, update_id + 1);
    }
    if (next != bot.update_offset) {
      if (Status st = store_.write([&](store::WriteTx& tx) { return tx.set_telegram_offset(bot.channel, next); });
          !st.ok())
        spdlog::warn("telegram channel {}: cannot keep the offset: {}", bot.channel.get(), st.error().message);
    }
  }
}

}  // namespace omniline::services
