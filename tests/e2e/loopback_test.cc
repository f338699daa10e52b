// Loopback end-to-end tests: a generated client against a generated server on 127.0.0.1.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "connectrpc/client.h"
#include "connectrpc/server.h"
#include "connectrpc/transport.h"
#include "e2e/v1/echo.connect.h"
#include "echo_handler.h"
#include "tests/support/raw_http.h"

namespace e2e::v1 {
namespace {

using connectrpc::Code;
using namespace std::chrono_literals;

class LoopbackTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer({}); }
  void TearDown() override { server_->Shutdown(1000ms); }

  void StartServer(connectrpc::ServerOptions options) {
    if (server_) server_->Shutdown(1000ms);
    options.handler_threads = 8;
    server_ = std::make_unique<connectrpc::Server>(std::move(options));
    handler_ = std::make_shared<EchoHandler>();
    RegisterEchoServiceHandler(*server_, handler_);
    ASSERT_TRUE(server_->Listen("127.0.0.1", 0).ok());
    server_->Start();
  }

  std::string BaseUrl() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

  EchoServiceClient MakeClient(connectrpc::ClientOptions options = {}) {
    auto client = connectrpc::Client::Create(BaseUrl(), std::move(options));
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return EchoServiceClient(*client);
  }

  // Sends one raw HTTP request and returns the status code and body.
  std::pair<int, std::string> Raw(std::string_view method, std::string target,
                                  connectrpc::Headers headers, std::string body) {
    connectrpc::HttpRequestHead head;
    head.method = method;
    head.target = std::move(target);
    head.headers = std::move(headers);
    connectrpc::testing::RawResponse response =
        connectrpc::testing::RawHttp(server_->port(), std::move(head), std::move(body));
    EXPECT_TRUE(response.status.ok()) << response.status.ToString();
    return {response.http_status, response.body};
  }

  std::unique_ptr<connectrpc::Server> server_;
  std::shared_ptr<EchoHandler> handler_;
};

TEST_F(LoopbackTest, UnaryProtoAndJson) {
  for (const connectrpc::Codec* codec : {&connectrpc::ProtoCodec(), &connectrpc::JsonCodec()}) {
    connectrpc::ClientOptions options;
    options.codec = codec;
    EchoServiceClient client = MakeClient(options);
    SayRequest request;
    request.set_text("hello " + std::string(codec->name()));
    connectrpc::CallOptions call;
    call.headers.Add("x-echo", "a");
    call.headers.Add("x-echo", "b");
    connectrpc::ResponseMetadata metadata;
    call.response_metadata = &metadata;
    auto response = client.Say(request, call);
    ASSERT_TRUE(response.ok()) << response.status().ToString();
    EXPECT_EQ(response->text(), request.text());
    EXPECT_EQ(response->http_method(), "POST");
    EXPECT_EQ(response->timeout_ms(), 0);
    auto echoed = metadata.headers.GetAll("x-echo");
    ASSERT_EQ(echoed.size(), 2u);
    EXPECT_EQ(echoed[0], "a");
    EXPECT_EQ(echoed[1], "b");
    EXPECT_EQ(metadata.trailers.Get("x-trailer").value_or(""), "done");
  }
}

TEST_F(LoopbackTest, UnaryGetAndGzip) {
  for (std::string compression : {"identity", "gzip"}) {
    for (const connectrpc::Codec* codec : {&connectrpc::ProtoCodec(), &connectrpc::JsonCodec()}) {
      connectrpc::ClientOptions options;
      options.codec = codec;
      options.compression = compression;
      EchoServiceClient client = MakeClient(options);
      SayRequest request;
      request.set_text(std::string(2000, 'x') + " / ?&=+ é");
      connectrpc::CallOptions call;
      call.use_get = true;
      auto response = client.Say(request, call);
      ASSERT_TRUE(response.ok()) << compression << " " << codec->name() << ": "
                                 << response.status().ToString();
      EXPECT_EQ(response->text(), request.text());
      EXPECT_EQ(response->http_method(), "GET");
    }
  }
}

TEST_F(LoopbackTest, KeepAliveReusesTheConnection) {
  EchoServiceClient client = MakeClient();
  std::vector<std::string> peers;
  for (int i = 0; i < 3; ++i) {
    connectrpc::ResponseMetadata metadata;
    connectrpc::CallOptions call;
    call.response_metadata = &metadata;
    ASSERT_TRUE(client.Say(SayRequest(), call).ok());
    peers.emplace_back(metadata.headers.Get("x-peer").value_or(""));
  }
  // The server sees the same client address and port: one TCP connection served all three.
  EXPECT_FALSE(peers[0].empty());
  EXPECT_EQ(peers[1], peers[0]);
  EXPECT_EQ(peers[2], peers[0]);
}

