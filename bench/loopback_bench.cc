// Loopback RPC benchmarks: a generated client calling a generated server in the same process over
// 127.0.0.1 (HTTP/1.1, keep-alive). Measures whole-call latency including both protocol stacks.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "connectrpc/client.h"
#include "connectrpc/server.h"
#include "e2e/v1/echo.connect.h"
#include "echo_handler.h"

namespace {

struct Loopback {
  Loopback() {
    connectrpc::ServerOptions options;
    options.handler_threads = 4;
    server = std::make_unique<connectrpc::Server>(options);
    e2e::v1::RegisterEchoServiceHandler(*server, std::make_shared<e2e::v1::EchoHandler>());
    if (!server->Listen("127.0.0.1", 0).ok()) std::abort();
    server->Start();
  }
  ~Loopback() { server->Shutdown(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server->port()); }
  std::unique_ptr<connectrpc::Server> server;
};

Loopback& SharedServer() {
  static Loopback* loopback = new Loopback();
  return *loopback;
}

void BM_UnarySay(benchmark::State& state, const connectrpc::Codec* codec, const char* compression) {
  connectrpc::ClientOptions options;
  options.codec = codec;
  options.compression = compression;
  auto client = connectrpc::Client::Create(SharedServer().url(), options);
  e2e::v1::EchoServiceClient echo(*client);
  e2e::v1::SayRequest request;
  request.set_text(std::string(static_cast<size_t>(state.range(0)), 'p'));
  for (auto _ : state) {
    auto response = echo.Say(request);
    if (!response.ok()) {
      state.SkipWithError(response.status().ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_UnarySay, proto_identity, &connectrpc::ProtoCodec(), "identity")
    ->Arg(16)
    ->Arg(1024)
    ->Arg(64 << 10)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_UnarySay, proto_gzip, &connectrpc::ProtoCodec(), "gzip")
    ->Arg(16)
    ->Arg(1024)
    ->Arg(64 << 10)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_UnarySay, json_identity, &connectrpc::JsonCodec(), "identity")
    ->Arg(16)
    ->Arg(1024)
    ->UseRealTime();

void BM_ServerStream(benchmark::State& state) {
  auto client = connectrpc::Client::Create(SharedServer().url());
  e2e::v1::EchoServiceClient echo(*client);
  e2e::v1::CountRequest request;
  request.set_n(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto stream = echo.Count(request);
    e2e::v1::CountResponse response;
    while (stream.Read(&response)) {
    }
    if (!stream.status().ok()) {
      state.SkipWithError(stream.status().ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ServerStream)->Arg(1)->Arg(100)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
