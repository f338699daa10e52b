// UnaryCall: one attempt of a unary call on the transport — open, write head and body in one go,
// read the response head and body, decode. Runs on the event loop; a deadline timer and a
// cancellation subscription exist only when the call has a deadline or a token.
#ifndef CONNECTRPC_SRC_CLIENT_UNARY_CALL_H_
#define CONNECTRPC_SRC_CLIENT_UNARY_CALL_H_

#include <google/protobuf/message.h>

#include <memory>
#include <optional>
#include <string>

#include "client/call_guard.h"
#include "client/client_core.h"
#include "connectrpc/call_options.h"
#include "connectrpc/headers.h"
#include "connectrpc/internal/async_result.h"
#include "connectrpc/method.h"
#include "connectrpc/transport.h"

namespace connectrpc::internal {

class UnaryCall : public std::enable_shared_from_this<UnaryCall> {
 public:
  // Serializes `request` and builds the request on the calling thread; `response` and
  // `options.response_metadata` must outlive the call.
  static Result<std::shared_ptr<UnaryCall>> Prepare(const std::shared_ptr<ClientCore>& core,
                                                    const MethodInfo& method, Headers headers,
                                                    const CallOptions& options,
                                                    const google::protobuf::Message& request,
                                                    google::protobuf::Message* response);
  UnaryCall(std::shared_ptr<ClientCore> core, google::protobuf::Message* response,
            const CallOptions& options, std::optional<Clock::time_point> deadline);

  // Runs the call on the event loop; `done` runs there with its status. Any thread.
  void Start(Completion<Status> done);

 private:
  void Run();
  void OnOpen(Result<std::shared_ptr<HttpExchange>> exchange);
  void OnHead(Result<HttpResponseHead> head);
  void ReadBody();
  void Finish(Status status);

  std::shared_ptr<ClientCore> core_;
  google::protobuf::Message* response_;
  ResponseMetadata* response_metadata_;
  std::shared_ptr<CancellationToken> cancellation_;
  std::optional<Clock::time_point> deadline_;
  HttpRequestHead head_;
  std::string body_;
  CallGuard guard_;
  std::shared_ptr<HttpExchange> exchange_;
  HttpResponseHead response_head_;
  std::string response_body_;
  size_t wire_limit_ = 0;
  Completion<Status> done_;
};

}  // namespace connectrpc::internal

#endif  // CONNECTRPC_SRC_CLIENT_UNARY_CALL_H_