TEST_F(LoopbackTest, TimeoutIsPropagated) {
  EchoServiceClient client = MakeClient();
  connectrpc::CallOptions call;
  call.timeout = 5000ms;
  auto response = client.Say(SayRequest(), call);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_GT(response->timeout_ms(), 0);
  EXPECT_LE(response->timeout_ms(), 5000);
}

TEST_F(LoopbackTest, ServerStream) {
  for (std::string compression : {"identity", "gzip"}) {
    connectrpc::ClientOptions options;
    options.compression = compression;
    EchoServiceClient client = MakeClient(options);
    CountRequest request;
    request.set_n(5);
    auto stream = client.Count(request);
    int expected = 1;
    for (const auto& result : stream) {
      ASSERT_TRUE(result.ok()) << result.status().ToString();
      EXPECT_EQ(result->number(), expected++);
    }
    EXPECT_EQ(expected, 6);
    EXPECT_TRUE(stream.status().ok()) << stream.status().ToString();
    EXPECT_EQ(stream.response_headers().Get("x-count").value_or(""), "5");
    EXPECT_EQ(stream.response_trailers().Get("x-total").value_or(""), "5");
  }
}

TEST_F(LoopbackTest, ServerStreamErrorAfterMessages) {
  EchoServiceClient client = MakeClient();
  CountRequest request;
  request.set_n(5);
  request.set_fail_after(2);
  request.set_fail_code(static_cast<int>(Code::kResourceExhausted));
  auto stream = client.Count(request);
  CountResponse response;
  int received = 0;
  while (stream.Read(&response)) ++received;
  EXPECT_EQ(received, 2);
  EXPECT_EQ(stream.status().code(), Code::kResourceExhausted);
  EXPECT_EQ(stream.status().message(), "count failed on purpose");
}

TEST_F(LoopbackTest, ClientStream) {
  for (std::string compression : {"identity", "gzip"}) {
    connectrpc::ClientOptions options;
    options.compression = compression;
    options.codec = &connectrpc::JsonCodec();
    EchoServiceClient client = MakeClient(options);
    auto writer = client.Sum();
    for (int i = 1; i <= 10; ++i) {
      SumRequest request;
      request.set_value(i);
      ASSERT_TRUE(writer.Send(request));
    }
    auto response = writer.CloseAndReceive();
    ASSERT_TRUE(response.ok()) << response.status().ToString();
    EXPECT_EQ(response->total(), 55);
    EXPECT_EQ(response->count(), 10);
  }
}

TEST_F(LoopbackTest, HalfDuplexBidi) {
  EchoServiceClient client = MakeClient();
  auto stream = client.Chat();
  for (std::string text : {"one", "two", "three"}) {
    ChatRequest request;
    request.set_text(text);
    ASSERT_TRUE(stream.Send(request));
  }
  ASSERT_TRUE(stream.CloseSend());
  std::vector<std::string> replies;
  ChatResponse response;
  while (stream.Read(&response)) replies.push_back(response.text());
  EXPECT_TRUE(stream.status().ok()) << stream.status().ToString();
  EXPECT_EQ(replies,
            (std::vector<std::string>{"you said: one", "you said: two", "you said: three"}));
}

TEST_F(LoopbackTest, ErrorsCarryDetailsAndMetadata) {
  EchoServiceClient client = MakeClient();
  FailRequest request;
  request.set_code(static_cast<int>(Code::kFailedPrecondition));
  request.set_message("line one\nline two \xF0\x9F\x98\x80");
  auto response = client.Fail(request);
  ASSERT_FALSE(response.ok());
  const connectrpc::Status& status = response.status();
  EXPECT_EQ(status.code(), Code::kFailedPrecondition);
  EXPECT_EQ(status.message(), request.message());
  ASSERT_EQ(status.details().size(), 1u);
  SayResponse detail;
  ASSERT_TRUE(status.details()[0].UnpackTo(&detail));
  EXPECT_EQ(detail.text(), "detail");
  EXPECT_EQ(status.metadata().Get("x-error-header").value_or(""), "h");
  EXPECT_EQ(status.metadata().Get("x-error-trailer").value_or(""), "t");
}

