// APIKeyService: create (secret once, environment defaulting), get, list with pagination and
// revoked filtering, revoke (idempotent), and hash-only storage checked in the SQLite file.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "ids.h"
#include "sandbox_fixture.h"

namespace sandbox::testing {
namespace {

using connectrpc::Code;

class ApiKeyTest : public SandboxTest {
 protected:
  transcodely::v1::CreateAPIKeyResponse CreateKey(const std::string& name) {
    transcodely::v1::CreateAPIKeyRequest request;
    request.set_name(name);
    request.set_description("test key " + name);
    auto created = keys_->Create(request, As(test_key_));
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? *created : transcodely::v1::CreateAPIKeyResponse();
  }
};

TEST_F(ApiKeyTest, CreateReturnsSecretOnceAndDefaultsEnvironment) {
  auto created = CreateKey("pipeline");
  const auto& key = created.api_key();
  EXPECT_TRUE(key.id().starts_with("ak_"));
  EXPECT_EQ(key.id().size(), 3u + 16u);
  EXPECT_EQ(key.name(), "pipeline");
  EXPECT_EQ(key.environment(), transcodely::v1::API_KEY_ENVIRONMENT_TEST);
  EXPECT_EQ(key.key_prefix(), "ak_test_");
  EXPECT_TRUE(created.secret().starts_with("ak_test_"));
  EXPECT_EQ(key.key_hint(), created.secret().substr(created.secret().size() - 4));
  EXPECT_EQ(key.app_id(), "app_sandbox");
  EXPECT_FALSE(key.is_revoked());
  EXPECT_TRUE(key.has_created_at());

  transcodely::v1::GetAPIKeyRequest get;
  get.set_id(key.id());
  auto fetched = keys_->Get(get, As(test_key_));
  ASSERT_TRUE(fetched.ok()) << fetched.status().ToString();
  EXPECT_EQ(fetched->api_key().id(), key.id());
  EXPECT_EQ(fetched->api_key().key_hint(), key.key_hint());

  // The new key works and its use is recorded.
  ASSERT_TRUE(jobs_->List(transcodely::v1::ListJobsRequest(), As(created.secret())).ok());
  fetched = keys_->Get(get, As(test_key_));
  ASSERT_TRUE(fetched.ok());
  EXPECT_TRUE(fetched->api_key().has_last_used_at());
}

TEST_F(ApiKeyTest, CreateValidatesName) {
  auto result = keys_->Create(transcodely::v1::CreateAPIKeyRequest(), As(test_key_));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Code::kInvalidArgument);
  auto details = Details(result.status());
  EXPECT_EQ(details.code(), "invalid_request");
  ASSERT_GE(details.field_violations_size(), 1);
  EXPECT_EQ(details.field_violations(0).field(), "name");
}

// Once overflowed int64 in the conversion to milliseconds and stored a key expiring "tomorrow".
TEST_F(ApiKeyTest, CreateRejectsExpiryOutsideTheTimestampRange) {
  struct Case {
    int64_t seconds;
    int32_t nanos;
  };
  for (Case c : {Case{18446745869952154, 0}, Case{253402300800, 0}, Case{-62135596801, 0},
                 Case{4102444800, -1}, Case{4102444800, 1'000'000'000}}) {
    transcodely::v1::CreateAPIKeyRequest request;
    request.set_name("far");
    request.mutable_expires_at()->set_seconds(c.seconds);
    request.mutable_expires_at()->set_nanos(c.nanos);
    auto result = proto_keys_->Create(request, As(test_key_));
    ASSERT_FALSE(result.ok()) << c.seconds << "s " << c.nanos << "ns was accepted";
    EXPECT_EQ(result.status().code(), Code::kInvalidArgument);
    EXPECT_NE(result.status().message().find("expires_at"), std::string::npos)
        << result.status().message();
    auto details = Details(result.status());
    EXPECT_EQ(details.code(), "invalid_request");
    ASSERT_GE(details.field_violations_size(), 1);
    EXPECT_EQ(details.field_violations(0).field(), "expires_at");
  }
  // The last second of the range is accepted and kept as given.
  transcodely::v1::CreateAPIKeyRequest request;
  request.set_name("last");
  request.mutable_expires_at()->set_seconds(253402300799);
  request.mutable_expires_at()->set_nanos(999'999'999);
  auto created = keys_->Create(request, As(test_key_));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->api_key().expires_at().seconds(), 253402300799);
  EXPECT_EQ(created->api_key().expires_at().nanos(), 999'000'000);
}

TEST_F(ApiKeyTest, AKeyCannotCreateAKeyThatOutlivesIt) {
  int64_t in_an_hour = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count() +
                       3600;
  transcodely::v1::CreateAPIKeyRequest request;
  request.set_name("temporary");
  request.mutable_expires_at()->set_seconds(in_an_hour);
  auto temporary = keys_->Create(request, As(test_key_));
  ASSERT_TRUE(temporary.ok()) << temporary.status().ToString();
  const std::string secret = temporary->secret();

  auto expect_refused = [&](const transcodely::v1::CreateAPIKeyRequest& r) {
    auto result = keys_->Create(r, As(secret));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), Code::kInvalidArgument);
    EXPECT_NE(result.status().message().find("expires_at"), std::string::npos);
    auto details = Details(result.status());
    ASSERT_GE(details.field_violations_size(), 1);
    EXPECT_EQ(details.field_violations(0).field(), "expires_at");
  };
  transcodely::v1::CreateAPIKeyRequest never;
  never.set_name("forever");
  expect_refused(never);
  transcodely::v1::CreateAPIKeyRequest later;
  later.set_name("later");
  later.mutable_expires_at()->set_seconds(in_an_hour + 1);
  expect_refused(later);

