// The protocols a server speaks. A new protocol is one more entry here, before Connect (which
// claims whatever no other protocol does).
#include <array>

#include "protocol/connect_server.h"
#include "protocol/server_protocol.h"

namespace connectrpc::internal {

std::span<const ServerProtocol* const> ServerProtocols() {
  static const ConnectServerProtocol connect;
  static const std::array<const ServerProtocol*, 1> protocols = {&connect};
  return protocols;
}

const ServerProtocol& ProtocolFor(const RequestHead& head) {
  for (const ServerProtocol* protocol : ServerProtocols()) {
    if (protocol->Claims(head)) return *protocol;
  }
  return *ServerProtocols().back();
}

}  // namespace connectrpc::internal
