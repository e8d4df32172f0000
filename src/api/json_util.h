// Reading request bodies and writing responses as JSON, with one error shape:
// {"error": {"code": "...", "message": "..."}}. Errors become HTTP statuses only here.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <vector>
#include <string_view>

#include "api/http_types.h"
#include "common/result.h"

namespace omniline::api {

int http_status(ErrorCode code);
Response error_response(const Error& e);
Response json_response(int status, const boost::json::value& v);
Response no_content();

// Parses the body as one JSON object (invalid_request with the parser's reason otherwise).
Result<boost::json::object> parse_object(std::string_view body);

// Field readers: nullopt when the field is absent (or null where noted); invalid_request
// naming the field when it has the wrong type.
Result<std::optional<std::string>> opt_string(const boost::json::object& o, std::string_view key);
Result<std::optional<bool>> opt_bool(const boost::json::object& o, std::string_view key);
Result<std::optional<std::int64_t>> opt_int(const boost::json::object& o, std::string_view key);
Result<std::string> req_string(const boost::json::object& o, std::string_view key);
// A message's "text": required, except that a message with files may leave it out.
Result<std::string> message_text(const boost::json::object& o, bool has_files);
// An optional array of positive integer ids (missing or null: empty).
Result<std::vector<std::int64_t>> opt_ids(const boost::json::object& o, std::string_view key);

// The one file of a multipart/form-data upload: the part named "file". `data` views req.body.
struct UploadedFile {
  std::string name;
  std::string_view data;
};
Result<UploadedFile> uploaded_file(const Request& req);

// ?limit= (default 50, 1..200) and ?cursor= (opaque; produced by make_cursor).
struct PageParams {
  std::int64_t after = 0;
  int limit = 50;
};
Result<PageParams> page_params(const Request& req);
std::string make_cursor(std::int64_t last_id);
// {"items": [...], "next_cursor": "..." | null}
boost::json::object page_object(boost::json::array items, std::optional<std::int64_t> next_after);

// A path parameter that must be a positive integer id (not_found otherwise: ids are not
// guessable input worth a 400).
Result<std::int64_t> path_id(const Request& req, const std::string& name);

}  // namespace omniline::api
