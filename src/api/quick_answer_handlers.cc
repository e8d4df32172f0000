// /api/v1/quick-answers: reply templates, global or of one line, grouped by sections.
#include <charconv>

#include "api/api.h"
#include "api/json_util.h"
#include "services/crypto.h"

namespace omniline::api {
namespace json = boost::json;
namespace {

std::optional<std::int64_t> to_i64(std::string_view s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

json::object quick_answer_json(const domain::QuickAnswer& qa) {
  json::object o;
  o["id"] = qa.id.get();
  o["title"] = qa.title;
  o["text"] = qa.text;
  if (qa.line_id)
    o["line_id"] = qa.line_id->get();
  else
    o["line_id"] = nullptr;
  if (qa.section.empty())
    o["section"] = nullptr;
  else
    o["section"] = qa.section;
  o["created_by"] = qa.created_by.get();
  o["created_at"] = format_rfc3339(qa.created_at);
  o["updated_at"] = format_rfc3339(qa.updated_at);
  return o;
}

// The list is ordered by (title, id): its cursor carries both.
std::string qa_cursor(const std::string& title, std::int64_t id) {
  return crypto::to_base64url("q:" + std::to_string(id) + ":" + title);
}

Status parse_qa_cursor(std::string_view c, store::QuickAnswerQuery& q) {
  auto bad = Error::invalid("bad cursor");
  auto decoded = c.size() <= 400 ? crypto::from_base64url(c) : std::nullopt;
  if (!decoded || !decoded->starts_with("q:")) return bad;
  std::string_view rest = std::string_view(*decoded).substr(2);
  auto colon = rest.find(':');
  if (colon == std::string_view::npos) return bad;
  auto id = to_i64(rest.substr(0, colon));
  std::string title(rest.substr(colon + 1));
  if (!id || *id <= 0 || qa_cursor(title, *id) != c) return bad;
  q.after_id = *id;
  q.after_title = std::move(title);
  return {};
}

Result<std::optional<LineId>> line_param(const Request& req) {
  auto l = req.query_param("line_id");
  if (!l || l->empty()) return std::optional<LineId>();
  auto v = to_i64(*l);
  if (!v || *v <= 0) return Error::invalid("line_id must be a positive integer");
  return std::optional<LineId>(LineId(*v));
}

// "line_id": a positive integer, or null for a global answer.
Result<std::optional<LineId>> line_field(const json::value& v) {
  if (v.is_null()) return std::optional<LineId>();
  if (v.is_int64() && v.as_int64() > 0) return std::optional<LineId>(LineId(v.as_int64()));
  if (v.is_uint64() && v.as_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
    return std::optional<LineId>(LineId(static_cast<std::int64_t>(v.as_uint64())));
  return Error::invalid("field 'line_id' must be a positive integer or null");
}

// "section": a string, or null for none ("").
Result<std::optional<std::string>> section_field(const json::object& o) {
  auto it = o.find("section");
  if (it == o.end()) return std::optional<std::string>();
  if (it->value().is_null()) return std::optional<std::string>(std::string());
  return opt_string(o, "section");
}

Status known_fields(const json::object& o) {
  for (const auto& [key, value] : o) {
    if (key != "title" && key != "text" && key != "section" && key != "line_id")
      return Error::invalid("unknown field '" + std::string(key) + "'");
  }
  return {};
}

}  // namespace

void Api::add_quick_answer_routes() {
  router_.add("GET", "/api/v1/quick-answers", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    store::QuickAnswerQuery q;
    auto line = line_param(req);
    if (!line.ok()) return error_response(line.error());
    q.line_id = *line;
    q.q = std::string(req.query_param("q").value_or(""));
    if (q.q.size() > 200) return error_response(Error::invalid("q is too long"));
    q.section = std::string(req.query_param("section").value_or(""));
    if (q.section.size() > domain::kMaxQuickAnswerSection)
      return error_response(Error::invalid("section is too long"));
    if (auto l = req.query_param("limit")) {
      auto v = to_i64(*l);
      if (!v || *v < 1 || *v > 200)
        return error_response(Error::invalid("limit must be an integer from 1 to 200"));
      q.limit = static_cast<int>(*v);
    }
    if (auto c = req.query_param("cursor"); c && !c->empty()) {
      if (Status st = parse_qa_cursor(*c, q); !st.ok()) return error_response(st.error());
    }
    auto res = deps_.quick_answers.list(*who, std::move(q));
    if (!res.ok()) return error_response(res.error());
    json::array items;
    for (const auto& qa : res->items) items.push_back(quick_answer_json(qa));
    json::object o{{"items", std::move(items)}, {"next_cursor", nullptr}};
    if (res->has_more && !res->items.empty())
      o["next_cursor"] = qa_cursor(res->items.back().title, res->items.back().id.get());
    return json_response(200, o);
  });

  // Before /{id}: the first matching route wins.
  router_.add("GET", "/api/v1/quick-answers/sections", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto line = line_param(req);
    if (!line.ok()) return error_response(line.error());
    auto res = deps_.quick_answers.sections(*who, *line);
    if (!res.ok()) return error_response(res.error());
    json::array items;
    for (const auto& s : *res) items.emplace_back(s);
    return json_response(200, json::object{{"items", std::move(items)}});
  });

