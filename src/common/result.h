// Result<T>: the value of an operation or a typed error, until the compiler ships std::expected.
// Errors become HTTP statuses in exactly one place (api/json_util.cc: http_status).
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace omniline {

enum class ErrorCode {
  kInvalid,       // the caller sent something malformed or out of range -> 400
  kUnauthorized,  // no or bad credentials -> 401
  kForbidden,     // authenticated but not allowed -> 403
  kNotFound,      // -> 404
  kConflict,      // unique key taken, state does not allow it -> 409
  kTooLarge,      // -> 413
  kRateLimited,   // -> 429
  kUnavailable,   // storage closed or shutting down -> 503
  kInternal,      // a bug or an I/O failure -> 500
};

// Stable lower_snake name of a code as used in the API's {"error":{"code":...}}.
const char* error_code_name(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  int retry_after_s = 0;  // for kRateLimited/kUnavailable: when the caller may try again

  static Error invalid(std::string m) { return {ErrorCode::kInvalid, std::move(m)}; }
  static Error unauthorized(std::string m) { return {ErrorCode::kUnauthorized, std::move(m)}; }
  static Error forbidden(std::string m) { return {ErrorCode::kForbidden, std::move(m)}; }
  static Error not_found(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
  static Error conflict(std::string m) { return {ErrorCode::kConflict, std::move(m)}; }
  static Error too_large(std::string m) { return {ErrorCode::kTooLarge, std::move(m)}; }
  static Error rate_limited(std::string m, int retry_after_s) {
    return {ErrorCode::kRateLimited, std::move(m), retry_after_s};
  }
  static Error unavailable(std::string m) { return {ErrorCode::kUnavailable, std::move(m)}; }
  static Error internal(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }
  Error&& take_error() && {
    assert(!ok());
    return std::get<1>(std::move(v_));
  }

 private:
  std::variant<T, Error> v_;
};

struct Unit {};

// Status: success without a value, or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : err_(std::move(error)), ok_(false) {}  // NOLINT
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return err_;
  }
  Error&& take_error() && { return std::move(err_); }

 private:
  Error err_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace omniline
