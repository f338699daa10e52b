// Server-side stream handles passed to streaming handlers: ServerReader (client stream),
// ServerWriter (server stream) and ServerReaderWriter (bidi).
//
//   connectrpc::Status Ticks(connectrpc::ServerContext& ctx, const TickRequest& req,
//                            connectrpc::ServerWriter<Tick>& writer) override {
//     for (int i = 0; i < req.count(); ++i) {
//       if (!writer.Write(MakeTick(i))) break;  // the call ended (deadline, client gone)
//     }
//     return connectrpc::Status();
//   }
//
// Handles are used by the handler's thread only.
#ifndef CONNECTRPC_SERVER_STREAM_H_
#define CONNECTRPC_SERVER_STREAM_H_

#include <google/protobuf/message.h>

#include "connectrpc/internal/server_call.h"
#include "connectrpc/status.h"

namespace connectrpc {

template <typename Request>
class ServerReader {
 public:
  explicit ServerReader(internal::ServerCall* call) : call_(call) {}
  // Reads the next request; false when the client has sent everything (or sent garbage).
  bool Read(Request* request) { return call_->ReadMessage(request); }

 private:
  internal::ServerCall* call_;
};

template <typename Response>
class ServerWriter {
 public:
  explicit ServerWriter(internal::ServerCall* call) : call_(call) {}
  // Sends one response now; false once the call has ended (deadline, cancellation, client gone).
  bool Write(const Response& response) { return call_->WriteMessage(response); }
  // Sends the response headers before the first message.
  bool SendHeaders() { return call_->FlushHeaders(); }

 private:
  internal::ServerCall* call_;
};

template <typename Request, typename Response>
class ServerReaderWriter {
 public:
  explicit ServerReaderWriter(internal::ServerCall* call) : call_(call) {}
  bool Read(Request* request) { return call_->ReadMessage(request); }
  bool Write(const Response& response) { return call_->WriteMessage(response); }
  bool SendHeaders() { return call_->FlushHeaders(); }

 private:
  internal::ServerCall* call_;
};

}  // namespace connectrpc

#endif  // CONNECTRPC_SERVER_STREAM_H_
