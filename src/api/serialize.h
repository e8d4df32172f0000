// JSON shapes of domain objects in the public API.
#pragma once

#include <boost/json/object.hpp>

#include "domain/auth_token.h"
#include "domain/employee.h"

namespace omniline::api {

boost::json::object to_json(const domain::Employee& e);   // never includes password_hash
boost::json::object to_json(const domain::AuthToken& t);  // never includes token_hash

}  // namespace omniline::api
