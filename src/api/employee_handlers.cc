// /api/v1/employees: admins manage employees.
#include "api/api.h"
#include "api/json_util.h"
#include "api/serialize.h"
#include "services/views.h"
#include "domain/permissions.h"

namespace omniline::api {

namespace json = boost::json;

namespace {
Result<std::optional<domain::Role>> opt_role(const json::object& o) {
  auto s = opt_string(o, "role");
  if (!s.ok()) return std::move(s).take_error();
  if (!*s) return std::optional<domain::Role>();
  auto r = domain::parse_role(**s);
  if (!r) return Error::invalid("role must be one of admin, supervisor, operator");
  return std::optional<domain::Role>(*r);
}
}  // namespace

Response Api::route_list_employees(Request& req) {
  auto who = authenticate(req);
  if (!who.ok()) return error_response(who.error());
  auto page = page_params(req);
  if (!page.ok()) return error_response(page.error());
  store::EmployeeFilter filter;
  if (auto a = req.query_param("active")) {
    if (*a == "true")
      filter.active = true;
    else if (*a == "false")
      filter.active = false;
    else
      return error_response(Error::invalid("active must be true or false"));
  }
  auto res = deps_.employees.list(*who, filter, {page->after, page->limit});
  if (!res.ok()) return error_response(res.error());
  json::array items;
  for (const auto& e : res->items) items.push_back(to_json(e));
  std::optional<std::int64_t> next;
  if (res->has_more && !res->items.empty()) next = res->items.back().id.get();
  return json_response(200, page_object(std::move(items), next));
}

Response Api::route_directory(Request& req) {
  auto who = authenticate(req);
  if (!who.ok()) return error_response(who.error());
  auto page = page_params(req);
  if (!page.ok()) return error_response(page.error());
  std::string q(req.query_param("q").value_or(""));
  if (q.size() > 200) return error_response(Error::invalid("q is too long"));
  auto res = deps_.employees.directory(*who, std::move(q), {page->after, page->limit});
  if (!res.ok()) return error_response(res.error());
  json::array items;
  for (const auto& e : res->items) {
    json::object o = services::views::employee_brief(e);
    o["online"] = deps_.presence.online(e.id);
    o["away"] = e.away;
    items.push_back(std::move(o));
  }
  std::optional<std::int64_t> next;
  if (res->has_more && !res->items.empty()) next = res->items.back().id.get();
  return json_response(200, page_object(std::move(items), next));
}

Response Api::route_create_employee(Request& req) {
  auto who = authenticate(req);
  if (!who.ok()) return error_response(who.error());
  // Check the permission before looking at the body: an operator learns nothing from errors.
  if (!domain::may(who->employee.role, domain::Action::kManageEmployees))
    return error_response(Error::forbidden("only admins manage employees"));
  auto body = parse_object(req.body);
  if (!body.ok()) return error_response(body.error());
  services::NewEmployee in;
  auto name = req_string(*body, "name");
  if (!name.ok()) return error_response(name.error());
  auto email = req_string(*body, "email");
  if (!email.ok()) return error_response(email.error());
  auto password = req_string(*body, "password");
  if (!password.ok()) return error_response(password.error());
  auto role = opt_role(*body);
  if (!role.ok()) return error_response(role.error());
  auto avatar = opt_string(*body, "avatar_url");
  if (!avatar.ok()) return error_response(avatar.error());
  in.name = *name;
  in.email = *email;
  in.password = *password;
  in.role = role->value_or(domain::Role::kOperator);
  in.avatar_url = avatar->value_or("");
  auto e = deps_.employees.create(*who, in);
  if (!e.ok()) return error_response(e.error());
  Response r = json_response(201, to_json(*e));
  r.set_header("Location", "/api/v1/employees/" + std::to_string(e->id.get()));
  return r;
}

Response Api::route_get_employee(Request& req) {
  auto who = authenticate(req);
  if (!who.ok()) return error_response(who.error());
  auto id = path_id(req, "id");
  if (!id.ok()) return error_response(id.error());
  auto e = deps_.employees.get(*who, EmployeeId(*id));
  if (!e.ok()) return error_response(e.error());
  return json_response(200, to_json(*e));
}

Response Api::route_patch_employee(Request& req) {
  auto who = authenticate(req);
  if (!who.ok()) return error_response(who.error());
  if (!domain::may(who->employee.role, domain::Action::kManageEmployees))
    return error_response(Error::forbidden("only admins manage employees"));
  auto id = path_id(req, "id");
  if (!id.ok()) return error_response(id.error());
  auto body = parse_object(req.body);
  if (!body.ok()) return error_response(body.error());
  services::EmployeePatch p;
  for (auto [field, key] :
       {std::pair{&p.name, "name"}, std::pair{&p.email, "email"},
        std::pair{&p.password, "password"}, std::pair{&p.avatar_url, "avatar_url"}}) {
    auto v = opt_string(*body, key);
    if (!v.ok()) return error_response(v.error());
    *field = std::move(*v);
  }
  auto role = opt_role(*body);
  if (!role.ok()) return error_response(role.error());
  p.role = *role;
  auto active = opt_bool(*body, "active");
  if (!active.ok()) return error_response(active.error());
  p.active = *active;
  auto e = deps_.employees.update(*who, EmployeeId(*id), p);
  if (!e.ok()) return error_response(e.error());
  return json_response(200, to_json(*e));
}

Response Api::route_delete_employee(Request& req) {
  auto who = authenticate(req);
  if (!who.ok()) return error_response(who.error());
  auto id = path_id(req, "id");
  if (!id.ok()) return error_response(id.error());
  // Employees are deactivated, not erased: their messages and history must keep an author.
  auto e = deps_.employees.deactivate(*who, EmployeeId(*id));
  if (!e.ok()) return error_response(e.error());
  return json_response(200, to_json(*e));
}

}  // namespace omniline::api
