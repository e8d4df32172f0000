// Employees and their roles; pure data and validation, no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/ids.h"
#include "common/result.h"

namespace omniline::domain {

enum class Role { kAdmin, kSupervisor, kOperator };

const char* role_name(Role r);                          // "admin", "supervisor", "operator"
std::optional<Role> parse_role(std::string_view name);  // nullopt for anything else

struct Employee {
  EmployeeId id;
  std::string name;
  std::string email;  // stored lower-cased; unique
  Role role = Role::kOperator;
  std::string avatar_url;  // empty when none
  bool active = true;
  bool away = false;  // set by the employee: routing skips them on lines that need availability
  std::string password_hash;  // argon2id string from libsodium; never serialised to clients
  UnixMs created_at = 0;
  UnixMs updated_at = 0;
};

// Validation shared by the API, the CLI and the first-admin bootstrap.
constexpr std::size_t kMaxNameLength = 200;
constexpr std::size_t kMaxEmailLength = 254;
constexpr std::size_t kMinPasswordLength = 8;
constexpr std::size_t kMaxPasswordLength = 256;
constexpr std::size_t kMaxAvatarUrlLength = 2048;

// Returns the normalised (trimmed, lower-cased) e-mail, or an invalid_request error.
Result<std::string> normalize_email(std::string_view email);
Status validate_name(std::string_view name);
Status validate_password(std::string_view password);
Status validate_avatar_url(std::string_view url);

}  // namespace omniline::domain
