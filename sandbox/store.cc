#include "store.h"

#include <openssl/crypto.h>

#include <utility>

namespace sandbox {
namespace {

using connectrpc::Code;
using connectrpc::Result;
using connectrpc::Status;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS api_keys (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  environment INTEGER NOT NULL,
  key_prefix TEXT NOT NULL,
  key_hint TEXT NOT NULL,
  secret_sha256 TEXT NOT NULL UNIQUE,
  scopes TEXT NOT NULL,
  app_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  last_used_at INTEGER,
  revoked_at INTEGER,
  revoke_reason TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  environment INTEGER NOT NULL,
  app_id TEXT NOT NULL,
  request BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  delayed_start INTEGER NOT NULL,
  confirmed_at INTEGER,
  canceled_at INTEGER,
  idempotency_key TEXT,
  request_fingerprint TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS jobs_idempotency
  ON jobs (environment, idempotency_key) WHERE idempotency_key IS NOT NULL;
)sql";

constexpr const char* kApiKeyColumns =
    "seq, id, name, description, environment, key_prefix, key_hint, secret_sha256, scopes, "
    "app_id, created_at, expires_at, last_used_at, revoked_at, revoke_reason";
constexpr const char* kJobColumns =
    "seq, id, environment, app_id, request, created_at, duration_ms, delayed_start, "
    "confirmed_at, canceled_at, idempotency_key, request_fingerprint";

Status SqliteError(sqlite3* db, std::string_view what) {
  return Status(Code::kInternal,
                std::string("storage error (") + std::string(what) + "): " + sqlite3_errmsg(db));
}

// A prepared statement with typed binding and column access.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) stmt_ = nullptr;
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return stmt_ != nullptr; }
  Status error(std::string_view what) const { return SqliteError(db_, what); }

  void Bind(int index, std::string_view text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  void BindBlob(int index, std::string_view bytes) {
    sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  }
  void Bind(int index, int64_t value) { sqlite3_bind_int64(stmt_, index, value); }
  void Bind(int index, const std::optional<int64_t>& value) {
    if (value) {
      sqlite3_bind_int64(stmt_, index, *value);
    } else {
      sqlite3_bind_null(stmt_, index);
    }
  }
  void BindNull(int index) { sqlite3_bind_null(stmt_, index); }

  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return sqlite3_step(stmt_); }

  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  std::optional<int64_t> OptionalInt(int column) const {
    if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_int64(stmt_, column);
  }
  std::string Text(int column) const {
    const void* data = sqlite3_column_blob(stmt_, column);
    int size = sqlite3_column_bytes(stmt_, column);
    if (data == nullptr) return std::string();
    return std::string(static_cast<const char*>(data), static_cast<size_t>(size));
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

std::string JoinScopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& scope : scopes) {
    if (!out.empty()) out.push_back(' ');
    out += scope;
  }
  return out;
}

std::vector<std::string> SplitScopes(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

ApiKeyRecord ReadApiKey(const Statement& s) {
  ApiKeyRecord key;
  key.seq = s.Int(0);
  key.id = s.Text(1);
  key.name = s.Text(2);
  key.description = s.Text(3);
  key.environment = static_cast<Environment>(s.Int(4));
  key.key_prefix = s.Text(5);
  key.key_hint = s.Text(6);
  key.secret_sha256 = s.Text(7);
  key.scopes = SplitScopes(s.Text(8));
  key.app_id = s.Text(9);
  key.created_at_ms = s.Int(10);
  key.expires_at_ms = s.OptionalInt(11);
  key.last_used_at_ms = s.OptionalInt(12);
  key.revoked_at_ms = s.OptionalInt(13);
  key.revoke_reason = s.Text(14);
  return key;
}

JobRecord ReadJob(const Statement& s) {
  JobRecord job;
  job.seq = s.Int(0);
  job.id = s.Text(1);
  job.environment = static_cast<Environment>(s.Int(2));
  job.app_id = s.Text(3);
  job.request = s.Text(4);
  job.created_at_ms = s.Int(5);
  job.duration_ms = s.Int(6);
  job.delayed_start = s.Int(7) != 0;
  job.confirmed_at_ms = s.OptionalInt(8);
  job.canceled_at_ms = s.OptionalInt(9);
  job.idempotency_key = s.Text(10);
  job.request_fingerprint = s.Text(11);
  return job;
}

// Rolls back an open transaction unless Commit() succeeded.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) {
    began_ = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
  }
  ~Transaction() {
    if (began_ && !committed_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  bool began() const { return began_; }
  Status Commit() {
    if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
      return SqliteError(db_, "commit");
    }
    committed_ = true;
    return Status();
  }

 private:
  sqlite3* db_;
  bool began_ = false;
  bool committed_ = false;
};

}  // namespace

