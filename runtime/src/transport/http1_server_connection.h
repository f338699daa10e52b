// HTTP/1.1 server connections (RFC 9112) over plain TCP or TLS: request heads parsed with Beast's
// basic_parser, bodies streamed to the exchange as the handler reads them, responses written
// with one gather write per head/body pair. The connection is the ServerExchange of its current
// request. Knows nothing of RPC protocols.
#ifndef CONNECTRPC_SRC_TRANSPORT_HTTP1_SERVER_CONNECTION_H_
#define CONNECTRPC_SRC_TRANSPORT_HTTP1_SERVER_CONNECTION_H_

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "transport/connection_host.h"

namespace connectrpc::internal {

// Starts serving `socket` on its executor; `tls` (optional) makes it an HTTPS connection. The
// connection registers itself with `host` and lives until it closes.
void StartHttp1Connection(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context* tls,
                          ConnectionHost& host);

}  // namespace connectrpc::internal

#endif  // CONNECTRPC_SRC_TRANSPORT_HTTP1_SERVER_CONNECTION_H_
