#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "api/json_util.h"
#include "api/router.h"
#include "api/static_files.h"
#include "support/temp_dir.h"

namespace omniline::api {
namespace {

Response ok_handler(Request&) {
  return {};
}

TEST(Router, MatchesLiteralAndParams) {
  Router r;
  r.add("GET", "/api/v1/employees", ok_handler);
  r.add("GET", "/api/v1/employees/{id}", ok_handler);
  r.add("PATCH", "/api/v1/employees/{id}", ok_handler);
  r.add("POST", "/api/v1/dialogs/{id}/{action}", ok_handler);

  auto m = r.match("GET", "/api/v1/employees/42");
  ASSERT_NE(m.handler, nullptr);
  EXPECT_EQ(m.pattern, "/api/v1/employees/{id}");
  EXPECT_EQ(m.params.at("id"), "42");

  m = r.match("POST", "/api/v1/dialogs/7/answer");
  ASSERT_NE(m.handler, nullptr);
  EXPECT_EQ(m.params.at("id"), "7");
  EXPECT_EQ(m.params.at("action"), "answer");

  EXPECT_NE(r.match("GET", "/api/v1/employees").handler, nullptr);
  EXPECT_NE(r.match("HEAD", "/api/v1/employees").handler, nullptr);  // HEAD follows GET
}

TEST(Router, MissesAndMethodNotAllowed) {
  Router r;
  r.add("GET", "/api/v1/employees/{id}", ok_handler);
  r.add("PATCH", "/api/v1/employees/{id}", ok_handler);
  EXPECT_EQ(r.match("GET", "/api/v1/employees").handler, nullptr);
  EXPECT_EQ(r.match("GET", "/api/v1/employees/1/x").handler, nullptr);
  EXPECT_EQ(r.match("GET", "/api/v1/employees/1/").handler, nullptr);
  EXPECT_EQ(r.match("GET", "/api/v2/employees/1").handler, nullptr);
  auto m = r.match("DELETE", "/api/v1/employees/1");
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_TRUE(m.method_not_allowed);
  EXPECT_EQ(m.allowed, "GET, PATCH");
}

TEST(Json, ParseObjectErrors) {
  EXPECT_EQ(parse_object("").error().code, ErrorCode::kInvalid);
  EXPECT_EQ(parse_object("{").error().code, ErrorCode::kInvalid);
  EXPECT_EQ(parse_object("[1,2]").error().code, ErrorCode::kInvalid);
  EXPECT_EQ(parse_object("\"x\"").error().code, ErrorCode::kInvalid);
  std::string deep(100, '[');
  EXPECT_FALSE(parse_object("{\"a\":" + deep + "}").ok());
  EXPECT_TRUE(parse_object(R"({"a":1})").ok());
}

TEST(Json, FieldTypes) {
  auto o = parse_object(R"({"s":"x","n":5,"b":true,"z":null,"big":18446744073709551615})").value();
  EXPECT_EQ(req_string(o, "s").value(), "x");
  EXPECT_FALSE(req_string(o, "n").ok());
  EXPECT_FALSE(req_string(o, "missing").ok());
  EXPECT_EQ(opt_int(o, "n").value().value(), 5);
  EXPECT_FALSE(opt_int(o, "s").ok());
  EXPECT_FALSE(opt_int(o, "big").ok());
  EXPECT_FALSE(opt_int(o, "z").value().has_value());
  EXPECT_TRUE(opt_bool(o, "b").value().value());
  EXPECT_FALSE(opt_bool(o, "n").ok());
  EXPECT_FALSE(opt_string(o, "z").ok());  // null is not a string
}

TEST(Json, ErrorShapeAndStatus) {
  Response r = error_response(Error::rate_limited("slow down", 30));
  EXPECT_EQ(r.status, 429);
  auto v = boost::json::parse(r.body);
  EXPECT_EQ(v.at("error").at("code").as_string(), "rate_limited");
  EXPECT_EQ(v.at("error").at("message").as_string(), "slow down");
  bool has_retry = false;
  for (auto& [k, val] : r.headers) has_retry |= k == "Retry-After" && val == "30";
  EXPECT_TRUE(has_retry);
  EXPECT_EQ(http_status(ErrorCode::kInvalid), 400);
  EXPECT_EQ(http_status(ErrorCode::kUnauthorized), 401);
  EXPECT_EQ(http_status(ErrorCode::kForbidden), 403);
  EXPECT_EQ(http_status(ErrorCode::kNotFound), 404);
  EXPECT_EQ(http_status(ErrorCode::kConflict), 409);
  EXPECT_EQ(http_status(ErrorCode::kTooLarge), 413);
  EXPECT_EQ(http_status(ErrorCode::kUnavailable), 503);
  EXPECT_EQ(http_status(ErrorCode::kInternal), 500);
}

TEST(Paging, CursorRoundTripAndValidation) {
  Request req;
  req.query["cursor"] = make_cursor(1234);
  req.query["limit"] = "10";
  auto p = page_params(req);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->after, 1234);
  EXPECT_EQ(p->limit, 10);

