// A minimal Connect client: greet_client [BASE_URL] [NAME].
#include <iostream>
#include <string>

#include "connectrpc/client.h"
#include "greet/v1/greet.connect.h"

int main(int argc, char** argv) {
  auto client = connectrpc::Client::Create(argc > 1 ? argv[1] : "http://127.0.0.1:8080");
  if (!client.ok()) {
    std::cerr << client.status().ToString() << "\n";
    return 1;
  }
  greet::v1::GreetServiceClient greeter(*client);
  greet::v1::GreetRequest request;
  request.set_name(argc > 2 ? argv[2] : "world");
  auto response = greeter.Greet(request);
  if (!response.ok()) {
    std::cerr << response.status().ToString() << "\n";
    return 1;
  }
  std::cout << response->greeting() << "\n";
  return 0;
}