  transcodely::v1::CreateAPIKeyRequest same;
  same.set_name("same");
  same.mutable_expires_at()->set_seconds(in_an_hour);
  auto child = keys_->Create(same, As(secret));
  EXPECT_TRUE(child.ok()) << child.status().ToString();
}

TEST_F(ApiKeyTest, GetUnknownAndOtherEnvironment) {
  transcodely::v1::GetAPIKeyRequest get;
  get.set_id("ak_doesnotexist");
  auto missing = keys_->Get(get, As(test_key_));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_EQ(Details(missing.status()).code(), "api_key_not_found");

  auto created = CreateKey("test-only");
  get.set_id(created.api_key().id());
  auto other = keys_->Get(get, As(live_key_));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), Code::kUnauthenticated);
  EXPECT_EQ(Details(other.status()).code(), "wrong_environment");
}

TEST_F(ApiKeyTest, ListPagesAndHidesRevokedAndOtherEnvironment) {
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(CreateKey("key" + std::to_string(i)).api_key().id());
  // 4 created + the bootstrap test key; the live bootstrap key is invisible.
  std::set<std::string> seen;
  transcodely::v1::ListAPIKeysRequest request;
  request.mutable_pagination()->set_limit(2);
  int pages = 0;
  for (;;) {
    auto page = keys_->List(request, As(test_key_));
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    ++pages;
    ASSERT_GT(page->api_keys_size(), 0);
    EXPECT_EQ(page->pagination().total_count(), 5);
    for (const auto& key : page->api_keys()) {
      EXPECT_EQ(key.environment(), transcodely::v1::API_KEY_ENVIRONMENT_TEST);
      EXPECT_TRUE(seen.insert(key.id()).second) << "duplicate " << key.id();
    }
    if (page->pagination().next_cursor().empty()) break;
    request.mutable_pagination()->set_cursor(page->pagination().next_cursor());
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen.size(), 5u);

  transcodely::v1::RevokeAPIKeyRequest revoke;
  revoke.set_id(ids[0]);
  ASSERT_TRUE(keys_->Revoke(revoke, As(test_key_)).ok());
  transcodely::v1::ListAPIKeysRequest all;
  auto active = keys_->List(all, As(test_key_));
  ASSERT_TRUE(active.ok());
  EXPECT_EQ(active->api_keys_size(), 4);
  EXPECT_TRUE(active->pagination().next_cursor().empty());
  all.set_include_revoked(true);
  auto with_revoked = keys_->List(all, As(test_key_));
  ASSERT_TRUE(with_revoked.ok());
  EXPECT_EQ(with_revoked->api_keys_size(), 5);

  // Asking for the other environment is refused.
  transcodely::v1::ListAPIKeysRequest live;
  live.set_environment(transcodely::v1::API_KEY_ENVIRONMENT_LIVE);
  auto refused = keys_->List(live, As(test_key_));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(Details(refused.status()).code(), "wrong_environment");

  // A malformed cursor is invalid_argument.
  transcodely::v1::ListAPIKeysRequest bad;
  bad.mutable_pagination()->set_cursor("garbage");
  auto bad_result = keys_->List(bad, As(test_key_));
  ASSERT_FALSE(bad_result.ok());
  EXPECT_EQ(bad_result.status().code(), Code::kInvalidArgument);
}

TEST_F(ApiKeyTest, RevokeIsIdempotentAndKeepsTheFirstRevocation) {
  auto created = CreateKey("twice");
  transcodely::v1::RevokeAPIKeyRequest revoke;
  revoke.set_id(created.api_key().id());
  revoke.set_reason("first");
  auto first = keys_->Revoke(revoke, As(test_key_));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->api_key().is_revoked());
  ASSERT_TRUE(first->api_key().has_revoked_at());
  revoke.set_reason("second");
  auto second = keys_->Revoke(revoke, As(test_key_));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE(second->api_key().is_revoked());
  EXPECT_EQ(second->api_key().revoked_at().seconds(), first->api_key().revoked_at().seconds());
  EXPECT_EQ(second->api_key().revoked_at().nanos(), first->api_key().revoked_at().nanos());
}

// A sandbox on a data file, to look at what is stored.
class ApiKeyStorageTest : public ApiKeyTest {
 protected:
  std::string DataPath() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("sandbox_test_" + std::to_string(::getpid()) + "_" + RandomBase62(8) + ".db"))
                .string();
    return path_;
  }
  void TearDown() override {
    ApiKeyTest::TearDown();
    std::filesystem::remove(path_);
  }
  std::string path_;
};

TEST_F(ApiKeyStorageTest, StoresOnlyHashes) {
  auto created = CreateKey("stored");
  std::vector<std::string> secrets = {created.secret(), live_key_, test_key_};

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT * FROM api_keys", -1, &stmt, nullptr), SQLITE_OK);
  int rows = 0;
  std::set<std::string> hashes;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    ++rows;
    for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
      const unsigned char* text = sqlite3_column_text(stmt, c);
      std::string value = text != nullptr ? reinterpret_cast<const char*>(text) : "";
      for (const auto& secret : secrets) {
        EXPECT_EQ(value.find(secret), std::string::npos)
            << "column " << sqlite3_column_name(stmt, c) << " holds a secret";
      }
      if (std::string(sqlite3_column_name(stmt, c)) == "secret_sha256") hashes.insert(value);
    }
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  EXPECT_EQ(rows, 3);
  for (const auto& secret : secrets) EXPECT_EQ(hashes.count(Sha256Hex(secret)), 1u) << secret;
}

}  // namespace
}  // namespace sandbox::testing
