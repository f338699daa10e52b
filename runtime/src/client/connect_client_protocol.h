// The client's half of the Connect protocol as pure functions: request heads for unary (POST and
// GET) and streaming calls, and the decoding of unary responses, unary errors, streaming response
// heads and stream frames. No I/O and no HTTP library here.
#ifndef CONNECTRPC_SRC_CLIENT_CONNECT_CLIENT_PROTOCOL_H_
#define CONNECTRPC_SRC_CLIENT_CONNECT_CLIENT_PROTOCOL_H_

#include <google/protobuf/message.h>

#include <optional>
#include <string>
#include <string_view>

#include "connectrpc/call_options.h"
#include "connectrpc/client.h"
#include "connectrpc/compression.h"
#include "connectrpc/envelope.h"
#include "connectrpc/method.h"
#include "connectrpc/transport.h"

namespace connectrpc::internal {

// The deadline of a call from its options and the client default.
std::optional<Clock::time_point> CallDeadline(const ClientOptions& client_options,
                                              const CallOptions& options);

// Sets the protocol headers every request carries: protocol version, timeout (the budget left
// at `now`, at least 1 ms), user agent.
void AddCommonHeaders(const ClientOptions& client_options,
                      std::optional<Clock::time_point> deadline, Headers* headers);

// The request headers from client and call options; fails on values with CR/LF or bad keys.
Result<Headers> MergeUserHeaders(const ClientOptions& client_options, const CallOptions& options);

// Splits response headers into plain headers and "trailer-" prefixed trailers (prefix removed).
void SplitTrailers(const Headers& all, Headers* headers, Headers* trailers);

// The upper bound on a response body whose decompressed form must fit in `limit` bytes.
size_t WireLimit(size_t limit);

// Serializes and (per the options) compresses a unary request, and builds its head: POST, or GET
// for a no-side-effects method with use_get. `body` is what to send after the head.
Status BuildUnaryRequest(const ClientOptions& client_options, std::string_view path_prefix,
                         const MethodInfo& method, bool use_get, Headers headers,
                         std::optional<Clock::time_point> deadline,
                         const google::protobuf::Message& request, HttpRequestHead* head,
                         std::string* body);

// Decodes a 200 unary response body into `response`.
Status DecodeUnaryResponse(const ClientOptions& options, const HttpResponseHead& head,
                           std::string body, google::protobuf::Message* response);
// The error a non-200 unary response carries, with its headers and trailers as metadata.
Status DecodeUnaryError(const HttpResponseHead& head, std::string body);

// The head of a streaming request (chunked POST). The timeout header is set when it starts.
HttpRequestHead BuildStreamHead(const ClientOptions& client_options, std::string_view path_prefix,
                                const MethodInfo& method, Headers headers);

// Serializes one request message into an envelope in `frame` (replacing it).
Status EncodeStreamMessage(const ClientOptions& options, const Compressor* compressor,
                           const google::protobuf::Message& message, std::string* frame);

// Checks a 200 streaming response head; sets `*compressor` to the response's message
// compression (null for identity).
Status CheckStreamResponseHead(const ClientOptions& options, const Headers& headers,
                               const Compressor** compressor);

// Decompresses `frame` in place when it is flagged compressed.
Status InflateFrame(const Compressor* compressor, size_t max_bytes, Envelope* frame);

// Decodes a message frame (already inflated) into `message`.
Status DecodeStreamMessage(const ClientOptions& options, const Envelope& frame,
                           google::protobuf::Message* message);

}  // namespace connectrpc::internal

#endif  // CONNECTRPC_SRC_CLIENT_CONNECT_CLIENT_PROTOCOL_H_
