// Sign-in, sessions, cookies + CSRF, personal tokens, rate limiting, over real HTTP.
#include <gtest/gtest.h>

#include "harness.h"

namespace omniline::testing {
namespace {

class Auth : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess();
    ASSERT_TRUE(server_->start()) << server_->log();
  }
  static void TearDownTestSuite() {
    EXPECT_EQ(server_->stop(), 0) << server_->log();
    delete server_;
  }
  static unsigned short port() { return server_->port(); }
  static HttpResponse post(const std::string& t, const std::string& body,
                           const std::map<std::string, std::string>& h = {}) {
    return http_once(port(), bhttp::verb::post, t, body, h);
  }
  static ServerProcess* server_;
};
ServerProcess* Auth::server_ = nullptr;

TEST_F(Auth, FirstAdminSignsInWithBearerAndCookie) {
  auto r =
      post("/api/v1/auth/login", R"({"email":"ADMIN@example.com","password":"admin-password-1"})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto v = r.json();
  std::string token(v.at("token").as_string());
  EXPECT_TRUE(token.starts_with("ols_"));
  EXPECT_EQ(v.at("employee").at("role").as_string(), "admin");
  EXPECT_EQ(v.at("employee").at("email").as_string(), "admin@example.com");
  EXPECT_EQ(v.at("employee").as_object().if_contains("password_hash"), nullptr);
  auto cookies = r.headers_all("set-cookie");
  ASSERT_EQ(cookies.size(), 2u);
  EXPECT_NE(cookies[0].find("omniline_session=" + token), std::string::npos);
  EXPECT_NE(cookies[0].find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookies[0].find("SameSite=Lax"), std::string::npos);
  EXPECT_EQ(cookies[1].find("HttpOnly"), std::string::npos);  // the CSRF cookie is for scripts

  auto me = http_once(port(), bhttp::verb::get, "/api/v1/me", "", bearer(token));
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.json().at("email").as_string(), "admin@example.com");
  auto me2 = http_once(port(), bhttp::verb::get, "/api/v1/me", "",
                       {{"Cookie", "omniline_session=" + token}});
  EXPECT_EQ(me2.status, 200);
}

TEST_F(Auth, WrongPasswordAndUnknownUserLookTheSame) {
  auto a = post("/api/v1/auth/login", R"({"email":"admin@example.com","password":"wrong-pass"})");
  auto b = post("/api/v1/auth/login", R"({"email":"nobody@example.com","password":"wrong-pass"})");
  EXPECT_EQ(a.status, 401);
  EXPECT_EQ(b.status, 401);
  EXPECT_EQ(a.error_code(), "unauthorized");
  EXPECT_EQ(a.json().at("error").at("message"), b.json().at("error").at("message"));
}

TEST_F(Auth, BadLoginBodies) {
  EXPECT_EQ(post("/api/v1/auth/login", "{not json").status, 400);
  EXPECT_EQ(post("/api/v1/auth/login", "{not json").error_code(), "invalid_request");
  EXPECT_EQ(post("/api/v1/auth/login", "[]").status, 400);
  EXPECT_EQ(post("/api/v1/auth/login", "").status, 400);
  EXPECT_EQ(post("/api/v1/auth/login", R"({"email":1,"password":"x"})").status, 400);
  EXPECT_EQ(post("/api/v1/auth/login", R"({"email":"a@b.c"})").status, 400);
  EXPECT_EQ(post("/api/v1/auth/login", R"({"email":"not-an-email","password":"x"})").status, 400);
  auto bad_utf8 =
      post("/api/v1/auth/login", "{\"email\":\"\xff\xfe@example.com\",\"password\":\"x\"}");
  EXPECT_EQ(bad_utf8.status, 400);
  EXPECT_EQ(bad_utf8.error_code(), "invalid_request");
}

TEST_F(Auth, ForgedMissingAndMalformedTokens) {
  for (auto h : std::vector<std::map<std::string, std::string>>{
           {},
           bearer("ols_forgedforgedforgedforgedforgedforgedforg"),
           bearer("olp_forged"),
           bearer("something-else"),
           {{"Authorization", "Basic YTpi"}},
           {{"Cookie", "omniline_session=ols_forged"}}}) {
    auto r = http_once(port(), bhttp::verb::get, "/api/v1/me", "", h);
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_EQ(r.error_code(), "unauthorized");
  }
}

TEST_F(Auth, CookieStateChangesNeedCsrf) {
  Session s = login(port(), kAdminEmail, kAdminPassword);
  const std::string body = R"({"name":"ci"})";
  auto no_csrf = post("/api/v1/me/tokens", body, {{"Cookie", s.cookie}});
  EXPECT_EQ(no_csrf.status, 403);
  EXPECT_EQ(no_csrf.error_code(), "forbidden");
  auto bad_csrf = post("/api/v1/me/tokens", body, {{"Cookie", s.cookie}, {"X-CSRF-Token", "00"}});
  EXPECT_EQ(bad_csrf.status, 403);
  auto other = login(port(), kAdminEmail, kAdminPassword);
  auto crossed =
      post("/api/v1/me/tokens", body, {{"Cookie", s.cookie}, {"X-CSRF-Token", other.csrf}});
  EXPECT_EQ(crossed.status, 403);
  auto ok = post("/api/v1/me/tokens", body, {{"Cookie", s.cookie}, {"X-CSRF-Token", s.csrf}});
  EXPECT_EQ(ok.status, 201) << ok.body;
  // Bearer clients are not subject to CSRF (no ambient credential).
  auto bearer_ok = post("/api/v1/me/tokens", R"({"name":"ci2"})", bearer(s.token));
  EXPECT_EQ(bearer_ok.status, 201);
}

