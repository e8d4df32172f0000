#include "services/auth_service.h"

#include <algorithm>

#include "services/crypto.h"

namespace omniline::services {

using domain::AuthToken;
using domain::Employee;
using domain::TokenKind;

namespace {
constexpr std::string_view kWrongCredentials = "wrong email or password";
// Only touch last_used_at this often, so authentication is not a write per request.
constexpr UnixMs kTouchIntervalMs = 60 * 1000;
constexpr std::size_t kTokenBytes = 32;
constexpr std::size_t kMaxTokenLength = 128;

int clamp_slots(int n) {
  return std::clamp(n, 1, 64);
}
}  // namespace

AuthService::AuthService(store::Store& store, AuthConfig config)
    : store_(store),
      config_(config),
      account_failures_(config.max_failures_per_account, config.failure_window_ms),
      ip_failures_(config.max_failures_per_ip, config.failure_window_ms),
      hash_slots_(clamp_slots(config.max_concurrent_hashes)) {}

Result<std::string> AuthService::hash_password(std::string_view password) {
  hash_slots_.acquire();
  auto h = crypto::hash_password(password);
  hash_slots_.release();
  return h;
}

bool AuthService::verify_password(std::string_view password, std::string_view hash) {
  hash_slots_.acquire();
  bool ok = crypto::verify_password(password, hash);
  hash_slots_.release();
  return ok;
}

const std::string& AuthService::dummy_hash() {
  std::call_once(dummy_once_, [this] {
    auto h = crypto::hash_password(crypto::random_hex(16));
    dummy_hash_ = h.ok() ? *h : std::string();
  });
  return dummy_hash_;
}

Result<LoginResult> AuthService::login(std::string_view email_in, std::string_view password,
                                       const std::string& ip) {
  auto email = domain::normalize_email(email_in);
  if (!email.ok()) return std::move(email).take_error();
  if (password.empty() || password.size() > domain::kMaxPasswordLength)
    return Error::unauthorized(std::string(kWrongCredentials));

  const UnixMs now = now_ms();
  const std::string account_key = *email;
  UnixMs wait =
      std::max(account_failures_.blocked_for(account_key, now), ip_failures_.blocked_for(ip, now));
  if (wait > 0) {
    int secs = static_cast<int>((wait + 999) / 1000);
    return Error::rate_limited(
        "too many failed sign-ins; try again in " + std::to_string(secs) + " s", secs);
  }

  auto found =
      store_.read_value<Employee>([&](store::ReadTx& tx) { return tx.employee_by_email(*email); });
  if (!found.ok() && found.error().code != ErrorCode::kNotFound)
    return std::move(found).take_error();

  // Verify against a dummy hash when there is no such account, so that timing does not tell
  // which e-mails exist.
  bool password_ok = verify_password(password, found.ok() ? found->password_hash : dummy_hash());
  if (!found.ok() || !password_ok || !found->active) {
    account_failures_.record_failure(account_key, now);
    ip_failures_.record_failure(ip, now);
    return Error::unauthorized(std::string(kWrongCredentials));
  }
  account_failures_.reset(account_key);

  auto issued = issue_token(found->id, TokenKind::kSession, "", now + config_.session_ttl_ms);
  if (!issued.ok()) return std::move(issued).take_error();
  LoginResult out;
  out.token = issued->token;
  out.csrf_token = csrf_for(out.token);
  out.expires_at = *issued->info.expires_at;
  out.employee = std::move(found).value();
  return out;
}

Result<NewToken> AuthService::issue_token(EmployeeId employee, TokenKind kind, std::string name,
                                          std::optional<UnixMs> expires_at) {
  NewToken out;
  out.token = std::string(kind == TokenKind::kSession ? kSessionPrefix : kPersonalPrefix) +
              crypto::random_token(kTokenBytes);
  AuthToken& t = out.info;
  t.employee_id = employee;
  t.kind = kind;
  t.name = std::move(name);
  t.token_hash = crypto::digest(out.token);
  t.created_at = now_ms();
  t.expires_at = expires_at;
  auto id = store_.write_value<TokenId>([&](store::WriteTx& tx) { return tx.insert_token(t); });
  if (!id.ok()) return std::move(id).take_error();
  t.id = *id;
  return out;
}

Result<Principal> AuthService::authenticate(std::string_view token) {
  if (token.empty() || token.size() > kMaxTokenLength ||
      !(token.starts_with(kSessionPrefix) || token.starts_with(kPersonalPrefix)))
    return Error::unauthorized("invalid token");
  const std::string hash = crypto::digest(token);
  const UnixMs now = now_ms();
  Principal p;
  Status st = store_.read([&](store::ReadTx& tx) -> Status {
    auto t = tx.token_by_hash(hash);
    if (!t.ok()) {
      if (t.error().code == ErrorCode::kNotFound) return Error::unauthorized("invalid token");
      return std::move(t).take_error();
    }
    if (!t->usable_at(now)) return Error::unauthorized("token expired or revoked");
    auto e = tx.employee_by_id(t->employee_id);
    if (!e.ok()) return Error::unauthorized("invalid token");
    if (!e->active) return Error::unauthorized("account is deactivated");
    p.token = std::move(t).value();
    p.employee = std::move(e).value();
    return {};
  });
  if (!st.ok()) return std::move(st).take_error();
  if (!p.token.last_used_at || now - *p.token.last_used_at > kTouchIntervalMs) {
    TokenId id = p.token.id;
    // Best effort and asynchronous: a lost touch only makes last_used_at less precise.
    store_.submit_write([id, now](store::WriteTx& tx) { return tx.touch_token(id, now); },
                        [](Status) {});
  }
  return p;
}

Status AuthService::logout(const Principal& who) {
  const UnixMs now = now_ms();
  return store_.write(
      [&](store::WriteTx& tx) { return tx.revoke_token(who.employee.id, who.token.id, now); });
}

std::string AuthService::csrf_for(std::string_view session_token) {
  return crypto::to_hex(crypto::keyed_digest(session_token, "omniline-csrf-v1"));
}

bool AuthService::csrf_matches(std::string_view session_token, std::string_view presented) {
  return crypto::equal_ct(csrf_for(session_token), presented);
}

Result<NewToken> AuthService::create_personal_token(const Principal& who, std::string_view name,
                                                    std::optional<UnixMs> expires_at) {
  if (name.empty() || name.size() > 100)
    return Error::invalid("name is required (100 bytes at most)");
  if (expires_at && *expires_at <= now_ms()) return Error::invalid("expires_at is in the past");
  auto existing = list_personal_tokens(who);
  if (!existing.ok()) return std::move(existing).take_error();
  if (existing->size() >= config_.max_personal_tokens)
    return Error::conflict("too many personal tokens; revoke one first");
  return issue_token(who.employee.id, TokenKind::kPersonal, std::string(name), expires_at);
}

Result<std::vector<AuthToken>> AuthService::list_personal_tokens(const Principal& who) {
  return store_.read_value<std::vector<AuthToken>>(
      [&](store::ReadTx& tx) { return tx.list_tokens(who.employee.id, TokenKind::kPersonal); });
}

Status AuthService::revoke_personal_token(const Principal& who, TokenId id) {
  const UnixMs now = now_ms();
  return store_.write([&](store::WriteTx& tx) -> Status {
    auto list = tx.list_tokens(who.employee.id, TokenKind::kPersonal);
    if (!list.ok()) return std::move(list).take_error();
    bool mine =
        std::any_of(list->begin(), list->end(), [&](const AuthToken& t) { return t.id == id; });
    if (!mine) return Error::not_found("no such personal token");
    return tx.revoke_token(who.employee.id, id, now);
  });
}

Result<std::optional<std::string>> AuthService::bootstrap_admin(
    std::optional<std::string> email, std::optional<std::string> password) {
  auto count =
      store_.read_value<std::int64_t>([](store::ReadTx& tx) { return tx.count_employees(); });
  if (!count.ok()) return std::move(count).take_error();
  if (*count > 0) return std::optional<std::string>();

  std::string generated;
  if (!email || !password) {
    email = "admin@localhost";
    generated = crypto::random_token(18);
    password = generated;
  }
  auto norm = domain::normalize_email(*email);
  if (!norm.ok()) return std::move(norm).take_error();
  if (auto st = domain::validate_password(*password); !st.ok()) return std::move(st).take_error();
  auto hash = hash_password(*password);
  if (!hash.ok()) return std::move(hash).take_error();

  Employee e;
  e.name = "Administrator";
  e.email = *norm;
  e.role = domain::Role::kAdmin;
  e.password_hash = *hash;
  e.created_at = e.updated_at = now_ms();
  Status st = store_.write([&](store::WriteTx& tx) -> Status {
    auto n = tx.count_employees();  // re-check inside the writer: two nodes may race
    if (!n.ok()) return std::move(n).take_error();
    if (*n > 0) return Error::conflict("employees exist");
    auto id = tx.insert_employee(e);
    if (!id.ok()) return std::move(id).take_error();
    return {};
  });
  if (!st.ok()) {
    if (st.error().code == ErrorCode::kConflict) return std::optional<std::string>();
    return std::move(st).take_error();
  }
  return std::optional<std::string>(generated);
}

}  // namespace omniline::services
