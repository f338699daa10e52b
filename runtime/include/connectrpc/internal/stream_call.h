// Runtime-internal: one streaming call, type-erased and asynchronous. The typed stream classes of
// client_stream.h (blocking and asynchronous) are thin layers over it; it is shared state, so a
// stream object never refers into its Client.
#ifndef CONNECTRPC_INTERNAL_STREAM_CALL_H_
#define CONNECTRPC_INTERNAL_STREAM_CALL_H_

#include <google/protobuf/message.h>

#include <boost/asio/any_io_executor.hpp>

#include "connectrpc/headers.h"
#include "connectrpc/internal/async_result.h"
#include "connectrpc/status.h"

namespace connectrpc::internal {

class StreamCall {
 public:
  virtual ~StreamCall() = default;
  // Operations run one after another in the order they were started; each `done` runs on the
  // client's event loop. Any thread may start them.
  //
  // Sends one request message (serialized before Send returns); false once the call has failed
  // or the request stream is closed.
  virtual void Send(const google::protobuf::Message& message, Completion<bool> done) = 0;
  // Ends the request stream; false once the call has failed.
  virtual void CloseSend(Completion<bool> done) = 0;
  // Reads the next response message into `message` (which must stay alive until `done` runs);
  // false at the end of the stream or on failure, and then status() is final.
  virtual void Receive(google::protobuf::Message* message, Completion<bool> done) = 0;
  // Ends the call with `status` unless it already ended, abandoning its connection.
  virtual void Abort(Status status) = 0;

  // Read these only after an operation's completion (or from the event loop).
  virtual const Status& status() const = 0;
  virtual const Headers& response_headers() const = 0;
  virtual const Headers& response_trailers() const = 0;
  // Thread-safe: abandons the call; it ends with kCanceled.
  virtual void Cancel() = 0;

  virtual const boost::asio::any_io_executor& executor() const = 0;
  // True on the thread running the client's event loop, where blocking would deadlock.
  virtual bool InEventLoopThread() const = 0;
};

// Blocking forms of the operations, for the blocking stream classes. On the event loop thread
// they do not block: the call is aborted with kFailedPrecondition and they return false.
bool BlockingSend(StreamCall& call, const google::protobuf::Message& message);
bool BlockingCloseSend(StreamCall& call);
bool BlockingReceive(StreamCall& call, google::protobuf::Message* message);

}  // namespace connectrpc::internal

#endif  // CONNECTRPC_INTERNAL_STREAM_CALL_H_
