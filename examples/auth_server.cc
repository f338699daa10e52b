// Interceptors, server side: auth_server [PORT] [TOKEN] (default 8080 and "s3cret"; port 0
// picks a free port). Serves greet.v1.GreetService behind an interceptor that requires
// "authorization: Bearer TOKEN" and hands the caller's name to the handler. Stops on Ctrl-C or
// SIGTERM.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <utility>

#include "connectrpc/server.h"
#include "greet/v1/greet.connect.h"

namespace {

// What the interceptor tells the handler about the caller (ServerContext::SetValue).
struct Caller {
  std::string name;
};

// Runs before every call, before the request is read: a missing or wrong token ends the call
// with unauthenticated and the handler never runs.
class RequireToken : public connectrpc::ServerInterceptor {
 public:
  explicit RequireToken(std::string token) : expected_("Bearer " + std::move(token)) {}

  connectrpc::Task<connectrpc::Status> Intercept(connectrpc::ServerContext& context,
                                                 connectrpc::ServerNext next) override {
    const auto authorization = context.request_headers().Get("authorization");
    if (!authorization) {
      co_return connectrpc::Status(connectrpc::Code::kUnauthenticated, "missing bearer token");
    }
    if (*authorization != expected_) {
      co_return connectrpc::Status(connectrpc::Code::kUnauthenticated, "wrong bearer token");
    }
    const auto user = context.request_headers().Get("x-user");
    context.SetValue(Caller{user ? std::string(*user) : "anonymous"});
    connectrpc::Status status = co_await next();
    co_return status;
  }

 private:
  const std::string expected_;
};

class Greeter : public greet::v1::GreetServiceAsyncHandler {
 public:
  connectrpc::Task<connectrpc::Status> Greet(connectrpc::ServerContext& context,
                                             const greet::v1::GreetRequest& request,
                                             greet::v1::GreetResponse* response) override {
    const Caller* caller = context.GetValue<Caller>();  // set by RequireToken
    response->set_greeting("Hello, " + request.name() + "! (authenticated as " +
                           (caller != nullptr ? caller->name : "?") + ")");
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

  connectrpc::ServerOptions options;
  options.interceptors.push_back(std::make_shared<RequireToken>(argc > 2 ? argv[2] : "s3cret"));
  connectrpc::Server server(std::move(options));
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
