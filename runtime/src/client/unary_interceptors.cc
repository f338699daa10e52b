// The unary interceptor chain.
#include "client/unary_interceptors.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <utility>

#include "client/unary_call.h"

namespace connectrpc {

boost::asio::awaitable<Status> ClientInterceptor::InterceptUnary(
    ClientCallInfo& info, const google::protobuf::Message& request,
    google::protobuf::Message* response, const UnaryNext& next) {
  co_return co_await next(info, request, response);
}

namespace internal {
namespace {

namespace asio = boost::asio;

// One attempt on the transport, as the innermost `next`.
asio::awaitable<Status> Attempt(std::shared_ptr<ClientCore> core, const MethodInfo& method,
                                Headers headers, const CallOptions& options,
                                const google::protobuf::Message& request,
                                google::protobuf::Message* response) {
  Result<std::shared_ptr<UnaryCall>> call =
      UnaryCall::Prepare(core, method, std::move(headers), options, request, response);
  if (!call.ok()) co_return call.status();
  // A named initiation: GCC 12 destroys temporaries of a co_await expression twice.
  auto initiation = [call = *call](auto handler) {
    call->Start(Completion<Status>(std::move(handler)));
  };
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(Status)>(
      initiation, asio::use_awaitable);
}

asio::awaitable<Status> RunChain(std::shared_ptr<ClientCore> core, MethodInfo method,
                                 Headers headers, CallOptions options,
                                 std::unique_ptr<google::protobuf::Message> request,
                                 google::protobuf::Message* response) {
  ClientCallInfo info{method, headers};
  ClientInterceptor::UnaryNext next = [&core, &options](ClientCallInfo& call_info,
                                                        const google::protobuf::Message& req,
                                                        google::protobuf::Message* resp) {
    return Attempt(core, call_info.method, call_info.request_headers, options, req, resp);
  };
  const auto& interceptors = core->options.interceptors;
  for (auto it = interceptors.rbegin(); it != interceptors.rend(); ++it) {
    next = [interceptor = it->get(), inner = std::move(next)](ClientCallInfo& call_info,
                                                              const google::protobuf::Message& req,
                                                              google::protobuf::Message* resp) {
      return interceptor->InterceptUnary(call_info, req, resp, inner);
    };
  }
  co_return co_await next(info, *request, response);
}

}  // namespace

void StartInterceptedUnary(std::shared_ptr<ClientCore> core, const MethodInfo& method,
                           Headers headers, CallOptions options,
                           std::unique_ptr<google::protobuf::Message> request,
                           google::protobuf::Message* response, Completion<Status> done) {
  asio::any_io_executor executor = core->executor();
  asio::co_spawn(executor,
                 RunChain(std::move(core), method, std::move(headers), std::move(options),
                          std::move(request), response),
                 [done = std::move(done)](const std::exception_ptr& error, Status status) mutable {
                   if (error) {
                     try {
                       std::rethrow_exception(error);
                     } catch (const std::exception& e) {
                       status = Status(Code::kInternal,
                                       std::string("client interceptor threw: ") + e.what());
                     } catch (...) {
                       status = Status(Code::kInternal, "client interceptor threw");
                     }
                   }
                   done(std::move(status));
                 });
}

}  // namespace internal
}  // namespace connectrpc
