// ServerCore: the state every call of a server shares — options, routes, protocol settings, the
// blocking handler pool and the counters behind the concurrency limits. Owned by a shared_ptr:
// the Server and every live call hold it, so a call abandoned by a shutdown (a handler that
// never returns) can never outlive what it uses.
#ifndef CONNECTRPC_SRC_SERVER_SERVER_CORE_H_
#define CONNECTRPC_SRC_SERVER_SERVER_CORE_H_

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <unordered_map>
#include "connectrpc/server.h"
#include "protocol/server_protocol.h"
#include "server/handler_pool.h"

namespace connectrpc::internal {

struct Route {
  std::string procedure;
  MethodInfo method;  // method.procedure views `procedure`
  RouteHandler handler;
};

struct ServerCore {
  explicit ServerCore(ServerOptions opts);

  const Route* FindRoute(std::string_view path) const {
    auto it = routes.find(path);
    return it == routes.end() ? nullptr : it->second.get();
  }
  void Log(std::string_view message) const;

  ServerOptions options;
  ServerProtocolOptions protocol_options;
  // Boxed so a Route (and the string its MethodInfo views) never moves.
  struct TransparentHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, std::unique_ptr<Route>, TransparentHash, std::equal_to<>> routes;
  std::shared_ptr<HandlerPool> pool;  // created by Start()
  std::atomic<size_t> calls_in_flight{0};
  std::atomic<bool> draining{false};
  std::atomic<bool> stopped{false};
  std::shared_ptr<void> loops_keepalive;  // the server's event loops  // set once Shutdown() has stopped the event loops
};

}  // namespace connectrpc::internal

#endif  // CONNECTRPC_SRC_SERVER_SERVER_CORE_H_
