// conformance-server: the Connect conformance server under test.
//
// Reads one length-prefixed ServerCompatRequest from stdin, starts a connectrpc::Server serving
// ConformanceService on an ephemeral port of 127.0.0.1, writes a length-prefixed
// ServerCompatResponse to stdout, then serves until SIGTERM or SIGINT. Logs go to stderr.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "connectrpc/server.h"
#include "connectrpc/status.h"
#include "tests/conformance/conformance_protos.h"
#include "tests/conformance/conformance_service.h"
#include "tests/conformance/conformance_util.h"

namespace {

namespace conformance = ::connectrpc::conformance;
namespace v1 = ::connectrpc::conformance::v1;

constexpr char kHost[] = "127.0.0.1";

int Run() {
  // Block the termination signals before any thread starts, so every thread inherits the mask
  // and the main thread can collect them with sigwait.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  std::string frame;
  if (conformance::ReadFrame(STDIN_FILENO, &frame) != conformance::ReadResult::kOk) {
    std::fprintf(stderr, "conformance-server: cannot read ServerCompatRequest from stdin\n");
    return 1;
  }
  v1::ServerCompatRequest request;
  if (!request.ParseFromString(frame)) {
    std::fprintf(stderr, "conformance-server: malformed ServerCompatRequest\n");
    return 1;
  }
  if (request.use_tls() && !request.client_tls_cert().empty()) {
    std::fprintf(stderr, "conformance-server: TLS client certificates are not supported\n");
    return 1;
  }
  if (request.http_version() > v1::HTTP_VERSION_1) {
    std::fprintf(stderr, "conformance-server: only HTTP/1.1 is supported\n");
    return 1;
  }
  if (request.protocol() != v1::PROTOCOL_CONNECT &&
      request.protocol() != v1::PROTOCOL_UNSPECIFIED) {
    std::fprintf(stderr, "conformance-server: only the Connect protocol is supported\n");
    return 1;
  }

  connectrpc::ServerOptions options;
  if (request.message_receive_limit() > 0) {
    options.max_receive_message_bytes = request.message_receive_limit();
  }
  // The reference client keeps 4 x GOMAXPROCS calls in flight, many of them sleeping.
  options.io_threads = 2;
  options.handler_threads = 64;
  if (request.use_tls()) {
    options.tls_certificate_chain_pem = request.server_creds().cert();
    options.tls_private_key_pem = request.server_creds().key();
  }

  connectrpc::Server server(options);
  v1::RegisterConformanceServiceHandler(server,
                                        std::make_shared<conformance::ConformanceServiceImpl>());
  if (connectrpc::Status status = server.Listen(kHost, 0); !status.ok()) {
    std::fprintf(stderr, "conformance-server: listen failed: %s\n", status.ToString().c_str());
    return 1;
  }
  server.Start();

  v1::ServerCompatResponse response;
  response.set_host(kHost);
  response.set_port(server.port());
  if (request.use_tls()) response.set_pem_cert(request.server_creds().cert());
  if (!conformance::WriteFrame(STDOUT_FILENO, response)) {
    std::fprintf(stderr, "conformance-server: cannot write ServerCompatResponse\n");
    server.Shutdown(std::chrono::milliseconds(0));
    return 1;
  }
  std::fprintf(stderr, "conformance-server: listening on %s:%u\n", kHost,
               static_cast<unsigned>(server.port()));

  int received = 0;
  sigwait(&signals, &received);
  std::fprintf(stderr, "conformance-server: signal %d, shutting down\n", received);
  server.Shutdown(std::chrono::milliseconds(1'000));
  return 0;
}

}  // namespace

int main() { return Run(); }
