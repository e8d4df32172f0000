// /api/v1/widget/…: the website chat's customer API (CORS, customer tokens, rate limits), and
// /hooks/api/{channel_id}/…: the custom connector's inbound side.
#include "api/api.h"
#include "api/json_util.h"
#include "api/static_files.h"
#include "services/crypto.h"
#include "services/views.h"

namespace omniline::api {
namespace json = boost::json;
namespace views = services::views;
namespace {

std::string bearer(const Request& req) {
  auto h = req.header("authorization");
  if (!h || h->size() < 7) return {};
  std::string_view v = *h;
  std::string scheme(v.substr(0, 7));
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "bearer ") return {};
  return std::string(v.substr(7));
}

// CORS for the widget: the Origin, when present, must be allowed by the channel; the answer
// then names it (never "*", so no other site can read a customer's replies).
Response with_cors(Response r, const Request& req) {
  if (auto o = req.header("origin")) {
    r.set_header("Access-Control-Allow-Origin", std::string(*o));
    r.set_header("Vary", "Origin");
  }
  return r;
}

Status check_origin(const Request& req, const domain::Channel& c) {
  auto o = req.header("origin");
  if (o && !domain::origin_allowed(c, *o))
    return Error::forbidden("this website may not use the chat");
  return {};
}

Response rate_limited(int seconds) {
  Response r = error_response(Error::rate_limited("too many requests; slow down", seconds));
  return r;
}

}  // namespace

Response widget_preflight(const Request& req) {
  Response r;
  r.status = 204;
  r.body.clear();
  if (auto o = req.header("origin")) {
    r.set_header("Access-Control-Allow-Origin", std::string(*o));
    r.set_header("Vary", "Origin");
  }
  r.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
  r.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type");
  r.set_header("Access-Control-Max-Age", "600");
  return r;
}