std::string_view EnvironmentName(Environment environment) {
  return environment == Environment::kLive ? "live" : "test";
}

std::string_view EnvironmentKeyPrefix(Environment environment) {
  return environment == Environment::kLive ? "ak_live_" : "ak_test_";
}

std::optional<Environment> EnvironmentFromSecret(std::string_view secret) {
  if (secret.starts_with("ak_live_")) return Environment::kLive;
  if (secret.starts_with("ak_test_")) return Environment::kTest;
  return std::nullopt;
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& path) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    Status status = SqliteError(db, "open " + path);
    sqlite3_close(db);
    return status;
  }
  sqlite3_busy_timeout(db, 5000);
  std::unique_ptr<Store> store(new Store(db));
  if (path != ":memory:") {
    if (Status s = store->UseDurableJournal(); !s.ok()) return s;
  }
  if (Status s = store->Exec(kSchema); !s.ok()) return s;
  return store;
}

Store::~Store() { sqlite3_close(db_); }

// Every write is acknowledged to its client only after its COMMIT returned, and a client may act
// on an acknowledgement (store the job id, drop its idempotency key), so a commit must outlive
// not only this process (SIGKILL, a crash) but the machine: power loss, a kernel panic.
//
// Write-ahead log with synchronous=FULL: COMMIT returns after the WAL has been fsync'ed, so a
// returned commit survives power loss. synchronous=NORMAL would fsync only at checkpoints: its
// commits survive a process kill (they are in the OS page cache) but the last ones can be lost
// on power loss, which would break the acknowledgement promise above. The rollback journal with
// FULL would be as durable but costs several fsyncs per commit instead of one. Both settings are
// set explicitly rather than relying on the build's SQLITE_DEFAULT_SYNCHRONOUS.
Status Store::UseDurableJournal() {
  std::string mode;
  {
    Statement journal(db_, "PRAGMA journal_mode=WAL");
    if (!journal.ok() || journal.Step() != SQLITE_ROW) return journal.error("journal_mode");
    mode = journal.Text(0);
  }
  // The pragma answers with the mode now in force, which stays the old one where the WAL cannot
  // be used (e.g. a file system without shared memory for its index).
  if (mode != "wal") {
    return Status(
        Code::kInternal,
        "storage error (journal_mode): cannot use a write-ahead log (mode is " + mode + ")");
  }
  return Exec("PRAGMA synchronous=FULL");
}

Status Store::Exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    Status status(Code::kInternal,
                  std::string("storage error: ") + (message != nullptr ? message : "unknown"));
    sqlite3_free(message);
    return status;
  }
  return Status();
}

Result<bool> Store::BootstrapOnce(const std::vector<ApiKeyRecord>& keys) {
  std::lock_guard<std::mutex> lock(mu_);
  Transaction txn(db_);
  if (!txn.began()) return SqliteError(db_, "begin");
  Statement select(db_, "SELECT value FROM meta WHERE key = 'bootstrapped'");
  if (!select.ok()) return select.error("bootstrap");
  int rc = select.Step();
  if (rc == SQLITE_ROW) return false;
  if (rc != SQLITE_DONE) return select.error("bootstrap");
  for (const auto& key : keys) {
    if (Status s = InsertApiKeyLocked(key); !s.ok()) return s;
  }
  Statement mark(db_, "INSERT INTO meta (key, value) VALUES ('bootstrapped', '1')");
  if (!mark.ok() || mark.Step() != SQLITE_DONE) return mark.error("bootstrap");
  if (Status s = txn.Commit(); !s.ok()) return s;
  return true;
}

Status Store::InsertApiKey(const ApiKeyRecord& key) {
  std::lock_guard<std::mutex> lock(mu_);
  return InsertApiKeyLocked(key);
}

