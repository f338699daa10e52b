// Result<T>: a value or a non-OK Status, the return type of every fallible runtime call.
//
//   connectrpc::Result<SayResponse> r = client.Say(request);
//   if (!r.ok()) return r.status();
//   use(r->sentence());
//
// Result is [[nodiscard]]: a dropped Result is a dropped error. value(), operator* and
// operator-> on a failed Result print the status to standard error and abort, in every build
// mode; test ok() first.
#ifndef CONNECTRPC_RESULT_H_
#define CONNECTRPC_RESULT_H_

#include <optional>
#include <utility>

#include "connectrpc/status.h"

namespace connectrpc {
namespace internal {

// Prints "Result::value() called on an error: <code>: <message>" to standard error and aborts.
[[noreturn]] void DieOnErrorResultAccess(const Status& status);

}  // namespace internal

template <typename T>
class [[nodiscard]] Result {
 public:
  // A successful result.
  Result(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  // A failed result; `status` must not be OK (an OK status becomes kInternal).
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (status_.ok()) status_ = Status(Code::kInternal, "Result constructed from an OK status");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  Status& mutable_status() { return status_; }

  // The value; aborts with the status text if !ok().
  T& value() & {
    CheckOk();
    return *value_;
  }
  const T& value() const& {
    CheckOk();
    return *value_;
  }
  T&& value() && {
    CheckOk();
    return std::move(*value_);
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  void CheckOk() const {
    if (!value_.has_value()) [[unlikely]] {
      internal::DieOnErrorResultAccess(status_);
    }
  }

  std::optional<T> value_;
  Status status_;
};

}  // namespace connectrpc

#endif  // CONNECTRPC_RESULT_H_
