// The validation interceptors over loopback: a real connectrpc server with the server
// interceptor (blocking and coroutine handlers, unary and server-streaming), and clients with the
// client interceptor, which must fail invalid requests without sending them.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "buf/validate/violations.pb.h"
#include "connectrpc/client.h"
#include "connectrpc/server.h"
#include "connectrpc/validate/interceptors.h"
#include "connectrpc/validate/violations.h"
#include "validtest/v1/users.connect.h"

namespace connectrpc::validate {
namespace {

using namespace std::chrono_literals;
using validtest::v1::CreateUserRequest;
using validtest::v1::CreateUserResponse;
using validtest::v1::ListUsersRequest;
using validtest::v1::User;

CreateUserRequest ValidUser() {
  CreateUserRequest request;
  request.set_name("ada");
  request.set_email("ada@example.com");
  request.set_role(validtest::v1::ROLE_ADMIN);
  return request;
}

CreateUserRequest InvalidUser() {
  CreateUserRequest request = ValidUser();
  request.set_name("");
  request.set_email("nope");
  return request;
}

// Counts the calls that reach it: a rejected request must never get here.
class BlockingUsers : public validtest::v1::UserServiceHandler {
 public:
  std::atomic<int> calls{0};

  Status CreateUser(ServerContext&, const CreateUserRequest& request,
                    CreateUserResponse* response) override {
    ++calls;
    response->set_id("u-" + request.name());
    return Status();
  }
  Status ListUsers(ServerContext&, const ListUsersRequest& request,
                   ServerWriter<User>& writer) override {
    ++calls;
    for (int i = 0; i < request.page_size(); ++i) {
      User user;
      user.set_name("user" + std::to_string(i));
      if (!writer.Write(user)) break;
    }
    return Status();
  }
  Status Import(ServerContext&, ServerReader<CreateUserRequest>& reader,
                CreateUserResponse* response) override {
    ++calls;
    CreateUserRequest request;
    int n = 0;
    while (reader.Read(&request)) ++n;
    response->set_id(std::to_string(n));
    return Status();
  }
};

class AsyncUsers : public validtest::v1::UserServiceAsyncHandler {
 public:
  std::atomic<int> calls{0};

  Task<Status> CreateUser(ServerContext&, const CreateUserRequest& request,
                          CreateUserResponse* response) override {
    ++calls;
    response->set_id("async-" + request.name());
    co_return Status();
  }
  Task<Status> ListUsers(ServerContext&, const ListUsersRequest& request,
                         AsyncServerWriter<User>& writer) override {
    ++calls;
    for (int i = 0; i < request.page_size(); ++i) {
      User user;
      user.set_name("user" + std::to_string(i));
      const bool written = co_await writer.Write(user);
      if (!written) break;
    }
    co_return Status();
  }
  Task<Status> Import(ServerContext&, AsyncServerReader<CreateUserRequest>&,
                      CreateUserResponse*) override {
    ++calls;
    co_return Status();
  }
};

std::vector<std::string> ViolationIds(const Status& status) {
  std::vector<std::string> ids;
  for (const ErrorDetail& detail : status.details()) {
    buf::validate::Violations violations;
    if (!detail.UnpackTo(&violations)) continue;
    for (const auto& v : violations.violations()) {
      std::string path;
      for (const auto& e : v.field().elements()) path += (path.empty() ? "" : ".") + e.field_name();
      ids.push_back(path + " " + v.rule_id());
    }
  }
  return ids;
}

template <typename Handler>
class ServerInterceptorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto validation = NewServerInterceptor();
    ASSERT_TRUE(validation.ok()) << validation.status().ToString();
    ServerOptions options;
    options.interceptors.push_back(*validation);
    server_ = std::make_unique<Server>(std::move(options));
    handler_ = std::make_shared<Handler>();
    validtest::v1::RegisterUserServiceHandler(*server_, handler_);
    ASSERT_TRUE(server_->Listen("127.0.0.1", 0).ok());
    server_->Start();
  }
  void TearDown() override { server_->Shutdown(1000ms); }

  validtest::v1::UserServiceClient MakeClient(ClientOptions options = {}) {
    auto client =
        Client::Create("http://127.0.0.1:" + std::to_string(server_->port()), std::move(options));
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return validtest::v1::UserServiceClient(*client);
  }

  std::unique_ptr<Server> server_;
  std::shared_ptr<Handler> handler_;
};

using Handlers = ::testing::Types<BlockingUsers, AsyncUsers>;
TYPED_TEST_SUITE(ServerInterceptorTest, Handlers);

TYPED_TEST(ServerInterceptorTest, ValidUnaryReachesTheHandler) {
  auto client = this->MakeClient();
  auto response = client.CreateUser(ValidUser());
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_TRUE(response->id().ends_with("ada"));
  EXPECT_EQ(this->handler_->calls.load(), 1);
}

TYPED_TEST(ServerInterceptorTest, InvalidUnaryIsRejectedBeforeTheHandler) {
  for (const Codec* codec : {&ProtoCodec(), &JsonCodec()}) {
    ClientOptions options;
    options.codec = codec;
    auto client = this->MakeClient(options);
    auto response = client.CreateUser(InvalidUser());
    ASSERT_FALSE(response.ok());
    EXPECT_EQ(response.status().code(), Code::kInvalidArgument) << codec->name();
    EXPECT_EQ(response.status().message(),
              "invalid request: name: value length must be at least 1 characters (and 1 more)");
    EXPECT_EQ(ViolationIds(response.status()),
              (std::vector<std::string>{"name string.min_len", "email string.email"}));
  }
  EXPECT_EQ(this->handler_->calls.load(), 0);
}