Status Store::InsertApiKeyLocked(const ApiKeyRecord& key) {
  Statement s(
      db_,
      "INSERT INTO api_keys (id, name, description, environment, key_prefix, key_hint, "
      "secret_sha256, scopes, app_id, created_at, expires_at, last_used_at, revoked_at, "
      "revoke_reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
  if (!s.ok()) return s.error("insert api key");
  s.Bind(1, key.id);
  s.Bind(2, key.name);
  s.Bind(3, key.description);
  s.Bind(4, static_cast<int64_t>(key.environment));
  s.Bind(5, key.key_prefix);
  s.Bind(6, key.key_hint);
  s.Bind(7, key.secret_sha256);
  s.Bind(8, JoinScopes(key.scopes));
  s.Bind(9, key.app_id);
  s.Bind(10, key.created_at_ms);
  s.Bind(11, key.expires_at_ms);
  s.Bind(12, key.last_used_at_ms);
  s.Bind(13, key.revoked_at_ms);
  s.Bind(14, key.revoke_reason);
  if (s.Step() != SQLITE_DONE) return s.error("insert api key");
  return Status();
}

Result<std::optional<ApiKeyRecord>> Store::FindApiKeyBySecretHash(std::string_view secret_sha256) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string sql =
      std::string("SELECT ") + kApiKeyColumns + " FROM api_keys WHERE secret_sha256 = ?1";
  Statement s(db_, sql.c_str());
  if (!s.ok()) return s.error("find api key");
  s.Bind(1, secret_sha256);
  int rc = s.Step();
  if (rc == SQLITE_DONE) return std::optional<ApiKeyRecord>();
  if (rc != SQLITE_ROW) return s.error("find api key");
  ApiKeyRecord key = ReadApiKey(s);
  // The index lookup found the row; confirm the match without a data-dependent early exit.
  if (key.secret_sha256.size() != secret_sha256.size() ||
      CRYPTO_memcmp(key.secret_sha256.data(), secret_sha256.data(), secret_sha256.size()) != 0) {
    return std::optional<ApiKeyRecord>();
  }
  return std::optional<ApiKeyRecord>(std::move(key));
}

Result<std::optional<ApiKeyRecord>> Store::GetApiKey(std::string_view id) {
  std::lock_guard<std::mutex> lock(mu_);
  return GetApiKeyLocked(id);
}

Result<std::optional<ApiKeyRecord>> Store::GetApiKeyLocked(std::string_view id) {
  std::string sql = std::string("SELECT ") + kApiKeyColumns + " FROM api_keys WHERE id = ?1";
  Statement s(db_, sql.c_str());
  if (!s.ok()) return s.error("get api key");
  s.Bind(1, id);
  int rc = s.Step();
  if (rc == SQLITE_DONE) return std::optional<ApiKeyRecord>();
  if (rc != SQLITE_ROW) return s.error("get api key");
  return std::optional<ApiKeyRecord>(ReadApiKey(s));
}

Result<std::vector<ApiKeyRecord>> Store::ListApiKeys(Environment environment,
                                                     bool include_revoked) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string sql = std::string("SELECT ") + kApiKeyColumns +
                    " FROM api_keys WHERE environment = ?1" +
                    (include_revoked ? "" : " AND revoked_at IS NULL") + " ORDER BY seq DESC";
  Statement s(db_, sql.c_str());
  if (!s.ok()) return s.error("list api keys");
  s.Bind(1, static_cast<int64_t>(environment));
  std::vector<ApiKeyRecord> keys;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) keys.push_back(ReadApiKey(s));
  if (rc != SQLITE_DONE) return s.error("list api keys");
  return keys;
}

Result<std::optional<ApiKeyRecord>> Store::RevokeApiKey(std::string_view id,
                                                        std::string_view reason, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  Statement s(db_,
              "UPDATE api_keys SET revoked_at = ?2, revoke_reason = ?3 "
              "WHERE id = ?1 AND revoked_at IS NULL");
  if (!s.ok()) return s.error("revoke api key");
  s.Bind(1, id);
  s.Bind(2, now_ms);
  s.Bind(3, reason);
  if (s.Step() != SQLITE_DONE) return s.error("revoke api key");
  return GetApiKeyLocked(id);
}

Status Store::TouchApiKey(std::string_view id, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  Statement s(db_, "UPDATE api_keys SET last_used_at = ?2 WHERE id = ?1");
  if (!s.ok()) return s.error("touch api key");
  s.Bind(1, id);
  s.Bind(2, now_ms);
  if (s.Step() != SQLITE_DONE) return s.error("touch api key");
  return Status();
}

