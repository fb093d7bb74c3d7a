#pragma once
// Expected failures as values.
//
// Every public function of a module that can fail for a reason other than a
// programming error returns Result<T> (or Status, i.e. Result<void>). The error
// carries a code (mapped to an HTTP status in exactly one place, the server's
// error mapping), a human message, and the name of the field or line at fault.
//
// Thread-safety: values; no shared state.

#include <cassert>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace atelier {

enum class ErrorCode {
  kInvalidArgument,
  kNotFound,
  kConflict,
  kUnavailable,
  kUnauthorized,
  kForbidden,
  kTooLarge,
  kRateLimited,  // too many attempts from one client; retry later
  kInternal,
};

// Stable wire name of a code: "invalid_argument", "not_found", ...
const char* ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  // The request field, CSV column or model element at fault; empty when none.
  std::string field;
  // For kRateLimited: seconds until a retry can succeed (HTTP Retry-After);
  // 0 when unknown or not applicable.
  int64_t retry_after_seconds = 0;

  static Error InvalidArgument(std::string message, std::string field = {}) {
    return {ErrorCode::kInvalidArgument, std::move(message), std::move(field)};
  }
  static Error NotFound(std::string message, std::string field = {}) {
    return {ErrorCode::kNotFound, std::move(message), std::move(field)};
  }
  static Error Conflict(std::string message, std::string field = {}) {
    return {ErrorCode::kConflict, std::move(message), std::move(field)};
  }
  static Error Unavailable(std::string message) {
    return {ErrorCode::kUnavailable, std::move(message), {}};
  }
  static Error Unauthorized(std::string message) {
    return {ErrorCode::kUnauthorized, std::move(message), {}};
  }
  static Error Forbidden(std::string message) {
    return {ErrorCode::kForbidden, std::move(message), {}};
  }
  static Error TooLarge(std::string message, std::string field = {}) {
    return {ErrorCode::kTooLarge, std::move(message), std::move(field)};
  }
  static Error RateLimited(std::string message, std::string field = {}) {
    return {ErrorCode::kRateLimited, std::move(message), std::move(field)};
  }
  static Error Internal(std::string message) {
    return {ErrorCode::kInternal, std::move(message), {}};
  }

  // "code: message (field)" for logs and the CLI.
  std::string ToString() const;
};

// A value of type T or an Error. [[nodiscard]] so an ignored failure is a
// compile warning.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
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
  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

inline Status Ok() { return {}; }

}  // namespace atelier

// Returns the error of `expr` (a Result or Status) from the enclosing function.
#define ATELIER_RETURN_IF_ERROR(expr)            \
  do {                                           \
    auto _atelier_status = (expr);               \
    if (!_atelier_status.ok()) {                 \
      return _atelier_status.error();            \
    }                                            \
  } while (0)

#define ATELIER_CONCAT_INNER(a, b) a##b
#define ATELIER_CONCAT(a, b) ATELIER_CONCAT_INNER(a, b)

// ATELIER_ASSIGN_OR_RETURN(auto x, F()); assigns F()'s value or returns its error.
#define ATELIER_ASSIGN_OR_RETURN(lhs, expr) \
  ATELIER_ASSIGN_OR_RETURN_IMPL(ATELIER_CONCAT(_atelier_result_, __LINE__), lhs, expr)
#define ATELIER_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.error();                  \
  lhs = std::move(tmp).value()