TEST_F(LoopbackTest, UnimplementedMethod) {
  EchoServiceClient client = MakeClient();
  auto response = client.Missing(google::protobuf::Empty());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), Code::kUnimplemented);
  EXPECT_NE(response.status().message().find("e2e.v1.EchoService.Missing"), std::string::npos)
      << response.status().message();
}

TEST_F(LoopbackTest, ClientDeadline) {
  EchoServiceClient client = MakeClient();
  SayRequest request;
  request.set_delay_ms(3000);
  connectrpc::CallOptions call;
  call.timeout = 100ms;
  auto response = client.Say(request, call);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), Code::kDeadlineExceeded);
  // The connection was abandoned; the next call still works.
  EXPECT_TRUE(client.Say(SayRequest()).ok());
}

TEST_F(LoopbackTest, IdleTimeoutBreaksASilentConnection) {
  connectrpc::ClientOptions options;
  options.transport_options.idle_timeout = 200ms;
  EchoServiceClient client = MakeClient(options);
  SayRequest request;
  request.set_delay_ms(3000);  // the server sends nothing meanwhile
  auto response = client.Say(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), Code::kUnavailable);
  EXPECT_NE(response.status().message().find("idle timeout"), std::string::npos)
      << response.status().message();
  EXPECT_TRUE(client.Say(SayRequest()).ok());  // a fresh connection works
}

TEST_F(LoopbackTest, ServerEnforcesDeadlineWhileHandlerRuns) {
  // No client-side deadline: only the header. The server must answer by itself.
  std::string body;
  SayRequest request;
  request.set_delay_ms(5000);
  request.SerializeToString(&body);
  auto [status, response] =
      Raw("POST", "/e2e.v1.EchoService/Say",
          {{"content-type", "application/proto"}, {"connect-timeout-ms", "100"}}, body);
  EXPECT_EQ(status, 504);
  EXPECT_NE(response.find("\"deadline_exceeded\""), std::string::npos) << response;
}

TEST_F(LoopbackTest, Cancellation) {
  EchoServiceClient client = MakeClient();
  SayRequest request;
  request.set_delay_ms(3000);
  connectrpc::CallOptions call;
  call.cancellation = std::make_shared<connectrpc::CancellationToken>();
  std::thread canceller([token = call.cancellation] {
    std::this_thread::sleep_for(100ms);
    token->Cancel();
  });
  auto response = client.Say(request, call);
  canceller.join();
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), Code::kCanceled);
}

TEST_F(LoopbackTest, BadRequestsGetProtocolErrors) {
  const std::string say = "/e2e.v1.EchoService/Say";
  const std::string count = "/e2e.v1.EchoService/Count";
  EXPECT_EQ(
      Raw("POST", "/e2e.v1.EchoService/Nope", {{"content-type", "application/proto"}}, "").first,
      404);
  EXPECT_EQ(Raw("PUT", say, {{"content-type", "application/proto"}}, "").first, 405);
  EXPECT_EQ(Raw("POST", say, {{"content-type", "image/jpeg"}}, "").first, 415);
  EXPECT_EQ(Raw("POST", say, {{"content-type", "application/connect+proto"}}, "").first, 415);
  EXPECT_EQ(Raw("GET", count + "?encoding=proto&message=", {}, "").first, 405);

  auto [bad_json, bad_json_body] =
      Raw("POST", say, {{"content-type", "application/json"}}, "{not json");
  EXPECT_EQ(bad_json, 400);
  EXPECT_NE(bad_json_body.find("invalid_argument"), std::string::npos) << bad_json_body;

  auto [bad_proto, bad_proto_body] =
      Raw("POST", say, {{"content-type", "application/proto"}}, "\xff\xff\xff");
  EXPECT_EQ(bad_proto, 400);
  EXPECT_NE(bad_proto_body.find("invalid_argument"), std::string::npos) << bad_proto_body;

  auto [timeout, timeout_body] =
      Raw("POST", say,
          {{"content-type", "application/proto"}, {"connect-timeout-ms", "12345678901"}}, "");
  EXPECT_EQ(timeout, 400);
  EXPECT_NE(timeout_body.find("invalid_argument"), std::string::npos) << timeout_body;

  auto [encoding, encoding_body] =
      Raw("POST", say, {{"content-type", "application/proto"}, {"content-encoding", "br"}}, "x");
  EXPECT_EQ(encoding, 501);
  EXPECT_NE(encoding_body.find("unimplemented"), std::string::npos) << encoding_body;

  auto [get, get_body] = Raw("GET", say + "?encoding=proto", {}, "");
  EXPECT_EQ(get, 400);
  EXPECT_NE(get_body.find("message"), std::string::npos) << get_body;

  // A truncated envelope on a stream: 200 with an end-stream error.
  auto [truncated, truncated_body] =
      Raw("POST", count, {{"content-type", "application/connect+proto"}},
          std::string("\0\0\0\0\x09"
                      "ab",
                      7));
  EXPECT_EQ(truncated, 200);
  EXPECT_NE(truncated_body.find("invalid_argument"), std::string::npos) << truncated_body;

  // The server still serves well-formed calls.
  EchoServiceClient client = MakeClient();
  EXPECT_TRUE(client.Say(SayRequest()).ok());
}

