// The client side of Connect streaming calls (client, server and half-duplex bidi streams) as an
// asynchronous state machine on the event loop.
#ifndef CONNECTRPC_SRC_CLIENT_STREAM_CALL_H_
#define CONNECTRPC_SRC_CLIENT_STREAM_CALL_H_

#include <memory>
#include <optional>

#include "client/client_core.h"
#include "connectrpc/call_options.h"
#include "connectrpc/internal/stream_call.h"
#include "connectrpc/transport.h"

namespace connectrpc::internal {

// A streaming call that sends `head` when it starts (on its first operation). A non-OK
// `start_status` makes a call that has already failed with it.
std::shared_ptr<StreamCall> MakeStreamCall(std::shared_ptr<ClientCore> core, HttpRequestHead head,
                                           std::optional<Clock::time_point> deadline,
                                           std::shared_ptr<CancellationToken> cancellation,
                                           Status start_status);

}  // namespace connectrpc::internal

#endif  // CONNECTRPC_SRC_CLIENT_STREAM_CALL_H_
