// The EchoService implementation the loopback tests run against.
#ifndef CONNECTRPC_TESTS_E2E_ECHO_HANDLER_H_
#define CONNECTRPC_TESTS_E2E_ECHO_HANDLER_H_

#include <atomic>
#include <chrono>
#include <string>

#include "connectrpc/server.h"
#include "e2e/v1/echo.connect.h"

namespace e2e::v1 {

class EchoHandler : public EchoServiceHandler {
 public:
  // Say calls that have started, so tests can wait for a call to reach the handler.
  std::atomic<int> says_started{0};

  connectrpc::Status Say(connectrpc::ServerContext& context, const SayRequest& request,
                         SayResponse* response) override {
    ++says_started;
    if (request.delay_ms() > 0 &&
        !context.SleepFor(std::chrono::milliseconds(request.delay_ms()))) {
      return context.CancelledStatus();
    }
    response->set_text(request.text());
    if (auto left = context.TimeRemaining()) response->set_timeout_ms(left->count());
    response->set_http_method(std::string(context.http_method()));
    for (std::string_view value : context.request_headers().GetAll("x-echo")) {
      context.response_headers().Add("x-echo", value);
    }
    context.response_trailers().Add("x-trailer", "done");
    context.response_headers().Add("x-peer", context.peer());
    return connectrpc::Status();
  }

  connectrpc::Status Count(connectrpc::ServerContext& context, const CountRequest& request,
                           connectrpc::ServerWriter<CountResponse>& writer) override {
    context.response_headers().Add("x-count", std::to_string(request.n()));
    for (int i = 1; i <= request.n(); ++i) {
      if (request.fail_code() != 0 && i > request.fail_after()) break;
      CountResponse response;
      response.set_number(i);
      if (!writer.Write(response)) return context.CancelledStatus();
    }
    if (request.fail_code() != 0) {
      return connectrpc::Status(static_cast<connectrpc::Code>(request.fail_code()),
                                "count failed on purpose");
    }
    context.response_trailers().Add("x-total", std::to_string(request.n()));
    return connectrpc::Status();
  }

  connectrpc::Status Sum(connectrpc::ServerContext& /*context*/,
                         connectrpc::ServerReader<SumRequest>& reader,
                         SumResponse* response) override {
    SumRequest request;
    while (reader.Read(&request)) {
      response->set_total(response->total() + request.value());
      response->set_count(response->count() + 1);
    }
    return connectrpc::Status();
  }

  connectrpc::Status Chat(
      connectrpc::ServerContext& /*context*/,
      connectrpc::ServerReaderWriter<ChatRequest, ChatResponse>& stream) override {
    ChatRequest request;
    while (stream.Read(&request)) {
      ChatResponse response;
      response.set_text("you said: " + request.text());
      if (!stream.Write(response)) break;
    }
    return connectrpc::Status();
  }

  connectrpc::Status Fail(connectrpc::ServerContext& context, const FailRequest& request,
                          google::protobuf::Empty* /*response*/) override {
    connectrpc::Status status(static_cast<connectrpc::Code>(request.code()), request.message());
    SayResponse detail;
    detail.set_text("detail");
    status.AddDetail(detail);
    context.response_headers().Add("x-error-header", "h");
    context.response_trailers().Add("x-error-trailer", "t");
    return status;
  }
};

}  // namespace e2e::v1

#endif  // CONNECTRPC_TESTS_E2E_ECHO_HANDLER_H_
