// /api/v1/auth/*, /api/v1/me and personal tokens.
#include "api/api.h"
#include "api/json_util.h"
#include "api/serialize.h"

namespace omniline::api {

namespace json = boost::json;

Response Api::route_login(Request& req) {
  auto body = parse_object(req.body);
  if (!body.ok()) return error_response(body.error());
  auto email = req_string(*body, "email");
  if (!email.ok()) return error_response(email.error());
  auto password = req_string(*body, "password");
  if (!password.ok()) return error_response(password.error());

  auto res = deps_.auth.login(*email, *password, req.remote_ip);
  if (!res.ok()) return error_response(res.error());
  json::object o;
  o["token"] = res->token;
  o["csrf_token"] = res->csrf_token;
  o["expires_at"] = format_rfc3339(res->expires_at);
  o["employee"] = to_json(res->employee);
  Response r = json_response(200, o);
  r.set_header("Set-Cookie", session_cookie(res->token, res->expires_at));
  r.set_header("Set-Cookie", csrf_cookie(res->csrf_token, res->expires_at));
  r.set_header("Cache-Control", "no-store");
  return r;
}

Response Api::route_logout(Request& req) {
  auto who = authenticate(req);
  if (!who.ok()) return error_response(who.error());
  if (auto st = deps_.auth.logout(*who); !st.ok()) return error_response(st.error());
  Response r = no_content();
  r.set_header("Set-Cookie", session_cookie("", 0));
  r.set_header("Set-Cookie", csrf_cookie("", 0));
  return r;
}

Response Api::route_me(Request& req) {
  auto who = authenticate(req);
  if (!who.ok()) return error_response(who.error());
  return json_response(200, to_json(who->employee));
}

Response Api::route_patch_me(Request& req) {
  auto who = authenticate(req);
  if (!who.ok()) return error_response(who.error());
  auto body = parse_object(req.body);
  if (!body.ok()) return error_response(body.error());
  services::ProfilePatch p;
  for (auto [field, key] :
       {std::pair{&p.name, "name"}, std::pair{&p.avatar_url, "avatar_url"},
        std::pair{&p.password, "password"}, std::pair{&p.current_password, "current_password"}}) {
    auto v = opt_string(*body, key);
    if (!v.ok()) return error_response(v.error());
    *field = std::move(*v);
  }
  auto e = deps_.employees.update_profile(*who, p);
  if (!e.ok()) return error_response(e.error());
  return json_response(200, to_json(*e));
}

Response Api::route_list_tokens(Request& req) {
  auto who = authenticate(req);
  if (!who.ok()) return error_response(who.error());
  auto list = deps_.auth.list_personal_tokens(*who);
  if (!list.ok()) return error_response(list.error());
  json::array items;
  for (const auto& t : *list) items.push_back(to_json(t));
  return json_response(200, page_object(std::move(items), std::nullopt));
}

Response Api::route_create_token(Request& req) {
  auto who = authenticate(req);
  if (!who.ok()) return error_response(who.error());
  auto body = parse_object(req.body);
  if (!body.ok()) return error_response(body.error());
  auto name = req_string(*body, "name");
  if (!name.ok()) return error_response(name.error());
  auto expires = opt_string(*body, "expires_at");
  if (!expires.ok()) return error_response(expires.error());
  std::optional<UnixMs> expires_at;
  if (*expires) {
    expires_at = parse_rfc3339(**expires);
    if (!expires_at)
      return error_response(Error::invalid("expires_at must be an RFC 3339 UTC time"));
  }
  auto t = deps_.auth.create_personal_token(*who, *name, expires_at);
  if (!t.ok()) return error_response(t.error());
  json::object o = to_json(t->info);
  o["token"] = t->token;
  Response r = json_response(201, o);
  r.set_header("Cache-Control", "no-store");
  return r;
}

Response Api::route_revoke_token(Request& req) {
  auto who = authenticate(req);
  if (!who.ok()) return error_response(who.error());
  auto id = path_id(req, "id");
  if (!id.ok()) return error_response(id.error());
  if (auto st = deps_.auth.revoke_personal_token(*who, TokenId(*id)); !st.ok())
    return error_response(st.error());
  return no_content();
}

}  // namespace omniline::api
