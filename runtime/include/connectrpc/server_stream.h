// Server-side stream handles passed to streaming handlers. Blocking handlers get ServerReader
// (client stream), ServerWriter (server stream) and ServerReaderWriter (bidi); coroutine handlers
// get the Async* forms, whose operations are awaited on the call's I/O thread.
//
//   connectrpc::Status Ticks(connectrpc::ServerContext& ctx, const TickRequest& req,
//                            connectrpc::ServerWriter<Tick>& writer) override {
//     for (int i = 0; i < req.count(); ++i) {
//       if (!writer.Write(MakeTick(i))) break;  // the call ended (deadline, client gone)
//     }
//     return connectrpc::Status();
//   }
//
//   connectrpc::Task<connectrpc::Status> Ticks(connectrpc::ServerContext& ctx,
//                                              const TickRequest& req,
//                                              connectrpc::AsyncServerWriter<Tick>& writer) override {
//     for (int i = 0; i < req.count(); ++i) {
//       if (!co_await writer.Write(MakeTick(i))) break;
//     }
//     co_return connectrpc::Status();
//   }
//
// A handle is used by its handler only, one operation at a time per direction.
#ifndef CONNECTRPC_SERVER_STREAM_H_
#define CONNECTRPC_SERVER_STREAM_H_

#include "connectrpc/server_call.h"

namespace connectrpc {

template <typename Request>
class ServerReader {
 public:
  explicit ServerReader(ServerCall& call) : call_(&call) {}
  // Reads the next request; false when the client has sent everything (or sent garbage).
  bool Read(Request* request) { return call_->BlockingRead(request); }

 private:
  ServerCall* call_;
};

template <typename Response>
class ServerWriter {
 public:
  explicit ServerWriter(ServerCall& call) : call_(&call) {}
  // Sends one response now; false once the call has ended (deadline, cancellation, client gone).
  bool Write(const Response& response) { return call_->BlockingWrite(response); }
  // Sends the response headers before the first message.
  bool SendHeaders() { return call_->BlockingSendHeaders(); }

 private:
  ServerCall* call_;
};

template <typename Request, typename Response>
class ServerReaderWriter {
 public:
  explicit ServerReaderWriter(ServerCall& call) : call_(&call) {}
  bool Read(Request* request) { return call_->BlockingRead(request); }
  bool Write(const Response& response) { return call_->BlockingWrite(response); }
  bool SendHeaders() { return call_->BlockingSendHeaders(); }

 private:
  ServerCall* call_;
};

template <typename Request>
class AsyncServerReader {
 public:
  explicit AsyncServerReader(ServerCall& call) : call_(&call) {}
  Task<bool> Read(Request* request) { return call_->Read(request); }

 private:
  ServerCall* call_;
};

template <typename Response>
class AsyncServerWriter {
 public:
  explicit AsyncServerWriter(ServerCall& call) : call_(&call) {}
  Task<bool> Write(const Response& response) { return call_->Write(response); }
  Task<bool> SendHeaders() { return call_->SendHeaders(); }

 private:
  ServerCall* call_;
};

template <typename Request, typename Response>
class AsyncServerReaderWriter {
 public:
  explicit AsyncServerReaderWriter(ServerCall& call) : call_(&call) {}
  Task<bool> Read(Request* request) { return call_->Read(request); }
  Task<bool> Write(const Response& response) { return call_->Write(response); }
  Task<bool> SendHeaders() { return call_->SendHeaders(); }

 private:
  ServerCall* call_;
};

}  // namespace connectrpc

#endif  // CONNECTRPC_SERVER_STREAM_H_
