// /api/v1/lines and /api/v1/channels: lines, their queues and routing, and their channels.
#include "api/api.h"
#include "api/json_util.h"
#include "domain/permissions.h"
#include "services/views.h"

namespace omniline::api {
namespace json = boost::json;
namespace views = services::views;
namespace {

Result<std::vector<EmployeeId>> parse_queue(const json::value& v) {
  if (!v.is_array()) return Error::invalid("queue must be an array of employee ids");
  std::vector<EmployeeId> out;
  for (const auto& e : v.as_array()) {
    if (!e.is_int64() || e.as_int64() <= 0)
      return Error::invalid("queue must be an array of employee ids");
    out.emplace_back(e.as_int64());
  }
  return out;
}

// Applies the fields present in `o` onto `r`.
Status merge_routing(const json::value& v, domain::RoutingSettings& r) {
  if (!v.is_object()) return Error::invalid("routing must be an object");
  const json::object& o = v.as_object();
  for (const auto& [key, value] : o) {
    if (key != "mode" && key != "queue_time_s" && key != "max_chats" &&
        key != "max_chats_count" && key != "only_available")
      return Error::invalid("routing: unknown field '" + std::string(key) + "'");
  }
  auto mode = opt_string(o, "mode");
  if (!mode.ok()) return mode.error();
  if (*mode) {
    auto m = domain::parse_routing_mode(**mode);
    if (!m) return Error::invalid("routing.mode must be one of evenly, strictly, all");
    r.mode = *m;
  }
  auto qt = opt_int(o, "queue_time_s");
  if (!qt.ok()) return qt.error();
  if (*qt) {
    if (**qt < 0 || **qt > domain::kMaxQueueTimeS)
      return Error::invalid("routing.queue_time_s must be 0.." + std::to_string(domain::kMaxQueueTimeS));
    r.queue_time_s = static_cast<int>(**qt);
  }
  auto mc = opt_int(o, "max_chats");
  if (!mc.ok()) return mc.error();
  if (*mc) {
    if (**mc < 0 || **mc > domain::kMaxMaxChats)
      return Error::invalid("routing.max_chats must be 0.." + std::to_string(domain::kMaxMaxChats));
    r.max_chats = static_cast<int>(**mc);
  }
  if (auto it = o.find("max_chats_count"); it != o.end()) {
    if (!it->value().is_array()) return Error::invalid("routing.max_chats_count must be an array");
    unsigned mask = 0;
    for (const auto& n : it->value().as_array()) {
      auto bit = n.is_string() ? domain::parse_counted_status(n.as_string()) : std::nullopt;
      if (!bit)
        return Error::invalid(
            "routing.max_chats_count items must be new, answered, waiting_customer or closing");
      mask |= *bit;
    }
    r.max_chats_count = mask;
  }
  auto oa = opt_bool(o, "only_available");
  if (!oa.ok()) return oa.error();
  if (*oa) r.only_available = **oa;
  return {};
}

// Applies the fields present in `v` onto `w` (validated later, as a whole, by the service).
Status merge_widget(const json::value& v, domain::WidgetSettings& w) {
  if (!v.is_object()) return Error::invalid("widget must be an object");
  const json::object& o = v.as_object();
  for (const auto& [key, value] : o) {
    if (key != "title" && key != "greeting" && key != "color" && key != "position" &&
        key != "prechat_fields" && key != "prechat_required" && key != "consent_required" &&
        key != "consent_text")
      return Error::invalid("widget: unknown field '" + std::string(key) + "'");
  }
  for (auto [key, field] : {std::pair<const char*, std::string*>{"title", &w.title},
                            {"greeting", &w.greeting},
                            {"color", &w.color},
                            {"consent_text", &w.consent_text}}) {
    auto s = opt_string(o, key);
    if (!s.ok()) return s.error();
    if (*s) *field = **s;
  }
  auto position = opt_string(o, "position");
  if (!position.ok()) return position.error();
  if (*position) {
    if (**position != "left" && **position != "right")
      return Error::invalid("widget.position must be left or right");
    w.position_left = **position == "left";
  }
  for (auto [key, field] : {std::pair<const char*, bool*>{"prechat_required", &w.prechat_required},
                            {"consent_required", &w.consent_required}}) {
    auto b = opt_bool(o, key);
    if (!b.ok()) return b.error();
    if (*b) *field = **b;
  }
  if (auto it = o.find("prechat_fields"); it != o.end()) {
    if (!it->value().is_array()) return Error::invalid("widget.prechat_fields must be an array");
    unsigned mask = 0;
    for (const auto& n : it->value().as_array()) {
      auto bit = n.is_string() ? domain::parse_prechat_field(n.as_string()) : std::nullopt;
      if (!bit) return Error::invalid("widget.prechat_fields items must be name, email or phone");
      mask |= *bit;
    }
    w.prechat_fields = mask;
  }
  return {};
}

Result<std::vector<std::string>> parse_strings(const json::value& v, const char* field) {
  if (!v.is_array()) return Error::invalid(std::string(field) + " must be an array of strings");
  std::vector<std::string> out;
  for (const auto& e : v.as_array()) {
    if (!e.is_string()) return Error::invalid(std::string(field) + " must be an array of strings");
    out.emplace_back(e.as_string());
  }
  return out;
}

// A telegram channel's bot, as the admin pages show it (never its token).
json::value bot_json(store::Store& store, const domain::Channel& c) {
  if (c.kind != domain::ChannelKind::kTelegram) return nullptr;
  auto bot = store.read_value<domain::TelegramBot>([&](store::ReadTx& tx) { return tx.telegram_bot(c.id); });
  if (!bot.ok()) return nullptr;
  return json::object{{"bot_id", bot->bot_id},
                      {"username", bot->username},
                      {"first_name", bot->first_name},
                      {"mode", bot->webhook ? "webhook" : "polling"}};
}

json::object channel_json(store::Store& store, const domain::Channel& c, bool with_secret) {
  json::object o = views::channel(c, with_secret);
  if (c.kind == domain::ChannelKind::kTelegram) o["telegram"] = bot_json(store, c);
  return o;
}

json::array channels_json(store::Store& store, const std::vector<domain::Channel>& cs) {
  json::array a;
  for (const auto& c : cs) a.push_back(channel_json(store, c, false));
  return a;
}

}  // namespace

void Api::add_line_routes() {
  router_.add("GET", "/api/v1/lines", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto page = page_params(req);
    if (!page.ok()) return error_response(page.error());
    auto res = deps_.lines.list(*who, {page->after, page->limit});
    if (!res.ok()) return error_response(res.error());
    json::array items;
    for (const auto& l : res->items) items.push_back(views::line(l));
    std::optional<std::int64_t> next;
    if (res->has_more && !res->items.empty()) next = res->items.back().id.get();
    return json_response(200, page_object(std::move(items), next));
  });

