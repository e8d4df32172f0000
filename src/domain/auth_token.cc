#include "domain/auth_token.h"

namespace omniline::domain {

const char* token_kind_name(TokenKind k) {
  return k == TokenKind::kPersonal ? "personal" : "session";
}

}  // namespace omniline::domain
