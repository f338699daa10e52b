// ClientRunner: performs the RPC one ClientCompatRequest describes, with connectrpc::Client, and
// reports the outcome as a ClientCompatResponse. Thread-safe; clients are cached per target.
#ifndef CONNECTRPC_TESTS_CONFORMANCE_CLIENT_RUNNER_H_
#define CONNECTRPC_TESTS_CONFORMANCE_CLIENT_RUNNER_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "connectrpc/client.h"
#include "connectrpc/result.h"
#include "tests/conformance/conformance_protos.h"

namespace connectrpc::conformance {

// How RPCs are made: the blocking forms, or the asynchronous forms (`<Method>Async` and the
// Async*Stream operations) with asio::use_future, so that the conformance suite checks the
// asynchronous path against the reference server.
enum class CallForm { kBlocking, kAsync };

class ClientRunner {
 public:
  explicit ClientRunner(CallForm form = CallForm::kBlocking) : form_(form) {}
  ClientRunner(const ClientRunner&) = delete;
  ClientRunner& operator=(const ClientRunner&) = delete;

  // Runs the request's RPC and returns its result. Never throws.
  v1::ClientCompatResponse Run(const v1::ClientCompatRequest& request);

 private:
  // The cached client for the request's address, codec, compression and receive limit.
  Result<std::shared_ptr<Client>> GetClient(const v1::ClientCompatRequest& request);

  const CallForm form_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Client>> clients_;  // guarded by mu_
};

}  // namespace connectrpc::conformance

#endif  // CONNECTRPC_TESTS_CONFORMANCE_CLIENT_RUNNER_H_
