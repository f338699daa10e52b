#include "api_key_service.h"

#include <utility>
#include <vector>

#include "auth.h"
#include "errors.h"
#include "ids.h"
#include "pagination.h"
#include "request_validation.h"
#include "time_util.h"

namespace sandbox {
namespace {

using connectrpc::Code;
using connectrpc::Status;

transcodely::v1::APIKeyEnvironment ToProtoEnvironment(Environment environment) {
  return environment == Environment::kLive ? transcodely::v1::API_KEY_ENVIRONMENT_LIVE
                                           : transcodely::v1::API_KEY_ENVIRONMENT_TEST;
}

std::optional<Environment> FromProtoEnvironment(transcodely::v1::APIKeyEnvironment environment) {
  switch (environment) {
    case transcodely::v1::API_KEY_ENVIRONMENT_LIVE:
      return Environment::kLive;
    case transcodely::v1::API_KEY_ENVIRONMENT_TEST:
      return Environment::kTest;
    default:
      return std::nullopt;
  }
}

Status NoCaller() { return Internal("no authenticated caller"); }

Status OtherApp(const std::string& app_id) {
  return MakeError(Code::kPermissionDenied, "app_mismatch",
                   "API keys of this sandbox belong to app " + std::string(kSandboxAppId) +
                       " and cannot act on app " + app_id);
}

}  // namespace

ApiKeyRecord NewApiKeyRecord(std::string name, std::string description, Environment environment,
                             std::optional<int64_t> expires_at_ms, int64_t now_ms,
                             std::string* secret) {
  *secret = NewApiKeySecret(EnvironmentKeyPrefix(environment));
  ApiKeyRecord key;
  key.id = NewApiKeyId();
  key.name = std::move(name);
  key.description = std::move(description);
  key.environment = environment;
  key.key_prefix = std::string(EnvironmentKeyPrefix(environment));
  key.key_hint = secret->substr(secret->size() - 4);
  key.secret_sha256 = Sha256Hex(*secret);
  key.app_id = std::string(kSandboxAppId);
  key.created_at_ms = now_ms;
  key.expires_at_ms = expires_at_ms;
  return key;
}

transcodely::v1::APIKey ApiKeyToProto(const ApiKeyRecord& key) {
  transcodely::v1::APIKey proto;
  proto.set_id(key.id);
  proto.set_name(key.name);
  proto.set_description(key.description);
  proto.set_key_prefix(key.key_prefix);
  proto.set_key_hint(key.key_hint);
  proto.set_environment(ToProtoEnvironment(key.environment));
  for (const auto& scope : key.scopes) proto.add_scopes(scope);
  if (key.last_used_at_ms) *proto.mutable_last_used_at() = MillisToTimestamp(*key.last_used_at_ms);
  if (key.expires_at_ms) *proto.mutable_expires_at() = MillisToTimestamp(*key.expires_at_ms);
  *proto.mutable_created_at() = MillisToTimestamp(key.created_at_ms);
  proto.set_is_revoked(key.revoked_at_ms.has_value());
  if (key.revoked_at_ms) *proto.mutable_revoked_at() = MillisToTimestamp(*key.revoked_at_ms);
  proto.set_app_id(key.app_id);
  return proto;
}

connectrpc::Result<ApiKeyRecord> ApiKeyService::LoadOwnKey(const connectrpc::ServerContext& context, const std::string& id) {
  const Caller* caller = CallerOf(context);
  if (caller == nullptr) return NoCaller();
  auto found = store_->GetApiKey(id);
  if (!found.ok()) return found.status();
  if (!found->has_value()) return NotFound("api_key_not_found", "API key not found: " + id);
  if ((*found)->environment != caller->environment) {
    return WrongEnvironment((*found)->environment, caller->environment);
  }
  return std::move(**found);
}

Status ApiKeyService::Create(connectrpc::ServerContext& context,
                             const transcodely::v1::CreateAPIKeyRequest& request,
                             transcodely::v1::CreateAPIKeyResponse* response) {
  const Caller* caller = CallerOf(context);
  if (caller == nullptr) return NoCaller();
  // The official SDKs never send `environment`: it defaults to the calling key's.
  transcodely::v1::CreateAPIKeyRequest effective = request;
  if (effective.environment() == transcodely::v1::API_KEY_ENVIRONMENT_UNSPECIFIED) {
    effective.set_environment(ToProtoEnvironment(caller->environment));
  }
  // Authenticated callers always get their own app; its pattern rule must not reject "".
  if (effective.app_id().empty()) effective.set_app_id(caller->app_id);
  if (Status s = ValidateRequest(effective); !s.ok()) return s;
  std::optional<Environment> environment = FromProtoEnvironment(effective.environment());
  if (!environment) {
    transcodely::v1::FieldViolation violation;
    violation.set_field("environment");
    violation.set_description("environment must be live or test");
    return InvalidRequest("invalid request: environment must be live or test", {violation});
  }
  if (*environment != caller->environment) {
    return Unauthenticated(
        "wrong_environment",
        std::string("wrong environment: a ") + std::string(EnvironmentName(caller->environment)) +
            " key cannot create " + std::string(EnvironmentName(*environment)) + " API keys");
  }
  if (!effective.app_id().empty() && effective.app_id() != kSandboxAppId) {
    return OtherApp(effective.app_id());
  }
  int64_t now = NowMillis();
  std::optional<int64_t> expires_at;
  if (effective.has_expires_at()) {
    expires_at = TimestampToMillis(effective.expires_at());
    if (*expires_at <= now) {
      transcodely::v1::FieldViolation violation;
      violation.set_field("expires_at");
      violation.set_description("expires_at must be in the future");
      return InvalidRequest("invalid request: expires_at must be in the future", {violation});
    }
  }
  // A key cannot outlive the key that creates it (the specification is silent; see README). It is
  // invalid_argument, not permission_denied: the request is what is wrong, and an earlier
  // expires_at from the same key succeeds.
  if (caller->expires_at_ms && (!expires_at || *expires_at > *caller->expires_at_ms)) {
    transcodely::v1::FieldViolation violation;
    violation.set_field("expires_at");
    violation.set_description(
        "expires_at must be set and no later than the expiry of the calling API key");
    return InvalidRequest(
        "invalid request: expires_at must be set and no later than the expiry of the calling API "
        "key",
        {violation});
  }
  std::string secret;
  ApiKeyRecord key = NewApiKeyRecord(effective.name(), effective.description(), *environment,
                                     expires_at, now, &secret);
  if (Status s = store_->InsertApiKey(key); !s.ok()) return Internal("could not store the API key");
  *response->mutable_api_key() = ApiKeyToProto(key);
  response->set_secret(std::move(secret));
  return Status();
}

Status ApiKeyService::Get(connectrpc::ServerContext& context,
                          const transcodely::v1::GetAPIKeyRequest& request,
                          transcodely::v1::GetAPIKeyResponse* response) {
  if (Status s = ValidateRequest(request); !s.ok()) return s;
  auto key = LoadOwnKey(context, request.id());
  if (!key.ok()) return key.status();
  *response->mutable_api_key() = ApiKeyToProto(*key);
  return Status();
}

Status ApiKeyService::List(connectrpc::ServerContext& context,
                           const transcodely::v1::ListAPIKeysRequest& request,
                           transcodely::v1::ListAPIKeysResponse* response) {
  const Caller* caller = CallerOf(context);
  if (caller == nullptr) return NoCaller();
  if (Status s = ValidateRequest(request); !s.ok()) return s;
  if (request.has_environment() &&
      request.environment() != transcodely::v1::API_KEY_ENVIRONMENT_UNSPECIFIED) {
    std::optional<Environment> filter = FromProtoEnvironment(request.environment());
    if (filter && *filter != caller->environment)
      return WrongEnvironment(*filter, caller->environment);
  }
  if (request.has_app_id() && request.app_id() != kSandboxAppId) return OtherApp(request.app_id());
  auto keys = store_->ListApiKeys(caller->environment, request.include_revoked());
  if (!keys.ok()) return Internal("could not list API keys");
  std::vector<int64_t> seqs;
  seqs.reserve(keys->size());
  for (const auto& key : *keys) seqs.push_back(key.seq);
  auto window = Paginate(seqs, request.pagination());
  if (!window.ok()) return window.status();
  for (size_t i = window->begin; i < window->end; ++i) {
    *response->add_api_keys() = ApiKeyToProto((*keys)[i]);
  }
  *response->mutable_pagination() = window->response;
  return Status();
}

Status ApiKeyService::Revoke(connectrpc::ServerContext& context,
                             const transcodely::v1::RevokeAPIKeyRequest& request,
                             transcodely::v1::RevokeAPIKeyResponse* response) {
  if (Status s = ValidateRequest(request); !s.ok()) return s;
  auto key = LoadOwnKey(context, request.id());
  if (!key.ok()) return key.status();
  auto revoked = store_->RevokeApiKey(request.id(), request.reason(), NowMillis());
  if (!revoked.ok() || !revoked->has_value()) return Internal("could not revoke the API key");
  *response->mutable_api_key() = ApiKeyToProto(**revoked);
  return Status();
}

}  // namespace sandbox
