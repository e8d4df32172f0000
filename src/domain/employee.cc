#include "domain/employee.h"

#include <algorithm>
#include <cctype>

namespace omniline::domain {

const char* role_name(Role r) {
  switch (r) {
    case Role::kAdmin:
      return "admin";
    case Role::kSupervisor:
      return "supervisor";
    case Role::kOperator:
      return "operator";
  }
  return "operator";
}

std::optional<Role> parse_role(std::string_view name) {
  if (name == "admin") return Role::kAdmin;
  if (name == "supervisor") return Role::kSupervisor;
  if (name == "operator") return Role::kOperator;
  return std::nullopt;
}

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool has_control_chars(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}
}  // namespace

Result<std::string> normalize_email(std::string_view email) {
  std::string_view e = trim(email);
  if (e.empty()) return Error::invalid("email is required");
  if (e.size() > kMaxEmailLength) return Error::invalid("email is too long");
  auto at = e.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= e.size() ||
      e.find('@', at + 1) != std::string_view::npos)
    return Error::invalid("email must look like name@domain");
  for (char c : e) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '<' || c == '>' || c == '"' || c == ',' || c == ';')
      return Error::invalid("email contains a character that is not allowed");
  }
  std::string out(e);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

Status validate_name(std::string_view name) {
  std::string_view n = trim(name);
  if (n.empty()) return Error::invalid("name is required");
  if (name.size() > kMaxNameLength) return Error::invalid("name is too long (200 bytes at most)");
  if (has_control_chars(name)) return Error::invalid("name contains control characters");
  return {};
}

Status validate_password(std::string_view password) {
  if (password.size() < kMinPasswordLength)
    return Error::invalid("password must be at least 8 characters");
  if (password.size() > kMaxPasswordLength)
    return Error::invalid("password is too long (256 bytes at most)");
  return {};
}

Status validate_avatar_url(std::string_view url) {
  if (url.empty()) return {};
  if (url.size() > kMaxAvatarUrlLength) return Error::invalid("avatar_url is too long");
  if (has_control_chars(url)) return Error::invalid("avatar_url contains control characters");
  // Only http(s) URLs or our own absolute paths: never javascript: or data: URLs.
  if (!(url.starts_with("https://") || url.starts_with("http://") ||
        (url.starts_with("/") && !url.starts_with("//"))))
    return Error::invalid("avatar_url must be an http(s) URL or an absolute path");
  return {};
}

}  // namespace omniline::domain
