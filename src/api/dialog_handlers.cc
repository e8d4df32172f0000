// /api/v1/dialogs and /api/v1/messages: the dialog lists, history, sending and actions.
#include <charconv>

#include "api/api.h"
#include "api/json_util.h"
#include "services/crypto.h"
#include "services/views.h"

namespace omniline::api {
namespace json = boost::json;
namespace views = services::views;
namespace {

std::optional<std::int64_t> to_i64(std::string_view s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// The dialog list is ordered by (last activity, id): its cursor carries both.
std::string dialog_cursor(UnixMs at, std::int64_t id) {
  return crypto::to_base64url("d:" + std::to_string(at) + ":" + std::to_string(id));
}

Status parse_dialog_cursor(std::string_view c, store::DialogQuery& q) {
  auto bad = Error::invalid("bad cursor");
  auto decoded = c.size() <= 64 ? crypto::from_base64url(c) : std::nullopt;
  if (!decoded || !decoded->starts_with("d:")) return bad;
  std::string_view rest = std::string_view(*decoded).substr(2);
  auto colon = rest.find(':');
  if (colon == std::string_view::npos) return bad;
  auto at = to_i64(rest.substr(0, colon));
  auto id = to_i64(rest.substr(colon + 1));
  if (!at || !id || *at < 0 || *id <= 0 || dialog_cursor(*at, *id) != c) return bad;
  q.before_at = *at;
  q.before_id = *id;
  return {};
}

Result<std::optional<LineId>> line_filter(const Request& req) {
  auto l = req.query_param("line_id");
  if (!l || l->empty()) return std::optional<LineId>();
  auto v = to_i64(*l);
  if (!v || *v <= 0) return Error::invalid("line_id must be a positive integer");
  return std::optional<LineId>(LineId(*v));
}

json::object detail_json(const services::DialogDetail& d) {
  json::object o = views::dialog(d.dialog, d.session, d.customer, d.last_message, d.last_author,
                                 d.channel ? &*d.channel : nullptr);
  o["unread"] = d.unread;
  return o;
}

}  // namespace

void Api::add_dialog_routes() {
  router_.add("GET", "/api/v1/dialogs", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    store::DialogQuery q;
    const std::string view(req.query_param("view").value_or("unanswered"));
    if (view == "unanswered")
      q.view = store::DialogView::kUnanswered;
    else if (view == "mine")
      q.view = store::DialogView::kMine;
    else if (view == "all")
      q.view = store::DialogView::kAll;
    else
      return error_response(Error::invalid("view must be unanswered, mine or all"));
    auto line = line_filter(req);
    if (!line.ok()) return error_response(line.error());
    q.line_id = *line;
    q.q = std::string(req.query_param("q").value_or(""));
    if (q.q.size() > 200) return error_response(Error::invalid("q is too long"));
    if (auto l = req.query_param("limit")) {
      auto v = to_i64(*l);
      if (!v || *v < 1 || *v > 200)
        return error_response(Error::invalid("limit must be an integer from 1 to 200"));
      q.limit = static_cast<int>(*v);
    }
    if (auto c = req.query_param("cursor"); c && !c->empty()) {
      if (Status st = parse_dialog_cursor(*c, q); !st.ok()) return error_response(st.error());
    }
    auto res = deps_.dialogs.list(*who, q);
    if (!res.ok()) return error_response(res.error());
    std::vector<domain::Message> last_messages;
    for (const auto& row : res->items)
      if (row.last_message) last_messages.push_back(*row.last_message);
    auto names = deps_.dialogs.author_names_of(last_messages);
    json::array items;
    for (const auto& row : res->items) {
      const std::string name = row.last_message ? names[row.last_message->id.get()] : "";
      json::object o = views::dialog(row.dialog, row.session, row.customer, row.last_message, name,
                                     row.channel ? &*row.channel : nullptr);
      o["unread"] = row.unread;
      items.push_back(std::move(o));
    }
    json::object o{{"items", std::move(items)}, {"next_cursor", nullptr}};
    if (res->has_more && !res->items.empty()) {
      const auto& last = res->items.back().dialog;
      o["next_cursor"] = dialog_cursor(last.last_message_at, last.id.get());
    }
    return json_response(200, o);
  });

  router_.add("GET", "/api/v1/dialogs/counts", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto line = line_filter(req);
    if (!line.ok()) return error_response(line.error());
    auto c = deps_.dialogs.counts(*who, *line);
    if (!c.ok()) return error_response(c.error());
    json::object o{{"unanswered", c->unanswered}, {"mine", c->mine}};
    o["all"] = c->all >= 0 ? json::value(c->all) : json::value();
    return json_response(200, o);
  });