Result<Store::CreateOutcome> Store::CreateJob(JobRecord* job) {
  std::lock_guard<std::mutex> lock(mu_);
  Transaction txn(db_);
  if (!txn.began()) return SqliteError(db_, "begin");
  if (!job->idempotency_key.empty()) {
    std::string sql = std::string("SELECT ") + kJobColumns +
                      " FROM jobs WHERE environment = ?1 AND idempotency_key = ?2";
    Statement s(db_, sql.c_str());
    if (!s.ok()) return s.error("create job");
    s.Bind(1, static_cast<int64_t>(job->environment));
    s.Bind(2, job->idempotency_key);
    int rc = s.Step();
    if (rc == SQLITE_ROW) {
      JobRecord existing = ReadJob(s);
      if (existing.request_fingerprint != job->request_fingerprint) return CreateOutcome::kConflict;
      *job = std::move(existing);
      return CreateOutcome::kReplayed;
    }
    if (rc != SQLITE_DONE) return s.error("create job");
  }
  Statement s(db_,
              "INSERT INTO jobs (id, environment, app_id, request, created_at, duration_ms, "
              "delayed_start, confirmed_at, canceled_at, idempotency_key, request_fingerprint) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  if (!s.ok()) return s.error("create job");
  s.Bind(1, job->id);
  s.Bind(2, static_cast<int64_t>(job->environment));
  s.Bind(3, job->app_id);
  s.BindBlob(4, job->request);
  s.Bind(5, job->created_at_ms);
  s.Bind(6, job->duration_ms);
  s.Bind(7, static_cast<int64_t>(job->delayed_start ? 1 : 0));
  s.Bind(8, job->confirmed_at_ms);
  s.Bind(9, job->canceled_at_ms);
  if (job->idempotency_key.empty()) {
    s.BindNull(10);
  } else {
    s.Bind(10, job->idempotency_key);
  }
  s.Bind(11, job->request_fingerprint);
  if (s.Step() != SQLITE_DONE) return s.error("create job");
  job->seq = sqlite3_last_insert_rowid(db_);
  if (Status status = txn.Commit(); !status.ok()) return status;
  return CreateOutcome::kCreated;
}

Result<std::optional<JobRecord>> Store::GetJob(std::string_view id) {
  std::lock_guard<std::mutex> lock(mu_);
  return GetJobLocked(id);
}

Result<std::optional<JobRecord>> Store::GetJobLocked(std::string_view id) {
  std::string sql = std::string("SELECT ") + kJobColumns + " FROM jobs WHERE id = ?1";
  Statement s(db_, sql.c_str());
  if (!s.ok()) return s.error("get job");
  s.Bind(1, id);
  int rc = s.Step();
  if (rc == SQLITE_DONE) return std::optional<JobRecord>();
  if (rc != SQLITE_ROW) return s.error("get job");
  return std::optional<JobRecord>(ReadJob(s));
}

Result<std::vector<JobRecord>> Store::ListJobs(Environment environment) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string sql =
      std::string("SELECT ") + kJobColumns + " FROM jobs WHERE environment = ?1 ORDER BY seq DESC";
  Statement s(db_, sql.c_str());
  if (!s.ok()) return s.error("list jobs");
  s.Bind(1, static_cast<int64_t>(environment));
  std::vector<JobRecord> jobs;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) jobs.push_back(ReadJob(s));
  if (rc != SQLITE_DONE) return s.error("list jobs");
  return jobs;
}

Result<bool> Store::MarkJobCanceled(std::string_view id, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  Statement s(db_, "UPDATE jobs SET canceled_at = ?2 WHERE id = ?1 AND canceled_at IS NULL");
  if (!s.ok()) return s.error("cancel job");
  s.Bind(1, id);
  s.Bind(2, now_ms);
  if (s.Step() != SQLITE_DONE) return s.error("cancel job");
  return sqlite3_changes(db_) == 1;
}

Result<bool> Store::MarkJobConfirmed(std::string_view id, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  Statement s(db_,
              "UPDATE jobs SET confirmed_at = ?2 "
              "WHERE id = ?1 AND confirmed_at IS NULL AND canceled_at IS NULL");
  if (!s.ok()) return s.error("confirm job");
  s.Bind(1, id);
  s.Bind(2, now_ms);
  if (s.Step() != SQLITE_DONE) return s.error("confirm job");
  return sqlite3_changes(db_) == 1;
}

}  // namespace sandbox
