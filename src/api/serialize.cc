#include "api/serialize.h"

#include "common/clock.h"

namespace omniline::api {

boost::json::object to_json(const domain::Employee& e) {
  boost::json::object o;
  o["id"] = e.id.get();
  o["name"] = e.name;
  o["email"] = e.email;
  o["role"] = domain::role_name(e.role);
  o["avatar_url"] = e.avatar_url;
  o["active"] = e.active;
  o["away"] = e.away;
  o["created_at"] = format_rfc3339(e.created_at);
  o["updated_at"] = format_rfc3339(e.updated_at);
  return o;
}

boost::json::object to_json(const domain::AuthToken& t) {
  boost::json::object o;
  o["id"] = t.id.get();
  o["kind"] = domain::token_kind_name(t.kind);
  o["name"] = t.name;
  o["created_at"] = format_rfc3339(t.created_at);
  if (t.expires_at)
    o["expires_at"] = format_rfc3339(*t.expires_at);
  else
    o["expires_at"] = nullptr;
  if (t.last_used_at)
    o["last_used_at"] = format_rfc3339(*t.last_used_at);
  else
    o["last_used_at"] = nullptr;
  return o;
}

}  // namespace omniline::api
