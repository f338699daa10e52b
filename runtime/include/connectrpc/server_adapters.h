// Route adapters: the coroutines that turn a type-erased ServerCall into a typed handler call
// (read the request, run the call's RequestCheck of request_check.h, run the handler, write the
// response). Used by Server's registration templates; not meant to be called directly.
//
// They are plain function templates rather than coroutine lambdas, and no co_await expression
// here creates a temporary with a destructor: GCC 12 destroys such temporaries twice. The `fn`
// they receive lives in the route, which outlives every call.
#ifndef CONNECTRPC_SERVER_ADAPTERS_H_
#define CONNECTRPC_SERVER_ADAPTERS_H_

#include <functional>
#include <memory>
#include <utility>

#include "connectrpc/request_check.h"
#include "connectrpc/server_call.h"
#include "connectrpc/server_stream.h"
#include "connectrpc/status.h"

namespace connectrpc::internal {

// A handler object and one of its member functions as a callable.
template <typename H, typename Fn>
auto Bind(std::shared_ptr<H> handler, Fn H::*fn) {
  return [handler = std::move(handler), fn](auto&&... args) {
    return ((*handler).*fn)(std::forward<decltype(args)>(args)...);
  };
}

template <typename Request, typename Response, typename Fn>
Task<Status> AsyncUnary(const Fn& fn, ServerCall& call) {
  Request request;
  const bool read = co_await call.ReadSingle(&request);
  if (!read) co_return call.read_status();
  Status checked = CheckRequest(call.context(), request);
  if (!checked.ok()) co_return checked;
  Response response;
  Status status = co_await fn(call.context(), request, &response);
  if (status.ok()) co_await call.Write(response);
  co_return status;
}

template <typename Request, typename Response, typename Fn>
Task<Status> AsyncServerStream(const Fn& fn, ServerCall& call) {
  Request request;
  const bool read = co_await call.ReadSingle(&request);
  if (!read) co_return call.read_status();
  Status checked = CheckRequest(call.context(), request);
  if (!checked.ok()) co_return checked;
  AsyncServerWriter<Response> writer(call);
  Status status = co_await fn(call.context(), request, writer);
  co_return status;
}

template <typename Request, typename Response, typename Fn>
Task<Status> AsyncClientStream(const Fn& fn, ServerCall& call) {
  AsyncServerReader<Request> reader(call);
  Response response;
  Status status = co_await fn(call.context(), reader, &response);
  if (status.ok()) co_await call.Write(response);
  co_return status;
}

template <typename Request, typename Response, typename Fn>
Task<Status> AsyncBidiStream(const Fn& fn, ServerCall& call) {
  AsyncServerReaderWriter<Request, Response> stream(call);
  Status status = co_await fn(call.context(), stream);
  co_return status;
}

// The blocking forms keep their messages in shared storage: a handler abandoned by a deadline
// may still be using them after the call has been answered.
template <typename Request, typename Response, typename Fn>
Task<Status> BlockingUnary(const Fn& fn, ServerCall& call) {
  struct Messages {
    Request request;
    Response response;
  };
  auto messages = std::make_shared<Messages>();
  const bool read = co_await call.ReadSingle(&messages->request);
  if (!read) co_return call.read_status();
  Status checked = CheckRequest(call.context(), messages->request);
  if (!checked.ok()) co_return checked;
  std::function<Status()> body = [&fn, &call, messages] {
    return fn(call.context(), messages->request, &messages->response);
  };
  Status status = co_await call.RunBlocking(std::move(body));
  if (status.ok()) co_await call.Write(messages->response);
  co_return status;
}

template <typename Request, typename Response, typename Fn>
Task<Status> BlockingServerStream(const Fn& fn, ServerCall& call) {
  auto request = std::make_shared<Request>();
  const bool read = co_await call.ReadSingle(request.get());
  if (!read) co_return call.read_status();
  Status checked = CheckRequest(call.context(), *request);
  if (!checked.ok()) co_return checked;
  std::function<Status()> body = [&fn, &call, request] {
    ServerWriter<Response> writer(call);
    return fn(call.context(), *request, writer);
  };
  Status status = co_await call.RunBlocking(std::move(body));
  co_return status;
}

template <typename Request, typename Response, typename Fn>
Task<Status> BlockingClientStream(const Fn& fn, ServerCall& call) {
  auto response = std::make_shared<Response>();
  std::function<Status()> body = [&fn, &call, response] {
    ServerReader<Request> reader(call);
    return fn(call.context(), reader, response.get());
  };
  Status status = co_await call.RunBlocking(std::move(body));
  if (status.ok()) co_await call.Write(*response);
  co_return status;
}

template <typename Request, typename Response, typename Fn>
Task<Status> BlockingBidiStream(const Fn& fn, ServerCall& call) {
  std::function<Status()> body = [&fn, &call] {
    ServerReaderWriter<Request, Response> stream(call);
    return fn(call.context(), stream);
  };
  Status status = co_await call.RunBlocking(std::move(body));
  co_return status;
}

}  // namespace connectrpc::internal

#endif  // CONNECTRPC_SERVER_ADAPTERS_H_
