// Result<T>: a value or a non-OK Status, the return type of every fallible runtime call.
//
//   connectrpc::Result<SayResponse> r = client.Say(request);
//   if (!r.ok()) return r.status();
//   use(r->sentence());
#ifndef CONNECTRPC_RESULT_H_
#define CONNECTRPC_RESULT_H_

#include <cassert>
#include <optional>
#include <utility>

#include "connectrpc/status.h"

namespace connectrpc {

template <typename T>
class Result {
 public:
  // A successful result.
  Result(T value) : value_(std::move(value)) {}  // NOLINT(runtime/explicit)
  // A failed result; `status` must not be OK (an OK status becomes kInternal).
  Result(Status status) : status_(std::move(status)) {  // NOLINT(runtime/explicit)
    if (status_.ok()) status_ = Status(Code::kInternal, "Result constructed from an OK status");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  Status& mutable_status() { return status_; }

  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace connectrpc

#endif  // CONNECTRPC_RESULT_H_
