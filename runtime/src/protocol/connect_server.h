// The Connect protocol on the server: unary POST and GET (the message is the body or the URL)
// and streaming (enveloped messages, an end-stream message with the status and trailers).
#ifndef CONNECTRPC_SRC_PROTOCOL_CONNECT_SERVER_H_
#define CONNECTRPC_SRC_PROTOCOL_CONNECT_SERVER_H_

#include "protocol/server_protocol.h"

namespace connectrpc::internal {

class ConnectServerProtocol final : public ServerProtocol {
 public:
  std::string_view name() const override { return "connect"; }
  // Connect is the fallback protocol: it claims every request, and answers 415 for content
  // types that are not its own.
  bool Claims(const RequestHead& head) const override;
  std::unique_ptr<ServerProtocolCall> StartCall(const RequestHead& head, const MethodInfo& method,
                                                const ServerProtocolOptions& options,
                                                HttpRejection* rejection) const override;
  HttpRejection NotFound(const RequestHead& head) const override;
};

}  // namespace connectrpc::internal

#endif  // CONNECTRPC_SRC_PROTOCOL_CONNECT_SERVER_H_