TEST_F(LoopbackTest, ReceiveLimits) {
  connectrpc::ServerOptions server_options;
  server_options.max_receive_message_bytes = 1024;
  StartServer(server_options);
  EchoServiceClient client = MakeClient();
  SayRequest big;
  big.set_text(std::string(2000, 'b'));
  auto response = client.Say(big);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), Code::kResourceExhausted);

  connectrpc::ClientOptions client_options;
  client_options.max_receive_message_bytes = 100;
  EchoServiceClient limited = MakeClient(client_options);
  SayRequest medium;
  medium.set_text(std::string(500, 'm'));
  auto limited_response = limited.Say(medium);
  ASSERT_FALSE(limited_response.ok());
  EXPECT_EQ(limited_response.status().code(), Code::kResourceExhausted);
}

class RequireToken : public connectrpc::ServerInterceptor {
 public:
  connectrpc::Task<connectrpc::Status> Intercept(connectrpc::ServerContext& context,
                                                 connectrpc::ServerNext next) override {
    if (context.request_headers().Get("authorization").value_or("") != "Bearer t0k3n") {
      co_return connectrpc::Status(Code::kUnauthenticated, "missing token");
    }
    co_return co_await next();
  }
};

class AddToken : public connectrpc::ClientInterceptor {
 public:
  boost::asio::awaitable<connectrpc::Status> InterceptUnary(
      connectrpc::ClientCallInfo& info, const google::protobuf::Message& request,
      google::protobuf::Message* response, const UnaryNext& next) override {
    info.request_headers.Set("authorization", "Bearer t0k3n");
    co_return co_await next(info, request, response);
  }
  connectrpc::Status OnStreamStart(connectrpc::ClientCallInfo& info) override {
    info.request_headers.Set("authorization", "Bearer t0k3n");
    return connectrpc::Status();
  }
};

TEST_F(LoopbackTest, Interceptors) {
  connectrpc::ServerOptions server_options;
  server_options.interceptors.push_back(std::make_shared<RequireToken>());
  StartServer(server_options);
  auto denied = MakeClient().Say(SayRequest());
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.status().code(), Code::kUnauthenticated);

  connectrpc::ClientOptions options;
  options.interceptors.push_back(std::make_shared<AddToken>());
  EchoServiceClient client = MakeClient(options);
  EXPECT_TRUE(client.Say(SayRequest()).ok());
  CountRequest request;
  request.set_n(2);
  auto stream = client.Count(request);
  CountResponse response;
  while (stream.Read(&response)) {
  }
  EXPECT_TRUE(stream.status().ok()) << stream.status().ToString();
}

TEST_F(LoopbackTest, InvalidHeaderValuesAreRefused) {
  EchoServiceClient client = MakeClient();
  connectrpc::CallOptions call;
  call.headers.Add("x-bad", "a\r\nInjected: yes");
  auto response = client.Say(SayRequest(), call);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), Code::kInvalidArgument);
}

TEST_F(LoopbackTest, GracefulShutdownFinishesInFlightCalls) {
  EchoServiceClient client = MakeClient();
  std::atomic<bool> ok{false};
  std::thread caller([&] {
    SayRequest request;
    request.set_text("slow");
    request.set_delay_ms(300);
    auto response = client.Say(request);
    ok = response.ok() && response->text() == "slow";
  });
  // Shut down only once the call is inside the handler.
  for (int i = 0; i < 500 && handler_->says_started == 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(handler_->says_started, 1);
  server_->Shutdown(5000ms);
  caller.join();
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace e2e::v1
