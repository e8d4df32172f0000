#include <gtest/gtest.h>

#include "common/clock.h"
#include "domain/employee.h"
#include "domain/permissions.h"

namespace omniline::domain {
namespace {

TEST(Role, RoundTripsEveryName) {
  for (Role r : {Role::kAdmin, Role::kSupervisor, Role::kOperator}) {
    auto parsed = parse_role(role_name(r));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, r);
  }
  EXPECT_FALSE(parse_role("Admin").has_value());
  EXPECT_FALSE(parse_role("").has_value());
  EXPECT_FALSE(parse_role("root").has_value());
}

TEST(Email, NormalisesCaseAndSpace) {
  auto e = normalize_email("  Alice@Example.COM ");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(*e, "alice@example.com");
}

TEST(Email, RejectsMalformed) {
  for (const char* bad :
       {"", "   ", "alice", "@example.com", "alice@", "a@b@c", "a b@c.d", "a<b>@c.d", "a\n@c.d"}) {
    auto e = normalize_email(bad);
    ASSERT_FALSE(e.ok()) << bad;
    EXPECT_EQ(e.error().code, ErrorCode::kInvalid);
  }
  EXPECT_FALSE(normalize_email(std::string(250, 'a') + "@b.cd").ok());
}

TEST(Name, Validation) {
  EXPECT_TRUE(validate_name("Анна Петрова").ok());
  EXPECT_FALSE(validate_name("").ok());
  EXPECT_FALSE(validate_name("   ").ok());
  EXPECT_FALSE(validate_name("a\x01b").ok());
  EXPECT_FALSE(validate_name(std::string(201, 'x')).ok());
  EXPECT_TRUE(validate_name(std::string(200, 'x')).ok());
}

TEST(Password, Length) {
  EXPECT_FALSE(validate_password("short").ok());
  EXPECT_TRUE(validate_password("12345678").ok());
  EXPECT_FALSE(validate_password(std::string(257, 'p')).ok());
}

TEST(AvatarUrl, OnlyHttpOrPath) {
  EXPECT_TRUE(validate_avatar_url("").ok());
  EXPECT_TRUE(validate_avatar_url("https://cdn.example.com/a.png").ok());
  EXPECT_TRUE(validate_avatar_url("/files/1").ok());
  EXPECT_FALSE(validate_avatar_url("javascript:alert(1)").ok());
  EXPECT_FALSE(validate_avatar_url("data:text/html,x").ok());
  EXPECT_FALSE(validate_avatar_url("//evil.example/x").ok());
}

TEST(Permissions, EveryRoleAndAction) {
  struct Case {
    Role role;
    Action action;
    bool allowed;
  };
  const Case cases[] = {
      {Role::kAdmin, Action::kManageEmployees, true},
      {Role::kSupervisor, Action::kManageEmployees, false},
      {Role::kOperator, Action::kManageEmployees, false},
      {Role::kAdmin, Action::kManageLines, true},
      {Role::kSupervisor, Action::kManageLines, false},
      {Role::kOperator, Action::kManageLines, false},
      {Role::kAdmin, Action::kViewAllDialogs, true},
      {Role::kSupervisor, Action::kViewAllDialogs, true},
      {Role::kOperator, Action::kViewAllDialogs, false},
      {Role::kAdmin, Action::kViewEmployees, true},
      {Role::kSupervisor, Action::kViewEmployees, true},
      {Role::kOperator, Action::kViewEmployees, true},
  };
  for (const auto& c : cases)
    EXPECT_EQ(may(c.role, c.action), c.allowed)
        << role_name(c.role) << " action " << static_cast<int>(c.action);
}

TEST(Clock, Rfc3339RoundTrip) {
  UnixMs t = 1795608000123;  // 2026-11-25T...
  auto s = format_rfc3339(t);
  EXPECT_EQ(s.size(), 24u);
  EXPECT_EQ(s.back(), 'Z');
  auto back = parse_rfc3339(s);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, t);
  EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_FALSE(parse_rfc3339("2026-11-25 12:00:00").has_value());
  EXPECT_FALSE(parse_rfc3339("2026-13-25T12:00:00Z").has_value());
  EXPECT_FALSE(parse_rfc3339("2026-11-25T12:00:00.Z").has_value());
}

TEST(Ids, StrongTypes) {
  EmployeeId a(5);
  EXPECT_TRUE(a.is_valid());
  EXPECT_FALSE(EmployeeId().is_valid());
  EXPECT_FALSE(EmployeeId(-1).is_valid());
  static_assert(!std::is_convertible_v<TokenId, EmployeeId>);
  static_assert(!std::is_convertible_v<std::int64_t, EmployeeId>);
}

}  // namespace
}  // namespace omniline::domain
