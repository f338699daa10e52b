// client_syscalls: a loop of unary calls for counting the client's system calls per call.
//
//   build/bench/client_syscalls server                 # prints the port, serves until killed
//   strace -f -c build/bench/client_syscalls client PORT blocking 20000 16
//   strace -f -c build/bench/client_syscalls client PORT coroutine 20000 16
//
// `blocking` runs CONCURRENCY threads making blocking calls; `coroutine` runs CONCURRENCY
// coroutines on the client's event loop. Divide strace's total by CALLS.
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "connectrpc/client.h"
#include "connectrpc/server.h"
#include "e2e/v1/echo.connect.h"
#include "echo_handler.h"

namespace {

namespace asio = boost::asio;

int Serve() {
  connectrpc::ServerOptions options;
  options.handler_threads = 16;
  connectrpc::Server server(std::move(options));
  e2e::v1::RegisterEchoServiceHandler(server, std::make_shared<e2e::v1::EchoHandler>());
  if (!server.Listen("127.0.0.1", 0).ok()) return 1;
  std::printf("%d\n", static_cast<int>(server.port()));
  std::fflush(stdout);
  server.Start();
  for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
}

int Client(int port, const std::string& mode, int calls, int concurrency) {
  auto client = connectrpc::Client::Create("http://127.0.0.1:" + std::to_string(port));
  if (!client.ok()) return 1;
  e2e::v1::EchoServiceClient echo(*client);
  e2e::v1::SayRequest request;
  request.set_text("hello");
  std::atomic<int> failures{0};
  const int per_worker = calls / concurrency;
  const auto start = std::chrono::steady_clock::now();
  if (mode == "blocking") {
    std::vector<std::thread> threads;
    for (int t = 0; t < concurrency; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < per_worker; ++i) {
          if (!echo.Say(request).ok()) ++failures;
        }
      });
    }
    for (auto& thread : threads) thread.join();
  } else {
    std::vector<std::future<void>> done;
    for (int t = 0; t < concurrency; ++t) {
      done.push_back(asio::co_spawn((*client)->executor(),
                                    [&]() -> asio::awaitable<void> {
                                      for (int i = 0; i < per_worker; ++i) {
                                        auto response =
                                            co_await echo.SayAsync(request, asio::use_awaitable);
                                        if (!response.ok()) ++failures;
                                      }
                                    },
                                    asio::use_future));
    }
    for (auto& d : done) d.get();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "%s: %d calls, %d failed, %.0f calls/s\n", mode.c_str(),
               per_worker * concurrency, failures.load(), per_worker * concurrency / seconds);
  return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "server") return Serve();
  if (argc >= 6 && std::string(argv[1]) == "client") {
    return Client(std::atoi(argv[2]), argv[3], std::atoi(argv[4]), std::atoi(argv[5]));
  }
  std::fprintf(stderr, "usage: client_syscalls server | client PORT blocking|coroutine CALLS N\n");
  return 2;
}
