// Store: the sandbox's persistent state in SQLite (one connection guarded by a mutex).
//
// Tables: api_keys, jobs and meta. Secrets are never stored, only their SHA-256 (hex). Every
// multi-statement change runs in a transaction, so a failed request leaves no partial rows.
// Times are milliseconds since the Unix epoch.
#ifndef CONNECTRPC_SANDBOX_STORE_H_
#define CONNECTRPC_SANDBOX_STORE_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectrpc/result.h"
#include "connectrpc/status.h"

namespace sandbox {

// The single app every resource of the sandbox belongs to.
inline constexpr std::string_view kSandboxAppId = "app_sandbox";

// The environment of an API key and of every resource created with it. The numbers match
// transcodely.v1.APIKeyEnvironment.
enum class Environment : int { kLive = 1, kTest = 2 };

// "live" / "test".
std::string_view EnvironmentName(Environment environment);
// "ak_live_" / "ak_test_".
std::string_view EnvironmentKeyPrefix(Environment environment);
// The environment whose key prefix `secret` starts with, if any.
std::optional<Environment> EnvironmentFromSecret(std::string_view secret);

struct ApiKeyRecord {
  int64_t seq = 0;  // insertion order; the pagination key
  std::string id;
  std::string name;
  std::string description;
  Environment environment = Environment::kTest;
  std::string key_prefix;
  std::string key_hint;
  std::string secret_sha256;  // lowercase hex
  std::vector<std::string> scopes;
  std::string app_id;
  int64_t created_at_ms = 0;
  std::optional<int64_t> expires_at_ms;
  std::optional<int64_t> last_used_at_ms;
  std::optional<int64_t> revoked_at_ms;
  std::string revoke_reason;
};

struct JobRecord {
  int64_t seq = 0;  // insertion order; the pagination key
  std::string id;
  Environment environment = Environment::kTest;
  std::string app_id;
  std::string request;  // binary transcodely.v1.CreateJobRequest
  int64_t created_at_ms = 0;
  int64_t duration_ms = 0;  // simulated processing time, fixed at creation
  bool delayed_start = false;
  std::optional<int64_t> confirmed_at_ms;
  std::optional<int64_t> canceled_at_ms;
  std::string idempotency_key;      // empty: none
  std::string request_fingerprint;  // SHA-256 hex of the request without its idempotency key
};

class Store {
 public:
  // Opens (creating if needed) the database at `path`; ":memory:" is ephemeral.
  static connectrpc::Result<std::unique_ptr<Store>> Open(const std::string& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // On the first call for a data file, inserts `keys` and returns true; afterwards inserts
  // nothing and returns false.
  connectrpc::Result<bool> BootstrapOnce(const std::vector<ApiKeyRecord>& keys);

  // API keys.
  connectrpc::Status InsertApiKey(const ApiKeyRecord& key);
  connectrpc::Result<std::optional<ApiKeyRecord>> FindApiKeyBySecretHash(
      std::string_view secret_sha256);
  connectrpc::Result<std::optional<ApiKeyRecord>> GetApiKey(std::string_view id);
  // Keys of `environment`, newest first.
  connectrpc::Result<std::vector<ApiKeyRecord>> ListApiKeys(Environment environment,
                                                            bool include_revoked);
  // Revokes the key unless it is already revoked (the first revocation is kept); returns the
  // key afterwards, nullopt if it does not exist.
  connectrpc::Result<std::optional<ApiKeyRecord>> RevokeApiKey(std::string_view id,
                                                               std::string_view reason,
                                                               int64_t now_ms);
  connectrpc::Status TouchApiKey(std::string_view id, int64_t now_ms);

  // Jobs.
  enum class CreateOutcome { kCreated, kReplayed, kConflict };
  // Inserts `job`, or, when its idempotency key is already used in its environment, replaces
  // `*job` by the stored job (kReplayed, same fingerprint) or reports kConflict.
  connectrpc::Result<CreateOutcome> CreateJob(JobRecord* job);
  connectrpc::Result<std::optional<JobRecord>> GetJob(std::string_view id);
  // Jobs of `environment`, newest first.
  connectrpc::Result<std::vector<JobRecord>> ListJobs(Environment environment);
  // Sets canceled_at / confirmed_at if not set yet; false if the job is missing or already set.
  connectrpc::Result<bool> MarkJobCanceled(std::string_view id, int64_t now_ms);
  connectrpc::Result<bool> MarkJobConfirmed(std::string_view id, int64_t now_ms);

 private:
  explicit Store(sqlite3* db) : db_(db) {}
  connectrpc::Status Exec(const char* sql);
  // Write-ahead log, synchronous=FULL: a commit that returned survives power loss (see store.cc).
  connectrpc::Status UseDurableJournal();
  connectrpc::Status InsertApiKeyLocked(const ApiKeyRecord& key);
  connectrpc::Result<std::optional<ApiKeyRecord>> GetApiKeyLocked(std::string_view id);
  connectrpc::Result<std::optional<JobRecord>> GetJobLocked(std::string_view id);

  std::mutex mu_;
  sqlite3* db_;
};

}  // namespace sandbox

#endif  // CONNECTRPC_SANDBOX_STORE_H_
