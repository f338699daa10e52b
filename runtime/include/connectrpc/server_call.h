// ServerCall: the runtime's side of one server call, type-erased over message types. Handlers
// never need it: they receive a ServerContext and the typed stream handles of server_stream.h,
// which are thin wrappers over these operations. Route adapters (server.h) use it directly.
//
// The coroutine operations run on the call's I/O thread. The Blocking* operations are for code
// running inside RunBlocking() on a handler pool thread; each waits for the I/O thread to do the
// work.
#ifndef CONNECTRPC_SERVER_CALL_H_
#define CONNECTRPC_SERVER_CALL_H_

#include <google/protobuf/message.h>

#include <functional>

#include "connectrpc/server_context.h"
#include "connectrpc/status.h"

namespace connectrpc {

class ServerCall {
 public:
  virtual ~ServerCall() = default;
  ServerCall(const ServerCall&) = delete;
  ServerCall& operator=(const ServerCall&) = delete;

  ServerContext& context() { return context_; }

  // Reads the next request message; false at the end of the request stream, when the call is
  // cancelled, or on a decode error or limit (which read_status() then holds and which becomes
  // the call's result).
  virtual Task<bool> Read(google::protobuf::Message* message) = 0;
  // Reads the one request message of a unary or server-streaming call and checks that the
  // request ends after it (a second message fails the call at once).
  virtual Task<bool> ReadSingle(google::protobuf::Message* message) = 0;
  // Sends one response message (a unary response is held until the call ends); false once the
  // call is over or the client went away.
  virtual Task<bool> Write(const google::protobuf::Message& message) = 0;
  // Sends the response headers now (streaming responses).
  virtual Task<bool> SendHeaders() = 0;
  // Why the last Read returned false: OK at the normal end of the stream.
  virtual const Status& read_status() const = 0;

  // Runs `body` on the server's handler pool and waits for it without blocking the I/O thread.
  // Fails fast with kResourceExhausted when the pool's queue is full, kUnavailable when the job
  // waited too long for a thread; returns the cancellation status if the call is cancelled
  // first (the job still runs to its end, and what it writes is dropped).
  virtual Task<Status> RunBlocking(std::function<Status()>&& body) = 0;
  virtual bool BlockingRead(google::protobuf::Message* message) = 0;
  virtual bool BlockingWrite(const google::protobuf::Message& message) = 0;
  virtual bool BlockingSendHeaders() = 0;

 protected:
  ServerCall() : context_(this) {}

 private:
  ServerContext context_;
};

}  // namespace connectrpc

#endif  // CONNECTRPC_SERVER_CALL_H_
