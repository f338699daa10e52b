// Pieces shared by the unary and streaming halves of the client.
#ifndef CONNECTRPC_SRC_CLIENT_INTERNAL_H_
#define CONNECTRPC_SRC_CLIENT_INTERNAL_H_

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "connectrpc/call_options.h"
#include "connectrpc/client.h"
#include "connectrpc/transport.h"

namespace connectrpc::internal {

// The deadline of a call from its options and the client default.
std::optional<Clock::time_point> CallDeadline(const ClientOptions& client_options,
                                              const CallOptions& options);

// Adds the protocol headers every request carries: protocol version, timeout (the remaining
// budget, rounded down), user agent.
void AddCommonHeaders(const ClientOptions& client_options,
                      std::optional<Clock::time_point> deadline, Headers* headers);

// The request headers from client and call options; fails on values with CR/LF or bad keys.
Result<Headers> MergeUserHeaders(const ClientOptions& client_options, const CallOptions& options);

// Splits response headers into plain headers and "trailer-" prefixed trailers (prefix removed).
void SplitTrailers(const Headers& all, Headers* headers, Headers* trailers);

// Reads the rest of a response body, failing with kResourceExhausted past `max_bytes` (0: none).
Status ReadWholeBody(HttpExchange& exchange, size_t max_bytes, std::string* body);

// Connects a CancellationToken to an exchange for the exchange's lifetime: cancelling the token
// cancels the exchange; after Detach() (or destruction) it no longer can.
class CancelLink {
 public:
  CancelLink() = default;
  ~CancelLink() { Detach(); }
  CancelLink(const CancelLink&) = delete;
  CancelLink& operator=(const CancelLink&) = delete;

  // Returns false if the token is already cancelled.
  bool Attach(const std::shared_ptr<CancellationToken>& token, HttpExchange* exchange);
  void Detach();

 private:
  struct Target {
    std::mutex mu;
    HttpExchange* exchange = nullptr;
  };
  std::shared_ptr<CancellationToken> token_;
  std::shared_ptr<Target> target_;
  int subscription_ = -1;
};

}  // namespace connectrpc::internal

#endif  // CONNECTRPC_SRC_CLIENT_INTERNAL_H_
