// The HTTPS client path: certificate verification against a given CA file, refusal of an
// untrusted certificate by default, and host name checking. The peer is a small Python HTTPS
// server with a certificate made for the test.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "connectrpc/client.h"
#include "connectrpc/server.h"
#include "e2e/v1/echo.connect.h"
#include "echo_handler.h"

namespace e2e::v1 {
namespace {

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("connectrpc-tls-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    cert_ = (dir_ / "cert.pem").string();
    key_ = (dir_ / "key.pem").string();
    const std::string make_cert =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
        "-addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " +
        key_ + " -out " + cert_ + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(make_cert.c_str()), 0) << "openssl is required";

    int out[2];
    ASSERT_EQ(::pipe(out), 0);
    pid_ = ::fork();
    ASSERT_GE(pid_, 0);
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::close(out[0]);
      ::execlp("python3", "python3", TLS_ECHO_SERVER, cert_.c_str(), key_.c_str(), nullptr);
      ::_exit(127);
    }
    ::close(out[1]);
    FILE* reader = ::fdopen(out[0], "r");
    ASSERT_NE(reader, nullptr);
    ASSERT_EQ(std::fscanf(reader, "%d", &port_), 1) << "the TLS test server did not start";
    std::fclose(reader);
  }

  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
    std::filesystem::remove_all(dir_);
  }

  connectrpc::Result<SayResponse> Say(const std::string& host, connectrpc::ClientOptions options) {
    options.codec = &connectrpc::JsonCodec();
    auto client =
        connectrpc::Client::Create("https://" + host + ":" + std::to_string(port_), options);
    if (!client.ok()) return client.status();
    EchoServiceClient echo(*client);
    return echo.Say(SayRequest());
  }

  std::filesystem::path dir_;
  std::string cert_;
  std::string key_;
  pid_t pid_ = -1;
  int port_ = 0;
};

TEST_F(TlsTest, TrustedCertificateWorks) {
  connectrpc::ClientOptions options;
  options.transport_options.ca_file = cert_;
  auto response = Say("localhost", options);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->text(), "/e2e.v1.EchoService/Say over TLS");
}

TEST_F(TlsTest, UntrustedCertificateIsRefusedByDefault) {
  auto response = Say("localhost", {});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), connectrpc::Code::kUnavailable);
  EXPECT_NE(response.status().message().find("certificate verify failed"), std::string::npos)
      << response.status().message();
}

TEST_F(TlsTest, HostNameMustMatch) {
  connectrpc::ClientOptions options;
  options.transport_options.ca_file = cert_;
  // 127.0.0.2 reaches the same loopback server, but the certificate does not name it.
  auto response = Say("127.0.0.2", options);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), connectrpc::Code::kUnavailable);
}

TEST_F(TlsTest, VerificationCanBeTurnedOffForTests) {
  connectrpc::ClientOptions options;
  options.transport_options.verify_peer = false;
  auto response = Say("localhost", options);
  EXPECT_TRUE(response.ok()) << response.status().ToString();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_F(TlsTest, OurClientAndServerOverTls) {
  connectrpc::ServerOptions server_options;
  server_options.tls_certificate_chain_pem = ReadFile(cert_);
  server_options.tls_private_key_pem = ReadFile(key_);
  connectrpc::Server server(server_options);
  RegisterEchoServiceHandler(server, std::make_shared<EchoHandler>());
  ASSERT_TRUE(server.Listen("127.0.0.1", 0).ok());
  server.Start();

  connectrpc::ClientOptions options;
  options.transport_options.ca_pem = server_options.tls_certificate_chain_pem;
  auto client =
      connectrpc::Client::Create("https://localhost:" + std::to_string(server.port()), options);
  ASSERT_TRUE(client.ok());
  EchoServiceClient echo(*client);
  SayRequest request;
  request.set_text("secret handshake");
  auto response = echo.Say(request);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->text(), "secret handshake");
  CountRequest count;
  count.set_n(3);
  int received = 0;
  for (const auto& message : echo.Count(count)) {
    ASSERT_TRUE(message.ok()) << message.status().ToString();
    ++received;
  }
  EXPECT_EQ(received, 3);

  // A plain-HTTP client cannot talk to the TLS server.
  auto plain = connectrpc::Client::Create("http://127.0.0.1:" + std::to_string(server.port()));
  EXPECT_FALSE(EchoServiceClient(*plain).Say(request).ok());
  server.Shutdown(std::chrono::milliseconds(1000));
}

TEST(TlsServerTest, BadCertificateIsRefusedAtListen) {
  connectrpc::ServerOptions options;
  options.tls_certificate_chain_pem = "not a certificate";
  options.tls_private_key_pem = "not a key";
  connectrpc::Server server(options);
  connectrpc::Status status = server.Listen("127.0.0.1", 0);
  EXPECT_EQ(status.code(), connectrpc::Code::kInvalidArgument) << status.ToString();
}

}  // namespace
}  // namespace e2e::v1