TYPED_TEST(ServerInterceptorTest, ServerStreamRequestIsValidated) {
  auto client = this->MakeClient();
  ListUsersRequest request;
  request.set_page_size(0);
  auto stream = client.ListUsers(request);
  User user;
  EXPECT_FALSE(stream.Read(&user));
  EXPECT_EQ(stream.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ViolationIds(stream.status()), std::vector<std::string>{"page_size int32.gt_lte"});
  EXPECT_EQ(this->handler_->calls.load(), 0);

  request.set_page_size(3);
  auto good = client.ListUsers(request);
  int n = 0;
  while (good.Read(&user)) ++n;
  EXPECT_TRUE(good.status().ok()) << good.status().ToString();
  EXPECT_EQ(n, 3);
  EXPECT_EQ(this->handler_->calls.load(), 1);
}

// Documented limit: client-streaming messages are read by the handler, not checked by the
// interceptor (the handler validates them itself if it needs to).
TEST(ServerInterceptorLimitTest, ClientStreamMessagesReachTheHandlerUnchecked) {
  auto validation = NewServerInterceptor();
  ASSERT_TRUE(validation.ok());
  ServerOptions options;
  options.interceptors.push_back(*validation);
  Server server(std::move(options));
  auto handler = std::make_shared<BlockingUsers>();
  validtest::v1::RegisterUserServiceHandler(server, handler);
  ASSERT_TRUE(server.Listen("127.0.0.1", 0).ok());
  server.Start();
  auto client = Client::Create("http://127.0.0.1:" + std::to_string(server.port()));
  ASSERT_TRUE(client.ok());
  validtest::v1::UserServiceClient users(*client);
  auto stream = users.Import();
  ASSERT_TRUE(stream.Send(InvalidUser()));
  auto response = stream.CloseAndReceive();
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->id(), "1");
  EXPECT_EQ(handler->calls.load(), 1);
  server.Shutdown(1000ms);
}

TEST(ServerInterceptorFactoryTest, RejectUnsupportedRulesFailsAtConstruction) {
  ServerValidationOptions options;
  options.reject_unsupported_rules = true;
  options.request_types = {CreateUserRequest::descriptor(), ListUsersRequest::descriptor()};
  EXPECT_TRUE(NewServerInterceptor(options).ok());
  options.request_types.push_back(validtest::v1::Unsupported::descriptor());
  auto refused = NewServerInterceptor(options);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("validtest.v1.Unsupported.low: uint32"),
            std::string::npos)
      << refused.status().message();
}

TEST(ServerInterceptorFactoryTest, CustomStatusMapper) {
  ServerValidationOptions options;
  options.to_status = [](const google::protobuf::Message& request,
                         const std::vector<FieldViolation>& violations) {
    return Status(Code::kFailedPrecondition,
                  request.GetDescriptor()->name() + ": " + std::to_string(violations.size()));
  };
  auto validation = NewServerInterceptor(options);
  ASSERT_TRUE(validation.ok());
  ServerOptions server_options;
  server_options.interceptors.push_back(*validation);
  Server server(std::move(server_options));
  validtest::v1::RegisterUserServiceHandler(server, std::make_shared<BlockingUsers>());
  ASSERT_TRUE(server.Listen("127.0.0.1", 0).ok());
  server.Start();
  auto client = Client::Create("http://127.0.0.1:" + std::to_string(server.port()));
  ASSERT_TRUE(client.ok());
  validtest::v1::UserServiceClient users(*client);
  auto response = users.CreateUser(InvalidUser());
  EXPECT_EQ(response.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(response.status().message(), "CreateUserRequest: 2");
  server.Shutdown(1000ms);
}

// The client interceptor against a server without validation: a valid request goes through, an
// invalid one fails locally with the server interceptor's status and never reaches the server.
TEST(ClientInterceptorTest, InvalidRequestFailsLocallyAndIsNeverSent) {
  Server server;
  auto handler = std::make_shared<BlockingUsers>();
  validtest::v1::RegisterUserServiceHandler(server, handler);
  ASSERT_TRUE(server.Listen("127.0.0.1", 0).ok());
  server.Start();
  ClientOptions options;
  options.interceptors.push_back(NewClientInterceptor());
  auto client =
      Client::Create("http://127.0.0.1:" + std::to_string(server.port()), std::move(options));
  ASSERT_TRUE(client.ok());
  validtest::v1::UserServiceClient users(*client);

  auto ok = users.CreateUser(ValidUser());
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(handler->calls.load(), 1);

  auto refused = users.CreateUser(InvalidUser());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ViolationIds(refused.status()),
            (std::vector<std::string>{"name string.min_len", "email string.email"}));
  const Status expected = ValidateToStatus(InvalidUser());
  EXPECT_EQ(refused.status().message(), expected.message());
  EXPECT_EQ(refused.status().details(), expected.details());
  EXPECT_EQ(handler->calls.load(), 1);  // the invalid request never reached the server
  server.Shutdown(1000ms);
}

TEST(ClientInterceptorTest, NoNetworkCallForAnInvalidRequest) {
  // Nothing listens on this port's server any more: a request that were sent would fail with
  // kUnavailable, so kInvalidArgument proves the interceptor answered without a network call.
  uint16_t port = 0;
  {
    Server server;
    ASSERT_TRUE(server.Listen("127.0.0.1", 0).ok());
    port = server.port();
  }
  ClientOptions options;
  options.interceptors.push_back(NewClientInterceptor());
  auto client = Client::Create("http://127.0.0.1:" + std::to_string(port), std::move(options));
  ASSERT_TRUE(client.ok());
  validtest::v1::UserServiceClient users(*client);
  EXPECT_EQ(users.CreateUser(InvalidUser()).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(users.CreateUser(ValidUser()).status().code(), Code::kUnavailable);
}

}  // namespace
}  // namespace connectrpc::validate