  router_.add("POST", "/api/v1/lines", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto body = parse_object(req.body);
    if (!body.ok()) return error_response(body.error());
    domain::Line line;
    auto name = req_string(*body, "name");
    if (!name.ok()) return error_response(name.error());
    line.name = *name;
    if (auto it = body->find("queue"); it != body->end()) {
      auto q = parse_queue(it->value());
      if (!q.ok()) return error_response(q.error());
      line.queue = std::move(*q);
    }
    if (auto it = body->find("routing"); it != body->end()) {
      if (Status st = merge_routing(it->value(), line.routing); !st.ok())
        return error_response(st.error());
    }
    auto show = opt_bool(*body, "show_operator");
    if (!show.ok()) return error_response(show.error());
    line.show_operator = show->value_or(true);
    auto res = deps_.lines.create(*who, std::move(line));
    if (!res.ok()) return error_response(res.error());
    return json_response(201, views::line(*res));
  });

  router_.add("GET", "/api/v1/lines/{id}", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto id = path_id(req, "id");
    if (!id.ok()) return error_response(id.error());
    auto res = deps_.lines.get(*who, LineId(*id));
    if (!res.ok()) return error_response(res.error());
    return json_response(200, views::line(*res));
  });

  router_.add("PATCH", "/api/v1/lines/{id}", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto id = path_id(req, "id");
    if (!id.ok()) return error_response(id.error());
    if (!domain::may(who->employee.role, domain::Action::kManageLines))
      return error_response(Error::forbidden("only admins manage lines and channels"));
    auto body = parse_object(req.body);
    if (!body.ok()) return error_response(body.error());
    services::LinePatch patch;
    auto name = opt_string(*body, "name");
    if (!name.ok()) return error_response(name.error());
    patch.name = *name;
    if (auto it = body->find("queue"); it != body->end()) {
      auto q = parse_queue(it->value());
      if (!q.ok()) return error_response(q.error());
      patch.queue = std::move(*q);
    }
    if (auto it = body->find("routing"); it != body->end()) {
      auto cur = deps_.lines.get(*who, LineId(*id));
      if (!cur.ok()) return error_response(cur.error());
      domain::RoutingSettings r = cur->routing;
      if (Status st = merge_routing(it->value(), r); !st.ok()) return error_response(st.error());
      patch.routing = r;
    }
    auto show = opt_bool(*body, "show_operator");
    if (!show.ok()) return error_response(show.error());
    patch.show_operator = *show;
    auto res = deps_.lines.update(*who, LineId(*id), patch);
    if (!res.ok()) return error_response(res.error());
    return json_response(200, views::line(*res));
  });

  router_.add("DELETE", "/api/v1/lines/{id}", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto id = path_id(req, "id");
    if (!id.ok()) return error_response(id.error());
    if (Status st = deps_.lines.remove(*who, LineId(*id)); !st.ok()) return error_response(st.error());
    return no_content();
  });

  router_.add("GET", "/api/v1/lines/{id}/channels", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto id = path_id(req, "id");
    if (!id.ok()) return error_response(id.error());
    auto res = deps_.lines.list_channels(*who, LineId(*id));
    if (!res.ok()) return error_response(res.error());
    return json_response(200, page_object(channels_json(deps_.store, *res), std::nullopt));
  });

  router_.add("POST", "/api/v1/lines/{id}/channels", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto id = path_id(req, "id");
    if (!id.ok()) return error_response(id.error());
    if (!domain::may(who->employee.role, domain::Action::kManageLines))
      return error_response(Error::forbidden("only admins manage lines and channels"));
    auto body = parse_object(req.body);
    if (!body.ok()) return error_response(body.error());
    domain::Channel c;
    c.line_id = LineId(*id);
    auto kind = req_string(*body, "kind");
    if (!kind.ok()) return error_response(kind.error());
    auto k = domain::parse_channel_kind(*kind);
    if (!k) return error_response(Error::invalid("kind must be webchat, api or telegram"));
    c.kind = *k;
    auto name = opt_string(*body, "name");
    if (!name.ok()) return error_response(name.error());
    c.name = name->value_or(*kind == "api" ? "Connector" : "Website chat");
    auto hook = opt_string(*body, "webhook_url");
    if (!hook.ok()) return error_response(hook.error());
    c.webhook_url = hook->value_or("");
    if (auto it = body->find("allowed_origins"); it != body->end()) {
      auto o = parse_strings(it->value(), "allowed_origins");
      if (!o.ok()) return error_response(o.error());
      c.allowed_origins = std::move(*o);
    }
    if (auto it = body->find("widget"); it != body->end()) {
      if (c.kind != domain::ChannelKind::kWebchat)
        return error_response(Error::invalid("widget settings are for webchat channels"));
      if (Status st = merge_widget(it->value(), c.widget); !st.ok())
        return error_response(st.error());
    }
    // A telegram channel needs its bot: the token is checked with Telegram first.
    std::optional<domain::TelegramBot> bot;
    if (c.kind == domain::ChannelKind::kTelegram) {
      if (!deps_.telegram) return error_response(Error::unavailable("telegram channels are not enabled"));
      auto token = req_string(*body, "bot_token");
      if (!token.ok()) return error_response(Error::invalid("bot_token is required for a telegram channel"));
      auto checked = deps_.telegram->check_token(*token);
      if (!checked.ok()) return error_response(checked.error());
      bot = std::move(*checked);
      if (!name->has_value()) c.name = bot->first_name.empty() ? "Telegram" : bot->first_name;
    } else if (body->contains("bot_token")) {
      return error_response(Error::invalid("bot_token is for telegram channels"));
    }
    auto res = deps_.lines.create_channel(*who, std::move(c));
    if (!res.ok()) return error_response(res.error());
    if (res->kind == domain::ChannelKind::kTelegram) {
      // The token was checked with getMe before the channel was made; now the bot is stored and
      // its updates set up. If Telegram refuses that, the channel goes again.
      auto attached = deps_.telegram->attach(*res, std::move(*bot));
      if (!attached.ok()) {
        (void)deps_.lines.remove_channel(*who, res->id);
        return error_response(attached.error());
      }
    }
    return json_response(201, channel_json(deps_.store, *res, true));
  });

  router_.add("GET", "/api/v1/channels/{id}", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto id = path_id(req, "id");
    if (!id.ok()) return error_response(id.error());
    auto res = deps_.lines.get_channel(*who, ChannelId(*id));
    if (!res.ok()) return error_response(res.error());
    return json_response(200, channel_json(deps_.store, *res, false));
  });

  router_.add("PATCH", "/api/v1/channels/{id}", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto id = path_id(req, "id");
    if (!id.ok()) return error_response(id.error());
    if (!domain::may(who->employee.role, domain::Action::kManageLines))
      return error_response(Error::forbidden("only admins manage lines and channels"));
    auto body = parse_object(req.body);
    if (!body.ok()) return error_response(body.error());
    services::ChannelPatch patch;
    auto name = opt_string(*body, "name");
    if (!name.ok()) return error_response(name.error());
    patch.name = *name;
    auto hook = opt_string(*body, "webhook_url");
    if (!hook.ok()) return error_response(hook.error());
    patch.webhook_url = *hook;
    auto active = opt_bool(*body, "active");
    if (!active.ok()) return error_response(active.error());
    patch.active = *active;
    auto rotate = opt_bool(*body, "rotate_secret");
    if (!rotate.ok()) return error_response(rotate.error());
    patch.rotate_secret = rotate->value_or(false);
    if (auto it = body->find("allowed_origins"); it != body->end()) {
      auto o = parse_strings(it->value(), "allowed_origins");
      if (!o.ok()) return error_response(o.error());
      patch.allowed_origins = std::move(*o);
    }
    if (auto it = body->find("widget"); it != body->end()) {
      auto cur = deps_.lines.get_channel(*who, ChannelId(*id));
      if (!cur.ok()) return error_response(cur.error());
      if (cur->kind != domain::ChannelKind::kWebchat)
        return error_response(Error::invalid("widget settings are for webchat channels"));
      domain::WidgetSettings w = cur->widget;
      if (Status st = merge_widget(it->value(), w); !st.ok()) return error_response(st.error());
      patch.widget = std::move(w);
    }
    auto res = deps_.lines.update_channel(*who, ChannelId(*id), patch);
    if (!res.ok()) return error_response(res.error());
    if (res->kind == domain::ChannelKind::kTelegram && deps_.telegram && patch.rotate_secret) {
      // Telegram sends the secret back with every update: tell it the new one.
      if (Status st = deps_.telegram->refresh(*res); !st.ok()) return error_response(st.error());
    }
    return json_response(200, channel_json(deps_.store, *res, patch.rotate_secret));
  });

  router_.add("DELETE", "/api/v1/channels/{id}", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto id = path_id(req, "id");
    if (!id.ok()) return error_response(id.error());
    if (Status st = deps_.lines.remove_channel(*who, ChannelId(*id)); !st.ok())
      return error_response(st.error());
    if (deps_.telegram) deps_.telegram->detach(ChannelId(*id));  // best effort: stop its webhook
    return no_content();
  });
}

}  // namespace omniline::api
