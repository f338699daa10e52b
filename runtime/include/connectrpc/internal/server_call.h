// The runtime side of one server call, type-erased over message types. Handlers never see this
// class; they use ServerContext and the typed stream handles built on it.
#ifndef CONNECTRPC_INTERNAL_SERVER_CALL_H_
#define CONNECTRPC_INTERNAL_SERVER_CALL_H_

#include <google/protobuf/message.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "connectrpc/headers.h"
#include "connectrpc/method.h"
#include "connectrpc/status.h"

namespace connectrpc::internal {

class ServerCall {
 public:
  virtual ~ServerCall() = default;
  // Reads the next request message; false at the end of the request stream or on a decode error
  // (which then becomes the call's result, whatever the handler returns).
  virtual bool ReadMessage(google::protobuf::Message* message) = 0;
  // Writes one response message (for unary responses, records it); false once the call is over.
  virtual bool WriteMessage(const google::protobuf::Message& message) = 0;
  // Sends the response headers now; false once the call is over.
  virtual bool FlushHeaders() = 0;

  virtual const MethodInfo& method() const = 0;
  virtual const Headers& request_headers() const = 0;
  virtual std::string_view http_method() const = 0;
  virtual std::string_view query() const = 0;
  virtual const std::string& peer() const = 0;
  virtual Headers& response_headers() = 0;
  virtual Headers& response_trailers() = 0;
  virtual std::optional<std::chrono::steady_clock::time_point> deadline() const = 0;
  // OK while the call is live; otherwise why it ended early.
  virtual Status cancellation() const = 0;
  // Waits up to `duration` or until cancelled; false if cancelled.
  virtual bool WaitFor(std::chrono::milliseconds duration) const = 0;
};

}  // namespace connectrpc::internal

#endif  // CONNECTRPC_INTERNAL_SERVER_CALL_H_