  router_.add("GET", "/api/v1/dialogs/{id}", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto id = path_id(req, "id");
    if (!id.ok()) return error_response(id.error());
    auto d = deps_.dialogs.get(*who, DialogId(*id));
    if (!d.ok()) return error_response(d.error());
    return json_response(200, detail_json(*d));
  });

  router_.add("GET", "/api/v1/dialogs/{id}/related", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto id = path_id(req, "id");
    if (!id.ok()) return error_response(id.error());
    auto res = deps_.dialogs.related(*who, DialogId(*id));
    if (!res.ok()) return error_response(res.error());
    json::array items;
    for (const auto& d : *res)
      items.push_back(json::object{{"id", d.id.get()},
                                   {"channel_id", d.channel_id.get()},
                                   {"line_id", d.line_id.get()},
                                   {"title", d.title},
                                   {"last_message_at", d.last_message_at
                                                           ? json::value(format_rfc3339(d.last_message_at))
                                                           : json::value()}});
    return json_response(200, json::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
  });

  router_.add("GET", "/api/v1/dialogs/{id}/sessions", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto id = path_id(req, "id");
    if (!id.ok()) return error_response(id.error());
    auto page = page_params(req);  // the cursor is the oldest session id seen
    if (!page.ok()) return error_response(page.error());
    auto res = deps_.dialogs.sessions(*who, DialogId(*id), SessionId(page->after), page->limit);
    if (!res.ok()) return error_response(res.error());
    json::array items;
    for (const auto& s : res->items) items.push_back(views::session(s));
    std::optional<std::int64_t> next;
    if (res->has_more && !res->items.empty()) next = res->items.back().id.get();
    return json_response(200, page_object(std::move(items), next));
  });

  router_.add("GET", "/api/v1/dialogs/{id}/messages", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto id = path_id(req, "id");
    if (!id.ok()) return error_response(id.error());
    auto page = page_params(req);  // the cursor is the oldest id seen: older ones follow
    if (!page.ok()) return error_response(page.error());
    auto res = deps_.dialogs.history(*who, DialogId(*id), MessageId(page->after), page->limit);
    if (!res.ok()) return error_response(res.error());
    auto names = deps_.dialogs.author_names_of(res->items);
    json::array items;
    // Newest last: the page is read newest first.
    for (auto it = res->items.rbegin(); it != res->items.rend(); ++it)
      items.push_back(views::message(*it, names[it->id.get()]));
    std::optional<std::int64_t> next;
    if (res->has_more && !res->items.empty()) next = res->items.back().id.get();
    return json_response(200, page_object(std::move(items), next));
  });

  router_.add("POST", "/api/v1/dialogs/{id}/messages", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto id = path_id(req, "id");
    if (!id.ok()) return error_response(id.error());
    auto body = parse_object(req.body);
    if (!body.ok()) return error_response(body.error());
    services::NewMessage in;
    auto files = opt_ids(*body, "files");
    if (!files.ok()) return error_response(files.error());
    for (std::int64_t f : *files) in.files.emplace_back(f);
    auto text = message_text(*body, !in.files.empty());
    if (!text.ok()) return error_response(text.error());
    in.text = std::move(*text);
    auto hidden = opt_bool(*body, "hidden");
    if (!hidden.ok()) return error_response(hidden.error());
    in.hidden = hidden->value_or(false);
    auto reply = opt_int(*body, "reply_to");
    if (!reply.ok()) return error_response(reply.error());
    if (*reply) in.reply_to = MessageId(**reply);
    auto m = deps_.dialogs.send(*who, DialogId(*id), in);
    if (!m.ok()) return error_response(m.error());
    return json_response(201, views::message(*m, who->employee.name));
  });

  router_.add("POST", "/api/v1/dialogs/{id}/typing", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto id = path_id(req, "id");
    if (!id.ok()) return error_response(id.error());
    if (Status st = deps_.dialogs.typing(*who, DialogId(*id)); !st.ok())
      return error_response(st.error());
    return no_content();
  });

  router_.add("POST", "/api/v1/dialogs/{id}/{action}", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto id = path_id(req, "id");
    if (!id.ok()) return error_response(id.error());
    auto action = services::parse_dialog_action(req.params["action"]);
    if (!action) return error_response(Error::not_found("no such action"));
    services::ActionParams p;
    if (!req.body.empty()) {
      auto body = parse_object(req.body);
      if (!body.ok()) return error_response(body.error());
      auto emp = opt_int(*body, "employee_id");
      if (!emp.ok()) return error_response(emp.error());
      if (*emp) p.employee = EmployeeId(**emp);
      auto line = opt_int(*body, "line_id");
      if (!line.ok()) return error_response(line.error());
      if (*line) p.line = LineId(**line);
      auto title = opt_string(*body, "title");
      if (!title.ok()) return error_response(title.error());
      p.title = *title;
      auto from = opt_int(*body, "from_message_id");
      if (!from.ok()) return error_response(from.error());
      if (*from) p.message = MessageId(**from);
      auto upto = opt_int(*body, "message_id");
      if (!upto.ok()) return error_response(upto.error());
      if (*upto) p.message = MessageId(**upto);
    }
    if ((*action == services::DialogAction::kInvite) && !p.employee.is_valid())
      return error_response(Error::invalid("employee_id is required"));
    if (*action == services::DialogAction::kNewSession && !p.message.is_valid())
      return error_response(Error::invalid("from_message_id is required"));
    auto d = deps_.dialogs.act(*who, DialogId(*id), *action, p);
    if (!d.ok()) return error_response(d.error());
    return json_response(200, detail_json(*d));
  });

  router_.add("POST", "/api/v1/messages/{id}/retry", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto id = path_id(req, "id");
    if (!id.ok()) return error_response(id.error());
    auto m = deps_.dialogs.retry_delivery(*who, MessageId(*id));
    if (!m.ok()) return error_response(m.error());
    return json_response(200, views::message(*m, who->employee.name));
  });

  router_.add("PATCH", "/api/v1/messages/{id}", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto id = path_id(req, "id");
    if (!id.ok()) return error_response(id.error());
    auto body = parse_object(req.body);
    if (!body.ok()) return error_response(body.error());
    auto text = req_string(*body, "text");
    if (!text.ok()) return error_response(text.error());
    auto m = deps_.dialogs.edit_message(*who, MessageId(*id), std::move(*text));
    if (!m.ok()) return error_response(m.error());
    return json_response(200, views::message(*m, who->employee.name));
  });

  router_.add("GET", "/api/v1/messages/{id}/edits", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto id = path_id(req, "id");
    if (!id.ok()) return error_response(id.error());
    auto res = deps_.dialogs.message_edits(*who, MessageId(*id));
    if (!res.ok()) return error_response(res.error());
    json::array items;
    for (const auto& e : *res)
      items.push_back(json::object{{"previous_text", e.previous_text},
                                   {"editor_id", e.editor.get()},
                                   {"edited_at", format_rfc3339(e.edited_at)}});
    return json_response(200, page_object(std::move(items), std::nullopt));
  });

  router_.add("DELETE", "/api/v1/messages/{id}", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto id = path_id(req, "id");
    if (!id.ok()) return error_response(id.error());
    auto m = deps_.dialogs.delete_message(*who, MessageId(*id));
    if (!m.ok()) return error_response(m.error());
    return no_content();
  });

  router_.add("PUT", "/api/v1/me/away", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto body = parse_object(req.body);
    if (!body.ok()) return error_response(body.error());
    auto away = opt_bool(*body, "away");
    if (!away.ok()) return error_response(away.error());
    if (!*away) return error_response(Error::invalid("field 'away' is required"));
    if (Status st = deps_.routing.set_away(who->employee.id, **away); !st.ok())
      return error_response(st.error());
    return json_response(200, json::object{{"away", **away}});
  });

  router_.add("POST", "/api/v1/testing/clock", [this](Request& req) {
    if (!deps_.test_clock) return error_response(Error::not_found("no such endpoint"));
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto body = parse_object(req.body);
    if (!body.ok()) return error_response(body.error());
    auto s = opt_int(*body, "advance_s");
    if (!s.ok()) return error_response(s.error());
    if (!*s || **s < 0 || **s > 365LL * 24 * 3600)
      return error_response(Error::invalid("advance_s must be 0..31536000"));
    deps_.test_clock->advance(**s * 1000);
    deps_.routing.tick();
    deps_.routing.drain();
    if (deps_.outbox) deps_.outbox->poke();
    return json_response(200, json::object{{"now", format_rfc3339(deps_.test_clock->now())}});
  });
}

}  // namespace omniline::api
