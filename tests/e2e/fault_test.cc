// Faults the server core must hold: HTTP/1.1 framing errors answered before closing, handlers
// that throw or never return, a throwing decorate_response, protocol-version checks, a full
// blocking pool, a stream frame with unknown flags, and a shutdown that does not wait for stuck
// handlers.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "connectrpc/client.h"
#include "connectrpc/server.h"
#include "e2e/v1/echo.connect.h"

namespace e2e::v1 {
namespace {

using connectrpc::Code;
using std::chrono::milliseconds;

// Sends `request` as raw bytes and returns everything the server sends until it closes (or 5 s).
std::string RawExchange(uint16_t port, const std::string& request) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  boost::system::error_code ec;
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
  if (ec) return "connect failed: " + ec.message();
  struct timeval tv{5, 0};
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  boost::asio::write(socket, boost::asio::buffer(request), ec);
  std::string response;
  char buffer[4096];
  for (;;) {
    size_t n = socket.read_some(boost::asio::buffer(buffer), ec);
    response.append(buffer, n);
    if (ec) break;
  }
  return response;
}

std::string Hex(size_t n) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%zx", n);
  return buffer;
}

std::string Post(std::string_view path, std::string_view extra_headers, std::string_view body) {
  return std::string("POST ") + std::string(path) + " HTTP/1.1\r\nHost: x\r\n" +
         std::string(extra_headers) + "\r\n" + std::string(body);
}

// Blocking handlers that throw, or never return until released.
class FaultyHandler : public EchoServiceHandler {
 public:
  std::atomic<int> stuck{0};
  std::atomic<bool> release{false};

  connectrpc::Status Say(connectrpc::ServerContext&, const SayRequest& request,
                         SayResponse* response) override {
    if (request.text() == "throw") {
      throw std::runtime_error("sqlite: cannot open /var/lib/secret/prod.db (user=admin)");
    }
    if (request.text() == "hang") {
      ++stuck;
      // Ignores its deadline and cancellation on purpose.
      while (!release.load()) std::this_thread::sleep_for(milliseconds(5));
    }
    response->set_text(request.text());
    return connectrpc::Status();
  }

  connectrpc::Status Sum(connectrpc::ServerContext&, connectrpc::ServerReader<SumRequest>& reader,
                         SumResponse* response) override {
    SumRequest request;
    while (reader.Read(&request)) response->set_total(response->total() + request.value());
    return connectrpc::Status();
  }
};

// Coroutine handlers for the same service.
class CoroutineHandler : public EchoServiceAsyncHandler {
 public:
  connectrpc::Task<connectrpc::Status> Say(connectrpc::ServerContext&, const SayRequest& request,
                                           SayResponse* response) override {
    response->set_text("async:" + request.text());
    co_return connectrpc::Status();
  }
};

class FaultTest : public ::testing::Test {
 protected:
  void Start(connectrpc::ServerOptions options) {
    options.error_log = [this](std::string_view line) {
      std::lock_guard<std::mutex> lock(log_mu_);
      log_.emplace_back(line);
    };
    server_ = std::make_unique<connectrpc::Server>(std::move(options));
    RegisterEchoServiceHandler(*server_, handler_);
    ASSERT_TRUE(server_->Listen("127.0.0.1", 0).ok());
    server_->Start();
  }
  void TearDown() override {
    handler_->release = true;
    if (server_) server_->Shutdown(milliseconds(500));
  }
  EchoServiceClient Client(connectrpc::ClientOptions options = {}) {
    auto client = connectrpc::Client::Create(
        "http://127.0.0.1:" + std::to_string(server_->port()), std::move(options));
    EXPECT_TRUE(client.ok());
    return EchoServiceClient(*client);
  }
  std::string Log() {
    std::lock_guard<std::mutex> lock(log_mu_);
    std::string all;
    for (const auto& line : log_) all += line + "\n";
    return all;
  }

  std::shared_ptr<FaultyHandler> handler_ = std::make_shared<FaultyHandler>();
  std::unique_ptr<connectrpc::Server> server_;
  std::mutex log_mu_;
  std::vector<std::string> log_;
};

