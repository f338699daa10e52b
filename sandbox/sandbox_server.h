// Sandbox: the assembled transcodely-sandbox server (storage, bootstrap keys, services,
// authentication, dialect codec, X-Request-Id) listening on one address. Used by main.cc and by
// the in-process tests.
#ifndef CONNECTRPC_SANDBOX_SANDBOX_SERVER_H_
#define CONNECTRPC_SANDBOX_SANDBOX_SERVER_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "connectrpc/result.h"
#include "connectrpc/server.h"
#include "request_log.h"
#include "store.h"

namespace sandbox {

struct SandboxOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;                              // 0 picks a free port
  std::string data_path = "transcodely-sandbox.db";  // ":memory:" is ephemeral
  std::chrono::milliseconds job_duration{4000};
  std::chrono::milliseconds heartbeat_interval{1000};
  // Threads for the blocking handlers (every unary call; they share one SQLite connection).
  // Watch streams need none: they run on the I/O thread.
  int handler_threads = 8;
  // Watch streams one API key may have open at once (JobServiceOptions::max_watches_per_key).
  int max_watches_per_key = 1000;
  // Receives one line per RPC (request_log.h), secrets redacted; null: no request log.
  LogLineSink request_log;
  // Where server-side problems go (connectrpc::ServerOptions::error_log), after redaction;
  // null: standard error.
  LogLineSink error_log;
};

// The secrets of the keys minted on the first start of a data file.
struct BootstrapSecrets {
  std::string live_secret;
  std::string test_secret;
};

class Sandbox {
 public:
  // Opens the store, mints the bootstrap keys if needed, binds and starts serving.
  static connectrpc::Result<std::unique_ptr<Sandbox>> Start(const SandboxOptions& options);
  ~Sandbox();

  uint16_t port() const { return server_->port(); }
  // "http://HOST:PORT" (IPv6 hosts in brackets).
  std::string base_url() const;
  // Set only on the first start of the data file.
  const std::optional<BootstrapSecrets>& bootstrap_secrets() const { return bootstrap_; }
  Store& store() { return *store_; }

  // Stops accepting calls and waits for in-flight ones (at most `grace`).
  void Shutdown(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));

 private:
  Sandbox() = default;

  SandboxOptions options_;
  std::shared_ptr<Store> store_;
  std::optional<BootstrapSecrets> bootstrap_;
  std::unique_ptr<connectrpc::Server> server_;
  bool shut_down_ = false;
};

}  // namespace sandbox

#endif  // CONNECTRPC_SANDBOX_SANDBOX_SERVER_H_
