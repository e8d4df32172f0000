// Admin-only employee management over real HTTP: CRUD, permissions, validation, paging.
#include <gtest/gtest.h>

#include <set>

#include "harness.h"

namespace omniline::testing {
namespace {

class Employees : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess();
    ASSERT_TRUE(server_->start()) << server_->log();
    admin_ = new Session(login(server_->port(), kAdminEmail, kAdminPassword));
  }
  static void TearDownTestSuite() {
    EXPECT_EQ(server_->stop(), 0) << server_->log();
    delete admin_;
    delete server_;
  }
  static HttpResponse call(bhttp::verb m, const std::string& t, const std::string& body = "",
                           const std::string& token = "") {
    return http_once(server_->port(), m, t, body, bearer(token.empty() ? admin_->token : token));
  }
  // Creates an employee and returns its id.
  static std::int64_t create(const std::string& email, const std::string& role = "operator") {
    auto r = call(bhttp::verb::post, "/api/v1/employees",
                  R"({"name":"Test )" + email + R"(","email":")" + email + R"(","role":")" + role +
                      R"(","password":"password-123"})");
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json().at("id").as_int64() : 0;
  }
  static ServerProcess* server_;
  static Session* admin_;
};
ServerProcess* Employees::server_ = nullptr;
Session* Employees::admin_ = nullptr;

