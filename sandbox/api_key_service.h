// APIKeyService: Create, Get, List and Revoke on the sandbox's single app, under the
// environment rule of auth.h.
#ifndef CONNECTRPC_SANDBOX_API_KEY_SERVICE_H_
#define CONNECTRPC_SANDBOX_API_KEY_SERVICE_H_

#include <memory>
#include <optional>
#include <string>

#include "store.h"
#include "transcodely/v1/api_key.connect.h"

namespace sandbox {

// A new key record for `environment` in the sandbox app; `*secret` receives the full secret
// (the record keeps only its SHA-256 and last four characters).
ApiKeyRecord NewApiKeyRecord(std::string name, std::string description, Environment environment,
                             std::optional<int64_t> expires_at_ms, int64_t now_ms,
                             std::string* secret);

// The API view of a stored key.
transcodely::v1::APIKey ApiKeyToProto(const ApiKeyRecord& key);

class ApiKeyService : public transcodely::v1::APIKeyServiceHandler {
 public:
  explicit ApiKeyService(std::shared_ptr<Store> store) : store_(std::move(store)) {}

  connectrpc::Status Create(connectrpc::ServerContext& context,
                            const transcodely::v1::CreateAPIKeyRequest& request,
                            transcodely::v1::CreateAPIKeyResponse* response) override;
  connectrpc::Status Get(connectrpc::ServerContext& context,
                         const transcodely::v1::GetAPIKeyRequest& request,
                         transcodely::v1::GetAPIKeyResponse* response) override;
  connectrpc::Status List(connectrpc::ServerContext& context,
                          const transcodely::v1::ListAPIKeysRequest& request,
                          transcodely::v1::ListAPIKeysResponse* response) override;
  connectrpc::Status Revoke(connectrpc::ServerContext& context,
                            const transcodely::v1::RevokeAPIKeyRequest& request,
                            transcodely::v1::RevokeAPIKeyResponse* response) override;

 private:
  // The caller's key of `id`: not_found if missing, wrong_environment if of the other one.
  connectrpc::Result<ApiKeyRecord> LoadOwnKey(const connectrpc::ServerContext& context,
                                                   const std::string& id);

  std::shared_ptr<Store> store_;
};

}  // namespace sandbox

#endif  // CONNECTRPC_SANDBOX_API_KEY_SERVICE_H_
