// The ConformanceService implementation served by conformance-server: it echoes what it
// received (headers, timeout, requests, GET query parameters) and answers as each request's
// response definition asks.
#ifndef CONNECTRPC_TESTS_CONFORMANCE_CONFORMANCE_SERVICE_H_
#define CONNECTRPC_TESTS_CONFORMANCE_CONFORMANCE_SERVICE_H_

#include "connectrpc/server_context.h"
#include "connectrpc/server_stream.h"
#include "connectrpc/status.h"
#include "tests/conformance/conformance_protos.h"

namespace connectrpc::conformance {

class ConformanceServiceImpl : public v1::ConformanceServiceHandler {
 public:
  Status Unary(ServerContext& context, const v1::UnaryRequest& request,
               v1::UnaryResponse* response) override;
  Status ServerStream(ServerContext& context, const v1::ServerStreamRequest& request,
                      ServerWriter<v1::ServerStreamResponse>& writer) override;
  Status ClientStream(ServerContext& context, ServerReader<v1::ClientStreamRequest>& reader,
                      v1::ClientStreamResponse* response) override;
  Status BidiStream(
      ServerContext& context,
      ServerReaderWriter<v1::BidiStreamRequest, v1::BidiStreamResponse>& stream) override;
  Status IdempotentUnary(ServerContext& context, const v1::IdempotentUnaryRequest& request,
                         v1::IdempotentUnaryResponse* response) override;
  // Unimplemented is deliberately not overridden: the generated default answers unimplemented.
};

}  // namespace connectrpc::conformance

#endif  // CONNECTRPC_TESTS_CONFORMANCE_CONFORMANCE_SERVICE_H_
