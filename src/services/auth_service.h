// Sign-in, bearer tokens (browser sessions and personal API tokens), CSRF tokens, and the first
// admin. All methods block (password hashing, storage): call them from worker threads only.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <vector>

#include "common/result.h"
#include "domain/auth_token.h"
#include "domain/employee.h"
#include "services/rate_limiter.h"
#include "store/store.h"

namespace omniline::services {

struct AuthConfig {
  UnixMs session_ttl_ms = 7LL * 24 * 3600 * 1000;  // a browser session lasts a week
  int max_failures_per_account = 5;                // then blocked for the rest of the window
  int max_failures_per_ip = 30;
  UnixMs failure_window_ms = 15LL * 60 * 1000;
  int max_concurrent_hashes = 4;  // argon2id uses 64 MiB each: bound the memory
  std::size_t max_personal_tokens = 50;
};

// Who is calling, resolved from a bearer token or the session cookie.
struct Principal {
  domain::Employee employee;
  domain::AuthToken token;
};

struct LoginResult {
  std::string token;       // the secret: shown once, stored only as a digest
  std::string csrf_token;  // to echo in X-CSRF-Token on cookie-authenticated state changes
  UnixMs expires_at = 0;
  domain::Employee employee;
};

struct NewToken {
  std::string token;  // the secret, shown once
  domain::AuthToken info;
};

class AuthService {
 public:
  AuthService(store::Store& store, AuthConfig config);

  // unauthorized for a wrong e-mail/password or an inactive account (same message for each),
  // rate_limited when the account or the IP failed too often.
  Result<LoginResult> login(std::string_view email, std::string_view password,
                            const std::string& ip);
  // unauthorized for an unknown, expired or revoked token or an inactive employee.
  Result<Principal> authenticate(std::string_view token);
  Status logout(const Principal& who);

  // The CSRF token bound to a session token (derived, so nothing extra is stored).
  static std::string csrf_for(std::string_view session_token);
  static bool csrf_matches(std::string_view session_token, std::string_view presented);

  Result<NewToken> create_personal_token(const Principal& who, std::string_view name,
                                         std::optional<UnixMs> expires_at);
  Result<std::vector<domain::AuthToken>> list_personal_tokens(const Principal& who);
  Status revoke_personal_token(const Principal& who, TokenId id);

  // Hashes a password with argon2id, bounded to max_concurrent_hashes at a time.
  Result<std::string> hash_password(std::string_view password);
  bool verify_password(std::string_view password, std::string_view hash);

  // Creates the first admin when there is no employee at all. Returns the generated password
  // when one had to be generated (email/password not given), an empty string when the given
  // password was used, and nullopt when employees already exist.
  Result<std::optional<std::string>> bootstrap_admin(std::optional<std::string> email,
                                                     std::optional<std::string> password);

  static constexpr std::string_view kSessionPrefix = "ols_";
  static constexpr std::string_view kPersonalPrefix = "olp_";

 private:
  Result<NewToken> issue_token(EmployeeId employee, domain::TokenKind kind, std::string name,
                               std::optional<UnixMs> expires_at);
  const std::string& dummy_hash();

  store::Store& store_;
  const AuthConfig config_;
  FailureLimiter account_failures_;
  FailureLimiter ip_failures_;
  std::counting_semaphore<64> hash_slots_;
  std::once_flag dummy_once_;
  std::string dummy_hash_;
};

}  // namespace omniline::services
