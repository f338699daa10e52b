#include "client_shape.h"

#include <string>
#include <vector>

#include "model.h"

namespace connectrpc::plugin {

ClientMethodShape ShapeOf(const MethodModel& method) {
  const std::string request_param = "const " + method.request + "& request";
  switch (method.kind) {
    case StreamKind::kUnary:
      return {"connectrpc::Result<" + method.response + ">",
              {request_param},
              "CallUnary<" + method.response + ">",
              {"request"}};
    case StreamKind::kServerStream:
      return {"connectrpc::ServerStreamReader<" + method.response + ">",
              {request_param},
              "CallServerStream<" + method.response + ">",
              {"request"}};
    case StreamKind::kClientStream:
      return {"connectrpc::ClientStreamWriter<" + method.request + ", " + method.response + ">",
              {},
              "CallClientStream<" + method.request + ", " + method.response + ">",
              {}};
    case StreamKind::kBidiStream:
      return {"connectrpc::BidiStream<" + method.request + ", " + method.response + ">",
              {},
              "CallBidiStream<" + method.request + ", " + method.response + ">",
              {}};
  }
  return {};
}

ClientMethodShape AsyncStreamShapeOf(const MethodModel& method) {
  const std::string request_param = "const " + method.request + "& request";
  const std::string pair = method.request + ", " + method.response;
  switch (method.kind) {
    case StreamKind::kServerStream:
      return {"connectrpc::AsyncServerStream<" + method.response + ">",
              {request_param},
              "CallServerStreamAsync<" + method.response + ">",
              {"request"}};
    case StreamKind::kClientStream:
      return {"connectrpc::AsyncClientStream<" + pair + ">", {},
              "CallClientStreamAsync<" + pair + ">", {}};
    case StreamKind::kBidiStream:
      return {"connectrpc::AsyncBidiStream<" + pair + ">", {},
              "CallBidiStreamAsync<" + pair + ">", {}};
    case StreamKind::kUnary:
      break;
  }
  return {};
}

ClientMethodShape CoroutineShapeOf(const MethodModel& method) {
  ClientMethodShape shape = {"boost::asio::awaitable<connectrpc::Result<" + method.response + ">>",
                             {"const " + method.request + "& request"},
                             "CallUnaryAsync<" + method.response + ">",
                             {"request"}};
  shape.coroutine = true;
  return shape;
}

std::vector<std::string> VirtualParams(const ClientMethodShape& shape) {
  std::vector<std::string> params = shape.params;
  params.push_back("const connectrpc::CallOptions& options");
  if (shape.coroutine) params.push_back("boost::asio::use_awaitable_t<> token");
  return params;
}

std::vector<VirtualMethod> VirtualMethodsOf(const MethodModel& method) {
  std::vector<VirtualMethod> out = {{method.function, ShapeOf(method), method.comments}};
  if (method.kind == StreamKind::kUnary) {
    out.push_back({method.async_function,
                   CoroutineShapeOf(method),
                   {method.function + " as a coroutine: co_await " + method.async_function +
                    "(request, boost::asio::use_awaitable)."}});
  } else {
    out.push_back({method.async_function,
                   AsyncStreamShapeOf(method),
                   {"Asynchronous " + method.function +
                    ": the stream's operations take Asio completion tokens."}});
  }
  return out;
}

}  // namespace connectrpc::plugin
