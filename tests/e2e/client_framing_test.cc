// The client's reading of a Connect stream's frames from a server that breaks the rules: a raw
// one-connection HTTP/1.1 server answers with bytes the test chooses.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <string>
#include <thread>
#include <vector>

#include "connectrpc/client.h"
#include "connectrpc/envelope.h"
#include "e2e/v1/echo.connect.h"

namespace e2e::v1 {
namespace {

namespace asio = boost::asio;
using connectrpc::Code;

// Accepts one connection, reads the request head and body (Content-Length), answers with
// `response` and closes.
class OneShotServer {
 public:
  explicit OneShotServer(std::string response)
      : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}),
        port_(acceptor_.local_endpoint().port()),
        thread_([this, response = std::move(response)] { Serve(response); }) {}
  ~OneShotServer() {
    if (!accepted_) {
      // The client never came: connect and close, so that the blocking accept and read return.
      asio::io_context io;
      asio::ip::tcp::socket socket(io);
      boost::system::error_code ec;
      socket.connect({asio::ip::make_address("127.0.0.1"), port_}, ec);
    }
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  void Serve(const std::string& response) {
    boost::system::error_code ec;
    asio::ip::tcp::socket socket(io_);
    acceptor_.accept(socket, ec);
    accepted_ = true;
    if (ec) return;
    std::string request;
    const size_t head = asio::read_until(socket, asio::dynamic_buffer(request), "\r\n\r\n", ec);
    if (ec) return;
    size_t length = 0;
    const size_t at = request.find("Content-Length: ");
    if (at != std::string::npos && at < head) length = std::stoul(request.substr(at + 16));
    if (request.size() < head + length) {
      asio::read(socket, asio::dynamic_buffer(request),
                 asio::transfer_exactly(head + length - request.size()), ec);
    }
    asio::write(socket, asio::buffer(response), ec);
    socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  }

  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  const uint16_t port_;
  std::atomic<bool> accepted_{false};
  std::thread thread_;
};

std::string StreamResponse(const std::string& frames) {
  return "HTTP/1.1 200 OK\r\nContent-Type: application/connect+proto\r\nContent-Length: " +
         std::to_string(frames.size()) + "\r\nConnection: close\r\n\r\n" + frames;
}

std::string CountFrame(uint8_t flags, int number) {
  CountResponse message;
  message.set_number(number);
  std::string frames;
  connectrpc::AppendEnvelope(flags, message.SerializeAsString(), &frames);
  return frames;
}

// Reads the stream to its end; returns the numbers received.
std::vector<int> ReadAll(OneShotServer& server, connectrpc::Status* status) {
  auto client = connectrpc::Client::Create(server.url());
  EXPECT_TRUE(client.ok());
  EchoServiceClient echo(*client);
  CountRequest request;
  request.set_n(2);
  auto stream = echo.Count(request);
  std::vector<int> numbers;
  CountResponse response;
  while (stream.Read(&response)) numbers.push_back(response.number());
  *status = stream.status();
  return numbers;
}

TEST(ClientFramingTest, WellFormedFramesAreRead) {
  std::string frames = CountFrame(0, 1) + CountFrame(0, 2);
  connectrpc::AppendEnvelope(connectrpc::kEnvelopeEndStream, "{}", &frames);
  OneShotServer server(StreamResponse(frames));
  connectrpc::Status status;
  EXPECT_EQ(ReadAll(server, &status), (std::vector<int>{1, 2}));
  EXPECT_TRUE(status.ok()) << status.ToString();
}

TEST(ClientFramingTest, UnknownEnvelopeFlagsAreAProtocolError) {
  // 0x80 is gRPC-Web's trailer flag, not Connect's: the frame is not read as a message.
  std::string frames = CountFrame(0, 1) + CountFrame(0x80, 2);
  connectrpc::AppendEnvelope(connectrpc::kEnvelopeEndStream, "{}", &frames);
  OneShotServer server(StreamResponse(frames));
  connectrpc::Status status;
  EXPECT_EQ(ReadAll(server, &status), (std::vector<int>{1}));
  EXPECT_EQ(status.code(), Code::kInternal) << status.ToString();
  EXPECT_EQ(status.message(), "protocol error: invalid envelope flags 128");
}

TEST(ClientFramingTest, EndlessTrailerSectionIsBounded) {
  // A chunked response whose trailer section goes on for 4 MiB: the client stops at its limit
  // instead of buffering all of it.
  const std::string frame = CountFrame(0, 1);
  char size[16];
  std::snprintf(size, sizeof(size), "%zx", frame.size());
  OneShotServer server(
      "HTTP/1.1 200 OK\r\nContent-Type: application/connect+proto\r\n"
      "Transfer-Encoding: chunked\r\n\r\n" +
      std::string(size) + "\r\n" + frame + "\r\n0\r\nX-Trailer: " + std::string(4u << 20, 't'));
  connectrpc::Status status;
  EXPECT_EQ(ReadAll(server, &status), (std::vector<int>{1}));
  EXPECT_EQ(status.code(), Code::kUnavailable) << status.ToString();
  EXPECT_EQ(status.message(),
            "HTTP transport: the response's chunk framing (a chunk-size line or the trailer "
            "section) exceeds 65536 bytes");
}

}  // namespace
}  // namespace e2e::v1
