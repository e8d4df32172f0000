// Transport-neutral request and response: the http/ layer fills a Request from Beast and writes
// a Response back, so handlers and their tests never see Beast.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace omniline::api {

struct Request {
  std::string method;                                        // "GET", "POST", ...
  std::string path;                                          // percent-decoded path, no query
  std::unordered_map<std::string, std::string> query;        // decoded; last value wins
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_ip;
  std::string request_id;
  std::unordered_map<std::string, std::string> params;  // path parameters, set by the router

  std::optional<std::string_view> header(std::string_view lower_name) const;
  std::optional<std::string> cookie(std::string_view name) const;
  std::optional<std::string_view> query_param(std::string_view name) const;
  bool is_safe_method() const { return method == "GET" || method == "HEAD" || method == "OPTIONS"; }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  void set_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
};

}  // namespace omniline::api
