// Bearer credentials: browser sessions and personal API tokens. Only a hash of the secret is kept.
#pragma once

#include <optional>
#include <string>

#include "common/clock.h"
#include "common/ids.h"

namespace omniline::domain {

enum class TokenKind { kSession, kPersonal };

const char* token_kind_name(TokenKind k);  // "session", "personal"

struct AuthToken {
  TokenId id;
  EmployeeId employee_id;
  TokenKind kind = TokenKind::kSession;
  std::string name;        // a label for personal tokens; empty for sessions
  std::string token_hash;  // 32 raw bytes: BLAKE2b of the secret
  UnixMs created_at = 0;
  std::optional<UnixMs> expires_at;  // nullopt: never expires (personal tokens only)
  std::optional<UnixMs> last_used_at;
  std::optional<UnixMs> revoked_at;

  bool usable_at(UnixMs now) const { return !revoked_at && (!expires_at || *expires_at > now); }
};

}  // namespace omniline::domain
