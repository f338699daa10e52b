// CallState: one protocol-neutral server call. It joins an exchange (transport), a protocol call
// (how messages and statuses look on that exchange) and a route (the handler), runs the
// interceptor chain and the handler, enforces the deadline, and writes the end of the response.
//
// A CallState lives on its connection's I/O thread. Blocking handlers reach it from a pool
// thread only through the Blocking* operations, which hop to the I/O thread. Once the call has
// ended (or was abandoned by a cancellation) it lets go of the exchange, so a handler that is
// still running can never touch a connection that has moved on.
#ifndef CONNECTRPC_SRC_CALL_SERVER_CALL_STATE_H_
#define CONNECTRPC_SRC_CALL_SERVER_CALL_STATE_H_

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "connectrpc/server.h"
#include "protocol/server_protocol.h"
#include "server/server_core.h"
#include "transport/server_exchange.h"

namespace connectrpc {

// Builds ServerNext values (its constructor is private to keep the chain's shape internal).
class ServerChain {
 public:
  static ServerNext Make(ServerCall* call, size_t index) { return ServerNext(call, index); }
};

namespace internal {

class CallState final : public ServerCall,
                        public ExchangeObserver,
                        public std::enable_shared_from_this<CallState> {
 public:
  CallState(std::shared_ptr<ServerCore> core, ServerExchange& exchange, const Route& route,
            std::unique_ptr<ServerProtocolCall> protocol);
  ~CallState() override;

  // Runs the call to its end: interceptors, handler, the final status on the wire.
  Task<void> Run();
  // The interceptor chain from `index` on, then the handler.
  Task<Status> RunFrom(size_t index);

  // ServerCall.
  Task<bool> Read(google::protobuf::Message* message) override;
  Task<bool> ReadSingle(google::protobuf::Message* message) override;
  Task<bool> Write(const google::protobuf::Message& message) override;
  Task<bool> SendHeaders() override;
  const Status& read_status() const override { return runtime_error_; }
  Task<Status> RunBlocking(std::function<Status()>&& body) override;
  bool BlockingRead(google::protobuf::Message* message) override;
  bool BlockingWrite(const google::protobuf::Message& message) override;
  bool BlockingSendHeaders() override;

  // ExchangeObserver.
  void OnExchangeCancelled(ExchangeError why) override;
  // Records the first runtime-detected error (decode errors, limits); it becomes the call's
  // status, and a call that has one before it starts never runs its handler.
  void Fail(Status error);

  // What ServerContext exposes.
  const MethodInfo& method() const { return route_.method; }
  const Headers& request_headers() const;
  std::string_view http_method() const { return materialized_ ? http_method_ : head_.method; }
  std::string_view query() const { return materialized_ ? query_ : head_.query; }
  std::string_view peer() const { return materialized_ ? peer_ : head_.peer; }
  Headers& response_headers() { return response_headers_; }
  Headers& response_trailers() { return response_trailers_; }
  std::optional<std::chrono::steady_clock::time_point> deadline() const { return deadline_; }
  const boost::asio::any_io_executor& executor() const { return executor_; }
  bool cancelled() const { return cancel_code_.load(std::memory_order_acquire) != Code::kOk; }
  Status cancel_status() const;
  bool SleepFor(std::chrono::milliseconds duration);
  Task<bool> AsyncSleepFor(std::chrono::milliseconds duration);
  Task<bool> AsyncWait(boost::asio::steady_timer& timer);

 private:
  enum class Raw { kMessage, kEnd, kFailed };
  // The next request message as bytes (valid until the next call), the end, or a failure
  // (runtime_error_ or a cancellation says which).
  Task<Raw> NextRaw(std::string_view* message);
  // Ends the call early with `reason` (deadline, client gone, shutdown): wakes every wait.
  void CancelCall(const Status& reason);
  // Adds ServerOptions::decorate_response's headers once; false if it threw.
  bool Decorate();
  Task<bool> PrepareStreamHead();
  Task<void> Finish(const Status& final_status);
  // Waits until no write started by Write or SendHeaders is in flight.
  Task<void> WaitForWrites();
  void EndWrite();
  // Runs `op` on the I/O thread from a pool thread and waits for its result.
  bool FromPoolThread(std::function<Task<bool>()>&& op);

  std::shared_ptr<ServerCore> core_;
  ServerExchange* exchange_;  // null once the call has let go of the connection
  const RequestHead& head_;
  const Route& route_;
  std::unique_ptr<ServerProtocolCall> protocol_;
  boost::asio::any_io_executor executor_;
  const std::chrono::steady_clock::time_point started_at_;

  // Owned copies of the request head for blocking handlers, which may outlive the exchange.
  void Materialize();
  bool materialized_ = false;
  std::string http_method_, query_, peer_;
  mutable std::optional<Headers> request_headers_;
  Headers response_headers_;
  Headers response_trailers_;
  std::optional<std::chrono::steady_clock::time_point> deadline_;
  std::optional<boost::asio::steady_timer> deadline_timer_;

  Status runtime_error_;  // decode errors, limits: override the handler's status
  bool body_ended_ = false;
  std::string unary_response_;
  bool has_unary_response_ = false;
  bool decorated_ = false;
  bool decorate_failed_ = false;
  bool writing_ = false;
  std::optional<boost::asio::steady_timer> writes_done_;  // WaitForWrites' wait
  bool finished_ = false;

  // Cancellation: the code is published last, so a reader that sees it also sees the message.
  std::atomic<Code> cancel_code_{Code::kOk};
  std::string cancel_message_;
  boost::asio::steady_timer* blocking_wake_ = nullptr;  // RunBlocking's wait, if any
  std::vector<boost::asio::steady_timer*> sleepers_;    // AsyncSleepFor, AsyncWait
  std::mutex sleep_mu_;                                 // SleepFor on pool threads
  std::condition_variable sleep_cv_;
};

// Serves one exchange: finds the protocol and route, answers HTTP-level rejections, applies the
// concurrency limit, and runs the call.
Task<void> ServeExchange(const std::shared_ptr<ServerCore>& core, ServerExchange& exchange);

}  // namespace internal
}  // namespace connectrpc

#endif  // CONNECTRPC_SRC_CALL_SERVER_CALL_STATE_H_