TEST_F(FaultTest, FramingErrorsAreAnsweredBeforeClosing) {
  Start({});
  const uint16_t port = server_->port();
  std::string both = RawExchange(
      port, Post("/e2e.v1.EchoService/Say",
                 "Content-Type: application/proto\r\nContent-Length: 2\r\n"
                 "Transfer-Encoding: chunked\r\n",
                 "0\r\n\r\n"));
  EXPECT_TRUE(both.starts_with("HTTP/1.1 400 ")) << both;
  EXPECT_NE(both.find("connection: close"), std::string::npos) << both;
  EXPECT_NE(both.find("Transfer-Encoding and Content-Length"), std::string::npos) << both;

  std::string xchunked = RawExchange(
      port, Post("/e2e.v1.EchoService/Say",
                 "Content-Type: application/proto\r\nTransfer-Encoding: xchunked\r\n"
                 "Content-Length: 0\r\n",
                 ""));
  EXPECT_TRUE(xchunked.starts_with("HTTP/1.1 400 ")) << xchunked;

  std::string gzip_chunked = RawExchange(
      port, Post("/e2e.v1.EchoService/Say",
                 "Content-Type: application/proto\r\nTransfer-Encoding: gzip, chunked\r\n",
                 "0\r\n\r\n"));
  EXPECT_TRUE(gzip_chunked.starts_with("HTTP/1.1 501 ")) << gzip_chunked;

  std::string garbage = RawExchange(port, "NOT HTTP AT ALL\r\n\r\n");
  EXPECT_TRUE(garbage.starts_with("HTTP/1.1 400 ")) << garbage;
  EXPECT_NE(garbage.find("malformed HTTP request"), std::string::npos) << garbage;

  std::string no_host = RawExchange(port, "POST /e2e.v1.EchoService/Say HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(no_host.starts_with("HTTP/1.1 400 ")) << no_host;
}

// Chunked trailer fields arrive after the head, while the call holds views of the head's fields:
// enough of them to outgrow the head's storage must not move it (ASan saw a use after free).
TEST_F(FaultTest, ChunkedTrailerFieldsAreDiscarded) {
  Start({});
  SayRequest request;
  request.set_text("trailers");
  const std::string message = request.SerializeAsString();
  std::string body = Hex(message.size()) + "\r\n" + message + "\r\n0\r\n";
  for (int i = 0; i < 200; ++i) {
    body += "X-Trailer-" + std::to_string(i) + ": " + std::string(64, 'v') + "\r\n";
  }
  body += "\r\n";
  std::string response = RawExchange(
      server_->port(), Post("/e2e.v1.EchoService/Say",
                            "Content-Type: application/proto\r\nTransfer-Encoding: chunked\r\n"
                            "Connection: close\r\n",
                            body));
  EXPECT_TRUE(response.starts_with("HTTP/1.1 200 ")) << response;
  EXPECT_NE(response.find("trailers"), std::string::npos) << response;
  EXPECT_EQ(response.find("X-Trailer"), std::string::npos) << response;
}

// A chunk-size line or a trailer section that never ends is bounded like a head: the server
// answers instead of buffering until the idle timeout.
TEST_F(FaultTest, EndlessChunkFramingIsBounded) {
  connectrpc::ServerOptions options;
  options.max_header_bytes = 2048;
  options.idle_timeout = milliseconds(30'000);
  Start(std::move(options));
  SumRequest request;
  request.set_value(5);
  const std::string message = request.SerializeAsString();
  const std::string frame = std::string("\0\0\0\0", 4) + static_cast<char>(message.size()) + message;
  const std::string head = "Content-Type: application/connect+proto\r\nTransfer-Encoding: chunked\r\n";
  const std::string chunk = Hex(frame.size()) + "\r\n" + frame + "\r\n";
  for (const std::string& endless : {chunk + "0\r\nX-Trailer: " + std::string(3000, 't'),
                                     chunk + "4;" + std::string(3000, 'e'),  // extensions
                                     chunk + std::string(3000, '0')}) {      // a chunk size
    std::string response = RawExchange(server_->port(), Post("/e2e.v1.EchoService/Sum", head, endless));
    EXPECT_TRUE(response.starts_with("HTTP/1.1 200 ")) << response;
    EXPECT_NE(response.find("invalid_argument"), std::string::npos) << response;
    EXPECT_NE(response.find("malformed request body framing"), std::string::npos) << response;
  }
}

TEST_F(FaultTest, HeadGetsNoBodyAndAbsoluteFormTargetsWork) {
  Start({});
  const uint16_t port = server_->port();
  std::string head =
      RawExchange(port, "HEAD /e2e.v1.EchoService/Say HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  ASSERT_TRUE(head.starts_with("HTTP/1.1 405 ")) << head;
  EXPECT_TRUE(head.ends_with("\r\n\r\n")) << "HEAD response carried a body: " << head;

  SayRequest request;
  request.set_text("absolute");
  std::string body = request.SerializeAsString();
  std::string absolute = RawExchange(
      port, "POST http://127.0.0.1/e2e.v1.EchoService/Say HTTP/1.1\r\nHost: x\r\n"
            "Content-Type: application/proto\r\nConnection: close\r\nContent-Length: " +
                std::to_string(body.size()) + "\r\n\r\n" + body);
  EXPECT_TRUE(absolute.starts_with("HTTP/1.1 200 ")) << absolute;
  EXPECT_NE(absolute.find("absolute"), std::string::npos);
}

TEST_F(FaultTest, ProtocolVersionOtherThanOneIsInvalid) {
  Start({});
  std::string response =
      RawExchange(server_->port(),
                  Post("/e2e.v1.EchoService/Say",
                       "Content-Type: application/json\r\nConnect-Protocol-Version: 2\r\n"
                       "Connection: close\r\nContent-Length: 2\r\n",
                       "{}"));
  EXPECT_TRUE(response.starts_with("HTTP/1.1 400 ")) << response;
  EXPECT_NE(response.find("invalid_argument"), std::string::npos) << response;
  EXPECT_NE(response.find("connect-protocol-version"), std::string::npos) << response;
}

TEST_F(FaultTest, StreamFrameWithUnknownFlagsIsInvalid) {
  // A client stream whose first frame sets a flag Connect does not define (0x80): refused, not
  // read as a message.
  Start({});
  const std::string frame("\x80\0\0\0\0", 5);
  std::string response =
      RawExchange(server_->port(), Post("/e2e.v1.EchoService/Sum",
                                        "Content-Type: application/connect+proto\r\n"
                                        "Connection: close\r\nContent-Length: 5\r\n",
                                        frame));
  EXPECT_TRUE(response.starts_with("HTTP/1.1 200 ")) << response;
  EXPECT_NE(response.find("invalid_argument"), std::string::npos) << response;
  EXPECT_NE(response.find("request stream frame has unknown flags 128"), std::string::npos)
      << response;
}

TEST_F(FaultTest, HandlerExceptionsAreInternalWithAGenericMessage) {
  Start({});
  EchoServiceClient client = Client();
  SayRequest request;
  request.set_text("throw");
  auto result = client.Say(request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Code::kInternal);
  EXPECT_EQ(result.status().message(), "internal error");
  EXPECT_NE(Log().find("/var/lib/secret/prod.db"), std::string::npos) << Log();
  // The connection and the server still work.
  request.set_text("fine");
  auto again = client.Say(request);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->text(), "fine");
}

TEST_F(FaultTest, ThrowingDecorateResponseIsInternalAndAnswered) {
  connectrpc::ServerOptions options;
  options.decorate_response = [](const connectrpc::Headers&, connectrpc::Headers&) {
    throw std::runtime_error("decorator secret");
  };
  Start(std::move(options));
  SayRequest request;
  request.set_text("x");
  auto result = Client().Say(request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Code::kInternal);
  EXPECT_EQ(result.status().message().find("secret"), std::string::npos);
  EXPECT_NE(Log().find("decorator secret"), std::string::npos);
}

TEST_F(FaultTest, StuckBlockingHandlersNeitherHangOtherCallsNorShutdown) {
  connectrpc::ServerOptions options;
  options.handler_threads = 2;
  options.max_queued_blocking_calls = 0;
  Start(std::move(options));
  std::vector<std::thread> callers;
  for (int i = 0; i < 2; ++i) {
    callers.emplace_back([this] {
      connectrpc::CallOptions call_options;
      call_options.timeout = milliseconds(200);
      SayRequest request;
      request.set_text("hang");
      auto result = Client().Say(request, call_options);
      EXPECT_EQ(result.status().code(), Code::kDeadlineExceeded) << result.status().ToString();
    });
  }
  while (handler_->stuck.load() < 2) std::this_thread::sleep_for(milliseconds(5));
  // Every pool thread is stuck: a further blocking call fails fast instead of hanging.
  SayRequest request;
  request.set_text("more");
  const auto before = std::chrono::steady_clock::now();
  auto refused = Client().Say(request);
  EXPECT_EQ(refused.status().code(), Code::kResourceExhausted) << refused.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(2));
  for (auto& caller : callers) caller.join();  // answered at their deadline

  const auto shutdown_start = std::chrono::steady_clock::now();
  server_->Shutdown(milliseconds(200));
  EXPECT_LT(std::chrono::steady_clock::now() - shutdown_start, milliseconds(1200));
  server_.reset();
  handler_->release = true;  // the detached threads finish on their own
}

TEST_F(FaultTest, CoroutineAndBlockingRoutesMix) {
  connectrpc::ServerOptions options;
  options.handler_threads = 1;
  options.max_queued_blocking_calls = 0;
  server_ = std::make_unique<connectrpc::Server>(options);
  RegisterEchoServiceHandler(*server_, std::make_shared<CoroutineHandler>());
  // One route back on the blocking pool: a server can mix both forms.
  server_->Handle(kEchoServiceFailMethod, std::shared_ptr<EchoServiceHandler>(handler_),
                  &EchoServiceHandler::Fail);
  ASSERT_TRUE(server_->Listen("127.0.0.1", 0).ok());
  server_->Start();
  SayRequest request;
  request.set_text("hi");
  auto result = Client().Say(request);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->text(), "async:hi");
  // The coroutine form of the other methods answers unimplemented by default.
  CountRequest count;
  count.set_n(1);
  auto stream = Client().Count(count);
  for (const auto& item : stream) (void)item;
  EXPECT_EQ(stream.status().code(), Code::kUnimplemented);
}

}  // namespace
}  // namespace e2e::v1
