// ServerProtocol: the protocol seam of the server. A protocol (Connect today; gRPC and gRPC-Web
// next) decides how one RPC looks on an HTTP exchange: which requests it claims, how request
// bytes become messages, and how response messages, headers, trailers and the final status
// become a response. It knows nothing of sockets (transport/) or handlers (call/): everything here
// is synchronous and testable without I/O.
//
// Adding a protocol: implement ServerProtocol and ServerProtocolCall in protocol/<name>_server.*,
// then add one line to ServerProtocols() in protocol/server_protocols.cc.
#ifndef CONNECTRPC_SRC_PROTOCOL_SERVER_PROTOCOL_H_
#define CONNECTRPC_SRC_PROTOCOL_SERVER_PROTOCOL_H_

#include <google/protobuf/message.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "connectrpc/codec.h"
#include "connectrpc/headers.h"
#include "connectrpc/method.h"
#include "connectrpc/status.h"
#include "transport/server_exchange.h"

namespace connectrpc::internal {

// Server-wide settings a protocol applies to every call.
struct ServerProtocolOptions {
  std::span<const Codec* const> codecs;  // looked up before the built-in proto and json codecs
  size_t max_receive_message_bytes = 0;  // per message, after decompression; 0: no limit
  size_t max_request_decompressed_bytes = 0;  // all messages of one request; 0: no limit
  size_t compress_min_bytes = 0;
};

// One call as a protocol sees it. Created by ServerProtocol::StartCall once the route is known.
class ServerProtocolCall {
 public:
  virtual ~ServerProtocolCall() = default;

  // Non-OK when the request head is unacceptable for this protocol (bad timeout, unsupported
  // compression, ...): the call then ends with this status without running a handler.
  virtual const Status& start_status() const = 0;
  // The timeout the client asked for, if any.
  virtual std::optional<std::chrono::milliseconds> timeout() const = 0;
  virtual const Codec& codec() const = 0;

  // Request messages. Body bytes are appended to input(); NextMessage then yields each complete
  // message (decompressed) as a view valid until the next call.
  enum class Next { kMessage, kNeedMore, kError };
  virtual std::string& input() = 0;
  virtual Next NextMessage(std::string_view* message, Status* error) = 0;
  // The body has ended. NextMessage then yields what is left, fails if the body ended inside a
  // message, and for protocols whose unary request is the whole body, yields that message.
  virtual Status FinishInput() = 0;
  // True when the request carries no body to read (e.g. Connect GET: the message is in the URL).
  virtual bool body_free() const = 0;

  // Response. A protocol that buffers its response (Connect unary: the single message is the
  // whole body, written with the status at the end) returns false from streams_response().
  virtual bool streams_response() const = 0;
  // Sets the response status and protocol headers plus `headers` on `exchange` before the first
  // streamed message.
  virtual void StartResponse(ServerExchange& exchange, const Headers& headers) = 0;
  // Encodes one response message onto `out` in the protocol's framing (compressing it when
  // negotiated).
  virtual Status EncodeMessage(const google::protobuf::Message& message, std::string* out) = 0;
  // Ends the response: for a streamed response appends the end of stream to
  // exchange.body_buffer(); for a buffered one sets the whole head and body, where
  // `buffered_message` holds the encoded message (if the handler wrote one) and is consumed.
  virtual void EncodeEnd(ServerExchange& exchange, const Status& status, const Headers& headers,
                         const Headers& trailers, std::string* buffered_message) = 0;
};

// A rejection answered at the HTTP level, before a protocol call exists (no route, wrong method,
// wrong content type).
struct HttpRejection {
  int http_status = 400;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  Headers headers;  // e.g. Allow, Accept-Post
};

class ServerProtocol {
 public:
  virtual ~ServerProtocol() = default;
  virtual std::string_view name() const = 0;
  // True when this protocol is the one to serve `head` (by content type and method).
  virtual bool Claims(const RequestHead& head) const = 0;
  // Starts a call for `method`, or says why the request is rejected at the HTTP level.
  virtual std::unique_ptr<ServerProtocolCall> StartCall(const RequestHead& head,
                                                        const MethodInfo& method,
                                                        const ServerProtocolOptions& options,
                                                        HttpRejection* rejection) const = 0;
  // Answers a request whose path has no route.
  virtual HttpRejection NotFound(const RequestHead& head) const = 0;
};

// The registered protocols, most specific first; the last one claims everything else.
std::span<const ServerProtocol* const> ServerProtocols();
// The protocol that serves `head`.
const ServerProtocol& ProtocolFor(const RequestHead& head);

}  // namespace connectrpc::internal

#endif  // CONNECTRPC_SRC_PROTOCOL_SERVER_PROTOCOL_H_
