// Method + path routing with `{name}` path parameters. Pure: matched in tests without a server.
// Routes are added at start-up, then the router is read-only (safe to share between threads).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "api/http_types.h"

namespace omniline::api {

using Handler = std::function<Response(Request&)>;

struct Match {
  const Handler* handler = nullptr;  // null: no route
  std::string pattern;               // the route's pattern, a bounded label for metrics
  std::unordered_map<std::string, std::string> params;
  bool method_not_allowed = false;  // the path exists with other methods
  std::string allowed;              // "GET, POST" when method_not_allowed
};

class Router {
 public:
  // pattern: "/api/v1/employees/{id}"; segments are literal or a whole `{name}`.
  void add(std::string method, std::string pattern, Handler handler);
  Match match(std::string_view method, std::string_view path) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
  };
  static std::vector<std::string_view> split(std::string_view path);
  std::vector<Route> routes_;
};

}  // namespace omniline::api
