// CallOptions: per-call settings for a client RPC, and where to put what the server sent back.
//
//   connectrpc::CallOptions options;
//   options.timeout = std::chrono::milliseconds(500);
//   options.headers.Add("x-request-id", "42");
//   connectrpc::ResponseMetadata metadata;
//   options.response_metadata = &metadata;
#ifndef CONNECTRPC_CALL_OPTIONS_H_
#define CONNECTRPC_CALL_OPTIONS_H_

#include <chrono>
#include <memory>
#include <optional>

#include "connectrpc/headers.h"

namespace connectrpc {

// Lets another thread cancel a call in flight. Cancelling makes the call fail with kCanceled and
// abandons its connection.
class CancellationToken {
 public:
  CancellationToken();
  // Cancels every call that uses this token, now or later. Thread-safe.
  void Cancel();
  bool cancelled() const;

  // Runtime-internal: the callback runs once, on Cancel() (or at once if already cancelled).
  // Returns an id for Unsubscribe.
  struct State;
  const std::shared_ptr<State>& state() const { return state_; }

 private:
  std::shared_ptr<State> state_;
};

// Response headers and trailers of a successful call (a failed call carries them in its Status).
struct ResponseMetadata {
  Headers headers;
  Headers trailers;
};

struct CallOptions {
  // Deadline for the whole call, sent as Connect-Timeout-Ms. nullopt uses the client default.
  std::optional<std::chrono::milliseconds> timeout;
  // Extra request headers. Values containing CR or LF fail the call with kInvalidArgument.
  Headers headers;
  // Send a unary call to a NO_SIDE_EFFECTS method as an HTTP GET (ignored for other methods).
  bool use_get = false;
  // If set, receives the response headers and trailers of a unary call.
  ResponseMetadata* response_metadata = nullptr;
  // If set, cancels the call when cancelled.
  std::shared_ptr<CancellationToken> cancellation;
};

}  // namespace connectrpc

#endif  // CONNECTRPC_CALL_OPTIONS_H_