TEST_F(Auth, LogoutRevokesTheToken) {
  Session s = login(port(), kAdminEmail, kAdminPassword);
  EXPECT_EQ(http_once(port(), bhttp::verb::get, "/api/v1/me", "", bearer(s.token)).status, 200);
  auto out = post("/api/v1/auth/logout", "", bearer(s.token));
  EXPECT_EQ(out.status, 204);
  auto cleared = out.headers_all("set-cookie");
  ASSERT_FALSE(cleared.empty());
  EXPECT_NE(cleared[0].find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(http_once(port(), bhttp::verb::get, "/api/v1/me", "", bearer(s.token)).status, 401);
  EXPECT_EQ(post("/api/v1/auth/logout", "", bearer(s.token)).status, 401);
}

TEST_F(Auth, PersonalTokensWorkAndCanBeRevoked) {
  Session s = login(port(), kAdminEmail, kAdminPassword);
  auto created = post("/api/v1/me/tokens", R"({"name":"crm sync"})", bearer(s.token));
  ASSERT_EQ(created.status, 201) << created.body;
  std::string pt(created.json().at("token").as_string());
  auto id = created.json().at("id").as_int64();
  EXPECT_TRUE(pt.starts_with("olp_"));
  EXPECT_EQ(http_once(port(), bhttp::verb::get, "/api/v1/me", "", bearer(pt)).status, 200);

  auto list = http_once(port(), bhttp::verb::get, "/api/v1/me/tokens", "", bearer(s.token));
  ASSERT_EQ(list.status, 200);
  bool found = false;
  const auto listed = list.json();
  for (auto& t : listed.at("items").as_array()) {
    EXPECT_EQ(t.as_object().if_contains("token"), nullptr);  // the secret is shown once only
    found |= t.at("id").as_int64() == id;
  }
  EXPECT_TRUE(found);

  auto del = http_once(port(), bhttp::verb::delete_, "/api/v1/me/tokens/" + std::to_string(id), "",
                       bearer(s.token));
  EXPECT_EQ(del.status, 204);
  EXPECT_EQ(http_once(port(), bhttp::verb::get, "/api/v1/me", "", bearer(pt)).status, 401);
  EXPECT_EQ(http_once(port(), bhttp::verb::delete_, "/api/v1/me/tokens/" + std::to_string(id), "",
                      bearer(s.token))
                .status,
            404);
  EXPECT_EQ(
      http_once(port(), bhttp::verb::delete_, "/api/v1/me/tokens/abc", "", bearer(s.token)).status,
      404);
}

TEST_F(Auth, PersonalTokenValidation) {
  Session s = login(port(), kAdminEmail, kAdminPassword);
  EXPECT_EQ(post("/api/v1/me/tokens", R"({"name":""})", bearer(s.token)).status, 400);
  EXPECT_EQ(post("/api/v1/me/tokens", R"({"name":5})", bearer(s.token)).status, 400);
  EXPECT_EQ(
      post("/api/v1/me/tokens", R"({"name":"x","expires_at":"tomorrow"})", bearer(s.token)).status,
      400);
  EXPECT_EQ(post("/api/v1/me/tokens", R"({"name":"x","expires_at":"2001-01-01T00:00:00Z"})",
                 bearer(s.token))
                .status,
            400);
}

TEST(AuthExpiry, ExpiredTokensAreRejected) {
  // A personal token that expires in a second: valid at first, rejected after.
  ServerProcess server;
  ASSERT_TRUE(server.start()) << server.log();
  Session s = login(server.port(), kAdminEmail, kAdminPassword);
  auto soon = std::chrono::system_clock::now() + std::chrono::milliseconds(1500);
  std::time_t t = std::chrono::system_clock::to_time_t(soon);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  auto created =
      http_once(server.port(), bhttp::verb::post, "/api/v1/me/tokens",
                std::string(R"({"name":"short","expires_at":")") + buf + "\"}", bearer(s.token));
  ASSERT_EQ(created.status, 201) << created.body;
  std::string pt(created.json().at("token").as_string());
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  auto r = http_once(server.port(), bhttp::verb::get, "/api/v1/me", "", bearer(pt));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.error_code(), "unauthorized");
  EXPECT_EQ(server.stop(), 0);
}

TEST(AuthRateLimit, FailedLoginsAreLimitedPerAccountAndPerIp) {
  ServerProcess server;
  ASSERT_TRUE(server.start()) << server.log();
  auto p = server.port();
  const std::string wrong = R"({"email":"admin@example.com","password":"wrong-password"})";
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(http_once(p, bhttp::verb::post, "/api/v1/auth/login", wrong).status, 401);
  auto limited = http_once(p, bhttp::verb::post, "/api/v1/auth/login", wrong);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.error_code(), "rate_limited");
  EXPECT_FALSE(limited.header("retry-after").empty());
  // Even the right password waits: the account is locked for the window.
  auto right = http_once(p, bhttp::verb::post, "/api/v1/auth/login",
                         R"({"email":"admin@example.com","password":"admin-password-1"})");
  EXPECT_EQ(right.status, 429);
  // Per IP: spraying many accounts from one address is limited too (30 per window).
  int limited_ip = 0;
  for (int i = 0; i < 30; ++i) {
    auto r = http_once(
        p, bhttp::verb::post, "/api/v1/auth/login",
        R"({"email":"u)" + std::to_string(i) + R"(@example.com","password":"wrong-pass"})");
    limited_ip += r.status == 429;
  }
  EXPECT_GT(limited_ip, 0);
  EXPECT_EQ(server.stop(), 0);
}

}  // namespace
}  // namespace omniline::testing
