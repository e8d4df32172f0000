#include "api/json_util.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>

#include "domain/file.h"
#include "services/crypto.h"

namespace omniline::api {

namespace json = boost::json;

int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalid:
      return 400;
    case ErrorCode::kUnauthorized:
      return 401;
    case ErrorCode::kForbidden:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kTooLarge:
      return 413;
    case ErrorCode::kRateLimited:
      return 429;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

Response error_response(const Error& e) {
  json::object err;
  err["code"] = error_code_name(e.code);
  err["message"] = e.message;
  json::object body;
  body["error"] = std::move(err);
  Response r = json_response(http_status(e.code), body);
  if (e.retry_after_s > 0) r.set_header("Retry-After", std::to_string(e.retry_after_s));
  if (e.code == ErrorCode::kUnauthorized) r.set_header("WWW-Authenticate", "Bearer");
  return r;
}

Response json_response(int status, const json::value& v) {
  Response r;
  r.status = status;
  r.body = json::serialize(v);
  return r;
}

Response no_content() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

Result<json::object> parse_object(std::string_view body) {
  if (body.empty()) return Error::invalid("a JSON object body is required");
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 32;
  json::value v = json::parse(body, ec, {}, opts);
  if (ec) return Error::invalid("malformed JSON: " + ec.message());
  if (!v.is_object()) return Error::invalid("the body must be a JSON object");
  return std::move(v.as_object());
}

Result<std::optional<std::string>> opt_string(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end()) return std::optional<std::string>();
  if (!it->value().is_string())
    return Error::invalid("field '" + std::string(key) + "' must be a string");
  return std::optional<std::string>(std::string(it->value().as_string()));
}

Result<std::optional<bool>> opt_bool(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end()) return std::optional<bool>();
  if (!it->value().is_bool())
    return Error::invalid("field '" + std::string(key) + "' must be a boolean");
  return std::optional<bool>(it->value().as_bool());
}

Result<std::optional<std::int64_t>> opt_int(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::optional<std::int64_t>();
  const json::value& v = it->value();
  if (v.is_int64()) return std::optional<std::int64_t>(v.as_int64());
  if (v.is_uint64() && v.as_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
    return std::optional<std::int64_t>(static_cast<std::int64_t>(v.as_uint64()));
  return Error::invalid("field '" + std::string(key) + "' must be an integer");
}

Result<std::string> message_text(const json::object& o, bool has_files) {
  if (!has_files) return req_string(o, "text");
  auto t = opt_string(o, "text");
  if (!t.ok()) return std::move(t).take_error();
  return t->value_or("");
}

Result<std::vector<std::int64_t>> opt_ids(const json::object& o, std::string_view key) {
  std::vector<std::int64_t> out;
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return out;
  const Error bad = Error::invalid("field '" + std::string(key) + "' must be an array of ids");
  if (!it->value().is_array()) return bad;
  for (const json::value& v : it->value().as_array()) {
    if (v.is_int64() && v.as_int64() > 0)
      out.push_back(v.as_int64());
    else if (v.is_uint64() && v.as_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
      out.push_back(static_cast<std::int64_t>(v.as_uint64()));
    else
      return bad;
  }
  return out;
}

Result<UploadedFile> uploaded_file(const Request& req) {
  auto type = req.header("content-type");
  if (!type) return Error::invalid("the upload must be multipart/form-data with a part named file");
  auto boundary = domain::multipart_boundary(*type);
  if (!boundary.ok()) return std::move(boundary).take_error();
  auto parts = domain::parse_multipart(req.body, *boundary);
  if (!parts.ok()) return std::move(parts).take_error();
  for (const auto& p : *parts)
    if (p.name == "file") return UploadedFile{p.filename.value_or("file"), p.data};
  return Error::invalid("the upload has no part named file");
}

Result<std::string> req_string(const json::object& o, std::string_view key) {
  auto s = opt_string(o, key);
  if (!s.ok()) return std::move(s).take_error();
  if (!s->has_value()) return Error::invalid("field '" + std::string(key) + "' is required");
  return std::move(**s);
}

namespace {
std::optional<std::int64_t> parse_i64(std::string_view s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}
}  // namespace

std::string make_cursor(std::int64_t last_id) {
  return crypto::to_base64url("i:" + std::to_string(last_id));
}

Result<PageParams> page_params(const Request& req) {
  PageParams p;
  if (auto l = req.query_param("limit")) {
    auto v = parse_i64(*l);
    if (!v || *v < 1 || *v > 200) return Error::invalid("limit must be an integer from 1 to 200");
    p.limit = static_cast<int>(*v);
  }
  if (auto c = req.query_param("cursor"); c && !c->empty()) {
    // Only cursors we made are accepted: they decode to "i:<id>" and re-encode to themselves.
    auto decoded = c->size() <= 40 ? crypto::from_base64url(*c) : std::nullopt;
    if (!decoded || !decoded->starts_with("i:")) return Error::invalid("bad cursor");
    auto v = parse_i64(std::string_view(*decoded).substr(2));
    if (!v || *v < 0 || make_cursor(*v) != *c) return Error::invalid("bad cursor");
    p.after = *v;
  }
  return p;
}

json::object page_object(json::array items, std::optional<std::int64_t> next_after) {
  json::object o;
  o["items"] = std::move(items);
  if (next_after)
    o["next_cursor"] = make_cursor(*next_after);
  else
    o["next_cursor"] = nullptr;
  return o;
}

Result<std::int64_t> path_id(const Request& req, const std::string& name) {
  auto it = req.params.find(name);
  if (it == req.params.end()) return Error::not_found("not found");
  auto v = parse_i64(it->second);
  if (!v || *v <= 0) return Error::not_found("no such " + name);
  return *v;
}

}  // namespace omniline::api