  for (const char* bad : {"0", "201", "-1", "abc", "10x"}) {
    Request r;
    r.query["limit"] = bad;
    EXPECT_FALSE(page_params(r).ok()) << bad;
  }
  for (const char* bad : {"!!", "aTox=", "aToxx", "garbage", "aTotMQ"}) {  // aTotMQ = "i:-1"
    Request r;
    r.query["cursor"] = bad;
    EXPECT_FALSE(page_params(r).ok()) << bad;
  }
  Request none;
  EXPECT_EQ(page_params(none)->limit, 50);
}

TEST(Request, CookiesAndHeaders) {
  Request r;
  r.headers = {{"cookie", "a=1; omniline_session=ols_abc; b=2"}, {"x-one", "1"}};
  EXPECT_EQ(r.cookie("omniline_session").value(), "ols_abc");
  EXPECT_EQ(r.cookie("b").value(), "2");
  EXPECT_FALSE(r.cookie("c").has_value());
  EXPECT_EQ(r.header("x-one").value(), "1");
  EXPECT_FALSE(r.header("x-two").has_value());
}

class StaticFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = dir_.path();
    std::filesystem::create_directories(root_ + "/assets");
    write(root_ + "/index.html", "<!doctype html>app");
    write(root_ + "/assets/app-1a2b3c.js", "console.log(1)");
    write(root_ + "/.env", "SECRET=1");
    write(root_ + "/../omniline-static-outside.txt", "outside");
  }
  void TearDown() override { std::filesystem::remove("/tmp/omniline-static-outside.txt"); }
  static void write(const std::string& p, const std::string& s) { std::ofstream(p) << s; }
  Response get(const std::string& path) {
    Request r;
    r.method = "GET";
    r.path = path;
    return serve_static(root_, r);
  }
  static std::string header(const Response& r, const std::string& name) {
    for (auto& [k, v] : r.headers)
      if (k == name) return v;
    return "";
  }
  omniline::testing::TempDir dir_{"omniline-static"};
  std::string root_;
};

TEST_F(StaticFiles, ServesWithMimeAndCaching) {
  auto r = get("/assets/app-1a2b3c.js");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(header(r, "Cache-Control"), "public, max-age=31536000, immutable");
  r = get("/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(header(r, "Cache-Control"), "no-cache");
  // Pages run only our own scripts; other files need no policy.
  EXPECT_NE(header(r, "Content-Security-Policy").find("script-src 'self';"), std::string::npos);
  EXPECT_EQ(header(get("/assets/app-1a2b3c.js"), "Content-Security-Policy"), "");
}

TEST_F(StaticFiles, SpaFallbackOnlyForRoutes) {
  auto r = get("/dialogs/42");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<!doctype html>app");
  EXPECT_EQ(get("/assets/missing.js").status, 404);
}

TEST_F(StaticFiles, NoTraversalNoDotFiles) {
  for (const char* p :
       {"/../omniline-static-outside.txt", "/assets/../../omniline-static-outside.txt", "/.env",
        "/assets/..", "/..", "/a\\..\\b"}) {
    auto r = get(p);
    EXPECT_EQ(r.status, 404) << p;
    EXPECT_EQ(r.body.find("outside"), std::string::npos) << p;
    EXPECT_EQ(r.body.find("SECRET"), std::string::npos) << p;
  }
  EXPECT_FALSE(resolve_static_path(root_, "/../omniline-static-outside.txt").has_value());
  EXPECT_FALSE(resolve_static_path(root_, std::string("/index.html\0x", 13)).has_value());
}

TEST(Mime, KnownAndUnknown) {
  EXPECT_EQ(mime_type_for("a/b.css"), "text/css; charset=utf-8");
  EXPECT_EQ(mime_type_for("a/b.woff2"), "font/woff2");
  EXPECT_EQ(mime_type_for("a/b.exe"), "application/octet-stream");
  EXPECT_EQ(mime_type_for("noext"), "application/octet-stream");
}

}  // namespace
}  // namespace omniline::api