TEST_F(Employees, CreateGetPatchDeactivate) {
  auto r = call(bhttp::verb::post, "/api/v1/employees",
                R"({"name":"Мария Иванова","email":"Maria@Example.com","role":"supervisor",)"
                R"("password":"s3cret-pass","avatar_url":"https://cdn.example.com/m.png"})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto e = r.json().as_object();
  auto id = e.at("id").as_int64();
  EXPECT_EQ(e.at("name").as_string(), "Мария Иванова");
  EXPECT_EQ(e.at("email").as_string(), "maria@example.com");
  EXPECT_EQ(e.at("role").as_string(), "supervisor");
  EXPECT_TRUE(e.at("active").as_bool());
  EXPECT_EQ(e.if_contains("password"), nullptr);
  EXPECT_EQ(e.if_contains("password_hash"), nullptr);
  EXPECT_EQ(r.header("location"), "/api/v1/employees/" + std::to_string(id));

  auto self = login(server_->port(), "maria@example.com", "s3cret-pass");
  EXPECT_EQ(self.employee.at("id").as_int64(), id);

  auto got = call(bhttp::verb::get, "/api/v1/employees/" + std::to_string(id));
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.json().at("email").as_string(), "maria@example.com");

  auto patched = call(bhttp::verb::patch, "/api/v1/employees/" + std::to_string(id),
                      R"({"name":"Maria I.","role":"operator"})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json().at("name").as_string(), "Maria I.");
  EXPECT_EQ(patched.json().at("role").as_string(), "operator");
  EXPECT_EQ(patched.json().at("email").as_string(), "maria@example.com");

  auto del = call(bhttp::verb::delete_, "/api/v1/employees/" + std::to_string(id));
  ASSERT_EQ(del.status, 200);
  EXPECT_FALSE(del.json().at("active").as_bool());
  // Deactivation signs the employee out and blocks new sign-ins.
  EXPECT_EQ(
      http_once(server_->port(), bhttp::verb::get, "/api/v1/me", "", bearer(self.token)).status,
      401);
  auto relogin = http_once(server_->port(), bhttp::verb::post, "/api/v1/auth/login",
                           R"({"email":"maria@example.com","password":"s3cret-pass"})");
  EXPECT_EQ(relogin.status, 401);
  // The record stays, inactive; reactivation restores sign-in.
  auto back =
      call(bhttp::verb::patch, "/api/v1/employees/" + std::to_string(id), R"({"active":true})");
  EXPECT_EQ(back.status, 200);
  EXPECT_NO_THROW(login(server_->port(), "maria@example.com", "s3cret-pass"));
}

TEST_F(Employees, OperatorsAndSupervisorsGet403) {
  create("op1@example.com", "operator");
  create("sup1@example.com", "supervisor");
  for (const char* email : {"op1@example.com", "sup1@example.com"}) {
    auto s = login(server_->port(), email, "password-123");
    EXPECT_EQ(call(bhttp::verb::get, "/api/v1/employees", "", s.token).status, 403);
    auto c = call(bhttp::verb::post, "/api/v1/employees",
                  R"({"name":"X","email":"x@example.com","password":"password-123"})", s.token);
    EXPECT_EQ(c.status, 403);
    EXPECT_EQ(c.error_code(), "forbidden");
    EXPECT_EQ(
        call(bhttp::verb::patch, "/api/v1/employees/1", R"({"role":"operator"})", s.token).status,
        403);
    EXPECT_EQ(call(bhttp::verb::delete_, "/api/v1/employees/1", "", s.token).status, 403);
    EXPECT_EQ(call(bhttp::verb::get, "/api/v1/employees/1", "", s.token).status, 403);
    // But everyone sees themselves.
    auto me =
        call(bhttp::verb::get,
             "/api/v1/employees/" + std::to_string(s.employee.at("id").as_int64()), "", s.token);
    EXPECT_EQ(me.status, 200);
  }
  // And the admin is unchanged.
  auto admin = call(bhttp::verb::get, "/api/v1/employees/1");
  EXPECT_EQ(admin.json().at("role").as_string(), "admin");
}

TEST_F(Employees, ValidationAndConflicts) {
  create("dup@example.com");
  auto dup = call(bhttp::verb::post, "/api/v1/employees",
                  R"({"name":"D","email":"DUP@example.com","password":"password-123"})");
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(dup.error_code(), "conflict");
  struct Case {
    const char* body;
    const char* why;
  };
  for (
      auto c :
      {Case{"{", "malformed"}, Case{"[]", "array"},
       Case{R"({"name":"A","email":"a@x.com"})", "no password"},
       Case{R"({"name":"A","email":"a@x.com","password":"short"})", "short password"},
       Case{R"({"name":"","email":"a@x.com","password":"password-123"})", "empty name"},
       Case{R"({"name":"A","email":"nope","password":"password-123"})", "bad email"},
       Case{R"({"name":"A","email":"a@x.com","password":"password-123","role":"root"})", "role"},
       Case{R"({"name":7,"email":"a@x.com","password":"password-123"})", "name type"},
       Case{
           R"j({"name":"A","email":"a@x.com","password":"password-123","avatar_url":"javascript:alert(1)"})j",
           "avatar"}}) {
    auto r = call(bhttp::verb::post, "/api/v1/employees", c.body);
    EXPECT_EQ(r.status, 400) << c.why << ": " << r.body;
    EXPECT_EQ(r.error_code(), "invalid_request") << c.why;
  }
  auto id = create("patchme@example.com");
  EXPECT_EQ(
      call(bhttp::verb::patch, "/api/v1/employees/" + std::to_string(id), R"({"active":"no"})")
          .status,
      400);
  EXPECT_EQ(call(bhttp::verb::patch, "/api/v1/employees/" + std::to_string(id),
                 R"({"email":"dup@example.com"})")
                .status,
            409);
  // Nothing was half-applied.
  EXPECT_EQ(call(bhttp::verb::get, "/api/v1/employees/" + std::to_string(id))
                .json()
                .at("email")
                .as_string(),
            "patchme@example.com");
}

TEST_F(Employees, UnknownIds) {
  EXPECT_EQ(call(bhttp::verb::get, "/api/v1/employees/999999").status, 404);
  EXPECT_EQ(call(bhttp::verb::get, "/api/v1/employees/abc").status, 404);
  EXPECT_EQ(call(bhttp::verb::get, "/api/v1/employees/-3").status, 404);
  EXPECT_EQ(call(bhttp::verb::patch, "/api/v1/employees/999999", R"({"name":"x"})").status, 404);
  EXPECT_EQ(call(bhttp::verb::delete_, "/api/v1/employees/999999").status, 404);
}

TEST_F(Employees, LastAdminIsProtected) {
  auto self = call(bhttp::verb::delete_, "/api/v1/employees/1");
  EXPECT_EQ(self.status, 409);
  auto demote = call(bhttp::verb::patch, "/api/v1/employees/1", R"({"role":"operator"})");
  EXPECT_EQ(demote.status, 409);
  EXPECT_EQ(call(bhttp::verb::get, "/api/v1/me").json().at("role").as_string(), "admin");
}

TEST_F(Employees, ListIsPaged) {
  for (int i = 0; i < 7; ++i) create("page" + std::to_string(i) + "@example.com");
  std::set<std::int64_t> seen;
  std::string cursor;
  int pages = 0;
  for (;;) {
    std::string t = "/api/v1/employees?limit=3" + (cursor.empty() ? "" : "&cursor=" + cursor);
    auto r = call(bhttp::verb::get, t);
    ASSERT_EQ(r.status, 200) << r.body;
    auto v = r.json();
    auto& items = v.at("items").as_array();
    EXPECT_LE(items.size(), 3u);
    for (auto& e : items) EXPECT_TRUE(seen.insert(e.at("id").as_int64()).second);
    ++pages;
    if (v.at("next_cursor").is_null()) break;
    cursor = std::string(v.at("next_cursor").as_string());
    ASSERT_LT(pages, 100);
  }
  EXPECT_GE(seen.size(), 8u);
  EXPECT_GE(pages, 3);
  EXPECT_EQ(call(bhttp::verb::get, "/api/v1/employees?limit=0").status, 400);
  EXPECT_EQ(call(bhttp::verb::get, "/api/v1/employees?limit=500").status, 400);
  EXPECT_EQ(call(bhttp::verb::get, "/api/v1/employees?cursor=%%%").status, 400);
  EXPECT_EQ(call(bhttp::verb::get, "/api/v1/employees?cursor=forged").status, 400);
  auto inactive = call(bhttp::verb::get, "/api/v1/employees?active=false");
  EXPECT_EQ(inactive.status, 200);
  const auto inactive_list = inactive.json();
  for (auto& e : inactive_list.at("items").as_array()) EXPECT_FALSE(e.at("active").as_bool());
}

TEST_F(Employees, ProfileAndPasswordChange) {
  create("prof@example.com");
  auto s = login(server_->port(), "prof@example.com", "password-123");
  auto r = call(bhttp::verb::patch, "/api/v1/me", R"({"name":"New Name"})", s.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("name").as_string(), "New Name");
  EXPECT_EQ(
      call(bhttp::verb::patch, "/api/v1/me", R"({"password":"another-pass"})", s.token).status,
      400);
  EXPECT_EQ(call(bhttp::verb::patch, "/api/v1/me",
                 R"({"password":"another-pass","current_password":"wrong-one"})", s.token)
                .status,
            403);
  EXPECT_EQ(call(bhttp::verb::patch, "/api/v1/me",
                 R"({"password":"another-pass","current_password":"password-123"})", s.token)
                .status,
            200);
  // Every session ends with the password change; the new password works.
  EXPECT_EQ(call(bhttp::verb::get, "/api/v1/me", "", s.token).status, 401);
  EXPECT_NO_THROW(login(server_->port(), "prof@example.com", "another-pass"));
}

}  // namespace
}  // namespace omniline::testing
