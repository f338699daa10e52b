// Interceptors, client side: auth_client [BASE_URL] [TOKEN] (defaults http://127.0.0.1:8080 and
// "s3cret"). Calls auth_server once through a client interceptor that adds the credentials to
// every call, and once without it, which the server refuses.
#include <iostream>
#include <memory>
#include <string>
#include <utility>

#include "connectrpc/client.h"
#include "greet/v1/greet.connect.h"

namespace {

// Adds "authorization: Bearer TOKEN" and the caller's name to every unary call; a streaming
// call would get them in OnStreamStart.
class AddCredentials : public connectrpc::ClientInterceptor {
 public:
  AddCredentials(std::string token, std::string user)
      : authorization_("Bearer " + std::move(token)), user_(std::move(user)) {}

  boost::asio::awaitable<connectrpc::Status> InterceptUnary(
      connectrpc::ClientCallInfo& info, const google::protobuf::Message& request,
      google::protobuf::Message* response, const UnaryNext& next) override {
    info.request_headers.Set("authorization", authorization_);
    info.request_headers.Set("x-user", user_);
    connectrpc::Status status = co_await next(info, request, response);
    co_return status;
  }

 private:
  const std::string authorization_;
  const std::string user_;
};

int Greet(const std::string& base_url, connectrpc::ClientOptions options, const char* label) {
  auto client = connectrpc::Client::Create(base_url, std::move(options));
  if (!client.ok()) {
    std::cerr << client.status().ToString() << "\n";
    return 1;
  }
  greet::v1::GreetServiceClient greeter(*client);
  greet::v1::GreetRequest request;
  request.set_name("world");
  auto response = greeter.Greet(request);
  std::cout << label << ": " << (response.ok() ? response->greeting() : response.status().ToString())
            << "\n";
  return response.ok() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string base_url = argc > 1 ? argv[1] : "http://127.0.0.1:8080";
  const std::string token = argc > 2 ? argv[2] : "s3cret";

  connectrpc::ClientOptions with_credentials;
  with_credentials.interceptors.push_back(std::make_shared<AddCredentials>(token, "ada"));
  if (Greet(base_url, std::move(with_credentials), "with credentials") != 0) return 1;

  // The same call without the interceptor: the server answers unauthenticated.
  if (Greet(base_url, {}, "without credentials") == 0) {
    std::cerr << "the server accepted a call without credentials\n";
    return 1;
  }
  return 0;
}
