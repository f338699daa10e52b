// A streaming Connect server: streaming_server [PORT] (default 8080; 0 picks a free port).
// Serves countdown.v1.CountdownService; stops on Ctrl-C or SIGTERM.
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "connectrpc/server.h"
#include "countdown/v1/countdown.connect.h"

namespace {

using countdown::v1::AccumulateRequest;
using countdown::v1::AccumulateResponse;
using countdown::v1::CountdownRequest;
using countdown::v1::CountdownResponse;

// Coroutine handlers: they run on the server's I/O threads, so they wait with AsyncSleepFor and
// co_await every write instead of blocking.
class Counter : public countdown::v1::CountdownServiceAsyncHandler {
 public:
  connectrpc::Task<connectrpc::Status> Countdown(
      connectrpc::ServerContext& context, const CountdownRequest& request,
      connectrpc::AsyncServerWriter<CountdownResponse>& writer) override {
    if (request.from() < 0 || request.from() > 100) {
      co_return connectrpc::Status(connectrpc::Code::kInvalidArgument,
                                   "from must be between 0 and 100");
    }
    for (int n = request.from(); n >= 1; --n) {
      CountdownResponse response;
      response.set_number(n);
      const bool written = co_await writer.Write(response);
      if (!written) co_return context.CancelledStatus();  // the client went away
      if (request.interval_ms() > 0) {
        const bool slept =
            co_await context.AsyncSleepFor(std::chrono::milliseconds(request.interval_ms()));
        if (!slept) co_return context.CancelledStatus();
      }
    }
    co_return connectrpc::Status();
  }

  connectrpc::Task<connectrpc::Status> Accumulate(
      connectrpc::ServerContext& /*context*/,
      connectrpc::AsyncServerReaderWriter<AccumulateRequest, AccumulateResponse>& stream)
      override {
    int64_t total = 0;
    AccumulateRequest request;
    for (;;) {
      const bool read = co_await stream.Read(&request);
      if (!read) break;  // the client closed its side (or the call ended)
      total += request.value();
      AccumulateResponse response;
      response.set_total(total);
      const bool written = co_await stream.Write(response);
      if (!written) break;
    }
    co_return connectrpc::Status();
  }
};

}  // namespace

int main(int argc, char** argv) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // server threads inherit the mask

  connectrpc::Server server;
  countdown::v1::RegisterCountdownServiceHandler(server, std::make_shared<Counter>());
  const int port = argc > 1 ? std::atoi(argv[1]) : 8080;
  if (auto status = server.Listen("127.0.0.1", static_cast<uint16_t>(port)); !status.ok()) {
    std::cerr << status.ToString() << "\n";
    return 1;
  }
  server.Start();
  std::cout << "listening on http://127.0.0.1:" << server.port() << std::endl;

  int signal = 0;
  sigwait(&signals, &signal);
  server.Shutdown();
  return 0;
}
