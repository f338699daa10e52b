// A minimal Connect server: greet_server [PORT] (default 8080). Stops on Ctrl-C or SIGTERM.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "connectrpc/server.h"
#include "greet/v1/greet.connect.h"

// A coroutine handler: it runs on the server's I/O thread, with no thread hop per call.
class Greeter : public greet::v1::GreetServiceAsyncHandler {
 public:
  connectrpc::Task<connectrpc::Status> Greet(connectrpc::ServerContext& /*context*/,
                                             const greet::v1::GreetRequest& request,
                                             greet::v1::GreetResponse* response) override {
    response->set_greeting("Hello, " + request.name() + "!");
    co_return connectrpc::Status();
  }
};

int main(int argc, char** argv) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // server threads inherit the mask

  connectrpc::Server server;
  greet::v1::RegisterGreetServiceHandler(server, std::make_shared<Greeter>());
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
