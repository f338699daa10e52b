#include "greeting_roster.h"

#include <boost/asio/use_awaitable.hpp>
#include <utility>

namespace roster {
namespace {

greet::v1::GreetRequest RequestFor(const std::string& name) {
  greet::v1::GreetRequest request;
  request.set_name(name);
  return request;
}

// Keeps the outcome of the last attempt for `name`.
void Record(const std::string& name, const connectrpc::Result<greet::v1::GreetResponse>& result,
            Greetings* out) {
  if (result.ok()) {
    out->greetings.push_back(result->greeting());
  } else {
    out->failed.push_back(name + ": " + result.status().ToString());
  }
}

bool Retryable(const connectrpc::Result<greet::v1::GreetResponse>& result) {
  return !result.ok() && result.status().code() == connectrpc::Code::kUnavailable;
}

}  // namespace

Greetings GreetAll(greet::v1::GreetServiceClientInterface& client,
                   const std::vector<std::string>& names) {
  Greetings out;
  for (const std::string& name : names) {
    if (name.empty()) continue;
    const greet::v1::GreetRequest request = RequestFor(name);
    connectrpc::Result<greet::v1::GreetResponse> result = client.Greet(request);
    if (Retryable(result)) result = client.Greet(request);
    Record(name, result, &out);
  }
  return out;
}

boost::asio::awaitable<Greetings> GreetAllAsync(greet::v1::GreetServiceClientInterface& client,
                                                std::vector<std::string> names) {
  Greetings out;
  const connectrpc::CallOptions options;
  for (const std::string& name : names) {
    if (name.empty()) continue;
    const greet::v1::GreetRequest request = RequestFor(name);
    connectrpc::Result<greet::v1::GreetResponse> result =
        co_await client.GreetAsync(request, options, boost::asio::use_awaitable);
    if (Retryable(result)) {
      result = co_await client.GreetAsync(request, options, boost::asio::use_awaitable);
    }
    Record(name, result, &out);
  }
  co_return out;
}

}  // namespace roster