void Api::add_widget_routes() {
  // Every widget call goes through here: per-IP limit, customer token, origin check.
  auto caller = [this](const Request& req) -> Result<services::WidgetCaller> {
    if (int wait = deps_.widget.limit_ip(req.remote_ip); wait > 0)
      return Error::rate_limited("too many requests; slow down", wait);
    auto who = deps_.widget.authenticate(bearer(req));
    if (!who.ok()) return who;
    if (Status st = check_origin(req, who->channel); !st.ok()) return st.error();
    return who;
  };

  // A sample company page with the widget of the first website chat channel on it.
  router_.add("GET", "/demo", [this](Request& req) {
    (void)req;
    if (config_.web_root.empty()) return error_response(Error::not_found("no web app"));
    auto page = read_file(config_.web_root + "/demo/index.html");
    if (!page) return error_response(Error::not_found("the demo page is not built"));
    auto channel = deps_.widget.demo_channel();
    if (!channel.ok())
      return error_response(Error::not_found(
          "no website chat channel yet: add one in Admin → Lines, then reload this page"));
    const std::string marker = "__CHANNEL_ID__";
    for (auto at = page->find(marker); at != std::string::npos; at = page->find(marker, at))
      page->replace(at, marker.size(), std::to_string(channel->get()));
    Response r;
    r.status = 200;
    r.content_type = "text/html; charset=utf-8";
    r.body = std::move(*page);
    r.set_header("Cache-Control", "no-cache");
    r.set_header("Content-Security-Policy", std::string(kPageCsp));
    return r;
  });

  router_.add("GET", "/api/v1/widget/channels/{id}/config", [this](Request& req) {
    if (int wait = deps_.widget.limit_ip(req.remote_ip); wait > 0)
      return with_cors(rate_limited(wait), req);
    auto id = path_id(req, "id");
    if (!id.ok()) return with_cors(error_response(id.error()), req);
    auto c = deps_.widget.config(ChannelId(*id), std::string(req.header("origin").value_or("")));
    if (!c.ok()) return with_cors(error_response(c.error()), req);
    json::object o{
        {"channel", json::object{{"id", c->channel.id.get()}, {"name", c->channel.name}}},
        {"widget", views::widget(c->channel.widget)},
        {"show_operator", c->show_operator}};
    return with_cors(json_response(200, o), req);
  });

  router_.add("POST", "/api/v1/widget/channels/{id}/session", [this](Request& req) {
    if (int wait = deps_.widget.limit_ip(req.remote_ip); wait > 0)
      return with_cors(rate_limited(wait), req);
    auto id = path_id(req, "id");
    if (!id.ok()) return with_cors(error_response(id.error()), req);
    services::WidgetStart in;
    in.channel = ChannelId(*id);
    in.origin = std::string(req.header("origin").value_or(""));
    if (!req.body.empty()) {
      auto body = parse_object(req.body);
      if (!body.ok()) return with_cors(error_response(body.error()), req);
      auto token = opt_string(*body, "token");
      if (!token.ok()) return with_cors(error_response(token.error()), req);
      in.token = *token;
      auto name = opt_string(*body, "name");
      if (!name.ok()) return with_cors(error_response(name.error()), req);
      in.name = name->value_or("");
      auto email = opt_string(*body, "email");
      if (!email.ok()) return with_cors(error_response(email.error()), req);
      in.email = email->value_or("");
      auto phone = opt_string(*body, "phone");
      if (!phone.ok()) return with_cors(error_response(phone.error()), req);
      in.phone = phone->value_or("");
      auto consent = opt_bool(*body, "consent");
      if (!consent.ok()) return with_cors(error_response(consent.error()), req);
      in.consent = consent->value_or(false);
    }
    auto s = deps_.widget.start(in);
    if (!s.ok()) return with_cors(error_response(s.error()), req);
    json::object o{{"token", s->token},
                   {"customer", json::object{{"id", s->customer.id.get()},
                                             {"name", s->customer.name},
                                             {"email", s->customer.email},
                                             {"phone", s->customer.phone}}},
                   {"channel", json::object{{"id", s->channel.id.get()}, {"name", s->channel.name}}},
                   {"dialog", nullptr}};
    if (s->dialog && s->session) o["dialog"] = views::customer_dialog(*s->dialog, *s->session);
    return with_cors(json_response(200, o), req);
  });

  router_.add("GET", "/api/v1/widget/messages", [this, caller](Request& req) {
    auto who = caller(req);
    if (!who.ok()) return with_cors(error_response(who.error()), req);
    auto page = page_params(req);
    if (!page.ok()) return with_cors(error_response(page.error()), req);
    auto res = deps_.widget.history(*who, MessageId(page->after), page->limit);
    if (!res.ok()) return with_cors(error_response(res.error()), req);
    const auto& items_in = res->page.items;
    json::array items;
    for (auto it = items_in.rbegin(); it != items_in.rend(); ++it) {
      const auto& shown = res->authors[it->id.get()];
      items.push_back(views::customer_message(*it, shown.name, shown.avatar_url));
    }
    std::optional<std::int64_t> next;
    if (res->page.has_more && !items_in.empty()) next = items_in.back().id.get();
    return with_cors(json_response(200, page_object(std::move(items), next)), req);
  });

  router_.add("POST", "/api/v1/widget/messages", [this, caller](Request& req) {
    auto who = caller(req);
    if (!who.ok()) return with_cors(error_response(who.error()), req);
    if (int wait = deps_.widget.limit_customer(who->customer.id); wait > 0)
      return with_cors(rate_limited(wait), req);
    auto body = parse_object(req.body);
    if (!body.ok()) return with_cors(error_response(body.error()), req);
    auto file_ids = opt_ids(*body, "files");
    if (!file_ids.ok()) return with_cors(error_response(file_ids.error()), req);
    std::vector<FileId> files(file_ids->begin(), file_ids->end());
    auto text = message_text(*body, !files.empty());
    if (!text.ok()) return with_cors(error_response(text.error()), req);
    auto client_id = opt_string(*body, "client_id");
    if (!client_id.ok()) return with_cors(error_response(client_id.error()), req);
    auto m = deps_.widget.send(*who, *text, client_id->value_or(""), std::move(files));
    if (!m.ok()) return with_cors(error_response(m.error()), req);
    return with_cors(json_response(201, views::customer_message(*m, who->customer.name)), req);
  });

  router_.add("POST", "/api/v1/widget/files", [this, caller](Request& req) {
    auto who = caller(req);
    if (!who.ok()) return with_cors(error_response(who.error()), req);
    if (int wait = deps_.widget.limit_customer(who->customer.id); wait > 0)
      return with_cors(rate_limited(wait), req);
    auto part = uploaded_file(req);
    if (!part.ok()) return with_cors(error_response(part.error()), req);
    auto f = deps_.files.upload(services::Uploader{{}, who->customer.id}, part->name, part->data);
    if (!f.ok()) return with_cors(error_response(f.error()), req);
    return with_cors(json_response(201, views::file(*f)), req);
  });

  router_.add("POST", "/api/v1/widget/typing", [this, caller](Request& req) {
    auto who = caller(req);
    if (!who.ok()) return with_cors(error_response(who.error()), req);
    if (Status st = deps_.widget.typing(*who); !st.ok())
      return with_cors(error_response(st.error()), req);
    return with_cors(no_content(), req);
  });

  router_.add("POST", "/api/v1/widget/read", [this, caller](Request& req) {
    auto who = caller(req);
    if (!who.ok()) return with_cors(error_response(who.error()), req);
    MessageId upto;
    if (!req.body.empty()) {
      auto body = parse_object(req.body);
      if (!body.ok()) return with_cors(error_response(body.error()), req);
      auto id = opt_int(*body, "message_id");
      if (!id.ok()) return with_cors(error_response(id.error()), req);
      if (*id) upto = MessageId(**id);
    }
    if (Status st = deps_.widget.read(*who, upto); !st.ok())
      return with_cors(error_response(st.error()), req);
    return with_cors(no_content(), req);
  });
}

