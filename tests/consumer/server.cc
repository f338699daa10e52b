// tally_server: serves tally.v1.TallyService on 127.0.0.1 at a free port, prints
// "listening on <port>" and runs until SIGTERM or SIGINT.
#include <csignal>
#include <iostream>
#include <memory>

#include "connectrpc/server.h"
#include "connectrpc/version.h"
#include "tally/v1/tally.connect.h"

namespace {

class Tally : public tally::v1::TallyServiceAsyncHandler {
 public:
  connectrpc::Task<connectrpc::Status> Add(connectrpc::ServerContext& /*context*/,
                                           const tally::v1::AddRequest& request,
                                           tally::v1::AddResponse* response) override {
    response->set_sum(request.a() + request.b());
    co_return connectrpc::Status();
  }

  connectrpc::Task<connectrpc::Status> Count(
      connectrpc::ServerContext& /*context*/, const tally::v1::CountRequest& request,
      connectrpc::AsyncServerWriter<tally::v1::CountResponse>& writer) override {
    if (request.up_to() < 0) {
      co_return connectrpc::Status(connectrpc::Code::kInvalidArgument, "up_to must be >= 0");
    }
    for (int i = 1; i <= request.up_to(); ++i) {
      tally::v1::CountResponse response;
      response.set_number(i);
      const bool sent = co_await writer.Write(response);
      if (!sent) break;
    }
    co_return connectrpc::Status();
  }
};

}  // namespace

int main() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // the server's threads inherit the mask

  connectrpc::Server server;
  tally::v1::RegisterTallyServiceHandler(server, std::make_shared<Tally>());
  if (auto status = server.Listen("127.0.0.1", 0); !status.ok()) {
    std::cerr << "tally_server: " << status.ToString() << "\n";
    return 1;
  }
  server.Start();
  std::cout << "listening on " << server.port() << " (connectrpc " << CONNECTRPC_VERSION_STRING
            << ")" << std::endl;

  int signal = 0;
  sigwait(&signals, &signal);
  server.Shutdown();
  return 0;
}
