// Client: URL parsing, construction of the shared core, and the entry points of unary and
// streaming calls (the blocking forms wait on the asynchronous ones).
#include "connectrpc/client.h"

#include <boost/asio/post.hpp>
#include <boost/url/parse.hpp>
#include <utility>

#include "client/client_core.h"
#include "client/connect_client_protocol.h"
#include "client/event_loop.h"
#include "client/stream_call.h"
#include "client/unary_call.h"
#include "client/unary_interceptors.h"
#include "connectrpc/compression.h"
#include "str_cat.h"

namespace connectrpc {
namespace {

Status BlockingOnLoopStatus() {
  return Status(Code::kFailedPrecondition,
                "a blocking call was made on the client's event loop thread, where it would "
                "deadlock; use the asynchronous form there");
}

}  // namespace

Result<std::shared_ptr<Client>> Client::Create(std::string_view base_url, ClientOptions options) {
  auto url = boost::urls::parse_uri(base_url);
  if (!url) {
    return Status(Code::kInvalidArgument, internal::StrCat("invalid base URL \"", base_url, "\""));
  }
  std::string scheme(url->scheme());
  if (scheme != "http" && scheme != "https") {
    return Status(Code::kInvalidArgument,
                  internal::StrCat("base URL scheme must be http or https, got \"", scheme, "\""));
  }
  if (options.codec == nullptr) {
    return Status(Code::kInvalidArgument, "ClientOptions.codec is null");
  }
  if (options.compression != kIdentityEncoding && FindCompressor(options.compression) == nullptr) {
    return Status(Code::kInvalidArgument,
                  internal::StrCat("unsupported compression \"", options.compression, "\""));
  }
  if (options.transport && !options.executor) {
    return Status(Code::kInvalidArgument,
                  "ClientOptions.transport needs ClientOptions.executor, the loop it runs on");
  }
  const bool tls = scheme == "https";
  std::string host(url->host_address());
  uint16_t port = tls ? 443 : 80;
  if (url->has_port()) port = url->port_number();
  std::string prefix(url->encoded_path());
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  if (host.empty()) return Status(Code::kInvalidArgument, "empty host");

  auto loop = std::make_shared<internal::ClientLoop>(options.executor);
  std::shared_ptr<Transport> transport = options.transport;
  if (!transport) {
    auto made = MakeHttp1Transport(loop->executor(), host, port, tls, options.transport_options);
    if (!made.ok()) return made.status();
    transport = std::move(*made);
  }
  auto core = std::make_shared<internal::ClientCore>(std::string(base_url), std::move(prefix),
                                                     std::move(options), std::move(loop),
                                                     std::move(transport));
  return std::shared_ptr<Client>(new Client(std::move(core)));
}

Client::Client(std::shared_ptr<internal::ClientCore> core) : core_(std::move(core)) {}

Client::~Client() {
  // Pending calls may still hold the core (a blocking caller wakes while the loop unwinds its
  // call); the loop then ends on its own thread, and process exit waits for it.
  if (core_) core_->loop->MarkDraining();
}

const boost::asio::any_io_executor& Client::executor() const { return core_->executor(); }
bool Client::InEventLoopThread() const { return core_->loop->InLoopThread(); }
const ClientOptions& Client::options() const { return core_->options; }
const std::string& Client::base_url() const { return core_->base_url; }

Status Client::Unary(const MethodInfo& method, const google::protobuf::Message& request,
                     google::protobuf::Message* response, const CallOptions& options) {
  if (InEventLoopThread()) return BlockingOnLoopStatus();
  UnaryStarter start = PrepareUnary(method, request, response, options);
  return internal::BlockingWait<Status>(
      [&start](internal::Completion<Status> done) { start(std::move(done)); });
}

Client::UnaryStarter Client::PrepareUnary(const MethodInfo& method,
                                          const google::protobuf::Message& request,
                                          google::protobuf::Message* response,
                                          const CallOptions& options) {
  auto failed = [executor = core_->executor()](Status status) -> UnaryStarter {
    return [executor, status = std::move(status)](internal::Completion<Status> done) mutable {
      boost::asio::post(executor, [status = std::move(status), done = std::move(done)]() mutable {
        done(std::move(status));
      });
    };
  };
  Result<Headers> headers = internal::MergeUserHeaders(core_->options, options);
  if (!headers.ok()) return failed(headers.status());
  if (core_->options.interceptors.empty()) {
    Result<std::shared_ptr<internal::UnaryCall>> call = internal::UnaryCall::Prepare(
        core_, method, std::move(*headers), options, request, response);
    if (!call.ok()) return failed(call.status());
    return [call = std::move(*call)](internal::Completion<Status> done) mutable {
      call->Start(std::move(done));
    };
  }
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  return [core = core_, method, headers = std::move(*headers), options = options,
          copy = std::move(copy), response](internal::Completion<Status> done) mutable {
    internal::StartInterceptedUnary(std::move(core), method, std::move(headers), std::move(options),
                                    std::move(copy), response, std::move(done));
  };
}

std::shared_ptr<internal::StreamCall> Client::StartStream(const MethodInfo& method,
                                                          const CallOptions& options) {
  const std::optional<Clock::time_point> deadline = internal::CallDeadline(core_->options, options);
  Status start_status;
  Headers headers;
  Result<Headers> merged = internal::MergeUserHeaders(core_->options, options);
  if (merged.ok()) {
    headers = std::move(*merged);
    ClientCallInfo info{method, headers};
    for (const auto& interceptor : core_->options.interceptors) {
      start_status = interceptor->OnStreamStart(info);
      if (!start_status.ok()) break;
    }
  } else {
    start_status = merged.status();
  }
  HttpRequestHead head =
      internal::BuildStreamHead(core_->options, core_->path_prefix, method, std::move(headers));
  return internal::MakeStreamCall(core_, std::move(head), deadline, options.cancellation,
                                  std::move(start_status));
}

std::shared_ptr<internal::StreamCall> Client::StartServerStream(
    const MethodInfo& method, const google::protobuf::Message& request,
    const CallOptions& options) {
  std::shared_ptr<internal::StreamCall> call = StartStream(method, options);
  call->Send(request, [](bool) {});
  call->CloseSend([](bool) {});
  return call;
}

namespace internal {

bool BlockingSend(StreamCall& call, const google::protobuf::Message& message) {
  if (call.InEventLoopThread()) {
    call.Abort(BlockingOnLoopStatus());
    return false;
  }
  return BlockingWait<bool>([&](Completion<bool> done) { call.Send(message, std::move(done)); });
}

bool BlockingCloseSend(StreamCall& call) {
  if (call.InEventLoopThread()) {
    call.Abort(BlockingOnLoopStatus());
    return false;
  }
  return BlockingWait<bool>([&](Completion<bool> done) { call.CloseSend(std::move(done)); });
}

bool BlockingReceive(StreamCall& call, google::protobuf::Message* message) {
  if (call.InEventLoopThread()) {
    call.Abort(BlockingOnLoopStatus());
    return false;
  }
  return BlockingWait<bool>([&](Completion<bool> done) { call.Receive(message, std::move(done)); });
}

}  // namespace internal
}  // namespace connectrpc
