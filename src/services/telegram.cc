#include "services/telegram.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <memory>

#include "domain/bbcode.h"
#include "services/crypto.h"

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

std::string escape_html(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '"') out += "&quot;";
    else out.push_back(c);
  }
  return out;
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

TelegramReply TelegramApi::call(const std::string& token, std::string_view method,
                                const json::object& params) const {
  TelegramReply r;
  std::unique_ptr<CURL, void (*)(CURL*)> h(curl_easy_init(), curl_easy_cleanup);
  if (!h) {
    r.description = "curl_easy_init failed";
    return r;
  }
  const std::string url = base_ + "/bot" + token + "/" + std::string(method);
  const std::string body = json::serialize(params);
  std::string response;
  char errbuf[CURL_ERROR_SIZE] = {};
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  CURL* c = h.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms_);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms_);
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "omniline");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  const CURLcode rc = curl_easy_perform(c);
  long status = 0;
  if (rc == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
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
  const std::string kind = describe_content(msg);
  if (!kind.empty()) text = text.empty() ? kind : kind + " " + text;
  if (text.empty()) text = "[a message this channel cannot show yet]";

  Status st;
  if (edited) {
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
  if (item.kind == "message") {
    std::string html = domain::to_telegram_html(str(*message, "text"));
    if (const json::value* files = message->if_contains("files"); files && files->is_array()) {
      for (const json::value& f : files->as_array()) {
        if (!f.is_object()) continue;
        const std::string name = str(f.as_object(), "name"), url = str(f.as_object(), "url");
        if (!html.empty()) html += "\n";
        html += url.rfind("http", 0) == 0
                    ? "📎 <a href=\"" + escape_html(url) + "\">" + escape_html(name) + "</a>"
                    : "📎 " + escape_html(name);
      }
    }
    const TelegramReply r = api_.call(bot->token, "sendMessage",
                                      json::object{{"chat_id", chat_id}, {"text", html}, {"parse_mode", "HTML"}});
    out = outcome_of(r);
    if (out.delivered && r.result.is_object()) {
      const std::string sent = as_id(r.result.as_object().if_contains("message_id"));
      if (!sent.empty())
        if (Status st = dialogs_.set_external_id(item.message_id, "tg:" + chat_id + ":" + sent); !st.ok())
          spdlog::warn("telegram: cannot record the id of message {}: {}", item.message_id.get(), st.error().message);
    }
    return out;
  }
  // Edits and deletions need Telegram's id of the message, recorded when it was sent.
  auto ours = store_.read_value<domain::Message>([&](store::ReadTx& tx) { return tx.message_by_id(item.message_id); });
  const std::string tg_id = ours.ok() ? telegram_message_id(ours->external_id) : std::string();
  if (tg_id.empty()) {
    out.permanent = true;  // it never reached Telegram, so there is nothing to change there
    out.error = "the message was never delivered to Telegram";
    return out;
  }
  if (item.kind == "message.updated") {
    const TelegramReply r = api_.call(bot->token, "editMessageText",
                                      json::object{{"chat_id", chat_id}, {"message_id", std::stoll(tg_id)},
                                                   {"text", domain::to_telegram_html(str(*message, "text"))},
                                                   {"parse_mode", "HTML"}});
    out = outcome_of(r);
    if (!r.ok && r.description.find("not modified") != std::string::npos) out = {.delivered = true};
    return out;
  }
  if (item.kind == "message.deleted") {
    const TelegramReply r = api_.call(bot->token, "deleteMessage",
                                      json::object{{"chat_id", chat_id}, {"message_id", std::stoll(tg_id)}});
    out = outcome_of(r);
    if (!r.ok && r.description.find("not found") != std::string::npos) out = {.delivered = true};
    return out;
  }
  out.permanent = true;
  out.error = "unknown outbox kind " + item.kind;
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