void Api::add_hook_routes() {
  // The connector authenticates with the channel's secret; a wrong secret and an unknown
  // channel look the same.
  auto channel_for = [this](const Request& req) -> Result<domain::Channel> {
    auto id = path_id(req, "channel_id");
    if (!id.ok()) return std::move(id).take_error();
    const std::string presented = bearer(req);
    if (presented.empty()) return Error::unauthorized("Authorization: Bearer <channel secret> is required");
    auto c = deps_.store.read_value<domain::Channel>(
        [&](store::ReadTx& tx) { return tx.channel_by_id(ChannelId(*id)); });
    if (!c.ok() || c->kind != domain::ChannelKind::kApi ||
        !crypto::equal_ct(c->secret, presented))
      return Error::unauthorized("unknown channel or wrong secret");
    if (!c->active) return Error::forbidden("the channel is disabled");
    return c;
  };

  router_.add("POST", "/hooks/api/{channel_id}/messages", [this, channel_for](Request& req) {
    auto channel = channel_for(req);
    if (!channel.ok()) return error_response(channel.error());
    auto body = parse_object(req.body);
    if (!body.ok()) return error_response(body.error());
    auto object_field = [&](const char* name) -> Result<const json::object*> {
      auto it = body->find(name);
      if (it == body->end() || !it->value().is_object())
        return Error::invalid(std::string("field '") + name + "' must be an object");
      return &it->value().as_object();
    };
    // Ids may be strings or integers (many systems use numbers).
    auto id_of = [](const json::object& o, const char* field) -> Result<std::string> {
      auto it = o.find("id");
      if (it == o.end()) return Error::invalid(std::string(field) + ".id is required");
      if (it->value().is_string()) return std::string(it->value().as_string());
      if (it->value().is_int64()) return std::to_string(it->value().as_int64());
      return Error::invalid(std::string(field) + ".id must be a string or an integer");
    };
    auto user = object_field("user");
    if (!user.ok()) return error_response(user.error());
    auto message = object_field("message");
    if (!message.ok()) return error_response(message.error());
    services::InboundMessage in;
    in.channel = channel->id;
    auto uid = id_of(**user, "user");
    if (!uid.ok()) return error_response(uid.error());
    in.user_id = *uid;
    for (auto [field, target] : {std::pair{"name", &in.user_name}, std::pair{"email", &in.user_email},
                                 std::pair{"phone", &in.user_phone}}) {
      auto v = opt_string(**user, field);
      if (!v.ok()) return error_response(Error::invalid("user." + std::string(field) + " must be a string"));
      *target = v->value_or("");
    }
    if (auto it = body->find("chat"); it != body->end() && !it->value().is_null()) {
      if (!it->value().is_object()) return error_response(Error::invalid("field 'chat' must be an object"));
      auto cid = id_of(it->value().as_object(), "chat");
      if (!cid.ok()) return error_response(cid.error());
      in.chat_id = *cid;
    }
    auto mid = id_of(**message, "message");
    if (!mid.ok()) return error_response(mid.error());
    in.message_id = *mid;
    // message.files: [{"url": "https://…", "name"?: "…"}], fetched before the message is stored.
    std::vector<std::pair<std::string, std::string>> file_urls;
    if (auto f = (*message)->find("files"); f != (*message)->end() && !f->value().is_null()) {
      const Error bad = Error::invalid("message.files must be an array of {\"url\", \"name\"?}");
      if (!f->value().is_array()) return error_response(bad);
      for (const json::value& v : f->value().as_array()) {
        if (!v.is_object()) return error_response(bad);
        auto url = req_string(v.as_object(), "url");
        auto name = opt_string(v.as_object(), "name");
        if (!url.ok() || !name.ok()) return error_response(bad);
        file_urls.emplace_back(std::move(*url), name->value_or(""));
      }
      if (file_urls.size() > domain::kMaxFilesPerMessage)
        return error_response(Error::invalid("message.files: at most " +
                                             std::to_string(domain::kMaxFilesPerMessage) + " files"));
    }
    auto text = message_text(**message, !file_urls.empty());
    if (!text.ok()) return error_response(Error::invalid("message.text must be a string"));
    in.text = std::move(*text);
    // A retry of a stored message is answered without downloading its files again.
    if (!file_urls.empty()) {
      auto known = deps_.store.read_value<std::optional<domain::Message>>(
          [&](store::ReadTx& tx) -> Result<std::optional<domain::Message>> {
            auto m = tx.message_by_external(in.channel, in.message_id);
            if (m.ok()) return std::optional<domain::Message>(std::move(*m));
            if (m.error().code == ErrorCode::kNotFound) return std::optional<domain::Message>();
            return m.error();
          });
      if (!known.ok()) return error_response(known.error());
      if (*known)
        return json_response(200, json::object{{"dialog_id", (*known)->dialog_id.get()},
                                               {"message_id", (*known)->id.get()},
                                               {"duplicate", true}});
      for (const auto& [url, name] : file_urls) {
        auto f = deps_.files.fetch_for_channel(url, name);
        if (!f.ok()) return error_response(f.error());
        in.files.push_back(f->id);
      }
      in.files_from_channel = true;
    }
    auto r = deps_.dialogs.ingest(in);
    if (!r.ok()) return error_response(r.error());
    return json_response(200, json::object{{"dialog_id", r->dialog.get()},
                                           {"message_id", r->message.get()},
                                           {"duplicate", r->duplicate}});
  });

  // Telegram's webhook: the channel secret comes back as X-Telegram-Bot-Api-Secret-Token.
  router_.add("POST", "/hooks/telegram/{channel_id}", [this](Request& req) {
    auto id = path_id(req, "channel_id");
    if (!id.ok() || !deps_.telegram) return error_response(Error::unauthorized("unknown channel"));
    Status st = deps_.telegram->webhook(ChannelId(*id),
                                        req.header("x-telegram-bot-api-secret-token").value_or(""),
                                        req.body);
    if (!st.ok()) return error_response(st.error());
    return json_response(200, json::object{{"ok", true}});
  });

  router_.add("POST", "/hooks/api/{channel_id}/status", [this, channel_for](Request& req) {
    auto channel = channel_for(req);
    if (!channel.ok()) return error_response(channel.error());
    auto body = parse_object(req.body);
    if (!body.ok()) return error_response(body.error());
    auto id = opt_int(*body, "message_id");
    if (!id.ok()) return error_response(id.error());
    if (!*id) return error_response(Error::invalid("field 'message_id' is required"));
    auto status = req_string(*body, "status");
    if (!status.ok()) return error_response(status.error());
    auto s = domain::parse_delivery_status(*status);
    if (!s || (*s != domain::DeliveryStatus::kDelivered && *s != domain::DeliveryStatus::kRead))
      return error_response(Error::invalid("status must be delivered or read"));
    if (Status st = deps_.dialogs.set_delivery(MessageId(**id), *s, channel->id); !st.ok())
      return error_response(st.error());
    return json_response(200, json::object{{"message_id", **id}, {"status", *status}});
  });
}

}  // namespace omniline::api
