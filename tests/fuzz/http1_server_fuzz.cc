// The server as a peer sees it: each input is the byte stream of one TCP connection to a real
// connectrpc::Server (HTTP/1.1 framing, routing, the Connect protocol, the codecs and the e2e
// EchoService handlers), sent whole, then the write side is shut. The server must answer with
// HTTP (or close), stay up, and close every connection (no fd or memory left behind: LeakSanitizer
// checks at exit).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "connectrpc/server.h"
#include "e2e/v1/echo.connect.h"
#include "tests/fuzz/codec_round_trip.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

using connectrpc::ServerContext;
using connectrpc::Status;
namespace v1 = e2e::v1;

// EchoService with every count and size clamped, so that no input can make a call slow.
class BoundedEcho : public v1::EchoServiceHandler {
 public:
  Status Say(ServerContext& context, const v1::SayRequest& request,
             v1::SayResponse* response) override {
    response->set_text(request.text());
    response->set_http_method(std::string(context.http_method()));
    for (std::string_view value : context.request_headers().GetAll("x-echo")) {
      context.response_headers().Add("x-echo", value);
    }
    context.response_trailers().Add("x-trailer", "done");
    return Status();
  }
  Status Count(ServerContext& context, const v1::CountRequest& request,
               connectrpc::ServerWriter<v1::CountResponse>& writer) override {
    const int n = std::clamp(request.n(), 0, 4);
    for (int i = 1; i <= n; ++i) {
      v1::CountResponse response;
      response.set_number(i);
      if (!writer.Write(response)) return context.CancelledStatus();
    }
    if (request.fail_code() > 0 && request.fail_code() < 17) {
      return Status(static_cast<connectrpc::Code>(request.fail_code()), "count failed");
    }
    return Status();
  }
  Status Sum(ServerContext& /*context*/, connectrpc::ServerReader<v1::SumRequest>& reader,
             v1::SumResponse* response) override {
    v1::SumRequest request;
    uint64_t total = 0;  // wraps instead of overflowing
    while (reader.Read(&request)) {
      total += static_cast<uint64_t>(request.value());
      response->set_count(response->count() + 1);
    }
    response->set_total(static_cast<int64_t>(total));
    return Status();
  }
  Status Chat(ServerContext& /*context*/,
              connectrpc::ServerReaderWriter<v1::ChatRequest, v1::ChatResponse>& stream) override {
    v1::ChatRequest request;
    while (stream.Read(&request)) {
      v1::ChatResponse response;
      response.set_text("you said: " + request.text());
      if (!stream.Write(response)) break;
    }
    return Status();
  }
  Status Fail(ServerContext& /*context*/, const v1::FailRequest& request,
              google::protobuf::Empty* /*response*/) override {
    const int code = request.code() > 0 && request.code() < 17 ? request.code() : 2;
    return Status(static_cast<connectrpc::Code>(code), request.message());
  }
};

class FuzzServer {
 public:
  FuzzServer() : server_(Options()) {
    v1::RegisterEchoServiceHandler(server_, std::make_shared<BoundedEcho>());
    if (!server_.Listen("127.0.0.1", 0).ok()) std::abort();
    server_.Start();
    address_.sin_family = AF_INET;
    address_.sin_port = htons(server_.port());
    address_.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  }
  const sockaddr_in& address() const { return address_; }

 private:
  static connectrpc::ServerOptions Options() {
    connectrpc::ServerOptions options;
    options.handler_threads = 2;
    options.max_receive_message_bytes = 64u << 10;
    options.max_request_decompressed_bytes = 256u << 10;
    options.max_request_body_bytes = 256u << 10;
    options.idle_timeout = std::chrono::milliseconds(2'000);
    options.write_timeout = std::chrono::milliseconds(2'000);
    options.error_log = [](std::string_view) {};
    return options;
  }
  connectrpc::Server server_;
  sockaddr_in address_{};
};

// Waits up to `ms` for the socket to be readable; false on timeout. libFuzzer's timeout timer
// (SIGALRM) interrupts poll(): an interrupted wait goes on for the time that is left.
bool WaitReadable(int fd, int ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    const int n = poll(&p, 1, static_cast<int>(std::max<int64_t>(left.count(), 0)));
    if (n > 0) return true;
    if (n == 0 || errno != EINTR) return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  connectrpc::fuzz::SilenceProtobufLogs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static FuzzServer* const server = new FuzzServer();  // lives for the whole run
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) std::abort();
  if (connect(fd, reinterpret_cast<const sockaddr*>(&server->address()),
              sizeof(server->address())) != 0) {
    // Interrupted (see WaitReadable), the connection goes on being made: wait for it.
    int error = errno;
    if (error == EINTR) {
      pollfd p{fd, POLLOUT, 0};
      while (poll(&p, 1, 5'000) < 0 && errno == EINTR) {
      }
      socklen_t len = sizeof(error);
      if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0) error = errno;
    }
    if (error != 0) std::abort();
  }
  size_t sent = 0;
  while (sent < size) {
    const ssize_t n = send(fd, data + sent, size - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the server closed early (a framing error): fine
    sent += static_cast<size_t>(n);
  }
  shutdown(fd, SHUT_WR);
  std::string response;
  char buffer[16 << 10];
  // A connection the server answers and closes ends in EOF well within the idle timeout.
  bool closed = false;
  while (!closed && response.size() <= (8u << 20)) {
    connectrpc::fuzz::Check(WaitReadable(fd, 5'000),
                            "the server neither answered nor closed within 5 s");
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      closed = true;
    } else {
      response.append(buffer, static_cast<size_t>(n));
    }
  }
  close(fd);
  connectrpc::fuzz::Check(response.empty() || response.starts_with("HTTP/1.1 "),
                          "the server sent something other than an HTTP/1.1 response");
  return 0;
}