  router_.add("POST", "/api/v1/quick-answers", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto body = parse_object(req.body);
    if (!body.ok()) return error_response(body.error());
    if (Status st = known_fields(*body); !st.ok()) return error_response(st.error());
    domain::QuickAnswer qa;
    auto title = req_string(*body, "title");
    if (!title.ok()) return error_response(title.error());
    qa.title = std::move(*title);
    auto text = req_string(*body, "text");
    if (!text.ok()) return error_response(text.error());
    qa.text = std::move(*text);
    auto section = section_field(*body);
    if (!section.ok()) return error_response(section.error());
    qa.section = section->value_or("");
    if (auto it = body->find("line_id"); it != body->end()) {
      auto line = line_field(it->value());
      if (!line.ok()) return error_response(line.error());
      qa.line_id = *line;
    }
    auto res = deps_.quick_answers.create(*who, std::move(qa));
    if (!res.ok()) return error_response(res.error());
    return json_response(201, quick_answer_json(*res));
  });

  router_.add("GET", "/api/v1/quick-answers/{id}", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto id = path_id(req, "id");
    if (!id.ok()) return error_response(id.error());
    auto res = deps_.quick_answers.get(*who, QuickAnswerId(*id));
    if (!res.ok()) return error_response(res.error());
    return json_response(200, quick_answer_json(*res));
  });

  router_.add("PATCH", "/api/v1/quick-answers/{id}", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto id = path_id(req, "id");
    if (!id.ok()) return error_response(id.error());
    auto body = parse_object(req.body);
    if (!body.ok()) return error_response(body.error());
    if (Status st = known_fields(*body); !st.ok()) return error_response(st.error());
    services::QuickAnswerPatch patch;
    auto title = opt_string(*body, "title");
    if (!title.ok()) return error_response(title.error());
    patch.title = std::move(*title);
    auto text = opt_string(*body, "text");
    if (!text.ok()) return error_response(text.error());
    patch.text = std::move(*text);
    auto section = section_field(*body);
    if (!section.ok()) return error_response(section.error());
    patch.section = std::move(*section);
    if (auto it = body->find("line_id"); it != body->end()) {
      auto line = line_field(it->value());
      if (!line.ok()) return error_response(line.error());
      patch.line_id = *line;
    }
    auto res = deps_.quick_answers.update(*who, QuickAnswerId(*id), patch);
    if (!res.ok()) return error_response(res.error());
    return json_response(200, quick_answer_json(*res));
  });

  router_.add("DELETE", "/api/v1/quick-answers/{id}", [this](Request& req) {
    auto who = authenticate(req);
    if (!who.ok()) return error_response(who.error());
    auto id = path_id(req, "id");
    if (!id.ok()) return error_response(id.error());
    Status st = deps_.quick_answers.remove(*who, QuickAnswerId(*id));
    if (!st.ok()) return error_response(st.error());
    return no_content();
  });
}

}  // namespace omniline::api
