// ServerCallImpl: one server call shared between the handler thread and the connection's I/O
// executor. The handler side reads decoded request messages and produces response events; the I/O
// side (Session in server.cc) drains the events in order and writes them. The runtime itself can
// end the call early (deadline, shutdown), after which handler output is dropped.
#ifndef CONNECTRPC_SRC_SERVER_CALL_H_
#define CONNECTRPC_SRC_SERVER_CALL_H_

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "connectrpc/codec.h"
#include "connectrpc/compression.h"
#include "connectrpc/internal/server_call.h"
#include "connectrpc/method.h"
#include "connectrpc/status.h"

namespace connectrpc::internal {

// What the handler side asks the I/O side to write.
struct ResponseEvent {
  enum Kind { kHeaders, kMessage, kEnd };
  Kind kind = kHeaders;
  Headers headers;      // kHeaders, kEnd: response headers (if not yet sent)
  std::string payload;  // kMessage: one enveloped frame; kEnd (unary): the response body
  bool payload_compressed = false;  // kEnd (unary): body is compressed with the response encoding
  Status status;                    // kEnd
  Headers trailers;                 // kEnd
};

// Everything the I/O side decoded from the request before the handler runs.
struct CallSetup {
  MethodInfo method;
  const Codec* codec = nullptr;
  const Compressor* response_compressor = nullptr;  // nullptr: identity
  size_t compress_min_bytes = 0;
  bool streaming_protocol = false;  // application/connect+codec
  std::string http_method;
  std::string query;
  std::string peer;
  Headers request_headers;
  std::vector<std::string> requests;  // decoded, decompressed message bytes
  std::optional<std::chrono::steady_clock::time_point> deadline;
};

class ServerCallImpl final : public ServerCall,
                             public std::enable_shared_from_this<ServerCallImpl> {
 public:
  ServerCallImpl(CallSetup setup, boost::asio::any_io_executor executor);

  // ServerCall (handler thread).
  bool ReadMessage(google::protobuf::Message* message) override;
  bool WriteMessage(const google::protobuf::Message& message) override;
  bool FlushHeaders() override;
  const MethodInfo& method() const override { return setup_.method; }
  const Headers& request_headers() const override { return setup_.request_headers; }
  std::string_view http_method() const override { return setup_.http_method; }
  std::string_view query() const override { return setup_.query; }
  const std::string& peer() const override { return setup_.peer; }
  Headers& response_headers() override { return response_headers_; }
  Headers& response_trailers() override { return response_trailers_; }
  std::optional<std::chrono::steady_clock::time_point> deadline() const override {
    return setup_.deadline;
  }
  Status cancellation() const override;
  bool WaitFor(std::chrono::milliseconds duration) const override;

  // Handler thread, after the handler returned: pushes the final event.
  void Complete(Status handler_status);

  // Any thread: ends the call now with `reason` unless it already ended. Returns true if it did.
  bool Abort(Status reason);

  // I/O side: takes the next event, or returns nullopt and arms the wake timer when none is ready.
  std::optional<ResponseEvent> PopEvent();
  boost::asio::steady_timer& wake_timer() { return wake_; }

  const CallSetup& setup() const { return setup_; }

 private:
  // Queues `event`; false if the call has already ended. Blocks while too much output is queued.
  bool Push(ResponseEvent event);
  void WakeLocked();

  CallSetup setup_;
  size_t next_request_ = 0;
  Status read_error_;
  std::optional<std::string> unary_response_;
  bool unary_compressed_ = false;
  Headers response_headers_;
  Headers response_trailers_;
  bool headers_pushed_ = false;

  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::deque<ResponseEvent> events_;
  size_t queued_bytes_ = 0;
  bool ended_ = false;   // an End event was queued (by the handler or by Abort)
  Status abort_reason_;  // non-OK once the runtime ended the call early
  bool io_waiting_ = false;
  boost::asio::steady_timer wake_;
};

}  // namespace connectrpc::internal

#endif  // CONNECTRPC_SRC_SERVER_CALL_H_
