#pragma once
// Result<T>: the value of an operation that can fail for an expected reason (bad input,
// refused request). Exceptions are kept for programming errors and start-up failures.
#include <cassert>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace dzvin {

// An expected failure: a code meaningful to the domain that produced it (for SIP parse and
// validation errors it is the SIP status to answer with, e.g. 400, 413, 505) and a message
// for humans that names what was wrong.
struct Error {
  int code = 0;
  std::string message;
};

inline Error make_error(int code, std::string message) {
  return Error{code, std::move(message)};
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}      // NOLINT implicit
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT implicit

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return *std::get_if<0>(&v_);
  }
  const T& value() const& {
    assert(ok());
    return *std::get_if<0>(&v_);
  }
  T&& value() && {
    assert(ok());
    return std::move(*std::get_if<0>(&v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const {
    assert(!ok());
    return *std::get_if<1>(&v_);
  }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT implicit
  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const {
    assert(failed_);
    return error_;
  }

 private:
  Error error_;
  bool failed_ = false;
};

}  // namespace dzvin
