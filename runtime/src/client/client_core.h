// ClientCore: what every call of a Client shares — options, the event loop and the transport. Calls
// and streams hold it by shared_ptr, so they may outlive the Client object.
#ifndef CONNECTRPC_SRC_CLIENT_CLIENT_CORE_H_
#define CONNECTRPC_SRC_CLIENT_CLIENT_CORE_H_

#include <memory>
#include <string>
#include <utility>

#include "client/event_loop.h"
#include "connectrpc/client.h"
#include "connectrpc/transport.h"

namespace connectrpc::internal {

struct ClientCore {
  ClientCore(std::string base_url, std::string path_prefix, ClientOptions options,
             std::shared_ptr<ClientLoop> loop, std::shared_ptr<Transport> transport)
      : base_url(std::move(base_url)),
        path_prefix(std::move(path_prefix)),
        options(std::move(options)),
        loop(std::move(loop)),
        transport(std::move(transport)) {}
  // Closes idle connections, then (member order) drops the transport and stops the loop.
  ~ClientCore() { transport->Shutdown(); }
  ClientCore(const ClientCore&) = delete;
  ClientCore& operator=(const ClientCore&) = delete;

  const boost::asio::any_io_executor& executor() const { return loop->executor(); }

  const std::string base_url;
  const std::string path_prefix;
  const ClientOptions options;
  std::shared_ptr<ClientLoop> loop;
  std::shared_ptr<Transport> transport;
};

}  // namespace connectrpc::internal

#endif  // CONNECTRPC_SRC_CLIENT_CLIENT_CORE_H_
